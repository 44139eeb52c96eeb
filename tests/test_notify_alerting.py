"""The alerting channels through real runs on real results: PagerDuty, Opsgenie and
Grafana OnCall open one alert per problem episode (down, then degraded, is one episode)
and close that same alert when it is over, by `dedup_key`, `alias` and `alert_uid`; an
incident is one alert from created to resolved."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from configuration.incidents import Incident
from configuration.models import Config
from tests.notify_receivers import Received, Receiver, http_receiver
from tests.notify_samples import ENV, NOW, config_with
from tests.test_notify_run import MINUTE, observe_at, run

FIRST, SECOND = "vigil-monitor.api.1.down", "vigil-monitor.api.4.down"
EPISODES = [(-15, "up"), (-10, "down"), (-5, "degraded"), (0, "up"), (5, "down"), (10, "up")]


def alerting(receiver: Receiver) -> Config:
    return config_with(
        [
            {"id": "pd", "type": "pagerduty", "routing_key": "${TOKEN}",
             "api_url": f"{receiver.url}/pd"},
            {"id": "og", "type": "opsgenie", "api_key": "${TOKEN}",
             "api_url": f"{receiver.url}/og"},
            {"id": "oncall", "type": "grafana_oncall",
             "webhook_url": f"{receiver.url}/oncall/${{TOKEN}}/"},
        ],
        ENV,
    )  # fmt: skip


def sent_to(receiver: Receiver, prefix: str) -> list[Received]:
    return [request for request in receiver.requests if request.path.startswith(prefix)]


def through_two_episodes(data_dir: Path) -> Receiver:
    """Down, degraded, up; down, up again: what the alerting channels were sent."""
    with http_receiver(202) as receiver:
        config = alerting(receiver)
        for minutes, status in EPISODES:
            observe_at(data_dir, NOW + minutes * MINUTE, status)
            run(config, data_dir, NOW + minutes * MINUTE)
    return receiver


def test_pagerduty_triggers_and_resolves_each_episode_under_one_dedup_key(
    tmp_path: Path,
) -> None:
    bodies = [request.json() for request in sent_to(through_two_episodes(tmp_path), "/pd")]
    assert [(body["event_action"], body["dedup_key"]) for body in bodies] == [
        ("trigger", FIRST),
        ("trigger", FIRST),  # degraded updates the open alert
        ("resolve", FIRST),
        ("trigger", SECOND),
        ("resolve", SECOND),
    ]
    severities = [body["payload"]["severity"] for body in bodies if "payload" in body]
    assert severities == ["critical", "warning", "critical"]
    assert {body["payload"]["component"] for body in bodies if "payload" in body} == {"api"}


def test_opsgenie_creates_by_alias_and_closes_by_that_alias(tmp_path: Path) -> None:
    requests = sent_to(through_two_episodes(tmp_path), "/og")
    said = [(r.path, r.query, r.json().get("alias")) for r in requests]
    by_alias = {"identifierType": ["alias"]}
    assert said == [
        ("/og/v2/alerts", {}, FIRST),
        ("/og/v2/alerts", {}, FIRST),
        (f"/og/v2/alerts/{FIRST}/close", by_alias, None),
        ("/og/v2/alerts", {}, SECOND),
        (f"/og/v2/alerts/{SECOND}/close", by_alias, None),
    ]


def test_grafana_oncall_groups_by_alert_uid_and_ends_with_ok(tmp_path: Path) -> None:
    bodies = [r.json() for r in sent_to(through_two_episodes(tmp_path), "/oncall")]
    assert [(body["alert_uid"], body["state"]) for body in bodies] == [
        (FIRST, "alerting"),
        (FIRST, "alerting"),
        (FIRST, "ok"),
        (SECOND, "alerting"),
        (SECOND, "ok"),
    ]


def test_an_incident_is_one_alert_from_created_to_resolved(tmp_path: Path) -> None:
    def incident(at: datetime, **fields: Any) -> list[Incident]:
        base = {"id": "errors", "title": "Errors", "started_at": at, "impact": "minor"}
        return [Incident.model_validate({**base, **fields})]

    updates = [{"at": NOW, "status": "identified", "message": "Found it."}]
    with http_receiver(202) as receiver:
        config = alerting(receiver)
        run(config, tmp_path, NOW - MINUTE)  # the first run records, says nothing
        run(config, tmp_path, NOW, incident(NOW))
        run(config, tmp_path, NOW + MINUTE, incident(NOW, updates=updates))
        run(config, tmp_path, NOW + 2 * MINUTE, incident(NOW, updates=updates, resolved_at=NOW))
    pagerduty = [request.json() for request in sent_to(receiver, "/pd")]
    key = "vigil-incident.errors"
    assert [(b["event_action"], b["dedup_key"]) for b in pagerduty] == [
        ("trigger", key),
        ("trigger", key),
        ("resolve", key),
    ]
    payload = pagerduty[0]["payload"]
    assert payload["severity"] == "warning" and payload["source"] == "vigil"
    assert "component" not in payload and "group" not in payload  # absent, never null
    closes = [r.path for r in sent_to(receiver, "/og") if r.path.endswith("/close")]
    assert closes == [f"/og/v2/alerts/{key}/close"]
