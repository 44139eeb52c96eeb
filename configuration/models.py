"""The typed options of `config.yaml` (version 1), declared once.

Each field's description is the help text shown in the README's config reference and in
the JSON Schema that editors use (`vigil schema`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal, Union
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, PrivateAttr, field_validator

from checks.registry import CHECKS
from configuration.monitor import CheckSettings, Identifier, MonitorBase, Options

if TYPE_CHECKING:
    AnyMonitor = MonitorBase
else:
    # One model per registered check type, told apart by `type:`.
    AnyMonitor = Annotated[
        Union[tuple(check.model for check in CHECKS.values())],  # noqa: UP007
        Field(discriminator="type"),
    ]


class Site(Options):
    title: str = Field("Status", description="Page title, shown in the header and the browser tab.")
    description: str = Field("", description="One sentence under the title and in link previews.")
    url: str | None = Field(
        None,
        description="Public base URL of the page, e.g. `https://status.example.com`.",
        pattern=r"^https?://\S+$",
    )
    cname: str | None = Field(
        None, description="Custom domain written to `site/CNAME`, e.g. `status.example.com`."
    )
    logo: str | None = Field(None, description="Path or URL of the logo shown in the header.")
    favicon: str | None = Field(None, description="Path or URL of the favicon.")
    homepage_url: str | None = Field(None, description="Link from the logo back to your site.")
    contact_url: str | None = Field(None, description="Where visitors report a problem.")
    theme: Literal["system", "light", "dark"] = Field(
        "system", description="Colour scheme; `system` follows the visitor's setting."
    )
    language: str = Field(
        "en", pattern=r"^[a-z]{2}(-[A-Z]{2})?$", description="Language of the page, e.g. `en`."
    )
    timezone: str = Field(
        "UTC", description="IANA time zone used to display times, e.g. `Europe/Berlin`."
    )
    powered_by: bool = Field(True, description='Show "Powered by Vigil" in the footer.')

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f'expected an IANA time zone like "Europe/Berlin", got "{value}"'
            ) from None
        return value


class Region(Options):
    id: Identifier = Field(description="Stable key stored with every result, e.g. `eu-west`.")
    name: str = Field(description="Display name, e.g. `Europe (West)`.")
    location: str = Field("", description='Free text, e.g. "Frankfurt, DE".')


class Group(Options):
    id: Identifier = Field(description="Key that monitors use in their `group` field.")
    name: str = Field(description='Display name, e.g. "API".')
    description: str = Field("", description="Shown under the group name.")
    collapsed: bool = Field(False, description="Start collapsed on the page.")


class Defaults(CheckSettings):
    """The check settings every monitor inherits unless it sets its own."""


class Config(Options):
    """The whole of `config.yaml`."""

    version: Literal[1] = Field(1, description="Format version of this file.")
    site: Site = Field(default_factory=Site, description="The page itself.")
    regions: list[Region] = Field(
        min_length=1, description="Where checks run; each region is one CI job."
    )
    groups: list[Group] = Field(default_factory=list, description="Sections of the page.")
    defaults: Defaults = Field(
        default_factory=Defaults, description="Values a monitor inherits unless it sets its own."
    )
    monitors: list[AnyMonitor] = Field(default_factory=list, description="What is checked.")
    _secrets: frozenset[str] = PrivateAttr(default_factory=frozenset)

    @property
    def secrets(self) -> frozenset[str]:
        """Values substituted for `${ENV}`: redacted from every message, never published."""
        return self._secrets

    def set_secrets(self, secrets: frozenset[str]) -> None:
        self._secrets = secrets

    def regions_for(self, monitor: MonitorBase) -> list[str]:
        """The region ids that check `monitor`, in config order."""
        return list(monitor.regions) or [region.id for region in self.regions]

    def monitor(self, monitor_id: str) -> MonitorBase:
        for monitor in self.monitors:
            if monitor.id == monitor_id:
                return monitor
        raise KeyError(monitor_id)
