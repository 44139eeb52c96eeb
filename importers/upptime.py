"""Upptime: `.upptimerc.yml` (a file or its raw URL).

Read from Upptime's source (upptime/uptime-monitor): `src/interfaces.ts` (the keys),
`src/update.ts` (how a site is judged: the default expected status codes 200-208, 226,
300-308; `maxResponseTime` makes it degraded; the `__dangerous__body_*` rules; a failure is
tried twice more; `tcp-ping` and `ws` checks), `src/helpers/request.ts` (curl: 3 redirects
unless `maxRedirects`, 30 s timeout, `__dangerous__insecure`), `src/helpers/environment.ts`
(`$NAME` replaced from the environment and the repository secrets) and the default
workflow schedule (every 5 minutes). `status-website` keys from upptime/status-page.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from configuration.source import Path
from importers.base import (
    Document,
    Imported,
    Importer,
    identifier,
    milliseconds,
    skeleton,
)
from importers.reading import load_yaml

DEFAULT_STATUS = ["200-208", 226, "300-308"]  # update.ts: expectedStatusCodes default
DEFAULTS = {"interval": "5m", "timeout": "30s", "retries": 2}  # cron */5, curl TIMEOUT, 3 tries
MAX_REDIRECTS = 3  # request.ts
_SECRET = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_CRON_MINUTES = re.compile(r"\*/(\d+) \* \* \* \*")
_OPERATORS = (" == ", " != ", " <= ", " >= ", " > ", " < ")
TOP_LEVEL = {
    "owner": "",
    "repo": "",  # used for site.url when there is no cname
    "user-agent": "Vigil sends its own User-Agent; set a header per monitor",
    "delay": "Vigil checks concurrently; no delay between sites",
    "PAT": "Vigil needs no personal access token: the workflows use GITHUB_TOKEN",
    "runner": "each Vigil region names its runner: regions[].runs_on",
    "skipDescriptionUpdate": "Vigil does not edit the repository's description",
    "skipTopicsUpdate": "Vigil does not edit the repository's topics",
    "skipHomepageUpdate": "Vigil does not edit the repository's homepage",
    "skipDeleteIssues": "Vigil opens no GitHub issues",
    "skipPoweredByReadme": "Vigil does not edit the README; site.powered_by is the footer",
    "commitMessages": "Vigil commits results to the data branch with its own messages",
    "commitPrefixStatusUp": "Vigil commits no status changes to main",
    "commitPrefixStatusDown": "Vigil commits no status changes to main",
    "commitPrefixStatusDegraded": "Vigil commits no status changes to main",
    "summaryStartHtmlComment": "Vigil does not edit the README",
    "summaryEndHtmlComment": "Vigil does not edit the README",
    "liveStatusHtmlComment": "Vigil does not edit the README",
    "customStatusWebsitePackage": "Vigil builds its own page; templates/ changes it "
    "(docs/templates.md)",
    "skipGeneratingWebsite": "the build workflow makes the page; remove it to skip",
    "i18n": "Vigil's page text comes from its own catalogs: set site.language "
    "(en de fr es pt_BR ja) instead",
}
SITE_KEYS = {
    "name": "title",
    "logoUrl": "logo",
    "favicon": "favicon",
    "introMessage": "description",
}
SITE_SKIPPED = {
    "introTitle": "Vigil's header shows site.title",
    "navbar": "Vigil's header has no menu; site.homepage_url links the logo",
    "publish": "the build workflow always publishes",
    "singleCommit": "the build workflow deploys an artifact, no commit",
    "baseUrl": "site.url holds the whole address",
}


def run(location: str, now: datetime) -> Imported:
    document = load_yaml(location)
    if not isinstance(document.data, dict) or not isinstance(document.data.get("sites"), list):
        raise document.problem((), "expected an .upptimerc.yml: a mapping with sites")
    return Translation(document).imported()


def references(text: str) -> str:
    """Upptime's `$NAME` (the environment or a repository secret) as Vigil's `${NAME}`."""
    return _SECRET.sub(lambda match: f"${{{match[1]}}}", text)


class Translation:
    def __init__(self, document: Document) -> None:
        self.doc = document
        data = document.data
        self.result = Imported(skeleton("Status"))
        self.result.config["defaults"] = dict(DEFAULTS)
        self.ids: set[str] = set()
        self.result.comments += self.assignees((), data.get("assignees"))

    def skip(self, path: Path, why: str) -> None:
        self.result.untranslated.append(self.doc.untranslated(path, why))

    def imported(self) -> Imported:
        data = self.doc.data
        for key, why in TOP_LEVEL.items():
            if key in data and why:
                self.skip((key,), why)
        for key in data:
            if key not in TOP_LEVEL and key not in _HANDLED:
                self.skip((key,), "not an Upptime key Vigil knows")
        self.schedule(data.get("workflowSchedule"))
        self.site(data.get("status-website"), data.get("owner"), data.get("repo"))
        monitors = [self.monitor(("sites", i), site) for i, site in enumerate(data["sites"])]
        self.result.config["monitors"] = [m for m in monitors if m is not None]
        self.notifications(data.get("notifications"))
        return self.result

    def schedule(self, schedule: Any) -> None:
        if not isinstance(schedule, dict):
            return
        for key, cron in schedule.items():
            match = _CRON_MINUTES.fullmatch(str(cron)) if key == "uptime" else None
            if match and int(match[1]) > 0:
                self.result.config["defaults"]["interval"] = f"{int(match[1])}m"
            else:
                why = (
                    "Vigil's check workflow runs every 5 minutes; its schedule is yours to edit"
                    if key == "uptime"
                    else "Vigil has no such workflow"
                )
                self.skip(("workflowSchedule", key), why)

    def site(self, website: Any, owner: Any, repo: Any) -> None:
        site = self.result.config["site"]
        website = website if isinstance(website, dict) else {}
        for key, value in website.items():
            if key in SITE_KEYS and value:
                site[SITE_KEYS[key]] = str(value)
            elif key == "cname" and value:
                site["cname"] = str(value)
            elif key == "theme" and str(value) in ("light", "dark", "night"):
                site["theme"] = "light" if value == "light" else "dark"
            elif key in SITE_SKIPPED:
                self.skip(("status-website", key), SITE_SKIPPED[key])
            else:
                self.skip(
                    ("status-website", key),
                    "Vigil's page has no such setting; templates/ changes it (docs/templates.md)",
                )
        base = str(website.get("baseUrl") or "/").rstrip("/")
        if site.get("cname"):
            site["url"] = f"https://{site['cname']}{base}"
        elif owner and repo:
            site["url"] = f"https://{owner}.github.io/{repo}"

    def monitor(self, path: Path, site: Any) -> dict[str, Any] | None:
        if not isinstance(site, dict) or not site.get("name") or not site.get("url"):
            raise self.doc.problem(path, "a site needs a name and a url")
        check = str(site.get("check") or "http")
        name, url = str(site["name"]), references(str(site["url"]))
        monitor: dict[str, Any] = {
            "id": identifier(str(site.get("slug") or name), self.ids),
            "name": name,
        }
        if check == "tcp-ping":
            monitor.update(self.tcp(path, url, site))
        elif check == "ssl":
            monitor.update({"type": "tls", "host": urlsplit(url).hostname or url})
        elif check == "http":
            monitor.update(self.http(path, url, site))
        else:
            why = "Vigil has no WebSocket check" if check == "ws" else f'unknown check "{check}"'
            self.skip((*path, "check"), f"{why}: site not imported")
            self.ids.discard(monitor["id"])
            return None
        if site.get("maxResponseTime"):
            monitor["degraded_after"] = milliseconds(float(site["maxResponseTime"]))
        for key in site:
            if key in SITE_FIELDS_SKIPPED:
                self.skip((*path, key), SITE_FIELDS_SKIPPED[key])
        self.result.comments += self.assignees(path, site.get("assignees"), name)
        return monitor

    def tcp(self, path: Path, url: str, site: dict[str, Any]) -> dict[str, Any]:
        if not site.get("port"):
            raise self.doc.problem(path, "a tcp-ping site needs a port")
        port = references(str(site["port"]))
        return {"type": "tcp", "host": url, "port": int(port) if port.isdigit() else port}

    def http(self, path: Path, url: str, site: dict[str, Any]) -> dict[str, Any]:
        monitor: dict[str, Any] = {"type": "http", "url": url}
        if site.get("method"):
            monitor["method"] = str(site["method"]).upper()
        headers = {}
        for index, header in enumerate(site.get("headers") or []):
            header_name, colon, value = str(header).partition(":")
            if not colon:
                raise self.doc.problem((*path, "headers", index), 'expected "Name: value"')
            headers[header_name.strip()] = references(value.strip())
        if headers:
            monitor["headers"] = headers
        if site.get("body"):
            monitor["body"] = references(str(site["body"]))
        monitor["expected_status"] = site.get("expectedStatusCodes") or list(DEFAULT_STATUS)
        redirects = site.get("maxRedirects", MAX_REDIRECTS)
        if redirects == 0:
            monitor["follow_redirects"] = False
        else:
            monitor["max_redirects"] = int(redirects)
        if any(site.get(f"__dangerous__{key}") for key in _INSECURE):
            monitor["verify_tls"] = False
        monitor.update(self.body_rules(path, site))
        return monitor

    def body_rules(self, path: Path, site: dict[str, Any]) -> dict[str, Any]:
        """`__dangerous__body_*`: down ones as textBody assertions, degraded ones as
        degraded_conditions with a glob (`pat`), where the text can be written in one."""
        rules: dict[str, Any] = {}
        for key, compare in (
            ("body_down", "not_contains"),
            ("body_down_if_text_missing", "contains"),
        ):
            if site.get(f"__dangerous__{key}"):
                target = str(site[f"__dangerous__{key}"])
                rules.setdefault("assertions", []).append(
                    {"kind": "textBody", "compare": compare, "target": target}
                )
        for key, op in (("body_degraded", "!="), ("body_degraded_if_text_missing", "==")):
            text = site.get(f"__dangerous__{key}")
            if not text:
                continue
            if any(operator in f" {text} " for operator in _OPERATORS):
                self.skip(
                    (*path, f"__dangerous__{key}"),
                    "Vigil's conditions cannot hold text with "
                    "a spaced comparison operator: rule not imported",
                )
                continue
            rules.setdefault("degraded_conditions", []).append(
                f"[BODY] {op} pat(*{_glob(str(text))}*)"
            )
        return rules

    def notifications(self, notifications: Any) -> None:
        if not notifications:
            return
        self.result.comments += [
            "Upptime's notifications (make channels of them under notifications:, see",
            "docs/notifications.md; Upptime's NOTIFICATION_* secrets name the same services):",
        ]
        for item in notifications if isinstance(notifications, list) else [notifications]:
            self.result.comments.append(f"  {references(str(item))}")
        self.skip(("notifications",), "written as a comment on top of config.yaml")

    def assignees(self, path: Path, people: Any, site: str = "") -> list[str]:
        if not people:
            return []
        self.skip((*path, "assignees"), "written as a comment on top of config.yaml")
        whose = f" of {site}" if site else ""
        return [
            f"Upptime assignees{whose}: {', '.join(map(str, people))} (Vigil opens no issues;"
            " a channel under notifications: tells them)"
        ]


def _glob(text: str) -> str:
    """`text` matched literally inside a glob: `*`, `?` and `[` in brackets."""
    return re.sub(r"([*?\[])", r"[\1]", text)


_HANDLED = ("sites", "assignees", "notifications", "status-website", "workflowSchedule")
_INSECURE = ("insecure", "disable_verify_peer", "disable_verify_host")
SITE_FIELDS_SKIPPED = {
    "icon": "Vigil shows no icon per monitor",
    "tags": "Vigil opens no issues to label; use group: to sort monitors",
    "ipv6": "Vigil connects as the system resolves the name",
    "verbose": "`vigil check` prints every result anyway",
}
IMPORTER = Importer("upptime", "Upptime's .upptimerc.yml (a file or its raw URL)", run)
