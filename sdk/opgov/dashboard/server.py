"""The dashboard's local web server: one page, its static files and a small JSON API.

Two kinds of threads share the work:

- one *refresher* thread talks to the chain: it syncs the indexer, rebuilds
  the page's data (`Board.snapshot`) when new events arrive (and every few
  seconds, since budgets stream with time), and turns the newest events into
  the activity feed. It holds `chain_lock` while it does, because ape's
  provider on the embedded chain is not safe to use from two threads at
  once; anything else in the process that sends transactions while the
  dashboard runs (a test, the demo) must hold the same lock.
- the HTTP threads only hand out what the refresher last built, so a slow
  chain never blocks a page, and a request never touches the chain or SQLite.

API (JSON):
    GET /api/org              everything the page shows, with its `version`
    GET /api/feed?after=N     feed items newer than id N, the snapshot's version, any error
    /api/wallet/...           what a connected member may do, gasless requests (wallet_api.py)

Feeds (see `opgov.dashboard.feeds`): /feeds/cell/<id>.ics, /feeds/person/<name>.ics,
/feeds/activity.atom.
"""

from __future__ import annotations

import json
import mimetypes
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from opgov.chain import first_line
from opgov.errors import OpgovError

if TYPE_CHECKING:
    from opgov.dashboard.board import Board
    from opgov.dashboard.wallet_api import WalletAPI
    from opgov.indexer import Indexer

STATIC = Path(__file__).parent / "static"
SYNC_INTERVAL = 1.0  # seconds between the refresher's rounds
REBUILD_EVERY = 5.0  # seconds after which the page's data is read again even without new events
FEED_KEEP = 200  # feed items kept in memory for pages that poll
HEADERS = {
    # everything the page needs is served from here: no CDN, no inline script
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class Dashboard:
    """The dashboard for one org: refresher thread plus HTTP server on 127.0.0.1.

    Args:
        board: what to show (see `opgov.dashboard.board.Board`).
        indexer: the index the board reads; synced by the refresher.
        port: the port to listen on (0: any free port).
        host: the address to listen on (keep it local: the page has no login).
        interval: seconds between the refresher's rounds.
        chain_lock: the lock that serialises chain access in this process
            (default: a new one; hold `dashboard.chain_lock` to send transactions
            while the dashboard runs).
    """

    def __init__(
        self,
        board: "Board",
        indexer: "Indexer",
        port: int = 0,
        host: str = "127.0.0.1",
        interval: float = SYNC_INTERVAL,
        chain_lock: threading.RLock | None = None,
    ):
        self.board = board
        self.indexer = indexer
        self.interval = interval
        self.chain_lock = chain_lock or threading.RLock()
        self.error: str | None = None
        self.build_seconds: float | None = None  # how long the last snapshot took to read
        self._stop = threading.Event()
        self._data_lock = threading.Lock()
        self._snapshot: bytes | None = None
        self._version = 0
        self._revision: int | None = None
        self._built_at = 0.0
        self._feed: list[dict[str, Any]] = []
        self._feed_after = 0
        self._reorgs: int | None = None
        self._ready = threading.Event()
        self.wallet: "WalletAPI | None" = None  # the page's wallet actions (see wallet_api.py)
        self._server = ThreadingHTTPServer((host, port), _handler(self))
        self._server.daemon_threads = True
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    @property
    def version(self) -> int:
        """Goes up each time the page's data is rebuilt."""
        return self._version

    # ------------------------------------------------------------ running

    def start(self, wait: float | None = 120.0) -> str:
        """Start the refresher and the server in background threads.

        Args:
            wait: seconds to wait for the first snapshot (None: do not wait).

        Returns:
            the page's URL.
        """
        refresher = threading.Thread(target=self._refresh_loop, name="opgov-dashboard-refresher", daemon=True)
        server = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.2},
                                  name="opgov-dashboard-http", daemon=True)
        self._threads = [refresher, server]
        refresher.start()
        server.start()
        if wait is not None:
            self._ready.wait(wait)
        return self.url

    def stop(self) -> None:
        """Stop serving and refreshing; returns once both threads have ended."""
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()
        for t in self._threads:
            t.join(timeout=30)

    def __enter__(self) -> "Dashboard":
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def refresh(self, rebuild: bool = False) -> None:
        """One refresher round now: sync, and rebuild the page's data if the index moved (or if asked)."""
        with self.chain_lock:
            try:
                self.indexer.sync()
                index = self.indexer.state()
                stale = time.monotonic() - self._built_at > REBUILD_EVERY
                if rebuild or self._snapshot is None or index.revision != self._revision or stale:
                    started = time.monotonic()
                    data = self.board.snapshot()
                    self.build_seconds = time.monotonic() - started
                    self._publish(data, index.revision)
                self._update_feed(index.reorgs)
                self.error = None
            except OpgovError as err:
                self.error = str(err)
            except Exception as err:  # keep serving the last good data, and say what failed
                self.error = f"{type(err).__name__}: {first_line(err)}"
        self._ready.set()

    def _refresh_loop(self) -> None:
        while not self._stop.is_set():
            self.refresh()
            self._stop.wait(self.interval)

    def _publish(self, data: dict[str, Any], revision: int) -> None:
        with self._data_lock:
            self._version += 1
            data["version"] = self._version
            self._snapshot = json.dumps(data, separators=(",", ":")).encode()
            self._revision = revision
            self._built_at = time.monotonic()

    def _update_feed(self, reorgs: int) -> None:
        if reorgs != self._reorgs:
            # rows a reorganisation took back may be in the feed: start it again
            fresh, self._reorgs = self.board.feed(0, limit=50), reorgs
            with self._data_lock:
                self._feed = fresh
        else:
            fresh = self.board.feed(self._feed_after, limit=FEED_KEEP)
            with self._data_lock:
                self._feed = (self._feed + fresh)[-FEED_KEEP:]
        if self._feed:
            self._feed_after = max(self._feed_after, self._feed[-1]["id"])

    # ------------------------------------------------------------ what the handlers hand out

    def snapshot_bytes(self) -> bytes | None:
        with self._data_lock:
            return self._snapshot

    def feed_since(self, after: int) -> dict[str, Any]:
        with self._data_lock:
            items = [x for x in self._feed if x["id"] > after]
            last = self._feed[-1]["id"] if self._feed else 0
        # a page that is ahead of the feed (a reorganisation took rows back) starts again
        reset = after > last
        if reset:
            with self._data_lock:
                items = list(self._feed)
        return {"items": items, "last_id": last, "reset": reset, "version": self._version, "error": self.error}


def _handler(dashboard: Dashboard) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "opgov-dashboard"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass  # the command prints the URL; one line a request would drown it

        def do_GET(self) -> None:  # noqa: N802
            parts = urlsplit(self.path)
            if parts.path.startswith("/api/wallet/"):
                self._wallet("GET", parts, None)
                return
            if parts.path == "/api/org":
                body = dashboard.snapshot_bytes()
                if body is None:
                    self._json({"error": dashboard.error or "the first snapshot is still being read"},
                               HTTPStatus.SERVICE_UNAVAILABLE)
                else:
                    self._send(HTTPStatus.OK, body, "application/json", cache=False)
                return
            if parts.path == "/api/feed":
                query = parse_qs(parts.query)
                try:
                    after = int(query.get("after", ["0"])[0])
                except ValueError:
                    self._json({"error": "after must be an event id (a whole number)"}, HTTPStatus.BAD_REQUEST)
                    return
                self._json(dashboard.feed_since(after))
                return
            if parts.path.startswith("/feeds/"):
                from opgov.dashboard.feeds import serve

                status, body, kind = serve(dashboard, parts.path)
                self._send(HTTPStatus(status), body, kind, cache=False)
                return
            name = "index.html" if parts.path in ("/", "/index.html") else parts.path.removeprefix("/static/")
            self._static(name)

        def do_POST(self) -> None:  # noqa: N802
            parts = urlsplit(self.path)
            if not parts.path.startswith("/api/wallet/"):
                self._json({"error": f"there is no POST {parts.path} here"}, HTTPStatus.NOT_FOUND)
                return
            try:
                length = min(int(self.headers.get("Content-Length") or 0), 64_000)
                body = json.loads(self.rfile.read(length) or b"{}")
            except (ValueError, UnicodeDecodeError):
                self._json({"error": "the request body is not JSON"}, HTTPStatus.BAD_REQUEST)
                return
            if not isinstance(body, dict):
                self._json({"error": "the request body must be a JSON object"}, HTTPStatus.BAD_REQUEST)
                return
            self._wallet("POST", parts, body)

        def _wallet(self, method: str, parts: Any, body: dict | None) -> None:
            from opgov.dashboard.wallet_api import handle

            try:
                status, answer = handle(dashboard.wallet, method, parts.path, parse_qs(parts.query), body)
            except Exception as err:  # one line, never a traceback, for anything unforeseen
                status, answer = 500, {"error": f"{type(err).__name__}: {first_line(err)}"}
            try:
                self._json(answer, HTTPStatus(status))
            except (BrokenPipeError, ConnectionResetError):
                pass  # the page went away (a tab closed) before the answer was read

        def _static(self, name: str) -> None:
            path = (STATIC / name).resolve()
            if STATIC.resolve() not in path.parents or not path.is_file():
                self._json({"error": f"there is no {name!r} here"}, HTTPStatus.NOT_FOUND)
                return
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if kind.startswith("text/") or kind.endswith("javascript"):
                kind += "; charset=utf-8"
            self._send(HTTPStatus.OK, path.read_bytes(), kind, cache=False)

        def _json(self, data: Any, status: HTTPStatus = HTTPStatus.OK) -> None:
            self._send(status, json.dumps(data, separators=(",", ":")).encode(), "application/json", cache=False)

        def _send(self, status: HTTPStatus, body: bytes, kind: str, cache: bool) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "max-age=60" if cache else "no-store")
            for key, value in HEADERS.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler
