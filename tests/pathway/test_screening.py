"""AUDIT, AUDIT-C and FAST scoring (DESIGN: Screening; WHO AUDIT manual)."""

from collections.abc import Sequence
from typing import Any

import pytest

from tracker.pathway.screening import (
    AUDIT_C_SCALES,
    AUDIT_SCALES,
    FAST_SCALES,
    INTERVENTIONS,
    TOOL_QUESTIONS,
    TOOLS,
    InvalidAnswers,
    ScreeningResult,
    intervention_error,
    score,
    score_audit,
    score_audit_c,
    score_fast,
)

# Items whose answers never raise the zone, in the order they are filled.
NEUTRAL_ITEMS = (0, 1, 2, 6, 7)


def audit_answers(total: int, **raised: int) -> list[int]:
    """Ten AUDIT answers adding up to `total` with no zone-raising item, then `raised` applied."""
    answers = [0] * 10
    for name, value in raised.items():
        answers[int(name.removeprefix("item")) - 1] = value
    remaining = total - sum(answers)
    for index in NEUTRAL_ITEMS:
        answers[index] = min(4, remaining)
        remaining -= answers[index]
    assert remaining == 0 and sum(answers) == total
    return answers


@pytest.mark.parametrize(
    ("total", "zone"),
    [(0, 1), (7, 1), (8, 2), (15, 2), (16, 3), (19, 3), (20, 4), (40, 4)],
)
def test_an_audit_total_falls_in_its_zone(total: int, zone: int) -> None:
    answers = [4] * 10 if total == 40 else audit_answers(total)
    result = score_audit(answers)
    assert (result.score, result.zone) == (total, zone)
    assert result.positive is (zone >= 2)


@pytest.mark.parametrize(
    ("zone", "action"),
    [
        (1, "Alcohol education"),
        (2, "Simple advice"),
        (3, "Simple advice plus brief counselling and continued monitoring"),
        (4, "Referral to specialist for diagnostic evaluation and treatment"),
    ],
)
def test_each_audit_zone_has_its_action(zone: int, action: str) -> None:
    total = {1: 0, 2: 8, 3: 16, 4: 20}[zone]
    assert score_audit(audit_answers(total)).action == action


@pytest.mark.parametrize("item", ["item4", "item5", "item6"])
def test_a_dependence_item_at_2_raises_the_zone(item: str) -> None:
    result = score_audit(audit_answers(2, **{item: 2}))
    assert (result.score, result.zone, result.positive) == (2, 2, True)
    assert result.action == "Simple advice"


@pytest.mark.parametrize("item", ["item4", "item5", "item6"])
def test_a_dependence_item_at_1_leaves_the_zone(item: str) -> None:
    assert score_audit(audit_answers(1, **{item: 1})).zone == 1


@pytest.mark.parametrize("item", ["item9", "item10"])
def test_harm_in_the_last_year_raises_the_zone(item: str) -> None:
    result = score_audit(audit_answers(4, **{item: 4}))
    assert (result.score, result.zone) == (4, 2)


@pytest.mark.parametrize("item", ["item9", "item10"])
def test_harm_not_in_the_last_year_leaves_the_zone(item: str) -> None:
    assert score_audit(audit_answers(2, **{item: 2})).zone == 1


def test_a_raised_zone_iii_becomes_zone_iv() -> None:
    result = score_audit(audit_answers(16, item5=2))
    assert result.zone == 4
    assert result.action.startswith("Referral to specialist")


def test_a_raised_zone_iv_stays_zone_iv() -> None:
    assert score_audit(audit_answers(20, item9=4, item4=3)).zone == 4


@pytest.mark.parametrize(
    ("answers", "total", "positive"),
    [
        ([4, 0, 0], 4, False),
        ([2, 2, 1], 5, True),
        ([4, 4, 4], 12, True),
        ([0, 0, 0], 0, False),
    ],
)
def test_audit_c_is_positive_at_5_or_more(answers: list[int], total: int, positive: bool) -> None:
    result = score_audit_c(answers)
    assert (result.score, result.positive, result.zone) == (total, positive, None)
    expected = "Full AUDIT required" if positive else "No further screening needed"
    assert result.action == expected


@pytest.mark.parametrize(
    ("answers", "positive"),
    [
        ([0, 4, 4, 4], False),  # never: negative whatever follows
        ([0, 0, 0, 0], False),
        ([3, 0, 0, 0], True),  # weekly: positive on its own
        ([4, 0, 0, 0], True),  # daily
        ([1, 1, 0, 0], False),  # less than monthly, total 2
        ([1, 2, 0, 0], True),  # total 3
        ([2, 0, 0, 0], False),  # monthly, total 2
        ([2, 1, 0, 0], True),
        ([1, 0, 0, 2], True),  # the last item scores 0, 2 or 4 as AUDIT question 10
    ],
)
def test_fast_is_settled_by_its_first_answer_or_by_a_total_of_3(answers: list[int], positive: bool) -> None:
    result = score_fast(answers)
    assert (result.positive, result.zone, result.score) == (
        positive,
        None,
        sum(answers),
    )
    expected = "Full AUDIT recommended" if positive else "No further screening needed"
    assert result.action == expected


@pytest.mark.parametrize(
    ("tool", "answers", "scorer"),
    [
        ("audit", [1] * 8 + [2, 2], score_audit),
        ("audit_c", [1, 2, 3], score_audit_c),
        ("fast", [1, 1, 1, 0], score_fast),
    ],
)
def test_score_uses_the_named_tool(tool: str, answers: list[int], scorer: Any) -> None:
    result = score(tool, answers)
    assert isinstance(result, ScreeningResult)
    assert result.tool == tool
    assert result == scorer(answers)


def test_the_tools_are_audit_audit_c_and_fast() -> None:
    assert TOOLS == ("audit", "audit_c", "fast")


def test_an_unknown_tool_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="cage"):
        score("cage", [0, 0, 0, 0])


def with_answer(answers: Sequence[Any], item: int, value: Any) -> list[Any]:
    changed = list(answers)
    changed[item - 1] = value
    return changed


@pytest.mark.parametrize(
    ("tool", "answers", "item", "message"),
    [
        ("audit", with_answer([0] * 10, 1, 5), 1, "Item 1 must be 0 to 4 (got 5)."),
        ("audit", with_answer([0] * 10, 8, -1), 8, "Item 8 must be 0 to 4 (got -1)."),
        ("audit", with_answer([0] * 10, 9, 1), 9, "Item 9 must be 0, 2 or 4 (got 1)."),
        ("audit", with_answer([0] * 10, 9, 3), 9, "Item 9 must be 0, 2 or 4 (got 3)."),
        (
            "audit",
            with_answer([0] * 10, 10, 1),
            10,
            "Item 10 must be 0, 2 or 4 (got 1).",
        ),
        (
            "audit",
            with_answer([0] * 10, 10, 3),
            10,
            "Item 10 must be 0, 2 or 4 (got 3).",
        ),
        (
            "audit",
            with_answer([0] * 10, 10, 5),
            10,
            "Item 10 must be 0, 2 or 4 (got 5).",
        ),
        (
            "audit",
            with_answer([0] * 10, 3, True),
            3,
            "Item 3 must be a whole number (got True).",
        ),
        (
            "audit",
            with_answer([0] * 10, 2, 2.0),
            2,
            "Item 2 must be a whole number (got 2.0).",
        ),
        (
            "audit",
            with_answer([0] * 10, 5, "2"),
            5,
            "Item 5 must be a whole number (got '2').",
        ),
        (
            "audit",
            with_answer([0] * 10, 6, None),
            6,
            "Item 6 must be a whole number (got None).",
        ),
        ("audit_c", [0, 0, 5], 3, "Item 3 must be 0 to 4 (got 5)."),
        ("audit_c", [False, 0, 0], 1, "Item 1 must be a whole number (got False)."),
        ("fast", [0, 0, 0, 1], 4, "Item 4 must be 0, 2 or 4 (got 1)."),
        ("fast", [0, 0, 0, 3], 4, "Item 4 must be 0, 2 or 4 (got 3)."),
        ("fast", [5, 0, 0, 0], 1, "Item 1 must be 0 to 4 (got 5)."),
        ("fast", [0, 0, 0, True], 4, "Item 4 must be a whole number (got True)."),
    ],
)
def test_an_answer_outside_its_scale_is_refused_naming_the_item(
    tool: str, answers: list[Any], item: int, message: str
) -> None:
    with pytest.raises(InvalidAnswers) as refused:
        score(tool, answers)
    assert refused.value.item == item
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("tool", "answers", "message"),
    [
        ("audit", [0] * 7, "AUDIT needs 10 answers (got 7)."),
        ("audit", [0] * 11, "AUDIT needs 10 answers (got 11)."),
        ("audit", [], "AUDIT needs 10 answers (got 0)."),
        ("audit_c", [0] * 10, "AUDIT-C needs 3 answers (got 10)."),
        ("fast", [0, 0, 0], "FAST needs 4 answers (got 3)."),
        ("fast", "0000", "FAST needs 4 answers (got text)."),
    ],
)
def test_the_wrong_number_of_answers_is_refused_with_no_item(
    tool: str, answers: list[int], message: str
) -> None:
    with pytest.raises(InvalidAnswers) as refused:
        score(tool, answers)
    assert refused.value.item is None
    assert str(refused.value) == message


def test_fast_checks_every_answer_even_after_a_first_answer_of_never() -> None:
    with pytest.raises(InvalidAnswers) as refused:
        score_fast([0, 0, 9, 0])
    assert refused.value.item == 3


# What was done after a screening (OHID identification and brief advice)


def test_the_interventions_are_those_recorded_in_practice() -> None:
    assert INTERVENTIONS == ("education", "simple_advice", "brief_intervention", "referred", "declined")


@pytest.mark.parametrize("intervention", INTERVENTIONS)
@pytest.mark.parametrize("total", [0, 7, 8, 15, 16, 19])
def test_below_zone_iv_every_intervention_is_accepted(total: int, intervention: str) -> None:
    result = score_audit(audit_answers(total))
    assert result.zone is not None and result.zone < 4
    assert intervention_error(result, intervention) is None


ZONE_IV_ACCEPTS = {"education": False, "simple_advice": False, "brief_intervention": False}
ZONE_IV_ACCEPTS |= {"referred": True, "declined": True}


@pytest.mark.parametrize(("intervention", "accepted"), ZONE_IV_ACCEPTS.items())
@pytest.mark.parametrize(
    "answers",
    [audit_answers(20), [4] * 10, audit_answers(16, item5=2)],
    ids=["total 20", "total 40", "zone III raised"],
)
def test_zone_iv_accepts_only_a_referral_or_a_refusal(
    answers: list[int], intervention: str, accepted: bool
) -> None:
    result = score_audit(answers)
    assert result.zone == 4
    error = intervention_error(result, intervention)
    assert (error is None) is accepted
    if not accepted:
        assert "referred" in str(error) and "declined" in str(error)


@pytest.mark.parametrize("intervention", INTERVENTIONS)
@pytest.mark.parametrize(
    ("tool", "answers"), [("audit_c", [4, 4, 4]), ("fast", [4, 4, 4, 4]), ("audit_c", [0, 0, 0])]
)
def test_audit_c_and_fast_accept_every_intervention(tool: str, answers: list[int], intervention: str) -> None:
    assert intervention_error(score(tool, answers), intervention) is None


@pytest.mark.parametrize("intervention", [None, "", "counselling", "REFERRED"])
def test_a_missing_or_unknown_intervention_is_refused(intervention: Any) -> None:
    assert intervention_error(score_audit([0] * 10), intervention)


@pytest.mark.parametrize(
    ("tool", "scales"), [("audit", AUDIT_SCALES), ("audit_c", AUDIT_C_SCALES), ("fast", FAST_SCALES)]
)
def test_each_tool_asks_audit_questions_on_their_own_scales(tool: str, scales: Any) -> None:
    questions = TOOL_QUESTIONS[tool]
    assert tuple(AUDIT_SCALES[q - 1] for q in questions) == tuple(scales)
    assert TOOL_QUESTIONS["fast"] == (3, 5, 8, 10) and TOOL_QUESTIONS["audit_c"] == (1, 2, 3)
