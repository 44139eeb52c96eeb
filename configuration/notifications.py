"""The options every notification channel has: its id, which events it wants, for which
monitors, and how patiently it is delivered to.

Each channel type (`notifications/channels/<type>.py`) subclasses `ChannelOptions` with the
service's own settings, the way check types subclass `MonitorBase`; `notifications.registry`
joins them into the `notifications:` list of config.yaml. Secrets (tokens, webhook URLs
that embed one) are `Secret` fields written as `${ENV}`: never printed, logged or stored.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal, get_args

from pydantic import (
    BeforeValidator,
    Field,
    PlainSerializer,
    SecretStr,
    WithJsonSchema,
    model_validator,
)

from configuration.durations import format_duration, positive_duration
from configuration.monitor import Duration, Identifier, Options

EventName = Literal[
    "down",
    "degraded",
    "recovered",
    "incident.created",
    "incident.updated",
    "incident.resolved",
    "component.status_changed",
    "maintenance.scheduled",
    "maintenance.started",
    "maintenance.completed",
]
EVENT_NAMES: tuple[str, ...] = get_args(EventName)
MONITOR_ALERTS = ("down", "degraded", "recovered")
# component.status_changed repeats what the monitor alerts say; a channel asks for it.
DEFAULT_EVENTS: list[EventName] = [
    n for n in get_args(EventName) if n != "component.status_changed"
]

PUBLISHED = ("join_url", "join_text")  # shown on the site as written: never a ${SECRET}
# A token or a webhook URL with a token in it: `${ENV}` in the file, `**********` in reprs.
Secret = Annotated[
    SecretStr,
    PlainSerializer(lambda value: "**********", return_type=str),
    WithJsonSchema({"type": "string", "examples": ["${SLACK_WEBHOOK_URL}"]}),
]
# A duration longer than zero: `remind_every: 0s` would remind on every run.
PositiveDuration = Annotated[Duration, BeforeValidator(positive_duration)]
HttpUrl = Annotated[str, Field(pattern=r"^https?://\S+$")]


class ChannelOptions(Options):
    """What every entry of `notifications:` has, whatever its type."""

    type: str = Field(description="Channel type: webhook, slack, discord, email, …")
    id: Identifier = Field(description="Stable key, used by `vigil notify test ID` and the ledger.")
    events: list[EventName] = Field(
        default_factory=lambda: list(DEFAULT_EVENTS),
        description="Events sent to it: `down` `degraded` `recovered` `incident.created` "
        "`incident.updated` `incident.resolved` `component.status_changed` "
        "`maintenance.scheduled` `maintenance.started` `maintenance.completed`. "
        "Default: all but `component.status_changed`.",
    )
    monitors: list[Identifier] = Field(
        default_factory=list,
        description="Only these monitors' alerts and incidents (empty: all). "
        "Incidents naming no monitor concern the whole page and always pass.",
    )
    groups: list[Identifier] = Field(
        default_factory=list,
        description="Only monitors of these groups (empty: all); with `monitors`, either matches.",
    )
    pages: list[Identifier] = Field(
        default_factory=list,
        description="Only what is shown on these `pages:` (empty: all): their incidents and "
        "maintenance, and alerts about the monitors they show; a public channel is listed "
        "only on their subscribe pages.",
    )
    send_on_resolved: bool = Field(
        True, description="Send `recovered` when a monitor it alerted about is up again."
    )
    min_duration: Duration = Field(
        timedelta(0),
        description="Alert only once a monitor has been down or degraded this long; "
        "a shorter blip is never sent (nor its recovery).",
    )
    remind_every: PositiveDuration | None = Field(
        None,
        description="While a monitor it alerted about is still down or degraded, say so "
        "again this often (after `min_duration`), at most `remind_max` times; none once it "
        "has recovered. Unset: no reminders.",
    )
    remind_max: int = Field(
        3, ge=1, le=100, description="How many reminders one failing spell gets at most."
    )
    escalate_after: PositiveDuration | None = Field(
        None,
        description="Once a monitor it alerts about has been failing this long, send the "
        "alert also to the channels of `escalate_to` (once each); they are sent the "
        "recovery too. Needs `escalate_to`.",
    )
    escalate_to: list[Identifier] = Field(
        default_factory=list,
        description="Ids of the channels to escalate to, e.g. `[pager]`. A channel named "
        "here gets monitor alerts only when they are escalated to it.",
    )
    timeout: Duration = Field(
        timedelta(seconds=10), description="How long one delivery attempt may take."
    )
    retries: int = Field(
        2, ge=0, le=5, description="Extra attempts after a timeout, a 429 or a 5xx answer."
    )
    public: bool = Field(
        False,
        description="List it on the page's `/subscribe/` page, so visitors can follow it "
        "(an announcement channel, a public ntfy topic, a Mastodon account); needs `join_url`.",
    )
    join_url: HttpUrl | None = Field(
        None,
        description="Where visitors join or follow it, e.g. `https://t.me/acme_status`; "
        "published as written, so never a secret.",
    )
    join_text: str | None = Field(
        None, description="The link's words on the subscribe page, e.g. `Telegram: @acme_status`."
    )

    @model_validator(mode="after")
    def _public_needs_a_link(self) -> ChannelOptions:
        if self.public and not self.join_url:
            raise ValueError("a public channel needs join_url: where visitors join it")
        return self

    @model_validator(mode="after")
    def _escalation_needs_both(self) -> ChannelOptions:
        if self.escalate_after is not None and not self.escalate_to:
            raise ValueError("escalate_after needs escalate_to: the channels to escalate to")
        if self.escalate_to and self.escalate_after is None:
            raise ValueError("escalate_to needs escalate_after: how long before escalating")
        if self.id in self.escalate_to:
            raise ValueError(f'escalate_to names the channel itself ("{self.id}")')
        if self.escalate_after is not None and self.escalate_after < self.min_duration:
            raise ValueError(
                f"escalate_after ({format_duration(self.escalate_after)}) is shorter than "
                f"min_duration ({format_duration(self.min_duration)}): it would escalate "
                "before this channel is alerted"
            )
        return self


def secret(value: SecretStr | None) -> str:
    """The plain value of a secret field ("" when unset), for building the request."""
    return value.get_secret_value() if value is not None else ""
