"""One bad record never stops the sweep (issue 10 item 2): a date in year 9999, stored before the inputs
were bounded, sets its subject aside with a data_problem alert to its owners, and every other alert is raised.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update

from tests.alerts.test_sweep import DAY
from tracker.pathway.models import Appointment, Stage

FAR = date(9999, 12, 31)


def corrupt_appointment(db, person_id: int) -> None:
    db.session.execute(
        update(Appointment)
        .where(Appointment.person_id == person_id)
        .values(starts_at=datetime(9999, 12, 31, 23, tzinfo=UTC))
    )


def corrupt_stage_end(db, person_id: int) -> None:
    db.session.execute(update(Stage).where(Stage.person_id == person_id).values(expected_end_on=FAR))


@pytest.mark.parametrize("corrupt", [corrupt_appointment, corrupt_stage_end])
def test_a_date_in_year_9999_sets_one_subject_aside_and_every_other_alert_is_raised(
    corrupt, world, in_custody, book, sweep_now, alerts, db, today
):
    good, _ = in_custody(today + 28 * DAY)
    bad, _ = in_custody(today + 28 * DAY)
    for person in (good, bad):
        book(person, datetime.now(UTC) - timedelta(hours=30))
    corrupt(db, bad["id"])
    db.session.commit()

    sweep_now()

    def rules_of(person) -> set[str]:
        return {a.rule for a in alerts(person_id=person["id"])}

    assert {"treatment_referral_missing", "appointment_outcome_missing"} <= rules_of(good)
    assert "data_problem" not in rules_of(good)
    [problem] = alerts(rule="data_problem")
    assert problem.person_id == bad["id"]
    assert problem.staff_id == world.om.id and problem.team_id is not None
    # What the bad person's other subjects raise is still raised.
    assert rules_of(bad) - {"data_problem"}

    sweep_now()
    assert len(alerts(rule="data_problem")) == 1  # once while it stays open
