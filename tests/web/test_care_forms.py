"""Appointments, referrals, the AUDIT and consent through the pages: the API's schemas and services."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.web.helpers import date_parts, text
from tracker.types import utcnow
from tracker.web.labels import label


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
        person,
        {"kind": "probation", "starts_at": datetime.now(UTC) + timedelta(days=3)},
        by=world.om,
        now=utcnow(),
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
    care.make_referral(
        person, {"to_team_id": world.treatment_team.id, "reason": "r"}, by=world.om, now=utcnow()
    )
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
    referral = care.make_referral(
        person, {"to_team_id": world.treatment_team.id, "reason": "r"}, by=world.om, now=utcnow()
    )
    db.session.commit()

    response = signed_in(world.treatment).post(f"/referrals/{referral.id}", {"status": "started"})

    assert response.status_code == 422
    assert '<a href="#treatment_started_on-day">Give the date treatment started.</a>' in text(response)


def test_the_audit_asks_the_uk_questions_in_units_and_shows_score_zone_action_and_what_was_done(
    world, signed_in, make_case, db
):
    person = make_case(world.om, "court")
    client = signed_in(world.om)
    page = text(client.get(f"/people/{person.id}/screenings/audit"))
    assert "How many units of alcohol do you drink on a typical day when you are drinking?" in page
    assert (
        "How often have you had 6 or more units if female, or 8 or more if male, on a single occasion "
        "in the last year?"
    ) in page
    assert "How often do you have six or more drinks on one occasion?" not in page
    assert re.findall(r'name="q2" type="radio" value="\d">\s*<label[^>]*>\s*([^<]+?)\s*</label>', page) == [
        "0 to 2",
        "3 to 4",
        "5 to 6",
        "7 to 9",
        "10 or more",
    ]
    assert "Yes, but not in the last year" in page and "Daily or almost daily" in page
    answers = {f"q{n}": "1" for n in range(1, 9)} | {"q9": "0", "q10": "2", "intervention": "simple_advice"}

    response = client.post(f"/people/{person.id}/screenings/audit", answers)

    result = text(client.get(response.headers["Location"]))
    assert "AUDIT score 10" in result and "Zone II" in result and "Simple advice" in result
    assert 'What was done</dt> <dd class="govuk-summary-list__value">Simple (brief) advice</dd>' in result


def test_an_unanswered_audit_question_is_named(world, signed_in, make_case):
    person = make_case(world.om, "court")
    answers = {f"q{n}": "0" for n in range(1, 10)} | {"intervention": "education"}

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


# Referral kinds


def kind_options(page: str) -> list[str]:
    select = re.search(r'<select[^>]*name="kind".*?</select>', page).group(0)
    return re.findall(r'<option value="([^"]*)"', select)


@pytest.mark.parametrize(
    ("team", "kind", "stored_kind"),
    [
        ("treatment_team", "", "structured_alcohol_treatment"),
        ("probation", "", "other"),
        ("treatment_team", "structured_drug_treatment", "structured_drug_treatment"),
        ("probation", "housing", "housing"),
    ],
    ids=["treatment team default", "other team default", "drug treatment chosen", "housing chosen"],
)
def test_a_referral_has_a_kind_chosen_or_decided_by_the_team(
    world, signed_in, make_case, db, team, kind, stored_kind
):
    from tracker.pathway.models import Referral

    person = make_case(world.om, "court")
    client = signed_in(world.om)
    assert kind_options(text(client.get(f"/people/{person.id}/referrals/new"))) == [
        "",
        "structured_alcohol_treatment",
        "structured_drug_treatment",
        "housing",
        "mental_health",
        "employment",
        "other",
    ]

    made = client.post(
        f"/people/{person.id}/referrals/new",
        {"to_team_id": str(getattr(world, team).id), "kind": kind, "reason": "Needs help"},
    )

    assert made.status_code == 302
    referral = db.session.scalar(select(Referral).where(Referral.person_id == person.id))
    assert referral.kind == stored_kind
    assert f'<td class="govuk-table__cell">{label(stored_kind)}</td>' in text(
        client.get(f"/people/{person.id}")
    )


def test_started_treatment_is_offered_only_ended_and_ends(world, signed_in, make_case, db, today):
    from tracker.pathway import care

    person = make_case(world.om, "court")
    referral = care.make_referral(
        person, {"to_team_id": world.treatment_team.id, "reason": "r"}, by=world.om, now=utcnow()
    )
    care.update_referral(referral, {"status": "started", "treatment_started_on": today}, world.om, utcnow())
    db.session.commit()
    client = signed_in(world.treatment)

    page = text(client.get(f"/referrals/{referral.id}"))
    assert re.findall(r'name="status" type="radio" value="([^"]+)"', page) == ["ended"]

    ended = client.post(f"/referrals/{referral.id}", {"status": "ended"})

    assert ended.status_code == 302
    db.session.refresh(referral)
    assert (referral.status, referral.treatment_started_on) == ("ended", today)


def test_the_kind_is_corrected_on_the_update_page(world, signed_in, make_case, db):
    from tracker.pathway import care

    person = make_case(world.om, "court")
    referral = care.make_referral(
        person, {"to_team_id": world.treatment_team.id, "reason": "r"}, by=world.om, now=utcnow()
    )
    db.session.commit()
    client = signed_in(world.om)
    assert re.search(
        r'<option value="structured_alcohol_treatment" selected',
        text(client.get(f"/referrals/{referral.id}")),
    )

    nothing = client.post(f"/referrals/{referral.id}", {"kind": "structured_alcohol_treatment"})
    assert nothing.status_code == 422
    assert '<a href="#status">Select what has happened, or correct the kind</a>' in text(nothing)

    corrected = client.post(f"/referrals/{referral.id}", {"kind": "structured_drug_treatment"})

    assert corrected.status_code == 302
    db.session.refresh(referral)
    assert (referral.kind, referral.status) == ("structured_drug_treatment", "made")


def test_a_final_referral_offers_only_the_kind(world, signed_in, make_case, db, today):
    from tracker.pathway import care

    person = make_case(world.om, "court")
    referral = care.make_referral(
        person, {"to_team_id": world.treatment_team.id, "reason": "r"}, by=world.om, now=utcnow()
    )
    care.update_referral(
        referral, {"status": "declined", "decline_reason": "no_capacity"}, world.om, utcnow()
    )
    db.session.commit()
    client = signed_in(world.om)

    assert "Correct the kind" in text(client.get(f"/people/{person.id}"))
    page = text(client.get(f"/referrals/{referral.id}"))
    assert 'name="status"' not in page and 'name="kind"' in page

    corrected = client.post(f"/referrals/{referral.id}", {"kind": "housing"})

    assert corrected.status_code == 302
    db.session.refresh(referral)
    assert (referral.kind, referral.status) == ("housing", "declined")


def test_declining_a_referral_asks_why_and_keeps_the_reason(world, signed_in, make_case, db):
    from tracker.pathway import care
    from tracker.pathway.models import Referral

    person = make_case(world.om, "court")
    referral = care.make_referral(
        person, {"to_team_id": world.treatment_team.id, "reason": "r"}, by=world.om, now=utcnow()
    )
    db.session.commit()
    client = signed_in(world.treatment)

    refused = client.post(f"/referrals/{referral.id}", {"status": "declined"})
    assert refused.status_code == 422
    assert 'href="#decline_reason"' in text(refused)

    declined = client.post(
        f"/referrals/{referral.id}", {"status": "declined", "decline_reason": "no_capacity"}
    )

    assert declined.status_code == 302
    db.session.expire_all()
    kept = db.session.get(Referral, referral.id)
    assert (kept.status, kept.decline_reason) == ("declined", "no_capacity")
    assert "Why declined: no capacity" in text(client.get(f"/people/{person.id}"))
