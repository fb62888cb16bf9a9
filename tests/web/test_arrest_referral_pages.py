"""Arrest referral pages (issue 12 item 4): treatment identifies and holds a person; probation takes it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.web.helpers import date_parts, text
from tracker.audit import AuditEntry
from tracker.pathway.models import CaseRequest, Person


@pytest.fixture
def arrested(today):
    return {
        "given_name": "Sam",
        "family_name": "Jones",
        **date_parts("date_of_birth", date(1985, 4, 2)),
        "kind": "arrest",
        **date_parts("start_on", today),
        "custody_suite": "Patchway custody suite",
        "arrest_referral": "yes",
        "referral_reason": "Drinks daily.",
        "share_consent": "yes",
        **date_parts("consent_given_on", today),
        "consent_how": "signed form",
    }


@pytest.fixture
def held(world, signed_in, arrested, db):
    response = signed_in(world.treatment).post("/people/identify", arrested)
    assert response.status_code == 302, text(response)[:2000]
    return db.session.scalar(select(Person))


def test_treatment_adds_an_arrest_stage_person_held_by_their_team(held, world, signed_in):
    assert held.crn is None and held.offender_manager_id is None
    assert held.holding_team_id == world.treatment_team.id
    assert held.stage_kind == "arrest"
    assert [(c.consent, c.how) for c in held.share_consents] == [(True, "signed form")]

    page = text(signed_in(world.treatment).get(f"/people/{held.id}"))
    assert "Held by</dt>" in page and "Bristol Community Alcohol Service (no offender manager yet)" in page
    assert "Record consent to share with probation" in page and "Record the charge" in page


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"given_name": ""}, "Enter their given name"),
        ({"kind": ""}, "Select where you met them"),
        ({"share_consent": "yes", "consent_how": ""}, "Missing data for required field."),
    ],
)
def test_the_form_refuses_what_the_api_refuses(world, signed_in, arrested, db, change, error):
    response = signed_in(world.treatment).post("/people/identify", arrested | change)

    assert response.status_code == 422 and error in text(response)
    assert db.session.scalar(select(Person)) is None


@pytest.mark.parametrize("role", ["om", "resettlement", "commissioner", "admin"])
def test_only_treatment_staff_identify(world, signed_in, role):
    assert signed_in(getattr(world, role)).get("/people/identify").status_code == 403


def test_the_holding_team_records_consent_to_share(held, world, signed_in, today):
    answer = {
        "share_consent": "no",
        **date_parts("consent_given_on", today),
        "consent_how": "changed their mind",
    }

    response = signed_in(world.treatment).post(f"/people/{held.id}/share-consent", answer)

    assert response.status_code == 302
    assert [c.consent for c in held.share_consents] == [True, False]
    assert signed_in(world.om).get(f"/people/{held.id}/share-consent").status_code == 404


def test_the_charge_hands_the_case_to_the_named_offender_manager(held, world, signed_in, today, db):
    charge = {
        **date_parts("start_on", today),
        "court": "Bristol Magistrates",
        "offender_manager_email": world.om.email,
    }

    response = signed_in(world.treatment).post(f"/people/{held.id}/charge", charge)

    assert response.status_code == 302
    db.session.refresh(held)
    assert (held.offender_manager_id, held.holding_team_id, held.stage_kind) == (world.om.id, None, "court")
    assert signed_in(world.om).get(f"/people/{held.id}").status_code == 200
    page = text(signed_in(world.treatment).get(f"/people/{held.id}"))
    assert "Record the charge" not in page  # read access only, while its referral is live


def test_a_charge_naming_nobody_is_shown_by_its_field(held, world, signed_in, today):
    charge = {
        **date_parts("start_on", today),
        "court": "Bristol Magistrates",
        "offender_manager_email": "x@example.org",
    }

    response = signed_in(world.treatment).post(f"/people/{held.id}/charge", charge)

    assert response.status_code == 422
    assert "No offender manager has that email address." in text(response)


def test_an_offender_manager_finds_asks_and_the_team_confirms(held, world, signed_in, db):
    om = signed_in(world.om)
    search = {
        "crn": "",
        "given_name": "sam",
        "family_name": "jones",
        **date_parts("date_of_birth", date(1985, 4, 2)),
    }

    found = text(om.post("/held-people", search))

    assert "Held by Bristol Community Alcohol Service" in found
    assert "Sam" not in found.split("Results", 1)[1].split("Your requests")[0]  # no name comes back
    asked = om.post(f"/held-people/{held.id}/ask", {}, form_url="/held-people")
    assert asked.status_code == 302
    request = db.session.scalar(select(CaseRequest))
    assert request.requested_by_id == world.om.id and request.status == "requested"

    treatment = signed_in(world.treatment)
    assert "Sam Jones" in text(treatment.get("/case-requests"))
    confirmed = treatment.post(f"/case-requests/{request.id}/confirm", {}, form_url="/case-requests")

    assert confirmed.status_code == 302
    db.session.refresh(held)
    assert held.offender_manager_id == world.om.id
    assert "Sam Jones" in text(om.get(f"/people/{held.id}"))
    actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.person_id == held.id)))
    assert {"identify", "request_case", "confirmed_case_request", "hand_over"} <= actions


def test_a_search_by_name_alone_is_refused(world, signed_in):
    response = signed_in(world.om).post(
        "/held-people", {"crn": "", "given_name": "sam", "family_name": "jones"}
    )

    assert response.status_code == 422


@pytest.mark.parametrize("role", ["treatment", "resettlement", "commissioner"])
def test_only_offender_managers_search(world, signed_in, role):
    assert signed_in(getattr(world, role)).get("/held-people").status_code == 403


def test_another_treatment_team_cannot_answer(held, world, signed_in, make_staff, make_team, db):
    from tracker.pathway import arrest_referral
    from tracker.types import utcnow

    arrest_referral.held_matches(world.om, None, held.given_name, held.family_name, held.date_of_birth)
    request = arrest_referral.request_case(held, by=world.om, now=utcnow())
    db.session.commit()
    other = make_staff("treatment", make_team("Other Service", "treatment"))

    page = signed_in(other).post(f"/case-requests/{request.id}/confirm", {}, form_url="/case-requests")

    assert page.status_code == 404
    assert signed_in(other).get(f"/people/{held.id}").status_code == 404


def test_without_consent_the_screening_stays_with_the_team(world, signed_in, arrested, db, today):
    treatment = signed_in(world.treatment)
    treatment.post("/people/identify", arrested | {"share_consent": "not_asked"})
    person = db.session.scalar(select(Person))
    treatment.post(
        f"/people/{person.id}/charge",
        {
            **date_parts("start_on", today + timedelta(days=0)),
            "court": "Bristol Magistrates",
            "offender_manager_email": world.om.email,
        },
    )

    page = text(signed_in(world.om).get(f"/people/{person.id}"))

    assert "Drinks daily." not in page
    assert "Drinks daily." in text(treatment.get(f"/people/{person.id}"))
