"""The words a page shows for the domain's codes (stage kinds, statuses, date kinds...)."""

from __future__ import annotations

from collections.abc import Iterable

from wtforms import SelectChoice

from tracker.pathway.checklist import ITEM_LABELS

STAGE_KINDS = {
    "identified": "Identified (before any offence)",
    "arrest": "Arrest",
    "court": "Court",
    "atr": "Alcohol treatment requirement (ATR)",
    "custody": "Custody",
    "licence": "Licence (released under supervision)",
    "closed": "Closed (the pathway ends)",
}
KEY_DATES = {
    "planned_release_on": "Planned release date",
    "released_on": "Released on",
    "confirmed": "Confirmed release date",
    "crd": "Conditional release date (CRD)",
    "ard": "Automatic release date (ARD)",
    "ped": "Parole eligibility date (PED)",
    "hdced": "Home detention curfew eligibility date (HDCED)",
    "hdcad": "Home detention curfew approved date (HDCAD)",
    "led": "Licence expiry date (LED)",
    "sed": "Sentence expiry date (SED)",
    "tused": "Top-up supervision expiry date (TUSED)",
    "community_responsibility_on": "Probation in the community takes over",
    "order_end_on": "Order ends",
    "atr_end_on": "ATR ends",
    "supervision_end_on": "Supervision ends",
}
APPOINTMENT_KINDS = {
    "court_hearing": "Court hearing",
    "probation": "Probation appointment",
    "treatment_assessment": "Treatment assessment",
    "treatment_session": "Treatment session",
}
REFERRAL_KINDS = {
    "structured_alcohol_treatment": "Structured alcohol treatment",
    "structured_drug_treatment": "Structured drug treatment",
    "housing": "Housing",
    "mental_health": "Mental health",
    "employment": "Employment, training or education",
    "other": "Other",
}
# What was done after a screening (OHID identification and brief advice).
INTERVENTIONS = {
    "education": "Alcohol education: information about units and risks",
    "simple_advice": "Simple (brief) advice",
    "brief_intervention": "Brief intervention: extended advice or brief counselling",
    "referred": "Referred to a specialist alcohol service",
    "declined": "Declined: the person did not want help",
}
ABSENCES = {
    "acceptable": "Acceptable absence",
    "unacceptable": "Unacceptable absence",
    "pending": "Not decided yet",
}
OTHER = {
    "community_order": "Community order",
    "suspended_sentence": "Suspended sentence order",
    "remand": "Remand",
    "sentenced": "Sentenced",
    "not_started": "Not started",
    "in_progress": "In progress",
    "done": "Done",
    "not_needed": "Not needed",
    "attended": "Attended",
    "missed": "Missed",
    "cancelled": "Cancelled",
    "held": "Held while in custody",
    "released": "Released",
    "sentence_completed": "Sentence or order completed",
    "died": "Died",
    "deported": "Deported",
    "transferred_out": "Transferred out of the area",
    "other": "Other",
    "post_sentence_supervision": "Post-sentence supervision",
    "returned_to_custody": "Returned to custody",
    "closed": "Closed",
    "made": "Made",
    "accepted": "Accepted",
    "declined": "Declined",
    "started": "Treatment started",
    "ended": "Treatment ended",
    "education": "Alcohol education",
    "simple_advice": "Simple advice",
    "brief_intervention": "Brief intervention",
    "referred": "Referred to a specialist service",
    "open": "Open",
    "acknowledged": "Acknowledged",
    "resolved": "Resolved",
    "urgent": "Urgent",
    "warning": "Warning",
    "info": "Information",
    "red": "Red",
    "amber": "Amber",
    "green": "Green",
    "offender_manager": "Offender manager",
    "resettlement": "Resettlement",
    "treatment": "Treatment service",
    "commissioner": "Commissioner",
    "admin": "Administrator",
    "audit": "AUDIT",
    "audit_c": "AUDIT-C",
    "fast": "FAST",
}
ALL = STAGE_KINDS | KEY_DATES | APPOINTMENT_KINDS | ITEM_LABELS | REFERRAL_KINDS | OTHER
ZONES = {1: "Zone I", 2: "Zone II", 3: "Zone III", 4: "Zone IV"}
# GOV.UK tag colours for states that need to stand out.
TAG_COLOURS = {
    "red": "govuk-tag--red",
    "amber": "govuk-tag--orange",
    "green": "govuk-tag--green",
    "urgent": "govuk-tag--red",
    "warning": "govuk-tag--orange",
    "info": "govuk-tag--blue",
    "open": "govuk-tag--blue",
    "acknowledged": "govuk-tag--yellow",
    "resolved": "govuk-tag--grey",
    "done": "govuk-tag--green",
    "not_needed": "govuk-tag--grey",
    "in_progress": "govuk-tag--yellow",
    "not_started": "govuk-tag--grey",
}


def label(code: str | None) -> str:
    """The words for a code, or the code made readable."""
    if code is None:
        return ""
    return ALL.get(code) or code.replace("_", " ").capitalize()


def choices(codes: tuple[str, ...] | list[str]) -> list[SelectChoice]:
    """The options of a radio or select field: each code, shown in words."""
    return [SelectChoice(code, label(code)) for code in codes]


def options(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """The options of a radio or select field from (value, words) pairs."""
    return [SelectChoice(value, words) for value, words in pairs]
