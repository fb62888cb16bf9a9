"""Run one report for a period, a breakdown and a scope, and suppress it as one table with its year.

The report's statement counts each group by month over the whole financial year; from that one result
the year, its started quarters and the groups are put together as one table (year = its quarters,
total = its rows, numerator + complement = denominator), and suppression runs over all of it. Totals
are suppressed first and alone, because every breakdown shows the same totals: whatever one breakdown
hides of them, all hide.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from datetime import date
from typing import Any

from sqlalchemy import text

from tracker.extensions import db
from tracker.reports import breakdowns, periods
from tracker.reports.measures import Count
from tracker.reports.periods import Period
from tracker.reports.scope import Scope
from tracker.reports.suppression import Relation, _exposed, is_small, pinned, protect, rate, uncollected

TOTAL = "__total__"
YEAR = 0  # the period key of the whole year; quarters are 1 to 4
MONTH = 100  # month m of the year (0: April) is the period key MONTH + m
# The last tables suppressed, by everything their suppression depends on: the year, a quarter of it, its
# CSV and its print view are one table, suppressed once (a table of 120 establishments takes a few
# hundred milliseconds). Keyed by the counts themselves, so a changed count is a new table.
SUPPRESSED: OrderedDict[Any, frozenset] = OrderedDict()
REMEMBERED = 16
_REMEMBERING = threading.Lock()


def build(name: str, module: Any, period: Period, by: str, scope: Scope, today: date) -> dict[str, Any]:
    """The report as the API returns it: {report, period, by, note, rows, total}."""
    year = period.year
    quarters = [q.quarter for q in periods.started_quarters(year, today)]
    months = [m for m in range(12) if periods.month_start(year.year_start_on, m) <= today]
    counts: tuple[Count, ...] = module.COUNTS
    raw: dict[tuple[Any, int], list[int]] = {}
    if db.session.get_bind().dialect.name == "postgresql":
        # One large statement over many rows: PostgreSQL's JIT would spend seconds compiling its many
        # expressions to save milliseconds running them; and its grouping of a year's episodes (unmet
        # need: about 190,000 nationally) fits in memory with a little more than the default 4 MB.
        db.session.execute(text("SET LOCAL jit = off"))
        db.session.execute(text("SET LOCAL work_mem = '64MB'"))
    for group, month, *values in db.session.execute(module.counts(year, by, scope, today)):
        raw[(group, int(month))] = [int(v or 0) for v in values]
    groups = months if by == "month" else sorted({g for g, _ in raw}, key=lambda g: (g is None, str(g)))
    # A report's MONTHLY counts (referrals made: demand) are shown month by month in each group's row.
    monthly: tuple[str, ...] = getattr(module, "MONTHLY", ()) if by != "month" else ()
    values = _cells(raw, groups, by, months, counts, monthly)
    parts = getattr(module, "PARTS", {})
    hidden = _suppressed(values, [] if by == "month" else groups, quarters, counts, parts)
    key = period.quarter or YEAR
    in_period = [m for m in months if key == YEAR or m // 3 + 1 == key]
    stats = _statistics(module, period, by, scope, today)
    if by == "month":
        # The months are the total's months, suppressed with the totals: the same in every breakdown.
        names = breakdowns.labels(by, in_period, year)
        rows = [_row(names[m], TOTAL, MONTH + m, values, hidden, module, stats.get(m)) for m in in_period]
    else:
        shown = [g for g in groups if (g, key, counts[0].name) in values]
        names = breakdowns.labels(by, shown, year)
        rows = [_row(names[g], g, key, values, hidden, module, stats.get(g)) for g in shown]
    total = _row("Total", TOTAL, key, values, hidden, module, stats.get(TOTAL))
    labels = {m: periods.month_label(year.year_start_on, m) for m in in_period}
    if monthly:  # never by month: then the rows are the months themselves
        for row, group in zip([*rows, total], [*shown, TOTAL], strict=True):
            _monthly(row, group, labels, monthly, values, hidden)
    note = module.NOTE
    result = {
        "report": name,
        "period": {"name": period.name, "start_on": period.start_on, "end_on": period.end_on},
        "by": by,
        "note": {"shows": note["shows"], "included": note["included"], "counted": note["counted"]},
        "rows": rows,
        "total": total,
    }
    if monthly:
        result["months"] = list(labels.values())
    return result


def _monthly(row, group, labels, monthly, values, hidden) -> None:
    """Add each MONTHLY count month by month to a row, as `<name>_<YYYY-MM>`."""
    for name in monthly:
        for m, label in labels.items():
            cell = (group, MONTH + m, name)
            row[f"{name}_{label}"] = None if cell in hidden else values.get(cell, 0)
            if cell in hidden:
                row["suppressed"].append(f"{name}_{label}")


def _columns(counts: tuple[Count, ...]) -> list[tuple[str, str | None, str | None]]:
    """Each count and each complement `~name` (denominator minus numerator): (name, part of, numerator);
    a count's numerator is None, a complement's the count it complements."""
    columns: list[tuple[str, str | None, str | None]] = [(c.name, c.of, None) for c in counts]
    return columns + [(f"~{c.name}", c.of, c.name) for c in counts if c.of]


def _cells(raw, groups, by, months, counts, monthly) -> dict[tuple[Any, int, str], int]:
    """Every cell: each group's year and quarters (and its MONTHLY counts by month), the total's year,
    quarters and months. By month there are no groups: the rows are the total's months."""
    index = {c.name: i for i, c in enumerate(counts)}
    columns = _columns(counts)
    totals = {month: _sum_months(raw, month, len(counts)) for month in months}
    values: dict[tuple[Any, int, str], int] = defaultdict(int)
    for group in [TOTAL] if by == "month" else [*groups, TOTAL]:
        for quarter in sorted({m // 3 + 1 for m in months}):
            for name, _, _ in columns:  # a quarter with no events is still a cell (0)
                values[(group, YEAR, name)] += 0
                values[(group, quarter, name)] += 0
        for month in months:
            found = raw.get((group, month)) if group != TOTAL else totals[month]
            for name, of, numerator in columns:
                value = _value(found, index, name, of, numerator)
                values[(group, YEAR, name)] += value
                values[(group, month // 3 + 1, name)] += value
                if group == TOTAL or name in monthly:
                    values[(group, MONTH + month, name)] = value
    return dict(values)


def _sum_months(raw, month: int, width: int) -> list[int]:
    rows = [v for (_, m), v in raw.items() if m == month]
    return [sum(r[i] for r in rows) for i in range(width)]


def _value(found, index, name, of, numerator) -> int:
    if found is None:
        return 0
    if numerator is None:
        return found[index[name]]
    return found[index[of]] - found[index[numerator]]


def _suppressed(values, groups, quarters, counts, parts) -> frozenset:
    """_suppress, remembered for the last REMEMBERED tables."""
    key = (
        frozenset(values.items()),
        tuple(groups),
        tuple(quarters),
        tuple((c.name, c.of) for c in counts),
        tuple(sorted(parts.items())),
    )
    with _REMEMBERING:
        if key in SUPPRESSED:
            SUPPRESSED.move_to_end(key)
            return SUPPRESSED[key]
    with uncollected():
        hidden = _suppress(values, groups, quarters, counts, parts)
    with _REMEMBERING:
        SUPPRESSED[key] = hidden
        while len(SUPPRESSED) > REMEMBERED:
            SUPPRESSED.popitem(last=False)
    return hidden


def _suppress(values, groups, quarters, counts, parts=None) -> frozenset:
    columns = _columns(counts)
    keys = [YEAR, *quarters, *sorted({c[1] for c in values if c[1] >= MONTH})]
    relations = _relations([TOTAL], quarters, columns, values) + _parts([TOTAL], keys, parts, values)
    totals = {c: v for c, v in values.items() if c[0] == TOTAL}
    hidden_totals = protect(totals, relations, primary=_small(totals, columns)).hidden
    if not groups:
        return frozenset(hidden_totals)
    relations = (
        _relations(groups, quarters, columns, values)
        + _parts(groups, keys, parts, values)
        + [
            Relation((TOTAL, key, name), tuple((g, key, name) for g in groups if (g, key, name) in values))
            for key in keys
            for name, _, _ in columns
            if any((g, key, name) in values for g in groups)
        ]
    )
    small = _small({c: v for c, v in values.items() if c[0] != TOTAL}, columns)
    # A row's 0 where the period's total shows 0 is known to all and tells of nobody: it is shown, and
    # never hidden to protect another cell (it would protect nothing).
    told = frozenset(
        c
        for c, v in values.items()
        if v == 0
        and c[0] != TOTAL
        and values.get((TOTAL, c[1], c[2])) == 0
        and (TOTAL, c[1], c[2]) not in hidden_totals
    )
    result = protect(
        values,
        relations,
        primary=(small | hidden_totals) - told,
        may_hide=lambda c: c[0] != TOTAL and c not in told,
    )
    if not result.unprotected:
        return frozenset(result.hidden)
    # Safe before exact: hide a whole column, in every row, for each relation left unprotected. First
    # only its parts' columns (a rate's numerator and complement, not the count they share, so a
    # report keeps its releases), checked against the attacker's bounds; if that still gives a cell
    # away, every column of those relations, wholes too.
    narrow = _hide_columns(
        {c[2] for r in result.unprotected for c in r.parts}, result.hidden, values, relations, told
    )
    if not pinned(values, relations, narrow):
        return narrow
    names = {c[2] for r in result.unprotected for c in (r.whole, *r.parts)}
    return _hide_columns(names, result.hidden, values, relations, told)


def _hide_columns(names, hidden_already, values, relations, told) -> frozenset:
    """Hide the columns `names` in every row but the total's, then any column a relation is left with one
    hidden cell in (a whole hidden alone beside shown parts is their sum), until no relation is."""
    names = set(names)
    while True:
        hidden = set(hidden_already) | {c for c in values if c[2] in names and c[0] != TOTAL} - told
        more = {
            c[2]
            for r in relations
            if _exposed(r, values, hidden)
            and any(c not in hidden and c[0] != TOTAL for c in (r.whole, *r.parts))
            for c in (r.whole, *r.parts)
        } - names
        if not more:
            return frozenset(hidden)
        names |= more


def _parts(groups, keys, parts, values) -> list[Relation]:
    """A report's own sums (its PARTS: a count = the sum of several, like declines by reason), everywhere."""
    return [
        Relation((group, key, whole), tuple((group, key, name) for name in names))
        for group in groups
        for key in keys
        for whole, names in (parts or {}).items()
        if (group, key, whole) in values and all((group, key, name) in values for name in names)
    ]


def _small(values: dict, columns) -> set:
    """The cells to hide for what they are: small counts, and none-of-some (is_small)."""
    of = {name: whole for name, whole, _ in columns}
    return {
        cell
        for cell, value in values.items()
        if is_small(value, values.get((cell[0], cell[1], of[cell[2]])) if of[cell[2]] else None)
    }


def _relations(groups, quarters, columns, values) -> list[Relation]:
    """Within each group: the year = its quarters, a quarter = its months, and a count's numerator and
    complement = its denominator, in every period the group has."""
    relations = []
    for group in groups:
        for name, of, numerator in columns:
            by_quarter = tuple((group, q, name) for q in quarters if (group, q, name) in values)
            if (group, YEAR, name) in values and by_quarter:
                relations.append(Relation((group, YEAR, name), by_quarter))
            months = [m for m in range(12) if (group, MONTH + m, name) in values]
            for q in quarters:
                in_quarter = tuple((group, MONTH + m, name) for m in months if m // 3 + 1 == q)
                if (group, q, name) in values and in_quarter:
                    relations.append(Relation((group, q, name), in_quarter))
            if of is None or numerator is None:
                continue
            for key in [YEAR, *quarters, *(MONTH + m for m in months)]:
                cells = ((group, key, of), (group, key, numerator), (group, key, name))
                if all(c in values for c in cells):
                    relations.append(Relation(cells[0], cells[1:]))
    return relations


def _row(label, group, key, values, hidden, module, stats) -> dict[str, Any]:
    row: dict[str, Any] = {"group": label}
    suppressed = []
    for count in module.COUNTS:
        cell = (group, key, count.name)
        row[count.name] = None if cell in hidden else values[cell]
        if cell in hidden:
            suppressed.append(count.name)
    for r in getattr(module, "RATES", ()):
        row[r.name] = rate(row[r.numerator], row[r.denominator])
        if row[r.name] is None:
            suppressed.append(r.name)
    for s in getattr(module, "STATISTICS", ()):
        over = row[s.over]
        shown = stats is not None and over is not None and over >= 10
        row[s.name] = stats[s.name] if shown else None
        if row[s.name] is None:
            suppressed.append(s.name)
    row["suppressed"] = suppressed
    return row


def _statistics(module, period: Period, by: str, scope: Scope, today: date) -> dict[Any, dict[str, Any]]:
    """A report's group statistics (medians, percentiles) for the period itself, and for its total."""
    if not hasattr(module, "statistics"):
        return {}
    names = [s.name for s in module.STATISTICS]
    found: dict[Any, dict[str, Any]] = {}
    for group_by, key in ((by, None), (None, TOTAL)):
        for group, *stats in db.session.execute(module.statistics(period, group_by, scope, today)):
            found[key or group] = dict(zip(names, stats, strict=True))
    return found
