"""Apprise: one channel type for the hundred-plus services the Apprise library reaches
(`tgram://`, `discord://`, `mailto://`, `json://`, `mastodon://`, `signal://`, …), each
written as an Apprise URL. Sent through the same ledger, filters, `min_duration` and
redaction as every channel; the hand-written channels stay where they do more (dedup keys
of PagerDuty, Opsgenie and OnCall, rich Slack and Teams cards).

Every URL is a secret (they carry tokens): `--dry-run` shows each as Apprise's own
privacy form (`tgram://1…4/`), redacted again, and Apprise's log, which may name them, is
kept out of Vigil's log: only its error lines reach the ledger, redacted by the run.
Each URL is its own delivery, so a service that failed does not make another send twice
in the same attempt.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

import apprise
from pydantic import Field, field_validator

from configuration.notifications import ChannelOptions, Secret, secret
from notifications.channel import USER_AGENT, ChannelType, LibraryCall, Outgoing, plain
from notifications.events import Event

NOTIFY_TYPE = {
    "critical": apprise.NotifyType.FAILURE,
    "warning": apprise.NotifyType.WARNING,
    "info": apprise.NotifyType.INFO,
    "ok": apprise.NotifyType.SUCCESS,
}
ASSET = apprise.AppriseAsset(app_id=USER_AGENT, app_desc="Vigil")  # who the services see
_LOGGER = logging.getLogger("apprise")
_ONE_AT_A_TIME = threading.RLock()  # Apprise's logger is shared: one delivery at a time


class AppriseChannel(ChannelOptions):
    type: Literal["apprise"] = Field(description="Channel type.")
    urls: list[Secret] = Field(
        min_length=1,
        description="Apprise URLs, each a service, e.g. `tgram://${BOT_TOKEN}/${CHAT_ID}` or "
        "`mastodons://${TOKEN}@mastodon.social`; see Apprise's wiki for every service. "
        "Secrets: never shown.",
    )

    @field_validator("urls")
    @classmethod
    def _known_services(cls, values: list[Secret]) -> list[Secret]:
        for value in values:
            scheme, found, _ = secret(value).partition("://")
            if "${" in scheme:
                continue  # an unset secret: the channel fails alone, saying which
            if not found or scheme.lower() not in known_schemes():
                shown = f'"{scheme}://"' if found else "no scheme://"
                raise ValueError(f"expected an Apprise URL of a known service, got {shown}")
        return values


@functools.cache
def known_schemes() -> frozenset[str]:
    """Every URL scheme the installed Apprise can send to."""
    found: set[str] = set()
    for schema in apprise.Apprise().details()["schemas"]:
        for key in ("protocols", "secure_protocols"):
            found |= {str(name).lower() for name in schema.get(key) or ()}
    return frozenset(found)


def build(event: Event, channel: AppriseChannel) -> list[Outgoing]:
    body = plain(event).split("\n", 1)
    text = body[1] if len(body) > 1 else event.title
    return [
        LibraryCall(
            f"APPRISE {_private(secret(url))}\n[{event.severity}] {event.title}\n\n{text}\n",
            functools.partial(_send, secret(url), event.title, text, NOTIFY_TYPE[event.severity]),
        )
        for url in channel.urls
    ]


def _private(url: str) -> str:
    """The URL as Apprise shows it with its secrets masked; its scheme alone if it is bad."""
    with _quiet([]):
        service = apprise.Apprise.instantiate(url, asset=ASSET)
    if service is None:
        return url.partition("://")[0] + "://…"
    return str(service.url(privacy=True))  # type: ignore[no-untyped-call]


def _send(url: str, title: str, body: str, kind: str, timeout: float) -> tuple[bool, str]:
    lines: list[str] = []
    with _quiet(lines):
        service = apprise.Apprise.instantiate(url, asset=ASSET)
        if service is None:
            return False, "not a URL Apprise can use"
        service.socket_connect_timeout = service.socket_read_timeout = timeout
        ok = bool(service.notify(body=body, title=title, notify_type=kind))
    return ok, "" if ok else ("; ".join(lines[-3:]) or "Apprise could not deliver it")


@contextmanager
def _quiet(lines: list[str]) -> Iterator[None]:
    """Apprise's log lines (which may name a URL) go to `lines`, never to Vigil's log;
    one delivery at a time, as the logger is shared."""
    handler = _Collect(lines)
    with _ONE_AT_A_TIME:
        propagate, level = _LOGGER.propagate, _LOGGER.level
        _LOGGER.addHandler(handler)
        _LOGGER.propagate = False
        _LOGGER.setLevel(logging.WARNING)
        try:
            yield
        finally:
            _LOGGER.removeHandler(handler)
            _LOGGER.propagate = propagate
            _LOGGER.setLevel(level)


class _Collect(logging.Handler):
    def __init__(self, lines: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.lines = lines

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage().replace("\n", " ")[:200])


CHANNEL = ChannelType(
    "apprise",
    AppriseChannel,
    build,
    "the 100+ services of the Apprise library, by Apprise URL",
    example={
        "id": "everywhere",
        "urls": [
            "tgram://${TELEGRAM_BOT_TOKEN}/${TELEGRAM_CHAT_ID}",
            "mastodons://${MASTODON_TOKEN}@mastodon.social",
        ],
    },
)
