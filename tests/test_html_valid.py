"""Every built page is valid HTML to the Nu Html Checker (npm's vnu-jar, run with Java;
.ci/run installs both and sets VNU_JAR): every kind of page, in every language."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from generator import main
from rendering.text.i18n import LANGUAGES
from tests.conftest import NOW

ROOT = Path(__file__).parent.parent
VNU_JAR = Path(
    os.environ.get("VNU_JAR", ROOT / ".ci" / "vnu" / "node_modules/vnu-jar/build/dist/vnu.jar")
)


def test_every_page_of_the_demo_site_has_no_html_error(tmp_path: Path) -> None:
    assert VNU_JAR.is_file(), f"{VNU_JAR} is missing: bash .ci/run installs npm's vnu-jar"
    java = shutil.which("java")
    assert java, "java is missing: apt-get install default-jre-headless (bash .ci/run does)"
    others = [code for code in LANGUAGES if code != "en"]
    config = (
        (ROOT / "config.yaml")
        .read_text()
        .replace("  language: en\n", f"  language: en\n  languages: [{', '.join(others)}]\n")
    )
    (tmp_path / "config.yaml").write_text(config)
    common = ["--now", NOW.isoformat(), "--config", str(tmp_path / "config.yaml"),
              "--data", str(tmp_path / "data"),
              "--incidents", str(tmp_path / "incidents")]  # fmt: skip
    for command in (["demo", *common], ["build", *common, "--out", str(tmp_path / "site")]):
        result = CliRunner().invoke(main, command, catch_exceptions=False)
        assert result.exit_code == 0, result.output
    site = tmp_path / "site"
    pages = sorted(str(p) for p in site.rglob("*.html"))
    assert (site / "404.html").is_file()
    kinds = ("index.html", "embed/index.html", "maintenance/index.html", "incidents/index.html",
             "incidents/*/index.html", "monitors/*/index.html", "subscribe/index.html",
             "reports/index.html")  # fmt: skip
    for folder in [site, *(site / code for code in others)]:
        missing = [kind for kind in kinds if not any(folder.glob(kind))]
        assert missing == [], folder  # every kind of page, in every language
    messages = nu_errors(java, pages)
    assert messages == [], "\n".join(
        f"{m.get('url', '')}:{m.get('lastLine')}: {m['message']}" for m in messages[:20]
    )


def nu_errors(java: str, pages: list[str]) -> list[dict[str, Any]]:
    """The Nu Html Checker's errors in the HTML files `pages`."""
    checked = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *pages],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert checked.stderr.startswith("{"), checked.stderr[-2000:]  # the checker itself failed
    messages: list[dict[str, Any]] = json.loads(checked.stderr)["messages"]
    return messages
