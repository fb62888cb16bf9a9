"""tracker/pathway/bounds.py: the first and last day each kind of date may be (pure, no app)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tracker.pathway.bounds import BIRTH, CEILING, FAR, NEAR, DateBound, years_after

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    ("bound", "earliest", "latest"),
    [
        pytest.param(BIRTH, date(1900, 1, 1), TODAY, id="date of birth: 1900 to today"),
        pytest.param(NEAR, date(2000, 1, 1), date(2031, 11, 30), id="stages and appointments: to today + 5y"),
        pytest.param(FAR, date(2000, 1, 1), date(2150, 12, 31), id="release dates and order ends: to 2150"),
    ],
)
def test_each_bound_takes_its_first_and_last_day_and_refuses_the_day_beyond(bound, earliest, latest):
    assert bound.error(earliest, TODAY) is None
    assert bound.error(latest, TODAY) is None
    assert bound.error(earliest - timedelta(days=1), TODAY) == f"Cannot be before {earliest.isoformat()}."
    assert bound.error(latest + timedelta(days=1), TODAY) == f"Cannot be after {latest.isoformat()}."


@pytest.mark.parametrize("bound", [BIRTH, NEAR, FAR], ids=["birth", "near", "far"])
def test_no_bound_reaches_past_the_ceiling_whatever_today_is(bound):
    assert bound.latest(date(2199, 6, 1)) <= CEILING
    assert bound.error(date.max, TODAY) is not None


def test_a_bound_too_generous_is_cut_at_the_ceiling():
    assert DateBound(date(2000, 1, 1), latest_on=date(9999, 12, 31)).latest(TODAY) == CEILING
    assert DateBound(date(2000, 1, 1), years_ahead=500).latest(TODAY) == CEILING


def test_the_ceiling_leaves_room_for_every_offset_the_rules_add():
    # A year of days either way (P-84, A+21, reminders) never overflows a date at the ceiling.
    assert CEILING + timedelta(days=366) < date.max


def test_today_plus_five_years_from_a_leap_day_is_the_28th_of_february():
    assert years_after(date(2028, 2, 29), 5) == date(2033, 2, 28)
    assert NEAR.latest(date(2028, 2, 29)) == date(2033, 2, 28)


def test_the_near_bound_moves_with_today():
    assert NEAR.error(date(2031, 12, 1), TODAY) is not None
    assert NEAR.error(date(2031, 12, 1), date(2026, 12, 1)) is None


@pytest.mark.parametrize(
    ("bound", "words"),
    [
        (BIRTH, "From 1900-01-01 to today."),
        (NEAR, "From 2000-01-01 to today + 5 years."),
        (FAR, "From 2000-01-01 to 2150-12-31."),
    ],
)
def test_each_bound_says_itself_in_words_for_the_openapi_document(bound, words):
    assert bound.describe() == words
