"""The connectivity canary, against listening and closed loopback ports."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator

import pytest

from checks.canary import reachable


@pytest.fixture
def listening() -> Iterator[str]:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield f"127.0.0.1:{server.getsockname()[1]}"


def closed() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{sock.getsockname()[1]}"


def test_any_answering_target_means_online(listening: str) -> None:
    assert asyncio.run(reachable([closed(), listening], 1.0)) is True


def test_no_answering_target_means_offline() -> None:
    assert asyncio.run(reachable([closed(), closed(), "not-a-target"], 1.0)) is False


def test_no_targets_means_the_canary_is_off() -> None:
    assert asyncio.run(reachable([], 1.0)) is True
