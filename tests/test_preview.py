"""`vigil serve`: the site is served on loopback and rebuilt when a source changes."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from commands.serve import Preview
from configuration.loader import load_project
from generator import main
from history.store import ResultStore
from rendering.site import build_site
from tests.conftest import NOW, SMALL_CONFIG


def test_serves_the_site_and_rebuilds_on_change(tmp_path: Path) -> None:
    config_path, out = tmp_path / "config.yaml", tmp_path / "site"
    config_path.write_text(SMALL_CONFIG)
    builds: list[str] = []

    def rebuild() -> list[Path]:
        config, incidents = load_project(config_path, tmp_path / "incidents")
        build_site(config, incidents, ResultStore(tmp_path / "data"), out, NOW)
        builds.append(config.site.title)
        return []

    preview = Preview(out, [config_path, tmp_path / "incidents"], rebuild)
    server = preview.start(port=0)
    try:
        url = f"http://127.0.0.1:{server.server_port}/"
        assert "<title>Example Status</title>" in httpx.get(url).text
        assert preview.poll() is False  # nothing changed, nothing rebuilt

        config_path.write_text(SMALL_CONFIG.replace("Example Status", "Renamed Status"))
        os.utime(config_path, ns=(1, 1))  # a different mtime even within one clock tick
        assert preview.poll() is True
        assert "<title>Renamed Status</title>" in httpx.get(url).text
        assert httpx.get(url + "missing.html").status_code == 404
    finally:
        preview.stop()
    assert builds == ["Example Status", "Renamed Status"]


def test_serve_on_a_busy_port_says_so_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "config.yaml").write_text(SMALL_CONFIG)
    monkeypatch.chdir(tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--port", str(port)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.splitlines()[0] == (
        f"vigil serve: cannot listen on 127.0.0.1:{port}: Address already in use"
    )
    assert "Traceback" not in result.output
