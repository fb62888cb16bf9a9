"""Use cases for appointments, referrals and screenings; they add and flush, never commit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from config.words import revealing_words
from tracker import audit
from tracker.auth.models import Staff, Team
from tracker.clock import local_today
from tracker.errors import Conflict, Forbidden, Invalid
from tracker.extensions import db
from tracker.pathway import enforcement, events, referrals, screening, sharing
from tracker.pathway.models import Appointment, Person, Referral, Screening, Stage
from tracker.sms.policy import RevealingText, check_private


def _team_or_invalid(team_id: int | None, field: str, kind: str | None = None) -> Team | None:
    if team_id is None:
        return None
    team = db.session.get(Team, team_id)
    if team is None:
        raise Invalid({field: "No team with that id."})
    if kind and team.kind != kind:
        raise Invalid({field: f"Must be a {kind} team."})
    return team


def book_appointment(person: Person, data: dict[str, Any], by: Staff, now: datetime) -> Appointment:
    """Book an appointment for the person; its place label must be safe to put in a text."""
    _team_or_invalid(data.get("team_id"), "team_id")
    _check_place_label(data.get("location_label"))
    stage = person.open_pathway.current_stage if person.open_pathway else None
    columns = data | {"starts_at": data["starts_at"].astimezone(UTC)}  # the caller's dict stays as given
    appointment = Appointment(
        person_id=person.id,
        stage_id=stage.id if stage else None,
        created_by_id=by.id,
        created_at=now,
        **columns,
    )
    db.session.add(appointment)
    db.session.flush()
    events.appointment_booked.send(appointment, now=now)
    audit.record(by.id, "create", appointment, person_id=person.id, kind=appointment.kind)
    return appointment


def update_appointment(
    appointment: Appointment, data: dict[str, Any], by: Staff, now: datetime
) -> Appointment:
    """Record an appointment's outcome (a missed one with its absence), settle its absence, or move it."""
    _check_who_judges(data.get("absence"), by)
    if "outcome" not in data and "absence" in data:
        return settle_absence(appointment, data["absence"], by)
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
    warned = False
    if outcome:
        appointment.outcome, appointment.outcome_at = outcome, now
        if outcome == "missed":
            appointment.absence = data.get("absence") or "pending"
            warned = _warn_if_first(appointment, by)
    else:
        appointment.starts_at = data["starts_at"].astimezone(UTC)
    db.session.flush()
    _announce_update(appointment, outcome, now)
    detail = _printable(data) | ({"absence": appointment.absence} if outcome == "missed" else {})
    audit.record(by.id, "update", appointment, person_id=appointment.person_id, **detail, **_warning(warned))
    return appointment


def _announce_update(appointment: Appointment, outcome: str | None, now: datetime) -> None:
    if outcome == "cancelled":
        events.appointment_cancelled.send(appointment, now=now)
    elif outcome:
        events.appointment_recorded.send(appointment, now=now)
    else:
        events.appointment_moved.send(appointment, now=now)


def _check_who_judges(absence: str | None, by: Staff) -> None:
    # Enforcement is probation's decision: a treatment service reports a missed session, and the
    # offender manager decides whether the absence was acceptable (warnings and breach follow from it).
    if enforcement.is_settled(absence) and by.role != "offender_manager":
        raise Forbidden(
            "Only the offender manager decides whether an absence was acceptable; record it as pending.",
            {"absence": "Allowed for you: pending."},
        )


def settle_absence(appointment: Appointment, absence: str, by: Staff) -> Appointment:
    """Decide a missed appointment's pending absence; a settled one is not changed."""
    if appointment.outcome != "missed":
        outcome = appointment.outcome or "not recorded yet"
        raise Conflict(
            f"Only a missed appointment has an absence; this one is {outcome}.",
            {"absence": "Record the appointment as missed first."},
        )
    if appointment.absence == absence:
        return appointment
    if enforcement.is_settled(appointment.absence):
        raise Conflict(
            f"This absence is already recorded as {appointment.absence}; it cannot be changed.",
            {"absence": f"Already recorded as {appointment.absence}."},
        )
    appointment.absence = absence
    warned = _warn_if_first(appointment, by)
    db.session.flush()
    audit.record(
        by.id, "update", appointment, person_id=appointment.person_id, absence=absence, **_warning(warned)
    )
    return appointment


def _warn_if_first(appointment: Appointment, by: Staff) -> bool:
    # The first counting unacceptable absence with no warning in force records one, on this appointment;
    # a further one within 12 months records none (the sweep raises a breach review for it).
    stage = db.session.get(Stage, appointment.stage_id) if appointment.stage_id else None
    absence_on = local_today(appointment.starts_at)
    warnings_on = db.session.scalars(
        select(Appointment.warned_on).where(
            Appointment.person_id == appointment.person_id,
            Appointment.warned_on.is_not(None),
            Appointment.id != appointment.id,
        )
    ).all()
    found = enforcement.consequence(
        appointment.absence, appointment.kind, stage.kind if stage else None, absence_on, warnings_on
    )
    if found != enforcement.WARNING:
        return False
    appointment.warned_on, appointment.warned_by_id = absence_on, by.id
    return True


def _warning(warned: bool) -> dict[str, str]:
    return {"warning": "recorded"} if warned else {}


def _check_place_label(label: str | None) -> None:
    try:
        check_private(label or "", revealing_words(), "The place label")
    except RevealingText as refused:
        raise Invalid({"location_label": f"{refused} Use a neutral label, like a street name."}) from None


def make_referral(person: Person, data: dict[str, Any], by: Staff, now: datetime) -> Referral:
    """Refer the person to a team; its kind defaults by the team's (structured alcohol treatment or other)."""
    team = _team_or_invalid(data["to_team_id"], "to_team_id")
    kind = data.get("kind") or referrals.default_kind(team.kind if team else None)
    if kind not in referrals.KINDS:
        raise Invalid({"kind": f"Must be one of: {', '.join(referrals.KINDS)}."})
    referral = Referral(
        person_id=person.id,
        made_by_id=by.id,
        status="made",
        kept_for_team_id=sharing.kept_for(person, by),
        made_at=now,
        updated_at=now,
        **(data | {"kind": kind}),
    )
    db.session.add(referral)
    db.session.flush()
    audit.record(
        by.id, "create", referral, person_id=person.id, to_team_id=referral.to_team_id, kind=referral.kind
    )
    return referral


def update_referral(referral: Referral, data: dict[str, Any], by: Staff, now: datetime) -> Referral:
    """Move a referral's status as its status allows (made, accepted, started, ended), or correct its kind."""
    today = local_today(now)
    status = data.get("status")
    if status is not None:
        _check_referral_move(referral, status)
    _check_decline_reason(status, data.get("decline_reason"))
    started_on = data.get("treatment_started_on")
    if started_on is not None and not (local_today(referral.made_at) <= started_on <= today):
        raise Invalid({"treatment_started_on": "Must be between the referral date and today."})
    kind_was = referral.kind
    if data.get("kind"):
        referral.kind = data["kind"]
    if status is not None:
        referral.status = status
    if status == "started":
        referral.treatment_started_on = started_on
    if status == "declined":
        referral.decline_reason = data["decline_reason"]
    referral.updated_at = now
    db.session.flush()
    corrected = {"kind_was": kind_was} if referral.kind != kind_was else {}
    audit.record(by.id, "update", referral, person_id=referral.person_id, **_printable(data), **corrected)
    return referral


def _check_decline_reason(status: str | None, reason: str | None) -> None:
    # The referrals report counts declines by their reason, so a decline is never recorded without one.
    if status == "declined" and not reason:
        raise Invalid({"decline_reason": f"Say why: one of {', '.join(referrals.DECLINE_REASONS)}."})
    if reason and status != "declined":
        raise Invalid({"decline_reason": "Only with status declined."})
    if reason and reason not in referrals.DECLINE_REASONS:
        raise Invalid({"decline_reason": f"Must be one of: {', '.join(referrals.DECLINE_REASONS)}."})


def _check_referral_move(referral: Referral, status: str) -> None:
    allowed = referrals.NEXT.get(referral.status, ())
    if status not in allowed:
        raise Conflict(
            f"A referral that is {referral.status} cannot become {status}. "
            f"Allowed next: {', '.join(allowed) or 'nothing (it is final)'}.",
            {"status": f"Allowed next: {', '.join(allowed) or 'none'}."},
        )


def record_screening(person: Person, data: dict[str, Any], by: Staff, now: datetime) -> Screening:
    """Score a screening (AUDIT, AUDIT-C or FAST) and keep it with its answers."""
    try:
        result = screening.score(data["tool"], data["answers"])
    except screening.InvalidAnswers as refused:
        field = f"answers.{refused.item}" if refused.item else "answers"
        raise Invalid(str(refused), {field: str(refused)}) from None
    refused_intervention = screening.intervention_error(result, data.get("intervention"))
    if refused_intervention:
        raise Invalid({"intervention": refused_intervention})
    row = Screening(
        person_id=person.id,
        tool=result.tool,
        answers=list(data["answers"]),
        score=result.score,
        zone=result.zone,
        positive=result.positive,
        action=result.action,
        intervention=data["intervention"],
        screened_by_id=by.id,
        kept_for_team_id=sharing.kept_for(person, by),
        screened_at=now,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(by.id, "create", row, person_id=person.id, tool=row.tool, intervention=row.intervention)
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
