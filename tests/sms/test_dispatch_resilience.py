"""One bad row never stops the dispatch (issue 10 item 2): a row that cannot be composed or recorded is
marked failed with a note, and the rest of the batch is sent."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert, select

from tests.sms.helpers import LONDON
from tracker.pathway.models import Person
from tracker.sms import dispatch as dispatcher
from tracker.sms.gateways import SendResult
from tracker.sms.models import Message

AT = datetime(2026, 6, 16, 10, 0, tzinfo=LONDON)  # a Tuesday, inside the sending window


def check_ins(db, names: list[str]) -> dict[str, int]:
    """A check-in text due at AT for each named person who consented; their message ids by name."""
    people = [
        {"given_name": name, "family_name": "Test", "mobile": f"+44793000{n:04d}", "sms_consent": True}
        for n, name in enumerate(names)
    ]
    ids = db.session.scalars(insert(Person).returning(Person.id, sort_by_parameter_order=True), people).all()
    messages = db.session.scalars(
        insert(Message).returning(Message.id, sort_by_parameter_order=True),
        [
            {
                "person_id": i,
                "purpose": "check_in",
                "subject_type": "handovers",
                "subject_id": i,
                "due_at": AT,
            }
            for i in ids
        ],
    ).all()
    db.session.commit()
    return dict(zip(names, messages, strict=True))


def status_of(db, message_id: int) -> tuple[str, str | None]:
    row = db.session.execute(select(Message.status, Message.note).where(Message.id == message_id)).one()
    db.session.rollback()
    return row.status, row.note


class Gateway:
    """Answers every text with a new id, but one number with an id another row already has."""

    name = "test"

    def __init__(self, duplicate_for: str) -> None:
        self.duplicate_for, self.sent = duplicate_for, 0

    def send(self, to: str, body: str) -> SendResult:
        self.sent += 1
        return SendResult(sid="SM-taken" if to == self.duplicate_for else f"SM-{self.sent}-{to}")

    def find(self, to: str, body: str, within: timedelta) -> str | None:
        return None


def test_a_row_that_cannot_be_composed_is_failed_and_the_batch_is_sent(app, db, monkeypatch):
    ids = check_ins(db, ["Ann", "Bad", "Cy"])
    original = dispatcher.compose.compose

    def compose(rows, now):
        if any(r.id == ids["Bad"] for r in rows):
            raise OverflowError("date value out of range")
        return original(rows, now)

    monkeypatch.setattr(dispatcher.compose, "compose", compose)
    result = dispatcher.dispatch(AT, Gateway(duplicate_for=""))

    assert (result.sent, result.failed) == (2, 1)
    assert status_of(db, ids["Ann"])[0] == status_of(db, ids["Cy"])[0] == "sent"
    status, note = status_of(db, ids["Bad"])
    assert status == "failed" and "could not be composed" in note.lower()


def test_a_row_whose_answer_cannot_be_recorded_is_failed_and_the_others_are_kept(app, db):
    ids = check_ins(db, ["Ann", "Bad", "Cy"])
    taken = check_ins(db, ["Old"])["Old"]
    db.session.execute(
        Message.__table__.update().where(Message.id == taken).values(status="sent", gateway_sid="SM-taken")
    )
    db.session.commit()
    bad_mobile = db.session.scalar(select(Person.mobile).where(Person.given_name == "Bad"))

    result = dispatcher.dispatch(AT, Gateway(duplicate_for=bad_mobile))

    assert (result.sent, result.failed) == (2, 1)
    assert status_of(db, ids["Ann"])[0] == status_of(db, ids["Cy"])[0] == "sent"
    status, note = status_of(db, ids["Bad"])
    assert status == "failed" and "could not be recorded" in note


def test_accepted_answers_are_recorded_in_statements_that_do_not_grow_with_them(app, db, count_queries):
    from tracker.audit import AuditEntry
    from tracker.sms.templates import schedule

    few = list(check_ins(db, [f"Few{n}" for n in range(3)]).values())
    many = list(check_ins(db, [f"Many{n}" for n in range(40)]).values())
    delivery = schedule()["delivery"]

    counts = []
    for ids in (few, many):
        result = dispatcher.DispatchResult()
        with count_queries() as statements:
            dispatcher.record([(i, SendResult(sid=f"SM-{i}")) for i in ids], AT, delivery, result)
        counts.append(len(statements))
        assert result.sent == len(ids)

    assert counts[0] == counts[1]
    rows = db.session.execute(
        select(Message.id, Message.status, Message.gateway_sid, Message.sent_at, Message.attempts)
    ).all()
    assert {(r.status, r.gateway_sid, r.sent_at, r.attempts) for r in rows} == {
        ("sent", f"SM-{r.id}", AT, 1) for r in rows
    }
    audited = db.session.execute(
        select(AuditEntry.subject_id, AuditEntry.detail).where(AuditEntry.action == "sms_sent")
    ).all()
    assert sorted(audited) == sorted((i, {"purpose": "check_in"}) for i in few + many)
