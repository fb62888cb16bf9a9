"""Try to recover a suppressed decline reason from the referrals tables the API offers: rows add to the
total, quarters to the year, and the reasons to the declines."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from tests.reports.test_suppression_attack import _recovered
from tracker.reports import referrals

REASONS = [c.name for c in referrals.COUNTS if c.name.startswith("declined_")]
COLUMNS = ("made", "declined", *REASONS)
FIVE_OF_EACH = [
    r
    for r in ("not_eligible", "declined_by_person", "no_capacity", "did_not_engage", "other", None)
    for _ in range(5)
]


@pytest.fixture
def small_year(db, places, make_team, last_year):
    """Three services, declines with small and lone reasons in different quarters."""
    from tracker.pathway.models import Person, Referral

    third = make_team("Newport Recovery Service", "treatment")
    plan = [  # (days into the year, team, reasons of its declines, others made)
        (9, places.treatment_team, ["no_capacity"] * 6 + ["not_eligible"] * 2, 10),
        (100, places.treatment_team, ["declined_by_person"] * 5, 3),
        (20, places.other_treatment, ["no_capacity"] * 3 + [None] * 7, 6),
        (200, third, ["other"] * 1 + ["did_not_engage"] * 9, 12),
        # Five of six reasons and two of the seventh: only the sum of the reasons protects the two.
        (250, places.other_treatment, [*FIVE_OF_EACH, "referred_elsewhere", "referred_elsewhere"], 5),
    ]
    for offset, team, reasons, others in plan:
        made_at = datetime.combine(last_year.start_on + timedelta(days=offset), time(12), UTC)
        for reason in [*reasons, *(["-"] * others)]:
            person = Person(given_name="P", family_name="Test")
            db.session.add(person)
            db.session.flush()
            declined = reason != "-"
            db.session.add(
                Referral(
                    person_id=person.id,
                    to_team_id=team.id,
                    reason="need",
                    status="declined" if declined else "made",
                    decline_reason=reason if declined else None,
                    made_at=made_at,
                )
            )
    db.session.commit()
    return last_year


def _system(tables, year_name):
    known, relations = {}, []

    def key(by, group, period, column):
        if group == "Total":
            return ("total", period, column)
        return ("month", group, column) if by == "month" else (by, group, period, column)

    for (by, period), body in tables.items():
        rows = [*body["rows"], body["total"]]
        for row in rows:
            for column in COLUMNS:
                if row[column] is not None:
                    known[key(by, row["group"], period, column)] = row[column]
            parts = {key(by, row["group"], period, "declined"): -1}
            parts |= {key(by, row["group"], period, r): 1 for r in REASONS}
            relations.append(parts)
        for column in COLUMNS:
            total = {key(by, "Total", period, column): -1}
            relations.append(total | {key(by, r["group"], period, column): 1 for r in body["rows"]})
            if period == year_name and by != "month":
                for row in rows:
                    year = {key(by, row["group"], year_name, column): -1}
                    for q in range(1, 5):
                        quarter = f"{year_name}-Q{q}"
                        if row["group"] == "Total" or any(
                            r["group"] == row["group"] for r in tables[(by, quarter)]["rows"]
                        ):
                            year[key(by, row["group"], quarter, column)] = 1
                    relations.append(year)
        _demand(by, period, body, known, relations, key)
    return known, relations


def _demand(by, period, body, known, relations, key):
    """Each service's referrals made month by month (made_2025-04): a service's month is the same cell in
    its quarter and its year, its months add to its period, and the services' to the month's total (the
    by-month table's row)."""
    months = body.get("months", [])
    if by == "month" or not months:
        return

    def cell(group, month):
        return ("month", month, "made") if group == "Total" else (by, group, month, "made")

    for row in [*body["rows"], body["total"]]:
        for month in months:
            if row[f"made_{month}"] is not None:
                known[cell(row["group"], month)] = row[f"made_{month}"]
        sums = {key(by, row["group"], period, "made"): -1}
        relations.append(sums | {cell(row["group"], month): 1 for month in months})
    for month in months:
        relations.append({cell("Total", month): -1} | {cell(r["group"], month): 1 for r in body["rows"]})


def test_no_hidden_decline_reason_can_be_worked_out(small_year, api_as, places):
    api = api_as(places.commissioner)
    periods = [small_year.name] + [f"{small_year.name}-Q{q}" for q in range(1, 5)]
    tables = {
        (by, period): api.get(f"/reports/referrals?period={period}&by={by}").json
        for by in referrals.BREAKDOWNS
        for period in periods
    }
    known, relations = _system(tables, small_year.name)

    hidden = {k for r in relations for k in r if k not in known}
    assert hidden, "the fixture should make the report hide something"
    assert {k for k in hidden if k[0] == "service" and k[2] not in periods}, "and some month's demand"
    assert _recovered(known, relations) == set()
