"""Who sees clinical detail, and the need everyone else sees: tracker/privacy.py, with no app."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tracker import privacy

NONE = {"manages_or_team": False, "live_referral": False, "atr_in_force": False}
RELATIONSHIPS = {
    "none": NONE,
    "manages or same team": NONE | {"manages_or_team": True},
    "live referral": NONE | {"live_referral": True},
    "ATR in force": NONE | {"atr_in_force": True},
    "live referral and ATR": NONE | {"live_referral": True, "atr_in_force": True},
    "every relationship": {"manages_or_team": True, "live_referral": True, "atr_in_force": True},
}
# Who sees clinical detail, by role and relationship; anything not listed sees only the need.
SEES = {
    ("offender_manager", "manages or same team"),
    ("offender_manager", "every relationship"),
    ("treatment", "live referral"),
    ("treatment", "ATR in force"),
    ("treatment", "live referral and ATR"),
    ("treatment", "every relationship"),
}
ROLES = ("offender_manager", "resettlement", "treatment", "commissioner", "admin")


@pytest.mark.parametrize("relationship", RELATIONSHIPS)
@pytest.mark.parametrize("role", ROLES)
def test_clinical_detail_follows_the_role_and_the_care_relationship(role, relationship):
    sees = privacy.sees_clinical_detail(role, **RELATIONSHIPS[relationship])

    assert sees is ((role, relationship) in SEES)


@pytest.mark.parametrize("relationship", ["live referral", "ATR in force", "every relationship"])
def test_an_offender_manager_outside_the_team_sees_only_the_need_whatever_else_is_true(relationship):
    facts = RELATIONSHIPS[relationship] | {"manages_or_team": False}

    assert privacy.sees_clinical_detail("offender_manager", **facts) is False


def test_a_resettlement_worker_never_sees_clinical_detail():
    assert not privacy.sees_clinical_detail("resettlement", **RELATIONSHIPS["every relationship"])


START = date(2026, 3, 2)
END = date(2027, 3, 1)


@pytest.mark.parametrize(
    ("today", "in_force"),
    [
        (START - timedelta(days=1), False),
        (START, True),
        (START + timedelta(days=100), True),
        (END, True),
        (END + timedelta(days=1), False),
    ],
    ids=["day before the start", "first day", "during", "last day (order end)", "day after the order end"],
)
def test_an_order_is_in_force_from_its_start_to_its_end_inclusive(today, in_force):
    assert privacy.order_in_force(START, END, today) is in_force


def test_an_order_with_no_end_is_not_in_force():
    assert privacy.order_in_force(START, None, START) is False


@pytest.mark.parametrize(
    ("order_end_on", "operational_end_on", "atr_end_on", "end"),
    [
        (END, None, date(2026, 9, 1), END),
        (None, END, date(2026, 9, 1), END),
        (None, None, date(2026, 9, 1), date(2026, 9, 1)),
        (None, None, None, None),
    ],
    ids=["recorded order end", "suspended sentence: operational period", "only the ATR's end", "nothing"],
)
def test_the_orders_end_is_the_recorded_one_first(order_end_on, operational_end_on, atr_end_on, end):
    assert privacy.order_end(order_end_on, operational_end_on, atr_end_on) == end


@pytest.mark.parametrize(
    ("tool", "zone", "positive", "need"),
    [
        ("audit", 4, True, "Specialist alcohol referral needed"),
        ("audit", 3, True, "Positive screen"),
        ("audit", 2, True, "Positive screen"),
        ("audit", 1, False, "Negative screen"),
        ("audit_c", None, True, "Full AUDIT needed"),
        ("audit_c", None, False, "Negative screen"),
        ("fast", None, True, "Full AUDIT needed"),
        ("fast", None, False, "Negative screen"),
    ],
)
def test_the_need_says_what_is_needed_never_the_zone_or_score(tool, zone, positive, need):
    label = privacy.need_label(tool, zone, positive)

    assert label == need
    assert "zone" not in label.lower() and not any(ch.isdigit() for ch in label)


# --- mobiles in logs (issue 10 item 8) ---


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("+447911123456", "+44******3456"),
        ("07911123456", "079****3456"),
        ("07911 123456", "079****3456"),
        ("+3531234567", "+35****4567"),
        ("1234567", "*******"),
        ("", ""),
        (None, ""),
    ],
)
def test_a_mobile_is_masked_but_for_its_country_and_last_four_digits(number, masked):
    assert privacy.mask_mobile(number) == masked


def test_every_mobile_in_a_line_of_text_is_masked_and_nothing_else():
    line = "text 42 to +447911123456 failed; also 07911 123456 and 07700900123, on 2026-11-30 at 12:00"

    assert privacy.mask_mobiles(line) == (
        "text 42 to +44******3456 failed; also 079****3456 and 077****0123, on 2026-11-30 at 12:00"
    )


def test_a_log_record_carries_no_mobile_in_its_message_or_its_traceback(caplog):
    import logging

    logger = logging.getLogger("tests.privacy.masked")
    logger.addFilter(privacy.RedactPersonalData())
    try:
        raise ValueError("+447911123456 is not a number we can text")
    except ValueError:
        with caplog.at_level(logging.INFO, logger=logger.name):
            logger.exception("could not text %s", "07911 123456")

    written = caplog.text
    assert "could not text 079****3456" in written and "+44******3456 is not a number" in written
    assert "7911123456" not in written and "7911 123456" not in written


POSTGRESQL_ERRORS = [
    (
        'duplicate key value violates unique constraint "uq_staff_email"\n'
        "DETAIL:  Key (email)=(sam.jones@example.org) already exists.",
        "sam.jones@example.org",
    ),
    (
        'null value in column "created_at" of relation "people" violates not-null constraint\n'
        "DETAIL:  Failing row contains (7, Sam, Jones, 1985-04-02, +447911123456).",
        "1985-04-02",
    ),
    ('invalid input syntax for type date: "Sam Jones 1985"', "Sam Jones"),
    ('invalid input value for enum role: "Sam Jones"', "Sam Jones"),
    ('COPY people, line 2\nCONTEXT:  COPY people, line 2: "Sam,Jones"', "Sam,Jones"),
]


@pytest.mark.parametrize(("message", "personal"), POSTGRESQL_ERRORS)
def test_what_a_database_error_quotes_from_the_data_is_redacted(message, personal):
    redacted = privacy.redact_database_errors(message)

    assert personal not in redacted
    assert redacted.splitlines()[0] == message.splitlines()[0] or "invalid input" in redacted


def test_a_database_error_keeps_what_says_what_went_wrong():
    message = 'null value in column "created_at" of relation "people" violates not-null constraint'

    assert privacy.redact_database_errors(message) == message


def test_a_calendar_feeds_token_is_taken_out_of_a_log_line():
    from tracker.privacy import redact

    line = '127.0.0.1 - - [30/Nov/2026] "GET /calendar/Zq3-x_9AbC.ics HTTP/1.1" 200 -'

    assert redact(line) == '127.0.0.1 - - [30/Nov/2026] "GET /calendar/[hidden].ics HTTP/1.1" 200 -'
