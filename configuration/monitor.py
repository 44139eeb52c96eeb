"""The value types config.yaml is written in, and the fields every monitor has.

Each check type (`checks/<type>.py`) subclasses `MonitorBase` with its target fields.
Field descriptions are the help text of the README's config reference and the JSON Schema.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    field_validator,
)

from checks.assertions import compile_assertion
from checks.conditions import parse_condition
from configuration.durations import format_duration, parse_duration, positive_duration
from configuration.messages import CONTROL, escape_control

Duration = Annotated[
    timedelta,
    BeforeValidator(parse_duration),
    PlainSerializer(format_duration, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^(\d+(\.\d+)?(ms|s|m|h|d))+$",
            "examples": ["500ms", "30s", "5m", "1h"],
        }
    ),
]
Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
# A service level objective: the percentage of each calendar month it should be up.
Slo = Annotated[float, Field(gt=0, lt=100, examples=[99.9, 99.5])]
_LINK = re.compile(r"(https?://|mailto:|/|\./|[\w.-]+(/|$))\S*", re.ASCII)
_DOMAIN = re.compile(r"([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}", re.IGNORECASE)


def _one_line(value: str) -> str:
    found = CONTROL.search(value)
    if found:
        code = f"U+{ord(found.group()):04X}"
        raise ValueError(f"expected one line without control characters, found {code}")
    return value


def _link(value: str) -> str:
    if not _LINK.fullmatch(value):
        raise ValueError(
            "expected a link starting with https://, http://, mailto: or a path on the site, "
            f"got {_quoted(value)}"
        )
    return value


def _image_link(value: str) -> str:
    return value if value.startswith("data:image/") and " " not in value else _link(value)


def _domain(value: str) -> str:
    if len(value) > 253 or not _DOMAIN.fullmatch(value):
        raise ValueError(f'expected a domain name like "status.example.com", got {_quoted(value)}')
    return value


def _quoted(value: str) -> str:
    """A value in a message: quoted, control characters escaped, long ones cut."""
    return escape_control(f'"{value if len(value) <= 60 else value[:57] + "..."}"')


# Text shown on one line (names, titles): no line break or control character, which would
# add lines to status.txt or CNAME, or escape sequences to a terminal.
OneLine = Annotated[str, AfterValidator(_one_line)]
# A link people follow from the page: never a script (`javascript:`), which it would run.
Link = Annotated[str, AfterValidator(_link)]
ImageLink = Annotated[str, AfterValidator(_image_link)]  # a link, or a `data:image/` URL
Domain = Annotated[str, AfterValidator(_domain)]


def _parses(text: str) -> str:
    parse_condition(text)  # raises ValueError with the message shown to the user
    return text


ConditionText = Annotated[str, AfterValidator(_parses)]


def _compiles(assertion: dict[str, str | int | float]) -> dict[str, str | int | float]:
    compile_assertion(assertion)  # raises ValueError with the message shown to the user
    return assertion


AssertionSpec = Annotated[dict[str, str | int | float], AfterValidator(_compiles)]


class Options(BaseModel):
    """Base of every config section: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class CheckSettings(Options):
    """How a monitor is checked: set once under `defaults:`, or per monitor."""

    interval: Duration = Field(timedelta(minutes=5), description="How often it is checked.")
    timeout: Duration = Field(timedelta(seconds=10), description="How long one attempt may take.")
    retries: int = Field(
        0, ge=0, le=10, description="Extra attempts before a failed check counts as down."
    )
    regions: list[Identifier] = Field(
        default_factory=list, description="Regions that check it; empty means all regions."
    )
    degraded_after: Duration | None = Field(
        None, description="A response slower than this marks it degraded."
    )
    quorum: Literal["majority"] | Annotated[int, Field(ge=1)] = Field(
        "majority",
        description="How many of the regions that reported in a time bucket must say down "
        "for the monitor to be down; fewer make it degraded. `majority` or a number.",
    )

    @field_validator("interval", "timeout", mode="before")
    @classmethod
    def _longer_than_zero(cls, value: object) -> timedelta:
        return positive_duration(value)


class MonitorBase(CheckSettings):
    """Fields every monitor has; `defaults:` fills the check settings a monitor leaves out."""

    type: str = Field(
        description="Check type: http, tcp, dns, tls, ping, heartbeat, statuspage (a vendor's "
        "status page) or manual (never checked: its status comes from incidents and "
        "maintenance)."
    )
    id: Identifier = Field(description="Stable key; history is keyed by it, never by the name.")
    name: OneLine = Field(description="Display name on the page.")
    description: OneLine = Field("", description="One line under the name.")
    group: Identifier | None = Field(None, description="Id of the group it is shown in.")
    tags: list[Identifier] = Field(
        default_factory=list,
        description="Labels that `pages:` select it by, e.g. `[partner]`; not shown.",
    )
    slo: Slo | None = Field(
        None,
        description="Service level objective: the percent of each calendar month (in "
        "`site.timezone`) it should be up, e.g. `99.9`; its page and `api/v1` show the error "
        "budget left this month, the monthly reports whether it was met. Unset: its group's.",
    )
    conditions: list[ConditionText] = Field(
        default_factory=list,
        description='Conditions that must all hold, else it is down, e.g. `"[STATUS] == 200"`.',
    )
    assertions: list[AssertionSpec] = Field(
        default_factory=list,
        description="openstatus-style assertions that must all hold, like the conditions, "
        "written as openstatus writes them: `{kind: statusCode|header|textBody|jsonBody|dnsRecord"
        ", compare: eq|not_eq|gt|gte|lt|lte|contains|not_contains|empty|not_empty, target: …}` "
        "plus `key: <header name>` (header), `path: <JSONPath like $.data[0].status>` (jsonBody) "
        "or `record: A|AAAA|CNAME|MX|NS|TXT` (dnsRecord, `type: dns` monitors, compare "
        "eq|not_eq|contains|not_contains); `type:` with `status` for `statusCode`, as "
        "openstatus's API writes it, also works. See the README's Conditions section.",
    )
    degraded_conditions: list[ConditionText] = Field(
        default_factory=list,
        description="Conditions whose failure makes it degraded, not down, e.g. "
        '`"[RESPONSE_TIME] < 800"`.',
    )
    public: bool = Field(True, description="Shown on the public page and in the public API.")
    hide_target: bool = Field(
        False,
        description="Keep the target (URL, host) and the conditions off its page, "
        "e.g. for an internal address.",
    )
    hide_errors: bool = Field(
        False, description="Keep the error messages of failed checks off its page."
    )

    @property
    def target(self) -> str:
        """What is checked, in one short line (URL, host:port, name)."""
        raise NotImplementedError

    @property
    def checked(self) -> bool:
        """Whether checks run for it; a `manual` monitor's status is only written."""
        return True
