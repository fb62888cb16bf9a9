"""Keywords in inbound texts (issue 10, item 9): matched after NFKC with zero-width characters removed."""

from __future__ import annotations

import pytest

from tracker.sms.policy import classify_reply


@pytest.mark.parametrize(
    ("body", "meaning"),
    [
        ("ＳＴＯＰ", "stop"),  # fullwidth letters
        ("S\u200bTOP", "stop"),  # zero-width space
        ("\ufeffSTOP", "stop"),  # byte order mark
        ("ST\u200cOP", "stop"),  # zero-width non-joiner
        ("STO\u200dP", "stop"),  # zero-width joiner
        ("STOP\u2060", "stop"),  # word joiner
        ("\u00a0stop\u00a0", "stop"),  # no-break spaces
        ("ＳＴＡＲＴ", "start"),
        ("H\u200bELP", "help"),
        ("ｙｅｓ", "answer"),
        ("S TOP", "other"),  # a visible space still separates words
    ],
)
def test_keywords_are_matched_however_they_are_encoded(body, meaning):
    assert classify_reply(body)[0] == meaning


def test_a_disguised_yes_is_still_a_yes():
    assert classify_reply("Y\u200bES") == ("answer", True)
