"""The Python client against a real `runwatch serve` (RUNWATCH: the binary; `make test-python` sets it)."""

import os
import re
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from runwatch import Client, RunConflict, RunFinished, RunwatchError, StartRefused, Unreachable  # noqa: E402

RUNWATCH = os.environ.get("RUNWATCH", ".build/debug/runwatch")
PUBLIC = os.path.join(os.path.dirname(__file__), "..", "..", "..", "Public")


def cli(*arguments, db):
    return subprocess.run([RUNWATCH, *arguments, "--db", db], check=True, capture_output=True, text=True).stdout


class ClientAgainstARealServer(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.TemporaryDirectory()
        db = os.path.join(cls.work.name, "runwatch.sqlite")
        cli("workspace", "add", "--slug", "acme", "--name", "Acme", db=db)
        cls.tenant = int(cli("tenant", "add", "--workspace", "acme", "--name", "Contoso", db=db).strip())
        cls.token = cli("token", "create", "--workspace", "acme", "--name", "python", db=db).strip()
        cls.reader = cli("token", "create", "--workspace", "acme", "--name", "reader", "--read-only", db=db).strip()
        cls.log = open(os.path.join(cls.work.name, "serve.log"), "w")
        cls.server = subprocess.Popen(
            [RUNWATCH, "serve", "--db", db, "--host", "127.0.0.1", "--port", "0", "--public", PUBLIC],
            stdout=cls.log, stderr=subprocess.STDOUT)
        cls.url = None
        for _ in range(300):
            with open(cls.log.name) as written:
                match = re.search(r"Runwatch is serving (http://127\.0\.0\.1:\d+)", written.read())
            if match:
                try:
                    urllib.request.urlopen(match.group(1) + "/healthz", timeout=2).read()
                    cls.url = match.group(1)
                    break
                except OSError:
                    pass
            time.sleep(0.1)
        if cls.url is None:
            cls.server.kill()
            with open(cls.log.name) as written:
                raise RuntimeError("runwatch serve did not come up:\n" + written.read())
        cls.client = Client(cls.url, cls.token)

    @classmethod
    def tearDownClass(cls):
        cls.server.terminate()
        cls.server.wait(timeout=15)
        cls.log.close()
        cls.work.cleanup()

    def test_a_run_goes_from_created_to_succeeded_with_counts_and_its_worker(self):
        run = self.client.create_run("policy.sync", tenant_id=self.tenant, context={"batch": 7})
        self.assertEqual(run["status"], "queued")
        started = self.client.start(run["id"], worker={"host": "box-1", "pid": 42, "name": "sync"})
        self.assertEqual(started["status"], "running")
        self.assertEqual(started["worker"], {"host": "box-1", "pid": 42, "name": "sync"})
        self.client.heartbeat(run["id"], {"processed": 5, "total": 10})
        done = self.client.complete(run["id"], "succeeded", {"processed": 10})
        self.assertEqual((done["status"], done["outcome"]), ("completed", "succeeded"))
        self.assertEqual(done["summary_counts"], {"processed": 10, "total": 10})
        self.assertEqual(self.client.get_run(run["id"])["outcome"], "succeeded")
        self.assertIn(run["id"], [item["id"] for item in self.client.list_runs(status="completed")["runs"]])

    def test_the_default_worker_is_this_host_and_process(self):
        run = self.client.create_run("policy.sync")
        started = self.client.start(run["id"])
        self.assertEqual(started["worker"]["pid"], os.getpid())
        self.assertIsNone(run["tenant_id"], "no tenant: a workspace-level run")

    def test_refusals_are_distinct_exceptions(self):
        run = self.client.create_run("policy.sync", tenant_id=self.tenant)
        self.client.start(run["id"])
        with self.assertRaises(StartRefused) as refused:
            self.client.start(run["id"])
        self.assertEqual((refused.exception.status, refused.exception.code), (409, "already_started"))
        self.client.complete(run["id"], "failed", failures=[{"code": "boom", "message": "it broke"}])
        with self.assertRaises(RunFinished) as finished:
            self.client.heartbeat(run["id"], {"processed": 1})
        self.assertEqual(finished.exception.code, "already_terminal")
        self.assertIsInstance(finished.exception, RunConflict)
        with self.assertRaises(RunwatchError) as invalid:
            self.client.complete(run["id"], "maybe")
        self.assertEqual((invalid.exception.status, invalid.exception.field), (422, "outcome"))

    def test_bad_tokens_read_only_tokens_and_no_server(self):
        with self.assertRaises(RunwatchError) as unauthorized:
            Client(self.url, "rwt_nope").list_runs()
        self.assertEqual(unauthorized.exception.status, 401)
        reader = Client(self.url, self.reader)
        self.assertIn("runs", reader.list_runs(limit=1))
        with self.assertRaises(RunwatchError) as read_only:
            reader.create_run("policy.sync")
        self.assertEqual((read_only.exception.status, read_only.exception.code), (403, "read_only_token"))
        with self.assertRaises(Unreachable):
            Client("http://127.0.0.1:1", self.token, timeout=5).list_runs()


if __name__ == "__main__":
    unittest.main()
