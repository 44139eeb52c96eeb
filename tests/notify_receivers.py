"""Real receivers on 127.0.0.1 for the notification tests: an HTTP server that records
every request and answers as told (a status, or not at all), and an SMTP server (aiosmtpd)
with optional STARTTLS, implicit TLS and login."""

from __future__ import annotations

import json
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session

HANG_LIMIT = 5.0  # a hanging answer ends after this at the latest, or when the test ends


@dataclass
class Received:
    method: str
    path: str  # without the query
    query: dict[str, list[str]]
    headers: dict[str, str]  # names lower-cased
    body: bytes
    at: float = field(default_factory=time.monotonic)  # when it arrived

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode(), strict_parsing=True).items()}


@dataclass
class Receiver:
    """Answers each request with the next of `answers` (the last one repeats); an answer
    of 0 means hang: no answer until `released` is set (at HANG_LIMIT or shutdown at the
    latest), then the connection is closed. `on_request` sees every request first; with
    `echo` the answer's body is the request's, as some services quote it in an error."""

    url: str
    answers: list[int] = field(default_factory=lambda: [200])
    requests: list[Received] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    on_request: Callable[[Received], None] | None = None
    echo: bool = False

    def next_answer(self, request: Received) -> int:
        if self.on_request is not None:
            self.on_request(request)
        with self.lock:
            self.requests.append(request)
            return self.answers[min(len(self.requests), len(self.answers)) - 1]


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            parts = urlsplit(self.path)
            request = Received(
                self.command,
                parts.path,
                parse_qs(parts.query),
                {k.lower(): v for k, v in self.headers.items()},
                self.rfile.read(length),
            )
            status = receiver.next_answer(request)
            if status == 0:
                receiver.released.wait(HANG_LIMIT)
                return
            body = request.body if receiver.echo else b'{"ok":true}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = _any

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def http_receiver(*answers: int) -> Iterator[Receiver]:
    """An HTTP server on 127.0.0.1; yields the Receiver (its `url` has no trailing slash)."""
    receiver = Receiver(url="")
    if answers:
        receiver.answers = list(answers)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.released.set()
        server.shutdown()
        server.server_close()
        thread.join(HANG_LIMIT)


@dataclass
class Mailbox:
    port: int
    messages: list[tuple[Envelope, Message]] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        content = envelope.content if isinstance(envelope.content, bytes) else b""
        self.messages.append((envelope, message_from_bytes(content)))
        return "250 OK"

    def authenticate(
        self, server: SMTPServer, session: Session, envelope: Envelope, mechanism: str, auth: Any
    ) -> AuthResult:
        assert isinstance(auth, LoginPassword)
        self.logins.append(auth.login.decode())
        return AuthResult(success=auth.password == b"mail-secret", handled=False)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_receiver(
    tls: ssl.SSLContext | None = None, *, implicit: bool = False
) -> Iterator[Mailbox]:
    """aiosmtpd on 127.0.0.1. With `tls`: STARTTLS required (or, `implicit`, TLS from the
    first byte) and LOGIN/PLAIN with the password `mail-secret`."""
    mailbox = Mailbox(port=0)
    options: dict[str, Any] = {}
    if tls is not None:
        options = {"authenticator": mailbox.authenticate, "auth_require_tls": True}
        if implicit:  # aiosmtpd cannot tell the session is already encrypted
            options |= {"ssl_context": tls, "auth_require_tls": False}
        else:
            options |= {"tls_context": tls, "require_starttls": True}
    mailbox.port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port, **options)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()
