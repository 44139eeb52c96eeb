"""Every channel type against a real receiver on loopback: method, path, headers and the
shape of the body its service expects. CASES must name every registered channel but email
(see test_notify_registry.py); the settings are notify_samples.SAMPLES."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, quote_plus, unquote_plus

import pytest

from notifications.run import describe
from tests.notify_receivers import Received, http_receiver
from tests.notify_samples import (
    DOWN,
    ENV,
    INCIDENT,
    RECOVERED,
    SAMPLES,
    SLEPT,
    TOKEN,
    config_with,
    deliver,
    sample_channel,
)


@dataclass(frozen=True)
class Case:
    method: str
    path: str  # exactly, for a POST; the start of it, for Matrix's PUT
    check: Callable[[Received], None]  # asserts on headers and body


def _json(request: Received) -> Any:
    assert request.headers["content-type"] == "application/json"
    return request.json()


def _webhook(request: Received) -> None:
    body = _json(request)
    assert body["monitor"] == {"id": "api", "name": "API", "url": "https://api.example.com/health"}
    assert body["status"] == "error"
    assert body["cronTimestamp"] == int(DOWN.at.timestamp() * 1000)
    assert body["statusCode"] == 503 and body["latency"] == 812
    assert body["errorMessage"] == "http_status: 503 Service Unavailable"
    assert request.headers["x-team"] == "ops"
    expected = hmac.new(TOKEN.encode(), request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-vigil-signature"] == f"sha256={expected}"


def _slack(request: Received) -> None:
    body = _json(request)
    assert body["text"] == "🔴 API is down"
    kinds = [block["type"] for block in body["blocks"]]
    assert kinds == ["header", "section", "section", "context"]
    assert {"type": "mrkdwn", "text": "*Status*\ndown"} in body["blocks"][2]["fields"]


def _discord(request: Received) -> None:
    (embed,) = _json(request)["embeds"]
    assert embed["title"] == "API is down" and embed["color"] == 0xD93025
    assert embed["url"] == "https://status.example.com"
    assert {"name": "Status", "value": "down", "inline": True} in embed["fields"]


def _teams(request: Received) -> None:
    body = _json(request)
    assert body["type"] == "message"
    (attachment,) = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert card["body"][0]["text"] == "🔴 API is down"
    assert card["actions"][0]["url"] == "https://status.example.com"


def _google_chat(request: Received) -> None:
    body = _json(request)
    assert body["text"] == "🔴 *API is down*"
    assert request.query == {"key": ["k"], "token": [TOKEN]}
    card = body["cardsV2"][0]["card"]
    assert card["header"]["title"] == "API is down"
    status = {"decoratedText": {"topLabel": "Status", "text": "down"}}
    assert status in card["sections"][0]["widgets"]


def _slack_like(request: Received) -> None:
    body = _json(request)
    (attachment,) = body["attachments"]
    assert attachment["title"] == "API is down" and attachment["color"] == "#d93025"
    assert attachment["title_link"] == "https://status.example.com"


def _telegram(request: Received) -> None:
    body = _json(request)
    assert body["chat_id"] == "-100123" and body["parse_mode"] == "HTML"
    assert body["text"].startswith("🔴 <b>API is down</b>\n")


def _ntfy(request: Received) -> None:
    body = _json(request)
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert body["topic"] == "alerts" and body["title"] == "API is down"
    assert body["priority"] == 5 and body["tags"] == ["rotating_light"]
    assert body["click"] == "https://status.example.com"


def _gotify(request: Received) -> None:
    body = _json(request)
    assert request.headers["x-gotify-key"] == TOKEN
    assert body["title"] == "API is down" and body["priority"] == 8
    assert body["extras"]["client::display"] == {"contentType": "text/markdown"}


def _pushover(request: Received) -> None:
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    form = request.form()
    assert form["token"] == TOKEN and form["user"] == "u-key"
    assert form["title"] == "API is down" and form["priority"] == "1"
    assert form["url"] == "https://status.example.com"


def _pagerduty(request: Received) -> None:
    body = _json(request)
    assert body["routing_key"] == TOKEN and body["event_action"] == "trigger"
    assert body["dedup_key"] == "vigil-monitor.api.1.down"
    payload = body["payload"]
    assert payload["summary"] == "API is down" and payload["severity"] == "critical"
    assert payload["source"] == "https://api.example.com/health"
    assert payload["component"] == "api" and payload["group"] == "core"


def _opsgenie(request: Received) -> None:
    body = _json(request)
    assert request.headers["authorization"] == f"GenieKey {TOKEN}"
    assert body["alias"] == "vigil-monitor.api.1.down"
    assert body["message"] == "API is down" and body["priority"] == "P1"
    assert body["tags"] == ["ops", "down"] and body["entity"] == "api"


def _matrix(request: Received) -> None:
    body = _json(request)
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert body["msgtype"] == "m.text" and body["format"] == "org.matrix.custom.html"
    assert body["body"].startswith("API is down\n")
    assert "<strong>API is down</strong>" in body["formatted_body"]


def _zulip(request: Received) -> None:
    user, _, key = base64.b64decode(request.headers["authorization"][6:]).decode().partition(":")
    assert (user, key) == ("bot@example.zulipchat.com", TOKEN)
    form = request.form()
    assert form["type"] == "stream" and form["to"] == "ops" and form["topic"] == "status"
    assert form["content"].startswith("🔴 **API is down**")


def _webex(request: Received) -> None:
    body = _json(request)
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert body["roomId"] == "room-1" and body["markdown"].startswith("🔴 **API is down**")


def _twilio(request: Received) -> None:
    user, _, key = base64.b64decode(request.headers["authorization"][6:]).decode().partition(":")
    assert (user, key) == ("AC123", TOKEN)
    form = request.form()
    assert form["From"] == "+15005550006" and form["To"] in ("+4917000001", "+4917000002")
    assert form["Body"] == "API is down https://status.example.com"


def _oncall(request: Received) -> None:
    body = _json(request)
    assert body["alert_uid"] == "vigil-monitor.api.1.down" and body["state"] == "alerting"
    assert body["title"] == "API is down"
    assert body["link_to_upstream_details"] == "https://status.example.com"


def _apprise(request: Received) -> None:
    """Apprise's JSON service (`json://`): its own shape, the secret as Basic credentials."""
    body = _json(request)
    assert (body["title"], body["type"]) == ("API is down", "failure")
    assert "Error: http_status: 503 Service Unavailable" in body["message"]
    credentials = base64.b64encode(f"vigil:{TOKEN}".encode()).decode()
    assert request.headers["authorization"] == f"Basic {credentials}"


CASES: dict[str, Case] = {
    "webhook": Case("POST", "/hook", _webhook),
    "slack": Case("POST", f"/services/T/B/{TOKEN}", _slack),
    "discord": Case("POST", f"/api/webhooks/1/{TOKEN}", _discord),
    "teams": Case("POST", "/workflows/1", _teams),
    "google_chat": Case("POST", "/v1/spaces/S/messages", _google_chat),
    "mattermost": Case("POST", f"/hooks/{TOKEN}", _slack_like),
    "rocketchat": Case("POST", f"/hooks/1/{TOKEN}", _slack_like),
    "telegram": Case("POST", f"/bot{TOKEN}/sendMessage", _telegram),
    "ntfy": Case("POST", "/", _ntfy),
    "gotify": Case("POST", "/message", _gotify),
    "pushover": Case("POST", "/1/messages.json", _pushover),
    "pagerduty": Case("POST", "/v2/enqueue", _pagerduty),
    "opsgenie": Case("POST", "/v2/alerts", _opsgenie),
    "matrix": Case(
        "PUT", "/_matrix/client/v3/rooms/%21room%3Aexample.org/send/m.room.message/", _matrix
    ),
    "zulip": Case("POST", "/api/v1/messages", _zulip),
    "webex": Case("POST", "/v1/messages", _webex),
    "twilio": Case("POST", "/2010-04-01/Accounts/AC123/Messages.json", _twilio),
    "grafana_oncall": Case("POST", f"/integrations/v1/formatted_webhook/{TOKEN}/", _oncall),
    "apprise": Case("POST", "/apprise", _apprise),
}
EXPECTED_REQUESTS = {"twilio": 2}  # one SMS per recipient
# The channel types this module sends to a real receiver (email: test_notify_email.py).
RECEIVER_TESTED = tuple(sorted(CASES))


@pytest.mark.parametrize("name", RECEIVER_TESTED)
def test_channel_sends_the_services_format_to_a_real_receiver(name: str) -> None:
    case = CASES[name]
    with http_receiver(200) as receiver:
        outcome = deliver(DOWN, sample_channel(name, receiver.url))
    assert outcome.ok, outcome.detail
    assert len(receiver.requests) == EXPECTED_REQUESTS.get(name, 1)
    for request in receiver.requests:
        assert request.method == case.method
        assert request.path.startswith(case.path)
        if case.method == "POST":
            assert request.path == case.path
        assert request.headers["user-agent"].startswith("Vigil/")
        case.check(request)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("pagerduty", {"event_action": "resolve", "dedup_key": "vigil-monitor.api.1.down"}),
        ("grafana_oncall", {"state": "ok", "alert_uid": "vigil-monitor.api.1.down"}),
    ],
)
def test_a_recovery_resolves_the_alert_under_the_same_key(
    name: str, expected: dict[str, str]
) -> None:
    with http_receiver(202) as receiver:
        assert deliver(RECOVERED, sample_channel(name, receiver.url)).ok
    body = receiver.requests[0].json()
    assert {key: body[key] for key in expected} == expected
    if name == "pagerduty":
        assert "payload" not in body  # a resolve carries only the key


def test_opsgenie_closes_the_alert_by_its_alias() -> None:
    with http_receiver(202) as receiver:
        assert deliver(RECOVERED, sample_channel("opsgenie", receiver.url)).ok
    (request,) = receiver.requests
    assert request.path == "/v2/alerts/vigil-monitor.api.1.down/close"
    assert request.query == {"identifierType": ["alias"]}
    assert request.json() == {"source": "Vigil", "note": "API has recovered"}


def test_generic_webhook_sends_page_events_as_event_and_data() -> None:
    with http_receiver(200) as receiver:
        config = config_with([{"id": "c", "type": "webhook", "url": receiver.url}])
        assert deliver(INCIDENT, config.notifications[0]).ok
    (request,) = receiver.requests
    body = request.json()
    assert body["event"] == "incident.created"
    assert body["data"]["incident"]["id"] == "2026-11-23-errors"
    assert body["data"]["incident"]["updates"][0]["message"] == "We are investigating."
    assert "x-vigil-signature" not in request.headers  # no secret: not signed


def test_matrix_transaction_id_is_the_same_for_the_same_event() -> None:
    with http_receiver(200) as receiver:
        channel = sample_channel("matrix", receiver.url)
        deliver(DOWN, channel)
        deliver(DOWN, channel)
        deliver(RECOVERED, channel)
    paths = [request.path for request in receiver.requests]
    assert paths[0] == paths[1] != paths[2]


@pytest.mark.parametrize(
    ("answers", "ok", "attempts"),
    [
        ((429, 200), True, 2),  # too many requests: later
        ((502, 503, 200), True, 3),  # the service is failing: later
        ((500, 500, 500, 200), False, 3),  # bounded: 1 + retries attempts
        ((400, 200), False, 1),  # the request is wrong: again would not help
        ((404, 200), False, 1),
    ],
)
def test_only_429_5xx_timeouts_and_lost_connections_are_retried_with_doubling_backoff(
    answers: tuple[int, ...], ok: bool, attempts: int
) -> None:
    SLEPT.clear()
    with http_receiver(*answers) as receiver:
        outcome = deliver(DOWN, sample_channel("webhook", receiver.url, retries=2))
    assert (outcome.ok, outcome.attempts, len(receiver.requests)) == (ok, attempts, attempts)
    assert [1.0, 2.0][: attempts - 1] == SLEPT


def test_a_refused_connection_is_retried() -> None:
    SLEPT.clear()
    outcome = deliver(DOWN, sample_channel("webhook", "http://127.0.0.1:9", retries=1))
    assert not outcome.ok and outcome.attempts == 2 and SLEPT == [1.0]
    assert outcome.detail.startswith("ConnectError")


# A secret as odd as real ones get: JSON escapes it, forms and URLs percent-encode it.
HOSTILE = 'tok+en/with "quotes"\\and&more=é'


@pytest.mark.parametrize("token", [TOKEN, HOSTILE])
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_the_dry_run_of_every_channel_shows_its_request_but_never_its_secret(
    name: str, token: str
) -> None:
    url = "smtp://127.0.0.1:2525" if name == "email" else "http://127.0.0.1:9"
    config = config_with([{"id": "c", "type": name, **SAMPLES[name](url)}], {"TOKEN": token})
    shown = describe(config, config.notifications[0], DOWN)
    assert shown.startswith(("POST ", "PUT ", "SMTP 127.0.0.1:2525", "APPRISE "))
    assert "API is down" in unquote_plus(shown) or '"latency":812' in shown
    escaped = (json.dumps(token, ensure_ascii=ascii)[1:-1] for ascii in (False, True))
    for form in (token, *escaped, quote_plus(token), quote(token, safe="")):
        assert form not in shown and form not in unquote_plus(shown)
    for line in shown.splitlines():
        if line.lower().startswith("authorization:"):
            assert line.split()[2:] == ["***"], line  # Basic auth is base64 of the secret


def test_the_dry_run_of_a_channel_that_cannot_be_built_says_why() -> None:
    email = {**SAMPLES["email"]("smtp://127.0.0.1:2525"), "subject_prefix": "[a\nb] "}
    config = config_with([{"id": "c", "type": "email", **email}], ENV)
    shown = describe(config, config.notifications[0], DOWN)
    assert shown.startswith("cannot be sent: ValueError: ")


HOSTILE = "HTTP 503 <!channel> @here @all <@U123> <https://evil.example|click> & more"


@pytest.mark.parametrize("name", ["slack", "mattermost", "rocketchat"])
def test_target_text_cannot_mention_anyone_in_a_chat(name: str) -> None:
    """A target's reason phrase reaches the message; it must not ping the channel."""
    event = DOWN.model_copy(update={"text": HOSTILE, "title": "API is down @channel"})
    with http_receiver(200) as receiver:
        outcome = deliver(event, sample_channel(name, receiver.url))
    assert outcome.ok, outcome.detail
    sent = json.dumps(receiver.requests[0].json(), ensure_ascii=False)
    # Slack mentions (and links) only in <…> (no link_names is sent); the others mention on
    # a bare @word too, and show a URL as the URL.
    bare = ("<https://evil",) if name == "slack" else ("@here", "@all", "@channel")
    for mention in ("<!channel>", "<@U123>", *bare):
        assert mention not in sent, (name, mention)
    if name == "slack":
        assert "&lt;!channel&gt; @here" in sent and "&amp; more" in sent
    else:
        assert "<!\u2060channel> @\u2060here @\u2060all" in sent
