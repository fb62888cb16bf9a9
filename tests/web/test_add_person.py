"""Adding a person from a page (issue 12 item 3): the API's rules, and a check for a possible match."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.web.helpers import date_parts, text
from tracker.audit import AuditEntry
from tracker.pathway.models import Person

SAM = {
    "given_name": "Sam",
    "family_name": "Jones",
    **date_parts("date_of_birth", date(1985, 4, 2)),
    "crn": "x123456",
    "prison_number": "",
    "mobile": "",
    "sms_consent": "no",
    "alcohol_need": "yes",
    "language": "en",
}


def people(db) -> int:
    return db.session.scalar(select(func.count(Person.id)))


def test_an_offender_manager_adds_a_person_to_their_caseload(world, signed_in, db):
    response = signed_in(world.om).post("/people/new", SAM)

    assert response.status_code == 302
    sam = db.session.scalar(select(Person))
    assert (sam.crn, sam.date_of_birth, sam.offender_manager_id, sam.alcohol_need) == (
        "X123456",
        date(1985, 4, 2),
        world.om.id,
        True,
    )
    assert response.headers["Location"] == f"/people/{sam.id}"


@pytest.mark.parametrize(
    ("change", "field_error"),
    [
        ({"crn": "123"}, "A CRN is a letter and six digits, like X123456."),
        ({"prison_number": "nope"}, "A prison number is like A1234BC."),
        ({"given_name": ""}, "Missing data for required field."),
        (date_parts("date_of_birth", date(1899, 12, 31)), "Cannot be before 1900-01-01."),
        ({"sms_consent": "yes"}, "Record a mobile number before consent to texts."),
    ],
)
def test_the_apis_rules_refuse_the_same_input(world, signed_in, db, change, field_error):
    response = signed_in(world.om).post("/people/new", SAM | change)

    assert response.status_code == 422 and field_error in text(response)
    assert people(db) == 0


def test_a_crn_or_prison_number_someone_has_already_is_refused(world, signed_in, make_case, db):
    make_case(world.other_om, crn="X123456", prison_number="A1234BC")
    browser = signed_in(world.om)

    same_crn = browser.post("/people/new", SAM | {"given_name": "Other"})
    same_number = browser.post("/people/new", SAM | {"crn": "X654321", "prison_number": "A1234BC"})

    assert same_crn.status_code == 422 and "Another person already has crn X123456." in text(same_crn)
    assert "Another person already has prison_number A1234BC." in text(same_number)
    assert people(db) == 1


def test_a_possible_match_outside_the_caseload_is_a_warning_that_names_nobody(
    world, signed_in, make_case, db
):
    other = make_case(world.other_om, given_name="SAM", family_name="jones", crn="X999999")
    browser = signed_in(world.om)

    warned = browser.post("/people/new", SAM)

    page = text(warned)
    assert warned.status_code == 200 and "A possible match exists outside your caseload." in page
    assert "X999999" not in page and "Cardiff" not in page and f'/people/{other.id}"' not in page
    assert "I have checked: this is not the same person" in page and people(db) == 1
    check = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "match_check"))
    assert check.actor_id == world.om.id and check.detail["matched_person_ids"] == [other.id]

    confirmed = browser.post("/people/new", SAM | {"confirm_match": "y"})

    assert confirmed.status_code == 302 and people(db) == 2


def test_no_warning_without_a_match(world, signed_in, make_case, db):
    make_case(
        world.other_om, given_name="Sam", family_name="Jones", crn="X999999", date_of_birth=date(1990, 1, 1)
    )

    assert signed_in(world.om).post("/people/new", SAM).status_code == 302


@pytest.mark.parametrize("who", ["resettlement", "treatment", "commissioner", "admin"])
def test_only_offender_managers_add_people_from_the_page(world, signed_in, who):
    assert signed_in(getattr(world, who)).get("/people/new").status_code == 403


def test_equality_monitoring_is_asked_for_and_optional(world, signed_in, db):
    browser = signed_in(world.om)
    page = text(browser.get("/people/new"))

    assert "Sex (optional)" in page and "White: Irish" in page
    monitored = browser.post("/people/new", SAM | {"sex": "female", "ethnic_group": "white_irish"})
    unrecorded = browser.post("/people/new", SAM | {"crn": "X654321", "given_name": "Alex"})

    assert (monitored.status_code, unrecorded.status_code) == (302, 302)

    stored = {p.crn: (p.sex, p.ethnic_group) for p in db.session.scalars(select(Person))}
    assert stored == {"X123456": ("female", "white_irish"), "X654321": (None, None)}
