"""statuspage: mirroring a vendor's Statuspage, read from Vigil's own built `api/v2/` and from
hostile answers, all served on 127.0.0.1."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from checks.result import ErrorKind, Result, Status
from checks.runner import RunSettings, run_checks
from checks.statuspage import StatuspageMonitor, read_page
from tests.loopback_http import SLOW_CAP, LoopbackServer, QuietHandler, serving
from tests.test_api import ALL_UP, build

HUGE = 50 * 1024 * 1024


class _Server(LoopbackServer):
    """Answers each path in `routes` with its status and body; /slow waits until teardown,
    /huge sends 50 MB."""

    def __init__(self) -> None:
        super().__init__(_Handler)
        self.routes: dict[str, tuple[int, bytes]] = {}
        self.sent = 0  # bytes of /huge written before the client hung up


class _Handler(QuietHandler):
    server: _Server

    def do_GET(self) -> None:
        if self.path == "/slow":
            self.server.release.wait(SLOW_CAP)
        if self.path == "/huge":
            return self._huge()
        status, body = self.server.routes.get(self.path, (404, b"no such path"))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _huge(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(HUGE))
        self.end_headers()
        chunk = b" " * 65536
        for _ in range(HUGE // len(chunk)):
            self.wfile.write(chunk)
            self.server.sent += len(chunk)


@pytest.fixture
def server() -> Iterator[_Server]:
    with serving(_Server()) as running:
        yield running


@pytest.fixture(scope="module")
def vigil_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Vigil's own built api/v2 as the vendor's: API degraded (an open incident), Website
    under maintenance, Database operational; under /down/ every monitor down."""
    tmp_path = tmp_path_factory.mktemp("vendor")
    site = build(tmp_path, ALL_UP, ("api-errors", "web-migration"))
    down = build(tmp_path, {m: {0: "U" * 11 + "D"} for m in ("api", "web", "db")}, name="down")
    files = {}
    for name in ("summary.json", "status.json"):
        files[f"/{name}"] = (site / "api" / "v2" / name).read_bytes()
        files[f"/down/{name}"] = (down / "api" / "v2" / name).read_bytes()
    return files


@pytest.fixture
def vigil(server: _Server, vigil_files: dict[str, bytes]) -> _Server:
    server.routes.update({path: (200, body) for path, body in vigil_files.items()})
    return server


def check(url: str, component: str | None = None, timeout: str = "2s", **fields: Any) -> Result:
    monitor = StatuspageMonitor.model_validate(
        {"id": "vendor", "name": "Vendor", "type": "statuspage", "url": url}
        | {"component": component, "timeout": timeout, **fields}
    )
    [result] = run_checks([monitor], RunSettings("local", "run-1"))
    return result


def test_a_component_under_maintenance_is_degraded_with_the_maintenance_named(
    vigil: _Server,
) -> None:
    result = check(vigil.url("/summary.json"), "Website")
    assert result.status is Status.DEGRADED
    expected = "Example Status: Website under_maintenance — Website migration"
    assert result.error_message == expected


def test_a_degraded_component_names_its_incident_and_is_preferred_to_a_group(
    vigil: _Server,
) -> None:
    # "API" is both a group and a monitor on this page: the monitor, and only its incident.
    result = check(vigil.url("/summary.json"), "api")
    assert result.status is Status.DEGRADED
    expected = "Example Status: API degraded_performance — Elevated API errors"
    assert result.error_message == expected


def test_an_operational_component_by_id_is_up(vigil: _Server) -> None:
    result = check(vigil.url("/summary.json"), "db")
    assert (result.status, result.error_kind, result.error_message) == (Status.UP, None, None)
    assert result.status_code == 200


def test_the_page_indicator_without_a_component(vigil: _Server) -> None:
    result = check(vigil.url("/summary.json"))
    assert result.status is Status.DEGRADED
    assert result.error_message == (
        "Example Status: minor (Minor Service Outage) — Elevated API errors; Website migration"
    )


def test_a_major_outage_is_down(vigil: _Server) -> None:
    component = check(vigil.url("/down/summary.json"), "Database")
    assert (component.status, component.error_kind) == (Status.DOWN, ErrorKind.ASSERTION)
    # Vigil lists a detected outage nobody wrote about as an incident of its own.
    assert component.error_message == "Example Status: Database major_outage — Database is down"
    page = check(vigil.url("/down/status.json"))
    assert page.status is Status.DOWN
    assert page.error_message == "Example Status: critical (Major Service Outage)"


def test_a_component_not_on_the_page_says_which_exist(vigil: _Server) -> None:
    result = check(vigil.url("/summary.json"), "Payments")
    assert (result.status, result.error_kind) == (Status.DOWN, ErrorKind.ASSERTION)
    assert result.error_message == (
        "Example Status has no component 'Payments'; it has: API, Website, Database"
    )


def test_status_json_has_the_indicator_but_no_components(vigil: _Server) -> None:
    assert check(vigil.url("/status.json")).status is Status.DEGRADED
    result = check(vigil.url("/status.json"), "API")
    assert (result.status, result.error_kind) == (Status.DOWN, ErrorKind.PROTOCOL)
    assert "use summary.json" in str(result.error_message)


@pytest.mark.parametrize(
    ("body", "component", "message"),
    [
        (b"<html>Maintenance</html>", None, "not JSON: Expecting value at line 1"),
        (b"[1, 2]", None, "the answer: expected an object, got list"),
        (b'{"page": {"name": "X"}}', None, "status: expected an object, got NoneType"),
        (b'{"status": {"indicator": "purple"}}', None, "unknown status 'purple'"),
        (b'{"components": {"a": 1}}', "a", "components: expected a list, got dict"),
        (b'{"components": [], "incidents": 3}', None, "status: expected an object"),
        (b"[" * 100_000 + b"]" * 100_000, None, "nested too deeply"),
    ],
)
def test_an_answer_of_the_wrong_shape_is_down_saying_why(
    server: _Server, body: bytes, component: str | None, message: str
) -> None:
    server.routes["/odd"] = (200, body)
    result = check(server.url("/odd"), component)
    assert (result.status, result.error_kind) == (Status.DOWN, ErrorKind.PROTOCOL)
    assert message in str(result.error_message)


def test_a_50_mb_answer_is_cut_off_and_too_big(server: _Server) -> None:
    started = time.perf_counter()
    result = check(server.url("/huge"), timeout="10s")
    assert time.perf_counter() - started < 5
    assert (result.status, result.error_kind) == (Status.DOWN, ErrorKind.PROTOCOL)
    assert result.error_message == "answer too big: over 4194304 bytes"
    assert server.sent < HUGE  # the client hung up instead of reading it all


def test_a_slow_vendor_times_out(server: _Server) -> None:
    started = time.perf_counter()
    result = check(server.url("/slow"), "API", timeout="300ms")
    assert time.perf_counter() - started < 2
    assert (result.status, result.error_kind) == (Status.DOWN, ErrorKind.TIMEOUT)


def test_a_server_error_is_down_with_its_status(server: _Server) -> None:
    server.routes["/broken"] = (500, json.dumps({"status": {"indicator": "none"}}).encode())
    result = check(server.url("/broken"))
    assert (result.status, result.error_kind) == (Status.DOWN, ErrorKind.HTTP_STATUS)
    assert result.error_message == "HTTP 500 Internal Server Error"


def test_conditions_on_the_vendors_json_make_it_stricter(server: _Server) -> None:
    server.routes["/major"] = (200, b'{"status": {"indicator": "major"}}')
    assert check(server.url("/major")).status is Status.DEGRADED
    strict = check(server.url("/major"), conditions=["[BODY].status.indicator != major"])
    assert (strict.status, strict.error_kind) == (Status.DOWN, ErrorKind.ASSERTION)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("operational", "up"),
        ("degraded_performance", "degraded"),
        ("partial_outage", "degraded"),
        ("major_outage", "down"),
        ("under_maintenance", "degraded"),
    ],
)
def test_component_statuses_map_to_results(status: str, expected: str) -> None:
    page = {"components": [{"id": "x1", "name": "Git Operations", "status": status}]}
    assert read_page(page, "git operations")[0] == expected


def test_vendor_text_stays_on_one_line_and_long_lists_are_cut() -> None:
    incidents = [{"name": f"Incident\n{n}", "status": "investigating"} for n in range(10)]
    page = {"page": {"name": "Acme\x1b[31m"}, "status": {"indicator": "major"}}
    status, message = read_page(page | {"incidents": incidents}, None)
    assert status == "degraded"
    assert message.startswith("Acme [31m: major () — Incident 0; Incident 1;")
    assert message.endswith("Incident 7 and 2 more") and "\n" not in message
