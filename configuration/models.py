"""The typed options of `config.yaml` (version 1), declared once.

Each field's description is the help text shown in the README's config reference and in
the JSON Schema that editors use (`vigil schema`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, PrivateAttr, create_model, field_validator

from checks.registry import CHECKS
from configuration.announcements import Announcement
from configuration.export import Export
from configuration.monitor import (
    CheckSettings,
    Domain,
    Duration,
    Identifier,
    ImageLink,
    Link,
    MonitorBase,
    OneLine,
    Options,
    Slo,
)
from configuration.renames import Renamed
from configuration.secrets import SecretUse
from notifications.registry import AnyChannel

if TYPE_CHECKING:
    AnyMonitor = MonitorBase
else:
    # One model per registered check type, told apart by `type:`.
    AnyMonitor = Annotated[
        Union[tuple(check.model for check in CHECKS.values())],  # noqa: UP007
        Field(discriminator="type"),
    ]

# The languages the page's message catalogs (locales/) are written in.
Language = Literal["en", "de", "fr", "es", "pt_BR", "ja"]
Visibility = Literal["public", "unlisted", "private"]
Host = Literal["github-pages", "cloudflare-pages", "netlify", "server"]
Protection = Literal["none", "cloudflare-access", "password", "basic-auth"]


class Site(Options):
    title: OneLine = Field(
        "Status", description="Page title, shown in the header and the browser tab."
    )
    description: OneLine = Field(
        "", description="One sentence under the title and in link previews."
    )
    url: str | None = Field(
        None,
        description="Public base URL of the page, e.g. `https://status.example.com`.",
        pattern=r"^https?://\S+$",
    )
    cname: Domain | None = Field(
        None, description="Custom domain written to `site/CNAME`, e.g. `status.example.com`."
    )
    logo: ImageLink | None = Field(None, description="Path or URL of the logo shown in the header.")
    favicon: ImageLink | None = Field(None, description="Path or URL of the favicon.")
    homepage_url: Link | None = Field(None, description="Link from the logo back to your site.")
    contact_url: Link | None = Field(
        None, description="Where visitors report a problem: a URL or `mailto:`."
    )
    theme: Literal["system", "light", "dark"] = Field(
        "system", description="Colour scheme; `system` follows the visitor's setting."
    )
    language: Language = Field(
        "en", description="Language of the page: `en`, `de`, `fr`, `es`, `pt_BR` or `ja`."
    )
    languages: list[Language] = Field(
        default_factory=list,
        description="More languages to build, each under `/<code>/` with a switcher: "
        "`en`, `de`, `fr`, `es`, `pt_BR`, `ja`. The page in `language` stays at `/`.",
    )
    timezone: str = Field(
        "UTC", description="IANA time zone used to display times, e.g. `Europe/Berlin`."
    )
    powered_by: bool = Field(True, description='Show "Powered by Vigil" in the footer.')
    custom_dir: str = Field(
        "templates",
        description="Folder (next to config.yaml) of your templates: a file there replaces "
        "the package's file of that name, e.g. `main.html` overriding one block, or "
        "`extra.css` added to the style; see docs/templates.md.",
    )

    visibility: Visibility = Field(
        "public",
        description="Who finds it: `public`; `unlisted`: kept out of search engines "
        "(`noindex`, robots.txt `Disallow: /`, `X-Robots-Tag`); `private`: unlisted, and only "
        "built for a `host` with `protection`; see docs/hosting.md.",
    )
    host: Host = Field(
        "github-pages",
        description="Where it is deployed: `github-pages`, `cloudflare-pages`, `netlify` or "
        "`server` (your web server, e.g. nginx); decides which `protection` can work.",
    )
    protection: Protection = Field(
        "none",
        description="What keeps a `private` page to its readers, set up on the host as "
        "docs/hosting.md shows: `cloudflare-access` (cloudflare-pages or a server behind "
        "Cloudflare), `password` (netlify or cloudflare-pages) or `basic-auth` (server).",
    )

    @property
    def listed(self) -> bool:
        """Whether search engines may list it: only a `public` page."""
        return self.visibility == "public"

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


# Site values a page may set for itself; the time zone is the history's, one for all pages.
PAGE_OVERRIDES = tuple(name for name in Site.model_fields if name != "timezone")
# The page's own address: never taken from `site:`, so two pages never share one.
PAGE_OWN = ("url", "cname")


class PageSelection(Options):
    """A page's id and what it shows; `Page` adds the `site:` values it may override."""

    id: Identifier = Field(description="Stable key: `vigil build --page ID`, notifications.")
    folder: Identifier | None = Field(
        None, description="Folder under the build's output it is written to; default: its id."
    )
    monitors: list[Identifier] = Field(
        default_factory=list, description="Ids of monitors it shows."
    )
    groups: list[Identifier] = Field(
        default_factory=list, description="Ids of groups whose monitors it shows."
    )
    tags: list[Identifier] = Field(
        default_factory=list,
        description="Tags whose monitors it shows. With `monitors`, `groups` and `tags` all "
        "empty it shows every monitor.",
    )
    announcements: list[Identifier] | None = Field(
        None,
        description="Ids of the announcements it shows, from config.yaml or announcements/; "
        "unset: every announcement.",
    )

    @property
    def out_folder(self) -> str:
        return self.folder or self.id


def _override(name: str) -> Any:
    field = Site.model_fields[name]
    kind: Any = field.annotation
    if field.metadata:
        kind = Annotated[kind, *field.metadata]
    default = "none: not taken from `site:`" if name in PAGE_OWN else f"`site.{name}`"
    return (kind | None, Field(None, description=f"{field.description} Default: {default}."))


if TYPE_CHECKING:
    Page = PageSelection
else:
    Page = create_model(
        "Page",
        __base__=PageSelection,
        __doc__="One status page built from this config; unset values come from `site:`.",
        **{name: _override(name) for name in PAGE_OVERRIDES},
    )


class Region(Options):
    id: Identifier = Field(description="Stable key stored with every result, e.g. `eu-west`.")
    name: OneLine = Field(description="Display name, e.g. `Europe (West)`.")
    location: OneLine = Field("", description='Free text, e.g. "Frankfurt, DE".')
    runs_on: list[str] = Field(
        default_factory=lambda: ["ubuntu-latest"],
        description="GitHub Actions runner labels of this region's check job: a hosted "
        "runner (`ubuntu-latest`) or your self-hosted runner's labels, e.g. "
        "`[self-hosted, linux, eu-west]`. `[]`: no job in the workflow, the region runs "
        "elsewhere (a cron line or a container) and publishes to the same data branch.",
    )
    shards: int = Field(
        1,
        ge=1,
        le=256,
        description="Parallel check jobs for this region, each running `--shard I/N` of "
        "its monitors; raise it for thousands of monitors.",
    )


class Group(Options):
    id: Identifier = Field(description="Key that monitors use in their `group` field.")
    name: OneLine = Field(description='Display name, e.g. "API".')
    description: OneLine = Field("", description="Shown under the group name.")
    collapsed: bool = Field(False, description="Start collapsed on the page.")
    slo: Slo | None = Field(
        None,
        description="Service level objective of the group, e.g. `99.9`: the default of its "
        "monitors, and the group's error budget on the page (its monitors' downtime averaged).",
    )


class Defaults(CheckSettings):
    """The check settings every monitor inherits unless it sets its own."""


class Runner(Options):
    """How `vigil check` runs: concurrency, time limits, retries and the canary."""

    concurrency: int = Field(256, ge=1, le=10000, description="Checks in flight at once.")
    processes: Literal["auto"] | Annotated[int, Field(ge=1, le=64)] = Field(
        "auto",
        description="Processes a run is split over (`vigil check` and workers it starts), "
        "each checking a share of the due monitors (the `--shard` rule) with its part of "
        "`concurrency`, the results written to one file: `auto` is one per core when 4,000 "
        "or more monitors are due, else one; `1` checks everything in `vigil check` itself. "
        "A process manages about 2,000 checks a second (see docs/scaling.md).",
    )
    deadline: Duration = Field(
        timedelta(minutes=4),
        description="A run ends by then, so it is over before the next one is due; "
        "checks still running are recorded as timed out.",
    )
    retry_backoff: Duration = Field(
        timedelta(milliseconds=500),
        description="Wait before the first retry; doubled before each further one.",
    )
    canary: list[str] = Field(
        default_factory=lambda: ["1.1.1.1:443", "8.8.8.8:443", "9.9.9.9:443"],
        description="`host:port`s that prove the runner is online. When a run has failures "
        "and none of them answers, the failures are recorded as runner offline, never down. "
        "An empty list turns the canary off.",
    )
    canary_timeout: Duration = Field(
        timedelta(seconds=3), description="How long each canary target may take to answer."
    )

    @field_validator("canary")
    @classmethod
    def _host_ports(cls, values: list[str]) -> list[str]:
        for value in values:
            host, _, port = value.rpartition(":")
            if not host or not port.isdigit():
                raise ValueError(f'expected "host:port" like "1.1.1.1:443", got "{value}"')
        return values


class History(Options):
    """Where the history lives and how long it keeps results (`vigil compact` applies it)."""

    store: str | None = Field(
        None,
        pattern=r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[^\s]*)?$",
        description="Where results, rollups, notification state and the ledger live: unset "
        "for the `--data` folder (the data branch in the workflows), or `s3://bucket/prefix` "
        "for S3-compatible object storage (AWS S3, Cloudflare R2, MinIO, GCS), with the "
        "endpoint, region and credentials read from the environment as the AWS tools read "
        "them (`AWS_ENDPOINT_URL`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`, "
        "`AWS_SECRET_ACCESS_KEY`, `AWS_PROFILE`); see docs/scaling.md.",
    )

    raw_days: int = Field(
        30, ge=2, le=3660, description="Days of raw results kept; older days live on as rollups."
    )
    rollup_days: int = Field(
        400, ge=7, le=36600, description="Days of daily rollups kept: the long view (365d)."
    )


class OutageRule(Options):
    """When failures become an outage (an automatic incident)."""

    confirm: int = Field(
        1,
        ge=1,
        le=100,
        description="Consecutive down buckets (check intervals) that make an outage. A shorter "
        "run is a blip: shown as degraded, not counted as downtime. Every down result is "
        "already confirmed by `retries` and by the quorum of regions.",
    )


class Config(Options):
    """The whole of `config.yaml`."""

    version: Literal[1] = Field(1, description="Format version of this file.")
    site: Site = Field(
        default_factory=Site,
        description="The page itself; with `pages:`, the values each page may override.",
    )
    pages: list[Page] = Field(
        default_factory=list,
        description="Several pages from one config, each built into its own folder "
        "(`site/<page>/`); unset: one page from `site:`. See docs/site.md.",
    )
    regions: list[Region] = Field(
        min_length=1, description="Where checks run; each region is one CI job."
    )
    groups: list[Group] = Field(default_factory=list, description="Sections of the page.")
    defaults: Defaults = Field(
        default_factory=Defaults, description="Values a monitor inherits unless it sets its own."
    )
    monitors: list[AnyMonitor] = Field(default_factory=list, description="What is checked.")
    announcements: list[Announcement] = Field(
        default_factory=list,
        description="News that is not an incident, pinned above the services while current; "
        "files in `announcements/` add more (docs/incidents.md).",
    )
    runner: Runner = Field(default_factory=Runner, description="How `vigil check` runs.")
    history: History = Field(default_factory=History, description="How long results are kept.")
    outage: OutageRule = Field(
        default_factory=OutageRule, description="When failures become an outage."
    )
    notifications: list[AnyChannel] = Field(
        default_factory=list,
        description="Where alerts and page events are sent; see docs/notifications.md.",
    )
    export: Export = Field(
        default_factory=Export,
        description="Where `vigil check` also sends each run's results: OpenTelemetry.",
    )
    _secrets: frozenset[str] = PrivateAttr(default_factory=frozenset)
    _secret_uses: tuple[SecretUse, ...] = PrivateAttr(default=())
    _renamed: Renamed = PrivateAttr(default_factory=lambda: Renamed([], [], []))

    @property
    def secrets(self) -> frozenset[str]:
        """Values substituted for `${NAME}`: redacted from every message, never published."""
        return self._secrets

    @property
    def secret_uses(self) -> tuple[SecretUse, ...]:
        """Every `${NAME}` written in the file, set or not, with where it is used."""
        return self._secret_uses

    def set_secrets(self, secrets: frozenset[str], uses: tuple[SecretUse, ...]) -> None:
        self._secrets = secrets
        self._secret_uses = uses

    def unset_secrets(self, section: str, owner: str) -> list[SecretUse]:
        """The unset secrets of the monitor (`section` "monitors") or channel
        ("notifications") with id `owner`, each name once: it is not run without them."""
        found: dict[str, SecretUse] = {}
        for use in self._secret_uses:
            if not use.is_set and use.path[0] == section and use.owner == owner:
                found.setdefault(use.name, use)
        return list(found.values())

    @property
    def renamed(self) -> Renamed:
        """Old key names it was written with: warnings, and where `--fix` rewrites them."""
        return self._renamed

    def set_renamed(self, renamed: Renamed) -> None:
        self._renamed = renamed

    def regions_for(self, monitor: MonitorBase) -> list[str]:
        """The region ids that check `monitor`, in config order; none for a monitor that is
        never checked (`manual`)."""
        if not monitor.checked:
            return []
        return list(monitor.regions) or [region.id for region in self.regions]

    def slo_of(self, monitor: MonitorBase) -> float | None:
        """The monitor's service level objective: its own `slo`, else its group's."""
        return monitor.slo if monitor.slo is not None else self.group_slo(monitor.group)

    def group_slo(self, group_id: str | None) -> float | None:
        """The service level objective of the group with id `group_id`, if it has one."""
        return next((g.slo for g in self.groups if g.id == group_id), None)

    def monitor(self, monitor_id: str) -> MonitorBase:
        for monitor in self.monitors:
            if monitor.id == monitor_id:
                return monitor
        raise KeyError(monitor_id)
