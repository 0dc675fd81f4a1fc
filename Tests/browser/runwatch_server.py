"""A real `runwatch serve` on a freshly seeded database, for the browser suite.

The database is the demo seed (`runwatch demo seed`, built-in policy), so every freshness state, reason,
notification and late report exists. The server runs with the built-in policy minus scheduled
reconciliation: otherwise its reconcile loop would heal the seeded likely-stale runs while the browser
looks at them. `--demo` is deliberately not used (its worker fleet changes the data under the tests).
"""

import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SERVING_LINE = re.compile(r"Runwatch is serving (http://127\.0\.0\.1:\d+)/")


class RunwatchServer:
    """Seeds, starts and stops one server. Use as a context manager: the server is stopped by its PID on exit."""

    def __init__(self, binary=None, runs=300, startup_timeout=30.0, directory=None):
        self.binary = Path(binary or os.environ.get("RUNWATCH_BIN", REPO / ".build/debug/runwatch"))
        self.runs = runs
        self.startup_timeout = startup_timeout
        # Under .build (gitignored), emptied on every start, so the database and log of the last run stay
        # there to look at after a failure.
        self.directory = Path(directory) if directory else REPO / ".build/browser-server"
        self.database = self.directory / "runwatch.sqlite"
        self.policy = self.directory / "policy.yaml"
        self.log = self.directory / "serve.log"
        self.process = None
        self.url = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def runwatch(self, *arguments):
        """Runs a `runwatch` command to completion and returns its stdout; fails with its stderr."""
        result = subprocess.run(
            [str(self.binary), *arguments], capture_output=True, text=True, timeout=120, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"runwatch {' '.join(arguments)} failed:\n{result.stderr}")
        return result.stdout

    def write_policy_without_scheduled_reconciliation(self):
        built_in = self.runwatch("policy", "show")
        policy, replaced = re.subn(
            r"scheduled_reconciliation: true", "scheduled_reconciliation: false", built_in
        )
        if replaced == 0:
            raise RuntimeError("`runwatch policy show` printed no `scheduled_reconciliation: true`")
        self.policy.write_text(policy)
        self.runwatch("policy", "validate", "--policy", str(self.policy))

    def start(self):
        if not self.binary.is_file():
            raise RuntimeError(f"{self.binary} is missing: run `swift build --product runwatch` first")
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory.mkdir(parents=True)
        self.runwatch("demo", "seed", "--db", str(self.database), "--runs", str(self.runs))
        self.write_policy_without_scheduled_reconciliation()
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [
                    str(self.binary), "serve", "--db", str(self.database), "--policy", str(self.policy),
                    "--host", "127.0.0.1", "--port", "0", "--public", str(REPO / "Public"),
                ],
                stdout=log, stderr=subprocess.STDOUT, cwd=self.directory,
            )
        try:
            self.url = self._wait_for_url()
            self._wait_for_health()
        except BaseException:
            self.stop()
            raise

    def stop(self):
        """Stops the server by its PID (SIGTERM, then SIGKILL if it does not exit in time)."""
        if self.process is None or self.process.poll() is not None:
            return
        os.kill(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def _deadline_poll(self, ready, what):
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"runwatch serve exited ({self.process.returncode}):\n{self.log_text()}")
            value = ready()
            if value:
                return value
            time.sleep(0.05)
        raise RuntimeError(f"runwatch serve: no {what} within {self.startup_timeout} s:\n{self.log_text()}")

    def _wait_for_url(self):
        def url():
            match = SERVING_LINE.search(self.log_text())
            return match and match.group(1)

        return self._deadline_poll(url, "'Runwatch is serving' line")

    def _wait_for_health(self):
        def healthy():
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    return response.status == 200
            except OSError:
                return False

        self._deadline_poll(healthy, "healthy /healthz")

    def log_text(self):
        return self.log.read_text(errors="replace") if self.log.exists() else ""
