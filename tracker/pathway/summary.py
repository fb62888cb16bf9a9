"""What a pathway says at a glance: its stages, what may come next, key dates and flags."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app

from tracker.pathway import dates, stages
from tracker.pathway.models import Pathway, Person, Stage


def pathway_summary(person: Person, pathway: Pathway) -> dict[str, Any]:
    """The pathway with its current stage, the kinds allowed next, key dates and flags."""
    current = pathway.current_stage
    custody = next((s for s in reversed(pathway.stages) if s.kind == "custody"), None)
    key_dates: dict[str, Any] = {}
    flags = {"non_working_day_release": False, "friday_release": False}
    release_note = None
    if custody is not None:
        release = dates.release_flags(
            custody.release_date_map(),
            custody.sentence_start_on,
            person.alcohol_need,
            current_app.config["POM_HANDOVER_PAROLE_LEAD_MONTHS"],
        )
        key_dates |= {kind: value for kind, value in custody.release_date_map().items()}
        key_dates |= {
            "planned_release_on": release.planned.on if release.planned else None,
            "community_responsibility_on": release.community_responsibility_on,
        }
        flags = {"non_working_day_release": release.non_working_day, "friday_release": release.friday}
        if release.planned and release.planned.parole_eligibility_only:
            release_note = dates.PAROLE_NOTE
        key_dates["released_on"] = actual_release_on(pathway.stages, custody)
    atr = next((s for s in reversed(pathway.stages) if s.kind == "atr"), None)
    if atr is not None:
        key_dates |= {"order_end_on": atr.order_end_on, "atr_end_on": atr.atr_end_on}
    if current is not None and current.kind == "licence":
        key_dates["supervision_end_on"] = current.supervision_end_on
    return {
        "id": pathway.id,
        "person_id": person.id,
        "opened_on": pathway.opened_on,
        "closed_on": pathway.closed_on,
        "stages": pathway.stages,
        "current_stage": current,
        "allowed_next": list(stages.allowed_next(current.kind if current else None)),
        "key_dates": {k: v.isoformat() for k, v in key_dates.items() if v is not None},
        "flags": flags,
        "release_note": release_note,
    }


def actual_release_on(pathway_stages: list[Stage], custody: Stage) -> date | None:
    """A: the start of the stage that ended this custody in release, if it did."""
    position = pathway_stages.index(custody)
    after = pathway_stages[position + 1] if position + 1 < len(pathway_stages) else None
    if after is None:
        return None
    fields = {"reason": after.reason, "remanded": after.remanded}
    return (
        after.start_on
        if stages.ends_custody_in_release("custody", custody.basis, after.kind, fields)
        else None
    )
