"""Use cases for appointments, referrals and screenings; they add and flush, never commit."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from tracker import audit
from tracker.auth.models import Staff, Team
from tracker.clock import local_today
from tracker.errors import Conflict, Invalid
from tracker.extensions import db
from tracker.pathway import screening
from tracker.pathway.models import Appointment, Person, Referral, Screening
from tracker.sms import outbox as sms_outbox
from tracker.sms.policy import RevealingText, check_private
from tracker.sms.templates import revealing_words
from tracker.types import utcnow

# Referral statuses and what each may move to.
REFERRAL_NEXT = {
    "made": ("accepted", "declined", "started"),
    "accepted": ("started", "declined"),
    "declined": (),
    "started": (),
}


def _team_or_invalid(team_id: int | None, field: str, kind: str | None = None) -> Team | None:
    if team_id is None:
        return None
    team = db.session.get(Team, team_id)
    if team is None:
        raise Invalid({field: "No team with that id."})
    if kind and team.kind != kind:
        raise Invalid({field: f"Must be a {kind} team."})
    return team


def book_appointment(person: Person, data: dict[str, Any], by: Staff) -> Appointment:
    """Book an appointment for the person; its place label must be safe to put in a text."""
    _team_or_invalid(data.get("team_id"), "team_id")
    _check_place_label(data.get("location_label"))
    stage = person.open_pathway.current_stage if person.open_pathway else None
    data["starts_at"] = data["starts_at"].astimezone(UTC)
    appointment = Appointment(
        person_id=person.id, stage_id=stage.id if stage else None, created_by_id=by.id, **data
    )
    db.session.add(appointment)
    db.session.flush()
    sms_outbox.appointment_changed(appointment)
    audit.record(by.id, "create", appointment, person_id=person.id, kind=appointment.kind)
    return appointment


def update_appointment(
    appointment: Appointment, data: dict[str, Any], by: Staff, now: datetime
) -> Appointment:
    """Record an appointment's outcome, or move it to a new time."""
    if appointment.outcome is not None:
        raise Conflict(
            f"This appointment is already recorded as {appointment.outcome}; book a new one instead.",
            {"outcome": "Already recorded."},
        )
    outcome = data.get("outcome")
    if outcome in ("attended", "missed") and appointment.starts_at > now:
        raise Conflict(
            f"An appointment can be recorded as {outcome} only once it has started; "
            "you can move it or cancel it.",
            {"outcome": "Allowed now: cancelled."},
        )
    if outcome:
        appointment.outcome, appointment.outcome_at = outcome, now
    else:
        appointment.starts_at = data["starts_at"].astimezone(UTC)
    db.session.flush()
    sms_outbox.appointment_changed(appointment)
    audit.record(by.id, "update", appointment, person_id=appointment.person_id, **_printable(data))
    return appointment


def _check_place_label(label: str | None) -> None:
    try:
        check_private(label or "", revealing_words(), "The place label")
    except RevealingText as refused:
        raise Invalid({"location_label": f"{refused} Use a neutral label, like a street name."}) from None


def make_referral(person: Person, data: dict[str, Any], by: Staff) -> Referral:
    """Refer the person to a team (usually a community treatment service)."""
    _team_or_invalid(data["to_team_id"], "to_team_id")
    referral = Referral(person_id=person.id, made_by_id=by.id, status="made", **data)
    db.session.add(referral)
    db.session.flush()
    audit.record(by.id, "create", referral, person_id=person.id, to_team_id=referral.to_team_id)
    return referral


def update_referral(referral: Referral, data: dict[str, Any], by: Staff, today: date) -> Referral:
    """Accept, decline or start a referral, refusing moves its status does not allow."""
    status = data["status"]
    allowed = REFERRAL_NEXT[referral.status]
    if status not in allowed:
        raise Conflict(
            f"A referral that is {referral.status} cannot become {status}. "
            f"Allowed next: {', '.join(allowed) or 'nothing (it is final)'}.",
            {"status": f"Allowed next: {', '.join(allowed) or 'none'}."},
        )
    started_on = data.get("treatment_started_on")
    if started_on is not None and not (local_today(referral.made_at) <= started_on <= today):
        raise Invalid({"treatment_started_on": "Must be between the referral date and today."})
    referral.status, referral.treatment_started_on = status, started_on
    referral.updated_at = utcnow()
    db.session.flush()
    audit.record(by.id, "update", referral, person_id=referral.person_id, **_printable(data))
    return referral


def record_screening(person: Person, data: dict[str, Any], by: Staff) -> Screening:
    """Score a screening (AUDIT, AUDIT-C or FAST) and keep it with its answers."""
    try:
        result = screening.score(data["tool"], data["answers"])
    except screening.InvalidAnswers as refused:
        field = f"answers.{refused.item}" if refused.item else "answers"
        raise Invalid(str(refused), {field: str(refused)}) from None
    row = Screening(
        person_id=person.id,
        tool=result.tool,
        answers=list(data["answers"]),
        score=result.score,
        zone=result.zone,
        positive=result.positive,
        action=result.action,
        screened_by_id=by.id,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(by.id, "create", row, person_id=person.id, tool=row.tool)
    return row


def appointments_of(person: Person) -> list[Appointment]:
    """The person's appointments, soonest first."""
    return list(
        db.session.scalars(
            select(Appointment).where(Appointment.person_id == person.id).order_by(Appointment.starts_at)
        )
    )


def _printable(data: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in data.items()}
