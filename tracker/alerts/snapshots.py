"""The release checklist as it stood at P-7, kept once on the handover for the handovers report."""

from __future__ import annotations

from datetime import date, timedelta
from typing import cast

from sqlalchemy import Table, bindparam, select, update

from tracker.extensions import db
from tracker.pathway.checklist import RELEASE_ITEMS
from tracker.pathway.models import Handover, HandoverItem

DAYS_BEFORE_RELEASE = 7


def snapshot_checklists(subjects, today: date) -> None:
    """Keep each open release handover's checklist as it is now, once P-7 has been reached.

    Written once: the first sweep on or after P-7 keeps it (a catch-up, or a P recorded late,
    keeps it on the first sweep that sees it), and no later sweep changes it.
    """
    due = {
        s.subject_id
        for s in subjects
        if s.subject_type == "handovers"
        and s.facts.planned_on is not None
        and s.facts.planned_on - timedelta(days=DAYS_BEFORE_RELEASE) <= today
        and s.ended is None
    }
    if not due:
        return
    items = db.session.execute(
        select(HandoverItem.handover_id, HandoverItem.item, HandoverItem.status).where(
            HandoverItem.handover_id.in_(due)
        )
    ).all()
    taken = {handover_id: dict.fromkeys(RELEASE_ITEMS, "not_started") for handover_id in due}
    for handover_id, item, status in items:
        taken[handover_id][item] = status
    table = cast(Table, Handover.__table__)
    db.session.execute(
        update(table)
        .where(
            table.c.id == bindparam("handover_id"),
            table.c.kind == "release",
            table.c.checklist_at_p7_on.is_(None),
        )
        .values(checklist_at_p7=bindparam("taken"), checklist_at_p7_on=today),
        [{"handover_id": h, "taken": statuses} for h, statuses in taken.items()],
    )
