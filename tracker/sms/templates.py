"""SMS templates and timings from config/sms/, checked for revealing words when they load."""

from __future__ import annotations

import tomllib
from datetime import time
from functools import cache
from pathlib import Path
from typing import Any

from config.words import LANGUAGES, SMS_CONFIG, revealing_words
from tracker.sms.policy import RevealingText, check_private, placeholders

PURPOSES = (
    "release_day",
    "release_day_no_appointment",
    "court_hearing",
    "appointment",
    "missed",
    "check_in",
    "feedback",
    "help",
    "usual_place",
)
ALLOWED_PLACEHOLDERS = {"first_name", "date", "time", "place", "phone"}


class TemplateError(ValueError):
    """A template file that cannot be used: missing, unknown placeholder, or revealing."""


def _load(name: str, folder: Path) -> dict[str, Any]:
    with (folder / name).open("rb") as f:
        return tomllib.load(f)


@cache
def templates(folder: Path = SMS_CONFIG) -> dict[str, dict[str, str]]:
    """The checked templates by language and purpose."""
    loaded = {language: _load(f"{language}.toml", folder) for language in LANGUAGES}
    for language, texts in loaded.items():
        missing = set(PURPOSES) - set(texts)
        if missing:
            raise TemplateError(f"{language}.toml has no template for {', '.join(sorted(missing))}.")
        for purpose, text in texts.items():
            unknown = placeholders(text) - ALLOWED_PLACEHOLDERS
            if unknown:
                raise TemplateError(
                    f"{language}.toml {purpose}: unknown placeholder {', '.join(sorted(unknown))}."
                )
            try:
                check_private(text, revealing_words(folder), f"{language}.toml {purpose}")
            except RevealingText as refused:
                raise TemplateError(str(refused)) from None
    return loaded


@cache
def schedule(folder: Path = SMS_CONFIG) -> dict[str, Any]:
    """Reminder times, quiet hours and delivery limits."""
    return _load("schedule.toml", folder)


def clock_time(text: str) -> time:
    """A "HH:MM" time from the schedule."""
    return time.fromisoformat(text)


def render(language: str, purpose: str, **values: str) -> str:
    """A template filled in; English when the language has no such text."""
    chosen = templates()[language if language in LANGUAGES else "en"]
    return chosen[purpose].format(**values)
