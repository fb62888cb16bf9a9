"""Stage kinds, the transition table and the ATR validity rules (DESIGN: Domain, Rules)."""

from datetime import date, timedelta
from typing import Any

import pytest

from tracker.pathway.stages import (
    KINDS,
    TRANSITIONS,
    AtrLimits,
    StageDateRefused,
    TransitionRefused,
    allowed_next,
    atr_errors,
    check_start_on,
    check_transition,
    expected_end_on,
    opens_new_pathway,
)

# The table from DESIGN, written out again so a change to TRANSITIONS fails here.
DESIGN_TABLE: dict[str | None, set[str]] = {
    None: {"identified", "arrest", "court", "atr", "custody", "licence"},
    "identified": {"arrest", "closed"},
    "arrest": {"court", "closed"},
    "court": {"atr", "custody", "closed"},
    "atr": {"court", "custody", "closed"},
    "custody": {"court", "licence", "closed"},
    "licence": {"custody", "closed"},
    "closed": {"identified", "arrest", "court", "atr", "custody", "licence"},
}
EVERY_PAIR = [(current, kind) for current in DESIGN_TABLE for kind in KINDS]

START = date(2026, 3, 1)
DAY = timedelta(days=1)


@pytest.mark.parametrize(("current", "kind"), EVERY_PAIR)
def test_a_stage_may_follow_only_the_kinds_design_allows(current: str | None, kind: str) -> None:
    if kind in DESIGN_TABLE[current]:
        check_transition(current, kind)
        return
    with pytest.raises(TransitionRefused) as refused:
        check_transition(current, kind)
    assert refused.value.current == current
    assert refused.value.kind == kind
    assert set(refused.value.allowed) == DESIGN_TABLE[current]
    for allowed in DESIGN_TABLE[current]:
        assert allowed in str(refused.value)


def test_the_transition_table_is_the_one_in_design() -> None:
    assert set(TRANSITIONS) == set(KINDS)
    for current, kinds in TRANSITIONS.items():
        expected = set() if current == "closed" else DESIGN_TABLE[current]
        assert set(kinds) == expected


def test_a_refusal_says_what_may_follow_in_plain_words() -> None:
    with pytest.raises(TransitionRefused) as refused:
        check_transition("arrest", "custody")
    assert str(refused.value) == ("A custody stage cannot follow arrest. Allowed next: court, closed.")


def test_a_pathway_cannot_open_with_a_closed_stage() -> None:
    with pytest.raises(TransitionRefused) as refused:
        check_transition(None, "closed")
    assert str(refused.value) == (
        "A pathway cannot start with a closed stage. "
        "Allowed first: identified, arrest, court, atr, custody, licence."
    )


@pytest.mark.parametrize("current", [None, "closed"])
def test_with_no_open_pathway_any_kind_but_closed_may_start_one(
    current: str | None,
) -> None:
    assert allowed_next(current) == (
        "identified",
        "arrest",
        "court",
        "atr",
        "custody",
        "licence",
    )
    assert opens_new_pathway(current)


@pytest.mark.parametrize("current", [k for k in KINDS if k != "closed"])
def test_a_stage_after_an_open_one_continues_the_same_pathway(current: str) -> None:
    assert not opens_new_pathway(current)
    assert allowed_next(current) == TRANSITIONS[current]


def test_an_unknown_kind_is_a_value_error_not_a_refusal() -> None:
    with pytest.raises(ValueError, match="prison"):
        check_transition("court", "prison")


def test_an_unknown_current_kind_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="prison"):
        check_transition("prison", "closed")


def test_a_stage_may_not_start_the_day_before_the_previous_one_started() -> None:
    with pytest.raises(StageDateRefused) as refused:
        check_start_on(START, START - DAY)
    assert refused.value.field == "start_on"
    assert "2026-03-01" in str(refused.value)


@pytest.mark.parametrize("start_on", [START, START + DAY])
def test_a_stage_may_start_on_or_after_the_day_the_previous_one_started(
    start_on: date,
) -> None:
    check_start_on(START, start_on)


def test_a_first_stage_may_start_on_any_day() -> None:
    check_start_on(None, date(1990, 1, 1))


@pytest.mark.parametrize(
    ("kind", "fields", "expected"),
    [
        ("atr", {"atr_end_on": date(2027, 3, 1)}, date(2027, 3, 1)),
        ("licence", {"supervision_end_on": date(2027, 6, 1)}, date(2027, 6, 1)),
        ("atr", {}, None),
        ("custody", {"supervision_end_on": date(2027, 6, 1)}, None),
        ("court", {}, None),
        ("closed", {}, None),
    ],
)
def test_only_atr_and_licence_stages_know_their_expected_end(
    kind: str, fields: dict[str, Any], expected: date | None
) -> None:
    assert expected_end_on(kind, fields) == expected


# ATR validity (Sentencing Act 2020 Sch 9 paras 23-24)


def community_order(**overrides: Any) -> dict[str, Any]:
    fields = {
        "order_type": "community_order",
        "order_end_on": date(2027, 3, 1),
        "atr_end_on": date(2026, 9, 1),
        "treatment_team_id": 7,
        "dependency_assessed": True,
        "consent_recorded": True,
    }
    return fields | overrides


def suspended_sentence(**overrides: Any) -> dict[str, Any]:
    fields = {
        "order_type": "suspended_sentence",
        "operational_end_on": date(2028, 3, 1),
        "supervision_end_on": date(2027, 3, 1),
        "atr_end_on": date(2026, 9, 1),
        "treatment_team_id": 7,
        "dependency_assessed": True,
        "consent_recorded": True,
    }
    return fields | overrides


def test_a_complete_community_order_is_valid() -> None:
    assert atr_errors(community_order(), START) == {}


def test_a_complete_suspended_sentence_order_is_valid() -> None:
    assert atr_errors(suspended_sentence(), START) == {}


@pytest.mark.parametrize(
    ("field", "missing", "says"),
    [
        ("dependency_assessed", False, "An ATR needs a dependency assessment"),
        ("consent_recorded", False, "consent"),
        ("treatment_team_id", None, "treatment arranged"),
    ],
)
def test_an_atr_is_refused_without_assessment_consent_or_treatment(
    field: str, missing: Any, says: str
) -> None:
    errors = atr_errors(community_order(**{field: missing}), START)
    assert list(errors) == [field]
    assert says in errors[field]


def test_an_atr_with_nothing_recorded_lists_every_problem() -> None:
    errors = atr_errors({"order_type": "community_order"}, START)
    assert set(errors) == {
        "dependency_assessed",
        "consent_recorded",
        "treatment_team_id",
        "order_end_on",
        "atr_end_on",
    }


def test_an_unknown_order_type_is_an_error_on_order_type() -> None:
    errors = atr_errors(community_order(order_type="youth_rehabilitation"), START)
    assert list(errors) == ["order_type"]


def test_a_date_field_holding_text_is_named_as_not_a_date() -> None:
    errors = atr_errors(community_order(atr_end_on="2026-09-01"), START)
    assert errors == {"atr_end_on": "The ATR end date must be a date."}


def test_a_community_order_may_end_exactly_36_months_after_it_starts() -> None:
    assert atr_errors(community_order(order_end_on=date(2029, 3, 1)), START) == {}


def test_a_community_order_may_not_end_a_day_after_36_months() -> None:
    errors = atr_errors(community_order(order_end_on=date(2029, 3, 2)), START)
    assert errors == {
        "order_end_on": ("A community order ends at most 36 months after it starts (latest 2029-03-01).")
    }


def test_a_community_order_from_29_february_ends_by_28_february() -> None:
    start = date(2024, 2, 29)
    assert atr_errors(community_order(order_end_on=date(2027, 2, 28)), start) == {}
    errors = atr_errors(community_order(order_end_on=date(2027, 3, 1)), start)
    assert "latest 2027-02-28" in errors["order_end_on"]


def test_a_community_order_may_not_end_before_it_starts() -> None:
    fields = community_order(order_end_on=START - DAY, atr_end_on=START)
    assert set(atr_errors(fields, START)) == {"order_end_on", "atr_end_on"}


def test_the_community_order_limit_comes_from_config() -> None:
    longer = AtrLimits(community_order_max_months=48)
    assert atr_errors(community_order(order_end_on=date(2030, 3, 1)), START, longer) == {}


def test_a_community_order_needs_its_end_date() -> None:
    errors = atr_errors(community_order(order_end_on=None), START)
    assert errors == {"order_end_on": "The order end date is required."}


@pytest.mark.parametrize(
    ("atr_end_on", "valid"),
    [
        (date(2027, 2, 28), True),
        (date(2027, 3, 1), True),
        (date(2027, 3, 2), False),
    ],
)
def test_an_atr_may_not_end_after_its_community_order(atr_end_on: date, valid: bool) -> None:
    errors = atr_errors(community_order(atr_end_on=atr_end_on), START)
    assert (errors == {}) is valid
    if not valid:
        assert errors == {"atr_end_on": "The ATR cannot end after the order ends (2027-03-01)."}


@pytest.mark.parametrize(
    ("atr_end_on", "valid"),
    [(START - DAY, False), (START, True), (START + DAY, True)],
)
def test_an_atr_may_not_end_before_it_starts(atr_end_on: date, valid: bool) -> None:
    errors = atr_errors(community_order(atr_end_on=atr_end_on), START)
    assert ("atr_end_on" not in errors) is valid


def test_an_atr_needs_its_end_date() -> None:
    errors = atr_errors(community_order(atr_end_on=None), START)
    assert errors == {"atr_end_on": "The ATR end date is required."}


@pytest.mark.parametrize(
    ("supervision_end_on", "valid"),
    [
        (date(2026, 8, 31), False),  # 6 months less a day
        (date(2026, 9, 1), True),  # exactly 6 months
        (date(2028, 3, 1), True),  # exactly 24 months
        (date(2028, 3, 2), False),  # 24 months and a day
    ],
)
def test_a_suspended_sentence_supervision_period_is_6_to_24_months(
    supervision_end_on: date, valid: bool
) -> None:
    fields = suspended_sentence(
        supervision_end_on=supervision_end_on,
        operational_end_on=date(2028, 3, 1),
        atr_end_on=START,
    )
    errors = atr_errors(fields, START)
    assert (errors == {}) is valid
    if not valid:
        assert list(errors) == ["supervision_end_on"]


def test_a_short_supervision_period_names_the_earliest_end() -> None:
    fields = suspended_sentence(supervision_end_on=date(2026, 8, 31), atr_end_on=START)
    assert atr_errors(fields, START) == {
        "supervision_end_on": (
            "The supervision period ends at least 6 months after it starts (earliest 2026-09-01)."
        )
    }


@pytest.mark.parametrize(
    ("operational_end_on", "valid"),
    [
        (date(2026, 8, 31), False),
        (date(2026, 9, 1), True),
        (date(2028, 3, 1), True),
        (date(2028, 3, 2), False),
    ],
)
def test_a_suspended_sentence_operational_period_is_6_to_24_months(
    operational_end_on: date, valid: bool
) -> None:
    fields = suspended_sentence(
        operational_end_on=operational_end_on,
        supervision_end_on=date(2026, 9, 1),
        atr_end_on=START,
    )
    # A too-short operational period also ends before any lawful supervision period.
    assert ("operational_end_on" not in atr_errors(fields, START)) is valid


@pytest.mark.parametrize(
    ("supervision_end_on", "valid"),
    [(date(2027, 2, 28), True), (date(2027, 3, 1), True), (date(2027, 3, 2), False)],
)
def test_supervision_may_not_outlast_the_operational_period(supervision_end_on: date, valid: bool) -> None:
    fields = suspended_sentence(operational_end_on=date(2027, 3, 1), supervision_end_on=supervision_end_on)
    errors = atr_errors(fields, START)
    assert (errors == {}) is valid
    if not valid:
        assert errors == {
            "supervision_end_on": (
                "The supervision period cannot end after the operational period (2027-03-01)."
            )
        }


def test_the_suspended_sentence_limits_come_from_config() -> None:
    longer = AtrLimits(sso_supervision_max_months=36, sso_operational_max_months=36)
    fields = suspended_sentence(operational_end_on=date(2029, 3, 1), supervision_end_on=date(2029, 3, 1))
    assert atr_errors(fields, START, longer) == {}
    assert set(atr_errors(fields, START)) == {
        "operational_end_on",
        "supervision_end_on",
    }


def test_a_suspended_sentence_needs_both_period_ends() -> None:
    fields = suspended_sentence(operational_end_on=None, supervision_end_on=None)
    errors = atr_errors(fields, START)
    assert errors == {
        "operational_end_on": "The operational period end date is required.",
        "supervision_end_on": "The supervision period end date is required.",
    }


def test_a_suspended_sentence_order_ends_with_its_operational_period() -> None:
    same = suspended_sentence(order_end_on=date(2028, 3, 1))
    assert atr_errors(same, START) == {}
    different = suspended_sentence(order_end_on=date(2027, 12, 1))
    assert list(atr_errors(different, START)) == ["order_end_on"]


@pytest.mark.parametrize(
    ("atr_end_on", "valid"),
    [(date(2027, 2, 28), True), (date(2027, 3, 1), True), (date(2027, 3, 2), False)],
)
def test_an_atr_on_a_suspended_sentence_ends_within_supervision(atr_end_on: date, valid: bool) -> None:
    errors = atr_errors(suspended_sentence(atr_end_on=atr_end_on), START)
    assert (errors == {}) is valid
    if not valid:
        assert errors == {
            "atr_end_on": ("The ATR cannot end after the supervision period ends (2027-03-01).")
        }


def test_an_atr_on_a_suspended_sentence_may_not_outlast_the_operational_period() -> None:
    fields = suspended_sentence(
        operational_end_on=date(2027, 3, 1),
        supervision_end_on=date(2027, 3, 1),
        atr_end_on=date(2027, 3, 2),
    )
    assert atr_errors(fields, START) == {
        "atr_end_on": "The ATR cannot end after the order ends (2027-03-01)."
    }
