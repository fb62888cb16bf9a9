"""Referral kinds and statuses, and which referral counts as the treatment referral.

PURE: standard library only.
"""

from __future__ import annotations

KINDS: tuple[str, ...] = (
    "structured_alcohol_treatment",
    "structured_drug_treatment",
    "housing",
    "mental_health",
    "employment",
    "other",
)
# Structured treatment is what the checkpoints, the zone IV task and indicator C20 ask for.
STRUCTURED_KINDS: tuple[str, ...] = ("structured_alcohol_treatment", "structured_drug_treatment")

# Each status and what it may move to; `ended` closes a started treatment.
NEXT: dict[str, tuple[str, ...]] = {
    "made": ("accepted", "declined", "started"),
    "accepted": ("started", "declined"),
    "started": ("ended",),
    "declined": (),
    "ended": (),
}
STATUSES: tuple[str, ...] = tuple(NEXT)
LIVE_STATUSES: tuple[str, ...] = ("made", "accepted", "started")
# Why a referral was declined: a code for the referrals report, required when declining.
DECLINE_REASONS: tuple[str, ...] = (
    "not_eligible",
    "declined_by_person",
    "no_capacity",
    "referred_elsewhere",
    "did_not_engage",
    "other",
)


def default_kind(team_kind: str | None) -> str:
    """The kind a referral takes when none is given: a treatment service's is structured alcohol treatment."""
    return "structured_alcohol_treatment" if team_kind == "treatment" else "other"


def is_live(status: str) -> bool:
    """Whether a referral is still in play (made, accepted or started)."""
    return status in LIVE_STATUSES


def is_treatment_referral(kind: str, status: str, team_kind: str | None) -> bool:
    """A live structured alcohol or drug treatment referral to a treatment service."""
    return kind in STRUCTURED_KINDS and is_live(status) and team_kind == "treatment"


def is_specialist_alcohol_referral(kind: str, status: str, team_kind: str | None) -> bool:
    """What closes the AUDIT zone IV task: a live structured alcohol treatment referral."""
    return kind == "structured_alcohol_treatment" and is_treatment_referral(kind, status, team_kind)
