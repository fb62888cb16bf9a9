"""Who sees clinical detail, and the need that everyone else sees in its place.

Clinical detail is a screening's answers, score, zone and action text, a referral's reason and
treatment notes. It is for a care relationship: the person's offender manager and their team, a
treatment team with a live referral, and an ATR's treatment team while the order is in force.
Everyone else who may see the person (prison and resettlement staff, a treatment team whose
referral was declined or has ended) sees only the need.

PURE: standard library only; takes `today` as an argument.
"""

from __future__ import annotations

import logging
import re
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


def clinical_moves_with_person(share_consent: bool | None) -> bool:
    """Whether screenings and referral reasons made while a treatment team held a person go with them
    to probation: only when the person's latest word on sharing was yes."""
    return share_consent is True


def withheld(kept_for_team_id: int | None, viewer_team_id: int | None) -> bool:
    """Whether a record kept for the treatment team that held the person is hidden from this viewer:
    from everyone outside that team (records made with no holding team are never kept)."""
    return kept_for_team_id is not None and kept_for_team_id != viewer_team_id


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


# An international number (+ and 10 to 15 digits) or a UK one (0 and 10 digits, maybe one space).
MOBILE_IN_TEXT = re.compile(r"(?<![\w+])(?:\+\d{10,15}|0\d{4} ?\d{6})(?![\w])")
SHOWN_AT_START, SHOWN_AT_END = 3, 4


def mask_mobile(number: str | None) -> str:
    """A mobile number fit for a log line: its first three and last four characters only,
    `+447911123456` -> `+44******3456`; a number too short to hide anything is all stars."""
    digits = (number or "").replace(" ", "")
    hidden = len(digits) - SHOWN_AT_START - SHOWN_AT_END
    if hidden < 1:
        return "*" * len(digits)
    return digits[:SHOWN_AT_START] + "*" * hidden + digits[-SHOWN_AT_END:]


def mask_mobiles(text: str) -> str:
    """The text with every mobile number in it masked."""
    return MOBILE_IN_TEXT.sub(lambda found: mask_mobile(found.group()), text)


# PostgreSQL quotes the failing row or key in an error's DETAIL line (and data in a CONTEXT line),
# and the refused value in an "invalid input" message; SQLite's messages quote none.
DATABASE_DETAIL = re.compile(r"^(\s*)(DETAIL|CONTEXT):.*$", re.MULTILINE)
REFUSED_VALUE = re.compile(r'(invalid input [^:\n]*): "[^"\n]*"')
HIDDEN = "[hidden: it may carry personal data]"


def redact_database_errors(text: str) -> str:
    """The text with what a database error quotes from the data (rows, keys, values) taken out."""
    text = DATABASE_DETAIL.sub(lambda found: f"{found.group(1)}{found.group(2)}: {HIDDEN}", text)
    return REFUSED_VALUE.sub(lambda found: f"{found.group(1)}: {HIDDEN}", text)


# A calendar feed's address holds its token (a credential): an access log line keeps the path, not it.
CALENDAR_FEED_PATH = re.compile(r"/calendar/[^/\s?\"]+\.ics")
HIDDEN_FEED = "/calendar/[hidden].ics"


def redact_feed_tokens(text: str) -> str:
    """The text with every calendar feed token taken out of the addresses in it."""
    return CALENDAR_FEED_PATH.sub(HIDDEN_FEED, text)


def redact(text: str) -> str:
    """A log line without mobiles, calendar feed tokens or what database errors quote from the data."""
    return redact_feed_tokens(mask_mobiles(redact_database_errors(text)))


class RedactPersonalData(logging.Filter):
    """Redacts a log record's message and traceback (see redact) before any handler writes them."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
