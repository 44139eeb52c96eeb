"""Hosting files that Netlify and Cloudflare Pages read from the site root (GitHub Pages
ignores them; see docs/api.md):

- `_headers`: `Access-Control-Allow-Origin: *` on the API, feeds, badges, calendars, reports,
  `status-live.json` and `widget.js`, so other sites' scripts (the widget) can read them;
  a short cache (60 s) on them, so a status change shows within a minute; the content
  types of feeds, calendars and the widget, which hosts do not all know; the Prometheus
  text format's content type on `/metrics` (`rendering.api.metrics`), which Prometheus 3
  insists on.
- `_redirects`: `/api/v1/status` (without `.json`) serves `/api/v1/status.json`, for every
  file under `api/`, as 200 rewrites (the address stays, no redirect round trip).

Rules never overlap in the headers they set: both hosts join the values of a header set by
several matching rules into one comma-separated list.
"""

from __future__ import annotations

from pathlib import Path

from rendering.api.metrics import CONTENT_TYPE, METRICS_FILE
from rendering.views.context import BuildContext

CACHE_SECONDS = 60
SHARED = {
    "Access-Control-Allow-Origin": "*",
    "Cache-Control": f"public, max-age={CACHE_SECONDS}",
}
FEED_TYPES = {
    "feed.rss": "application/rss+xml; charset=utf-8",
    "feed.atom": "application/atom+xml; charset=utf-8",
    "feed.json": "application/feed+json; charset=utf-8",
    "maintenance.ics": "text/calendar; charset=utf-8",
}


def header_rules(listed: bool = True) -> list[tuple[str, dict[str, str]]]:
    """(path pattern, headers) in file order; `*` matches anything, `:name` one segment.
    A page that is not `listed` (`Site.listed`) adds `X-Robots-Tag: noindex` everywhere."""
    rules = [("/api/*", SHARED), ("/badges/*", SHARED), ("/status-live.json", SHARED)]
    rules.append(("/reports/*", SHARED))  # the monthly reports (`rendering.pages.reports`)
    rules.append(("/widget.js", {**SHARED, "Content-Type": "text/javascript; charset=utf-8"}))
    rules.append((f"/{METRICS_FILE}", {**SHARED, "Content-Type": CONTENT_TYPE}))
    for folder in ("/", "/monitors/:monitor/"):
        rules += [
            (folder + name, {**SHARED, "Content-Type": kind}) for name, kind in FEED_TYPES.items()
        ]
    if not listed:
        rules.append(("/*", {"X-Robots-Tag": "noindex"}))
    return rules


HEADERS_TITLE = "# Response headers for Netlify and Cloudflare Pages, written by vigil build."


def built_site(path: Path) -> Path | None:
    """The folder of a site `vigil build` wrote that holds `path` (the nearest one with a
    `_headers` starting with our title), else None: what keeps private files off the page."""
    for folder in path.resolve().parents:
        try:
            with (folder / "_headers").open(encoding="utf-8") as file:
                if file.readline().rstrip("\n") == HEADERS_TITLE:
                    return folder
        except (OSError, UnicodeDecodeError):
            continue
    return None


def write_hosting(folder: Path, context: BuildContext) -> list[Path]:
    """Write `_headers` and `_redirects`; runs after the API files are written."""
    headers = [HEADERS_TITLE]
    for pattern, values in header_rules(context.config.site.listed):
        headers += [pattern, *(f"  {name}: {value}" for name, value in values.items())]
    redirects = ["# Extension-less API paths for Netlify and Cloudflare Pages (200: rewrite)."]
    for path in sorted((folder / "api").rglob("*.json")):
        target = "/" + path.relative_to(folder).as_posix()
        redirects.append(f"{target.removesuffix('.json')} {target} 200")
    written = []
    for name, lines in (("_headers", headers), ("_redirects", redirects)):
        (folder / name).write_text("\n".join(lines) + "\n", "utf-8")
        written.append(folder / name)
    return written
