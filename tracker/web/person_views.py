"""The person page: details, key dates and flags, what can be done next, and the timeline."""

from __future__ import annotations

from datetime import date

from flask import render_template
from flask.typing import ResponseReturnValue

from tracker import audit
from tracker.clock import local_today
from tracker.extensions import db
from tracker.pathway import referrals, stages
from tracker.pathway.access import clinical_access, clinical_read, person_or_404
from tracker.pathway.handovers import summary_fields
from tracker.pathway.scope import may_change
from tracker.pathway.summary import pathway_summary
from tracker.types import utcnow
from tracker.web.blueprint import staff
from tracker.web.labels import KEY_DATES
from tracker.web.record import load_record, name_staff
from tracker.web.routes import Routes
from tracker.web.timeline import build_timeline

routes = Routes()

CHANGES = (
    "person",
    "stage",
    "release_dates",
    "appointment",
    "referral",
    "referral_status",
    "screening",
    "handover",
    "share_consent",
    "charge",
)


@routes.get("/people/<int:person_id>")
def person(person_id: int) -> ResponseReturnValue:
    """One person's record, through the caller's scope (404 outside it)."""
    me, now = staff(), utcnow()
    found = person_or_404(me, person_id, today=local_today(now))
    record = load_record(found, me)
    today = local_today(now)
    # Screening scores and referral reasons only for a care relationship; the view entry says which.
    clinical = clinical_access(me, found, today)
    events = build_timeline(record, clinical=clinical)
    name_staff(record, [e.by_id for e in events])
    audit.record(me.id, "view", found, person_id=found.id, via="person page", **clinical_read(clinical))
    db.session.commit()
    pathway = found.open_pathway
    summary = pathway_summary(found, pathway) if pathway else None
    current = summary["current_stage"] if summary else None
    return render_template(
        "person.html",
        title=f"{found.given_name} {found.family_name}",
        record=record,
        person=found,
        summary=summary,
        current=current,
        events=events,
        key_dates=_key_dates(summary),
        allowed_next=stages.allowed_next(current.kind if current else None),
        can={what: may_change(me, found, what) for what in CHANGES},
        referral_next=referrals.NEXT,
        today=today,
        handovers=[
            (h, summary_fields(h, today))
            for h in record.handovers
            if h.status == "open" and h.kind == "release"
        ],
    )


def _key_dates(summary: dict | None) -> list[tuple[str, date]]:
    """The pathway's key dates in the order a reader scans them."""
    if not summary:
        return []
    found = summary["key_dates"]
    return [(KEY_DATES[k], date.fromisoformat(found[k])) for k in KEY_DATES if k in found]
