"""A commissioner's journey through the reports: each page checked by axe, its chart drawn, a screenshot."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.web.helpers import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def releases(world, make_case, db, today):
    """Twelve releases from HMP Bristol with a need, half into treatment within 21 days."""
    from tracker.pathway.models import Handover, Referral

    released_on = today - timedelta(days=40)
    for n in range(12):
        person = make_case(world.om, "court", "custody")
        handover = db.session.scalar(
            select(Handover).where(Handover.person_id == person.id, Handover.kind == "release")
        )
        handover.released_on, handover.alcohol_need, handover.age_band = released_on, True, "35_44"
        handover.sex, handover.sentence_band = ("female", "male")[n % 2], "under_12_months"
        if n % 2 == 0:
            db.session.add(
                Referral(
                    person_id=person.id,
                    to_team_id=world.treatment_team.id,
                    kind="structured_alcohol_treatment",
                    reason="need",
                    status="started",
                    treatment_started_on=released_on + timedelta(days=3),
                )
            )
    db.session.commit()


def test_a_commissioner_reads_each_report(journey, world, releases):
    from tracker.reports import registry

    page = journey.page
    journey.sign_in(world.commissioner.email, PASSWORD)
    journey.goto("/reports")
    journey.snap("reports")
    for name in registry.REPORTS:
        journey.goto(f"/reports/{name}")
        page.wait_for_function("() => window.Chart && Chart.getChart('report-chart')")
        journey.snap(f"report-{name}")
    journey.goto("/reports/continuity?by=month")
    page.wait_for_function("() => Chart.getChart('report-chart').data.datasets.length === 4")
    journey.snap("report-continuity-trend")
    journey.goto("/reports/continuity/print?by=sex")
    journey.snap("report-continuity-print")
