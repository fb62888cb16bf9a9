"""Working days, bank holidays and release-date flags (DESIGN: Rules with their numbers)."""

from datetime import date

import pytest

from tracker.pathway.dates import (
    RELEASE_DATE_KINDS,
    ReleaseFlags,
    add_months,
    add_working_days,
    community_responsibility_on,
    earliest_release_on,
    friday_release,
    is_bank_holiday,
    is_working_day,
    next_working_day,
    non_working_day_release,
    official_release_on,
    previous_working_day,
    release_flags,
)

# England and Wales bank holidays, as published on gov.uk.
GOOD_FRIDAY_2027 = date(2027, 3, 26)
EASTER_MONDAY_2027 = date(2027, 3, 29)
EARLY_MAY_2027 = date(2027, 5, 3)
CHRISTMAS_2026 = date(2026, 12, 25)  # a Friday
BOXING_DAY_2026_SUBSTITUTE = date(2026, 12, 28)  # Monday, as 26 December is a Saturday

ORDINARY_THURSDAY = date(2027, 4, 22)
ORDINARY_FRIDAY = date(2027, 4, 23)
ORDINARY_SATURDAY = date(2027, 4, 24)
ORDINARY_MONDAY = date(2027, 4, 26)


@pytest.mark.parametrize(
    "day",
    [
        GOOD_FRIDAY_2027,
        EASTER_MONDAY_2027,
        EARLY_MAY_2027,
        CHRISTMAS_2026,
        BOXING_DAY_2026_SUBSTITUTE,
    ],
)
def test_england_bank_holidays_are_neither_bank_nor_working_days(day: date) -> None:
    assert is_bank_holiday(day)
    assert not is_working_day(day)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2027, 3, 25), True),  # Maundy Thursday
        (date(2027, 3, 27), False),  # Saturday
        (date(2027, 3, 28), False),  # Easter Sunday
        (date(2027, 3, 30), True),  # Tuesday after Easter
        (date(2026, 12, 24), True),  # Christmas Eve is not a bank holiday
        (date(2026, 12, 29), True),
        (ORDINARY_FRIDAY, True),
        (ORDINARY_SATURDAY, False),
        (date(2027, 4, 25), False),  # Sunday
    ],
)
def test_a_working_day_is_monday_to_friday_and_not_a_bank_holiday(day: date, working: bool) -> None:
    assert is_working_day(day) is working


def test_a_scottish_only_holiday_is_a_working_day_in_england() -> None:
    assert is_working_day(date(2027, 1, 4))  # 2 January substitute, Scotland only


@pytest.mark.parametrize(
    ("day", "previous"),
    [
        (date(2027, 3, 30), date(2027, 3, 25)),  # over the Easter weekend
        (EASTER_MONDAY_2027, date(2027, 3, 25)),
        (GOOD_FRIDAY_2027, date(2027, 3, 25)),
        (date(2026, 12, 29), date(2026, 12, 24)),  # over Christmas 2026
        (BOXING_DAY_2026_SUBSTITUTE, date(2026, 12, 24)),
        (date(2027, 5, 4), date(2027, 4, 30)),  # over Early May
        (ORDINARY_FRIDAY, ORDINARY_THURSDAY),  # strictly before, even on a working day
        (ORDINARY_MONDAY, ORDINARY_FRIDAY),
    ],
)
def test_the_previous_working_day_skips_weekends_and_holidays(day: date, previous: date) -> None:
    assert previous_working_day(day) == previous


@pytest.mark.parametrize(
    ("day", "following"),
    [
        (date(2027, 3, 25), date(2027, 3, 30)),
        (GOOD_FRIDAY_2027, date(2027, 3, 30)),
        (date(2026, 12, 24), date(2026, 12, 29)),
        (CHRISTMAS_2026, date(2026, 12, 29)),
        (date(2027, 4, 30), date(2027, 5, 4)),
        (ORDINARY_THURSDAY, ORDINARY_FRIDAY),  # strictly after, even on a working day
        (ORDINARY_FRIDAY, ORDINARY_MONDAY),
    ],
)
def test_the_next_working_day_skips_weekends_and_holidays(day: date, following: date) -> None:
    assert next_working_day(day) == following


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (ORDINARY_FRIDAY, 0, ORDINARY_FRIDAY),
        (ORDINARY_FRIDAY, 1, ORDINARY_MONDAY),
        (ORDINARY_THURSDAY, 1, ORDINARY_FRIDAY),
        (date(2027, 4, 30), 1, date(2027, 5, 4)),  # Friday before Early May
        (date(2026, 12, 24), 2, date(2026, 12, 30)),
        (date(2027, 3, 24), 2, date(2027, 3, 30)),  # Wednesday before Easter
        (date(2027, 3, 25), 10, date(2027, 4, 12)),
    ],
)
def test_working_days_are_counted_from_the_next_day(day: date, n: int, expected: date) -> None:
    assert add_working_days(day, n) == expected


def test_a_negative_number_of_working_days_is_refused() -> None:
    with pytest.raises(ValueError):
        add_working_days(ORDINARY_FRIDAY, -1)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 1), 36, date(2029, 3, 1)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # clamped to the month's end
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 10, 31), -8, date(2026, 2, 28)),
        (date(2026, 3, 31), -8, date(2025, 7, 31)),
        (date(2026, 3, 1), 0, date(2026, 3, 1)),
    ],
)
def test_months_are_added_by_the_calendar_and_clamped(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


CRD = date(2027, 6, 10)
ARD = date(2027, 6, 3)
PED = date(2027, 9, 1)
CONFIRMED = date(2027, 6, 2)


def test_release_date_kinds_are_the_imported_ones() -> None:
    assert RELEASE_DATE_KINDS == (
        "crd",
        "ard",
        "ped",
        "hdced",
        "led",
        "sed",
        "confirmed",
    )


@pytest.mark.parametrize(
    ("dates", "erd"),
    [
        ({"crd": CRD, "ard": ARD, "ped": PED, "confirmed": CONFIRMED}, CONFIRMED),
        ({"crd": CRD, "ard": ARD, "ped": PED}, PED),  # PED even when later
        ({"crd": CRD, "ard": ARD}, ARD),
        ({"crd": ARD, "ard": CRD}, ARD),
        ({"crd": CRD}, CRD),
        ({"ard": ARD, "crd": None, "ped": None}, ARD),
        ({"hdced": ARD, "led": CRD, "sed": PED}, None),
        ({}, None),
    ],
)
def test_the_earliest_release_date_takes_confirmed_then_ped_then_crd_or_ard(
    dates: dict[str, date | None], erd: date | None
) -> None:
    assert earliest_release_on(dates) == erd


def test_the_official_release_date_ignores_the_confirmed_one() -> None:
    assert official_release_on({"crd": CRD, "confirmed": CONFIRMED}) == CRD
    assert official_release_on({"confirmed": CONFIRMED}) is None


@pytest.mark.parametrize(
    ("dates", "flagged"),
    [
        ({"crd": ORDINARY_FRIDAY}, False),
        ({"crd": ORDINARY_SATURDAY}, True),
        ({"crd": GOOD_FRIDAY_2027}, True),
        ({"crd": GOOD_FRIDAY_2027, "confirmed": date(2027, 3, 25)}, False),
        ({"crd": date(2027, 3, 27), "confirmed": date(2027, 3, 25)}, False),
        ({"crd": date(2027, 3, 27), "confirmed": GOOD_FRIDAY_2027}, True),
        ({"crd": date(2027, 3, 27), "confirmed": date(2027, 3, 24)}, True),
        ({"crd": BOXING_DAY_2026_SUBSTITUTE, "confirmed": date(2026, 12, 24)}, False),
        ({"crd": BOXING_DAY_2026_SUBSTITUTE, "confirmed": date(2026, 12, 23)}, True),
        ({"crd": EARLY_MAY_2027, "confirmed": date(2027, 4, 30)}, False),
        ({"crd": ORDINARY_FRIDAY, "confirmed": ORDINARY_SATURDAY}, True),
        ({"crd": ORDINARY_SATURDAY, "ped": ORDINARY_FRIDAY}, False),  # PED decides
        ({"hdced": ORDINARY_SATURDAY, "sed": ORDINARY_SATURDAY}, False),
        ({}, False),
    ],
)
def test_a_non_working_day_release_is_flagged_unless_moved_to_the_day_before(
    dates: dict[str, date | None], flagged: bool
) -> None:
    assert non_working_day_release(dates) is flagged


@pytest.mark.parametrize(
    ("confirmed", "flagged"),
    [
        (ORDINARY_FRIDAY, True),
        (ORDINARY_THURSDAY, False),
        (date(2027, 3, 25), True),  # the day before Good Friday
        (date(2027, 3, 24), False),
        (date(2026, 12, 24), True),  # the day before Christmas
        (date(2027, 5, 2), True),  # the Sunday before Early May
        (date(2027, 5, 4), False),
    ],
)
def test_a_confirmed_friday_or_pre_holiday_release_is_flagged_for_alcohol_need(
    confirmed: date, flagged: bool
) -> None:
    assert friday_release({"confirmed": confirmed}, alcohol_need=True) is flagged


@pytest.mark.parametrize("confirmed", [ORDINARY_FRIDAY, date(2027, 3, 25)])
def test_a_friday_release_is_not_flagged_without_an_alcohol_need(
    confirmed: date,
) -> None:
    assert not friday_release({"confirmed": confirmed}, alcohol_need=False)


def test_a_friday_release_is_flagged_only_once_confirmed() -> None:
    assert not friday_release({"crd": ORDINARY_FRIDAY}, alcohol_need=True)


SENTENCE_START = date(2026, 1, 15)


def test_responsibility_stays_from_the_start_when_erd_is_exactly_10_months_away() -> None:
    erd = date(2026, 11, 15)
    assert community_responsibility_on(SENTENCE_START, erd) == SENTENCE_START


def test_responsibility_stays_from_the_start_when_erd_is_under_10_months_away() -> None:
    erd = date(2026, 11, 14)
    assert community_responsibility_on(SENTENCE_START, erd) == SENTENCE_START


def test_responsibility_hands_over_8_months_14_days_before_a_later_erd() -> None:
    erd = date(2026, 11, 16)  # 10 months and a day
    # ERD - 8 months = 2026-03-16, less 14 days.
    assert community_responsibility_on(SENTENCE_START, erd) == date(2026, 3, 2)


def test_the_handover_takes_months_off_before_days() -> None:
    erd = date(2027, 10, 31)
    # 2027-10-31 - 8 months clamps to 2027-02-28, then 14 days earlier.
    assert community_responsibility_on(date(2026, 1, 31), erd) == date(2027, 2, 14)


@pytest.mark.parametrize(("start", "erd"), [(None, date(2027, 1, 1)), (SENTENCE_START, None), (None, None)])
def test_the_handover_date_is_unknown_without_both_dates(start: date | None, erd: date | None) -> None:
    assert community_responsibility_on(start, erd) is None


def test_release_flags_gather_every_flag_from_the_confirmed_erd() -> None:
    dates = {"crd": date(2027, 3, 27), "confirmed": date(2027, 3, 25)}
    assert release_flags(dates, date(2026, 3, 1), alcohol_need=True) == ReleaseFlags(
        erd=date(2027, 3, 25),
        non_working_day=False,
        friday=True,
        community_responsibility_on=date(2026, 7, 11),
    )


def test_release_flags_with_no_dates_raise_nothing() -> None:
    assert release_flags({}, None, alcohol_need=True) == ReleaseFlags(
        erd=None, non_working_day=False, friday=False, community_responsibility_on=None
    )
