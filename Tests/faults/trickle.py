#!/usr/bin/env python3
"""Slow-client attacker for Tests/faults/20-slow-clients.sh.

Holds CONNECTIONS connections to 127.0.0.1:PORT from one address, each sending a request head one byte
every INTERVAL seconds after a complete request line (the way a slowloris client stays under an inactivity
timeout), and opens a new one whenever the server closes one (at most 100 a second), for SECONDS seconds. Prints one JSON line: how many connections were
opened, how many the server closed and how, and the most that were open at once.
"""

import json
import resource
import selectors
import socket
import sys
import time


def main() -> int:
    port, connections, seconds, interval = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections + 64
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))
    request_line = b"GET /operations HTTP/1.1\r\n"
    head = b"Host: 127.0.0.1\r\nX-Slow: " + b"a" * 4096
    selector = selectors.DefaultSelector()
    # socket -> bytes of `head` sent so far
    sent = {}
    stats = {"opened": 0, "refused": 0, "closed_without_answer": 0, "answered": {}, "most_open": 0}
    deadline = time.monotonic() + seconds
    next_byte = time.monotonic()
    last_top_up = time.monotonic()

    def open_one() -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        try:
            sock.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        except OSError:
            stats["refused"] += 1
            sock.close()
            return
        stats["opened"] += 1
        sent[sock] = -1
        selector.register(sock, selectors.EVENT_READ)

    def closed(sock: socket.socket) -> None:
        try:
            data = sock.recv(256)
        except OSError:
            data = b""
        if data.startswith(b"HTTP/1.1 "):
            code = data[9:12].decode("ascii", "replace")
            stats["answered"][code] = stats["answered"].get(code, 0) + 1
        else:
            stats["closed_without_answer"] += 1
        selector.unregister(sock)
        del sent[sock]
        sock.close()

    while time.monotonic() < deadline:
        # Top up to CONNECTIONS: all at once at the start, then at most 100 reconnects a second.
        budget = connections if stats["opened"] == 0 else int((time.monotonic() - last_top_up) * 100)
        if budget > 0:
            last_top_up = time.monotonic()
            for _ in range(min(budget, connections - len(sent))):
                open_one()
        stats["most_open"] = max(stats["most_open"], len(sent))
        for key, _ in selector.select(timeout=0.05):
            closed(key.fileobj)
        if time.monotonic() >= next_byte:
            next_byte = time.monotonic() + interval
            for sock in list(sent):
                offset = sent[sock]
                try:
                    if offset < 0:
                        sock.send(request_line)
                    else:
                        sock.send(head[offset:offset + 1])
                    sent[sock] = min(offset + 1, len(head) - 1)
                except BlockingIOError:
                    pass
                except OSError:
                    closed(sock)
    for sock in list(sent):
        selector.unregister(sock)
        sock.close()
    stats["still_open_at_end"] = len(sent)
    print(json.dumps(stats, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
