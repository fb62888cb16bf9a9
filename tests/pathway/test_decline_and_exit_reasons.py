"""Coded reasons the reports count: why a referral was declined, and how an ATR ended."""

from __future__ import annotations

import pytest

DECLINE_REASONS = (
    "not_eligible",
    "declined_by_person",
    "no_capacity",
    "referred_elsewhere",
    "did_not_engage",
    "other",
)
EXIT_REASONS = ("completed", "revoked_breach", "revoked_new_offence", "transferred", "other")


@pytest.fixture
def referral(api, path, alcohol_service):
    response = api.post(f"{path}/referrals", {"to_team_id": alcohol_service.id, "reason": "r"})
    assert response.status_code == 201, response.json
    return response.json


@pytest.mark.parametrize("reason", DECLINE_REASONS)
def test_a_declined_referral_keeps_its_reason(api, path, referral, reason):
    response = api.patch(f"/referrals/{referral['id']}", {"status": "declined", "decline_reason": reason})

    assert response.status_code == 200, response.json
    assert (response.json["status"], response.json["decline_reason"]) == ("declined", reason)
    assert api.get(f"{path}/referrals").json[0]["decline_reason"] == reason


def test_declining_without_a_reason_is_refused_naming_the_field(api, path, referral):
    response = api.patch(f"/referrals/{referral['id']}", {"status": "declined"})

    assert response.status_code == 422
    assert "decline_reason" in response.json["errors"]
    assert api.get(f"{path}/referrals").json[0]["status"] == "made"


@pytest.mark.parametrize(
    "change",
    [
        {"status": "accepted", "decline_reason": "no_capacity"},
        {"status": "declined", "decline_reason": "full"},
    ],
    ids=["a reason without declining", "an unknown reason"],
)
def test_a_decline_reason_fits_only_a_decline(api, referral, change):
    response = api.patch(f"/referrals/{referral['id']}", change)

    assert response.status_code == 422
    assert "decline_reason" in response.json["errors"]


def test_a_referral_not_declined_has_no_reason(api, referral):
    response = api.patch(f"/referrals/{referral['id']}", {"status": "accepted"})

    assert response.status_code == 200
    assert response.json["decline_reason"] is None


def test_staff_who_see_no_clinical_detail_see_the_decline_reason(api, api_as, make_staff, path, referral):
    api.patch(f"/referrals/{referral['id']}", {"status": "declined", "decline_reason": "not_eligible"})
    resettlement = api_as(make_staff("resettlement"))

    seen = resettlement.get(f"{path}/referrals")

    if seen.status_code == 200:  # resettlement sees people in its establishment only
        assert seen.json[0]["decline_reason"] == "not_eligible" and "reason" not in seen.json[0]


@pytest.fixture
def on_atr(api, path, alcohol_service):
    api.post(f"{path}/stages", {"kind": "court", "start_on": "2026-03-02", "court": "Bristol Magistrates"})
    response = api.post(
        f"{path}/stages",
        {
            "kind": "atr",
            "start_on": "2026-03-16",
            "order_type": "community_order",
            "order_end_on": "2027-03-15",
            "atr_end_on": "2026-09-15",
            "treatment_team_id": alcohol_service.id,
            "dependency_assessed": True,
            "consent_recorded": True,
        },
    )
    assert response.status_code == 201, response.json
    return response.json


@pytest.mark.parametrize("reason", EXIT_REASONS)
def test_the_stage_that_ends_an_atr_records_how_it_ended_on_the_atr(api, path, on_atr, reason):
    closed = {"kind": "closed", "start_on": "2026-09-16", "reason": "sentence_completed"}

    response = api.post(f"{path}/stages", closed | {"atr_exit_reason": reason})

    assert response.status_code == 201, response.json
    stages = api.get(f"{path}/pathways").json[-1]["stages"]
    assert [(s["kind"], s["exit_reason"]) for s in stages] == [
        ("court", None),
        ("atr", reason),
        ("closed", None),
    ]


def test_a_stage_ending_an_atr_without_a_reason_leaves_it_unrecorded(api, path, on_atr):
    response = api.post(
        f"{path}/stages", {"kind": "court", "start_on": "2026-05-01", "court": "Bristol Crown"}
    )

    assert response.status_code == 201
    atr = api.get(f"{path}/pathway").json["stages"][1]
    assert (atr["kind"], atr["end_on"], atr["exit_reason"]) == ("atr", "2026-05-01", None)


def test_an_exit_reason_is_refused_when_no_atr_ends(api, path):
    api.post(f"{path}/stages", {"kind": "court", "start_on": "2026-03-02", "court": "Bristol Magistrates"})

    response = api.post(
        f"{path}/stages",
        {"kind": "closed", "start_on": "2026-03-03", "reason": "other", "atr_exit_reason": "completed"},
    )

    assert response.status_code == 422
    assert "atr_exit_reason" in response.json["errors"]
    assert [s["kind"] for s in api.get(f"{path}/pathway").json["stages"]] == ["court"]


def test_an_unknown_exit_reason_is_refused(api, path, on_atr):
    response = api.post(
        f"{path}/stages",
        {"kind": "closed", "start_on": "2026-09-16", "reason": "other", "atr_exit_reason": "finished"},
    )

    assert response.status_code == 422
    assert "atr_exit_reason" in response.json["errors"]
