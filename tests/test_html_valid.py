"""Every built page is valid HTML to the Nu Html Checker (npm's vnu-jar, run with Java;
.ci/run installs both and sets VNU_JAR)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from click.testing import CliRunner

from generator import main
from tests.conftest import NOW

ROOT = Path(__file__).parent.parent
VNU_JAR = Path(
    os.environ.get("VNU_JAR", ROOT / ".ci" / "vnu" / "node_modules/vnu-jar/build/dist/vnu.jar")
)


def test_every_page_of_the_demo_site_has_no_html_error(tmp_path: Path) -> None:
    assert VNU_JAR.is_file(), f"{VNU_JAR} is missing: bash .ci/run installs npm's vnu-jar"
    java = shutil.which("java")
    assert java, "java is missing: apt-get install default-jre-headless (bash .ci/run does)"
    config = (
        (ROOT / "config.yaml")
        .read_text()
        .replace("  language: en\n", "  language: en\n  languages: [de]\n")
    )
    (tmp_path / "config.yaml").write_text(config)
    common = ["--now", NOW.isoformat(), "--config", str(tmp_path / "config.yaml"),
              "--data", str(tmp_path / "data"),
              "--incidents", str(tmp_path / "incidents")]  # fmt: skip
    for command in (["demo", *common], ["build", *common, "--out", str(tmp_path / "site")]):
        result = CliRunner().invoke(main, command, catch_exceptions=False)
        assert result.exit_code == 0, result.output
    pages = sorted(str(p) for p in (tmp_path / "site").rglob("*.html"))
    assert len(pages) > 30 and any("/de/" in page for page in pages)
    checked = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *pages],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(checked.stderr)["messages"]
    assert messages == [], "\n".join(
        f"{m.get('url', '')}:{m.get('lastLine')}: {m['message']}" for m in messages[:20]
    )
