"""Real receivers for notification tests: an SMTP server (aiosmtpd) and an HTTP webhook
endpoint (http.server), both on free ports of 127.0.0.1, keeping what they were sent."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Mailbox:
    """An SMTP server that keeps every message it accepts."""

    port: int = 0
    messages: list = field(default_factory=list)  # (envelope recipients, email.message.EmailMessage)

    def __post_init__(self):
        from aiosmtpd.controller import Controller

        box = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802
                parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
                box.messages.append((list(envelope.rcpt_tos), parsed))
                return "250 OK"

        self.port = free_port()
        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def url(self, to: str) -> str:
        """The apprise URL that mails `to` through this server."""
        return f"mailto://127.0.0.1:{self.port}?from=watch@riverside.example&to={to}&mode=insecure"

    def texts(self) -> list[tuple[list[str], str, str]]:
        """(recipients, subject, plain text body) of each message."""
        out = []
        for rcpt, msg in self.messages:
            part = msg.get_body(preferencelist=("plain",))
            out.append((rcpt, str(msg["Subject"]), part.get_content() if part else ""))
        return out

    def stop(self) -> None:
        self._controller.stop()


@dataclass
class Webhook:
    """An HTTP server that keeps the JSON body of every POST, by path."""

    posts: list = field(default_factory=list)  # (path, body)
    status: int = 200
    delay: float = 0.0  # seconds before answering (a slow service)

    def __post_init__(self):
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                time.sleep(hook.delay)
                if hook.status == 200:
                    hook.posts.append((self.path, json.loads(body)))
                self.send_response(hook.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def url(self, path: str) -> str:
        return f"json://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def at(self, path: str) -> list[dict]:
        return [body for p, body in self.posts if p == "/" + path.lstrip("/")]

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
