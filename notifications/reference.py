"""docs/notifications.md, generated from the channel types and their option models by
`vigil schema --write`; tests fail when the committed copy drifts. The prose is in
`notifications/reference_text.py`; the tables, payloads and examples come from the code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from configuration.durations import format_duration
from configuration.notifications import EVENT_NAMES, ChannelOptions
from configuration.reference import TABLE_HEAD, option_rows
from notifications import reference_text as text
from notifications.channel import ChannelType
from notifications.channels.webhook import WebhookChannel, payload
from notifications.delivery import DeliveryOptions
from notifications.ledger import KEEP, RETRY_FOR
from notifications.registry import CHANNELS
from notifications.samples import DOWN, INCIDENT, RECOVERED

DOC_PATH = Path("docs") / "notifications.md"
SECRET = "secret, as `${ENV}`"


def notifications_doc() -> str:
    """The whole of docs/notifications.md."""
    values = {
        "retry_for": format_duration(RETRY_FOR),
        "keep": format_duration(KEEP),
        "backoff": f"{DeliveryOptions.backoff:g}",
        "signature_header": WebhookChannel.model_fields["signature_header"].default,
        "channel_count": len(CHANNELS),
        "channel_list": ", ".join(f"[`{name}`](#{name})" for name in CHANNELS),
    }
    parts = [
        text.INTRO.format(**values),
        _events(),
        text.PAYLOADS.format(
            down=_json(payload(DOWN)),
            recovered=_json(payload(RECOVERED)),
            page=_json(payload(INCIDENT)),
            **values,
        ),
        text.COMMON_OPTIONS,
        "\n".join([TABLE_HEAD, *option_rows(ChannelOptions)]) + "\n",
        text.BEHAVIOUR.format(**values),
        text.CHANNELS_HEAD.format(**values),
        *(_channel(channel) for channel in CHANNELS.values()),
    ]
    return "\n".join(parts)


def write_notifications_doc(root: Path) -> Path:
    path = root / DOC_PATH
    path.write_text(notifications_doc(), encoding="utf-8")
    return path


def channel_heading(name: str) -> str:
    """The heading of a channel's section (tests look for it)."""
    return f"### {name}\n"


def _events() -> str:
    rows = [f"| `{name}` | {text.EVENTS[name]} |" for name in EVENT_NAMES]
    return text.EVENTS_HEAD + "\n".join(["| event | sent when |", "|---|---|", *rows]) + "\n"


def _channel(channel: ChannelType[Any]) -> str:
    rows = option_rows(channel.model, set(ChannelOptions.model_fields), secret=SECRET)
    return (
        f"{channel_heading(channel.name)}\n`type: {channel.name}`: {channel.service}. "
        "Its options besides [those every channel has](#options-every-channel-has):\n\n"
        + "\n".join([TABLE_HEAD, *rows])
        + f"\n\n```yaml\n{example_yaml(channel)}```\n"
    )


def example_entry(channel: ChannelType[Any]) -> dict[str, Any]:
    """The channel's example as an entry of `notifications:`, `type` second."""
    return {"id": channel.example["id"], "type": channel.name, **channel.example}


def example_yaml(channel: ChannelType[Any]) -> str:
    entry = {"notifications": [example_entry(channel)]}
    return yaml.dump(entry, Dumper=_Indented, sort_keys=False, allow_unicode=True, width=100)


class _Indented(yaml.SafeDumper):
    """Block lists indented under their key, as people write config.yaml."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)
