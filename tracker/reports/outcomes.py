"""Outcomes: returns to custody within 3 and 12 months of release, by sentence length; ATR starts, ends
and how they ended. Two kinds of event in one statement: releases and ATR stages, each in its month."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import ColumnElement, Integer, Select, Subquery, and_, case, func, literal, select, union_all
from sqlalchemy.orm import aliased

from tracker.pathway.models import Handover, Stage
from tracker.pathway.stages import ATR_EXIT_REASONS
from tracker.reports.breakdowns import Facts, group_expression, month_index, plus_days
from tracker.reports.days import days_between
from tracker.reports.measures import Count, Rate
from tracker.reports.periods import Period
from tracker.reports.scope import Scope, scope_filter

NOTE = {
    "shows": "How many people released from prison were back in custody within 3 and within 12 months, "
    "and how many alcohol treatment requirements (ATRs) started, ended and how they ended.",
    "included": "Returns: each actual release in the period whose 3 (or 12) month window has ended by today, "
    "grouped by its sentence length as it was on the day of release. ATRs: each ATR that started in the "
    "period, and each that ended in it, counted in the month of that event; under sentence length they "
    "form their own group (atr_order).",
    "counted": "Back in custody: a custody stage starting after the release and within 91 days (3 months) "
    "or 365 days (12 months) of it. ATR exits by the reason recorded when the stage that ended the ATR "
    "was added (not recorded: none given). Counts under 5, and any figure one could be worked out from, "
    "are suppressed; rates only over 10 or more.",
}
BREAKDOWNS = ("sentence_length", "month")
WINDOWS = {"3m": 91, "12m": 365}
EXITS = (*ATR_EXIT_REASONS, "not_recorded")
COUNTS = (
    Count("released_3m", "Released, 3 months passed"),
    Count("returned_3m", "Back in custody within 3 months", of="released_3m"),
    Count("released_12m", "Released, 12 months passed"),
    Count("returned_12m", "Back in custody within 12 months", of="released_12m"),
    Count("atr_started", "ATRs started"),
    Count("atr_ended", "ATRs ended"),
    *(Count(f"atr_{r}", f"ATR ended: {r.replace('_', ' ')}", of="atr_ended") for r in EXITS),
)
PARTS = {"atr_ended": tuple(f"atr_{r}" for r in EXITS)}
RATES = (
    Rate("returned_3m_share", "Back within 3 months (%)", "returned_3m", "released_3m"),
    Rate("returned_12m_share", "Back within 12 months (%)", "returned_12m", "released_12m"),
)
ATR_GROUP = "atr_order"
RELEASE_FACTS = Facts(on=Handover.released_on, sentence_length=Handover.sentence_band)
NAMES = [c.name for c in COUNTS]


def counts(year: Period, by: str, scope: Scope, today: date) -> Select:
    """(group, month, *COUNTS) over releases and ATR stages, summed by group and month."""
    parts = union_all(
        _releases(year, by, scope, today),
        _atrs(year, by, scope, today, Stage.start_on, started=True),
        _atrs(year, by, scope, today, Stage.end_on, started=False),
    ).subquery()
    return select(parts.c.grp, parts.c.month, *(func.sum(parts.c[n]).label(n) for n in NAMES)).group_by(
        parts.c.grp, parts.c.month
    )


def _n(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


def _first_return(year: Period, today: date, in_year) -> Subquery:
    """Per release of the year, the days to the first custody stage started after it within 12 months:
    one join the database hashes, over the custody stages that can fall in a window (indexed)."""
    back = aliased(Stage)
    days = days_between(back.start_on, Handover.released_on)
    return (
        select(Handover.id.label("handover_id"), func.min(days).label("days"))
        .join(back, back.person_id == Handover.person_id)
        .where(
            *in_year,
            back.kind == "custody",
            back.start_on > year.start_on,
            back.start_on <= min(year.end_on, today) + timedelta(days=max(WINDOWS.values())),
            back.start_on > Handover.released_on,
            back.start_on <= plus_days(Handover.released_on, max(WINDOWS.values())),
        )
        .group_by(Handover.id)
        .subquery("first_return")
    )


def _releases(year: Period, by: str, scope: Scope, today: date) -> Select:
    in_year = (
        Handover.kind == "release",
        Handover.released_on >= year.start_on,
        Handover.released_on <= min(year.end_on, today),
        scope_filter(scope, establishment=Handover.team_id, probation_team=Handover.probation_team_id),
    )
    back = _first_return(year, today, in_year)
    columns: dict[str, ColumnElement[int]] = {n: literal(0, Integer) for n in NAMES}
    for window, days in WINDOWS.items():
        ended = Handover.released_on <= today - timedelta(days=days)
        columns[f"released_{window}"] = _n(ended)
        columns[f"returned_{window}"] = _n(and_(ended, back.c.days <= days))
    return (
        select(
            group_expression(by, RELEASE_FACTS, year).label("grp"),
            month_index(Handover.released_on, year).label("month"),
            *(value.label(name) for name, value in columns.items()),
        )
        .outerjoin(back, back.c.handover_id == Handover.id)
        .where(*in_year)
    )


def _atrs(year: Period, by: str, scope: Scope, today: date, on, started: bool) -> Select:
    columns: dict[str, ColumnElement[int]] = {n: literal(0, Integer) for n in NAMES}
    if started:
        columns["atr_started"] = literal(1, Integer)
    else:
        columns["atr_ended"] = literal(1, Integer)
        for reason in ATR_EXIT_REASONS:
            columns[f"atr_{reason}"] = _n(Stage.exit_reason == reason)
        columns["atr_not_recorded"] = _n(Stage.exit_reason.is_(None))
    group = month_index(on, year) if by == "month" else literal(ATR_GROUP)
    return select(
        group.label("grp"),
        month_index(on, year).label("month"),
        *(value.label(name) for name, value in columns.items()),
    ).where(
        Stage.kind == "atr",
        on >= year.start_on,
        on <= min(year.end_on, today),
        scope_filter(scope, probation_team=Stage.team_id, treatment_team=Stage.treatment_team_id),
    )
