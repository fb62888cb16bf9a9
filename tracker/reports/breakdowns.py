"""Breakdowns (`by`): the SQL expression of each group, from values fixed at the event, and its labels."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    case,
    cast,
    extract,
    func,
    literal,
    literal_column,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from tracker.auth.models import Team
from tracker.extensions import db
from tracker.pathway.equality import ETHNIC_GROUPS
from tracker.pathway.models import Handover
from tracker.reports.periods import Period, month_label

BY = (
    "establishment",
    "probation_team",
    "sex",
    "age_band",
    "ethnic_group",
    "sentence_length",
    "month",
    "service",
    "stage",
)
# What a report about releases can be broken down by: each value as it was at the release.
RELEASE_BREAKDOWNS = BY[:7]
# service: the team a referral went to (the receiving service).
TEAM_BREAKDOWNS = ("establishment", "probation_team", "service")
UNKNOWN = {"sex": "not_stated", "ethnic_group": "not_stated", "age_band": "unknown"}
UNKNOWN_LABEL = "unknown"
# Group by the first two columns by position: PostgreSQL takes a CASE or a sum with bound values in the
# SELECT and the same in GROUP BY as two different expressions.
BY_GROUP_AND_MONTH = (literal_column("1"), literal_column("2"))


class BadBreakdown(ValueError):
    """A `by` the report does not offer."""


@dataclass(frozen=True)
class Facts:
    """Where a report's events keep each breakdown's value as it was at the event.

    `on` is the event's date; team columns hold team ids; `ethnic_group` holds an ONS 2021 code,
    reported in its top-level group; `age_band` and `sentence_length` hold bands already.
    """

    on: ColumnElement[date]
    establishment: ColumnElement[Any] | None = None
    probation_team: ColumnElement[Any] | None = None
    sex: ColumnElement[Any] | None = None
    age_band: ColumnElement[Any] | None = None
    ethnic_group: ColumnElement[Any] | None = None
    sentence_length: ColumnElement[Any] | None = None
    service: ColumnElement[Any] | None = None
    # stage: the kind of stage an episode is (unmet need's screening coverage per stage).
    stage: ColumnElement[Any] | None = None


# An actual release's breakdown values, kept on its handover as they were at A.
RELEASE_FACTS = Facts(
    on=Handover.released_on,
    establishment=Handover.team_id,
    probation_team=Handover.probation_team_id,
    sex=Handover.sex,
    age_band=Handover.age_band,
    ethnic_group=Handover.ethnic_group,
    sentence_length=Handover.sentence_band,
)


def month_index(on: ColumnElement[date], year: Period) -> ColumnElement[int]:
    """The event's month within the financial year: 0 (April) to 11 (March), in SQL on both databases."""
    months = cast(extract("year", on), Integer) * 12 + cast(extract("month", on), Integer)
    return months - (year.year_start_on.year * 12 + 4)


def group_expression(by: str | None, facts: Facts, year: Period) -> ColumnElement[Any]:
    """The group an event counts in for `by` (None: one group, for a total statistic)."""
    if by is None:
        return literal("total")
    if by == "month":
        return month_index(facts.on, year)
    column = getattr(facts, by, None)
    if by not in BY or column is None:
        raise BadBreakdown(by)
    if by == "ethnic_group":
        top = {code: level for code, level in ETHNIC_GROUPS.items()}
        return case(top, value=column, else_=literal("not_stated"))
    if by in UNKNOWN:
        return func.coalesce(column, UNKNOWN[by])
    return column


def labels(by: str, keys: Iterable[Any], year: Period) -> dict[Any, str]:
    """What each group is called: a team's name, a month as 2025-04, else the code itself."""
    keys = list(keys)
    if by == "month":
        return {k: month_label(year.year_start_on, int(k)) for k in keys}
    if by in TEAM_BREAKDOWNS:
        ids = [k for k in keys if k is not None]
        names = dict(db.session.execute(select(Team.id, Team.name).where(Team.id.in_(ids))).tuples().all())
        return {k: names.get(k, UNKNOWN_LABEL) if k is not None else UNKNOWN_LABEL for k in keys}
    return {k: str(k) if k is not None else UNKNOWN_LABEL for k in keys}


class _PlusDays(FunctionElement[date]):
    """A date column plus a whole number of days, on SQLite and PostgreSQL alike."""

    type = Date()
    inherit_cache = True
    name = "plus_days"


def plus_days(on: ColumnElement[date], days: int) -> ColumnElement[date]:
    """`on` + `days` in SQL."""
    return _PlusDays(on, literal(days, Integer))


@compiles(_PlusDays)
def _plus_days_postgresql(element: _PlusDays, compiler: Any, **kw: Any) -> str:
    on, days = list(element.clauses)
    return f"({compiler.process(on, **kw)} + {compiler.process(days, **kw)})"


@compiles(_PlusDays, "sqlite")
def _plus_days_sqlite(element: _PlusDays, compiler: Any, **kw: Any) -> str:
    on, days = list(element.clauses)
    return f"date({compiler.process(on, **kw)}, {compiler.process(days, **kw)} || ' days')"


def age_band_expression(date_of_birth: ColumnElement[Any], on: ColumnElement[Any]) -> ColumnElement[str]:
    """equality.age_band in SQL: the band a person was in on `on`, from their date of birth."""

    def part(name: str, day: ColumnElement[Any]) -> ColumnElement[int]:
        return cast(extract(name, day), Integer)

    to_come = case(
        (
            part("month", on) * 100 + part("day", on)
            < part("month", date_of_birth) * 100 + part("day", date_of_birth),
            1,
        ),
        else_=0,
    )
    age = part("year", on) - part("year", date_of_birth) - to_come
    return case(
        (date_of_birth.is_(None), "unknown"),
        (age < 18, "under_18"),
        (age <= 24, "18_24"),
        (age <= 34, "25_34"),
        (age <= 44, "35_44"),
        (age <= 54, "45_54"),
        else_="55_plus",
    )
