"""The handover checklist, its red/amber/green state and the cliff-edge factors.

PURE: standard library, dates.py and continuity.py only; takes `today` as an argument.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from tracker.pathway.continuity import NO_COMMUNITY_APPOINTMENT
from tracker.pathway.dates import add_months, is_working_day

RELEASE_ITEMS: tuple[str, ...] = (
    "accommodation",
    "treatment_referral",
    "treatment_appointment",
    "gp_registration",
    "medication",
    "id_and_bank",
    "benefits",
    "probation_appointment",
    "travel",
)
ITEMS_BY_KIND: dict[str, tuple[str, ...]] = {
    "release": RELEASE_ITEMS,
    # Court to ATR: treatment must start soon after the order (alert at 10 working days).
    "atr_start": ("treatment_referral", "treatment_appointment", "probation_appointment"),
    # Community to custody: withdrawal risk and prescriptions must follow the person in.
    "custody_reception": ("medication", "treatment_referral", "gp_registration"),
}
ITEM_LABELS: dict[str, str] = {
    "accommodation": "Accommodation for the first night",
    "treatment_referral": "Community treatment referral",
    "treatment_appointment": "First treatment appointment",
    "gp_registration": "GP registration",
    "medication": "Medication and prescription continuity",
    "id_and_bank": "ID and bank account",
    "benefits": "Benefit claim",
    "probation_appointment": "Probation first appointment",
    "travel": "Travel on release day",
}
STATUSES: tuple[str, ...] = ("not_started", "in_progress", "done", "not_needed")
SETTLED = ("done", "not_needed")
# Without these three the first night and the first week are where people are lost.
ESSENTIAL = ("accommodation", "probation_appointment", "treatment_appointment")
RED_WITHIN_DAYS = 7
AMBER_WITHIN_DAYS = 28
SHORT_SENTENCE_MONTHS = 12


def outstanding(statuses: Mapping[str, str]) -> list[str]:
    """The items not yet done or marked not needed, in checklist order."""
    return [item for item, status in statuses.items() if status not in SETTLED]


def rag(days_to_release: int, statuses: Mapping[str, str]) -> str:
    """Red, amber or green for a release handover.

    Red: within 7 days (or past) with an essential item outstanding. Amber: within 28 days with
    anything outstanding, or red's case further out. Green: everything settled, or far enough away.
    """
    left = outstanding(statuses)
    essential_left = [item for item in left if item in ESSENTIAL]
    if essential_left and days_to_release <= RED_WITHIN_DAYS:
        return "red"
    if left and days_to_release <= AMBER_WITHIN_DAYS:
        return "amber"
    return "green"


@dataclass(frozen=True)
class CliffEdgeFacts:
    """What the cliff-edge factors are read from, for one release."""

    release_on: date
    sentence_start_on: date | None
    sentence_end_on: date | None
    statuses: Mapping[str, str]
    community_appointment_booked: bool
    audit_zone: int | None
    mobile: str | None
    sms_consent: bool
    missed_appointments: int


def cliff_edge_factors(facts: CliffEdgeFacts) -> list[dict[str, str]]:
    """Each factor that raises the risk of falling between prison and community, with its reason."""
    factors: list[dict[str, str]] = []

    def add(factor: str, reason: str) -> None:
        factors.append({"factor": factor, "reason": reason})

    start, end = facts.sentence_start_on, facts.sentence_end_on
    # The sentence expiry date is its last day: a 12-month sentence from 2 Feb expires on 1 Feb.
    if start and end and end + timedelta(days=1) < add_months(start, SHORT_SENTENCE_MONTHS):
        add("short_sentence", "Sentence under 12 months: little time to plan, little support after.")
    if facts.statuses.get("accommodation") not in SETTLED:
        add("no_accommodation", "No accommodation confirmed for the first night.")
    if not facts.community_appointment_booked:
        add("no_community_appointment", NO_COMMUNITY_APPOINTMENT)
    if facts.audit_zone == 4:
        # Worded as the need: everyone on the board reads it, not only those who may see the score.
        add("audit_zone_iv", "Specialist alcohol referral needed: arrange treatment before release.")
    if not is_working_day(facts.release_on + timedelta(days=1)):
        add("friday_release", "Released before a weekend or bank holiday: services closed next day.")
    if not facts.mobile or not facts.sms_consent:
        add("no_mobile_or_consent", "No usable mobile or no consent to texts: reminders cannot reach them.")
    if facts.missed_appointments:
        add("missed_appointments", f"Missed {facts.missed_appointments} appointment(s) before.")
    return factors
