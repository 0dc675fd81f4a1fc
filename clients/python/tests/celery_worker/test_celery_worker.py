"""runwatch.celery against real Celery workers (prefork pool) on a real Redis and a real `runwatch serve`.

`make test-celery` runs it in a venv holding the pinned Celery of requirements.txt; RUNWATCH is the binary and
REDIS_SERVER the redis-server to start. Every process started here binds 127.0.0.1 and is stopped by its PID.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))

from runwatch import Client  # noqa: E402

RUNWATCH = os.environ.get("RUNWATCH", ".build/debug/runwatch")
REDIS_SERVER = os.environ.get("REDIS_SERVER", "redis-server")
PUBLIC = os.path.join(HERE, "..", "..", "..", "..", "Public")
VISIBILITY_TIMEOUT = 30

# The timing rule in Celery's terms: time_limit (job_timeout_seconds) + safety margin < the broker's
# visibility_timeout (the queue's retry_after_seconds). `runwatch serve` refuses a policy that breaks it.
POLICY = f"""
safety_margin_seconds: 5
queues:
  default: {{ retry_after_seconds: {VISIBILITY_TIMEOUT} }}
reconcile: {{ interval_seconds: 1, batch_limit: 100 }}
types:
  report.build:
    queue: default
    queued_stale_after_seconds: 300
    running_stale_after_seconds: 120
    expected_runtime_seconds: 5
    job_timeout_seconds: 20
    terminal_truth_path: direct_and_scheduled
    scheduled_reconciliation: true
    capability: operations.view
    heartbeat_timeout_seconds: 4
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cli(*arguments, db):
    return subprocess.run([RUNWATCH, *arguments, "--db", db], check=True, capture_output=True, text=True).stdout


def wait_until(what, check, timeout=30.0):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)


def stop(process, grace=10):
    """Stops a process started here (and its process group) by PID: SIGTERM, then SIGKILL."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


class CeleryWorkerSuite(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.TemporaryDirectory()
        cls.processes = []
        cls.markers = os.path.join(cls.work.name, "markers")
        os.mkdir(cls.markers)

        redis_port = free_port()
        cls.redis = cls.start([REDIS_SERVER, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", cls.work.name], "redis.log")
        wait_until("redis", lambda: cls.answers(redis_port))

        db = os.path.join(cls.work.name, "runwatch.sqlite")
        policy = os.path.join(cls.work.name, "policy.yaml")
        with open(policy, "w") as written:
            written.write(POLICY)
        cli("workspace", "add", "--slug", "acme", "--name", "Acme", db=db)
        cls.tenant = int(cli("tenant", "add", "--workspace", "acme", "--name", "Contoso", db=db).strip())
        token = cli("token", "create", "--workspace", "acme", "--name", "celery", db=db).strip()
        serve_log = os.path.join(cls.work.name, "serve.log")
        cls.server = cls.start([RUNWATCH, "serve", "--db", db, "--policy", policy, "--host", "127.0.0.1",
                                "--port", "0", "--public", PUBLIC], "serve.log")
        cls.url = wait_until("runwatch serve", lambda: cls.serving(serve_log))
        cls.client = Client(cls.url, token)

        os.environ.update(CELERY_BROKER_URL=f"redis://127.0.0.1:{redis_port}/0", RUNWATCH_URL=cls.url,
                          RUNWATCH_TOKEN=token, MARKER_DIR=cls.markers, VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT))
        sys.path.insert(0, HERE)
        import shop_tasks  # the publisher side: the same module the workers load

        cls.tasks = shop_tasks
        cls.worker = cls.start_worker("main", "celery")

    @classmethod
    def tearDownClass(cls):
        for process in reversed(cls.processes):
            stop(process)
        for log in cls.logs:
            log.close()
        if os.environ.get("CELERY_SUITE_KEEP_LOGS"):
            print(f"logs kept in {cls.work.name}", file=sys.stderr)
        else:
            cls.work.cleanup()

    logs = []

    @classmethod
    def start(cls, command, log_name, **options):
        log = open(os.path.join(cls.work.name, log_name), "w")
        cls.logs.append(log)
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **options)
        cls.processes.append(process)
        return process

    @classmethod
    def start_worker(cls, name, queue):
        log_name = f"worker-{name}.log"
        process = cls.start([sys.executable, "-m", "celery", "-A", "shop_tasks", "worker", "--pool", "prefork",
                             "--concurrency", "2", "--queues", queue, "--hostname", f"{name}@%h", "--loglevel",
                             "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"], log_name,
                            cwd=HERE)
        path = os.path.join(cls.work.name, log_name)

        def ready():
            with open(path) as written:
                return process.poll() is None and "ready." in written.read()

        wait_until(f"celery worker {name}", ready)
        return process

    @staticmethod
    def answers(port):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    @staticmethod
    def serving(log_path):
        with open(log_path) as written:
            match = re.search(r"Runwatch is serving (http://127\.0\.0\.1:\d+)", written.read())
        if not match:
            return None
        try:
            urllib.request.urlopen(match.group(1) + "/healthz", timeout=2).read()
            return match.group(1)
        except OSError:
            return None

    # Helpers --------------------------------------------------------------------------------------------------

    def runs_of(self, task_id):
        """The runs whose context names this Celery task id (there must never be more than one)."""
        runs = self.client.list_runs(type="report.build", limit=100)["runs"]
        return [run for run in runs if run["context"].get("celery_task_id") == task_id]

    def run_of(self, result):
        runs = wait_until(f"the run of task {result.id}", lambda: self.runs_of(result.id), timeout=10)
        self.assertEqual(len(runs), 1, f"one run per task, got {runs}")
        return runs[0]

    def finished(self, run_id, timeout=30):
        return wait_until(f"run {run_id} to finish",
                          lambda: (lambda run: run if run["status"] == "completed" else None)(
                              self.client.get_run(run_id)), timeout=timeout)

    def marks(self, name):
        path = os.path.join(self.markers, name)
        if not os.path.exists(path):
            return []
        with open(path) as written:
            return [int(line) for line in written.read().split()]

    # Scenarios ------------------------------------------------------------------------------------------------

    def test_a_task_that_succeeds_completes_its_run_with_counts_and_worker(self):
        from runwatch.celery import run_headers

        result = self.tasks.build_report.apply_async(
            [5], queue="celery", headers=run_headers(tenant_id=self.tenant, context={"report": "weekly"}))
        run = self.run_of(result)
        self.assertEqual(run["tenant_id"], self.tenant)
        self.assertEqual(run["context"]["report"], "weekly")
        self.assertEqual(run["context"]["celery_task"], "shop_tasks.build_report")
        done = self.finished(run["id"])
        self.assertEqual(done["outcome"], "succeeded", json.dumps(done))
        self.assertEqual(done["summary_counts"], {"processed": 5, "total": 5})
        self.assertIsNone(done["reconciliation"])
        self.assertEqual(done["worker"]["name"], "celery shop_tasks.build_report")
        self.assertNotEqual(done["worker"]["pid"], os.getpid())
        self.assertEqual(done["worker"]["host"], socket.gethostname())
        print(f"\n  success: run {run['id']} {done['status']}/{done['outcome']} counts {done['summary_counts']}",
              file=sys.stderr)

    def test_an_exception_is_bridged_as_a_queue_failure(self):
        result = self.tasks.explode.apply_async(queue="celery")
        run = self.finished(self.run_of(result)["id"])
        self.assertEqual(run["outcome"], "failed")
        self.assertEqual(run["reconciliation"]["reason_code"], "run.queue_failure_bridge")
        failure = run["reconciliation"]["evidence"]["queue_failure"]
        self.assertEqual(failure["kind"], "exception")
        self.assertEqual(failure["exception_class"], "builtins.ValueError")
        self.assertEqual(failure["message"], "the report template is missing")
        print(f"\n  exception: run {run['id']} {run['reconciliation']['reason_code']} kind {failure['kind']}",
              file=sys.stderr)

    def test_retries_keep_one_run_and_their_exhaustion_is_max_attempts(self):
        result = self.tasks.flaky.apply_async(["flaky"], queue="celery")
        run = self.finished(self.run_of(result)["id"])
        self.assertEqual(len(self.marks("flaky")), 3, "the first attempt and max_retries=2 retries ran")
        self.assertEqual(len(self.runs_of(result.id)), 1, "a retry reuses its task's run")
        self.assertEqual(run["reconciliation"]["reason_code"], "run.queue_failure_bridge")
        failure = run["reconciliation"]["evidence"]["queue_failure"]
        self.assertEqual(failure["kind"], "max_attempts")
        self.assertEqual(failure["exception_class"], "builtins.ConnectionError")
        self.assertEqual(run["late_reports"], [], "retries are not late reports")
        print(f"\n  retries exhausted: run {run['id']} {run['reconciliation']['reason_code']} kind "
              f"{failure['kind']} after 3 attempts", file=sys.stderr)

    def test_a_hard_time_limit_is_bridged_as_a_timeout(self):
        result = self.tasks.hang.apply_async(queue="celery")
        run = self.finished(self.run_of(result)["id"])
        self.assertEqual(run["outcome"], "failed")
        self.assertEqual(run["reconciliation"]["reason_code"], "run.infrastructure_timeout_or_abandonment")
        failure = run["reconciliation"]["evidence"]["queue_failure"]
        self.assertEqual(failure["kind"], "timeout")
        self.assertIn("TimeLimitExceeded", failure["exception_class"])
        self.assertEqual(failure["message"], "Hard time limit (2s) exceeded")
        print(f"\n  hard time limit: run {run['id']} {run['reconciliation']['reason_code']} kind {failure['kind']}",
              file=sys.stderr)

    def test_a_run_finished_before_its_task_starts_is_not_executed(self):
        result = self.tasks.build_report.apply_async([3, "refused"], queue="celery", countdown=3)
        run = self.run_of(result)
        self.client.complete(run["id"], "cancelled")
        time.sleep(5)  # the countdown passes; the worker asks to start and is refused
        self.assertEqual(self.marks("refused"), [], "the task body must not run")
        now = self.client.get_run(run["id"])
        self.assertEqual((now["status"], now["outcome"]), ("completed", "cancelled"))
        self.assertEqual([report["kind"] for report in now["late_reports"]], ["start"],
                         "the refused start is kept as evidence")
        print(f"\n  start refused: run {run['id']} stayed {now['outcome']}; the task body never ran",
              file=sys.stderr)

    def test_zz_a_worker_killed_mid_task_is_healed_by_the_reconciler(self):
        worker = self.start_worker("doomed", "doomed")
        result = self.tasks.crunch.apply_async(["crunch"], queue="doomed")
        run = self.run_of(result)
        wait_until("progress from the doomed worker",
                   lambda: (self.client.get_run(run["id"])["summary_counts"] or {}).get("processed", 0) >= 3)
        os.killpg(worker.pid, signal.SIGKILL)  # the worker and its pool: a lost host
        worker.wait(timeout=10)
        killed_at = time.monotonic()
        for pid in self.marks("crunch"):
            wait_until(f"pool process {pid} to be gone", lambda: not os.path.exists(f"/proc/{pid}"), timeout=5)
        healed = self.finished(run["id"], timeout=30)
        took = time.monotonic() - killed_at
        self.assertEqual(healed["outcome"], "failed")
        self.assertEqual(healed["reconciliation"]["reason_code"], "run.stale_running")
        self.assertEqual(healed["reconciliation"]["evidence"]["deadline"], "heartbeat")
        self.assertGreaterEqual(healed["summary_counts"]["processed"], 3)
        print(f"\n  kill -9: run {run['id']} healed as {healed['reconciliation']['reason_code']} "
              f"(deadline heartbeat) {took:.1f} s after the kill", file=sys.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
