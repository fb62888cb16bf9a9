"""Working days, bank holidays and release-date flags (DESIGN: Rules with their numbers).

P is the planned release date (planning only), H the handover release date (community responsibility).
"""

from datetime import date

import pytest

from tracker.pathway.dates import (
    HANDOVER_PAROLE_LEAD_MONTHS,
    RELEASE_DATE_KINDS,
    PlannedRelease,
    ReleaseFlags,
    add_months,
    add_working_days,
    community_responsibility_on,
    effective_release_on,
    friday_release,
    handover_release_on,
    is_bank_holiday,
    is_working_day,
    next_working_day,
    non_working_day_release,
    overdue_after,
    planned_release,
    planned_release_on,
    previous_working_day,
    release_flags,
)

Dates = dict[str, date | None]

# England and Wales bank holidays, as published on gov.uk.
GOOD_FRIDAY_2027 = date(2027, 3, 26)
EASTER_MONDAY_2027 = date(2027, 3, 29)
EARLY_MAY_2027 = date(2027, 5, 3)
CHRISTMAS_2026 = date(2026, 12, 25)  # a Friday
BOXING_DAY_2026_SUBSTITUTE = date(2026, 12, 28)  # Monday, as 26 December is a Saturday

MAUNDY_THURSDAY_2027 = date(2027, 3, 25)  # the last working day before Good Friday
ORDINARY_TUESDAY = date(2027, 4, 20)
ORDINARY_WEDNESDAY = date(2027, 4, 21)
ORDINARY_THURSDAY = date(2027, 4, 22)
ORDINARY_FRIDAY = date(2027, 4, 23)
ORDINARY_SATURDAY = date(2027, 4, 24)
ORDINARY_SUNDAY = date(2027, 4, 25)
ORDINARY_MONDAY = date(2027, 4, 26)


# --- working days ----------------------------------------------------------------------------------


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
        (MAUNDY_THURSDAY_2027, True),
        (date(2027, 3, 27), False),  # Saturday
        (date(2027, 3, 28), False),  # Easter Sunday
        (date(2027, 3, 30), True),  # Tuesday after Easter
        (date(2026, 12, 24), True),  # Christmas Eve is not a bank holiday
        (date(2026, 12, 29), True),
        (ORDINARY_FRIDAY, True),
        (ORDINARY_SATURDAY, False),
        (ORDINARY_SUNDAY, False),
    ],
)
def test_a_working_day_is_monday_to_friday_and_not_a_bank_holiday(day: date, working: bool) -> None:
    assert is_working_day(day) is working


def test_a_scottish_only_holiday_is_a_working_day_in_england() -> None:
    assert is_working_day(date(2027, 1, 4))  # 2 January substitute, Scotland only


@pytest.mark.parametrize(
    ("day", "previous"),
    [
        (date(2027, 3, 30), MAUNDY_THURSDAY_2027),  # over the Easter weekend
        (EASTER_MONDAY_2027, MAUNDY_THURSDAY_2027),
        (GOOD_FRIDAY_2027, MAUNDY_THURSDAY_2027),
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
        (MAUNDY_THURSDAY_2027, date(2027, 3, 30)),
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
        (MAUNDY_THURSDAY_2027, 10, date(2027, 4, 12)),
    ],
)
def test_working_days_are_counted_from_the_next_day(day: date, n: int, expected: date) -> None:
    assert add_working_days(day, n) == expected


def test_a_negative_number_of_working_days_is_refused() -> None:
    with pytest.raises(ValueError):
        add_working_days(ORDINARY_FRIDAY, -1)


@pytest.mark.parametrize(
    ("day", "effective"),
    [
        (ORDINARY_WEDNESDAY, ORDINARY_WEDNESDAY),  # a working day is itself
        (ORDINARY_FRIDAY, ORDINARY_FRIDAY),
        (ORDINARY_SATURDAY, ORDINARY_FRIDAY),
        (ORDINARY_SUNDAY, ORDINARY_FRIDAY),
        (GOOD_FRIDAY_2027, MAUNDY_THURSDAY_2027),
        (EASTER_MONDAY_2027, MAUNDY_THURSDAY_2027),
        (EARLY_MAY_2027, date(2027, 4, 30)),
        (BOXING_DAY_2026_SUBSTITUTE, date(2026, 12, 24)),
    ],
)
def test_a_release_on_a_non_working_day_falls_due_on_the_working_day_before(
    day: date, effective: date
) -> None:
    assert effective_release_on(day) == effective


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


# --- the planned release P -----------------------------------------------------------------------

CRD = date(2027, 6, 10)
ARD = date(2027, 6, 3)
PED = date(2027, 2, 1)  # parole eligibility comes before the automatic release
HDCAD = date(2027, 4, 12)
CONFIRMED = date(2027, 6, 2)


def test_release_date_kinds_are_the_imported_ones() -> None:
    assert set(RELEASE_DATE_KINDS) == {
        "crd",
        "ard",
        "ped",
        "hdced",
        "hdcad",
        "led",
        "sed",
        "tused",
        "confirmed",
    }


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        (
            {"crd": CRD, "ard": ARD, "ped": PED, "hdcad": HDCAD, "confirmed": CONFIRMED},
            (CONFIRMED, "confirmed"),
        ),
        ({"crd": CRD, "confirmed": date(2027, 7, 1)}, (date(2027, 7, 1), "confirmed")),  # even when later
        ({"crd": CRD, "ard": ARD, "ped": PED, "hdcad": HDCAD}, (HDCAD, "hdcad")),
        ({"crd": CRD, "hdcad": date(2027, 7, 1)}, (date(2027, 7, 1), "hdcad")),
        ({"crd": CRD, "ard": ARD, "ped": PED}, (ARD, "ard")),  # PED is eligibility, not release
        ({"crd": CRD, "ard": date(2027, 6, 11)}, (CRD, "crd")),
        ({"crd": CRD, "ped": PED}, (CRD, "crd")),
        ({"ard": ARD, "crd": None, "ped": None}, (ARD, "ard")),
        ({"ped": PED, "hdced": HDCAD}, (PED, "ped")),  # HDC eligibility is not a release either
        ({"ped": PED, "confirmed": None, "hdcad": None}, (PED, "ped")),
    ],
)
def test_p_is_confirmed_then_hdcad_then_the_earlier_of_crd_and_ard_then_ped(
    dates: Dates, expected: tuple[date, str]
) -> None:
    assert planned_release(dates) == PlannedRelease(*expected)
    assert planned_release_on(dates) == expected[0]


@pytest.mark.parametrize(
    "dates",
    [
        {"hdced": HDCAD, "led": CRD, "sed": CRD, "tused": CRD},
        {"crd": None, "ard": None, "ped": None, "hdcad": None, "confirmed": None},
        {},
    ],
)
def test_there_is_no_p_without_a_release_date(dates: Dates) -> None:
    assert planned_release(dates) is None
    assert planned_release_on(dates) is None


@pytest.mark.parametrize(("basis", "parole_only"), [("confirmed", False), ("hdcad", False), ("ped", True)])
def test_only_a_p_resting_on_ped_is_parole_eligibility(basis: str, parole_only: bool) -> None:
    assert PlannedRelease(PED, basis).parole_eligibility_only is parole_only


@pytest.mark.parametrize(
    ("dates", "handover_on"),
    [
        ({"crd": CRD, "ard": ARD, "ped": PED}, PED),
        ({"crd": CRD, "ped": date(2027, 8, 1)}, date(2027, 8, 1)),  # PED even when later
        ({"crd": CRD, "ard": ARD}, ARD),
        ({"crd": CRD, "hdcad": HDCAD, "confirmed": CONFIRMED}, CRD),  # never HDCAD or confirmed
        ({"hdcad": HDCAD, "confirmed": CONFIRMED}, None),
        ({}, None),
    ],
)
def test_the_handover_release_date_is_ped_else_the_earlier_of_crd_and_ard(
    dates: Dates, handover_on: date | None
) -> None:
    assert handover_release_on(dates) == handover_on


@pytest.mark.parametrize(
    ("dates", "overdue_after_on"),
    [
        ({"crd": CRD, "confirmed": CONFIRMED}, CONFIRMED),
        ({"crd": CRD, "hdcad": HDCAD}, HDCAD),
        ({"crd": CRD, "ped": PED}, CRD),
        ({"ped": PED, "confirmed": CONFIRMED}, CONFIRMED),  # the Parole Board directed release
        ({"ped": PED}, None),  # eligibility alone is never overdue
        ({}, None),
    ],
)
def test_custody_is_overdue_after_p_unless_p_rests_on_ped(
    dates: Dates, overdue_after_on: date | None
) -> None:
    assert overdue_after(dates) == overdue_after_on


# --- weekend and bank holiday releases -----------------------------------------------------------


@pytest.mark.parametrize(
    ("dates", "flagged"),
    [
        ({"crd": ORDINARY_FRIDAY}, False),
        ({"crd": ORDINARY_SATURDAY}, True),
        ({"crd": ORDINARY_SUNDAY}, True),
        ({"ard": ORDINARY_SATURDAY}, True),
        ({"crd": GOOD_FRIDAY_2027}, True),
        ({"crd": EASTER_MONDAY_2027}, True),
        ({"crd": GOOD_FRIDAY_2027, "confirmed": MAUNDY_THURSDAY_2027}, False),
        ({"crd": date(2027, 3, 27), "confirmed": MAUNDY_THURSDAY_2027}, False),
        ({"crd": date(2027, 3, 27), "confirmed": GOOD_FRIDAY_2027}, True),
        ({"crd": date(2027, 3, 27), "confirmed": date(2027, 3, 24)}, False),  # 2023 Act: earlier still
        ({"crd": BOXING_DAY_2026_SUBSTITUTE, "confirmed": date(2026, 12, 24)}, False),
        ({"crd": EARLY_MAY_2027, "confirmed": date(2027, 4, 30)}, False),
        ({"crd": ORDINARY_SATURDAY, "confirmed": ORDINARY_FRIDAY}, False),
        ({"crd": ORDINARY_FRIDAY, "confirmed": ORDINARY_SATURDAY}, True),  # P itself is a Saturday
        ({"crd": ORDINARY_SATURDAY, "ped": ORDINARY_FRIDAY}, True),  # P is the CRD, not the PED
        ({"hdcad": ORDINARY_SATURDAY, "crd": ORDINARY_MONDAY}, True),
        ({"hdcad": ORDINARY_FRIDAY, "crd": ORDINARY_SATURDAY}, False),  # P is the HDCAD
        ({"ped": ORDINARY_SATURDAY}, False),  # eligibility, not a release
        ({"ped": GOOD_FRIDAY_2027}, False),
        ({"hdced": ORDINARY_SATURDAY, "sed": ORDINARY_SATURDAY}, False),
        ({}, False),
    ],
)
def test_only_p_itself_on_a_weekend_or_bank_holiday_is_flagged(dates: Dates, flagged: bool) -> None:
    assert non_working_day_release(dates) is flagged


# --- Friday and pre-holiday releases (Offenders (Day of Release from Detention) Act 2023) ---------


@pytest.mark.parametrize(
    ("dates", "flagged"),
    [
        # Flagged before confirmation, so the prison can act.
        ({"crd": ORDINARY_FRIDAY}, True),
        ({"ard": ORDINARY_FRIDAY}, True),
        ({"crd": ORDINARY_MONDAY, "ard": ORDINARY_FRIDAY}, True),  # the earlier one is P
        ({"crd": ORDINARY_THURSDAY}, False),
        ({"crd": ORDINARY_MONDAY}, False),
        # Judged on the effective day: the last working day before a weekend or holiday P.
        ({"crd": ORDINARY_SATURDAY}, True),
        ({"crd": ORDINARY_SUNDAY}, True),
        ({"crd": date(2027, 3, 24)}, False),  # the Wednesday before Easter
        ({"crd": MAUNDY_THURSDAY_2027}, True),  # the day before Good Friday 2027
        ({"crd": GOOD_FRIDAY_2027}, True),  # falls due on Maundy Thursday
        ({"crd": EASTER_MONDAY_2027}, True),  # falls due on Maundy Thursday
        ({"crd": date(2027, 3, 30)}, False),  # the Tuesday after Easter
        ({"crd": date(2026, 12, 24)}, True),  # the day before Christmas 2026
        ({"crd": date(2027, 5, 2)}, True),  # the Sunday before Early May falls due on Friday 30 April
        ({"crd": date(2027, 5, 4)}, False),
        # A confirmed day: s.23(3) keeps the flag, an earlier day under the 2023 Act clears it.
        ({"crd": ORDINARY_FRIDAY, "confirmed": ORDINARY_FRIDAY}, True),
        ({"crd": ORDINARY_SATURDAY, "confirmed": ORDINARY_FRIDAY}, True),
        ({"crd": ORDINARY_FRIDAY, "confirmed": ORDINARY_THURSDAY}, False),
        ({"crd": ORDINARY_FRIDAY, "confirmed": ORDINARY_WEDNESDAY}, False),
        ({"crd": ORDINARY_SATURDAY, "confirmed": ORDINARY_WEDNESDAY}, False),
        ({"crd": GOOD_FRIDAY_2027, "confirmed": MAUNDY_THURSDAY_2027}, True),
        ({"crd": GOOD_FRIDAY_2027, "confirmed": date(2027, 3, 23)}, False),
        ({"confirmed": ORDINARY_FRIDAY}, True),  # no automatic release to be earlier than
        ({"ped": PED, "confirmed": ORDINARY_FRIDAY}, True),  # the Parole Board's direction
        # Not for a P resting on HDCAD or PED.
        ({"hdcad": ORDINARY_FRIDAY}, False),
        ({"hdcad": ORDINARY_FRIDAY, "crd": ORDINARY_FRIDAY}, False),
        ({"hdcad": MAUNDY_THURSDAY_2027, "crd": date(2027, 5, 7)}, False),
        ({"ped": ORDINARY_FRIDAY}, False),
        ({"ped": ORDINARY_SATURDAY}, False),
        ({"hdced": ORDINARY_FRIDAY, "sed": ORDINARY_FRIDAY}, False),
        ({}, False),
    ],
)
def test_a_friday_or_pre_holiday_release_is_flagged_for_an_alcohol_need(dates: Dates, flagged: bool) -> None:
    assert friday_release(dates, alcohol_need=True) is flagged


@pytest.mark.parametrize(
    "dates",
    [
        {"crd": ORDINARY_FRIDAY},
        {"crd": MAUNDY_THURSDAY_2027},
        {"crd": ORDINARY_SATURDAY, "confirmed": ORDINARY_FRIDAY},
    ],
)
def test_a_friday_release_is_not_flagged_without_an_alcohol_need(dates: Dates) -> None:
    assert not friday_release(dates, alcohol_need=False)


def test_a_saturday_crd_brought_to_friday_is_a_friday_release_not_a_weekend_one() -> None:
    dates: Dates = {"crd": ORDINARY_SATURDAY, "confirmed": ORDINARY_FRIDAY}
    assert not non_working_day_release(dates)
    assert friday_release(dates, alcohol_need=True)


def test_a_confirmed_wednesday_two_working_days_before_a_friday_crd_clears_the_friday_flag() -> None:
    assert friday_release({"crd": ORDINARY_FRIDAY}, alcohol_need=True)
    assert not friday_release({"crd": ORDINARY_FRIDAY, "confirmed": ORDINARY_WEDNESDAY}, alcohol_need=True)


@pytest.mark.parametrize(
    "dates",
    [
        {"crd": ORDINARY_MONDAY, "confirmed": ORDINARY_FRIDAY},
        {"crd": date(2027, 3, 30), "confirmed": MAUNDY_THURSDAY_2027},
    ],
    ids=["friday before a monday crd", "maundy thursday before a tuesday crd"],
)
def test_an_earlier_confirmed_day_before_a_weekend_or_holiday_keeps_the_friday_flag(dates: Dates) -> None:
    assert friday_release(dates, alcohol_need=True)


# --- community responsibility (Manage POM Cases) -------------------------------------------------

SENTENCE_START = date(2026, 1, 15)
TEN_MONTHS_ON = date(2026, 11, 15)


@pytest.mark.parametrize("kind", ["crd", "ard", "ped"])
@pytest.mark.parametrize("handover_on", [date(2026, 11, 14), TEN_MONTHS_ON], ids=["under", "exactly"])
def test_responsibility_is_community_from_the_start_when_h_is_at_most_10_months_away(
    kind: str, handover_on: date
) -> None:
    assert community_responsibility_on(SENTENCE_START, {kind: handover_on}) == SENTENCE_START


@pytest.mark.parametrize("kind", ["crd", "ard"])
def test_responsibility_moves_8_months_14_days_before_h_at_10_months_and_a_day(kind: str) -> None:
    handover_on = date(2026, 11, 16)
    # H - 8 months = 2026-03-16, less 14 days.
    assert community_responsibility_on(SENTENCE_START, {kind: handover_on}) == date(2026, 3, 2)


def test_responsibility_moves_8_months_14_days_before_a_distant_crd() -> None:
    # 2027-09-20 - 8 months = 2027-01-20, less 14 days.
    assert community_responsibility_on(SENTENCE_START, {"crd": date(2027, 9, 20)}) == date(2027, 1, 6)


def test_responsibility_moves_12_months_before_a_ped() -> None:
    dates: Dates = {"ped": date(2027, 9, 20), "crd": date(2028, 3, 20)}
    assert community_responsibility_on(SENTENCE_START, dates) == date(2026, 9, 20)


def test_a_parole_case_at_10_months_and_a_day_starts_in_the_community_not_before_its_sentence() -> None:
    # 12 months before the PED falls before the sentence began: responsibility is community from the start
    # (as Manage POM Cases has it), and never on a day the sweep could not reach.
    assert community_responsibility_on(SENTENCE_START, {"ped": date(2026, 11, 16)}) == SENTENCE_START


def test_the_parole_lead_is_configurable() -> None:
    dates: Dates = {"ped": date(2027, 9, 20)}
    assert HANDOVER_PAROLE_LEAD_MONTHS == 12
    assert community_responsibility_on(SENTENCE_START, dates, parole_lead_months=15) == date(2026, 6, 20)


def test_the_handover_rests_on_ped_and_crd_never_on_hdcad_or_the_confirmed_date() -> None:
    dates: Dates = {"crd": date(2027, 9, 20), "hdcad": date(2027, 6, 1), "confirmed": date(2027, 6, 1)}
    assert community_responsibility_on(SENTENCE_START, dates) == date(2027, 1, 6)


def test_the_handover_takes_months_off_before_days() -> None:
    # 2027-10-31 - 8 months clamps to 2027-02-28, then 14 days earlier.
    assert community_responsibility_on(date(2026, 1, 31), {"crd": date(2027, 10, 31)}) == date(2027, 2, 14)


def test_ten_months_from_the_end_of_a_month_is_clamped() -> None:
    # 31 January + 10 months is 30 November: a CRD on 1 December is past it.
    start = date(2026, 1, 31)
    assert community_responsibility_on(start, {"crd": date(2026, 11, 30)}) == start
    assert community_responsibility_on(start, {"crd": date(2026, 12, 1)}) == date(2026, 3, 18)


@pytest.mark.parametrize(
    ("start", "dates"),
    [
        (None, {"crd": date(2027, 1, 1)}),
        (SENTENCE_START, {}),
        (SENTENCE_START, {"hdcad": date(2027, 1, 1), "confirmed": date(2027, 1, 1)}),
        (None, {}),
    ],
)
def test_the_handover_date_is_unknown_without_a_start_and_h(start: date | None, dates: Dates) -> None:
    assert community_responsibility_on(start, dates) is None


# --- every flag together -------------------------------------------------------------------------


def test_release_flags_gather_every_flag() -> None:
    dates: Dates = {"crd": date(2027, 3, 27), "confirmed": MAUNDY_THURSDAY_2027}
    assert release_flags(dates, date(2026, 3, 1), alcohol_need=True) == ReleaseFlags(
        planned=PlannedRelease(MAUNDY_THURSDAY_2027, "confirmed"),
        non_working_day=False,
        friday=True,
        # From the CRD, not the confirmed date: 2027-03-27 - 8 months = 2026-07-27, less 14 days.
        community_responsibility_on=date(2026, 7, 13),
    )


def test_release_flags_for_a_ped_raise_no_release_flag() -> None:
    dates: Dates = {"ped": ORDINARY_SATURDAY}
    assert release_flags(dates, SENTENCE_START, alcohol_need=True, parole_lead_months=6) == ReleaseFlags(
        planned=PlannedRelease(ORDINARY_SATURDAY, "ped"),
        non_working_day=False,
        friday=False,
        community_responsibility_on=date(2026, 10, 24),
    )


def test_release_flags_with_no_dates_raise_nothing() -> None:
    assert release_flags({}, None, alcohol_need=True) == ReleaseFlags(
        planned=None, non_working_day=False, friday=False, community_responsibility_on=None
    )
