"""The email channel against aiosmtpd on loopback: STARTTLS, implicit TLS, login, and a
refused login that is not retried."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import trustme

from configuration.notifications import ChannelOptions
from notifications.delivery import DeliveryOptions
from tests.notify_receivers import smtp_receiver
from tests.notify_samples import DOWN, SLEPT, _no_sleep, deliver, sample_channel


@dataclass(frozen=True)
class Tls:
    server: ssl.SSLContext
    client: DeliveryOptions


@pytest.fixture(scope="module")
def tls() -> Iterator[Tls]:
    ca = trustme.CA()
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(server)
    client = ssl.create_default_context()
    ca.configure_trust(client)
    yield Tls(server, DeliveryOptions(sleep=_no_sleep, ssl_context=client))


# The channel types this module sends to a real receiver (see test_notify_registry.py).
RECEIVER_TESTED = ("email",)


def _channel(port: int, security: str, token: str = "mail-secret", **extra: Any) -> ChannelOptions:
    """The sample email channel; its password is `${TOKEN}`, here `token`."""
    url = f"smtp://127.0.0.1:{port}"
    return sample_channel("email", url, {"TOKEN": token}, security=security, **extra)


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_email_is_sent_over_tls_after_login(tls: Tls, security: str) -> None:
    with smtp_receiver(tls.server, implicit=security == "ssl") as mailbox:
        outcome = deliver(DOWN, _channel(mailbox.port, security), tls.client)
    assert outcome.ok, outcome.detail
    assert mailbox.logins == ["status@example.com"]
    ((envelope, message),) = mailbox.messages
    assert envelope.rcpt_tos == ["ops@example.com", "cto@example.com"]
    assert message["Subject"] == "[Status] API is down"
    assert message["From"] == "Status <status@example.com>"
    body = message.get_payload(decode=True)
    assert isinstance(body, bytes)
    assert "Error: http_status: 503 Service Unavailable" in body.decode()
    assert "https://status.example.com" in body.decode()


def test_a_refused_login_fails_at_once_without_retries(tls: Tls) -> None:
    SLEPT.clear()
    with smtp_receiver(tls.server) as mailbox:
        outcome = deliver(DOWN, _channel(mailbox.port, "starttls", "wrong"), tls.client)
    assert not outcome.ok and outcome.attempts == 1 and SLEPT == []
    assert outcome.detail.startswith("SMTP 535")
    assert mailbox.messages == []


def test_plain_smtp_to_a_local_relay() -> None:
    with smtp_receiver() as mailbox:
        channel = _channel(mailbox.port, "none", username="", password=None)
        assert deliver(DOWN, channel).ok
    assert mailbox.logins == []
    assert len(mailbox.messages) == 1
