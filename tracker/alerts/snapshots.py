"""The release checklist as it stood at P-7, kept once on the handover for the handovers report."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import cast

from sqlalchemy import Table, bindparam, select, text, update

from tracker.extensions import among, array_literal, db
from tracker.pathway.checklist import RELEASE_ITEMS
from tracker.pathway.models import Handover, HandoverItem

DAYS_BEFORE_RELEASE = 7
# On PostgreSQL, the whole chunk in one statement: the handovers and their checklists as two arrays.
UNNEST_UPDATE = text(
    "UPDATE handovers SET checklist_at_p7 = taken.checklist, checklist_at_p7_on = :today, updated_at = :now"
    " FROM unnest(CAST(:ids AS integer[]), CAST(:checklists AS json[])) AS taken (id, checklist)"
    " WHERE handovers.id = taken.id AND handovers.kind = 'release' AND handovers.checklist_at_p7_on IS NULL"
)


def snapshot_checklists(subjects, today: date, now: datetime) -> None:
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
    # Only those not kept yet: after its first P-7 sweep a handover stays due every day until release.
    due = set(
        db.session.scalars(
            select(Handover.id).where(
                among(Handover.id, due), Handover.kind == "release", Handover.checklist_at_p7_on.is_(None)
            )
        )
    )
    if not due:
        return
    items = db.session.execute(
        select(HandoverItem.handover_id, HandoverItem.item, HandoverItem.status).where(
            among(HandoverItem.handover_id, due)
        )
    ).all()
    taken = {handover_id: dict.fromkeys(RELEASE_ITEMS, "not_started") for handover_id in due}
    for handover_id, item, status in items:
        taken[handover_id][item] = status
    if db.engine.dialect.name == "postgresql":
        ids = list(taken)
        checklists = [json.dumps(taken[h]) for h in ids]
        arrays = {"ids": array_literal(ids), "checklists": array_literal(checklists)}
        values = arrays | {"today": today, "now": now}
        db.session.execute(UNNEST_UPDATE, values)
        return
    table = cast(Table, Handover.__table__)
    db.session.execute(
        update(table)
        .where(
            table.c.id == bindparam("handover_id"),
            table.c.kind == "release",
            table.c.checklist_at_p7_on.is_(None),
        )
        .values(checklist_at_p7=bindparam("taken"), checklist_at_p7_on=today, updated_at=now),
        [{"handover_id": h, "taken": statuses} for h, statuses in taken.items()],
    )
