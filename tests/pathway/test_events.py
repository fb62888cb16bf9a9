"""tracker/pathway/events.py: what the pathway announces, inside the transaction of the change.

pathway never calls sms or alerts; sms subscribes in its init_app, and its outbox rows are written
with their cause or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from tracker.pathway import events
from tracker.types import utcnow

ALL = events.RELEASE_CHANGES + events.APPOINTMENT_CHANGES


@contextmanager
def heard() -> Iterator[list[tuple[str, str, int]]]:
    """Every signal sent inside the block, as (signal name, sender's table, sender's id)."""
    got: list[tuple[str, str, int]] = []
    with ExitStack() as stack:
        for signal in ALL:

            def receiver(sender, signal=signal, **sent):
                # Every change comes with its use case's instant, for the receivers to stamp with.
                assert sent["now"].tzinfo is not None
                got.append((signal.name, sender.__tablename__, sender.id))

            stack.enter_context(signal.connected_to(receiver))
        yield got


@pytest.fixture
def person(make_person, om):
    return make_person(om, mobile="+447911123456", sms_consent=True)


@pytest.fixture
def stage(api_as, om, person):
    """post a stage for the person; the response's JSON."""

    def post(payload: dict) -> dict:
        response = api_as(om).post(f"/people/{person['id']}/stages", payload)
        assert response.status_code == 201, response.json
        return response.json

    return post


def custody(prison, start_on, **release_dates) -> dict:
    return {
        "kind": "custody",
        "start_on": start_on.isoformat(),
        "basis": "sentenced",
        "establishment_team_id": prison.id,
        "sentence_start_on": start_on.isoformat(),
        "release_dates": {kind: on.isoformat() for kind, on in release_dates.items()},
    }


def release_handover_id(db, person) -> int:
    from tracker.pathway.models import Handover

    return db.session.scalar(
        select(Handover.id).where(Handover.person_id == person["id"], Handover.kind == "release")
    )


def test_a_release_is_announced_as_planned_released_and_back_in_custody(stage, prison, person, db, today):
    with heard() as planned:
        stage(custody(prison, today - timedelta(days=30), crd=today + timedelta(days=5)))
    first = release_handover_id(db, person)
    with heard() as walked_out:
        stage({"kind": "licence", "start_on": today.isoformat()})
    with heard() as recalled:
        stage(custody(prison, today + timedelta(days=3)))

    assert planned == [("release-dates-changed", "handovers", first)]
    assert walked_out == [("released", "handovers", first)]
    assert recalled == [("back-in-custody", "handovers", first)]


def test_moved_and_withdrawn_release_dates_are_announced(api_as, om, stage, prison, person, db, today):
    custody_stage = stage(custody(prison, today - timedelta(days=30), crd=today + timedelta(days=5)))
    path = f"/stages/{custody_stage['id']}"

    with heard() as moved:
        later = api_as(om).patch(path, {"release_dates": {"crd": (today + timedelta(days=9)).isoformat()}})
    with heard() as withdrawn:
        gone = api_as(om).patch(path, {"release_dates": {"crd": None}})

    assert (later.status_code, gone.status_code) == (200, 200), (later.json, gone.json)

    handover = ("handovers", release_handover_id(db, person))
    assert moved == [("release-dates-changed", *handover)]
    assert withdrawn == [("release-dates-changed", *handover)]


def test_custody_ending_without_release_announces_the_cancelled_handover(stage, prison, person, db, today):
    stage(custody(prison, today - timedelta(days=30), crd=today + timedelta(days=50)))

    with heard() as ended:
        stage({"kind": "court", "start_on": today.isoformat(), "court": "Bristol Crown Court"})

    assert ended == [("handover-status-changed", "handovers", release_handover_id(db, person))]


def test_appointments_are_announced_booked_moved_recorded_and_cancelled(api_as, om, person, today):
    api = api_as(om)
    starts_at = datetime.combine(today + timedelta(days=5), time(10), UTC)
    with heard() as booked:
        booking = api.post(
            f"/people/{person['id']}/appointments", {"kind": "probation", "starts_at": starts_at.isoformat()}
        )
    path = f"/appointments/{booking.json['id']}"
    with heard() as moved:
        move = api.patch(path, {"starts_at": (starts_at + timedelta(days=1)).isoformat()})
    with heard() as cancelled:
        cancel = api.patch(path, {"outcome": "cancelled"})

    assert (booking.status_code, move.status_code, cancel.status_code) == (201, 200, 200)
    appointment = ("appointments", booking.json["id"])
    assert booked == [("appointment-booked", *appointment)]
    assert moved == [("appointment-moved", *appointment)]
    assert cancelled == [("appointment-cancelled", *appointment)]


def test_a_text_is_written_in_the_transaction_of_its_cause(db, om, person, today):
    from tracker.auth.models import Staff
    from tracker.pathway import care
    from tracker.pathway.models import Appointment, Person
    from tracker.sms.models import Message

    starts_at = datetime.combine(today + timedelta(days=5), time(10), UTC)
    booked = care.book_appointment(
        db.session.get(Person, person["id"]),
        {"kind": "probation", "starts_at": starts_at},
        db.session.get(Staff, om.id),
        now=utcnow(),
    )
    written = db.session.scalars(select(Message.purpose).where(Message.subject_id == booked.id)).all()
    db.session.rollback()

    assert written == ["appointment"]
    assert db.session.scalar(select(func.count(Appointment.id))) == 0
    assert db.session.scalar(select(func.count(Message.id))) == 0


def test_sms_subscribes_once_however_many_apps_are_built(app):
    from tracker import create_app

    before = {signal.name: len(signal.receivers) for signal in ALL}
    create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}, env="test")

    assert {signal.name: len(signal.receivers) for signal in ALL} == before
    assert all(count == 1 for count in before.values())
