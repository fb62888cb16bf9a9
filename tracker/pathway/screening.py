"""AUDIT, AUDIT-C and FAST scoring, as in the WHO AUDIT manual (Babor et al. 2001) and OHID guidance.

PURE: standard library only.
"""

from collections.abc import Sequence
from dataclasses import dataclass

TOOLS: tuple[str, ...] = ("audit", "audit_c", "fast")

# Most items offer five answers scored 0-4; the two "ever" questions (AUDIT 9 and 10) offer three.
FIVE_POINT: tuple[int, ...] = (0, 1, 2, 3, 4)
THREE_POINT: tuple[int, ...] = (0, 2, 4)

AUDIT_SCALES: tuple[tuple[int, ...], ...] = (FIVE_POINT,) * 8 + (THREE_POINT,) * 2
AUDIT_C_SCALES: tuple[tuple[int, ...], ...] = (FIVE_POINT,) * 3
# FAST asks AUDIT questions 3, 5, 8 and 10, so its last item keeps question 10's scale.
FAST_SCALES: tuple[tuple[int, ...], ...] = (FIVE_POINT,) * 3 + (THREE_POINT,)
# Which AUDIT questions (numbered 1-10) each tool asks, in the order it asks them.
TOOL_QUESTIONS: dict[str, tuple[int, ...]] = {
    "audit": tuple(range(1, 11)),
    "audit_c": (1, 2, 3),
    "fast": (3, 5, 8, 10),
}

# Lowest total of zones II, III and IV.
AUDIT_ZONE_FLOORS: tuple[int, ...] = (8, 16, 20)
AUDIT_ACTIONS: dict[int, str] = {
    1: "Alcohol education",
    2: "Simple advice",
    3: "Simple advice plus brief counselling and continued monitoring",
    4: "Referral to specialist for diagnostic evaluation and treatment",
}
AUDIT_C_POSITIVE_AT = 5
FAST_POSITIVE_AT = 3
ACTION_FULL_AUDIT_REQUIRED = "Full AUDIT required"
ACTION_FULL_AUDIT_RECOMMENDED = "Full AUDIT recommended"
ACTION_NONE = "No further screening needed"

_NAMES = {"audit": "AUDIT", "audit_c": "AUDIT-C", "fast": "FAST"}

# What was done after a screening (OHID: identification and brief advice), recorded with each one.
INTERVENTIONS: tuple[str, ...] = ("education", "simple_advice", "brief_intervention", "referred", "declined")
# Zone IV calls for a specialist: brief advice alone is not enough, so only a referral (or a refusal) is.
ZONE_IV_INTERVENTIONS: tuple[str, ...] = ("referred", "declined")


class InvalidAnswers(Exception):
    """An answer set the tool cannot score, naming the item (None when the count is wrong)."""

    def __init__(self, item: int | None, message: str) -> None:
        self.item = item
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class ScreeningResult:
    """A scored screening: total, AUDIT zone (AUDIT only), whether positive, and what to do."""

    tool: str
    score: int
    zone: int | None
    positive: bool
    action: str


def score(tool: str, answers: Sequence[int]) -> ScreeningResult:
    """Score `answers` with the named tool."""
    scorers = {"audit": score_audit, "audit_c": score_audit_c, "fast": score_fast}
    if tool not in scorers:
        raise ValueError(f"Unknown screening tool: {tool!r}.")
    return scorers[tool](answers)


def score_audit(answers: Sequence[int]) -> ScreeningResult:
    """Score the full 10-item AUDIT and place it in a zone."""
    _check_answers("audit", answers, AUDIT_SCALES)
    total = sum(answers)
    zone = 1 + sum(total >= floor for floor in AUDIT_ZONE_FLOORS)
    if _raises_zone(answers):
        zone = min(zone + 1, 4)
    return ScreeningResult(
        tool="audit",
        score=total,
        zone=zone,
        positive=zone >= 2,
        action=AUDIT_ACTIONS[zone],
    )


def score_audit_c(answers: Sequence[int]) -> ScreeningResult:
    """Score the three consumption items of AUDIT (AUDIT-C)."""
    _check_answers("audit_c", answers, AUDIT_C_SCALES)
    total = sum(answers)
    positive = total >= AUDIT_C_POSITIVE_AT
    action = ACTION_FULL_AUDIT_REQUIRED if positive else ACTION_NONE
    return ScreeningResult(tool="audit_c", score=total, zone=None, positive=positive, action=action)


def score_fast(answers: Sequence[int]) -> ScreeningResult:
    """Score the four-item Fast Alcohol Screening Test (FAST)."""
    _check_answers("fast", answers, FAST_SCALES)
    total = sum(answers)
    first = answers[0]
    # The first answer alone settles the result unless it is monthly or less than monthly.
    if first == 0:
        positive = False
    elif first >= 3:
        positive = True
    else:
        positive = total >= FAST_POSITIVE_AT
    action = ACTION_FULL_AUDIT_RECOMMENDED if positive else ACTION_NONE
    return ScreeningResult(tool="fast", score=total, zone=None, positive=positive, action=action)


def intervention_error(result: ScreeningResult, intervention: str | None) -> str | None:
    """Why this intervention cannot be recorded with this result, or None when it can."""
    if not intervention:
        return "Select what was done after the screening."
    if intervention not in INTERVENTIONS:
        return f"Must be one of: {', '.join(INTERVENTIONS)}."
    if result.zone == 4 and intervention not in ZONE_IV_INTERVENTIONS:
        return (
            "An AUDIT in zone IV calls for a referral to a specialist alcohol service: "
            "record referred, or declined if the person refused it."
        )
    return None


def _raises_zone(answers: Sequence[int]) -> bool:
    # Harm or dependence signs (items 4-6 at 2+, or harm in the last year on items 9-10) outweigh
    # a low total, so they move the person up one zone.
    dependence = any(answers[i] >= 2 for i in (3, 4, 5))
    harm = any(answers[i] == 4 for i in (8, 9))
    return dependence or harm


def _check_answers(tool: str, answers: Sequence[int], scales: Sequence[tuple[int, ...]]) -> None:
    name = _NAMES[tool]
    if isinstance(answers, (str, bytes)) or len(answers) != len(scales):
        got = len(answers) if not isinstance(answers, (str, bytes)) else "text"
        raise InvalidAnswers(None, f"{name} needs {len(scales)} answers (got {got}).")
    for item, (answer, scale) in enumerate(zip(answers, scales, strict=True), start=1):
        # bool is an int subclass, but True is not an answer anyone gave.
        if isinstance(answer, bool) or not isinstance(answer, int):
            raise InvalidAnswers(item, f"Item {item} must be a whole number (got {answer!r}).")
        if answer not in scale:
            raise InvalidAnswers(item, f"Item {item} must be {_describe(scale)} (got {answer}).")


def _describe(scale: tuple[int, ...]) -> str:
    if scale == FIVE_POINT:
        return "0 to 4"
    return ", ".join(str(n) for n in scale[:-1]) + f" or {scale[-1]}"
