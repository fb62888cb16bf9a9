"""The handover checklist: outstanding items, red/amber/green and the cliff-edge factors (pure)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tracker.pathway import checklist
from tracker.pathway.checklist import RELEASE_ITEMS, CliffEdgeFacts, cliff_edge_factors, outstanding, rag

ALL_DONE = dict.fromkeys(RELEASE_ITEMS, "done")
NOTHING_DONE = dict.fromkeys(RELEASE_ITEMS, "not_started")
ONLY_GP_LEFT = ALL_DONE | {"gp_registration": "in_progress"}  # not an essential item


def test_the_release_checklist_has_the_nine_items_of_design():
    assert RELEASE_ITEMS == (
        "accommodation",
        "treatment_referral",
        "treatment_appointment",
        "gp_registration",
        "medication",
        "id_and_bank",
        "benefits",
        "probation_appointment",
        "travel",
    )
    assert set(checklist.ITEM_LABELS) == set(RELEASE_ITEMS)


def test_outstanding_lists_what_is_neither_done_nor_not_needed_in_checklist_order():
    statuses = NOTHING_DONE | {"accommodation": "done", "medication": "not_needed", "travel": "in_progress"}
    assert outstanding(statuses) == [
        "treatment_referral",
        "treatment_appointment",
        "gp_registration",
        "id_and_bank",
        "benefits",
        "probation_appointment",
        "travel",
    ]
    assert outstanding(ALL_DONE | {"benefits": "not_needed"}) == []


@pytest.mark.parametrize(
    ("days", "statuses", "expected"),
    [
        (7, NOTHING_DONE, "red"),
        (8, NOTHING_DONE, "amber"),
        (0, NOTHING_DONE, "red"),
        (-3, NOTHING_DONE, "red"),  # past its date and still not settled
        (28, NOTHING_DONE, "amber"),
        (29, NOTHING_DONE, "green"),
        (7, ONLY_GP_LEFT, "amber"),  # red needs an essential item outstanding
        (28, ONLY_GP_LEFT, "amber"),
        (29, ONLY_GP_LEFT, "green"),
        (7, ALL_DONE, "green"),
        (0, ALL_DONE | {"accommodation": "not_needed"}, "green"),
    ],
)
def test_rag_boundaries(days, statuses, expected):
    assert rag(days, statuses) == expected


@pytest.mark.parametrize("essential", checklist.ESSENTIAL)
def test_each_essential_item_left_within_7_days_is_red(essential):
    assert rag(7, ALL_DONE | {essential: "in_progress"}) == "red"


RELEASE_ON = date(2026, 9, 16)  # a Wednesday, no bank holiday near
SAFE = CliffEdgeFacts(
    release_on=RELEASE_ON,
    sentence_start_on=date(2025, 9, 16),
    sentence_end_on=date(2027, 9, 15),  # two years
    statuses=ALL_DONE,
    community_appointment_booked=True,
    audit_zone=3,
    mobile="+447911123456",
    sms_consent=True,
    missed_appointments=0,
)


def factors(facts: CliffEdgeFacts) -> dict[str, str]:
    return {f["factor"]: f["reason"] for f in cliff_edge_factors(facts)}


def test_a_well_prepared_release_has_no_cliff_edge_factors():
    assert cliff_edge_factors(SAFE) == []


@pytest.mark.parametrize(
    ("factor", "changes", "reason"),
    [
        (
            "short_sentence",
            {"sentence_start_on": date(2026, 2, 2), "sentence_end_on": date(2027, 1, 31)},
            "under 12 months",
        ),
        ("no_accommodation", {"statuses": ALL_DONE | {"accommodation": "in_progress"}}, "accommodation"),
        ("no_community_appointment", {"community_appointment_booked": False}, "appointment"),
        ("audit_zone_iv", {"audit_zone": 4}, "Specialist alcohol referral needed"),
        ("friday_release", {"release_on": date(2026, 9, 18)}, "weekend or bank holiday"),
        (
            "friday_release",
            {"release_on": date(2026, 12, 24)},
            "weekend or bank holiday",
        ),  # Christmas Eve, a Thursday
        ("no_mobile_or_consent", {"mobile": None}, "mobile"),
        ("no_mobile_or_consent", {"sms_consent": False}, "consent"),
        ("missed_appointments", {"missed_appointments": 2}, "Missed 2"),
    ],
)
def test_each_cliff_edge_factor_is_shown_with_its_reason(factor, changes, reason):
    found = factors(replace(SAFE, **changes))
    assert list(found) == [factor]
    assert reason in found[factor]


@pytest.mark.parametrize(
    "changes",
    [
        {"sentence_start_on": date(2026, 2, 2), "sentence_end_on": date(2027, 2, 1)},  # 12 months exactly
        {"sentence_start_on": None},  # no sentence (remand): not known to be short
        {"statuses": ALL_DONE | {"accommodation": "not_needed"}},
        {"audit_zone": None},
        {"release_on": date(2026, 9, 17)},  # a Thursday with Friday working
        {"release_on": date(2026, 9, 20)},  # a Sunday: Monday is a working day
    ],
    ids=[
        "twelve-month sentence",
        "no sentence",
        "accommodation not needed",
        "never screened",
        "thursday",
        "sunday",
    ],
)
def test_a_factor_is_absent_when_its_cause_is(changes):
    assert factors(replace(SAFE, **changes)) == {}


def test_every_factor_at_once_is_listed_in_a_fixed_order():
    worst = CliffEdgeFacts(
        release_on=date(2026, 9, 18),
        sentence_start_on=date(2026, 6, 1),
        sentence_end_on=date(2026, 11, 30),
        statuses=NOTHING_DONE,
        community_appointment_booked=False,
        audit_zone=4,
        mobile=None,
        sms_consent=False,
        missed_appointments=1,
    )
    assert list(factors(worst)) == [
        "short_sentence",
        "no_accommodation",
        "no_community_appointment",
        "audit_zone_iv",
        "friday_release",
        "no_mobile_or_consent",
        "missed_appointments",
    ]
