"""What may be sent, when, and what a reply means.

PURE: standard library only; takes instants and texts as arguments.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

# Twilio's default opt-out, opt-in and help keywords (any case, trimmed).
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"})
START_WORDS = frozenset({"START", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO"})
ANSWERS = {"YES": True, "Y": True, "NO": False, "N": False}
# Invisible characters a phone or a copy-paste can put inside a word: they must not hide a STOP.
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


class RevealingText(ValueError):
    """A text that would reveal the justice system, health or alcohol to whoever sees the phone."""


def revealing_words_in(text: str, words: Iterable[str]) -> list[str]:
    """The revealing words that appear in `text` as whole words, any case."""
    found = {w.lower() for w in re.findall(r"[^\W\d_]+", text.lower())}
    return sorted(found & {w.lower() for w in words})


def check_private(text: str, words: Iterable[str], what: str) -> None:
    """Refuse a text or label that contains a revealing word, naming it."""
    bad = revealing_words_in(text, words)
    if bad:
        raise RevealingText(f"{what} contains a word that could reveal why we text: {', '.join(bad)}.")


def placeholders(template: str) -> set[str]:
    """The {names} a template fills in."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def within_quiet_hours(now: datetime, start: time, end: time, zone: ZoneInfo) -> bool:
    """Whether `now` is inside the sending window (start inclusive, end exclusive), local time."""
    local = now.astimezone(zone).time()
    return start <= local < end


def next_sending_instant(due: datetime, start: time, end: time, zone: ZoneInfo) -> datetime:
    """The first instant at or after `due` inside the sending window."""
    local = due.astimezone(zone)
    if local.time() < start:
        return datetime.combine(local.date(), start, zone)
    if local.time() >= end:
        return datetime.combine(local.date() + timedelta(days=1), start, zone)
    return due


def classify_reply(body: str) -> tuple[str, bool | None]:
    """What an inbound text means: ("stop"|"start"|"help"|"answer"|"other", the yes/no answer)."""
    word = keyword_form(body)
    if word in STOP_WORDS:
        return "stop", None
    if word in START_WORDS:
        return "start", None
    if word in HELP_WORDS:
        return "help", None
    if word in ANSWERS:
        return "answer", ANSWERS[word]
    return "other", None


def keyword_form(body: str) -> str:
    """A reply as its keyword reads: NFKC-normalised, zero-width characters removed, trimmed, upper case."""
    return unicodedata.normalize("NFKC", body).translate(ZERO_WIDTH).strip().strip(".!").upper()


def feedback_rating(body: str) -> int | None:
    """The rating in a reply that is just a number from 1 to 5 (trimmed, a full stop allowed), else None."""
    word = body.strip().strip(".!")
    return int(word) if len(word) == 1 and word in "12345" else None


def first_name_only(given_name: str) -> str:
    """The first of a person's given names: texts carry nothing more."""
    return given_name.split()[0] if given_name.strip() else ""
