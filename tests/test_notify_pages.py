"""Notifications with `pages:`: a page event names the pages its incident is shown on, and
a channel's `pages` filter lets through only what those pages show."""

from __future__ import annotations

from pathlib import Path

from configuration.loader import load_project
from configuration.models import Config
from notifications.channels.webhook import payload
from notifications.decide import Observed, decide
from notifications.events import Event
from notifications.state import State
from tests.test_site_pages import CONFIG, NOW, write_incidents

CHANNELS = """\
notifications:
  - {id: partner-hook, type: webhook, url: "http://127.0.0.1:9/p", pages: [partner]}
  - {id: internal-hook, type: webhook, url: "http://127.0.0.1:9/i", pages: [internal]}
  - {id: every-hook, type: webhook, url: "http://127.0.0.1:9/e"}
"""


def decided(tmp_path: Path, observed: dict[str, Observed]) -> tuple[Config, list[Event]]:
    (tmp_path / "config.yaml").write_text(CONFIG + CHANNELS)
    config, incidents = load_project(
        tmp_path / "config.yaml", write_incidents(tmp_path / "incidents"), {}
    )
    events, _ = decide(config, incidents, observed, State(), NOW)
    return config, events


def test_page_events_carry_their_pages_and_reach_only_those_pages_channels(
    tmp_path: Path,
) -> None:
    _, events = decided(tmp_path, {})
    found = {
        e.incident.title.split()[-1]: (e.name, e.incident.pages, e.channels)
        for e in events
        if e.incident is not None
    }
    everyone = ("partner-hook", "internal-hook", "every-hook")
    assert found == {
        "Sigma": ("incident.created", ("internal",), ("internal-hook", "every-hook")),
        "Upsilon": ("maintenance.scheduled", ("internal",), ("internal-hook", "every-hook")),
        "Tau": ("incident.resolved", ("partner", "internal"), everyone),
        "Psi": ("incident.resolved", ("public", "partner", "internal"), everyone),
        "Phi": ("incident.resolved", ("partner",), ("partner-hook", "every-hook")),
    }


def test_the_webhook_payload_names_the_pages_and_links_the_first_page(tmp_path: Path) -> None:
    _, events = decided(tmp_path, {})
    tau = next(e for e in events if e.incident and e.incident.title.endswith("Tau"))
    data = payload(tau)["data"]
    assert data["incident"]["pages"] == ["partner", "internal"]
    assert data["url"] == "https://partners.status.acme.example/incidents/2026-11-21-mixed/"


def test_a_monitor_alert_reaches_the_channels_of_the_pages_that_show_it(tmp_path: Path) -> None:
    _, events = decided(tmp_path, {"ledger-vault-z9": Observed("down")})
    (alert,) = [e for e in events if e.monitor is not None]
    assert alert.channels == ("internal-hook", "every-hook")
