"""The wheel works anywhere: installed into a fresh virtual environment outside this tree,
every command works offline, and the site it builds equals the one built from the source."""

from __future__ import annotations

import json
import re
import subprocess
import tarfile
import urllib.request
import zipfile
from pathlib import Path

from click.testing import CliRunner

from commands.managed import WORKFLOWS
from generator import main
from tests.conftest import NOW
from tests.installed import ROOT, Installed

STAMP = NOW.isoformat()


def packaged_data() -> set[str]:
    """The files the wheel must carry, by their path inside it."""
    expected = {f"rendering/templates/{p.name}" for p in (ROOT / "templates").iterdir()}
    expected |= {
        f"rendering/locales/{p.relative_to(ROOT / 'locales').as_posix()}"
        for p in (ROOT / "locales").rglob("*.po")
    }
    expected |= {f"commands/scaffold/workflows/{name}.yml" for name in WORKFLOWS}
    expected |= {
        f"commands/scaffold/{p.name}" for p in (ROOT / "commands" / "scaffold").iterdir()
    } - {"commands/scaffold/workflows"}
    return expected


def test_wheel_and_sdist_carry_templates_catalogs_and_the_scaffold(installed: Installed) -> None:
    wheel = set(zipfile.ZipFile(installed.wheel).namelist())
    missing = packaged_data() - wheel
    assert not missing, missing
    assert "commands/scaffold/workflows/tests.yml" not in wheel, "the template repo's own"
    assert not any(name.startswith(("tests/", "benchmarks/")) for name in wheel)
    sdist = next(installed.dist.glob("*.tar.gz"))
    with tarfile.open(sdist) as archive:
        inside = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    # `python -m build` made the wheel from this sdist, so the sdist carries them too.
    assert {"rendering/templates/index.html", "commands/scaffold/workflows/check.yml"} <= inside


def test_the_wheel_carries_every_module_of_the_source_and_no_other(installed: Installed) -> None:
    """Subpackages are listed in pyproject by hand: one left out would be missing here."""
    wheel = {name for name in zipfile.ZipFile(installed.wheel).namelist() if name.endswith(".py")}
    tops = {name.split("/")[0] for name in wheel} - {"generator.py"}
    source = {p.relative_to(ROOT).as_posix() for top in tops for p in (ROOT / top).rglob("*.py")}
    assert wheel == source | {"generator.py"}
    assert "rendering/views/index.py" in wheel


def test_the_installed_package_is_not_this_source_tree(
    installed: Installed, tmp_path: Path
) -> None:
    found = installed.run(
        "python", "-c", "import rendering, commands; print(rendering.__file__, commands.__file__)",
        cwd=tmp_path,
    )  # fmt: skip
    assert found.returncode == 0, found.stderr
    for path in found.stdout.split():
        assert Path(path).is_relative_to(installed.bin.parent), path


def test_init_validate_demo_build_offline_equal_the_source_trees_site(
    installed: Installed, tmp_path: Path
) -> None:
    project = tmp_path / "status"
    steps = [
        ("vigil", "init", str(project), "--title", "Wheel Status", "--region", "eu",
         "--region", "us", "--url", "https://status.wheel.test"),
        ("vigil", "validate"),
        ("vigil", "demo", "--now", STAMP),
        ("vigil", "build", "--now", STAMP),
    ]  # fmt: skip
    for index, step in enumerate(steps):
        if index == 1:  # a second language, so the catalogs must be found too
            config = project / "config.yaml"
            config.write_text(
                config.read_text().replace(
                    "  language: en\n", "  language: en\n  languages: [de]\n"
                )
            )
        done = installed.run(*step, cwd=tmp_path if index == 0 else project)
        assert done.returncode == 0, (step, done.stdout, done.stderr)
    source_site = tmp_path / "from-source"
    result = CliRunner().invoke(
        main,
        ["build", "--now", STAMP, "--config", str(project / "config.yaml"),
         "--data", str(project / "data"), "--incidents", str(project / "incidents"),
         "--out", str(source_site)],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    wheel_site = project / "site"
    listed = sorted(p.relative_to(wheel_site).as_posix() for p in wheel_site.rglob("*"))
    assert listed == sorted(p.relative_to(source_site).as_posix() for p in source_site.rglob("*"))
    differing = [
        name
        for name in listed
        if (wheel_site / name).is_file()
        and (wheel_site / name).read_bytes() != (source_site / name).read_bytes()
    ]
    assert differing == []
    german = (wheel_site / "de" / "index.html").read_text()
    assert 'lang="de"' in german and "90 Tage" in german


def test_schema_and_serve_work_from_the_wheel(installed: Installed, tmp_path: Path) -> None:
    schema = installed.run("vigil", "schema", cwd=tmp_path)
    assert schema.returncode == 0, schema.stderr
    assert json.loads(schema.stdout)["title"] == "Vigil config.yaml"
    assert installed.run("vigil", "init", ".", cwd=tmp_path).returncode == 0
    server = subprocess.Popen(
        [str(installed.bin / "vigil"), "serve", "--port", "0"],
        cwd=tmp_path,
        env=installed.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        lines = [server.stdout.readline() for _ in range(2)]  # "Rebuilt …", "Serving …"
        port = re.search(r"http://127\.0\.0\.1:(\d+)/", "".join(lines))
        assert port, lines
        with urllib.request.urlopen(f"http://127.0.0.1:{port.group(1)}/", timeout=10) as page:
            assert b"<title>Status</title>" in page.read()
    finally:
        server.terminate()
        server.wait(timeout=10)
