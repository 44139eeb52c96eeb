"""Several pages from one config (`pages:`): what each shows, and the config a page is built
from. One rule per question, here:

- A page shows the monitors it names, those of the groups it names and those with one of
  the tags it names; naming none of them, it shows every monitor (`shown_monitors`).
- An incident or maintenance is on a page that shows one of the monitors it concerns, or
  that its `pages:` names; concerning no monitor and naming no page, it is on every page
  (`incident_pages`). On a page it names only the monitors that page shows.
- A page's site values are `site:` with what the page sets over it, but its address (`url`,
  `cname`) is its own (`page_site`).
- A `private` page is built only for a host that can keep it private (`protection_problem`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from configuration.incidents import Incident
from configuration.models import PAGE_OVERRIDES, PAGE_OWN, Config, Page, Site

# Which protection each host can apply (docs/hosting.md has the recipes).
PROTECTIONS: dict[str, tuple[str, ...]] = {
    "github-pages": (),
    "cloudflare-pages": ("cloudflare-access", "password"),
    "netlify": ("password",),
    "server": ("cloudflare-access", "basic-auth"),
}


def shown_monitors(config: Config, page: Page) -> list[str]:
    """The ids of the monitors `page` shows, in config order."""
    if not (page.monitors or page.groups or page.tags):
        return [monitor.id for monitor in config.monitors]
    ids, groups, tags = set(page.monitors), set(page.groups), set(page.tags)
    return [
        m.id
        for m in config.monitors
        if m.id in ids or (m.group is not None and m.group in groups) or tags.intersection(m.tags)
    ]


def page_site(site: Site, page: Page) -> Site:
    """`site:` with the values `page` sets over it, and the page's own address."""
    values = page.model_dump(include=set(PAGE_OVERRIDES), exclude_none=True)
    return site.model_copy(update={**{name: None for name in PAGE_OWN}, **values})


def incident_pages(config: Config, incident: Incident) -> list[str]:
    """The ids of the pages `incident` is shown on, in config order."""
    return [
        page.id
        for page in config.pages
        if _on_page(incident, page, set(shown_monitors(config, page)))
    ]


def _on_page(incident: Incident, page: Page, shown: set[str]) -> bool:
    if page.id in incident.pages or shown.intersection(incident.affected):
        return True
    return not incident.pages and not incident.affected


def page_incidents(config: Config, page: Page, incidents: Sequence[Incident]) -> list[Incident]:
    """The incidents on `page`, each naming only the monitors the page shows."""
    shown = set(shown_monitors(config, page))
    return [_restricted(i, shown) for i in incidents if _on_page(i, page, shown)]


def _restricted(incident: Incident, shown: set[str]) -> Incident:
    if shown.issuperset(incident.affected):
        return incident
    updates = [
        update.model_copy(update={"affects": _only(update.affects, shown)})
        if update.affects
        else update
        for update in incident.updates
    ]
    return incident.model_copy(
        update={
            "monitors": [m for m in incident.monitors if m in shown],
            "affects": _only(incident.affects, shown) or {},
            "updates": updates,
        }
    )


def _only(mapping: Mapping[str, Any] | None, keep: set[str]) -> dict[str, Any] | None:
    return None if mapping is None else {k: v for k, v in mapping.items() if k in keep}


def page_config(config: Config, page: Page) -> Config:
    """The config `page` is built from: its monitors, their groups, its announcements, the
    channels it may list, and its site values. Secrets are kept (they are redacted)."""
    shown = set(shown_monitors(config, page))
    monitors = [m for m in config.monitors if m.id in shown]
    groups = {m.group for m in monitors}
    announcements = [
        a for a in config.announcements if page.announcements is None or a.id in page.announcements
    ]
    channels = [c for c in config.notifications if not c.pages or page.id in c.pages]
    return config.model_copy(
        update={
            "site": page_site(config.site, page),
            "pages": [],
            "monitors": monitors,
            "groups": [g for g in config.groups if g.id in groups],
            "announcements": announcements,
            "notifications": channels,
        }
    )


def deploy_plan(config: Config, out: str = "site") -> dict[str, Any]:
    """What the build workflow deploys: `main`, the folder GitHub Pages serves (`out` for a
    config without `pages:`; else the first page on `github-pages`, or "" for none), and
    `deploy`, the GitHub Actions matrix of one job per other page, each with its own
    environment (`page-<id>`) and so its own secrets; `extra` counts them."""
    if not config.pages:
        return {"main": out, "extra": 0, "deploy": {"include": []}}
    main = next((p for p in config.pages if page_site(config.site, p).host == "github-pages"), None)
    others = [
        {
            "page": page.id,
            "folder": f"{out}/{page.out_folder}",
            "host": site.host,
            "environment": f"page-{page.id}",
            "url": site.url or (f"https://{site.cname}" if site.cname else ""),
        }
        for page in config.pages
        if page is not main
        for site in [page_site(config.site, page)]
    ]
    folder = f"{out}/{main.out_folder}" if main is not None else ""
    return {"main": folder, "extra": len(others), "deploy": {"include": others}}


def protection_problem(site: Mapping[str, Any]) -> tuple[str, str] | None:
    """(key, message) when the site values `site` (raw, unset keys at their defaults) would
    publish a `private` page where anyone can read it."""
    fields = Site.model_fields
    visibility = site.get("visibility", fields["visibility"].default)
    host = site.get("host", fields["host"].default)
    protection = site.get("protection", fields["protection"].default)
    if visibility != "private" or host not in PROTECTIONS:
        return None
    allowed = PROTECTIONS[host]
    if not allowed:
        return "host", f"a private page cannot be kept private on {host}; use " + (
            "cloudflare-pages, netlify or server with protection: (see docs/hosting.md)"
        )
    if protection not in allowed:
        return "protection", (
            f"a private page on {host} needs protection: {' or '.join(allowed)} "
            "(see docs/hosting.md)"
        )
    return None
