"""Handovers kept in step with the pathway, and their checklists; they add and flush, never commit."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from tracker import audit
from tracker.auth.models import Staff
from tracker.errors import Conflict, Invalid
from tracker.extensions import db
from tracker.pathway import checklist
from tracker.pathway.models import Handover, HandoverItem, Stage
from tracker.types import utcnow


def _handover(stage: Stage, kind: str) -> Handover | None:
    return db.session.scalar(select(Handover).where(Handover.stage_id == stage.id, Handover.kind == kind))


def _open(stage: Stage, kind: str, team_id: int | None, due_on: date | None) -> Handover:
    handover = _handover(stage, kind)
    if handover is None:
        handover = Handover(person_id=stage.person_id, stage_id=stage.id, kind=kind, status="open")
        handover.items = [HandoverItem(item=item) for item in checklist.ITEMS_BY_KIND[kind]]
        db.session.add(handover)
    handover.team_id, handover.due_on = team_id, due_on
    return handover


def stage_started(stage: Stage, previous: Stage | None) -> None:
    """Open the handovers a new stage brings, and settle the release handover of the stage it ends."""
    if stage.kind == "custody":
        _open(stage, "custody_reception", stage.establishment_team_id, stage.start_on)
        if stage.release_on:
            _open(stage, "release", stage.establishment_team_id, stage.release_on)
    elif stage.kind == "atr" and previous is not None and previous.kind == "court":
        _open(stage, "atr_start", stage.treatment_team_id, stage.start_on)
    if stage.kind == "custody" and previous is not None and previous.kind == "licence":
        # A recall ends the last release's community checkpoints.
        for earlier in db.session.scalars(
            select(Handover).where(
                Handover.person_id == stage.person_id,
                Handover.kind == "release",
                Handover.status == "open",
                Handover.stage_id != stage.id,
            )
        ):
            earlier.status = "recalled"
    if previous is not None and previous.kind == "custody":
        release = _handover(previous, "release")
        if stage.kind == "licence":
            # The day they actually walked out is R for every checkpoint after release.
            release = release or _open(previous, "release", previous.establishment_team_id, stage.start_on)
            release.due_on = stage.start_on
        elif release is not None:
            release.status = "cancelled"
    db.session.flush()


def release_dates_changed(stage: Stage) -> None:
    """Create the release handover once a release date is known, and keep it on that date."""
    if stage.release_on is None:
        release = _handover(stage, "release")
        if release is not None:
            release.due_on = None
        return
    _open(stage, "release", stage.establishment_team_id, stage.release_on)
    db.session.flush()


def update_checklist(handover: Handover, changes: dict[str, str], by: Staff) -> Handover:
    """Set checklist items' statuses, keeping who and when."""
    if handover.status == "cancelled":
        raise Conflict("This handover was cancelled; its checklist is closed.")
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
    now = utcnow()
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
