"""A `templates/` folder beside config.yaml overrides the package's templates file by file:
one block in `main.html` changes the page and nothing else, an overridden style or script
is inlined and allowed by its hash, a mistake is one located line; the docs list every
block, every variable a template receives and every view-model field."""

from __future__ import annotations

import ast
import base64
import dataclasses
import hashlib
import os
import re
from pathlib import Path

import httpx
import jinja2
import pytest
from click.testing import CliRunner

from commands.serve import site_preview
from configuration.errors import ConfigError
from configuration.loader import load_config
from generator import main
from rendering.pages import subscribe
from rendering.pages.writer import (
    TEMPLATES,
    assets,
    custom_dir,
    custom_templates,
    environment,
    render,
)
from rendering.views import budget, detail, index, year
from tests.conftest import NOW, SMALL_CONFIG

ROOT = Path(__file__).parent.parent
DOCS = (ROOT / "docs" / "templates.md").read_text()
FOOTER = (
    '{% extends "base.html" %}\n{% block footer %}\n<footer>Acme legal</footer>\n{% endblock %}\n'
)
FOOTER_RE = re.compile(r"<footer.*?</footer>", re.S)
POWERED_BY = 'href="https://github.com/vigil-status/vigil"'  # the package's footer, any language
INLINE = re.compile(r"<(style|script)>(.*?)</\1>", re.S)  # the inline style and scripts


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


def sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def policy(html: str) -> str:
    found = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert found
    return found.group(1)


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


def test_overridden_style_and_scripts_are_inlined_and_allowed_by_their_hashes(
    project: Path, overrides: Path
) -> None:
    (overrides / "style.css").write_text("body{color:#123456}\n")
    (overrides / "theme.js").write_text("document.documentElement.dataset.acme = '1';\n")
    (overrides / "site.js").write_text("console.log('acme');\n")
    assert build(project, "restyled") == (0, "")
    plain, restyled = files(project / "plain"), files(project / "restyled")
    pages = [name for name in plain if name.endswith(".html")]
    for name in pages:
        before, after = plain[name].decode(), restyled[name].decode()
        assert INLINE.findall(after) == [
            ("script", "document.documentElement.dataset.acme = '1';"),
            ("style", "body{color:#123456}"),
            ("script", "console.log('acme');"),
        ], name
        allowed = policy(after)
        for _, text in INLINE.findall(after):
            assert f"'{sha256(text)}'" in allowed, name
        for _, text in INLINE.findall(before):
            assert f"'{sha256(text)}'" not in allowed, name
        rest = [INLINE.sub("", html).replace(policy(html), "") for html in (before, after)]
        assert rest[0] == rest[1], name
    assert {n: d for n, d in plain.items() if n not in pages} == {
        n: d for n, d in restyled.items() if n not in pages
    }


def test_assets_and_environments_are_cached_per_folder(tmp_path: Path) -> None:
    (tmp_path / "style.css").write_text("body{color:red}")
    plain, custom = assets(), assets(tmp_path)
    assert custom.style == "body{color:red}" and plain.style != custom.style
    assert custom.csp != plain.csp and sha256(custom.style) in custom.csp
    assert assets() is plain and assets(tmp_path) is custom
    assert environment("en", tmp_path) is not environment("en")
    assert environment("en", tmp_path).get_template("style.css").render() == "body{color:red}"


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


def test_in_the_template_repository_the_default_folder_is_the_packages(project: Path) -> None:
    config = load_config(ROOT / "config.yaml")
    assert config.site.custom_dir == "templates"
    assert custom_dir(ROOT / "config.yaml", config) == TEMPLATES.resolve()
    assert custom_templates(ROOT / "config.yaml", config) is None
    assert build(project, "repository", config=ROOT / "config.yaml") == (0, "")
    assert files(project / "repository") == files(project / "plain")


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
        for module in (index, detail, year, subscribe, budget)
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


def _names(cell: str) -> set[str]:
    """The variables a cell of the docs' tables names (`limit`, not `IncidentView`)."""
    return set(re.findall(r"`([a-z_]+)`", cell))


def _table(heading: str, end: str) -> list[list[str]]:
    text = DOCS.split(heading)[1].split(end)[0]
    rows = [line.strip("|").split(" | ") for line in text.splitlines() if line.startswith("| ")]
    return rows[1:]  # below the header


def test_the_docs_name_every_variable_each_template_receives() -> None:
    """Compared with the code that renders the pages: `_Writer.write` passes every
    template the same variables, and each `out.write(path, template, …)` adds its own."""
    tree = ast.parse((ROOT / "rendering" / "pages" / "writer.py").read_text())
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    writer = next(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == "_Writer")
    common = {
        keyword.arg
        for node in ast.walk(writer)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "render"
        for keyword in node.keywords
        if keyword.arg
    }
    own: dict[str, set[str]] = {}
    for call in calls:
        if getattr(call.func, "attr", "") == "write" and len(call.args) == 2:
            template = call.args[1]
            if isinstance(template, ast.Constant) and isinstance(template.value, str):
                own.setdefault(template.value, set()).update(k.arg for k in call.keywords if k.arg)
    assert len(common) >= 9 and len(own) == 9
    documented = set().union(*(_names(row[0]) for row in _table("these variables:", "and, by")))
    assert documented == common
    by_template = _table("and, by template:", "###")
    assert {row[0].strip("` ") for row in by_template} == own.keys()
    for template, _, variables in by_template:
        assert _names(variables) == own[template.strip("` ")], template


def test_validate_reports_a_template_mistake_before_any_build(tmp_path: Path) -> None:
    """The pull request's check (vigil validate) catches what would fail the build job."""
    (tmp_path / "config.yaml").write_text(SMALL_CONFIG)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "main.html").write_text(
        '{% extends "base.html" %}\n{% block footer %}\n{{ page.site.title }\n{% endblock %}\n'
    )
    (tmp_path / "templates" / "extra.css").write_text(".a{color:red}\n")
    result = CliRunner().invoke(
        main,
        ["validate", "--config", str(tmp_path / "config.yaml"),
         "--incidents", str(tmp_path / "incidents")],
    )  # fmt: skip
    assert result.exit_code == 2
    line = result.stderr.splitlines()[0]
    assert re.match(r"\S*templates/main\.html:3:1: template error: unexpected '}'", line), line
    (tmp_path / "templates" / "main.html").write_text('{% extends "base.html" %}\n')
    again = CliRunner().invoke(
        main,
        ["validate", "--config", str(tmp_path / "config.yaml"),
         "--incidents", str(tmp_path / "incidents")],
    )  # fmt: skip
    assert again.exit_code == 0, again.output
