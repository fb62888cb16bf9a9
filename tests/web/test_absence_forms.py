"""Recording a missed appointment's absence through the pages, and the warning the first one records."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.web.helpers import text
from tracker.types import utcnow


@pytest.fixture
def missed_case(world, make_case, db):
    """missed_case(*stages, kind="probation"): a person on those stages and an appointment 2 days ago."""
    from tracker.pathway import care

    def make(*stages: str, kind: str = "probation"):
        person = make_case(world.om, *stages)
        appointment = care.book_appointment(
            person,
            {"kind": kind, "starts_at": datetime.now(UTC) - timedelta(days=2)},
            by=world.om,
            now=utcnow(),
        )
        db.session.commit()
        return person, appointment

    return make


def stored(db, appointment):
    from tracker.pathway.models import Appointment

    return db.session.get(Appointment, appointment.id)


def test_the_absence_question_follows_the_outcome_and_says_it_is_for_a_missed_one(
    world, signed_in, missed_case
):
    _, appointment = missed_case("court", "atr")

    page = text(signed_in(world.om).get(f"/appointments/{appointment.id}"))

    outcome = page.index('name="outcome" type="radio" value="missed"')
    absence = page.index("If missed: was the absence acceptable?")
    assert outcome < absence
    assert re.findall(r'name="absence" type="radio" value="([^"]+)"', page[absence:]) == [
        "acceptable",
        "unacceptable",
        "pending",
    ]


def test_an_unacceptable_absence_on_an_order_records_a_warning(world, signed_in, missed_case, db):
    person, appointment = missed_case("court", "atr")
    client = signed_in(world.om)
    page = f"/appointments/{appointment.id}"

    response = client.post(f"{page}/outcome", {"outcome": "missed", "absence": "unacceptable"}, form_url=page)

    assert response.status_code == 302
    from tracker.clock import local_today

    kept = stored(db, appointment)
    assert (kept.outcome, kept.absence, kept.warned_by_id) == ("missed", "unacceptable", world.om.id)
    assert kept.warned_on == local_today(kept.starts_at)
    person_page = text(client.get(f"/people/{person.id}"))
    assert "A warning is recorded for this unacceptable absence" in person_page
    assert "Missed: unacceptable absence, warning given" in person_page


def test_a_court_hearing_missed_unacceptably_records_no_warning(world, signed_in, missed_case, db):
    _, appointment = missed_case("court", "atr", kind="court_hearing")
    page = f"/appointments/{appointment.id}"

    signed_in(world.om).post(
        f"{page}/outcome", {"outcome": "missed", "absence": "unacceptable"}, form_url=page
    )

    kept = stored(db, appointment)
    assert (kept.absence, kept.warned_on) == ("unacceptable", None)


def test_missed_without_a_decision_is_pending_and_settled_later(world, signed_in, missed_case, db):
    person, appointment = missed_case("court", "atr")
    client = signed_in(world.om)
    page = f"/appointments/{appointment.id}"

    assert client.post(f"{page}/outcome", {"outcome": "missed"}, form_url=page).status_code == 302
    assert stored(db, appointment).absence == "pending"
    person_page = text(client.get(f"/people/{person.id}"))
    assert f'href="/appointments/{appointment.id}">Record the absence' in person_page
    settle_page = text(client.get(page))
    assert re.findall(r'name="absence-absence" type="radio" value="([^"]+)"', settle_page) == [
        "acceptable",
        "unacceptable",
    ]
    assert 'name="outcome"' not in settle_page

    settled = client.post(f"{page}/absence", {"absence-absence": "unacceptable"}, form_url=page)

    assert settled.status_code == 302
    kept = stored(db, appointment)
    assert (kept.absence, kept.warned_by_id) == ("unacceptable", world.om.id)
    assert kept.warned_on is not None
    assert "Record the absence" not in text(client.get(f"/people/{person.id}"))


def test_the_absence_decision_must_be_chosen(world, signed_in, missed_case, db):
    _, appointment = missed_case("court", "atr")
    client = signed_in(world.om)
    page = f"/appointments/{appointment.id}"
    client.post(f"{page}/outcome", {"outcome": "missed"}, form_url=page)

    response = client.post(f"{page}/absence", {}, form_url=page)

    assert response.status_code == 422
    assert '<a href="#absence-absence">Select whether the absence was acceptable</a>' in text(response)
    assert stored(db, appointment).absence == "pending"


def test_a_settled_absence_is_not_changed(world, signed_in, missed_case, db):
    _, appointment = missed_case("court", "atr")
    client = signed_in(world.om)
    page = f"/appointments/{appointment.id}"
    client.post(f"{page}/outcome", {"outcome": "missed", "absence": "acceptable"}, form_url=page)
    assert "Record the absence" not in text(client.get(page))

    # A second tab still showing the form posts a change.
    token_page = text(client.get(f"/people/{appointment.person_id}/appointments/new"))
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', token_page).group(1)
    response = client.post_with_token(f"{page}/absence", {"absence-absence": "unacceptable"}, token)

    assert response.status_code == 409
    assert "already recorded as acceptable" in text(response)
    kept = stored(db, appointment)
    assert (kept.absence, kept.warned_on) == ("acceptable", None)


def test_an_absence_left_checked_under_another_outcome_is_not_sent(world, signed_in, missed_case, db):
    _, appointment = missed_case("court", "atr")
    page = f"/appointments/{appointment.id}"

    response = signed_in(world.om).post(
        f"{page}/outcome", {"outcome": "attended", "absence": "unacceptable"}, form_url=page
    )

    assert response.status_code == 302
    kept = stored(db, appointment)
    assert (kept.outcome, kept.absence, kept.warned_on) == ("attended", None, None)
