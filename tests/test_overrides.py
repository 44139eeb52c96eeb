"""A `templates/` folder beside config.yaml overrides the package's templates file by file:
one block in `main.html` changes the page and nothing else; the docs list every block and
every view-model field."""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

import httpx
import jinja2
import pytest
from click.testing import CliRunner

from configuration.errors import ConfigError
from generator import main, site_preview
from rendering import detail, view
from rendering.pages import TEMPLATES, environment, render
from tests.conftest import NOW, SMALL_CONFIG

ROOT = Path(__file__).parent.parent
DOCS = (ROOT / "docs" / "templates.md").read_text()
FOOTER = (
    '{% extends "base.html" %}\n{% block footer %}\n<footer>Acme legal</footer>\n{% endblock %}\n'
)
FOOTER_RE = re.compile(r"<footer.*?</footer>", re.S)
POWERED_BY = 'href="https://github.com/vigil-status/vigil"'  # the package's footer, any language


def build(project: Path, out: str, config: Path | None = None) -> tuple[int, str]:
    config = config or project / "config.yaml"
    result = CliRunner().invoke(
        main,
        ["build", "--now", NOW.isoformat(), "--config", str(config),
         "--data", str(project / "data"), "--incidents", str(project / "incidents"),
         "--out", str(project / out)],
        catch_exceptions=False,
    )  # fmt: skip
    return result.exit_code, result.stderr


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo page (its config and 90 days of history), built once without overrides."""
    folder = tmp_path_factory.mktemp("overrides")
    (folder / "config.yaml").write_text((ROOT / "config.yaml").read_text())
    demo = ["demo", "--now", NOW.isoformat(), "--config", str(folder / "config.yaml"),
            "--data", str(folder / "data"), "--incidents", str(folder / "incidents")]  # fmt: skip
    assert CliRunner().invoke(main, demo).exit_code == 0
    assert build(folder, "plain") == (0, "")
    return folder


def without_footer(html: str) -> str:
    assert len(FOOTER_RE.findall(html)) == 1
    return FOOTER_RE.sub("", html)


def files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


@pytest.fixture
def overrides(project: Path) -> Path:
    folder = project / "templates"
    folder.mkdir(exist_ok=True)
    yield folder
    for file in folder.iterdir():
        file.unlink()
    folder.rmdir()


def test_one_overridden_block_changes_only_that_block(project: Path, overrides: Path) -> None:
    (overrides / "main.html").write_text(FOOTER)
    assert build(project, "custom")[0] == 0
    plain, custom = files(project / "plain"), files(project / "custom")
    assert plain.keys() == custom.keys()
    pages = [name for name in plain if name.endswith(".html")]
    assert len(pages) > 15
    for name, data in plain.items():
        if not name.endswith(".html"):
            assert custom[name] == data, name
            continue
        before, after = data.decode(), custom[name].decode()
        if name.startswith("embed/"):  # the embed page has no footer: it stays as it was
            assert after == before
            continue
        assert POWERED_BY in before and "Acme legal" not in before, name
        assert "<footer>Acme legal</footer>" in after and POWERED_BY not in after, name
        assert without_footer(after) == without_footer(before), name


def test_extra_css_is_added_to_the_style_and_its_hash(project: Path, overrides: Path) -> None:
    (overrides / "extra.css").write_text(".masthead{background:#123456}")
    assert build(project, "styled")[0] == 0
    page = (project / "styled" / "index.html").read_text()
    plain = (project / "plain" / "index.html").read_text()
    assert ".masthead{background:#123456}</style>" in page
    csp = re.compile(r"style-src '(sha256-[^']+)'")
    assert csp.search(page) and csp.search(plain)
    assert csp.search(page).group(1) != csp.search(plain).group(1)  # type: ignore[union-attr]


def test_a_template_mistake_is_located_and_nothing_is_written(
    project: Path, overrides: Path
) -> None:
    mistakes = {
        '{% extends "base.html" %}\n\n{% block footer %}\n': (
            "3:1: template error: Unexpected end of template"
        ),
        '{% extends "base.html" %}\n{% block footer %}\n{{ page.no_such.x }}{% endblock %}\n': (
            "3:1: template error: .*no_such"
        ),
        '{% extends "base.html" %}\n{% block footer %}\n\n{{ 1 / 0 }}{% endblock %}\n': (
            "4:1: template error: ZeroDivisionError: division by zero"
        ),
        '{% extends "base.html" %}\n{% block footer %}{{ "%d" | format("x") }}{% endblock %}': (
            "2:1: template error: TypeError: %d format"
        ),
        '{% extends "base.html" %}\n{% block footer %}\n\udcff{% endblock %}\n': (
            "3:1: not UTF-8 text: byte 0xff; save the file as UTF-8"
        ),
    }
    for text, message in mistakes.items():
        (overrides / "main.html").write_bytes(text.encode("utf-8", "surrogateescape"))
        code, err = build(project, "broken")
        assert code == 2, text
        lines = err.splitlines()
        assert re.fullmatch(rf"\S*templates/main\.html:{message}.*", lines[0]), err
        assert lines[1:] == ["1 problem found; nothing was written."], err
        assert not (project / "broken").exists()


def test_an_error_in_python_code_a_template_calls_stays_an_error_of_vigils(
    tmp_path: Path,
) -> None:
    def broken() -> str:
        return str(1 / 0)

    (tmp_path / "probe.html").write_text("line one\n{{ broken() }}\n")
    env = environment("en", tmp_path)
    with pytest.raises(ZeroDivisionError):
        render(env, "probe.html", broken=broken)
    (tmp_path / "sum.html").write_text("line one\n{{ 1 / 0 }}\n")  # in the template itself
    with pytest.raises(ConfigError, match=r"sum\.html:2:1: template error: ZeroDivision"):
        render(env, "sum.html")


def test_without_the_folder_nothing_changes(project: Path) -> None:
    assert not (project / "templates").exists()
    assert build(project, "again")[0] == 0
    assert files(project / "again") == files(project / "plain")


def test_serve_rebuilds_when_a_file_of_the_custom_dir_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(SMALL_CONFIG.replace("  timezone: UTC\n", "  custom_dir: theme\n"))
    theme, out = tmp_path / "theme", tmp_path / "site"
    preview = site_preview(config, tmp_path / "incidents", tmp_path / "data", out, lambda: NOW)
    server = preview.start(port=0)
    try:
        url = f"http://127.0.0.1:{server.server_port}/"
        assert POWERED_BY in httpx.get(url).text
        assert preview.poll() is False
        theme.mkdir()
        (theme / "main.html").write_text(FOOTER)
        assert preview.poll() is True
        assert "<footer>Acme legal</footer>" in httpx.get(url).text
        (theme / "main.html").write_text('{% extends "base.html" %}{% block footer %}')
        os.utime(theme / "main.html", ns=(1, 1))  # a different mtime even within one tick
        assert preview.poll() is True
        assert "<footer>Acme legal</footer>" in httpx.get(url).text  # the last good site
        assert re.search(
            r"Not rebuilt:\n\S*theme/main\.html:1:1: template", capsys.readouterr().err
        )
        (theme / "main.html").unlink()
        assert preview.poll() is True
        assert POWERED_BY in httpx.get(url).text
    finally:
        preview.stop()


def test_every_page_template_extends_main_html() -> None:
    pages = [
        p
        for p in TEMPLATES.glob("*.html")
        if p.name not in ("base.html", "main.html", "macros.html")
    ]
    assert len(pages) >= 7
    for page in pages:
        first = page.read_text().splitlines()[0]
        assert first == '{% extends "main.html" %}', page.name


def test_the_docs_list_every_block_of_base_html() -> None:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), extensions=["jinja2.ext.i18n"]
    )
    blocks = set(env.get_template("base.html").blocks)
    table = DOCS.split("<!-- blocks:start")[1].split("<!-- blocks:end")[0]
    documented = set(re.findall(r"^\| `(\w+)` \|", table, re.M))
    assert documented == blocks


def test_the_docs_name_every_field_of_every_view_model() -> None:
    text = DOCS.split("<!-- fields:start")[1].split("<!-- fields:end")[0]
    models = [
        cls
        for module in (view, detail)
        for cls in vars(module).values()
        if dataclasses.is_dataclass(cls) and cls.__module__ == module.__name__
    ]
    assert len(models) >= 10
    for model in models:  # defined as "`Name`: …" or, inside another, "`Name`s: …"
        name = model.__name__
        found = re.search(rf"^`{name}`: (.*?)(\n\n|\Z)", text, re.S | re.M) or re.search(
            rf"`{name}`s:\s*([^)]*)\)", text
        )
        assert found, name
        for field in dataclasses.fields(model):
            assert f"`{field.name}`" in found.group(1), (name, field.name)
