"""Email over SMTP, with STARTTLS, implicit TLS (`ssl`, usually port 465) or neither."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Literal

from pydantic import Field

from configuration.notifications import ChannelOptions, Secret, secret
from notifications.channel import ChannelType, MailMessage, Outgoing, plain
from notifications.events import Event


class EmailChannel(ChannelOptions):
    type: Literal["email"] = Field(description="Channel type.")
    host: str = Field(description="SMTP server, e.g. `smtp.example.com`.")
    port: int = Field(587, ge=1, le=65535, description="SMTP port: 587 STARTTLS, 465 SSL.")
    security: Literal["starttls", "ssl", "none"] = Field(
        "starttls", description="`starttls`, `ssl` (implicit TLS) or `none` (local relays only)."
    )
    username: str = Field("", description="Login; empty: no login.")
    password: Secret | None = Field(None, description="Password, as `${ENV}`.")
    sender: str = Field(alias="from", description='From address, e.g. `"Status <s@example.com>"`.')
    to: list[str] = Field(min_length=1, description="Recipient addresses.")
    subject_prefix: str = Field("[Status] ", description="Put before every subject.")


def build(event: Event, channel: EmailChannel) -> list[Outgoing]:
    message = EmailMessage()
    message["Subject"] = f"{channel.subject_prefix}{event.title}"
    message["From"] = channel.sender
    message["To"] = ", ".join(channel.to)
    message["Date"] = format_datetime(event.at)
    message["Message-ID"] = make_msgid(idstring=event.key.replace(":", "."), domain="vigil")
    message.set_content(plain(event) + "\n")
    return [
        MailMessage(
            channel.host,
            channel.port,
            channel.security,
            channel.username,
            secret(channel.password),
            message,
        )
    ]


CHANNEL = ChannelType(
    "email",
    EmailChannel,
    build,
    "email over SMTP (STARTTLS or SSL)",
    example={
        "id": "email",
        "host": "smtp.example.com",
        "username": "status@example.com",
        "password": "${SMTP_PASSWORD}",
        "from": "Example Status <status@example.com>",
        "to": ["ops@example.com"],
    },
)
