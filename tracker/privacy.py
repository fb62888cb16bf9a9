"""Who sees clinical detail, and the need that everyone else sees in its place.

Clinical detail is a screening's answers, score, zone and action text, a referral's reason and
treatment notes. It is for a care relationship: the person's offender manager and their team, a
treatment team with a live referral, and an ATR's treatment team while the order is in force.
Everyone else who may see the person (prison and resettlement staff, a treatment team whose
referral was declined or has ended) sees only the need.

PURE: standard library only; takes `today` as an argument.
"""

from __future__ import annotations

from datetime import date

SPECIALIST_REFERRAL_NEEDED = "Specialist alcohol referral needed"
FULL_AUDIT_NEEDED = "Full AUDIT needed"
POSITIVE = "Positive screen"
NEGATIVE = "Negative screen"

# AUDIT zone IV: possible dependence, which only a specialist service can assess and treat.
SPECIALIST_ZONE = 4
# The short screens that, when positive, ask for the full ten questions.
SHORT_SCREENS: tuple[str, ...] = ("audit_c", "fast")


def sees_clinical_detail(
    role: str, *, manages_or_team: bool, live_referral: bool, atr_in_force: bool
) -> bool:
    """Whether a caller with this role and these care relationships sees clinical detail.

    `manages_or_team`: the caller is the person's offender manager or in that manager's team.
    `live_referral`: the caller's team has a referral of the person that is made, accepted or started.
    `atr_in_force`: the caller's team treats the person under an ATR whose order runs today.
    """
    if role == "offender_manager":
        return manages_or_team
    if role == "treatment":
        return live_referral or atr_in_force
    # Resettlement and prison staff see the need; commissioners and admins see no person at all.
    return False


def order_end(
    order_end_on: date | None, operational_end_on: date | None, atr_end_on: date | None
) -> date | None:
    """The last day of an ATR's order: as recorded, else the operational period's, else the ATR's."""
    return order_end_on or operational_end_on or atr_end_on


def order_in_force(start_on: date, end_on: date | None, today: date) -> bool:
    """Whether an order runs today: from its first day to its last, both inclusive."""
    return end_on is not None and start_on <= today <= end_on


def need_label(tool: str, zone: int | None, positive: bool) -> str:
    """What a screening says about the need, without its answers, score, zone or action text."""
    if tool == "audit" and zone == SPECIALIST_ZONE:
        return SPECIALIST_REFERRAL_NEEDED
    if tool in SHORT_SCREENS and positive:
        return FULL_AUDIT_NEEDED
    return POSITIVE if positive else NEGATIVE
