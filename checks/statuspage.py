"""statuspage: mirror a vendor's Atlassian Statuspage (API v2), so "our payments are degraded
because Stripe is" shows on the page.

It reads the vendor's public `summary.json` (or `status.json`) through the http check's probe,
so it shares that run's session, connection pool, timeout, TLS and redirect rules (no second
HTTP client). With `component:` (a name or an id) the result follows that component's status;
without, the page's indicator. The message names the vendor, the status in the vendor's own
words and the vendor's unresolved incidents and maintenance under way (for a component: those
that name it, or name no component at all), e.g.
"Stripe: API degraded_performance — Elevated error rates".

Statuses, by what a result can say (up, degraded, down; Vigil has no "partial" result):

- `operational` / indicator `none`: up.
- `degraded_performance` / `minor`: degraded.
- `partial_outage` / `major` (Statuspage's "Partial System Outage"): degraded. Some of the
  vendor's users are hit, as a failure seen by fewer than a quorum of regions is degraded;
  down would count the whole time as downtime and alert as for a full outage.
- `major_outage` / `critical`: down.
- `under_maintenance` / `maintenance`: degraded. Planned work may disturb what depends on it,
  so the page shows it with the vendor's words; it is not downtime (degraded counts as up),
  as maintenance never is in Vigil or on Statuspage. Up would hide it; no data would hide
  the message.

A component that is not on the vendor's page, an answer that is not JSON or not shaped as
Statuspage's, or one over `max_body_bytes` is a down result saying so, never a crash.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Literal

from pydantic import Field

from checks import http
from checks.base import CheckType, ProbeContext
from checks.result import ErrorKind, Observation
from configuration.monitor import MonitorBase

MAX_BODY_BYTES = 4 * 1024 * 1024  # a large vendor's summary.json is a few hundred KB
SHOWN_NAMES = 8  # component or incident names named in one message at most
NAME_CHARS = 80
UP, DEGRADED, DOWN = "up", "degraded", "down"
COMPONENT_STATUS = {
    "operational": UP,
    "degraded_performance": DEGRADED,
    "partial_outage": DEGRADED,
    "major_outage": DOWN,
    "under_maintenance": DEGRADED,
}
INDICATOR = {
    "none": UP,
    "minor": DEGRADED,
    "major": DEGRADED,
    "critical": DOWN,
    "maintenance": DEGRADED,
}
RESOLVED = ("resolved", "postmortem", "completed")
NOT_UNDER_WAY = ("scheduled", *RESOLVED)  # maintenance not (or no longer) in progress


class StatuspageMonitor(MonitorBase):
    """A vendor's Statuspage: one component's status, or the whole page's indicator."""

    type: Literal["statuspage"] = Field(description="Check type.")
    url: str = Field(
        pattern=r"^https?://\S+$",
        description="The vendor's Statuspage API v2 `summary.json` (or `status.json` for the "
        "page's indicator only), e.g. `https://www.githubstatus.com/api/v2/summary.json`.",
    )
    component: str | None = Field(
        None,
        description="Name or id of the vendor's component to mirror, e.g. `Git Operations`; "
        "empty: the whole page's indicator.",
    )
    max_body_bytes: int = Field(
        MAX_BODY_BYTES,
        ge=1024,
        le=64 * 1024 * 1024,
        description="Read at most this much of the answer; a longer one is down (too big).",
    )

    @property
    def target(self) -> str:
        return self.url


async def probe(monitor: StatuspageMonitor, context: ProbeContext) -> Observation:
    request = http.HttpMonitor(
        type="http",
        id=monitor.id,
        name=monitor.name,
        url=monitor.url,
        timeout=monitor.timeout,
        headers={"Accept": "application/json"},
        max_body_bytes=monitor.max_body_bytes + 1,  # one byte more tells a cut-off answer
    )
    fetched = await http.probe(request, context)
    if fetched.error_kind is not None:
        return fetched
    body = str(fetched.values.get("BODY", ""))
    if len(body.encode("utf-8")) > monitor.max_body_bytes:
        return _failed(fetched, f"answer too big: over {monitor.max_body_bytes} bytes")
    try:
        status, message = read_page(json.loads(body), monitor.component)
    except json.JSONDecodeError as error:
        return _failed(fetched, f"not JSON: {error.msg} at line {error.lineno}")
    except RecursionError:
        return _failed(fetched, "not Statuspage's JSON: nested too deeply")
    except _Unreadable as error:
        return _failed(fetched, str(error), ErrorKind.PROTOCOL)
    except _NoComponent as error:
        return _failed(fetched, str(error), ErrorKind.ASSERTION)
    if status == DOWN:
        return _failed(fetched, message, ErrorKind.ASSERTION)
    return replace(fetched, degraded=message if status == DEGRADED else None)


def _failed(
    fetched: Observation, message: str, kind: ErrorKind = ErrorKind.PROTOCOL
) -> Observation:
    return replace(fetched, error_kind=kind, error_message=message)


class _Unreadable(ValueError):
    """The answer is JSON but not shaped as Statuspage's API v2."""


class _NoComponent(ValueError):
    """The vendor's page has no component of the configured name or id."""


def read_page(document: object, component: str | None) -> tuple[str, str]:
    """The status (up, degraded, down) and the one-line message of a Statuspage v2 answer."""
    page = _mapping(document, "the answer")
    vendor = _text(_mapping(page.get("page", {}), "page").get("name")) or "the vendor"
    if component is None:
        status = _mapping(page.get("status"), "status")
        indicator = _text(status.get("indicator"))
        said = f"{indicator} ({_text(status.get('description'))})"
        return _status(INDICATOR, indicator), _message(f"{vendor}: {said}", _incidents(page))
    found = _component(page, component, vendor)
    name, state = _text(found.get("name")), _text(found.get("status"))
    incidents = _incidents(page, _text(found.get("id")))
    return _status(COMPONENT_STATUS, state), _message(f"{vendor}: {name} {state}", incidents)


def _component(page: dict[str, object], wanted: str, vendor: str) -> dict[str, object]:
    """The component of that id, else of that name in any case (a component before a group
    of the same name)."""
    if "components" not in page:
        raise _Unreadable(f"no components in the answer: use summary.json for {wanted!r}")
    components = [_mapping(item, "a component") for item in _list(page, "components")]
    key = wanted.strip().casefold()
    named = [item for item in components if _text(item.get("name")).casefold() == key]
    found = [item for item in components if _text(item.get("id")) == wanted]
    found += sorted(named, key=lambda item: item.get("group") is True)
    if found:
        return found[0]
    names = _names(list(dict.fromkeys(_text(item.get("name")) for item in components)))
    raise _NoComponent(f"{vendor} has no component {wanted!r}; it has: {names or 'none'}")


def _incidents(page: dict[str, object], component_id: str | None = None) -> list[str]:
    """Names of the unresolved incidents and the maintenance under way; for a component,
    those naming it or naming no component."""
    listed: list[tuple[object, tuple[str, ...]]] = [
        *((item, RESOLVED) for item in _list(page, "incidents")),
        *((item, NOT_UNDER_WAY) for item in _list(page, "scheduled_maintenances")),
    ]
    names = []
    for entry, skipped in listed:
        item = _mapping(entry, "an incident")
        if _text(item.get("status")) in skipped:
            continue
        ids = _component_ids(item)
        if component_id is None or not ids or component_id in ids:
            names.append(_text(item.get("name")) or "(untitled)")
    return names


def _component_ids(incident: dict[str, object]) -> list[str]:
    affected = incident.get("components")
    if not isinstance(affected, list):
        return []
    return [_text(item.get("id")) for item in affected if isinstance(item, dict)]


def _list(page: dict[str, object], key: str) -> list[object]:
    value = page.get(key, [])
    if not isinstance(value, list):
        raise _Unreadable(f"{key}: expected a list, got {type(value).__name__}")
    return value


def _status(table: dict[str, str], value: str) -> str:
    if value not in table:
        raise _Unreadable(f"unknown status {value!r}; expected one of {', '.join(table)}")
    return table[value]


def _message(said: str, incidents: list[str]) -> str:
    return f"{said} — {_names(incidents, '; ')}" if incidents else said


def _names(names: list[str], separator: str = ", ") -> str:
    shown = [name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1] + "…" for name in names]
    more = len(shown) - SHOWN_NAMES
    return separator.join(shown[:SHOWN_NAMES]) + (f" and {more} more" if more > 0 else "")


def _mapping(value: object, what: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise _Unreadable(f"{what}: expected an object, got {type(value).__name__}")
    return value


def _text(value: object) -> str:
    """A vendor's text on one line: line breaks and control characters become spaces."""
    if not isinstance(value, str | int | float):
        return ""
    return " ".join("".join(c if c.isprintable() else " " for c in str(value)).split())


CHECK = CheckType(name="statuspage", model=StatuspageMonitor, probe=probe)
