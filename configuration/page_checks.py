"""What no single field of `pages:` can know, checked on the raw data with locations: unique
ids, folders and domains; monitors, groups and tags that exist; a private page only where it
can be kept private (`configuration.pages.protection_problem`). A page's `announcements` may
name announcement files, read after the config: an unknown id there selects nothing."""

from __future__ import annotations

from typing import Any

from configuration.errors import Problem
from configuration.models import Site
from configuration.pages import protection_problem
from configuration.references import ids, items, unknown_refs
from configuration.source import Path, Source


def page_problems(
    data: dict[str, Any],
    source: Source,
    monitor_ids: set[str],
    group_ids: set[str],
) -> list[Problem]:
    problems: list[Problem] = []
    ids(data, "pages", source, problems)
    site = data.get("site")
    site = site if isinstance(site, dict) else {}
    problems += _protection(site, {}, ("site",), source)
    tags = {t for m in items(data, "monitors") if isinstance(m, dict) for t in _strings(m, "tags")}
    refs = (("monitors", monitor_ids, "monitor"), ("groups", group_ids, "group"))
    for index, page in enumerate(items(data, "pages")):
        if not isinstance(page, dict):
            continue
        path: Path = ("pages", index)
        for key, known, what in refs:
            problems += unknown_refs(page.get(key), (*path, key), known, what, source)
        problems += [
            source.problem((*path, "tags", i), f'no monitor has the tag "{tag}"')
            for i, tag in enumerate(_strings(page, "tags"))
            if tag not in tags
        ]
        problems += _protection(page, site, path, source)
    problems += _shared(data, "folder", lambda page: page.get("folder") or page.get("id"), source)
    problems += _shared(data, "cname", lambda page: page.get("cname"), source)
    problems += _shared(data, "host", lambda page: _host(site, page), source, ONE_PAGES_SITE)
    return problems


ONE_PAGES_SITE = "; a repository has one GitHub Pages site: set host: for this page"


def _host(site: dict[str, Any], page: dict[str, Any]) -> str | None:
    """ "github-pages" for a page deployed there (only one can be), else None."""
    host = page.get("host", site.get("host", Site.model_fields["host"].default))
    return host if host == "github-pages" else None


def _strings(item: dict[str, Any], key: str) -> list[str]:
    return [value for value in items(item, key) if isinstance(value, str)]


def _protection(
    own: dict[str, Any], inherited: dict[str, Any], path: Path, source: Source
) -> list[Problem]:
    """At the key the page (or `site:`) sets, else at the page."""
    found = protection_problem({**inherited, **own})
    if found is None:
        return []
    key, message = found
    return [source.problem((*path, key) if key in own else path, message)]


def _shared(
    data: dict[str, Any], key: str, value_of: Any, source: Source, hint: str = ""
) -> list[Problem]:
    """Two pages written to the same folder, served on the same domain or GitHub Pages."""
    problems = []
    seen: dict[str, int] = {}
    for index, page in enumerate(items(data, "pages")):
        value = value_of(page) if isinstance(page, dict) else None
        if not isinstance(value, str):
            continue
        if value in seen:
            message = f'pages[{seen[value]}] already uses {key} "{value}"{hint}'
            where = (key,) if key in page else ("id",)
            problems.append(source.problem(("pages", index, *where), message))
        seen.setdefault(value, index)
    return problems
