"""A JSON-RPC proxy that counts what a client asks a node, and can make the node seem far away.

It forwards every HTTP POST to the node (anvil) unchanged and counts:

- `requests`: JSON-RPC requests, by method; a batch counts as each of its members;
- `round_trips`: HTTP requests (a batch is one round trip).

With `delay_ms` it waits that long before forwarding each HTTP request, as a
public RPC endpoint's latency would (a batch pays it once).

Used by the read benchmarks (`benchmarks/reads_bench.py`) and the read tests
(`tests/integration/test_reads_requests.py`):

    with RpcProxy("http://127.0.0.1:8545", delay_ms=50) as proxy:
        ...  # point the client at proxy.url
        proxy.requests          # Counter({"eth_call": 3, ...})
        proxy.total, proxy.round_trips

Or from a shell, printing the counts on Ctrl-C:

    python benchmarks/reads_proxy.py http://127.0.0.1:8545 --port 8546 --delay-ms 50
"""

from __future__ import annotations

import argparse
import json
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class RpcProxy:
    """A counting JSON-RPC proxy on 127.0.0.1, served from a background thread.

    Args:
        upstream: the node's URL.
        delay_ms: milliseconds added to every HTTP request before it is forwarded.
        port: the port to listen on (0: any free port).
    """

    def __init__(self, upstream: str, delay_ms: float = 0, port: int = 0):
        self.upstream = upstream
        self.delay_ms = delay_ms
        self.requests: Counter[str] = Counter()
        self.round_trips = 0
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                proxy._count(body)
                if proxy.delay_ms:
                    time.sleep(proxy.delay_ms / 1000)
                forward = urllib.request.Request(proxy.upstream, body, {"Content-Type": "application/json"})
                try:
                    with urllib.request.urlopen(forward, timeout=120) as response:
                        answer, status = response.read(), response.status
                except urllib.error.HTTPError as err:
                    answer, status = err.read(), err.code
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def do_GET(self) -> None:  # noqa: N802: /counts and /reset, for a client in another process
                answer = json.dumps(proxy.counts()).encode()
                if self.path == "/reset":  # answers what it counted until now
                    proxy.reset()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def total(self) -> int:
        """JSON-RPC requests counted (each member of a batch is one)."""
        return sum(self.requests.values())

    def _count(self, body: bytes) -> None:
        try:
            payload = json.loads(body)
        except ValueError:
            payload = {"method": "(unreadable)"}
        members = payload if isinstance(payload, list) else [payload]
        with self._lock:
            self.round_trips += 1
            for member in members:
                self.requests[member.get("method", "(no method)") if isinstance(member, dict) else "(bad)"] += 1

    def reset(self) -> None:
        """Start counting from zero."""
        with self._lock:
            self.requests.clear()
            self.round_trips = 0

    def counts(self) -> dict:
        """What was counted since the last reset, as plain data."""
        with self._lock:
            return {"requests": sum(self.requests.values()), "round_trips": self.round_trips,
                    "by_method": dict(self.requests.most_common())}

    def start(self) -> "RpcProxy":
        self._thread = threading.Thread(target=self._server.serve_forever, name="rpc-proxy", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> "RpcProxy":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("upstream", help="the node's URL, e.g. http://127.0.0.1:8545")
    parser.add_argument("--port", type=int, default=8546)
    parser.add_argument("--delay-ms", type=float, default=0, help="added to every HTTP request")
    args = parser.parse_args()
    proxy = RpcProxy(args.upstream, args.delay_ms, args.port).start()
    print(f"forwarding {proxy.url} -> {args.upstream} (+{args.delay_ms:g} ms a request); Ctrl-C prints the counts")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        proxy.stop()
        print(json.dumps(proxy.counts(), indent=2))


if __name__ == "__main__":
    main()
