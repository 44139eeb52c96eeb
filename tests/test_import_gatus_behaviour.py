"""An imported Gatus config behaves as Gatus does: the same conditions, checked by `vigil
check` against the same loopback answers, give the status Gatus gives (config/endpoint/
condition.go: every condition must hold; an HTTP answer is judged by its conditions alone,
so a 404 with `[STATUS] < 500` is up)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import main

ANSWERS = {
    "/json": (200, json.dumps({"status": "UP", "items": [1, 2, 3], "count": 10})),
    "/down": (200, json.dumps({"status": "DOWN"})),
    "/missing": (404, "not here"),
    "/hello": (200, "<h1>hello world</h1>"),
}
# (name, path or tcp, condition, what Gatus says)
CASES = [
    ("status-ok", "/json", "[STATUS] == 200", "up"),
    ("status-missing", "/missing", "[STATUS] == 200", "down"),
    ("below-500", "/missing", "[STATUS] < 500", "up"),
    ("body-up", "/json", "[BODY].status == UP", "up"),
    ("body-down", "/down", "[BODY].status == UP", "down"),
    ("not-down", "/json", "[BODY].status != DOWN", "up"),
    ("length", "/json", "len([BODY].items) == 3", "up"),
    ("length-wrong", "/json", "len([BODY].items) > 3", "down"),
    ("glob", "/hello", "[BODY] == pat(*hello*)", "up"),
    ("any-status", "/missing", "[STATUS] == any(200, 404)", "up"),
    ("has-no-errors", "/json", "has([BODY].errors) == false", "up"),
    ("has-status", "/json", "has([BODY].status) == true", "up"),
    ("fast", "/json", "[RESPONSE_TIME] < 5000", "up"),
    ("count-above", "/json", "[BODY].count > 5", "up"),
    ("count-below", "/json", "[BODY].count < 5", "down"),
    ("connected", "tcp", "[CONNECTED] == true", "up"),
]


class _Answers(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status, body = ANSWERS[self.path]
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    server.server_close()


def gatus_config(port: int) -> str:
    lines = [
        "connectivity:",
        f"  checker: {{target: '127.0.0.1:{port}'}}",  # the canary stays on loopback
        "endpoints:",
    ]
    for name, path, condition, _ in CASES:
        url = f"tcp://127.0.0.1:{port}" if path == "tcp" else f"http://127.0.0.1:{port}{path}"
        lines += [f"  - name: {name}", f"    url: {url}", f"    conditions: ['{condition}']"]
    return "\n".join(lines) + "\n"


def test_imported_conditions_give_what_gatus_gives(tmp_path: Path, port: int) -> None:
    source = tmp_path / "gatus.yaml"
    source.write_text(gatus_config(port))
    runner = CliRunner()
    out = tmp_path / "vigil"
    done = runner.invoke(main, ["import", "gatus", str(source), "--into", str(out)])
    assert done.exit_code == 0, done.stderr
    checked = runner.invoke(
        main,
        [
            "check",
            "--region",
            "default",
            "--all",
            "--no-notify",
            "--config",
            str(out / "config.yaml"),
            "--data",
            str(tmp_path / "data"),
        ],
    )
    assert checked.exit_code == 0, checked.stderr
    statuses = {}
    for line in checked.stdout.splitlines():  # "<monitor id>: <status> <ms> ms ..."
        monitor_id, _, rest = line.partition(": ")
        if monitor_id != "default":  # the summary line of the region
            statuses[monitor_id] = rest.split(" ")[0]
    expected = {name: gatus for name, _, _, gatus in CASES}
    assert statuses == expected
