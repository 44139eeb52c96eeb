"""Telegram Bot API: `sendMessage` with HTML formatting."""

from __future__ import annotations

from html import escape
from typing import Literal

from pydantic import Field

from configuration.notifications import ChannelOptions, HttpUrl, Secret, secret
from notifications.channel import EMOJI, ChannelType, HttpRequest, Outgoing, facts
from notifications.events import Event


class TelegramChannel(ChannelOptions):
    type: Literal["telegram"] = Field(description="Channel type.")
    bot_token: Secret = Field(description="Bot token from @BotFather, as `${ENV}`.")
    chat_id: str = Field(description="Chat, group or channel id, e.g. `-1001234567890`.")
    message_thread_id: int | None = Field(None, description="Topic of a forum group.")
    api_url: HttpUrl = Field("https://api.telegram.org", description="Bot API server.")


def html(event: Event) -> str:
    lines = [f"{EMOJI[event.severity]} <b>{escape(event.title)}</b>"]
    if event.text:
        lines.append(escape(event.text))
    lines += [f"<b>{escape(k)}:</b> {escape(v)}" for k, v in facts(event)]
    if event.url:
        lines.append(f'<a href="{escape(event.url)}">Status page</a>')
    return "\n".join(lines)[:4096]


def build(event: Event, channel: TelegramChannel) -> list[Outgoing]:
    body: dict[str, object] = {
        "chat_id": channel.chat_id,
        "text": html(event),
        "parse_mode": "HTML",
        "link_preview_options": {"is_disabled": True},
    }
    if channel.message_thread_id is not None:
        body["message_thread_id"] = channel.message_thread_id
    url = f"{channel.api_url.rstrip('/')}/bot{secret(channel.bot_token)}/sendMessage"
    return [HttpRequest.json(url, body)]


CHANNEL = ChannelType(
    "telegram",
    TelegramChannel,
    build,
    "Telegram Bot API sendMessage",
    example={
        "id": "telegram",
        "bot_token": "${TELEGRAM_BOT_TOKEN}",
        "chat_id": "-1001234567890",
    },
)
