"""Monthly reports: for each calendar month the history holds (this month and up to the 11
before, in `site.timezone`), every public monitor's uptime, downtime, outages, the written
incidents that affected it and whether its objective was met. Written as
`reports/YYYY-MM.json` (schema `schemas/report.schema.json`), `reports/YYYY-MM.csv` with the
same rows, and `reports/index.json` listing the months; the HTML page `/reports/` links them.

A month is listed when any public monitor has observed time in it, and the current month
always, marked `partial` (so far). Figures follow the rules of the page: uptime as
`history.model` computes it, downtime as uptime counts it, the objective by `history.slo`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from configuration.models import Config
from configuration.times import utc_iso
from history.slo import ErrorBudget, Month, error_budget, months
from history.timeline import MonitorTimeline
from rendering.api.v1 import uptime_value
from rendering.text.i18n import Locale
from rendering.views.budget import minutes, month_name
from rendering.views.context import BuildContext
from rendering.views.entries import Entry

FOLDER = "reports"
CSV_COLUMNS = (
    "month", "id", "name", "group", "uptime_percent", "downtime_minutes", "outages",
    "incident_count", "incident_ids", "slo", "slo_met", "budget_minutes", "budget_left_minutes",
)  # fmt: skip


@dataclass(frozen=True)
class ReportRow:
    """One public monitor in one month."""

    id: str
    name: str
    group: str | None
    month: Month  # its days of the month, summed
    outages: int  # detected outages that started in the month
    incidents: tuple[Entry, ...]  # written incidents that affected it during the month
    budget: ErrorBudget | None  # with an objective

    @property
    def uptime(self) -> float | None:
        """Percent, cut to two decimals as `api/v1` gives it (never rounded up to 100)."""
        return uptime_value(self.month.tally.uptime)


@dataclass(frozen=True)
class MonthReport:
    month: Month  # the bounds of the month (the first monitor's sums: use the rows')
    rows: list[ReportRow]  # in page order

    @property
    def key(self) -> str:
        return self.month.key


def monthly_reports(
    config: Config,
    order: Sequence[str],
    timelines: Mapping[str, MonitorTimeline],
    entries: Sequence[Entry],
    now: datetime,
) -> list[MonthReport]:
    """The reports of the months with data, newest first; `order`: the public monitors'
    ids in page order."""
    by_month: dict[str, list[ReportRow]] = {}
    bounds: dict[str, Month] = {}
    incidents: dict[str, list[Entry]] = {}
    for entry in entries:
        for monitor_id in entry.monitors if entry.kind == "incident" else ():
            incidents.setdefault(monitor_id, []).append(entry)
    for monitor_id in order:
        monitor, timeline = config.monitor(monitor_id), timelines[monitor_id]
        slo = config.slo_of(monitor)
        for month in months(timeline.year, config.site.timezone, now):
            bounds.setdefault(month.key, month)
            by_month.setdefault(month.key, []).append(
                ReportRow(
                    id=monitor.id,
                    name=monitor.name,
                    group=monitor.group,
                    month=month,
                    outages=sum(month.start <= o.start < month.end for o in timeline.outages),
                    incidents=_during(incidents.get(monitor.id, []), month, now),
                    budget=None if slo is None else error_budget(slo, month),
                )
            )
    reports = [
        MonthReport(bounds[key], rows)
        for key, rows in sorted(by_month.items(), reverse=True)
        if not bounds[key].complete or any(r.month.tally.observed for r in rows)
    ]
    return reports


def _during(incidents: Sequence[Entry], month: Month, now: datetime) -> tuple[Entry, ...]:
    return tuple(e for e in incidents if e.start < month.end and (e.end or now) > month.start)


def report_json(report: MonthReport, config: Config, now: datetime) -> dict[str, object]:
    month = report.month
    return {
        "month": report.key,
        "timezone": config.site.timezone,
        "start": utc_iso(month.start),
        "until": utc_iso(min(month.end, now)),
        "partial": not month.complete,
        "generated_at": utc_iso(now),
        "monitors": [_row_json(row) for row in report.rows],
    }


def _row_json(row: ReportRow) -> dict[str, object]:
    budget = row.budget
    return {
        "id": row.id,
        "name": row.name,
        "group": row.group,
        "uptime_percent": row.uptime,
        "downtime_minutes": minutes(row.month.tally.downtime),
        "outages": row.outages,
        "incident_count": len(row.incidents),
        "incidents": [{"id": e.id, "title": e.title} for e in row.incidents],
        "slo": None if budget is None else budget.slo,
        "slo_met": None if budget is None else budget.met,
        "budget_minutes": None if budget is None else minutes(budget.budget),
        "budget_left_minutes": None if budget is None else minutes(budget.left),
    }


def report_csv(report: MonthReport) -> str:
    """The JSON's rows as CSV: empty cells for nulls, incident ids separated by spaces."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in report.rows:
        values = _row_json(row)
        values["incident_ids"] = " ".join(e.id for e in row.incidents)
        values["month"] = report.key
        writer.writerow(_cell(values[column]) for column in CSV_COLUMNS)
    return out.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_reports(
    folder: Path, context: BuildContext, reports: Sequence[MonthReport]
) -> list[Path]:
    """Write `reports/` (each month's JSON and CSV, and `index.json`) under `folder`:
    `reports` are `build_reports(context)`, which the pages show too."""
    config, now = context.config, context.now
    out = folder / FOLDER
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for report in reports:
        data = json.dumps(report_json(report, config, now), ensure_ascii=False, indent=2)
        written.append(_write(out / f"{report.key}.json", data + "\n"))
        written.append(_write(out / f"{report.key}.csv", report_csv(report)))
    index = {
        "generated_at": utc_iso(now),
        "months": [
            {
                "month": r.key,
                "partial": not r.month.complete,
                "json": f"{r.key}.json",
                "csv": f"{r.key}.csv",
            }
            for r in reports
        ],
    }
    written.append(_write(out / "index.json", json.dumps(index, indent=2) + "\n"))
    return written


def _write(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8", newline="")
    return path


@dataclass(frozen=True)
class ReportRowView:
    name: str
    href: str  # the monitor's page, relative to the language's root
    uptime: str
    downtime: str
    outages: str
    incidents: list[tuple[str, str]]  # (title, href)
    objective: str  # "" without one
    verdict: str  # Met | Missed | ""
    missed: bool


@dataclass(frozen=True)
class ReportMonthView:
    key: str  # YYYY-MM, the files' names
    name: str  # e.g. "November 2026", with "(so far)" while it lasts
    rows: list[ReportRowView]  # only for the months shown as a table


TABLES = 2  # this month so far and the one before are shown as tables; all are linked


def build_reports(context: BuildContext) -> list[MonthReport]:
    """The build's reports, newest first: once for the files and every language's page
    (the written incidents' titles are the same in every language)."""
    order = [m.id for g in context.page.groups for m in g.monitors]
    return monthly_reports(context.config, order, context.timelines, context.entries, context.now)


def reports_page(reports: Sequence[MonthReport], locale: Locale) -> list[ReportMonthView]:
    """The months of the reports page, newest first."""
    return [_month_view(r, locale, shown < TABLES) for shown, r in enumerate(reports)]


def _month_view(report: MonthReport, locale: Locale, table: bool) -> ReportMonthView:
    name = month_name(report.month, locale)
    if not report.month.complete:
        name = locale.gettext("%(month)s (so far)") % {"month": name}
    rows = [_row_view(row, locale) for row in report.rows] if table else []
    return ReportMonthView(report.key, name, rows)


def _row_view(row: ReportRow, locale: Locale) -> ReportRowView:
    met = row.budget.met if row.budget else None
    verdicts = {True: locale.gettext("Met"), False: locale.gettext("Missed"), None: ""}
    return ReportRowView(
        name=row.name,
        href=f"monitors/{row.id}/",
        uptime=locale.percent(row.month.tally.uptime),
        downtime=locale.duration(row.month.tally.downtime),
        outages=locale.number(row.outages),
        incidents=[(e.title, f"incidents/{e.id}/") for e in row.incidents],
        objective=locale.percent(row.budget.slo) if row.budget else "",
        verdict=verdicts[met],
        missed=met is False,
    )
