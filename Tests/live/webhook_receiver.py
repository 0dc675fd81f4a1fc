#!/usr/bin/env python3
"""A webhook receiver for Tests/live/webhooks.sh (python3 standard library only).

Binds 127.0.0.1 (a free port, or --port), writes the port to --port-file, and appends one JSON line per request
to --log: path, delivery id, event, run id (Runwatch format) or text (Slack format), whether the signature
verified, and the status it answered. Secrets come from --secrets (a JSON object path -> secret, re-read on
every request so it can be written after start). --fail PATH=N answers 500 to the first N requests to PATH;
--delay PATH=SECONDS answers slowly.
"""
import argparse
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_AGE_SECONDS = 300


def verify(secret, timestamp, body, signature):
    """The check docs/webhooks.md shows: HMAC-SHA256 of "<timestamp>.<body>", and a recent timestamp."""
    if not timestamp or not signature or abs(time.time() - int(timestamp)) > MAX_AGE_SECONDS:
        return False
    expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--secrets", required=True)
    parser.add_argument("--fail", action="append", default=[])
    parser.add_argument("--delay", action="append", default=[])
    options = parser.parse_args()
    failures = {path: int(count) for path, count in (item.split("=") for item in options.fail)}
    delays = {path: float(seconds) for path, seconds in (item.split("=") for item in options.delay)}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with open(options.secrets) as file:
                secret = json.load(file).get(self.path, "")
            signed = verify(
                secret, self.headers.get("X-Runwatch-Timestamp"), body, self.headers.get("X-Runwatch-Signature"))
            payload = json.loads(body or b"{}")
            with lock:
                status = 200 if signed else 401
                if signed and failures.get(self.path, 0) > 0:
                    failures[self.path] -= 1
                    status = 500
            time.sleep(delays.get(self.path, 0))
            record = {
                "path": self.path, "delivery": self.headers.get("X-Runwatch-Delivery"),
                "event": self.headers.get("X-Runwatch-Event"), "signed": signed, "status": status,
                "run": (payload.get("run") or {}).get("id"), "text": payload.get("text"),
                "received_at": time.time(),
            }
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()
            with lock, open(options.log, "a") as file:
                file.write(json.dumps(record) + "\n")

        def log_message(self, *arguments):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", options.port), Handler)
    with open(options.port_file, "w") as file:
        file.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
