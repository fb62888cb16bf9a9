"""What a person's referrals and appointments say, loaded for a batch of people in two queries.

The handover board (its cliff-edge factors) and the alert sweep (its release and ATR rules) read
the same history, so it is loaded once, here, where the records are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Date, cast, func, select

from tracker.auth.models import Team
from tracker.clock import zone
from tracker.extensions import among, db
from tracker.pathway import referrals
from tracker.pathway.continuity import COMMUNITY_KINDS, TREATMENT_KINDS
from tracker.pathway.models import Appointment, Referral


@dataclass
class PersonHistory:
    """What the release and ATR rules need from a person's referrals and appointments."""

    # Live structured alcohol or drug treatment referrals to a treatment service: the treatment referral.
    treatment_referrals_on: list[date] = field(default_factory=list)
    treatment_referral_team_id: int | None = None
    # Live structured alcohol treatment referrals: what closes the AUDIT zone IV task.
    specialist_referrals_on: list[date] = field(default_factory=list)
    # Treatment starts on live structured treatment referrals (engagement, indicator C20).
    treatment_started_on: list[date] = field(default_factory=list)
    # Attended treatment appointments, which also show an ATR's treatment has started.
    treatment_attended_on: list[date] = field(default_factory=list)
    community_appointments_on: list[date] = field(default_factory=list)
    probation_attended_on: list[date] = field(default_factory=list)


def local_day(instant: datetime) -> date:
    """The service's calendar day of an instant."""
    return instant.astimezone(zone()).date()


def histories(person_ids: Iterable[int]) -> dict[int, PersonHistory]:
    """Referrals and appointments of these people, in two queries."""
    ids = set(person_ids)
    result: dict[int, PersonHistory] = defaultdict(PersonHistory)
    if not ids:
        return result
    # Columns, not rows: the sweep reads the histories of thousands of people at a time.
    for r in db.session.execute(
        select(
            Referral.person_id,
            Referral.kind,
            Referral.status,
            Referral.made_at,
            Referral.to_team_id,
            Referral.treatment_started_on,
            Team.kind.label("team_kind"),
        )
        .join(Team, Team.id == Referral.to_team_id)
        .where(among(Referral.person_id, ids))
        .order_by(Referral.made_at)
    ):
        team_kind = r.team_kind
        h = result[r.person_id]
        if not referrals.is_treatment_referral(r.kind, r.status, team_kind):
            continue
        h.treatment_referrals_on.append(local_day(r.made_at))
        h.treatment_referral_team_id = r.to_team_id
        if referrals.is_specialist_alcohol_referral(r.kind, r.status, team_kind):
            h.specialist_referrals_on.append(local_day(r.made_at))
        if r.treatment_started_on:
            h.treatment_started_on.append(r.treatment_started_on)
    # PostgreSQL gives each appointment's local day itself: parsing and converting tens of thousands
    # of instants in Python cost more than the query.
    in_sql = db.engine.dialect.name == "postgresql"
    starts = cast(func.timezone(zone().key, Appointment.starts_at), Date) if in_sql else Appointment.starts_at
    for a in db.session.execute(
        select(Appointment.person_id, Appointment.kind, Appointment.outcome, starts.label("starts")).where(
            among(Appointment.person_id, ids), Appointment.kind.in_(COMMUNITY_KINDS)
        )
    ):
        h, day = result[a.person_id], a.starts if in_sql else local_day(a.starts)
        if a.kind in COMMUNITY_KINDS and a.outcome != "cancelled":
            h.community_appointments_on.append(day)
        if a.outcome == "attended" and a.kind == "probation":
            h.probation_attended_on.append(day)
        if a.outcome == "attended" and a.kind in TREATMENT_KINDS:
            h.treatment_attended_on.append(day)
    return result
