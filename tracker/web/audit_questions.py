"""The AUDIT's ten questions and answers in the UK wording, in units (OHID, Alcohol use screening tests).

AUDIT-C asks questions 1 to 3 and FAST questions 3, 5, 8 and 10, in the same words. The scores come
from tracker/pathway/screening.py's scales, in order; only the words live here.
"""

from __future__ import annotations

from wtforms import SelectChoice

from tracker.pathway.screening import AUDIT_SCALES

FREQUENCY = ("Never", "Less than monthly", "Monthly", "Weekly", "Daily or almost daily")
EVER = ("No", "Yes, but not in the last year", "Yes, during the last year")

QUESTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "How often do you have a drink containing alcohol?",
        (
            "Never",
            "Monthly or less",
            "2 to 4 times per month",
            "2 to 3 times per week",
            "4 or more times per week",
        ),
    ),
    (
        "How many units of alcohol do you drink on a typical day when you are drinking?",
        ("0 to 2", "3 to 4", "5 to 6", "7 to 9", "10 or more"),
    ),
    (
        "How often have you had 6 or more units if female, or 8 or more if male, on a single occasion "
        "in the last year?",
        FREQUENCY,
    ),
    (
        "How often during the last year have you found that you were not able to stop drinking "
        "once you had started?",
        FREQUENCY,
    ),
    (
        "How often during the last year have you failed to do what was normally expected from you "
        "because of your drinking?",
        FREQUENCY,
    ),
    (
        "How often during the last year have you needed an alcoholic drink in the morning to get "
        "yourself going after a heavy drinking session?",
        FREQUENCY,
    ),
    ("How often during the last year have you had a feeling of guilt or remorse after drinking?", FREQUENCY),
    (
        "How often during the last year have you been unable to remember what happened the night "
        "before because you had been drinking?",
        FREQUENCY,
    ),
    ("Have you or somebody else been injured as a result of your drinking?", EVER),
    (
        "Has a relative or friend, doctor or other health worker been concerned about your drinking "
        "or suggested that you cut down?",
        EVER,
    ),
)
# The hint beside question 2: what a unit (10 ml of pure alcohol) looks like.
UNITS_HINT = (
    "One unit is 10 ml of pure alcohol: about half a pint of ordinary strength beer, lager or cider, "
    "or a single 25 ml measure of spirits. A small (125 ml) glass of wine is about 1.5 units."
)


def answer_choices(item: int) -> list[SelectChoice]:
    """Question `item`'s answers (0-based AUDIT item): the words shown, the score sent."""
    words = QUESTIONS[item][1]
    return [SelectChoice(str(score), text) for score, text in zip(AUDIT_SCALES[item], words, strict=True)]
