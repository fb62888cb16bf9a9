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
