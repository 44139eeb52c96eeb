"""The contract between the delivery and the channel types, and what channels share.

A channel type turns an `Event` into the request(s) its service expects: `HttpRequest`
for every web API, `MailMessage` for SMTP. Building is pure (no I/O), so `--dry-run`
prints exactly what would be sent and tests can compare it with what a receiver got.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any, Generic, Literal, TypeVar
from urllib.parse import urlencode

from pydantic import SecretStr

from configuration.notifications import ChannelOptions
from notifications.events import Event

USER_AGENT = "Vigil/0.1 (+https://github.com/vigil-status/vigil; notifications)"
C = TypeVar("C", bound=ChannelOptions)
COLORS = {"critical": "#d93025", "warning": "#f29900", "info": "#1a73e8", "ok": "#188038"}
EMOJI = {"critical": "🔴", "warning": "🟡", "info": "🔵", "ok": "🟢"}


@dataclass(frozen=True)
class HttpRequest:
    """One HTTP request; `body` is exactly the bytes sent (a signature covers them)."""

    method: str
    url: str
    headers: Mapping[str, str]
    body: bytes = b""

    @classmethod
    def json(
        cls, url: str, payload: Any, headers: Mapping[str, str] | None = None, method: str = "POST"
    ) -> HttpRequest:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        base = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
        return cls(method, url, {**base, **(headers or {})}, body)

    @classmethod
    def form(
        cls, url: str, fields: Mapping[str, str], headers: Mapping[str, str] | None = None
    ) -> HttpRequest:
        base = {"Content-Type": "application/x-www-form-urlencoded", "User-Agent": USER_AGENT}
        return cls("POST", url, {**base, **(headers or {})}, urlencode(fields).encode())

    def describe(self) -> str:
        """The request as text for `--dry-run`; credentials in `Authorization` (Basic
        auth is only base64 of them) are masked; the caller redacts the other secrets."""
        headers = "".join(
            f"{name}: {_masked(value) if name.lower() == 'authorization' else value}\n"
            for name, value in self.headers.items()
        )
        return f"{self.method} {self.url}\n{headers}\n{self.body.decode(errors='replace')}\n"


def _masked(credentials: str) -> str:
    scheme, _, _ = credentials.partition(" ")
    return f"{scheme} ***"


@dataclass(frozen=True)
class MailMessage:
    """One email and the SMTP server that takes it."""

    host: str
    port: int
    security: Literal["starttls", "ssl", "none"]
    username: str
    password: str = field(repr=False)
    message: EmailMessage = field(default_factory=EmailMessage)

    def describe(self) -> str:
        login = f" as {self.username}" if self.username else ""
        return f"SMTP {self.host}:{self.port} ({self.security}){login}\n{self.message}\n"


@dataclass(frozen=True)
class LibraryCall:
    """A message a channel's own client library sends (Apprise, to the services it knows):
    `send(timeout)` blocks until it is delivered or not and says `(ok, why not)`; `shown`
    is what `--dry-run` prints. Only the channel's module imports the library."""

    shown: str
    send: Callable[[float], tuple[bool, str]] = field(repr=False, compare=False)

    def describe(self) -> str:
        return self.shown


Outgoing = HttpRequest | MailMessage | LibraryCall


@dataclass(frozen=True)
class ChannelType(Generic[C]):
    """A kind of channel: its name in `type:`, its options, and how it says an event."""

    name: str
    model: type[C]
    build: Callable[[Event, C], Sequence[Outgoing]]
    service: str  # one line for the docs: which API of which service
    example: Mapping[str, Any]  # the docs' sample entry of `notifications:` (without `type`)


def secrets_of(channel: ChannelOptions) -> list[str]:
    """The values of the channel's secret fields, to redact from anything shown."""
    found: list[str] = []
    for name in type(channel).model_fields:
        value = getattr(channel, name)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, SecretStr):
                found.append(item.get_secret_value())
    return found


def slack_text(text: str) -> str:
    """Text for Slack's mrkdwn: `&`, `<` and `>` escaped as Slack asks, so text from a target
    (a reason phrase, a body) can write neither `<!channel>` nor a link nor a user mention."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_MENTION = re.compile(r"(@|<!)(?=\w)")


def without_mentions(text: str) -> str:
    """Text for chats that notify on `@channel`, `@here`, `@all`, `@name` and Slack's
    `<!channel>` (Mattermost, Rocket.Chat): a word joiner (U+2060, invisible) after the `@`
    or `<!` shows the words but makes no mention."""
    return _MENTION.sub(lambda match: match.group(1) + "\u2060", text)


def facts(event: Event) -> list[tuple[str, str]]:
    """The details worth a line each, as (label, value)."""
    rows: list[tuple[str, str]] = []
    if event.monitor is not None:
        monitor = event.monitor
        rows.append(("Status", monitor.status))
        rows.append(("Target", monitor.target))
        if monitor.error:
            rows.append(("Error", monitor.error))
        if monitor.regions:
            rows.append(("Regions", ", ".join(monitor.regions)))
        if monitor.latency_ms is not None:
            rows.append(("Response time", f"{monitor.latency_ms:.0f} ms"))
    if event.incident is not None:
        incident = event.incident
        rows.append(("Status", incident.status))
        if incident.kind == "incident":
            rows.append(("Impact", incident.impact))
        if incident.scheduled_start and incident.scheduled_end:
            window = (
                f"{incident.scheduled_start:%Y-%m-%d %H:%M} to {incident.scheduled_end:%H:%M} UTC"
            )
            rows.append(("Window", window))
        if incident.monitors:
            rows.append(("Affects", ", ".join(incident.monitors)))
        if incident.pages:
            rows.append(("Pages", ", ".join(incident.pages)))
    return rows


def markdown(event: Event, bold: str = "**") -> str:
    """Title, text, facts and link in markdown (`bold="*"` for Slack-style mrkdwn)."""
    lines = [f"{EMOJI[event.severity]} {bold}{event.title}{bold}"]
    if event.text:
        lines.append(event.text)
    lines += [f"{label}: {value}" for label, value in facts(event)]
    if event.url:
        lines.append(event.url)
    return "\n".join(lines)


def plain(event: Event) -> str:
    """Everything in plain text: email bodies, push messages."""
    lines = [event.title, *([event.text] if event.text else [])]
    lines += [f"{label}: {value}" for label, value in facts(event)]
    if event.url:
        lines.append(event.url)
    return "\n".join(lines)


def color_int(event: Event) -> int:
    return int(COLORS[event.severity].lstrip("#"), 16)
