"""One function per checkpoint: facts + today -> the finding that is due, or None.

PURE: standard library and tracker.pathway.dates only; nothing here reads the clock or the database.
Each rule answers "as of `today`, is this alert due, and for which checkpoint?". The sweep raises
what is due once (a unique key on rule, subject and checkpoint) and asks again for open alerts:
when the answer is no longer the same checkpoint, the cause went away and the alert resolves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tracker.pathway.dates import add_working_days, friday_release, non_working_day_release

Config = Mapping[str, Any]


@dataclass(frozen=True)
class Finding:
    """An alert that is due: its checkpoint and what it says."""

    checkpoint_on: date
    message: str


@dataclass(frozen=True)
class ReleaseFacts:
    """What the release checkpoints read, for one release handover."""

    release_on: date  # R: the actual release once released, else the earliest release date
    released: bool
    release_dates: Mapping[str, date] = field(default_factory=dict)
    alcohol_need: bool = False
    referral_made_on: date | None = None  # the first community treatment referral
    community_appointments_on: tuple[date, ...] = ()  # booked, not cancelled
    probation_attended_on: tuple[date, ...] = ()
    treatment_started_on: tuple[date, ...] = ()  # referral started, or treatment appointment attended
    accommodation: str = "not_started"


@dataclass(frozen=True)
class StageFacts:
    """An open stage with the dates its rules read."""

    kind: str
    start_on: date
    open: bool
    expected_end_on: date | None = None
    community_responsibility_on: date | None = None
    atr_end_on: date | None = None
    alcohol_need: bool = False
    highest_audit_score: int | None = None
    treatment_started_on: tuple[date, ...] = ()


@dataclass(frozen=True)
class ScreeningFacts:
    screened_on: date
    zone: int | None
    referral_made_since: bool


@dataclass(frozen=True)
class AppointmentFacts:
    starts_at: datetime  # aware, in the service's timezone: its date is the local day
    outcome: str | None


@dataclass(frozen=True)
class AlertFacts:
    severity: str
    status: str
    raised_on: date
    rule: str


def _offset(anchor: date, config: Config) -> date:
    return anchor + timedelta(days=config.get("offset_days", 0))


def _due(checkpoint: date, today: date, condition: bool, message: str) -> Finding | None:
    return Finding(checkpoint, message) if checkpoint <= today and condition else None


def _engaged(facts: ReleaseFacts, until: date) -> bool:
    return any(facts.release_on <= day <= until for day in facts.treatment_started_on)


# --- release checkpoints -------------------------------------------------------------------------


def pre_release_planning(f: ReleaseFacts, today: date, c: Config) -> Finding | None:
    """R-84: pre-release planning opens; the handover checklist exists."""
    cp = _offset(f.release_on, c)
    return _due(
        cp, today, not f.released, f"Release on {f.release_on}: pre-release planning opens (12 weeks)."
    )


def treatment_referral_missing(f: ReleaseFacts, today: date, c: Config) -> Finding | None:
    """R-28: no community treatment referral made yet for a person with an alcohol need."""
    cp = _offset(f.release_on, c)
    # Release does not close a gap: the alert stays until the gap is filled (also for R-7's).
    missing = f.alcohol_need and f.referral_made_on is None
    return _due(cp, today, missing, f"Release on {f.release_on}: no community treatment referral made.")


def first_appointment_missing(f: ReleaseFacts, today: date, c: Config) -> Finding | None:
    """R-7: no community appointment booked within 21 days after release."""
    cp = _offset(f.release_on, c)
    until = f.release_on + timedelta(days=c.get("within_days", 21))
    booked = any(f.release_on <= day <= until for day in f.community_appointments_on)
    return _due(
        cp,
        today,
        not booked,
        f"Release on {f.release_on}: no community appointment booked within 21 days after release.",
    )


def accommodation_missing(f: ReleaseFacts, today: date, c: Config) -> Finding | None:
    """R-7: accommodation for the first night not confirmed."""
    cp = _offset(f.release_on, c)
    missing = f.accommodation not in ("done", "not_needed")
    return _due(
        cp, today, missing, f"Release on {f.release_on}: no accommodation confirmed for the first night."
    )


def released(f: ReleaseFacts, today: date, c: Config) -> Finding | None:
    """R: the person is released today (or was, once recorded)."""
    cp = _offset(f.release_on, c)
    return _due(cp, today, True, f"Release day {f.release_on}: community supervision starts.")


def probation_first_appointment_missed(f: ReleaseFacts, today: date, c: Config) -> Finding | None:
    """The day after R + 1 working day: no probation appointment attended since release."""
    cp = add_working_days(f.release_on, c.get("working_days", 1)) + timedelta(days=1)
    attended = any(day >= f.release_on for day in f.probation_attended_on)
    return _due(
        cp,
        today,
        f.released and not attended,
        "No first probation appointment attended by the first working day after release.",
    )


def not_engaged_7(f: ReleaseFacts, today: date, c: Config) -> Finding | None:
    """R+7: not yet engaged in community treatment (resolves once they engage)."""
    cp = _offset(f.release_on, c)
    return _due(
        cp,
        today,
        f.alcohol_need and not _engaged(f, today),
        "7 days after release: not yet engaged in community treatment.",
    )


def not_engaged_14(f: ReleaseFacts, today: date, c: Config) -> Finding | None:
    """R+14: still not engaged in community treatment (resolves once they engage)."""
    cp = _offset(f.release_on, c)
    return _due(
        cp,
        today,
        f.alcohol_need and not _engaged(f, today),
        "14 days after release: still not engaged in community treatment.",
    )


def continuity_outcome(f: ReleaseFacts, today: date, c: Config) -> Finding | None:
    """R+21: the continuity-of-care outcome is fixed: engaged or not."""
    cp = _offset(f.release_on, c)
    outcome = "engaged in" if _engaged(f, cp) else "did not engage in"
    return _due(
        cp,
        today,
        f.alcohol_need and f.released,
        f"Continuity of care fixed at 21 days: {outcome} community treatment.",
    )


def engaged_within_21_days(f: ReleaseFacts) -> bool:
    """Indicator C20: a community treatment start on a day from R to R+21."""
    return _engaged(f, f.release_on + timedelta(days=21))


def non_working_day_release_rule(f: ReleaseFacts, today: date, c: Config) -> Finding | None:
    """Release date on a weekend or bank holiday, not brought forward (CJA 1961 s.23(3))."""
    cp = _offset(f.release_on, c)
    flagged = not f.released and non_working_day_release(f.release_dates)
    return _due(
        cp,
        today,
        flagged,
        f"Release on {f.release_on} falls on a weekend or bank holiday: confirm the preceding working day.",
    )


def friday_release_rule(f: ReleaseFacts, today: date, c: Config) -> Finding | None:
    """Confirmed release on a Friday or before a bank holiday, with an alcohol need."""
    cp = _offset(f.release_on, c)
    flagged = not f.released and friday_release(f.release_dates, f.alcohol_need)
    return _due(
        cp,
        today,
        flagged,
        f"Release on {f.release_on} is before a weekend or holiday: consider release up to "
        "2 eligible working days earlier (Day of Release from Detention Act 2023).",
    )


# --- stage checkpoints ---------------------------------------------------------------------------


def community_responsibility_due(f: StageFacts, today: date, c: Config) -> Finding | None:
    """Community (probation) responsibility starts for a person in custody."""
    if f.community_responsibility_on is None:
        return None
    cp = _offset(f.community_responsibility_on, c)
    return _due(cp, today, f.open, "Probation takes community responsibility for this case today.")


def custody_reception_withdrawal_risk(f: StageFacts, today: date, c: Config) -> Finding | None:
    """Entering custody with an alcohol need or an AUDIT of 20+: reception screening for withdrawal."""
    risky = f.alcohol_need or (f.highest_audit_score or 0) >= c.get("audit_score", 20)
    return _due(f.start_on, today, f.open and risky, "Alcohol withdrawal risk: reception screening needed.")


def atr_treatment_not_started(f: StageFacts, today: date, c: Config) -> Finding | None:
    """10 working days after an ATR starts, treatment has not started (resolves once it does)."""
    cp = add_working_days(f.start_on, c.get("working_days", 10))
    started = any(f.start_on <= day <= today for day in f.treatment_started_on)
    return _due(
        cp, today, f.open and not started, "ATR: treatment not started 10 working days after the order."
    )


def atr_exit_planning(f: StageFacts, today: date, c: Config) -> Finding | None:
    """ATR end - 28 days: plan the exit from treatment."""
    if f.atr_end_on is None:
        return None
    cp = _offset(f.atr_end_on, c)
    return _due(cp, today, f.open, f"ATR ends on {f.atr_end_on}: plan the exit from treatment.")


def stage_overdue(f: StageFacts, today: date, c: Config) -> Finding | None:
    """A stage past its expected end (custody: its release date) with no transition recorded."""
    if f.expected_end_on is None:
        return None
    cp = _offset(f.expected_end_on, c)
    return _due(
        cp,
        today,
        f.open,
        f"The {f.kind} stage was expected to end on {f.expected_end_on}: record what happened.",
    )


# --- other subjects ------------------------------------------------------------------------------


def specialist_referral_needed(f: ScreeningFacts, today: date, c: Config) -> Finding | None:
    """AUDIT zone IV and no referral since: refer to a specialist service."""
    return _due(
        _offset(f.screened_on, c),
        today,
        f.zone == 4 and not f.referral_made_since,
        "AUDIT zone IV: refer to a specialist alcohol service.",
    )


def appointment_outcome_missing(f: AppointmentFacts, now: datetime, c: Config) -> Finding | None:
    """24 hours after an appointment started, no outcome is recorded; its local day is the checkpoint."""
    # Elapsed hours, in UTC: across a clock change local wall-clock arithmetic would give 23 or 25.
    due_at = f.starts_at.astimezone(UTC) + timedelta(hours=c.get("offset_hours", 24))
    if due_at > now or f.outcome is not None:
        return None
    return Finding(f.starts_at.date(), "Record whether the appointment was attended.")


def escalated(f: AlertFacts, today: date, c: Config) -> Finding | None:
    """An urgent alert unacknowledged for 2 working days escalates to the team's managers."""
    cp = add_working_days(f.raised_on, c.get("working_days", 2))
    return _due(
        cp,
        today,
        f.severity == "urgent" and f.status == "open",
        "Urgent alert not acknowledged for 2 working days: escalated to the team's managers.",
    )


RuleFunction = Callable[[Any, Any, Config], Finding | None]

RELEASE_RULES: dict[str, RuleFunction] = {
    "pre_release_planning": pre_release_planning,
    "treatment_referral_missing": treatment_referral_missing,
    "first_appointment_missing": first_appointment_missing,
    "accommodation_missing": accommodation_missing,
    "released": released,
    "probation_first_appointment_missed": probation_first_appointment_missed,
    "not_engaged_7": not_engaged_7,
    "not_engaged_14": not_engaged_14,
    "continuity_outcome": continuity_outcome,
    "non_working_day_release": non_working_day_release_rule,
    "friday_release": friday_release_rule,
}
CUSTODY_RULES: dict[str, RuleFunction] = {
    "community_responsibility_due": community_responsibility_due,
    "custody_reception_withdrawal_risk": custody_reception_withdrawal_risk,
}
ATR_RULES: dict[str, RuleFunction] = {
    "atr_treatment_not_started": atr_treatment_not_started,
    "atr_exit_planning": atr_exit_planning,
}
# Alerts that record an event rather than a gap: nothing can make them go away by itself.
EVENT_RULES = frozenset({"released", "continuity_outcome", "custody_reception_withdrawal_risk", "escalated"})
