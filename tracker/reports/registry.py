"""The reports by name, and how one is run, checked, audited and written as CSV.

A report is a module tracker/reports/<name>.py, added to REPORTS below, exposing:

    NOTE = {"shows": ..., "included": ..., "counted": ...}   plain sentences for the page and the API
    BREAKDOWNS = ("establishment", ...)                     the `by` values it offers (breakdowns.BY)
    COUNTS = (Count("released", ...), Count("started", ..., of="released"), ...)
    RATES = (Rate(...), ...)                                optional; shares between two counts
    REFERENCES = (Reference("England 2023-24", 53), ...)    optional; lines on the trend chart
    def counts(year: Period, by: str, scope: Scope, today: date) -> Select:
        one statement over the whole financial year `year`, selecting (group, month, *COUNTS):
        group = breakdowns.group_expression(by, facts, year), month = breakdowns.month_index(on, year),
        filtered by scope.scope_filter(scope, ...), grouped by both. No person ever leaves it.
    STATISTICS = (Statistic("median_days", ..., over="started"), ...)     optional, with
    def statistics(period: Period, by: str | None, scope: Scope, today: date) -> Select:
        rows (group, *STATISTICS) for the period itself; by None gives the one row of the total.

table.build puts the year, its quarters and the groups together and suppresses them as one table.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from types import ModuleType
from typing import Any

from tracker import audit
from tracker.errors import Invalid
from tracker.reports import (
    breakdowns,
    continuity,
    handovers,
    outcomes,
    periods,
    referrals,
    service_user_voice,
    table,
    unmet_need,
)
from tracker.reports.scope import Scope

REPORTS: dict[str, ModuleType] = {
    "continuity": continuity,
    "referrals": referrals,
    "outcomes": outcomes,
    "handovers": handovers,
    "service_user_voice": service_user_voice,
    "unmet_need": unmet_need,
}
FORMATS = ("json", "csv")
SUPPRESSED = "[c]"


def module(name: str) -> ModuleType:
    """The report called `name`, or a 422 naming the field."""
    if name not in REPORTS:
        raise Invalid({"name": f"Must be one of: {', '.join(REPORTS)}."})
    return REPORTS[name]


def run(name: str, period: str | None, by: str | None, scope: Scope, today: date) -> dict[str, Any]:
    """The report for a fixed period and a breakdown it offers, suppressed, in the caller's scope."""
    report = module(name)
    errors = {}
    try:
        chosen = periods.parse(period, today)
    except periods.BadPeriod as error:
        errors["period"] = str(error)
    by = by or report.BREAKDOWNS[0]
    if by not in report.BREAKDOWNS:
        errors["by"] = f"Must be one of: {', '.join(report.BREAKDOWNS)}."
    if errors:
        raise Invalid(errors)
    return table.build(name, report, chosen, by, scope, today)


def record_view(actor_id: int | None, result: dict[str, Any], how: str) -> None:
    """Audit a view or an export of a report (how: page, json, csv, print, cli); the caller commits."""
    audit.record(
        actor_id,
        "export" if how in ("csv", "cli") else "view",
        subject_type="report",
        report=result["report"],
        period=result["period"]["name"],
        by=result["by"],
        how=how,
    )


def columns(name: str, result: dict[str, Any] | None = None) -> list[tuple[str, str]]:
    """Each value column of a report's rows after `group`: (name, label); with a result, its monthly
    columns too (referrals made month by month: made_2025-04)."""
    report = module(name)
    found = [(c.name, c.label) for c in report.COUNTS]
    found += [(r.name, r.label) for r in getattr(report, "RATES", ())]
    found += [(s.name, s.label) for s in getattr(report, "STATISTICS", ())]
    labels = {c.name: c.label for c in report.COUNTS}
    months = result.get("months", ()) if result else ()
    for monthly in getattr(report, "MONTHLY", ()):
        found += [(f"{monthly}_{m}", f"{labels[monthly]}: {m}") for m in months]
    return found


def to_csv(result: dict[str, Any]) -> str:
    """The report's rows and total as CSV, the same columns as the JSON; suppressed cells read [c]."""
    names = [name for name, _ in columns(result["report"], result)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([result["by"], *names])
    for row in [*result["rows"], result["total"]]:
        writer.writerow([row["group"], *(SUPPRESSED if row[n] is None else row[n] for n in names)])
    return out.getvalue()


def offered() -> dict[str, tuple[str, ...]]:
    """Every report and the breakdowns it offers."""
    return {name: tuple(r.BREAKDOWNS) for name, r in REPORTS.items()}


__all__ = ["REPORTS", "breakdowns", "module", "run", "record_view", "to_csv", "columns", "offered"]
