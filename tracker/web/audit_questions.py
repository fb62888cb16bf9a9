"""The AUDIT's ten questions and answers in the WHO manual's words (Babor et al. 2001, WHO/MSD/MSB/01.6a).

The scores come from tracker/pathway/screening.py's scales, in order; only the words live here.
"""

from __future__ import annotations

from wtforms import SelectChoice

from tracker.pathway.screening import AUDIT_SCALES

FREQUENCY = ("Never", "Less than monthly", "Monthly", "Weekly", "Daily or almost daily")
EVER = ("No", "Yes, but not in the last year", "Yes, during the last year")

QUESTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "How often do you have a drink containing alcohol?",
        ("Never", "Monthly or less", "2 to 4 times a month", "2 to 3 times a week", "4 or more times a week"),
    ),
    (
        "How many drinks containing alcohol do you have on a typical day when you are drinking?",
        ("1 or 2", "3 or 4", "5 or 6", "7, 8 or 9", "10 or more"),
    ),
    ("How often do you have six or more drinks on one occasion?", FREQUENCY),
    (
        "How often during the last year have you found that you were not able to stop drinking "
        "once you had started?",
        FREQUENCY,
    ),
    (
        "How often during the last year have you failed to do what was normally expected from you "
        "because of drinking?",
        FREQUENCY,
    ),
    (
        "How often during the last year have you needed a first drink in the morning to get "
        "yourself going after a heavy drinking session?",
        FREQUENCY,
    ),
    ("How often during the last year have you had a feeling of guilt or remorse after drinking?", FREQUENCY),
    (
        "How often during the last year have you been unable to remember what happened the night "
        "before because you had been drinking?",
        FREQUENCY,
    ),
    ("Have you or someone else been injured as a result of your drinking?", EVER),
    (
        "Has a relative or friend or a doctor or another health worker been concerned about your "
        "drinking or suggested you cut down?",
        EVER,
    ),
)


def answer_choices(item: int) -> list[SelectChoice]:
    """Question `item`'s answers: the words shown, the score sent."""
    words = QUESTIONS[item][1]
    return [SelectChoice(str(score), text) for score, text in zip(AUDIT_SCALES[item], words, strict=True)]
