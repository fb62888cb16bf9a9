"""The feedback text (issue 11): the day after the first attended community appointment since a release,
"How helpful was your support to get here? Reply 1 to 5"; a reply of just 1 to 5 within 7 days is kept
as the rating without its text, and any other reply goes the usual way (an alert to the offender manager).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.sms.helpers import london, utcnow
from tracker.alerts.models import Alert
from tracker.sms.models import FeedbackRating, InboundMessage, Message

ENGLISH = "Hi Sam, how helpful was your support to get here? Reply 1 to 5, where 5 is very helpful."
WELSH = (
    "Helo Sam, pa mor ddefnyddiol oedd eich cefnogaeth i gyrraedd yma? Atebwch 1 i 5, "
    "lle mae 5 yn ddefnyddiol iawn."
)


@pytest.fixture
def released(texted_person, release, walk_out, today):
    """released(**fields): a person released three days ago (A = today - 3), with texts agreed."""

    def make(**fields) -> dict:
        person = texted_person(**({"given_name": "Sam"} | fields))
        out_on = today - timedelta(days=3)
        release(person, out_on)
        walk_out(person, out_on)
        return person

    return make


@pytest.fixture
def attend(api, book):
    """attend(person, starts_at, kind="probation", outcome="attended"): book an appointment and record it."""

    def make(person: dict, starts_at, kind: str = "probation", outcome: str = "attended") -> dict:
        appointment = book(person, starts_at, kind=kind)
        response = api.patch(f"/appointments/{appointment['id']}", {"outcome": outcome})
        assert response.status_code == 200, response.json
        return appointment

    return make


def feedback_texts(texts, person: dict) -> list[Message]:
    return texts(person, purpose="feedback")


@pytest.mark.parametrize("kind", ["probation", "treatment_assessment", "treatment_session"])
def test_the_first_attended_community_appointment_after_release_brings_one_feedback_text_next_day(
    twilio, released, attend, texts, dispatch_at, today, kind
):
    person = released()
    attend(person, london(today - timedelta(days=1), "11:00"), kind=kind)

    [row] = feedback_texts(texts, person)
    assert (row.status, row.subject_type) == ("pending", "handovers")
    assert row.due_at >= london(today, "10:00")

    dispatch_at(london(today + timedelta(days=1), "10:00"))

    assert [m["body"] for m in twilio.sent_to(person["mobile"])] == [ENGLISH]


def test_the_feedback_text_in_welsh(twilio, released, attend, dispatch_at, today):
    person = released(language="cy")
    attend(person, london(today - timedelta(days=1), "11:00"))

    dispatch_at(london(today + timedelta(days=1), "10:00"))

    assert [m["body"] for m in twilio.sent_to(person["mobile"])] == [WELSH]


def test_only_the_first_attended_appointment_after_release_asks(released, attend, texts, today):
    person = released()
    attend(person, london(today - timedelta(days=2), "11:00"))
    attend(person, london(today - timedelta(days=1), "11:00"))

    assert len(feedback_texts(texts, person)) == 1


@pytest.mark.parametrize(
    ("kind", "outcome"),
    [("probation", "missed"), ("court_hearing", "attended")],
    ids=["a missed appointment", "a court hearing"],
)
def test_nothing_asks_but_an_attended_community_appointment(released, attend, texts, today, kind, outcome):
    person = released()
    attend(person, london(today - timedelta(days=1), "11:00"), kind=kind, outcome=outcome)

    assert feedback_texts(texts, person) == []


def test_nobody_is_asked_without_a_release(texted_person, attend, texts, today):
    person = texted_person()
    attend(person, london(today - timedelta(days=1), "11:00"))

    assert feedback_texts(texts, person) == []


def test_an_appointment_before_the_release_does_not_ask(released, attend, texts, today):
    person = released()
    attend(person, london(today - timedelta(days=5), "11:00"))

    assert feedback_texts(texts, person) == []


def test_no_feedback_text_without_consent(twilio, released, attend, texts, dispatch_at, today, db):
    from tracker.pathway.models import Person

    person = released()
    attend(person, london(today - timedelta(days=1), "11:00"))
    db.session.get(Person, person["id"]).sms_consent = False
    db.session.commit()

    dispatch_at(london(today + timedelta(days=1), "10:00"))

    assert twilio.total == 0
    assert [m.note for m in feedback_texts(texts, person)] == ["No consent to texts recorded."]


def test_the_feedback_text_waits_for_the_sending_window(twilio, released, attend, dispatch_at, today):
    person = released()
    attend(person, london(today - timedelta(days=1), "11:00"))

    dispatch_at(london(today + timedelta(days=1), "08:59"))
    assert twilio.total == 0
    dispatch_at(london(today + timedelta(days=1), "09:00"))
    assert twilio.count(person["mobile"]) == 1


@pytest.fixture
def asked(twilio, released, attend, dispatch_at, today):
    """A person whose feedback text went out."""
    person = released()
    attend(person, london(today - timedelta(days=1), "11:00"))
    dispatch_at(london(today + timedelta(days=1), "10:00"))
    assert twilio.count(person["mobile"]) == 1
    return person


def ratings(db) -> list[tuple[int, int]]:
    db.session.expire_all()
    return [(r.person_id, r.rating) for r in db.session.scalars(select(FeedbackRating))]


def reply_alerts(db) -> list[str]:
    db.session.expire_all()
    return [a.message for a in db.session.scalars(select(Alert).where(Alert.rule == "sms_reply"))]


@pytest.mark.parametrize(("reply", "rating"), [("4", 4), (" 1 ", 1), ("5.", 5)])
def test_a_reply_of_just_1_to_5_is_kept_as_the_rating_and_its_text_is_not(asked, text_in, db, reply, rating):
    assert text_in(asked["mobile"], reply).status_code == 200

    assert ratings(db) == [(asked["id"], rating)]
    [inbound] = db.session.scalars(select(InboundMessage)).all()
    assert (inbound.body, inbound.meaning) == ("", "rating")
    assert reply_alerts(db) == []


def test_a_second_rating_replaces_the_first(asked, text_in, db):
    text_in(asked["mobile"], "2")
    text_in(asked["mobile"], "3")

    assert ratings(db) == [(asked["id"], 3)]


@pytest.mark.parametrize("reply", ["6", "0", "4 thanks", "45"])
def test_any_other_reply_follows_the_usual_path(asked, text_in, db, reply):
    text_in(asked["mobile"], reply)

    assert ratings(db) == []
    assert reply_alerts(db) == [f"Text reply: {reply}"]


def test_a_number_more_than_7_days_after_the_text_follows_the_usual_path(asked, text_in, db, texts):
    [row] = feedback_texts(texts, asked)
    sent_at = utcnow() - timedelta(days=7, minutes=1)
    db.session.execute(update(Message).where(Message.id == row.id).values(sent_at=sent_at))
    db.session.commit()

    text_in(asked["mobile"], "4")

    assert ratings(db) == []
    assert reply_alerts(db) == ["Text reply: 4"]


def test_a_number_with_no_feedback_text_sent_follows_the_usual_path(texted_person, text_in, db):
    person = texted_person()

    text_in(person["mobile"], "4")

    assert ratings(db) == []
    assert reply_alerts(db) == ["Text reply: 4"]
