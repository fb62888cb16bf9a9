"""GET /api/v1/people/{id}/messages: the texts a person was or will be sent, through the caller's scope."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from sqlalchemy import select

from tests.sms.helpers import london
from tracker.audit import AuditEntry


@pytest.fixture
def person_with_texts(texted_person, book, release, walk_out, today):
    person = texted_person(given_name="Sam")
    release(person, today + timedelta(days=1))
    walk_out(person, today + timedelta(days=1))
    book(person, london(today + timedelta(days=3), "11:00"))
    return person


def test_the_messages_list_shows_each_text_by_due_time(api, person_with_texts, dispatch_at, today, db):
    dispatch_at(london(today + timedelta(days=1), "09:00"))

    response = api.get(f"/people/{person_with_texts['id']}/messages")

    assert response.status_code == 200
    listed = response.json
    assert [(m["purpose"], m["status"]) for m in listed] == [
        ("release_day", "sent"),
        ("appointment", "pending"),
        ("check_in", "pending"),
    ]
    assert listed[0]["due_at"] == london(today + timedelta(days=1), "09:00").astimezone(UTC).isoformat()
    assert listed[0]["body"].startswith("Hi Sam, today is the day.")
    assert listed[0]["to"] == person_with_texts["mobile"]
    assert listed[0]["gateway_sid"].startswith("OUTBOX-")  # the default backend: nothing left the machine
    assert listed[1]["body"] is None  # composed when it is sent, with what is true then
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.subject_type == "sms_messages")) is not None


def test_another_teams_offender_manager_gets_404(make_staff, api_as, person_with_texts):
    stranger = make_staff("offender_manager")

    assert api_as(stranger).get(f"/people/{person_with_texts['id']}/messages").status_code == 404


@pytest.mark.parametrize("role", ["commissioner", "admin", "treatment", "resettlement"])
def test_roles_that_cannot_see_the_person_get_404(make_staff, api_as, person_with_texts, role):
    assert api_as(make_staff(role)).get(f"/people/{person_with_texts['id']}/messages").status_code == 404


def test_a_colleague_in_the_same_team_sees_the_texts(make_staff, api_as, om, person_with_texts):
    colleague = make_staff("offender_manager", team=om.team)

    assert api_as(colleague).get(f"/people/{person_with_texts['id']}/messages").status_code == 200


def test_the_prison_holding_the_person_sees_the_texts(make_staff, api_as, prison, person_with_texts):
    officer = make_staff("resettlement", team=prison)

    assert api_as(officer).get(f"/people/{person_with_texts['id']}/messages").status_code == 200


def test_without_a_token_the_answer_is_401(client, person_with_texts):
    assert client.get(f"/api/v1/people/{person_with_texts['id']}/messages").status_code == 401


def test_the_list_costs_the_same_queries_however_many_texts(api, texted_person, book, today, count_queries):
    few, many = texted_person(), texted_person()
    book(few, london(today + timedelta(days=3), "11:00"))
    for days in range(3, 13):
        book(many, london(today + timedelta(days=days), "11:00"), kind="court_hearing")

    with count_queries() as one:
        api.get(f"/people/{few['id']}/messages")
    with count_queries() as dozens:
        assert len(api.get(f"/people/{many['id']}/messages").json) > 20

    assert len(one) == len(dozens)
