"""Shared fixtures: a small valid config, a fixed clock, the golden-file switch, and a bare
repository to publish to."""

from __future__ import annotations

import ipaddress
import socket
import textwrap
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from configuration.git import run as git
from tests.installed import Installed, build_and_install

pytest_plugins = ["tests.s3_server"]  # a real S3 server on loopback, for the object store
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

SMALL_CONFIG = """\
version: 1
site:
  title: Example Status
  timezone: UTC
regions:
  - {id: eu-west, name: Europe, location: "Frankfurt, DE"}
  - {id: us-east, name: US East}
  - {id: ap-south, name: Asia}
groups:
  - {id: api, name: API}
monitors:
  - id: api
    name: API
    group: api
    type: http
    url: https://api.example.com/health
    interval: 1h
  - id: db
    name: Database
    type: tcp
    host: db.example.com
    port: 5432
    interval: 1h
"""


def _loopback_only(address: object) -> None:
    if isinstance(address, tuple) and address:
        host = str(address[0])
        try:
            loopback = ipaddress.ip_address(host.split("%")[0]).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            raise OSError(f"test tried to reach {host}: tests stay on loopback")


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing in the tests may leave the machine: any connect or send elsewhere fails."""
    for name in ("connect", "connect_ex"):
        real = getattr(socket.socket, name)

        def guarded(self: socket.socket, address: object, _real: object = real) -> object:
            _loopback_only(address)
            return _real(self, address)  # type: ignore[operator]

        monkeypatch.setattr(socket.socket, name, guarded)
    real_sendto = socket.socket.sendto

    def guarded_sendto(self: socket.socket, data: bytes, *args: object) -> int:
        _loopback_only(args[-1])
        return real_sendto(self, data, *args)  # type: ignore[call-overload, no-any-return]

    monkeypatch.setattr(socket.socket, "sendto", guarded_sendto)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite the golden files under tests/golden/ from the current output.",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write dedented text to a file under tmp_path and return its path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    """A bare repository whose main holds a config, like the user's repository."""
    bare = tmp_path / "origin.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(bare))
    seed = tmp_path / "seed"
    git(tmp_path, "clone", "--quiet", str(bare), str(seed))
    (seed / "config.yaml").write_text("version: 1\n")
    git(seed, "add", "config.yaml")
    git(seed, "commit", "--quiet", "-m", "Config")
    git(seed, "push", "--quiet", "origin", "HEAD:refs/heads/main")
    return bare


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The sdist and wheel built from this tree, the wheel installed in a fresh venv (once
    per test run: building takes about ten seconds)."""
    return build_and_install(tmp_path_factory.mktemp("installed"))
