"""The commissioner's overview reads the continuity report: suppressed as the API is, and audited."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.web.helpers import text


def test_the_overview_counts_releases_with_a_need_by_establishment(world, signed_in, make_case, db, today):
    from tracker.audit import AuditEntry
    from tracker.pathway.models import Handover, Referral
    from tracker.reports.periods import financial_year

    year = financial_year(today)
    released_on = max(year.start_on, today - timedelta(days=40))
    for n in range(12):
        person = make_case(world.om, "court", "custody")
        handover = db.session.scalar(
            select(Handover).where(Handover.person_id == person.id, Handover.kind == "release")
        )
        handover.released_on, handover.alcohol_need, handover.age_band = released_on, True, "35_44"
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

    page = text(signed_in(world.commissioner).get("/overview"))

    if released_on < today - timedelta(days=21):
        assert "HMP Bristol" in page and ">12</td>" in page and ">6</td>" in page and "50.0%" in page
    views = db.session.scalars(select(AuditEntry).where(AuditEntry.subject_type == "report")).all()
    seen = [(v.action, v.detail["report"], v.detail["how"]) for v in views]
    assert seen == [("view", "continuity", "page")]
