"""The sweep keeps each release handover's checklist as it was at P-7, once, for the handovers report."""

from __future__ import annotations

from sqlalchemy import update

from tests.alerts.test_sweep import DAY, release_handover
from tests.helpers import at_hour
from tracker.alerts.models import SweepMark
from tracker.pathway.checklist import RELEASE_ITEMS

NOTHING_DONE = dict.fromkeys(RELEASE_ITEMS, "not_started")


def tick(api, handover_id: int, **statuses: str) -> None:
    response = api.patch(f"/handovers/{handover_id}", {"checklist": statuses})
    assert response.status_code == 200, response.json


def test_the_checklist_is_kept_as_it_was_on_p_minus_7_and_never_changed_after(
    world, in_custody, api_as, sweep_now, sweep, db, today
):
    api = api_as(world.om)
    release_on = today + 10 * DAY
    person, _ = in_custody(release_on)
    handover = release_handover(db, person["id"])
    tick(api, handover.id, accommodation="done", gp_registration="in_progress")
    sweep_now()

    sweep(release_on - 8 * DAY)
    assert release_handover(db, person["id"]).checklist_at_p7 is None

    sweep(release_on - 7 * DAY)
    tick(api, handover.id, benefits="done")
    sweep(release_on - 6 * DAY)
    sweep(release_on - 6 * DAY)

    kept = release_handover(db, person["id"])
    assert kept.checklist_at_p7 == NOTHING_DONE | {"accommodation": "done", "gp_registration": "in_progress"}
    assert kept.checklist_at_p7_on == release_on - 7 * DAY


def test_a_catch_up_across_p_minus_7_keeps_it_once_on_the_day_of_the_catch_up(
    world, in_custody, api_as, sweep_now, sweep, db, today
):
    release_on = today + 10 * DAY
    person, _ = in_custody(release_on)
    handover = release_handover(db, person["id"])
    tick(api_as(world.om), handover.id, travel="done")
    sweep_now()

    sweep(release_on - 2 * DAY)  # the scheduler was down from P-10 to P-2
    sweep(release_on - DAY)

    kept = release_handover(db, person["id"])
    assert kept.checklist_at_p7 == NOTHING_DONE | {"travel": "done"}
    assert kept.checklist_at_p7_on == release_on - 2 * DAY


def test_a_release_recorded_inside_the_week_is_kept_at_the_next_sweep(
    world, in_custody, sweep_now, sweep, db, today
):
    release_on = today + 3 * DAY
    person, _ = in_custody(release_on)

    sweep_now()

    kept = release_handover(db, person["id"])
    assert kept.checklist_at_p7 == NOTHING_DONE
    assert kept.checklist_at_p7_on == today


def test_a_release_more_than_a_week_ahead_keeps_nothing(world, in_custody, sweep_now, db, today):
    person, _ = in_custody(today + 8 * DAY)

    sweep_now()

    assert release_handover(db, person["id"]).checklist_at_p7 is None


def test_two_sweeps_at_once_keep_the_first_snapshot(world, in_custody, api_as, sweep, db, today):
    release_on = today + 10 * DAY
    person, _ = in_custody(release_on)
    handover = release_handover(db, person["id"])
    sweep(release_on - 7 * DAY)
    tick(api_as(world.om), handover.id, accommodation="done")
    # A second sweep that starts from the same mark, as a standby might after a lapsed lease.
    db.session.execute(update(SweepMark).values(swept_to=at_hour(release_on - 8 * DAY, 12)))
    db.session.commit()

    sweep(release_on - 7 * DAY)

    assert release_handover(db, person["id"]).checklist_at_p7 == NOTHING_DONE
