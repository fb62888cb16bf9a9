"""The sweep never misses a change (issue 10 item 10): changed people are queued in the transaction of the
change and taken by the next sweep, whatever the audit timestamps and the sweep's mark say."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session

from tests.alerts.test_sweep import DAY, start_treatment
from tracker.alerts import changes
from tracker.alerts.models import ChangedPerson
from tracker.audit import AuditEntry

on_postgresql = pytest.mark.skipif(
    not (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql"), reason="needs PostgreSQL"
)


def forget_the_queue(db) -> None:
    db.session.execute(delete(ChangedPerson))
    db.session.commit()


def test_a_change_committed_after_a_sweep_read_past_its_time_is_evaluated_by_the_next_sweep(
    world, in_custody, sweep, sweep_now, alerts, db, today
):
    written_at = datetime.now(UTC)
    person, _ = in_custody(today + 28 * DAY)
    forget_the_queue(db)  # as if the person's records had been written by a transaction still open
    sweep_now()
    # Its checkpoint (P-84, 56 days ago) is before the first sweep's look-back: only a change brings it.
    assert not alerts(rule="pre_release_planning")

    # The slow transaction commits now, its audit entry stamped before the sweep's mark.
    db.session.add(AuditEntry(action="update", subject_type="people", person_id=person["id"], at=written_at))
    db.session.commit()
    sweep(datetime.now(UTC) + timedelta(minutes=1))

    [alert] = alerts(rule="pre_release_planning")
    assert alert.person_id == person["id"] and alert.checkpoint_on == today - 56 * DAY


def test_a_change_made_after_a_sweep_at_a_later_instant_is_seen_by_the_next_sweep(
    world, in_custody, api_as, sweep, sweep_now, alerts, today
):
    person, _ = in_custody(today + 28 * DAY)
    sweep_now()
    [alert] = alerts(rule="treatment_referral_missing")
    assert alert.status == "open"
    sweep(datetime.now(UTC) + 2 * DAY)  # `flask alerts sweep --at` two days ahead

    start_treatment(api_as(world.om), person, world.service, today)  # made now, before that mark
    sweep(datetime.now(UTC) + 3 * DAY)

    [alert] = alerts(rule="treatment_referral_missing")
    assert alert.status == "resolved" and alert.resolution.startswith("Resolved by itself")


def test_each_change_is_queued_with_the_change_and_taken_once(world, in_custody, sweep_now, db, today):
    person, _ = in_custody(today + 28 * DAY)
    ids, people = changes.take()
    db.session.rollback()
    assert ids and people == {person["id"]}

    sweep_now()

    assert changes.take() == ([], set())


@on_postgresql
def test_two_sweeps_never_take_the_same_change(world, in_custody, db, today):
    person, _ = in_custody(today + 28 * DAY)
    with Session(db.engine) as first:
        taken, people = changes.take(first)
        assert taken and people == {person["id"]}
        # While the first sweep holds them, a second one takes none of them.
        assert changes.take() == ([], set())
        db.session.rollback()
        first.execute(delete(ChangedPerson).where(ChangedPerson.id.in_(taken)))
        first.commit()

    assert changes.take() == ([], set())
    db.session.rollback()


@pytest.mark.parametrize("action", ["view", "export"])
def test_reading_a_person_queues_nothing(action, world, in_custody, db, today):
    person, _ = in_custody(today + 28 * DAY)
    forget_the_queue(db)
    db.session.add(AuditEntry(action=action, subject_type="people", person_id=person["id"]))
    db.session.commit()

    assert changes.take() == ([], set())
