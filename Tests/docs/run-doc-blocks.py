#!/usr/bin/env python3
"""Runs the documentation's runnable blocks against a real demo server, so that what the docs say to paste works.

Every ```sh / ```bash / ```python block of README.md, docs/*.md and clients/python/README.md must be preceded by a
marker line:

    <!-- doc-test: run -->                 executed, in order, one shell per file (variables carry over, as in
                                           a terminal); python blocks go to `python3 -` in that shell
    <!-- doc-test: skip: <reason> -->      not executed; the reason says why (printed in the report)

A block without a marker fails the test, so no new block escapes. The blocks run in a scratch directory that
stands in for a checkout after `make demo`: `.build/release/runwatch` (the binary under test), `Public/`,
`clients/` (on PYTHONPATH, standing in for `pip install ./clients/python`), and `runwatch-demo.db` served by `runwatch serve --demo` on a free loopback port, exported as
RUNWATCH_URL. Each file's script runs under `bash -euo pipefail`, so any failing command fails it.

Usage: run-doc-blocks.py RUNWATCH_BINARY [FILE...]
"""

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MARKER = re.compile(r"^<!-- doc-test: (run|skip: (?P<reason>.+?)) -->\s*$")
FENCE = re.compile(r"^```(?P<lang>[A-Za-z0-9_+-]*)\s*$")
CHECKED = {"sh", "bash", "shell", "python", "py"}


def blocks(path):
    """(line, language, marker, reason, text) for every fenced block of a checked language."""
    found, lines = [], open(path, encoding="utf-8").read().split("\n")
    index = 0
    while index < len(lines):
        fence = FENCE.match(lines[index])
        if not fence:
            index += 1
            continue
        start, language = index, fence.group("lang")
        end = next((i for i in range(index + 1, len(lines)) if lines[i].startswith("```")), len(lines))
        if language in CHECKED:
            previous = lines[start - 1] if start > 0 else ""
            marker = MARKER.match(previous)
            kind = marker.group(1).split(":")[0] if marker else None
            reason = marker.group("reason") if marker else None
            found.append((start + 1, language, kind, reason, "\n".join(lines[start + 1:end])))
        index = end + 1
    return found


def script_for(relative, runnable):
    parts = []
    for line, language, _, _, text in runnable:
        parts.append(f'echo "doc-test: {relative}:{line}" >&2')
        if language in ("python", "py"):
            parts.append("python3 - <<'RUNWATCH_DOC_PYTHON'\n" + text + "\nRUNWATCH_DOC_PYTHON")
        else:
            parts.append(text)
    return "\n".join(parts) + "\n"


def start_demo(binary, scratch):
    os.makedirs(os.path.join(scratch, ".build", "release"))
    os.symlink(binary, os.path.join(scratch, ".build", "release", "runwatch"))
    for name in ("Public", "clients"):
        os.symlink(os.path.join(ROOT, name), os.path.join(scratch, name))
    log_path = os.path.join(scratch, "serve.log")
    log = open(log_path, "w")
    server = subprocess.Popen(
        [binary, "serve", "--demo", "--db", "runwatch-demo.db", "--host", "127.0.0.1", "--port", "0", "--public",
         "Public"], cwd=scratch, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with open(log_path) as written:
            match = re.search(r"Runwatch is serving (http://127\.0\.0\.1:\d+)", written.read())
        if match:
            try:
                urllib.request.urlopen(match.group(1) + "/healthz", timeout=2).read()
                return server, log, match.group(1)
            except OSError:
                pass
        if server.poll() is not None:
            break
        time.sleep(0.2)
    server.kill()
    with open(log_path) as written:
        raise SystemExit("runwatch serve --demo did not come up:\n" + written.read())


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    files = sys.argv[2:] or (["README.md"] + sorted(glob.glob("docs/*.md")) + ["clients/python/README.md"])
    unmarked, runnable, skipped = [], {}, []
    for relative in files:
        for block in blocks(os.path.join(ROOT, relative)):
            line, _, kind, reason, _ = block
            if kind is None:
                unmarked.append(f"{relative}:{line}")
            elif kind == "run":
                runnable.setdefault(relative, []).append(block)
            else:
                skipped.append(f"{relative}:{line}: {reason}")
    if unmarked:
        print("Blocks without a <!-- doc-test: run --> or <!-- doc-test: skip: reason --> marker:", file=sys.stderr)
        for where in unmarked:
            print(f"  {where}", file=sys.stderr)
        return 1

    scratch = tempfile.mkdtemp(prefix="runwatch-doc-test.")
    server, log, url = start_demo(binary, scratch)
    failures = 0
    try:
        for relative, runnable_blocks in runnable.items():
            script = os.path.join(scratch, re.sub(r"[^A-Za-z0-9]+", "-", relative) + ".sh")
            with open(script, "w") as written:
                written.write(script_for(relative, runnable_blocks))
            environment = {name: value for name, value in os.environ.items()
                           if not name.startswith("RUNWATCH_")}
            environment["RUNWATCH_URL"] = url
            environment["PYTHONPATH"] = os.path.join(scratch, "clients", "python")  # `pip install ./clients/python`
            started = time.monotonic()
            result = subprocess.run(["bash", "-euo", "pipefail", script], cwd=scratch, env=environment,
                                    capture_output=True, text=True, timeout=300)
            took = time.monotonic() - started
            where = re.findall(r"^doc-test: (\S+)$", result.stderr, re.MULTILINE)
            if result.returncode == 0:
                print(f"ok   {relative}: {len(runnable_blocks)} block(s) in {took:.1f} s")
            else:
                failures += 1
                print(f"FAIL {relative}: exit {result.returncode} in the block at {where[-1] if where else '?'}")
                print("---- stdout\n" + result.stdout[-4000:] + "\n---- stderr\n" + result.stderr[-4000:])
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    for entry in skipped:
        print(f"skip {entry}")
    if failures:
        print(f"scratch directory kept: {scratch}", file=sys.stderr)
        return 1
    shutil.rmtree(scratch, ignore_errors=True)
    print(f"{sum(len(b) for b in runnable.values())} runnable blocks passed, {len(skipped)} skipped with a reason")
    return 0


if __name__ == "__main__":
    sys.exit(main())
