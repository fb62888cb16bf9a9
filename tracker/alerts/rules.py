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

from tracker.pathway import continuity
from tracker.pathway.dates import add_working_days, friday_release, non_working_day_release

Config = Mapping[str, Any]


@dataclass(frozen=True)
class Finding:
    """An alert that is due: its checkpoint and what it says."""

    checkpoint_on: date
    message: str


@dataclass(frozen=True)
class ReleaseFacts:
    """What the release checkpoints read, for one release handover.

    P (planned_on) drives planning only; A (released_on) is the recorded release and drives
    everything that says the person is out.
    """

    planned_on: date | None  # P: the confirmed date, else HDCAD, else CRD/ARD, else PED
    planned_basis: str | None  # confirmed, hdcad, crd, ard or ped
    released_on: date | None = None  # A
    release_dates: Mapping[str, date] = field(default_factory=dict)
    alcohol_need: bool = False
    treatment_referral_on: date | None = None  # the first live structured treatment referral
    community_appointments_on: tuple[date, ...] = ()  # booked, not cancelled
    probation_attended_on: tuple[date, ...] = ()
    treatment_started_on: tuple[date, ...] = ()  # live structured referrals' treatment starts
    accommodation: str = "not_started"

    @property
    def planning_on(self) -> date | None:
        """P for the checkpoints that need a real release date: never a parole eligibility date."""
        return None if self.planned_basis == "ped" else self.planned_on


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
    recorded_on: date | None = None  # the local day the stage was entered in the tracker
    screened_on: tuple[date, ...] = ()  # every screening of the person


@dataclass(frozen=True)
class ScreeningFacts:
    screened_on: date
    zone: int | None
    specialist_referral_since: bool = False  # a live structured alcohol treatment referral since
    tool: str = "audit"
    positive: bool = False
    full_audit_since: bool = False


@dataclass(frozen=True)
class AppointmentFacts:
    starts_at: datetime  # aware, in the service's timezone: its date is the local day
    outcome: str | None
    absence: str | None = None
    counts_for_enforcement: bool = False  # a probation or treatment requirement of an ATR or licence
    warning_in_force_on: date | None = None  # an earlier warning within 12 months, if any
    on_licence: bool = False


@dataclass(frozen=True)
class AlertFacts:
    severity: str
    status: str
    raised_on: date
    rule: str


def _weeks(config: Config) -> str:
    days = -config.get("offset_days", 0)
    return f"{days // 7} weeks" if days % 7 == 0 else f"{days} days"


def _offset(anchor: date, config: Config) -> date:
    return anchor + timedelta(days=config.get("offset_days", 0))


# The rules whose checkpoint is counted in working days: config/alerts.toml must give each its number.
WORKING_DAY_RULES = frozenset(
    {"probation_first_appointment_missed", "atr_treatment_not_started", "escalated"}
)


def working_days_checkpoint(anchor: date, config: Config) -> date:
    """A checkpoint counted in working days: `working_days` after the anchor (England's bank holidays
    are not working days), then `days_after` calendar days. The sweep asks about exactly the anchors
    whose checkpoint this puts in its window."""
    return add_working_days(anchor, config["working_days"]) + timedelta(days=config.get("days_after", 0))


def _due(checkpoint: date, today: date, condition: bool, message: str) -> Finding | None:
    return Finding(checkpoint, message) if checkpoint <= today and condition else None


def _engaged(facts: ReleaseFacts, until: date) -> bool:
    a = facts.released_on
    return a is not None and any(a <= day <= until for day in facts.treatment_started_on)


# --- before release: P, the planned date ---------------------------------------------------------


def pre_release_planning(f: ReleaseFacts, today: date, c: Config) -> Finding | None:
    """P-84: pre-release planning opens; the handover checklist exists (also for a PED)."""
    if f.planned_on is None:
        return None
    cp = _offset(f.planned_on, c)
    if f.planned_basis == "ped":
        message = (
            f"Parole eligibility on {f.planned_on} (release only on the Parole Board's direction): "
            f"pre-release planning opens ({_weeks(c)})."
        )
    else:
        message = f"Planned release on {f.planned_on}: pre-release planning opens ({_weeks(c)})."
    return _due(cp, today, f.released_on is None, message)


def treatment_referral_missing(f: ReleaseFacts, today: date, c: Config) -> Finding | None:
    """P-28: no structured treatment referral to a treatment service for a person with an alcohol need."""
    if f.planning_on is None:
        return None
    cp = _offset(f.planning_on, c)
    # Release does not close a gap: the alert stays until the gap is filled (also for P-7's).
    missing = f.alcohol_need and f.treatment_referral_on is None
    return _due(
        cp, today, missing, f"Planned release on {f.planning_on}: no community treatment referral made."
    )


def first_appointment_missing(f: ReleaseFacts, today: date, c: Config) -> Finding | None:
    """P-7: no community appointment booked in the continuity window after release (after A once released)."""
    if f.planning_on is None:
        return None
    cp = _offset(f.planning_on, c)
    out_on = f.released_on or f.planning_on
    booked = any(continuity.within(out_on, day) for day in f.community_appointments_on)
    return _due(
        cp,
        today,
        not booked,
        f"Planned release on {f.planning_on}: no community appointment booked "
        f"within {continuity.CONTINUITY_DAYS} days after release.",
    )


def accommodation_missing(f: ReleaseFacts, today: date, c: Config) -> Finding | None:
    """P-7: accommodation for the first night not confirmed."""
    if f.planning_on is None:
        return None
    cp = _offset(f.planning_on, c)
    missing = f.accommodation not in ("done", "not_needed")
    return _due(
        cp,
        today,
        missing,
        f"Planned release on {f.planning_on}: no accommodation confirmed for the first night.",
    )


def release_date_unconfirmed(f: ReleaseFacts, today: date, c: Config) -> Finding | None:
    """P-7: the release date is not confirmed yet."""
    if f.planning_on is None:
        return None
    cp = _offset(f.planning_on, c)
    unconfirmed = f.released_on is None and f.planned_basis != "confirmed"
    return _due(
        cp, today, unconfirmed, f"Planned release on {f.planning_on} is not confirmed: confirm the date."
    )


def non_working_day_release_rule(f: ReleaseFacts, today: date, c: Config) -> Finding | None:
    """P on a weekend or bank holiday, not brought forward (CJA 1961 s.23(3))."""
    if f.planning_on is None:
        return None
    cp = _offset(f.planning_on, c)
    flagged = f.released_on is None and non_working_day_release(f.release_dates)
    return _due(
        cp,
        today,
        flagged,
        f"Release on {f.planning_on} falls on a weekend or bank holiday: confirm the preceding working day.",
    )


def friday_release_rule(f: ReleaseFacts, today: date, c: Config) -> Finding | None:
    """Release in effect on a Friday or before a bank holiday, with an alcohol need."""
    if f.planning_on is None:
        return None
    cp = _offset(f.planning_on, c)
    flagged = f.released_on is None and friday_release(f.release_dates, f.alcohol_need)
    return _due(
        cp,
        today,
        flagged,
        f"Release on {f.planning_on} is before a weekend or holiday: consider release up to "
        "2 eligible working days earlier (Day of Release from Detention Act 2023).",
    )


# --- after release: A, the recorded release ------------------------------------------------------


def released(f: ReleaseFacts, today: date, c: Config) -> Finding | None:
    """A: the person was released (recorded); never on a planned date alone."""
    if f.released_on is None:
        return None
    cp = _offset(f.released_on, c)
    return _due(cp, today, True, f"Released on {f.released_on}: community supervision starts.")


def probation_first_appointment_missed(f: ReleaseFacts, today: date, c: Config) -> Finding | None:
    """The day after A + 1 working day: no probation appointment attended since release."""
    if f.released_on is None:
        return None
    a = f.released_on
    cp = working_days_checkpoint(a, c)
    attended = any(day >= a for day in f.probation_attended_on)
    return _due(
        cp,
        today,
        not attended,
        "No first probation appointment attended by the first working day after release.",
    )


def not_engaged_7(f: ReleaseFacts, today: date, c: Config) -> Finding | None:
    """A+7: not yet engaged in community treatment (resolves once they engage)."""
    if f.released_on is None:
        return None
    return _due(
        _offset(f.released_on, c),
        today,
        f.alcohol_need and not _engaged(f, today),
        f"{c.get('offset_days', 7)} days after release: not yet engaged in community treatment.",
    )


def not_engaged_14(f: ReleaseFacts, today: date, c: Config) -> Finding | None:
    """A+14: still not engaged in community treatment (resolves once they engage)."""
    if f.released_on is None:
        return None
    return _due(
        _offset(f.released_on, c),
        today,
        f.alcohol_need and not _engaged(f, today),
        f"{c.get('offset_days', 14)} days after release: still not engaged in community treatment.",
    )


def continuity_outcome(f: ReleaseFacts, today: date, c: Config) -> Finding | None:
    """A+21: the continuity-of-care outcome is fixed: engaged or not."""
    if f.released_on is None:
        return None
    cp = _offset(f.released_on, c)
    outcome = "engaged in" if _engaged(f, cp) else "did not engage in"
    return _due(
        cp,
        today,
        f.alcohol_need,
        f"Continuity of care fixed at {continuity.CONTINUITY_DAYS} days: {outcome} community treatment.",
    )


def engaged_within_21_days(f: ReleaseFacts) -> bool:
    """Indicator C20: a structured treatment start on a day in the continuity window, A to A+21."""
    return f.released_on is not None and _engaged(f, continuity.window_end(f.released_on))


# --- stage checkpoints ---------------------------------------------------------------------------


def community_responsibility_due(f: StageFacts, today: date, c: Config) -> Finding | None:
    """Community (probation) responsibility starts for a person in custody."""
    if f.community_responsibility_on is None:
        return None
    cp = _offset(f.community_responsibility_on, c)
    return _due(cp, today, f.open, "Probation takes community responsibility for this case today.")


def custody_reception_withdrawal_risk(f: StageFacts, today: date, c: Config) -> Finding | None:
    """Entering custody with an alcohol need or an AUDIT of 20+: reception screening for withdrawal.

    Only at reception: a custody stage recorded weeks after it began is history, not a reception.
    """
    risky = f.alcohol_need or (f.highest_audit_score or 0) >= c.get("audit_score", 20)
    late_by = (f.recorded_on - f.start_on).days if f.recorded_on else 0
    at_reception = late_by <= c.get("recorded_within_days", 5)
    return _due(
        f.start_on,
        today,
        f.open and risky and at_reception,
        "Alcohol withdrawal risk: reception screening needed.",
    )


def screening_due(f: StageFacts, today: date, c: Config) -> Finding | None:
    """Entering arrest, court, ATR or custody unscreened for 90 days: screen (resolves once screened)."""
    since = f.start_on - timedelta(days=c.get("lookback_days", 90))
    screened = any(since <= day <= today for day in f.screened_on)
    return _due(
        f.start_on,
        today,
        f.open and not screened,
        f"No alcohol screening in the {c.get('lookback_days', 90)} days before this {f.kind} stage: "
        "screen with AUDIT-C, FAST or AUDIT.",
    )


def atr_treatment_not_started(f: StageFacts, today: date, c: Config) -> Finding | None:
    """10 working days after an ATR starts, treatment has not started (resolves once it does)."""
    cp = working_days_checkpoint(f.start_on, c)
    started = any(f.start_on <= day <= today for day in f.treatment_started_on)
    return _due(
        cp,
        today,
        f.open and not started,
        f"ATR: treatment not started {c['working_days']} working days after the order.",
    )


def atr_exit_planning(f: StageFacts, today: date, c: Config) -> Finding | None:
    """ATR end - 28 days: plan the exit from treatment."""
    if f.atr_end_on is None:
        return None
    cp = _offset(f.atr_end_on, c)
    return _due(cp, today, f.open, f"ATR ends on {f.atr_end_on}: plan the exit from treatment.")


def stage_overdue(f: StageFacts, today: date, c: Config) -> Finding | None:
    """A stage past its expected end with no transition recorded; for custody, a release not recorded.

    A custody stage's expected end is its planned release, never a parole eligibility date; its
    passing raises this data-quality alert and never a release event.
    """
    if f.expected_end_on is None:
        return None
    cp = _offset(f.expected_end_on, c)
    if f.kind == "custody":
        message = f"Release not recorded: the release date {f.expected_end_on} has passed with custody open."
    else:
        message = f"The {f.kind} stage was expected to end on {f.expected_end_on}: record what happened."
    return _due(cp, today, f.open, message)


# --- other subjects ------------------------------------------------------------------------------


def specialist_referral_needed(f: ScreeningFacts, today: date, c: Config) -> Finding | None:
    """AUDIT zone IV and no structured alcohol treatment referral since: refer to a specialist service."""
    return _due(
        _offset(f.screened_on, c),
        today,
        f.tool == "audit" and f.zone == 4 and not f.specialist_referral_since,
        "Specialist alcohol referral needed: refer to a specialist alcohol service.",
    )


def full_audit_needed(f: ScreeningFacts, today: date, c: Config) -> Finding | None:
    """A positive AUDIT-C (5 or more) or FAST asks for a full AUDIT (resolves once one is recorded)."""
    return _due(
        _offset(f.screened_on, c),
        today,
        f.tool in ("audit_c", "fast") and f.positive and not f.full_audit_since,
        "Positive alcohol screen: complete a full AUDIT.",
    )


def appointment_outcome_missing(f: AppointmentFacts, now: datetime, c: Config) -> Finding | None:
    """24 hours after an appointment started, no outcome is recorded; its local day is the checkpoint."""
    # Elapsed hours, in UTC: across a clock change local wall-clock arithmetic would give 23 or 25.
    due_at = f.starts_at.astimezone(UTC) + timedelta(hours=c.get("offset_hours", 24))
    if due_at > now or f.outcome is not None:
        return None
    return Finding(f.starts_at.date(), "Record whether the appointment was attended.")


def breach_review_due(f: AppointmentFacts, now: datetime, c: Config) -> Finding | None:
    """A further unacceptable absence within 12 months of a warning: review for breach (or recall)."""
    if not (f.counts_for_enforcement and f.absence == "unacceptable" and f.warning_in_force_on):
        return None
    action = "consider recall" if f.on_licence else "consider breach action"
    return Finding(
        f.starts_at.date(),
        f"Unacceptable absence within 12 months of the warning given on {f.warning_in_force_on}: "
        f"breach review due ({action}).",
    )


def escalated(f: AlertFacts, today: date, c: Config) -> Finding | None:
    """An urgent alert unacknowledged for 2 working days escalates to the team's managers."""
    cp = working_days_checkpoint(f.raised_on, c)
    return _due(
        cp,
        today,
        f.severity == "urgent" and f.status == "open",
        f"Urgent alert not acknowledged for {c['working_days']} working days: "
        "escalated to the team's managers.",
    )


RuleFunction = Callable[[Any, Any, Config], Finding | None]

RELEASE_RULES: dict[str, RuleFunction] = {
    "pre_release_planning": pre_release_planning,
    "treatment_referral_missing": treatment_referral_missing,
    "first_appointment_missing": first_appointment_missing,
    "accommodation_missing": accommodation_missing,
    "release_date_unconfirmed": release_date_unconfirmed,
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
# Stages whose start asks for a recent screening (screening_due reads the person's screenings).
SCREENED_AT = ("arrest", "court", "atr", "custody")
# The stage kinds whose rules read the person's treatment starts (atr_treatment_not_started) and
# highest AUDIT score (custody_reception_withdrawal_risk): the sweep loads them for these alone.
READ_TREATMENT = frozenset({"atr"})
READ_AUDIT_SCORE = frozenset({"custody"})
SCREENING_RULES: dict[str, RuleFunction] = {
    "specialist_referral_needed": specialist_referral_needed,
    "full_audit_needed": full_audit_needed,
}
APPOINTMENT_RULES: dict[str, RuleFunction] = {
    "appointment_outcome_missing": appointment_outcome_missing,
    "breach_review_due": breach_review_due,
}
ATR_RULES: dict[str, RuleFunction] = {
    "atr_treatment_not_started": atr_treatment_not_started,
    "atr_exit_planning": atr_exit_planning,
}
# Alerts that record an event rather than a gap: nothing can make them go away by itself.
EVENT_RULES = frozenset(
    {"released", "continuity_outcome", "custody_reception_withdrawal_risk", "escalated", "breach_review_due"}
)
