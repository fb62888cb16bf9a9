"""Try to recover every suppressed cell, from the rest of its table and by differencing what the API offers.

The attacker reads every period (the year and each quarter) by every breakdown, writes every relation
they know (rows add to the total, quarters to the year, every breakdown has the same total, a month is
the same in its quarter and its year), and solves: a hidden cell is recovered if the published figures
fix its value, by linear algebra or because hidden counts add up to nothing.
"""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

import pytest

from tracker.reports import continuity

COLUMNS = ("released", "started")


@pytest.fixture
def small_year(db, places, release, last_year, make_team):
    """A year with small groups everywhere: some cells must be hidden, and some only because of others."""
    cardiff = make_team("HMP Cardiff", "prison", "CFI")
    day = last_year.start_on
    plan = [  # (days into the year, team, released, started, sex)
        (9, places.bristol, 12, 6, "male"),
        (100, places.bristol, 3, 1, "male"),
        (20, places.eastwood, 7, 2, "female"),
        (190, places.eastwood, 10, 9, "female"),
        (300, cardiff, 1, 0, "male"),
        (200, places.bristol, 6, 6, "female"),
        (40, cardiff, 8, 4, "other"),
    ]
    for offset, team, released, started, sex in plan:
        for n in range(released):
            release(day + timedelta(days=offset), team=team, started=3 if n < started else None, sex=sex)
    db.session.commit()
    return last_year


def _published(api, year):
    """Every table the API offers for this year: {(by, period): body}."""
    periods = [year.name] + [f"{year.name}-Q{q}" for q in range(1, 5)]
    tables = {}
    for by in continuity.BREAKDOWNS:
        for period in periods:
            response = api.get(f"/reports/continuity?period={period}&by={by}")
            assert response.status_code == 200, response.json
            tables[(by, period)] = response.json
    return tables


def _key(by, group, period, column, year_name):
    if group == "Total":
        return ("total", period, column)
    if by == "month":
        return ("month", group, column)  # the same month in its quarter and its year
    return (by, group, period, column)


def _system(tables, year_name):
    """The relations an attacker knows, as (coefficients {cell: 1 or -1}) = 0, and what is published."""
    known, relations = {}, []
    for (by, period), body in tables.items():
        for row in [*body["rows"], body["total"]]:
            for column in COLUMNS:
                key = _key(by, row["group"], period, column, year_name)
                if row[column] is not None:
                    known[key] = row[column]
        for column in COLUMNS:
            relation = {_key(by, "Total", period, column, year_name): -1}
            for row in body["rows"]:
                relation[_key(by, row["group"], period, column, year_name)] = 1
            relations.append(relation)
    for (by, period), body in tables.items():
        for row in [*body["rows"], body["total"]]:  # released = started + those who did not start
            released = _key(by, row["group"], period, "released", year_name)
            started = _key(by, row["group"], period, "started", year_name)
            relations.append({released: -1, started: 1, ("not", released): 1})
    for (by, period), body in tables.items():
        if period != year_name or by == "month":
            continue
        for row in [*body["rows"], body["total"]]:
            for column in COLUMNS:
                relation = {_key(by, row["group"], year_name, column, year_name): -1}
                for q in range(1, 5):
                    quarter = f"{year_name}-Q{q}"
                    if any(r["group"] == row["group"] for r in tables[(by, quarter)]["rows"]) or (
                        row["group"] == "Total"
                    ):
                        relation[_key(by, row["group"], quarter, column, year_name)] = 1
                relations.append(relation)
    return known, relations


def _recovered(known, relations):
    """The hidden cells the published figures fix."""
    unknowns = sorted({k for r in relations for k in r if k not in known}, key=repr)
    index = {k: i for i, k in enumerate(unknowns)}
    rows = []
    found = set()
    for relation in relations:
        row = [Fraction(0)] * (len(unknowns) + 1)
        for key, sign in relation.items():
            if key in known:
                row[-1] -= sign * known[key]
            else:
                row[index[key]] += sign
        hidden = [k for k in relation if k not in known]
        if hidden and all(relation[k] == 1 for k in hidden) and row[-1] == 0:
            found |= set(hidden)  # counts adding up to nothing: each is 0
        if any(row[:-1]):
            rows.append(row)
    pivot_rows = _rref(rows, len(unknowns))
    for pivot, row in pivot_rows:
        if all(v == 0 for i, v in enumerate(row[:-1]) if i != pivot):
            found.add(unknowns[pivot])
    return found


def _pinned_by_bounds(known, relations):
    """The hidden cells an attacker pins with bounds alone: every count is 0 or more."""
    inf = float("inf")
    low, high = {}, {}
    for relation in relations:
        for key in relation:
            if key not in known:
                low[key], high[key] = 0, inf

    def bounds(key):
        return (known[key], known[key]) if key in known else (low[key], high[key])

    changed = True
    while changed:
        changed = False
        for relation in relations:  # sum(sign * x) = 0
            for key, sign in relation.items():
                if key in known:
                    continue
                rest_low = rest_high = 0  # of -sum(other sign * x), for sign * x
                for other, other_sign in relation.items():
                    if other == key:
                        continue
                    lo, hi = bounds(other)
                    a, b = (-other_sign * lo, -other_sign * hi)
                    rest_low += min(a, b)
                    rest_high += max(a, b)
                lo, hi = (rest_low, rest_high) if sign == 1 else (-rest_high, -rest_low)
                new = (max(low[key], lo), min(high[key], hi))
                if new != (low[key], high[key]):
                    low[key], high[key] = new
                    changed = True
    return {key for key in low if low[key] == high[key]}


def _rref(rows, width):
    pivots, r = [], 0
    for col in range(width):
        pick = next((i for i in range(r, len(rows)) if rows[i][col] != 0), None)
        if pick is None:
            continue
        rows[r], rows[pick] = rows[pick], rows[r]
        lead = rows[r][col]
        rows[r] = [v / lead for v in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][col] != 0:
                factor = rows[i][col]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[r], strict=True)]
        pivots.append((col, r))
        r += 1
    return [(col, rows[row]) for col, row in pivots]


def test_no_hidden_cell_can_be_worked_out(small_year, api_as, places):
    tables = _published(api_as(places.commissioner), small_year)
    known, relations = _system(tables, small_year.name)
    hidden = {k for r in relations for k in r if k not in known}

    assert hidden, "the fixture must make the API hide something"
    assert {k for k in _recovered(known, relations) if k[0] != "not"} == set()
    assert {k for k in _pinned_by_bounds(known, relations) if k[0] != "not"} == set()


def test_nothing_shown_is_small(small_year, api_as, places):
    """No shown count is 1 to 4, nor a numerator or its complement under 5 of a group with people in it."""
    tables = _published(api_as(places.commissioner), small_year)
    for body in tables.values():
        for row in [*body["rows"], body["total"]]:
            released, started = row["released"], row["started"]
            assert released is None or released == 0 or released >= 5
            if released and started is not None:
                assert started >= 5 and released - started >= 5
            if started == 0:
                assert released == 0, "none of some people is as telling as a small count"
            if row["share"] is not None:
                assert released >= 10
            assert {n for n in ("released", "started", "share") if row[n] is None} <= set(row["suppressed"])


def test_the_attacker_would_find_a_cell_left_alone(small_year):
    """The attack itself works: with one cell hidden alone, it recovers it."""
    known = {("total", "Y", "released"): 10, ("a", "Y", "released"): 7}
    relations = [{("total", "Y", "released"): -1, ("a", "Y", "released"): 1, ("b", "Y", "released"): 1}]

    assert _recovered(known, relations) == {("b", "Y", "released")}


def test_a_page_and_csv_show_c_for_what_json_nulls(small_year, api_as, places):
    api = api_as(places.commissioner)
    body = api.get(f"/reports/continuity?period={small_year.name}-Q2").json
    csv = api.get(f"/reports/continuity?period={small_year.name}-Q2&format=csv").get_data(as_text=True)

    assert any(row["suppressed"] for row in body["rows"])
    for row, line in zip(body["rows"], csv.splitlines()[1:], strict=False):
        cells = line.split(",")[1:]
        assert [c == "[c]" for c in cells] == [row[n] is None for n in ("released", "started", "share")]


def test_the_fixture_hides_some_cells_for_others(small_year, api_as, places):
    """Q2 at HMP Bristol is 1 of 3: hidden; so is its quarter's total, or Bristol's could be worked out."""
    tables = _published(api_as(places.commissioner), small_year)
    q2 = tables[("establishment", f"{small_year.name}-Q2")]
    bristol = next(r for r in q2["rows"] if r["group"] == "HMP Bristol")

    assert (bristol["released"], bristol["started"]) == (None, None)
    assert q2["total"]["released"] is None


@pytest.fixture
def given_up_year(db, places, release, last_year, make_team):
    """A year whose secondary suppression gives up (found by a search over small tables): Eastwood's one
    release, nobody started, cannot be protected in the cells left, and its empty quarters total 0."""
    cardiff = make_team("HMP Cardiff", "prison", "CFI")
    plan = {  # team: {month: (released, started)}
        places.bristol: {2: (10, 9), 3: (11, 11), 1: (13, 7)},
        cardiff: {1: (14, 8), 0: (11, 2), 4: (12, 7)},
        places.eastwood: {0: (1, 0), 4: (0, 0)},
    }
    for team, months in plan.items():
        for month, (released, started) in months.items():
            on = last_year.start_on + timedelta(days=30 * month + 10)
            for n in range(released):
                release(on, team=team, started=3 if n < started else None)
    db.session.commit()
    return last_year


def test_when_suppression_gives_up_nothing_is_recovered_and_the_releases_stay(given_up_year, api_as, places):
    tables = _published(api_as(places.commissioner), given_up_year)
    known, relations = _system(tables, given_up_year.name)

    assert {k for k in _recovered(known, relations) if k[0] != "not"} == set()
    assert {k for k in _pinned_by_bounds(known, relations) if k[0] != "not"} == set()
    # It gave up on the numerator and its complement: those columns go, the releases they share stay.
    rows = [r for (by, _), body in tables.items() if by == "establishment" for r in body["rows"]]
    assert all(r["started"] is None for r in rows if r["released"])
    assert any(r["released"] for r in rows), "the count the hidden columns share is still shown"


def test_a_report_leaves_the_garbage_collector_on_and_suppresses_a_table_alike_twice(
    small_year, api_as, places
):
    import gc

    api = api_as(places.commissioner)

    first = api.get(f"/reports/continuity?period={small_year.name}&by=establishment").json
    again = api.get(f"/reports/continuity?period={small_year.name}&by=establishment").json

    assert gc.isenabled()
    assert again["rows"] == first["rows"] and again["total"] == first["total"]
