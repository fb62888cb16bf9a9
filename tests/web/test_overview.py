"""The commissioner's continuity figures: counts under 5 suppressed, and what would give them away."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.web.helpers import text


@pytest.mark.parametrize(
    "released, engaged, shown",
    [
        (4, 4, (None, None, None)),
        (10, 3, (10, None, None)),  # 3 engaged is under 5
        (10, 7, (10, None, None)),  # 3 not engaged would give the 7 away
        (12, 6, (12, 6, 50)),
    ],
)
def test_small_counts_are_suppressed(released, engaged, shown):
    from tracker.reports.continuity import _suppressed

    row = _suppressed("HMP Bristol", released, engaged)

    assert (row.released, row.engaged, row.share) == shown


@pytest.mark.parametrize(
    "today, start",
    [
        (date(2026, 11, 26), date(2026, 4, 1)),
        (date(2027, 2, 1), date(2026, 4, 1)),
        (date(2026, 4, 1), date(2026, 4, 1)),
        (date(2026, 3, 31), date(2025, 4, 1)),
    ],
)
def test_the_financial_year_runs_april_to_march(today, start):
    from tracker.reports.continuity import financial_year

    assert financial_year(today) == (start, date(start.year + 1, 3, 31))


def test_the_overview_counts_fixed_outcomes_by_establishment(world, signed_in, make_case, db, today):
    from tracker.pathway.models import Handover
    from tracker.reports.continuity import financial_year

    start, _ = financial_year(today)
    for n in range(12):
        person = make_case(world.om, "court", "custody")
        handover = db.session.scalar(
            select(Handover).where(Handover.person_id == person.id, Handover.kind == "release")
        )
        handover.due_on, handover.engaged = start + timedelta(days=1), n % 2 == 0
    db.session.commit()

    page = text(signed_in(world.commissioner).get("/overview"))

    assert "HMP Bristol" in page and ">12</td>" in page and ">6</td>" in page and "50%" in page
