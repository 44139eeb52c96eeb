"""`vigil init [DIR]`: a new status repository holding only what a person owns.

It writes `config.yaml` (commented, one example per check type), `incidents/`, the managed
workflows and `config.schema.json`, `requirements.txt` pinning the installed Vigil, a
`dependabot.yml` that keeps that pin and the actions current, `.gitignore` and a short
README. It never overwrites a file: when any exists, it lists them, writes nothing and exits
2, unless `--force`.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import click

from commands.managed import installed_version, managed_changes, scaffold
from configuration.errors import InvalidInput
from configuration.loader import load_config_text

DEFAULT_REGION = "github"
KEEP = ".gitkeep"  # keeps the empty incidents/ folder in git
PLACEHOLDER = re.compile(r"\{\{ (\w+) \}\}")


@dataclass(frozen=True)
class NewPage:
    """What the person told `vigil init` about their page."""

    title: str
    url: str | None
    cname: str | None
    regions: tuple[str, ...]
    monitor_url: str


def repository_files(page: NewPage, version: str, root: Path) -> dict[str, str]:
    """Every file of the new repository at `root`, by path relative to it."""
    files = {
        "config.yaml": _fill("config.yaml", page),
        "README.md": _fill("README.md", page),
        ".gitignore": scaffold("gitignore").read_text(encoding="utf-8"),
        ".github/dependabot.yml": scaffold("dependabot.yml").read_text(encoding="utf-8"),
        f"incidents/{KEEP}": "",
    }
    for change in managed_changes(root, version):
        files[change.path] = change.after
    return files


def _fill(name: str, page: NewPage) -> str:
    """A scaffold file with each `{{ name }}` replaced by its value."""
    values = dict(
        title=_yaml_text(page.title),
        title_plain=page.title,
        url=_yaml_text(page.url) if page.url else "null  # e.g. https://status.example.com",
        url_line=f"<{page.url}>." if page.url else "its address is set as `site.url`.",
        cname=_yaml_text(page.cname) if page.cname else "null  # e.g. status.example.com",
        regions="\n".join(_region(region) for region in page.regions),
        monitor_url=_yaml_text(page.monitor_url),
    )
    text = scaffold(name).read_text(encoding="utf-8")
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def _yaml_text(value: str) -> str:
    """A YAML scalar that reads back as exactly `value` (a JSON string is one)."""
    return json.dumps(value, ensure_ascii=False)


def _region(region: str) -> str:
    return f"  - id: {region}\n    name: {_yaml_text(region)}\n    runs_on: [ubuntu-latest]"


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default=None, help='Page title (asked for on a terminal; "Status").')
@click.option(
    "--url", default=None, help="Public URL of the page, e.g. https://status.example.com."
)
@click.option(
    "--domain", default=None, help="Custom domain for site/CNAME, e.g. status.example.com."
)
@click.option(
    "--region",
    "regions",
    multiple=True,
    help=f"A region id, repeated for several (default: {DEFAULT_REGION}, one hosted runner).",
)
@click.option(
    "--monitor-url",
    default="https://example.com/",
    show_default=True,
    help="The URL of the first monitor.",
)
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
def init(
    directory: Path,
    title: str | None,
    url: str | None,
    domain: str | None,
    regions: tuple[str, ...],
    monitor_url: str,
    force: bool,
) -> None:
    """Start a new status repository in DIRECTORY (default: here)."""
    page = _ask(title, url, domain, regions, monitor_url, interactive=sys.stdin.isatty())
    files = repository_files(page, installed_version(), directory)
    load_config_text(files["config.yaml"], str(directory / "config.yaml"), {})  # or raises
    existing = sorted(path for path in files if (directory / path).exists())
    if existing and not force:
        raise InvalidInput(
            f"vigil init: {directory}/ already has {', '.join(existing)}\n"
            "Nothing was written; --force overwrites them."
        )
    for path, text in files.items():
        target = directory / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {len(files)} files to {directory}/:")
    for path in sorted(files):
        click.echo(f"  {path}")
    click.echo(_NEXT.format(directory=directory))
    if page.url and urlsplit(page.url).path.strip("/"):
        click.echo(_SUBPATH.format(url=page.url))


_NEXT = """Next:
  cd {directory} && vigil validate
  git init -b main && git add . && git commit -m "A new status page"
  push to GitHub, then Settings > Pages > Source: GitHub Actions (see README.md)"""


_SUBPATH = """Hint: {url} is under a sub-path. Widgets and tools written for Statuspage ask
for /api/v2/summary.json at the host's root, so they cannot read this page's API there; a
custom domain (--domain, see docs/quick-start.md) serves the page at its root."""


def _ask(
    title: str | None,
    url: str | None,
    domain: str | None,
    regions: Sequence[str],
    monitor_url: str,
    *,
    interactive: bool,
) -> NewPage:
    """The options given; on a terminal, what is missing is asked for."""
    if interactive:
        title = title or click.prompt("Page title", default="Status")
        url = url or click.prompt("Public URL (empty: none yet)", default="", show_default=False)
        domain = domain or click.prompt(
            "Custom domain (empty: none)", default="", show_default=False
        )
        if not regions:
            answer = click.prompt("Regions, comma separated", default=DEFAULT_REGION)
            regions = [part.strip() for part in answer.split(",") if part.strip()]
    return NewPage(
        title=title or "Status",
        url=url or None,
        cname=domain or None,
        regions=tuple(regions) or (DEFAULT_REGION,),
        monitor_url=monitor_url,
    )
