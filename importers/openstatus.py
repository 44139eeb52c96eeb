"""openstatus: `openstatus.yaml`, the monitoring-as-code file of its CLI (a map of monitor
key → monitor).

Read from openstatus's CLI (openstatusHQ/cli): `internal/config/monitor.go` (the keys,
frequencies, regions, assertion kinds and compares) and `internal/config/openstatus_test.go`
(the file's shape, `followRedirects`); defaults from openstatus's docs: retry 3, timeout
45 s, a response is up when its status is 2xx unless a statusCode assertion says otherwise.
Assertions are copied as Vigil's `assertions:` (the same kind/compare/target/key); with a
statusCode assertion the monitor accepts every status and the assertions decide.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from checks.assertions import assertion_kind, compile_assertion
from configuration.source import Path
from importers.base import (
    Document,
    Imported,
    Importer,
    duration,
    identifier,
    milliseconds,
    moved_secret,
    secret_variable,
)
from importers.reading import load_yaml

DEFAULT_RETRY = 3
DEFAULT_TIMEOUT = timedelta(milliseconds=45000)
FREQUENCIES = ("30s", "1m", "5m", "10m", "30m", "1h")
REGIONS = {
    "ams": "Amsterdam",
    "arn": "Stockholm",
    "atl": "Atlanta",
    "bog": "Bogotá",
    "bom": "Mumbai",
    "bos": "Boston",
    "cdg": "Paris",
    "den": "Denver",
    "dfw": "Dallas",
    "ewr": "Secaucus",
    "eze": "Buenos Aires",
    "fra": "Frankfurt",
    "gdl": "Guadalajara",
    "gig": "Rio de Janeiro",
    "gru": "São Paulo",
    "hkg": "Hong Kong",
    "iad": "Ashburn",
    "jnb": "Johannesburg",
    "lax": "Los Angeles",
    "lhr": "London",
    "mad": "Madrid",
    "mia": "Miami",
    "nrt": "Tokyo",
    "ord": "Chicago",
    "otp": "Bucharest",
    "phx": "Phoenix",
    "qro": "Querétaro",
    "scl": "Santiago",
    "sea": "Seattle",
    "sin": "Singapore",
    "sjc": "San Jose",
    "syd": "Sydney",
    "waw": "Warsaw",
    "yul": "Montréal",
    "yyz": "Toronto",
    "private": "Private location",
    "koyeb_fra": "Frankfurt (Koyeb)",
    "koyeb_par": "Paris (Koyeb)",
    "koyeb_sfo": "San Francisco (Koyeb)",
    "koyeb_sin": "Singapore (Koyeb)",
    "koyeb_tyo": "Tokyo (Koyeb)",
    "koyeb_was": "Washington (Koyeb)",
    "railway_us-west2": "US West (Railway)",
    "railway_us-east4-eqdc4a": "US East (Railway)",
    "railway_europe-west4-drams3a": "Europe West (Railway)",
    "railway_asia-southeast1-eqsg3a": "Southeast Asia (Railway)",
}
MONITOR_KEYS = (
    "name",
    "description",
    "frequency",
    "regions",
    "active",
    "kind",
    "retry",
    "public",
    "request",
    "degradedAfter",
    "timeout",
    "assertions",
    "openTelemetry",
)


def run(location: str, now: datetime) -> Imported:
    document = load_yaml(location)
    if not isinstance(document.data, dict) or not document.data:
        raise document.problem((), "expected an openstatus.yaml: a mapping of monitor keys")
    return Translation(document).imported()


class Translation:
    def __init__(self, document: Document) -> None:
        self.doc = document
        self.result = Imported({"version": 1, "site": {"title": "Status"}, "regions": []})
        self.ids: set[str] = set()
        self.regions: list[str] = []
        self.otlp: dict[str, Any] = {}

    def skip(self, path: Path, why: str) -> None:
        self.result.untranslated.append(self.doc.untranslated(path, why))

    def imported(self) -> Imported:
        monitors = []
        for key, monitor in self.doc.data.items():
            translated = self.monitor((key,), str(key), monitor)
            if translated is not None:
                monitors.append(translated)
        names = self.regions or ["default"]
        self.result.config["regions"] = [
            {"id": code, "name": REGIONS.get(code, code.capitalize()), "runs_on": ["ubuntu-latest"]}
            for code in names
        ]
        self.result.config["monitors"] = monitors
        if self.otlp:
            self.result.config["export"] = {"otlp": self.otlp}
        if self.regions:
            self.result.comments += [
                "openstatus's regions are brought over as Vigil regions; each is a check job",
                "on a GitHub-hosted runner until you give it your runner's labels (runs_on):",
                "see docs/regions.md.",
            ]
        return self.result

    def monitor(self, path: Path, key: str, monitor: Any) -> dict[str, Any] | None:
        if not isinstance(monitor, dict) or not monitor.get("name"):
            raise self.doc.problem(path, "a monitor needs a name")
        if monitor.get("active") is False:
            self.skip((*path, "active"), "paused in openstatus: not imported")
            return None
        out: dict[str, Any] = {"id": identifier(key, self.ids), "name": str(monitor["name"])}
        if monitor.get("description"):
            out["description"] = str(monitor["description"])
        target = self.target(path, monitor)
        if target is None:
            self.ids.discard(out["id"])
            return None
        out.update(target)
        out.update(self.settings(path, monitor))
        if monitor.get("openTelemetry"):
            self.telemetry((*path, "openTelemetry"), monitor["openTelemetry"])
        if out["type"] == "http":
            out.update(self.assertions(path, monitor.get("assertions")))
        elif monitor.get("assertions"):
            self.skip((*path, "assertions"), f"Vigil's {out['type']} check has no such answer")
        for field in monitor:
            if field not in MONITOR_KEYS:
                self.skip((*path, field), "not an openstatus monitor key Vigil knows")
        return out

    def target(self, path: Path, monitor: dict[str, Any]) -> dict[str, Any] | None:
        kind = str(monitor.get("kind") or "http")
        request = monitor.get("request") or {}
        here = (*path, "request")
        if kind == "tcp":
            if not request.get("host") or not request.get("port"):
                raise self.doc.problem(here, "a tcp monitor needs request.host and request.port")
            return {"type": "tcp", "host": str(request["host"]), "port": int(request["port"])}
        if kind != "http":
            self.skip((*path, "kind"), f'Vigil imports http and tcp monitors, not "{kind}"')
            return None
        if not request.get("url"):
            raise self.doc.problem(here, "an http monitor needs request.url")
        out: dict[str, Any] = {"type": "http", "url": str(request["url"])}
        if request.get("method"):
            out["method"] = str(request["method"]).upper()
        if request.get("headers"):
            out["headers"] = {str(k): str(v) for k, v in request["headers"].items()}
        if request.get("body"):
            out["body"] = str(request["body"])
        if request.get("followRedirects") is False:
            out["follow_redirects"] = False
        return out

    def settings(self, path: Path, monitor: dict[str, Any]) -> dict[str, Any]:
        frequency = str(monitor.get("frequency") or "10m")
        if frequency not in FREQUENCIES:
            raise self.doc.problem((*path, "frequency"), f"expected one of {' '.join(FREQUENCIES)}")
        interval = _duration(frequency)
        out: dict[str, Any] = {
            "interval": frequency,
            "retries": min(int(monitor.get("retry", DEFAULT_RETRY)), 10),
        }
        timeout = timedelta(milliseconds=int(monitor.get("timeout") or 45000))
        if timeout > interval:
            why = f"{duration(timeout)} is longer than the frequency: cut to {frequency}"
            self.skip((*path, "timeout"), why)
        out["timeout"] = duration(min(timeout, interval))
        if monitor.get("degradedAfter"):
            out["degraded_after"] = milliseconds(float(monitor["degradedAfter"]))
        if "public" in monitor:
            out["public"] = bool(monitor["public"])
        regions = [str(region) for region in monitor.get("regions") or []]
        for region in regions:
            if region not in self.regions:
                self.regions.append(region)
        if regions:
            out["regions"] = regions
        return out

    def telemetry(self, path: Path, telemetry: Any) -> None:
        """openstatus exports each monitor to its own collector; Vigil's `export.otlp` sends
        every monitor's results to one: the first endpoint is kept, header values become
        secrets (they are credentials), another endpoint is reported."""
        endpoint = telemetry.get("endpoint") if isinstance(telemetry, dict) else None
        if not endpoint:
            self.skip(path, "no endpoint: nothing to export to")
            return
        if self.otlp:
            if self.otlp["endpoint"] != endpoint:
                why = f"Vigil exports every monitor to one collector, {self.otlp['endpoint']}"
                self.skip((*path, "endpoint"), why)
            return
        self.otlp = {"endpoint": str(endpoint)}
        headers = telemetry.get("headers") or {}
        for name in headers:
            variable = secret_variable("openstatus", "otlp", str(name))
            self.skip((*path, "headers", name), moved_secret(variable))
            self.otlp.setdefault("headers", {})[str(name)] = f"${{{variable}}}"

    def assertions(self, path: Path, assertions: Any) -> dict[str, Any]:
        kept = []
        for index, assertion in enumerate(assertions or []):
            try:
                compile_assertion(assertion)
            except (ValueError, AttributeError) as error:
                self.skip((*path, "assertions", index), f"not imported: {error}")
                continue
            kept.append(dict(assertion))
        out: dict[str, Any] = {}
        if kept:
            out["assertions"] = kept
        status = any(assertion_kind(assertion) == "statusCode" for assertion in kept)
        out["expected_status"] = ["100-599"] if status else ["200-299"]
        return out


def _duration(frequency: str) -> timedelta:
    number, unit = int(frequency[:-1]), frequency[-1]
    return timedelta(seconds=number * {"s": 1, "m": 60, "h": 3600}[unit])


IMPORTER = Importer("openstatus", "openstatus's openstatus.yaml (its CLI's monitors file)", run)
