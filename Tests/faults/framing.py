#!/usr/bin/env python3
"""Malformed HTTP framing for Tests/faults/30-framing.sh, sent as raw bytes to 127.0.0.1:PORT.

Each case must be answered with its status (RFC 9112), as JSON under /api/ and as a page elsewhere, with
`Connection: close`, and the server must then close the connection, so nothing smuggled after a bad head
is ever answered. Prints one line per case; exits 1 when any case fails.
"""

import socket
import sys

PAGE, JSON = "text/html", "application/json"
MANY_PARAMETERS = "&".join(f"p{i}=1" for i in range(900)).encode()
SMUGGLED = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"


CASES = [
    ("two different Content-Lengths (smuggling)", 400, JSON,
     b"POST /api/v1/runs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
     b"Content-Length: 40\r\n\r\n{}" + SMUGGLED),
    ("Content-Length with Transfer-Encoding (smuggling)", 400, JSON,
     b"POST /api/v1/runs HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"2\r\n{}\r\n0\r\n\r\n" + SMUGGLED),
    ("HTTP/1.1 without Host", 400, PAGE, b"GET /operations HTTP/1.1\r\n\r\n" + SMUGGLED),
    ("two Host fields", 400, PAGE, b"GET /operations HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n" + SMUGGLED),
    ("Transfer-Encoding: gzip (chunked not last)", 400, JSON,
     b"POST /api/v1/runs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nabc" + SMUGGLED),
    ("Transfer-Encoding: gzip, chunked (page)", 501, PAGE,
     b"POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" + SMUGGLED),
    ("Transfer-Encoding: gzip, chunked (API)", 501, JSON,
     b"POST /api/v1/runs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
     + SMUGGLED),
    ("Transfer-Encoding on HTTP/1.0", 400, JSON,
     b"POST /api/v1/runs HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n" + SMUGGLED),
    ("900 query parameters", 414, PAGE,
     b"GET /operations?" + MANY_PARAMETERS + b" HTTP/1.1\r\nHost: x\r\n\r\n" + SMUGGLED),
    ("Content-Length of 2 GiB", 413, JSON,
     b"POST /api/v1/runs HTTP/1.1\r\nHost: x\r\nContent-Length: 2147483648\r\n\r\n{}"),
    ("chunk size of 17 hex digits (overflows 64 bits)", 413, None,
     b"POST /api/v1/runs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1ffffffffffffffff\r\n"),
    ("chunk size ffffffffffffffff, then 16 MiB", 413, JSON,
     b"POST /api/v1/runs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n"
     + b"z" * (16 << 20)),
]


def exchange(port: int, raw: bytes) -> bytes:
    """Sends `raw` (as far as the server reads it) and returns everything it answers until it closes."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        try:
            sock.sendall(raw)
        except OSError:
            pass  # the server answered and closed before reading everything: expected for the big ones
        received = b""
        while True:
            try:
                data = sock.recv(65536)
            except ConnectionResetError:
                break
            if not data:
                return received
            received += data
        return received
    finally:
        sock.close()


def main() -> int:
    port = int(sys.argv[1])
    failures = 0
    for label, status, content_type, raw in CASES:
        answer = exchange(port, raw)
        head, _, body = answer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        fields = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip()
        problems = []
        got = lines[0][9:12] if lines[0].startswith("HTTP/1.1 ") else "none"
        if got != str(status):
            problems.append(f"status {got}")
        if fields.get("connection", "").lower() != "close":
            problems.append("no Connection: close")
        if content_type and not fields.get("content-type", "").startswith(content_type):
            problems.append(f"content type {fields.get('content-type')!r}")
        if answer.count(b"HTTP/1.1 ") > 1:
            problems.append("the request smuggled after it was answered too")
        if problems:
            failures += 1
            print(f"framing: FAIL {label}: {', '.join(problems)}", file=sys.stderr)
        else:
            print(f"framing: {label}: {status}, closed, {len(body)} byte answer")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
