"""Configs written as Gatus and openstatus users write them, checked against a loopback server
through the loader and the runner (issue 16): what holds there holds here."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from checks.base import ProbeContext
from checks.result import Result, Status
from checks.runner import RunSettings, check_one
from configuration.errors import ConfigError
from configuration.loader import load_config_text

PAGES = {
    "/health": ("application/json", '{"status": "UP", "items": [1, 2, 3], "id": "0x1F"}\n'),
    "/text": ("text/plain", "OK\n"),
    "/code": ("text/plain", "0200"),
    "/empty": ("text/plain", ""),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        kind, body = PAGES[self.path]
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


CONFIG = """\
regions: [{{id: eu, name: Europe}}]
monitors:
  - id: gatus
    name: As in Gatus's README
    type: http
    url: {base}/health
    timeout: 2s
    conditions:
      - "[STATUS] == 200"
      - "[status] < 300"
      - "[BODY].status == UP"
      - "len([BODY].items) == 3"
      - "[BODY].id == 31"
      - "pat(*json*) == [HEADER].Content-Type"
      - "[CERTIFICATE_EXPIRATION] == 0"
  - id: trimmed
    name: A body with a final newline
    type: http
    url: {base}/text
    timeout: 2s
    conditions: ["[BODY] == OK", "len([BODY]) == 3", "[BODY] == pat(O?)"]
  - id: openstatus
    name: As in openstatus.yaml
    type: http
    url: {base}/health
    timeout: 2s
    assertions:
      - {{kind: statusCode, compare: eq, target: 200}}
      - {{kind: header, key: content-type, compare: contains, target: json}}
      - {{kind: jsonBody, path: "$.items[2]", compare: eq, target: "3"}}
      - {{type: textBody, compare: contains, target: '"UP"'}}
  - id: exact
    name: openstatus compares text exactly
    type: http
    url: {base}/code
    timeout: 2s
    assertions: [{{kind: textBody, compare: eq, target: "200"}}]
  - id: octal
    name: Gatus reads 0200 as octal
    type: http
    url: {base}/code
    timeout: 2s
    conditions: ["[BODY] == 128"]
  - id: certificate
    name: A placeholder plain HTTP does not provide
    type: http
    url: {base}/text
    timeout: 2s
    conditions: ["[CERTIFICATE_EXPIRATION] > 48h"]
  - id: empty
    name: An empty body has nothing
    type: http
    url: {base}/empty
    timeout: 2s
    conditions: ["has([BODY]) == true"]
"""


def _results(base: str) -> dict[str, Result]:
    config = load_config_text(CONFIG.format(base=base), "config.yaml", {})
    settings = RunSettings("eu", "run")

    async def run_all() -> list[Result]:
        checks = [check_one(monitor, ProbeContext(), settings) for monitor in config.monitors]
        return await asyncio.gather(*checks)

    return {result.monitor_id: result for result in asyncio.run(run_all())}


def test_configs_in_the_peers_formats_mean_what_they_mean_there(base: str) -> None:
    results = _results(base)
    statuses = {monitor_id: result.status for monitor_id, result in results.items()}
    assert statuses == {
        "gatus": Status.UP, "trimmed": Status.UP, "openstatus": Status.UP,
        "exact": Status.DOWN, "octal": Status.UP, "certificate": Status.DOWN, "empty": Status.DOWN,
    }  # fmt: skip
    assert results["exact"].error_message == "[BODY] (0200) == 200"
    assert results["certificate"].error_message == (
        "[CERTIFICATE_EXPIRATION] (not provided by this check, read as 0) > 48h"
    )
    assert results["empty"].error_message == "has([BODY]) (false) == true"


BAD = """\
regions: [{id: eu, name: Europe}]
monitors:
  - id: api
    name: API
    type: http
    url: https://example.com
    conditions:
      - "[CERTIFICATE_EXPIRATION] > 7d"
      - "[STAUTS] == 200"
      - "[RESPONSE_TIME] < potato"
      - "[BODY].items[*].ok == true"
    assertions:
      - {kind: jsonBody, path: "$..name", compare: eq, target: x}
"""


def test_stricter_readings_are_located_config_errors_that_name_the_fix() -> None:
    with pytest.raises(ConfigError) as error:
        load_config_text(BAD, "config.yaml", {})
    lines = sorted(str(problem) for problem in error.value.problems)
    assert len(lines) == 5
    expected = [
        ("config.yaml:8:", 'Go has no "d" unit (Gatus would read "7d" as 0); write 168h'),
        ("config.yaml:9:", 'unknown placeholder "[STAUTS]", did you mean "[STATUS]"?'),
        ("config.yaml:10:", 'Gatus would read "potato" as 0'),
        ("config.yaml:11:", "[*] wildcard is not supported"),
        ("config.yaml:13:", 'unsupported JSONPath "$..name"'),
    ]
    for place, message in expected:
        assert any(line.startswith(place) and message in line for line in lines), (place, lines)
