"""Appointments, referrals, the AUDIT and consent through the pages: the API's schemas and services."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from tests.web.helpers import date_parts, text


def test_booking_an_appointment(world, signed_in, make_case, db, today):
    from tracker.clock import zone
    from tracker.pathway.models import Appointment

    person = make_case(world.om, "court", "custody")
    day = today + timedelta(days=10)
    form = {
        "kind": "treatment_assessment",
        "at": "2pm",
        "location_label": "Station Road",
        "team_id": str(world.treatment_team.id),
        **date_parts("day", day),
    }

    response = signed_in(world.om).post(f"/people/{person.id}/appointments/new", form)

    assert response.status_code == 302
    booked = db.session.scalar(select(Appointment).where(Appointment.person_id == person.id))
    local = booked.starts_at.astimezone(zone())
    assert (booked.kind, local.date(), local.hour, booked.team_id) == (
        "treatment_assessment",
        day,
        14,
        world.treatment_team.id,
    )


def test_a_bad_time_is_explained_by_its_field_and_kept(world, signed_in, make_case, today):
    person = make_case(world.om, "court")
    form = {"kind": "probation", "at": "25:99", **date_parts("day", today)}

    response = signed_in(world.om).post(f"/people/{person.id}/appointments/new", form)

    assert response.status_code == 422
    page = text(response)
    assert '<a href="#at">Enter time like 10:30 or 2pm</a>' in page
    assert 'value="25:99"' in page


def test_moving_an_appointment_and_refusing_an_outcome_before_it_starts(
    world, signed_in, make_case, db, today
):
    from tracker.pathway import care
    from tracker.pathway.models import Appointment

    person = make_case(world.om, "court")
    appointment = care.book_appointment(
        person, {"kind": "probation", "starts_at": datetime.now(UTC) + timedelta(days=3)}, by=world.om
    )
    db.session.commit()
    client = signed_in(world.om)
    page = f"/appointments/{appointment.id}"

    too_soon = client.post(f"{page}/outcome", {"outcome": "attended"}, form_url=page)
    assert too_soon.status_code == 409
    assert "An appointment can be recorded as attended only once it has started" in text(too_soon)

    new_day = today + timedelta(days=9)
    moved = client.post(
        f"{page}/move", {"move-at": "09:15", **date_parts("move-day", new_day)}, form_url=page
    )
    assert moved.status_code == 302
    assert db.session.get(Appointment, appointment.id).starts_at > datetime.now(UTC) + timedelta(days=8)

    cancelled = client.post(f"{page}/outcome", {"outcome": "cancelled"}, form_url=page)
    assert cancelled.status_code == 302
    assert db.session.get(Appointment, appointment.id).outcome == "cancelled"


def test_a_treatment_service_books_only_for_itself(world, signed_in, make_case, db):
    from tracker.pathway import care

    person = make_case(world.om, "court")
    care.make_referral(person, {"to_team_id": world.treatment_team.id, "reason": "r"}, by=world.om)
    db.session.commit()

    page = text(signed_in(world.treatment).get(f"/people/{person.id}/appointments/new"))

    options = re.findall(r'<option value="(\d+)"', page)
    assert options == [str(world.treatment_team.id)]


def test_making_and_then_starting_a_referral(world, signed_in, make_case, db, today):
    from tracker.pathway.models import Referral

    person = make_case(world.om, "court")
    made = signed_in(world.om).post(
        f"/people/{person.id}/referrals/new",
        {"to_team_id": str(world.treatment_team.id), "reason": "AUDIT zone IV"},
    )
    assert made.status_code == 302
    referral = db.session.scalar(select(Referral).where(Referral.person_id == person.id))

    client = signed_in(world.treatment)
    page = text(client.get(f"/referrals/{referral.id}"))
    assert re.findall(r'name="status" type="radio" value="([^"]+)"', page) == [
        "accepted",
        "declined",
        "started",
    ]
    started = client.post(
        f"/referrals/{referral.id}", {"status": "started", **date_parts("treatment_started_on", today)}
    )

    assert started.status_code == 302
    db.session.refresh(referral)
    assert (referral.status, referral.treatment_started_on) == ("started", today)


def test_the_referral_schema_refusal_is_shown_by_its_field(world, signed_in, make_case, db):
    from tracker.pathway import care

    person = make_case(world.om, "court")
    referral = care.make_referral(person, {"to_team_id": world.treatment_team.id, "reason": "r"}, by=world.om)
    db.session.commit()

    response = signed_in(world.treatment).post(f"/referrals/{referral.id}", {"status": "started"})

    assert response.status_code == 422
    assert '<a href="#treatment_started_on-day">Give the date treatment started.</a>' in text(response)


def test_the_audit_asks_the_who_questions_and_shows_score_zone_and_action(world, signed_in, make_case, db):
    person = make_case(world.om, "court")
    client = signed_in(world.om)
    page = text(client.get(f"/people/{person.id}/screenings/audit"))
    assert "How often do you have six or more drinks on one occasion?" in page
    assert "Yes, but not in the last year" in page and "Daily or almost daily" in page
    answers = {f"q{n}": "1" for n in range(1, 9)} | {"q9": "0", "q10": "2"}

    response = client.post(f"/people/{person.id}/screenings/audit", answers)

    result = text(client.get(response.headers["Location"]))
    assert "AUDIT score 10" in result and "Zone II" in result and "Simple advice" in result


def test_an_unanswered_audit_question_is_named(world, signed_in, make_case):
    person = make_case(world.om, "court")
    answers = {f"q{n}": "0" for n in range(1, 10)}

    response = signed_in(world.om).post(f"/people/{person.id}/screenings/audit", answers)

    assert response.status_code == 422
    assert '<a href="#q10">Answer question 10</a>' in text(response)
    assert re.search(r'id="q9" name="q9" type="radio" value="0" checked', text(response))


def test_consent_needs_a_real_mobile_and_is_kept_as_history(world, signed_in, make_case, db):
    person = make_case(world.om, "court")
    client = signed_in(world.om)

    bad = client.post(f"/people/{person.id}/consent", {"mobile": "12345", "sms_consent": "yes"})
    assert bad.status_code == 422
    assert "That is not a valid phone number." in text(bad) and 'value="12345"' in text(bad)

    good = client.post(f"/people/{person.id}/consent", {"mobile": "07911 123456", "sms_consent": "yes"})
    assert good.status_code == 302
    opted_out = client.post(f"/people/{person.id}/consent", {"mobile": "07911 123456", "sms_consent": "no"})
    assert opted_out.status_code == 302

    db.session.refresh(person)
    assert person.mobile == "+447911123456" and person.sms_consent is False
    assert [c.consent for c in person.consent_changes] == [True, False]
