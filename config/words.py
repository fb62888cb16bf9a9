"""config/sms/revealing_words.toml: the words no text, sender or place label may contain.

Read here, below every package, because the pathway checks a place label before it books an
appointment and sms checks its templates and sender; both use the one list.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

SMS_CONFIG = Path(__file__).resolve().parent / "sms"
LANGUAGES = ("en", "cy")


@cache
def revealing_words(folder: Path = SMS_CONFIG) -> frozenset[str]:
    """Every revealing word, in English and Welsh (a Welsh text may still carry an English word)."""
    with (folder / "revealing_words.toml").open("rb") as f:
        words = tomllib.load(f)
    return frozenset(w for language in LANGUAGES for w in words[language])
