"""Probation enforcement rules (DESIGN: Referrals, clinical detail, enforcement): pure, no app."""

from __future__ import annotations

from datetime import date

import pytest

# Every kind the code knows, so a new one is judged here too; which count is written out below.
from tracker.pathway.continuity import APPOINTMENT_KINDS
from tracker.pathway.enforcement import (
    ABSENCES,
    BREACH_REVIEW,
    WARNING,
    WARNING_MONTHS,
    breach_action,
    consequence,
    counts,
    is_settled,
    months_before,
    warning_in_force,
)

STAGE_KINDS = ("identified", "arrest", "court", "atr", "custody", "licence", "closed", None)
# Written out here so the test does not trust the code's copy: requirements of an order or a licence.
COUNTING = {
    (appointment, stage)
    for appointment in ("probation", "treatment_assessment", "treatment_session")
    for stage in ("atr", "licence")
}


def test_the_absences_and_the_warning_period_are_as_practised():
    assert ABSENCES == ("acceptable", "unacceptable", "pending")
    assert WARNING_MONTHS == 12


@pytest.mark.parametrize("appointment_kind", APPOINTMENT_KINDS)
@pytest.mark.parametrize("stage_kind", STAGE_KINDS)
def test_only_probation_and_treatment_appointments_of_an_atr_or_licence_count(appointment_kind, stage_kind):
    assert counts(appointment_kind, stage_kind) is ((appointment_kind, stage_kind) in COUNTING)


@pytest.mark.parametrize(
    ("absence", "settled"),
    [("acceptable", True), ("unacceptable", True), ("pending", False), (None, False)],
)
def test_an_absence_is_settled_once_judged(absence, settled):
    assert is_settled(absence) is settled


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2027, 5, 14), 12, date(2026, 5, 14)),
        (date(2027, 1, 31), 1, date(2026, 12, 31)),
        (date(2027, 3, 31), 1, date(2027, 2, 28)),
        (date(2028, 2, 29), 12, date(2027, 2, 28)),
        (date(2028, 3, 31), 1, date(2028, 2, 29)),
        (date(2027, 12, 1), 11, date(2027, 1, 1)),
    ],
)
def test_months_before_counts_calendar_months_and_clamps_to_the_months_end(day, months, expected):
    assert months_before(day, months) == expected


ABSENCE_ON = date(2027, 5, 14)


@pytest.mark.parametrize(
    ("warned_on", "in_force"),
    [
        (date(2026, 5, 14), True),  # exactly 12 months before
        (date(2026, 5, 13), False),  # 12 months and a day
        (date(2026, 11, 1), True),
        (ABSENCE_ON, True),  # the same day
        (date(2027, 5, 15), False),  # a warning after the absence is not in force at it
    ],
    ids=["12 months", "12 months and a day", "6 months", "same day", "day after"],
)
def test_a_warning_is_in_force_for_12_months_inclusive(warned_on, in_force):
    assert warning_in_force(ABSENCE_ON, [warned_on]) == (warned_on if in_force else None)


def test_the_latest_warning_in_force_is_the_one_given():
    warnings = [date(2026, 3, 1), date(2026, 7, 1), date(2027, 1, 2), date(2027, 6, 1)]

    assert warning_in_force(ABSENCE_ON, warnings) == date(2027, 1, 2)


def test_no_warnings_means_none_in_force():
    assert warning_in_force(ABSENCE_ON, []) is None


def test_a_leap_day_absence_looks_back_to_the_28th_of_february():
    assert warning_in_force(date(2028, 2, 29), [date(2027, 2, 28)]) == date(2027, 2, 28)
    assert warning_in_force(date(2028, 2, 29), [date(2027, 2, 27)]) is None


@pytest.mark.parametrize("absence", ["acceptable", "pending", None])
def test_only_an_unacceptable_absence_has_a_consequence(absence):
    assert consequence(absence, "probation", "licence", ABSENCE_ON, []) is None


@pytest.mark.parametrize(
    ("appointment_kind", "stage_kind"),
    [("court_hearing", "atr"), ("court_hearing", "licence"), ("probation", "court"), ("probation", None)],
)
def test_an_absence_that_does_not_count_has_no_consequence(appointment_kind, stage_kind):
    assert consequence("unacceptable", appointment_kind, stage_kind, ABSENCE_ON, []) is None


@pytest.mark.parametrize(
    ("warnings", "expected"),
    [
        ([], WARNING),
        ([date(2026, 5, 13)], WARNING),  # the old warning has lapsed
        ([date(2026, 5, 14)], BREACH_REVIEW),
        ([date(2027, 2, 1)], BREACH_REVIEW),
    ],
    ids=["first", "after a lapsed warning", "12 months after a warning", "within 12 months"],
)
def test_an_unacceptable_counting_absence_warns_first_then_calls_for_a_breach_review(warnings, expected):
    assert consequence("unacceptable", "treatment_session", "atr", ABSENCE_ON, warnings) == expected


@pytest.mark.parametrize(("stage_kind", "action"), [("licence", "recall"), ("atr", "breach")])
def test_a_breach_review_on_licence_considers_recall(stage_kind, action):
    assert action in breach_action(stage_kind)
