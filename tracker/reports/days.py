"""Whole days between two dates, and the median and 90th percentile of them by group, in SQL.

SQLite has no percentile functions: both figures come from ranking each group's values with window
functions (row_number and count over the group), on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Float, Integer, Select, case, cast, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class _DaysBetween(FunctionElement[int]):
    """later - earlier in whole days, both dates."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


def days_between(later: ColumnElement[Any], earlier: ColumnElement[Any]) -> ColumnElement[int]:
    """`later` - `earlier` in days, in SQL."""
    return _DaysBetween(later, earlier)


@compiles(_DaysBetween)
def _days_between_postgresql(element: _DaysBetween, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"(CAST({later} AS DATE) - CAST({earlier} AS DATE))"


@compiles(_DaysBetween, "sqlite")
def _days_between_sqlite(element: _DaysBetween, compiler: Any, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return (
        f"CAST(julianday({compiler.process(later, **kw)}) - julianday({compiler.process(earlier, **kw)})"
        " AS INTEGER)"
    )


def median_and_p90(grouped: Select) -> Select:
    """(group, median, p90) from a statement of (grp, days) rows.

    The median is the middle value (the mean of the two middle ones for an even count); the 90th
    percentile is the nearest-rank value, the ceil(0.9 n)-th smallest.
    """
    rows = grouped.subquery()
    ranked = select(
        rows.c.grp,
        rows.c.days,
        func.row_number().over(partition_by=rows.c.grp, order_by=rows.c.days).label("rn"),
        func.count().over(partition_by=rows.c.grp).label("n"),
    ).subquery()
    rn, n = ranked.c.rn, ranked.c.n
    middle = or_(rn == (n + 1) // 2, rn == (n + 2) // 2)
    median = cast(func.avg(case((middle, ranked.c.days))), Float)
    p90 = func.max(case((rn == (9 * n + 9) // 10, ranked.c.days)))
    return select(ranked.c.grp, median.label("median_days"), p90.label("p90_days")).group_by(ranked.c.grp)
