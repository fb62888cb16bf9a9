"""Handovers kept in step with the pathway, and their checklists; they add and flush, never commit."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from blinker import Signal
from sqlalchemy import select

from tracker import audit
from tracker.auth.models import Staff
from tracker.errors import Conflict, Invalid
from tracker.extensions import db
from tracker.pathway import checklist, equality, events, stages
from tracker.pathway.continuity import window_end
from tracker.pathway.models import Handover, HandoverItem, Person, Stage

# What happened to which handover, announced once the change is flushed (tracker/pathway/events.py).
Changes = list[tuple[Signal, Handover]]

# A handover in one of these states is history: nothing on it can be due any more.
CLOSED_STATUSES = ("cancelled", "closed", "returned_to_custody")


def _handover(stage: Stage, kind: str) -> Handover | None:
    return db.session.scalar(select(Handover).where(Handover.stage_id == stage.id, Handover.kind == kind))


def _open(stage: Stage, kind: str, team_id: int | None, due_on: date | None, now: datetime) -> Handover:
    handover = _handover(stage, kind)
    if handover is None:
        handover = Handover(
            person_id=stage.person_id, stage_id=stage.id, kind=kind, status="open", created_at=now
        )
        handover.items = [HandoverItem(item=item) for item in checklist.ITEMS_BY_KIND[kind]]
        db.session.add(handover)
    handover.team_id, handover.due_on, handover.updated_at = team_id, due_on, now
    return handover


def stage_started(stage: Stage, previous: Stage | None, now: datetime) -> None:
    """Open the handovers a new stage brings, settle those of the stage it ends, and announce each change."""
    changes: Changes = []
    if stage.kind == "custody":
        _open(stage, "custody_reception", stage.establishment_team_id, stage.start_on, now)
        if stage.release_on:
            release = _open(stage, "release", stage.establishment_team_id, stage.release_on, now)
            changes.append((events.release_dates_changed, release))
        changes += [(events.back_in_custody, earlier) for earlier in _back_in_custody(stage, now)]
    elif stage.kind == "atr" and previous is not None and previous.kind == "court":
        _open(stage, "atr_start", stage.treatment_team_id, stage.start_on, now)
    if previous is not None and previous.kind == "custody":
        changes += _custody_ended(previous, stage, now)
    if stage.kind == "closed":
        changes += [(events.handover_status_changed, h) for h in _close_with_pathway(stage, now)]
    db.session.flush()
    _announce(changes, now)


def _announce(changes: Changes, now: datetime) -> None:
    # After the flush, so every handover has its id; receivers write in the caller's transaction.
    for signal, handover in changes:
        signal.send(handover, now=now)


def released_on(stage: Stage) -> date | None:
    """A, if this stage ended custody in release: the day the person actually walked out."""
    release = _handover(stage, "release") if stage.kind == "custody" else None
    return release.released_on if release else None


def _custody_ended(custody: Stage, stage: Stage, now: datetime) -> Changes:
    # Only a recorded release says someone is out; any other end of custody cancels the plan.
    release = _handover(custody, "release")
    fields = {"reason": stage.reason, "remanded": stage.remanded}
    if stages.ends_custody_in_release(custody.kind, custody.basis, stage.kind, fields):
        release = release or _open(custody, "release", custody.establishment_team_id, stage.start_on, now)
        release.released_on, release.updated_at = stage.start_on, now
        _fix_at_release(release, custody)
        return [(events.released, release)]
    if release is not None and stage.kind != "closed":  # a closure closes it with the pathway
        release.status, release.updated_at = "cancelled", now
        return [(events.handover_status_changed, release)]
    return []


def _fix_at_release(release: Handover, custody: Stage) -> None:
    # The reports count each release with the need and the breakdowns as they were at A, not as they are.
    person, on = db.session.get(Person, release.person_id), release.released_on
    if person is None or on is None:
        return
    manager = person.offender_manager
    release.alcohol_need = person.alcohol_need
    release.age_band = equality.age_band(person.date_of_birth, on)
    release.sex, release.ethnic_group = person.sex, person.ethnic_group
    release.probation_team_id = manager.team_id if manager is not None else None
    expiry = custody.release_date_map().get("sed")
    release.sentence_band = equality.sentence_band(custody.basis, custody.sentence_start_on, expiry)


def _back_in_custody(stage: Stage, now: datetime) -> list[Handover]:
    # A return to custody before A+21 fixes the last release's outcome: there was no community to engage in.
    returned = []
    for earlier in db.session.scalars(
        select(Handover).where(
            Handover.person_id == stage.person_id,
            Handover.kind == "release",
            Handover.status == "open",
            Handover.released_on.is_not(None),
            Handover.stage_id != stage.id,
        )
    ):
        if stage.start_on < window_end(earlier.released_on):
            earlier.status, earlier.engaged_fixed_on = "returned_to_custody", stage.start_on
            earlier.updated_at = now
            returned.append(earlier)
    return returned


def _close_with_pathway(closing: Stage, now: datetime) -> list[Handover]:
    # A release keeps its handover to A+21 even when the pathway closes; anything unreleased closes.
    stage_ids = select(Stage.id).where(Stage.pathway_id == closing.pathway_id)
    closed = []
    for handover in db.session.scalars(
        select(Handover).where(Handover.stage_id.in_(stage_ids), Handover.status == "open")
    ):
        if handover.released_on is None:
            handover.status, handover.updated_at = "closed", now
            closed.append(handover)
    return closed


def release_dates_changed(stage: Stage, now: datetime) -> None:
    """Create the release handover once a release date is known, keep it on that date, and announce it."""
    if stage.release_on is None:
        release = _handover(stage, "release")
        if release is None:
            return
        release.due_on, release.updated_at = None, now
    else:
        release = _open(stage, "release", stage.establishment_team_id, stage.release_on, now)
    db.session.flush()
    _announce([(events.release_dates_changed, release)], now)


def update_checklist(handover: Handover, changes: dict[str, str], by: Staff, now: datetime) -> Handover:
    """Set checklist items' statuses, keeping who and when."""
    if handover.status in CLOSED_STATUSES:
        raise Conflict(f"This handover is {handover.status.replace('_', ' ')}; its checklist is closed.")
    items = {i.item: i for i in handover.items}
    unknown = {
        name: f"Not an item of this checklist ({', '.join(items)})." for name in changes if name not in items
    }
    bad = {
        name: f"Must be one of: {', '.join(checklist.STATUSES)}."
        for name, status in changes.items()
        if name in items and status not in checklist.STATUSES
    }
    if unknown or bad:
        raise Invalid(unknown | bad)
    for name, status in changes.items():
        if items[name].status != status:
            items[name].status, items[name].updated_by_id, items[name].updated_at = status, by.id, now
    db.session.flush()
    audit.record(by.id, "update", handover, person_id=handover.person_id, checklist=dict(changes))
    return handover


def summary_fields(handover: Handover, today: date) -> dict[str, Any]:
    """Days to release, items outstanding and red/amber/green, as the board shows them."""
    statuses = handover.statuses()
    days = (handover.due_on - today).days if handover.due_on else None
    return {
        "days_to_release": days,
        "outstanding": checklist.outstanding(statuses),
        "rag": checklist.rag(days, statuses) if days is not None else "amber",
    }
