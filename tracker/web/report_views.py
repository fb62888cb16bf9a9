"""The report pages: a chart with its table beside it, a print view and a CSV download, never a person."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, render_template, request, url_for
from flask.typing import ResponseReturnValue

from tracker.clock import local_today
from tracker.extensions import db
from tracker.reports import periods, registry
from tracker.reports.scope import ROLES, Scope
from tracker.web.blueprint import roles, staff
from tracker.web.routes import Routes

routes = Routes()

# How far back the period picker goes: this year and the four before it, each with its started quarters.
YEARS_OFFERED = 5
BY_WORDS = {
    "establishment": "Establishment",
    "probation_team": "Probation team",
    "sex": "Sex",
    "age_band": "Age band",
    "ethnic_group": "Ethnic group",
    "sentence_length": "Sentence length",
    "month": "Month",
}


@routes.get("/reports")
@roles(*ROLES)
def reports() -> ResponseReturnValue:
    """Every report, with what it shows."""
    found = [(name, title(name), module.NOTE["shows"]) for name, module in registry.REPORTS.items()]
    return render_template("reports.html", title="Reports", reports=found)


@routes.get("/reports/<name>")
@roles(*ROLES)
def report(name: str) -> ResponseReturnValue:
    """One report for the chosen period and breakdown: chart, table, note, CSV and print links."""
    return _page(name, "report.html", "page")


@routes.get("/reports/<name>/print")
@roles(*ROLES)
def report_print(name: str) -> ResponseReturnValue:
    """The report's note and table on paper."""
    return _page(name, "report_print.html", "print")


@routes.get("/reports/<name>/csv")
@roles(*ROLES)
def report_csv(name: str) -> ResponseReturnValue:
    """The report as CSV, the same columns as the API's."""
    result = _run(name, "csv")
    filename = f"{name}-{result['period']['name']}-{result['by']}.csv"
    return Response(
        registry.to_csv(result),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def by_words(by: str) -> str:
    """A breakdown in words."""
    return BY_WORDS.get(by, by.replace("_", " ").capitalize())


def title(name: str) -> str:
    """A report's title: its TITLE, else its name in words."""
    return getattr(registry.module(name), "TITLE", name.replace("_", " ").capitalize())


def _run(name: str, how: str) -> dict[str, Any]:
    me = staff()
    result = registry.run(
        name, request.args.get("period") or None, request.args.get("by") or None, Scope.of(me), local_today()
    )
    registry.record_view(me.id, result, how)
    db.session.commit()
    return result


def _page(name: str, template: str, how: str) -> ResponseReturnValue:
    result = _run(name, how)
    module = registry.module(name)
    query = {"period": result["period"]["name"], "by": result["by"]}
    return render_template(
        template,
        title=title(name),
        report=result,
        columns=registry.columns(name, result),
        chart=_chart(module, result),
        period_options=_period_options(local_today(), result["period"]["name"]),
        by_options=[
            {"value": by, "text": by_words(by), "selected": by == result["by"]} for by in module.BREAKDOWNS
        ],
        by_words=by_words(result["by"]),
        csv_href=url_for("web.report_csv", name=name, **query),
        print_href=url_for("web.report_print", name=name, **query),
        back_href=url_for("web.report", name=name, **query),
    )


def _chart(module: Any, result: dict[str, Any]) -> dict[str, Any]:
    """What the chart draws: the first rate if the report has one, else its first count, by group."""
    rates = getattr(module, "RATES", ())
    measure = rates[0] if rates else module.COUNTS[0]
    trend = result["by"] == "month"
    references = getattr(module, "REFERENCES", ()) if trend and rates else ()
    return {
        "kind": "line" if trend else "bar",
        "label": measure.label,
        "percent": bool(rates),
        "labels": [row["group"] for row in result["rows"]],
        "values": [row[measure.name] for row in result["rows"]],
        "references": [{"label": r.label, "value": r.value} for r in references],
    }


def _period_options(today: date, chosen: str) -> list[dict[str, Any]]:
    year = periods.financial_year(today)
    options = []
    for _ in range(YEARS_OFFERED):
        for period in [year, *periods.started_quarters(year, today)]:
            words = f"{period.name} quarter {period.quarter}" if period.quarter else f"{period.name} (year)"
            options.append({"value": period.name, "text": words, "selected": period.name == chosen})
        year = periods.financial_year(year.start_on.replace(year=year.start_on.year - 1))
    return options
