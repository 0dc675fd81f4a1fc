#!/usr/bin/env python3
"""Worker traffic for Tests/faults/50-race-and-crash.sh, against the worker API at URL with TOKEN.

  race.py create URL TOKEN COUNT        creates COUNT queued policy.sync runs; prints their ids, one per line
  race.py race URL TOKEN IDS_FILE       for every run, at once: worker A starts and completes it, worker B
                                        reports a queue failure (the reconcilers race both); prints a JSON
                                        summary of the answers (2xx won, 409 refused, anything else failed)

URL may list several instances of one database, comma-separated (Tests/live/three-instances.sh): the two
workers of a run then talk to different instances.

Sixteen threads, one HTTP connection each. Only the standard library.
"""

import concurrent.futures
import http.client
import json
import sys
import threading
import urllib.parse

local = threading.local()


def call(base: urllib.parse.ParseResult, token: str, method: str, path: str, body=None):
    connections = getattr(local, "connections", None)
    if connections is None:
        connections = local.connections = {}
    connection = connections.get(base.netloc)
    if connection is None:
        connection = connections[base.netloc] = http.client.HTTPConnection(base.hostname, base.port, timeout=30)
    headers = {"Authorization": f"Bearer {token}"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    try:
        connection.request(method, "/api/v1" + path, body=data, headers=headers)
        response = connection.getresponse()
        payload = response.read()
    except (OSError, http.client.HTTPException):
        connections.pop(base.netloc, None)
        connection.close()
        return 0, b""
    return response.status, payload


def create(bases, token, count):
    def one(index):
        status, payload = call(bases[index % len(bases)], token, "POST", "/runs", {
            "type": "policy.sync", "tenant_id": 1, "initiator": "olivia@northwind.example",
            "context": {"race": True},
        })
        if status != 201:
            raise SystemExit(f"race.py: create answered {status}: {payload[:200]!r}")
        return json.loads(payload)["id"]

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        for run_id in pool.map(one, range(count)):
            print(run_id)


def race(bases, token, ids):
    tally = {}
    lock = threading.Lock()

    def count(label, status):
        key = f"{label} {'won' if 200 <= status < 300 else 'refused' if status == 409 else f'failed {status}'}"
        with lock:
            tally[key] = tally.get(key, 0) + 1

    def worker_a(run_id):
        base = bases[run_id % len(bases)]
        status, _ = call(base, token, "POST", f"/runs/{run_id}/start")
        count("start", status)
        if 200 <= status < 300:
            status, _ = call(base, token, "POST", f"/runs/{run_id}/complete", {"outcome": "succeeded"})
            count("complete", status)

    def worker_b(run_id):
        status, _ = call(bases[(run_id + 1) % len(bases)], token, "POST", f"/runs/{run_id}/queue-failure", {
            "kind": "max_attempts", "exception_class": "MaxAttemptsExceededException", "message": "race",
        })
        count("queue-failure", status)

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        futures = []
        for run_id in ids:
            futures.append(pool.submit(worker_a, run_id))
            futures.append(pool.submit(worker_b, run_id))
        for future in futures:
            future.result()
    print(json.dumps(tally, sort_keys=True))


def main() -> int:
    command, url, token = sys.argv[1], sys.argv[2], sys.argv[3]
    bases = [urllib.parse.urlparse(one) for one in url.split(",")]
    if command == "create":
        create(bases, token, int(sys.argv[4]))
    elif command == "race":
        with open(sys.argv[4]) as handle:
            race(bases, token, [int(line) for line in handle if line.strip()])
    else:
        raise SystemExit(f"race.py: unknown command {command}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
