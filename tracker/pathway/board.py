"""The handover board's rows: checklist, red/amber/green, cliff-edge factors, in a fixed number of queries."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.pathway import checklist, continuity, dates
from tracker.pathway.handovers import summary_fields
from tracker.pathway.history import histories
from tracker.pathway.models import Appointment, Handover, Screening


def _latest_audit_zones(person_ids: set[int]) -> dict[int, int | None]:
    latest = (
        select(Screening.person_id, func.max(Screening.id).label("id"))
        .where(Screening.person_id.in_(person_ids), Screening.tool == "audit")
        .group_by(Screening.person_id)
        .subquery()
    )
    return dict(
        db.session.execute(
            select(Screening.person_id, Screening.zone).join(latest, latest.c.id == Screening.id)
        )
        .tuples()
        .all()
    )


def _missed_counts(person_ids: set[int]) -> Counter[int]:
    rows = db.session.execute(
        select(Appointment.person_id, func.count())
        .where(Appointment.person_id.in_(person_ids), Appointment.outcome == "missed")
        .group_by(Appointment.person_id)
    )
    return Counter(dict(rows.tuples().all()))


def release_note(planned: dates.PlannedRelease | None) -> str | None:
    """What the planned date is: a parole eligibility date is never shown as a release."""
    if planned is None:
        return None
    return dates.PAROLE_NOTE if planned.parole_eligibility_only else None


def describe(rows: list[Handover], today: date) -> list[dict[str, Any]]:
    """Each handover as the board shows it."""
    ids = {h.person_id for h in rows}
    history, zones, missed = histories(ids), _latest_audit_zones(ids), _missed_counts(ids)
    described = []
    for h in rows:
        person, stage, statuses = h.person, h.stage, h.statuses()
        booked = any(
            h.due_on and continuity.within(h.due_on, d)
            for d in history[h.person_id].community_appointments_on
        )
        factors = (
            checklist.cliff_edge_factors(
                checklist.CliffEdgeFacts(
                    release_on=h.due_on or today,
                    sentence_start_on=stage.sentence_start_on,
                    sentence_end_on=stage.release_date_map().get("sed"),
                    statuses=statuses,
                    community_appointment_booked=booked,
                    audit_zone=zones.get(h.person_id),
                    mobile=person.mobile,
                    sms_consent=person.sms_consent,
                    missed_appointments=missed[h.person_id],
                )
            )
            if h.kind == "release"
            else []
        )
        release_dates = stage.release_date_map()
        planned = dates.planned_release(release_dates)
        described.append(
            {
                "id": h.id,
                "kind": h.kind,
                "status": h.status,
                "person": person,
                "stage_id": h.stage_id,
                "team_id": h.team_id,
                "due_on": h.due_on,
                "planned_basis": planned.basis if planned else None,
                "release_note": release_note(planned),
                "released_on": h.released_on,
                "engaged": h.engaged,
                "checklist": [
                    {
                        "item": i.item,
                        "label": checklist.ITEM_LABELS[i.item],
                        "status": i.status,
                        "updated_by_id": i.updated_by_id,
                        "updated_at": i.updated_at,
                    }
                    for i in h.items
                ],
                "cliff_edge_factors": factors,
                "flags": {
                    "non_working_day_release": dates.non_working_day_release(release_dates),
                    "friday_release": dates.friday_release(release_dates, person.alcohol_need),
                },
                **summary_fields(h, today),
            }
        )
    return described
