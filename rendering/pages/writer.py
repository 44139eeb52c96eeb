"""The HTML pages of the site, in every configured language: the writer `write_pages`
(which also writes the files beside them: status.txt, status-live.json, the reports).

The page in `site.language` is at the root; each of `site.languages` is under `/<code>/`.
CSS and the small script are inlined and allowed by their hashes in a strict
Content-Security-Policy, so nothing but the page itself is ever loaded.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib.resources
import json
import multiprocessing
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2.loaders import split_template_path

from configuration.errors import ConfigError, Problem
from configuration.models import Config
from configuration.source import read_source
from rendering.feeds.calendar import webcal_link
from rendering.pages.live import live_status, status_text
from rendering.pages.reports import MonthReport, build_reports, reports_page, write_reports
from rendering.pages.subscribe import subscribe_page
from rendering.text.display import level_colours
from rendering.text.i18n import NATIVE_NAMES, Locale, translations
from rendering.views.context import BuildContext
from rendering.views.detail import by_month, incident_page, monitor_page
from rendering.views.entries import Entry
from rendering.views.index import HEADLINES, STATE_TEXT, PageView, incident_view

# The package's templates: `rendering/templates` links to the repository's `templates/`, and
# the wheel carries them as package data.
TEMPLATES = Path(str(importlib.resources.files("rendering") / "templates"))
FIRST_MONITORS = 50  # the rest of a longer page is loaded as the visitor scrolls
INCIDENTS_PER_PAGE = 20
_JINJA = Path(jinja2.__file__).parent  # Jinja's own code, on a template's traceback


def custom_dir(config_path: Path, config: Config) -> Path:
    """The folder `site.custom_dir` names, beside the config; it need not exist."""
    return (config_path.parent / config.site.custom_dir).resolve()


def custom_templates(config_path: Path, config: Config) -> Path | None:
    """The folder of the person's templates (`custom_dir`), when it exists and is not the
    package's own (as in the template repository)."""
    folder = custom_dir(config_path, config)
    if not folder.is_dir() or folder == TEMPLATES.resolve():
        return None
    return folder


class _Loader(jinja2.FileSystemLoader):
    """Jinja's loader over the folders in order (the person's, then the package's); a file
    that cannot be read or is not UTF-8 is a located ConfigError (`read_source`)."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        try:
            return super().get_source(environment, template)
        except (UnicodeDecodeError, OSError):
            for folder in self.searchpath:
                file = Path(folder, *split_template_path(template))
                if file.is_file():
                    read_source(_shown(str(file)))  # raises the located problem
            raise


@functools.cache
def environment(code: str, templates: Path | None = None) -> jinja2.Environment:
    """Templates in the language `code`; a file in `templates` replaces the package's."""
    env = jinja2.Environment(
        loader=_Loader([*([templates] if templates else []), TEMPLATES]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    catalog = translations(code)
    env.install_gettext_callables(catalog.gettext, catalog.ngettext, newstyle=True)  # type: ignore[attr-defined]
    return env


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


@dataclass(frozen=True)
class Assets:
    """The inline style and scripts of every page, and the policy that allows exactly them."""

    style: str
    head_script: str
    script: str

    @property
    def csp(self) -> str:
        return (
            "default-src 'none'; "
            f"style-src '{_sha256(self.style)}'; "
            f"script-src '{_sha256(self.head_script)}' '{_sha256(self.script)}'; "
            "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'"
        )


@functools.cache
def assets(templates: Path | None = None) -> Assets:
    env = environment("en", templates)
    style = render(env, "style.css", levels=level_colours())
    head, script = (_source(env, name).strip() for name in ("theme.js", "site.js"))
    return Assets(style, head, script)


def check_templates(templates: Path) -> list[Problem]:
    """The syntax mistakes of every template in the person's folder, without building:
    what `vigil validate` (the pull request's check) reports."""
    env = environment("en", templates)
    problems = []
    for file in sorted(templates.rglob("*")):
        if file.suffix not in (".html", ".css", ".js") or not file.is_file():
            continue
        try:
            env.get_template(file.relative_to(templates).as_posix())
        except ConfigError as error:  # not UTF-8 or unreadable (the loader says where)
            problems += error.problems
        except jinja2.TemplateSyntaxError as error:
            message = error.message or str(error)
            problems += _template_error(str(file), error.lineno, message).problems
    return problems


def forget_templates() -> None:
    """Drop the cached environments and inline assets (`vigil serve`, after an edit)."""
    environment.cache_clear()
    assets.cache_clear()


def render(env: jinja2.Environment, template: str, **values: Any) -> str:
    """The rendered template. A mistake in a template (most likely the person's override)
    is a ConfigError located at the template's file and line, never a traceback; an error
    raised in Vigil's own Python code stays an error of Vigil's."""
    try:
        return env.get_template(template).render(**values)
    except jinja2.TemplateSyntaxError as error:
        where = error.filename or error.name or template
        raise _template_error(where, error.lineno, error.message or str(error)) from None
    except jinja2.TemplateError as error:
        where, line = _template_frame(error, innermost=False) or (template, 1)
        raise _template_error(where, line, str(error)) from None
    except Exception as error:  # `{{ 1 / 0 }}`, `{{ "%d" | format("x") }}` in a template
        found = _template_frame(error, innermost=True)
        if found is None:
            raise
        raise _template_error(*found, f"{type(error).__name__}: {error}") from None


def _template_frame(error: Exception, *, innermost: bool) -> tuple[str, int] | None:
    """The file and line of the last template on `error`'s traceback; with `innermost`,
    only if the error was raised there (or in Jinja's own code it called), not in Python
    code of Vigil's that the template called."""
    frames = [
        f
        for f in traceback.extract_tb(error.__traceback__)
        if not Path(f.filename).is_relative_to(_JINJA)
    ]
    if innermost:
        frames = frames[-1:]
    ours = [f for f in frames if _is_template(f.filename)]
    return (ours[-1].filename, ours[-1].lineno or 1) if ours else None


def _is_template(file: str) -> bool:
    return Path(file).suffix in (".html", ".css", ".js") and Path(file).is_file()


def _template_error(file: str, line: int, message: str) -> ConfigError:
    return ConfigError([Problem(_shown(file), line, 1, "", f"template error: {message}")])


def _shown(file: str) -> str:
    """A template's file as messages name it: relative to the working folder."""
    return os.path.relpath(file) if Path(file).is_absolute() else file


def _source(env: jinja2.Environment, name: str) -> str:
    assert env.loader is not None
    return env.loader.get_source(env, name)[0]


# robots.txt of a listed page and of an unlisted or private one.
ROBOTS = {True: "User-agent: *\nAllow: /\n", False: "User-agent: *\nDisallow: /\n"}


def write_pages(folder: Path, context: BuildContext) -> None:
    site = context.config.site
    codes = [site.language, *[c for c in site.languages if c != site.language]]
    reports = build_reports(context)
    for code in codes:
        home = folder if code == site.language else folder / code
        _write_language(home, code, codes, context, reports)
    write_reports(folder, context, reports)
    (folder / "robots.txt").write_text(ROBOTS[site.listed], "utf-8")
    if site.cname:
        (folder / "CNAME").write_text(site.cname + "\n", "utf-8")
    (folder / "status.txt").write_text(status_text(context.page), "utf-8")
    live = live_status(context.page, context.timelines)
    (folder / "status-live.json").write_text(json.dumps(live, ensure_ascii=False), "utf-8")


class _Writer:
    """Renders the pages of one language into its folder."""

    def __init__(
        self, home: Path, code: str, codes: Sequence[str], page: PageView, templates: Path | None
    ) -> None:
        self.home, self.code, self.codes, self.page = home, code, codes, page
        self.env, self.assets = environment(code, templates), assets(templates)
        self.main = codes[0]

    def write(self, path: str, template: str, **values: Any) -> None:
        """Render `template` to `<home>/<path>index.html` (`path` "" or ending in "/")."""
        depth = path.count("/")
        root = "../" * depth
        site_root = (root + ("../" if self.code != self.main else "")) or "./"
        root = root or "./"
        if path == "404.html":  # served for any missing address: links from the site root
            root = site_root = "/"
        languages = [
            (
                code,
                NATIVE_NAMES[code],
                site_root + ("" if code == self.main else f"{code}/") + path,
            )
            for code in self.codes
        ]
        locale = self.page.locale
        html = render(
            self.env,
            template,
            page=self.page,
            t=locale,
            root=root,
            site_root=site_root,
            path=path,
            languages=languages if len(self.codes) > 1 else [],
            assets=self.assets,
            levels=level_colours(),
            js_text=_js_text(locale),
            **values,
        )
        target = self.home / path / ("index.html" if not path.endswith(".html") else "")
        if path.endswith(".html"):
            target = self.home / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, "utf-8")


def _js_text(locale: Locale) -> str:
    """The words the script needs, as a JSON island (data, never executed)."""
    words = {
        "states": {k: locale.gettext(v) for k, v in STATE_TEXT.items()},
        "headlines": {k: locale.gettext(v) for k, v in HEADLINES.items()},
        "lang": locale.tag,
    }
    return json.dumps(words, ensure_ascii=False).replace("</", "<\\/")


def _write_language(
    home: Path,
    code: str,
    codes: Sequence[str],
    context: BuildContext,
    reports: Sequence[MonthReport],
) -> None:
    config = context.config
    locale = Locale(code, config.site.timezone)
    entries, page = context.in_language(locale)
    out = _Writer(home, code, codes, page, context.templates)
    total = sum(len(g.monitors) for g in page.groups)
    out.write("", "index.html", limit=FIRST_MONITORS, more=total > FIRST_MONITORS)
    if total > FIRST_MONITORS:
        out.write("all.html", "index.html", limit=total, more=False)
    out.write("embed/", "embed.html")
    _write_monitor_pages(_MonitorPages(out, context, entries, locale))
    _write_incidents(out, context, entries, locale)
    out.write("subscribe/", "subscribe.html", detail=subscribe_page(config))
    out.write("reports/", "reports.html", months=reports_page(reports, locale))
    if code == codes[0]:
        out.write("404.html", "404.html")


@dataclass(frozen=True)
class _MonitorPages:
    """The monitor pages of one language: what each needs, and which share of them one
    process renders."""

    out: _Writer
    context: BuildContext
    entries: Sequence[Entry]
    locale: Locale

    def write(self, share: int = 0, shares: int = 1) -> None:
        """Render every `shares`-th monitor page from the `share`-th on."""
        views = {m.id: m for g in self.out.page.groups for m in g.monitors}
        shown = [monitor for monitor in self.context.config.monitors if monitor.id in views]
        bodies = _bodies(self.context)
        for monitor in shown[share::shares]:
            detail = monitor_page(
                self.context.config,
                monitor,
                views[monitor.id],
                self.context.timelines[monitor.id],
                self.entries,
                self.context.now,
                self.locale,
                bodies,
            )
            self.out.write(f"monitors/{monitor.id}/", "monitor.html", detail=detail)


def _cores() -> int:
    """The cores this process may use; 1 where forking is not the safe way to start a
    worker (macOS, Windows)."""
    if sys.platform != "linux":
        return 1
    return len(os.sched_getaffinity(0))


# Processes rendering monitor pages (`_write_monitor_pages`): one per core, at most 4.
WORKERS = min(_cores(), 4)
# From this many monitors on, their pages are rendered by one worker process per core
# (forked: the build's data is shared, not copied through pipes); the pages are the same.
PARALLEL_MONITORS = 300
_FORKED: list[_MonitorPages] = []  # what a forked worker renders


def _write_monitor_pages(pages: _MonitorPages) -> None:
    workers = WORKERS
    if len(pages.context.config.monitors) < PARALLEL_MONITORS or workers < 2:
        pages.write()
        return
    _FORKED[:] = [pages]
    try:
        forked = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=forked) as pool:
            done = [pool.submit(_write_share, share, workers) for share in range(workers)]
            for problems in (future.result() for future in done):
                if problems is not None:
                    raise ConfigError(problems)
    finally:
        _FORKED.clear()


def _write_share(share: int, shares: int) -> list[Problem] | None:
    """In a worker: render its share of the pages; a template's mistakes are returned, as
    the exception itself does not cross the process boundary."""
    try:
        _FORKED[0].write(share, shares)
    except ConfigError as error:
        return list(error.problems)
    return None


def _bodies(context: BuildContext) -> dict[str, str]:
    return {incident.id: incident.body for incident in context.incidents}


def _write_incidents(
    out: _Writer, context: BuildContext, entries: Sequence[Entry], locale: Locale
) -> None:
    """The history (written incidents and detected outages), one page per entry, and the
    maintenance list, all from the build's entries in the page's language."""
    config, now, bodies = context.config, context.now, _bodies(context)
    incidents = [e for e in entries if e.kind != "maintenance"]
    maintenance = [e for e in entries if e.kind == "maintenance"]
    pages = [
        incidents[i : i + INCIDENTS_PER_PAGE] for i in range(0, len(incidents), INCIDENTS_PER_PAGE)
    ] or [[]]
    for number, chunk in enumerate(pages, start=1):
        path = "incidents/" if number == 1 else f"incidents/page/{number}/"
        views = [incident_view(e, locale, bodies.get(e.id, "")) for e in chunk]
        out.write(
            path,
            "incidents.html",
            months=by_month(views, chunk, locale),
            number=number,
            pages=len(pages),
        )
    for entry in entries:
        out.write(
            f"incidents/{entry.id}/",
            "incident.html",
            detail=incident_page(config, entry, now, locale, bodies.get(entry.id, "")),
        )
    listed = [(incident_view(e, locale, bodies.get(e.id, "")), e.status) for e in maintenance]
    out.write(
        "maintenance/",
        "maintenance.html",
        upcoming=[v for v, s in listed if s == "scheduled"][::-1],
        in_progress=[v for v, s in listed if s == "in_progress"],
        past=[v for v, s in listed if s == "completed"],
        calendar=webcal_link(config.site.url),
    )
