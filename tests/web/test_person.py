"""The person page: details, key dates, flags, timeline; scope; constant queries."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from tests.web.helpers import text
from tracker.types import utcnow


def timeline_titles(page: str) -> list[str]:
    return re.findall(r'<h3 class="moj-timeline__title">([^<]+)</h3>', page)


def test_the_person_page_shows_where_they_are_and_their_key_dates(world, signed_in, make_case, today):
    person = make_case(world.om, "court", "custody", release_in=30, given_name="Sam", family_name="Jones")

    page = text(signed_in(world.om).get(f"/people/{person.id}"))

    assert '<h1 class="govuk-heading-l">Sam Jones</h1>' in page
    assert "Custody, since" in page
    assert "Planned release date" in page and "Conditional release date (CRD)" in page
    assert "Release handover" in page
    assert "Record the next stage" in page


def test_the_timeline_lists_every_source_newest_first(world, signed_in, make_case, db, today):
    from tracker.alerts.models import Alert
    from tracker.pathway import care

    person = make_case(world.om, "court", "custody")
    now = datetime.now(UTC)
    care.book_appointment(
        person, {"kind": "probation", "starts_at": now + timedelta(days=40)}, by=world.om, now=utcnow()
    )
    care.record_screening(
        person, {"tool": "audit", "answers": [4] * 10, "intervention": "referred"}, by=world.om, now=utcnow()
    )
    care.make_referral(
        person, {"to_team_id": world.treatment_team.id, "reason": "Zone IV"}, by=world.om, now=utcnow()
    )
    db.session.add(
        Alert(
            rule="custody_reception",
            subject_type="stages",
            subject_id=1,
            checkpoint_on=today,
            person_id=person.id,
            severity="urgent",
            message="Alcohol withdrawal risk",
            status="open",
        )
    )
    db.session.commit()

    page = text(signed_in(world.om).get(f"/people/{person.id}"))
    titles = timeline_titles(page)

    assert titles[0] == "Probation appointment"  # in 40 days: the newest
    assert {
        "AUDIT screening: score 40, Zone IV",
        "Referral to Bristol Community Alcohol Service",
        "Alert (urgent): Custody reception",
        "Stage: Custody",
        "Stage: Court",
    } <= set(titles)
    assert titles.index("Stage: Custody") < titles.index("Stage: Court")
    assert "by Olivia Mensah" in page


def test_a_release_on_a_friday_is_flagged(world, signed_in, make_case, db, today):
    from tracker.pathway import service
    from tracker.pathway.models import Stage

    person = make_case(world.om, "court", "custody")
    friday = today + timedelta(days=(4 - today.weekday()) % 7 + 14)
    stage = db.session.get(Stage, person.pathways[-1].stages[-1].id)
    service.update_release_dates(stage, {"confirmed": friday}, by=world.om, now=utcnow())
    db.session.commit()

    page = text(signed_in(world.om).get(f"/people/{person.id}"))

    assert "Consider releasing up to 2 working days earlier" in page


def test_another_teams_person_is_a_404_page_and_the_attempt_is_logged(world, signed_in, make_case, db):
    from sqlalchemy import select

    from tracker.audit import AuditEntry, disclosed

    theirs = make_case(world.other_om, "court")

    response = signed_in(world.om).get(f"/people/{theirs.id}")

    assert response.status_code == 404
    page = text(response)
    assert "Page not found" in page and "govuk-header" in page
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "denied", disclosed(theirs.id)))


def test_a_colleagues_person_is_read_only(world, signed_in, make_case):
    colleagues = make_case(world.om2, "court")
    client = signed_in(world.om)

    page = text(client.get(f"/people/{colleagues.id}"))

    assert "You can read this record but not change it." in page
    assert "Record the next stage" not in page
    assert client.get(f"/people/{colleagues.id}/stages/new").status_code == 403


def test_resettlement_sees_a_person_held_at_its_establishment_only(world, signed_in, make_case):
    held = make_case(world.om, "court", "custody")

    assert signed_in(world.resettlement).get(f"/people/{held.id}").status_code == 200
    assert signed_in(world.other_resettlement).get(f"/people/{held.id}").status_code == 404


def test_the_person_page_costs_the_same_queries_however_long_the_history(
    world, signed_in, make_case, db, count_queries
):
    from tracker.pathway import care

    person = make_case(world.om, "court", "custody")
    client = signed_in(world.om)

    def with_more(n: int) -> int:
        for i in range(n):
            at = datetime.now(UTC) + timedelta(days=i + 1)
            care.book_appointment(person, {"kind": "probation", "starts_at": at}, by=world.om, now=utcnow())
            care.make_referral(
                person, {"to_team_id": world.treatment_team.id, "reason": "r"}, by=world.om2, now=utcnow()
            )
            care.record_screening(
                person,
                {"tool": "audit_c", "answers": [1, 1, 1], "intervention": "education"},
                by=world.om,
                now=utcnow(),
            )
        db.session.commit()
        with count_queries() as counted:
            assert client.get(f"/people/{person.id}").status_code == 200
        return len(counted)

    assert with_more(2) == with_more(20)


def test_the_timeline_shows_texts_to_the_person_with_their_status(world, signed_in, make_case, db):
    from tracker.pathway import care

    person = make_case(world.om, "court", "custody")
    care.book_appointment(
        person,
        {"kind": "probation", "starts_at": datetime.now(UTC) + timedelta(days=3)},
        by=world.om,
        now=utcnow(),
    )
    db.session.commit()

    page = text(signed_in(world.om).get(f"/people/{person.id}"))

    assert "Text message: Appointment" in timeline_titles(page)
    assert "Status: Waiting to be sent" in page
