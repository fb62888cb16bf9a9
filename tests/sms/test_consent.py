"""Consent and replies (issue 4, item 4): nothing without consent and a mobile; STOP, START, HELP,
YES/NO to the check-in, anything else to the offender manager; Twilio's 21610 means opted out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.sms.helpers import london
from tracker.alerts.models import Alert
from tracker.pathway.models import ConsentChange, Handover, Person
from tracker.sms.models import InboundMessage


def consent_history(db, person: dict) -> list[tuple[bool, str]]:
    db.session.expire_all()
    rows = db.session.scalars(
        select(ConsentChange).where(ConsentChange.person_id == person["id"]).order_by(ConsentChange.id)
    )
    return [(c.consent, c.how) for c in rows]


def alerts(db, rule: str) -> list[Alert]:
    db.session.expire_all()
    return list(db.session.scalars(select(Alert).where(Alert.rule == rule).order_by(Alert.id)))


@pytest.fixture
def reminded(texted_person, book, today):
    """reminded(**fields): a person with an appointment in four days (so a reminder pending)."""

    def make(**fields) -> dict:
        person = texted_person(**fields)
        book(person, london(today + timedelta(days=4), "11:00"))
        return person

    return make


# Consent to send


def test_nothing_is_sent_without_recorded_consent(twilio, make_person, om, book, dispatch_at, texts, today):
    person = make_person(om, mobile="07911 123456", sms_consent=False)
    on = today + timedelta(days=2)
    book(person, london(on, "10:00"))

    result = dispatch_at(london(on - timedelta(days=1), "10:00"))

    assert twilio.total == 0
    assert result.skipped == 1
    [reminder] = texts(person)
    assert (reminder.status, reminder.note) == ("cancelled", "No consent to texts recorded.")


def test_nothing_is_sent_without_a_mobile(twilio, reminded, dispatch_at, texts, today, db):
    person = reminded()
    db.session.get(Person, person["id"]).mobile = None  # an old record, from before consent needed a mobile
    db.session.commit()

    dispatch_at(london(today + timedelta(days=3), "10:00"))

    assert twilio.total == 0
    assert [t.note for t in texts(person)] == ["No mobile number."]


def test_consent_needs_a_valid_mobile(api, make_person, om):
    assert (
        api.post("/people", {"given_name": "Sam", "family_name": "Jones", "sms_consent": True}).status_code
        == 422
    )
    landline = api.post("/people", {"given_name": "Sam", "family_name": "Jones", "mobile": "0117 496 0123"})
    assert landline.status_code == 422
    assert "mobile" in landline.json["errors"]


def test_consent_given_before_the_reminder_is_due_lets_it_go(
    twilio, make_person, om, api, book, dispatch_at, today
):
    person = make_person(om, mobile="07911 123456")
    on = today + timedelta(days=2)
    book(person, london(on, "10:00"))

    assert api.patch(f"/people/{person['id']}", {"sms_consent": True}).status_code == 200
    dispatch_at(london(on - timedelta(days=1), "10:00"))

    assert twilio.count("+447911123456") == 1


# Inbound keywords


@pytest.mark.parametrize(
    "word",
    [
        "STOP",
        "Stop",
        " stop ",
        "stop.",
        "STOPALL",
        "unsubscribe",
        "CANCEL",
        "END",
        "QUIT",
        "REVOKE",
        "OPTOUT",
    ],
)
def test_a_stop_word_opts_out_at_once_and_is_in_the_consent_history(reminded, text_in, texts, db, word):
    person = reminded()

    response = text_in(person["mobile"], word)

    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    assert db.session.get(Person, person["id"]).sms_consent is False
    assert consent_history(db, person) == [
        (True, "recorded by staff"),
        (False, f"replied {word.strip().upper()}"),
    ]
    assert {t.status for t in texts(person)} == {"cancelled"}


def test_after_stop_nothing_more_is_sent(twilio, reminded, text_in, release, dispatch_at, today):
    person = reminded()
    release(person, today + timedelta(days=1))
    text_in(person["mobile"], "STOP")

    for day in range(1, 6):
        for hhmm in ("09:00", "10:00", "15:00"):
            dispatch_at(london(today + timedelta(days=day), hhmm))

    assert twilio.total == 0


def test_start_opts_back_in_and_is_in_the_consent_history(
    reminded, text_in, book, texts, dispatch_at, twilio, db, today
):
    person = reminded()
    text_in(person["mobile"], "STOP")

    text_in(person["mobile"], "start")
    on = today + timedelta(days=6)
    book(person, london(on, "10:00"))
    dispatch_at(london(on - timedelta(days=1), "10:00"))

    assert db.session.get(Person, person["id"]).sms_consent is True
    assert consent_history(db, person)[-2:] == [(False, "replied STOP"), (True, "replied START")]
    assert twilio.count(person["mobile"]) == 1


@pytest.mark.parametrize(
    ("language", "help_text"),
    [
        ("en", "This number sends appointment reminders. To stop texts reply STOP"),
        ("cy", "Mae'r rhif hwn yn anfon nodiadau atgoffa."),
    ],
)
def test_help_answers_with_the_help_text_in_their_language(reminded, text_in, db, language, help_text):
    person = reminded(language=language)

    response = text_in(person["mobile"], " help ")

    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?><Response><Message>')
    assert help_text in body and "0300 123 4567" in body
    assert db.session.get(Person, person["id"]).sms_consent is True


def test_stop_from_an_unknown_number_is_kept_and_harmless(text_in, db):
    assert text_in("+447911999999", "STOP").status_code == 200

    [kept] = db.session.scalars(select(InboundMessage))
    assert (kept.from_number, kept.meaning, kept.person_id) == ("+447911999999", "stop", None)


def test_a_repeated_inbound_text_acts_once(reminded, text_in, db):
    person = reminded()

    text_in(person["mobile"], "Running late", sid="SM" + "a" * 32)
    text_in(person["mobile"], "Running late", sid="SM" + "a" * 32)

    assert len(alerts(db, "sms_reply")) == 1


# The check-in


@pytest.fixture
def checked_in(twilio, texted_person, release, walk_out, dispatch_at, today, db):
    """A person released tomorrow whose check-in text went out two days after."""
    person = texted_person()
    custody = release(person, today + timedelta(days=1))
    walk_out(person, today + timedelta(days=1))
    dispatch_at(london(today + timedelta(days=1), "09:00"))
    dispatch_at(london(today + timedelta(days=3), "10:00"))
    assert twilio.count(person["mobile"]) == 2  # the release-day text and the check-in
    person["handover"] = db.session.scalar(
        select(Handover).where(Handover.stage_id == custody["id"], Handover.kind == "release")
    )
    return person


@pytest.mark.parametrize(
    ("reply", "answer"), [("YES", True), ("yes", True), ("Y", True), ("No", False), ("n", False)]
)
def test_yes_or_no_to_the_check_in_is_recorded_on_the_handover(checked_in, text_in, db, reply, answer):
    text_in(checked_in["mobile"], reply)

    db.session.expire_all()
    assert checked_in["handover"].check_in_answer is answer
    assert checked_in["handover"].check_in_answered_at is not None
    assert alerts(db, "sms_reply") == []


def test_yes_with_no_check_in_sent_goes_to_the_offender_manager(reminded, text_in, db, om):
    person = reminded()

    text_in(person["mobile"], "YES")

    [alert] = alerts(db, "sms_reply")
    assert (alert.staff_id, alert.person_id, alert.message) == (om.id, person["id"], "Text reply: YES")


def test_any_other_reply_becomes_an_alert_to_the_offender_manager(reminded, text_in, db, om):
    person = reminded()

    response = text_in(person["mobile"], "  Can we move it to Friday? ")

    assert response.status_code == 200
    [alert] = alerts(db, "sms_reply")
    assert (alert.staff_id, alert.team_id, alert.person_id) == (om.id, om.team_id, person["id"])
    assert alert.message == "Text reply: Can we move it to Friday?"
    assert alert.status == "open"
    assert db.session.get(Person, person["id"]).sms_consent is True


# Twilio's 21610: the number opted out with the carrier


def test_error_21610_records_an_opt_out_and_tells_the_offender_manager(
    twilio, reminded, book, dispatch_at, texts, db, om, today
):
    person = reminded()
    book(person, london(today + timedelta(days=8), "11:00"))
    twilio.fail_next(1, 400, 21610)

    result = dispatch_at(london(today + timedelta(days=3), "10:00"))

    assert result.failed == 1
    assert db.session.get(Person, person["id"]).sms_consent is False
    assert consent_history(db, person)[-1] == (False, "Twilio error 21610 (opt-out)")
    assert [(t.status, t.error_code) for t in texts(person)] == [("failed", "21610"), ("cancelled", None)]
    [alert] = alerts(db, "sms_opted_out")
    assert (alert.staff_id, alert.person_id) == (om.id, person["id"])
    dispatch_at(london(today + timedelta(days=7), "10:00"))
    assert len(twilio.requests) == 1


# Repeated replies (issue 10, item 9)


def test_repeated_replies_update_one_open_alert_to_the_offender_manager(reminded, text_in, db, om):
    person = reminded()

    for reply in ("Running late", "Bus broke down", "Here now"):
        text_in(person["mobile"], reply)

    [alert] = alerts(db, "sms_reply")
    assert alert.message.split("\n") == [
        "Text reply: Running late",
        "Text reply: Bus broke down",
        "Text reply: Here now",
    ]
    latest = db.session.scalar(select(InboundMessage.id).order_by(InboundMessage.id.desc()).limit(1))
    assert (alert.subject_type, alert.subject_id, alert.status) == ("sms_inbound", latest, "open")


def test_a_reply_after_the_alert_is_acknowledged_raises_a_new_one(reminded, text_in, db):
    person = reminded()
    text_in(person["mobile"], "Running late")
    alerts(db, "sms_reply")[0].status = "acknowledged"
    db.session.commit()

    text_in(person["mobile"], "Here now")

    assert [a.message for a in alerts(db, "sms_reply")] == [
        "Text reply: Running late",
        "Text reply: Here now",
    ]


def test_a_flood_of_replies_keeps_only_the_latest_in_the_alert(reminded, text_in, db):
    person = reminded()

    for n in range(25):
        text_in(person["mobile"], f"reply {n}")

    [alert] = alerts(db, "sms_reply")
    assert alert.message.split("\n")[-1] == "Text reply: reply 24"
    assert len(alert.message.split("\n")) == 10


def test_a_stop_hidden_by_a_zero_width_space_still_opts_out(reminded, text_in, db):
    person = reminded()

    text_in(person["mobile"], "S\u200bTOP")

    assert db.session.get(Person, person["id"]).sms_consent is False
    assert consent_history(db, person)[-1][0] is False
    assert alerts(db, "sms_reply") == []


def test_stop_and_start_are_in_the_audit_log(reminded, text_in, db):
    from tracker.audit import AuditEntry

    person = reminded()

    text_in(person["mobile"], "STOP")
    text_in(person["mobile"], "START")

    db.session.expire_all()
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action.like("sms_opt%")).order_by(AuditEntry.id)
    )
    assert [(e.action, e.person_id, e.detail) for e in entries] == [
        ("sms_opt_out", person["id"], {"how": "replied STOP"}),
        ("sms_opt_in", person["id"], {"how": "replied START"}),
    ]


def test_a_text_sent_is_in_the_audit_log(twilio, reminded, dispatch_at, texts, db, today):
    from tracker.audit import AuditEntry

    person = reminded()

    dispatch_at(london(today + timedelta(days=3), "10:00"))

    [sent] = [t for t in texts(person) if t.status == "sent"]
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "sms_sent"))
    assert (entry.subject_type, entry.subject_id, entry.person_id) == ("sms_messages", sent.id, person["id"])
    assert entry.detail == {"purpose": sent.purpose}
