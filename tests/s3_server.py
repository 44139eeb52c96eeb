"""A real S3-compatible server on loopback for the object-store tests: moto's server mode,
started by a fixture in this process (and, for credential checks, in a subprocess that
enforces signatures), plus a TCP proxy that stalls an upload half way."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

KEY_ID, SECRET = "AKIAVIGILTESTKEY0001", "vigil-test-secret-value-not-real"


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def s3_environment(endpoint: str, home: Path) -> dict[str, str]:
    """What the AWS tools read: the endpoint, a region, credentials; no file of the host's."""
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": KEY_ID,
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_CONFIG_FILE": str(home / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }


@pytest.fixture
def s3_env(s3_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    environment = s3_environment(s3_endpoint, tmp_path)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return environment


def s3_client(endpoint: str) -> object:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
    )


@pytest.fixture
def bucket_url(s3_env: dict[str, str]) -> str:
    """`s3://<a new bucket>/history`."""
    name = f"vigil-{uuid.uuid4().hex[:16]}"
    s3_client(s3_env["AWS_ENDPOINT_URL"]).create_bucket(Bucket=name)  # type: ignore[attr-defined]
    return f"s3://{name}/history"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


@pytest.fixture
def strict_s3(tmp_path: Path) -> Iterator[str]:
    """A moto server in a subprocess that checks every signature after its first request
    (which creates the bucket `strict`): a wrong credential is refused as by AWS."""
    port = free_port()
    environment = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process)
        endpoint = f"http://127.0.0.1:{port}"
        s3_client(endpoint).create_bucket(Bucket="strict")  # type: ignore[attr-defined]
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=30)


class StallingProxy:
    """Forwards loopback TCP to `upstream`, but holds every PUT after half its body: the
    client is still uploading when the test kills it. `stalled` is set at that moment."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.stalled = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.closing = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        self.listener.settimeout(0.2)
        while not self.closing.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            threading.Thread(target=self._pipe, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, False), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, requests: bool) -> None:
        budget = None
        try:
            while not self.closing.is_set() and (data := source.recv(65536)):
                if requests and budget is None and b"PUT /" in data:
                    start = data.index(b"PUT /")
                    half = self._half_body(data[start:])
                    budget = None if half is None else start + half
                if budget is not None:
                    data = data[: max(budget, 0)]
                    budget -= len(data)
                    if budget <= 0:
                        sink.sendall(data)
                        self.stalled.set()
                        self.closing.wait(60)  # hold the upload open until the test ends
                        return
                sink.sendall(data)
        except OSError:
            return
        finally:
            for end in (source, sink):
                end.close()

    @staticmethod
    def _half_body(request: bytes) -> int | None:
        head, _, _ = request.partition(b"\r\n\r\n")
        for line in head.split(b"\r\n"):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length" and int(value) > 0:
                return len(head) + 4 + int(value) // 2
        return None

    def close(self) -> None:
        self.closing.set()
        self.listener.close()
