"""/api/v1 referrals: their kind (default by the team's, corrected by PATCH) and their statuses to `ended`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

KINDS = (
    "structured_alcohol_treatment",
    "structured_drug_treatment",
    "housing",
    "mental_health",
    "employment",
    "other",
)


@pytest.fixture
def person(make_person, om):
    return make_person(om)


@pytest.fixture
def refer(api, person):
    """refer(team, **fields): the API's answer to a new referral of the person to that team."""

    def make(team, **fields):
        return api.post(f"/people/{person['id']}/referrals", {"to_team_id": team.id, "reason": "r"} | fields)

    return make


@pytest.fixture
def referral(refer, alcohol_service):
    response = refer(alcohol_service)
    assert response.status_code == 201, response.json
    return response.json


@pytest.mark.parametrize(
    ("team_kind", "kind"),
    [
        ("treatment", "structured_alcohol_treatment"),
        ("probation", "other"),
        ("prison", "other"),
        ("police", "other"),
        ("court", "other"),
        ("other", "other"),
    ],
)
def test_a_referral_without_a_kind_takes_its_teams_default(make_team, refer, api, person, team_kind, kind):
    team = make_team(f"A {team_kind} team", team_kind)

    response = refer(team)

    assert response.status_code == 201, response.json
    assert response.json["kind"] == kind
    assert [r["kind"] for r in api.get(f"/people/{person['id']}/referrals").json] == [kind]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("team_kind", ["treatment", "other"])
def test_a_referral_keeps_the_kind_given(make_team, refer, kind, team_kind):
    response = refer(make_team("Somewhere", team_kind), kind=kind)

    assert response.status_code == 201, response.json
    assert response.json["kind"] == kind


def test_an_unknown_kind_is_refused_naming_it(db, refer, alcohol_service):
    from tracker.pathway.models import Referral

    response = refer(alcohol_service, kind="detox")

    assert response.status_code == 422
    assert "kind" in response.json["errors"]
    assert db.session.scalars(select(Referral)).all() == []


def test_the_kind_is_corrected_by_patch_and_the_correction_audited(db, api, referral, om):
    from tracker.audit import AuditEntry

    response = api.patch(f"/referrals/{referral['id']}", {"kind": "structured_drug_treatment"})

    assert response.status_code == 200, response.json
    assert (response.json["kind"], response.json["status"]) == ("structured_drug_treatment", "made")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.subject_type == "referrals")).all()[-1]
    assert (entry.actor_id, entry.action) == (om.id, "update")
    assert entry.detail["kind"] == "structured_drug_treatment"
    assert entry.detail["kind_was"] == "structured_alcohol_treatment"


def test_kind_and_status_change_together(api, referral):
    response = api.patch(f"/referrals/{referral['id']}", {"kind": "housing", "status": "accepted"})

    assert response.status_code == 200, response.json
    assert (response.json["kind"], response.json["status"]) == ("housing", "accepted")


def test_a_patch_with_neither_status_nor_kind_is_refused_naming_them(api, referral):
    response = api.patch(f"/referrals/{referral['id']}", {})

    assert response.status_code == 422
    assert {"status", "kind"} <= set(response.json["errors"])


def test_an_unknown_kind_in_a_patch_is_refused_naming_it(api, person, referral):
    response = api.patch(f"/referrals/{referral['id']}", {"kind": "detox"})

    assert response.status_code == 422
    assert "kind" in response.json["errors"]
    assert api.get(f"/people/{person['id']}/referrals").json[0]["kind"] == "structured_alcohol_treatment"


def test_a_refused_status_move_leaves_the_kind_alone(api, person, referral):
    api.patch(f"/referrals/{referral['id']}", {"status": "declined", "decline_reason": "no_capacity"})

    response = api.patch(f"/referrals/{referral['id']}", {"kind": "housing", "status": "accepted"})

    assert response.status_code == 409
    assert api.get(f"/people/{person['id']}/referrals").json[0]["kind"] == "structured_alcohol_treatment"


def test_a_final_referrals_kind_can_still_be_corrected(api, referral):
    api.patch(f"/referrals/{referral['id']}", {"status": "declined", "decline_reason": "no_capacity"})

    response = api.patch(f"/referrals/{referral['id']}", {"kind": "mental_health"})

    assert response.status_code == 200, response.json
    assert (response.json["kind"], response.json["status"]) == ("mental_health", "declined")


# Statuses: made -> accepted/declined/started; accepted -> started/declined; started -> ended.


def start(api, referral, today):
    response = api.patch(
        f"/referrals/{referral['id']}", {"status": "started", "treatment_started_on": today.isoformat()}
    )
    assert response.status_code == 200, response.json
    return response.json


def test_started_treatment_can_end_and_keeps_its_start_date(api, referral, today):
    start(api, referral, today)

    response = api.patch(f"/referrals/{referral['id']}", {"status": "ended"})

    assert response.status_code == 200, response.json
    assert response.json["status"] == "ended"
    assert response.json["treatment_started_on"] == today.isoformat()


@pytest.mark.parametrize("status", ["made", "accepted"])
def test_a_referral_that_has_not_started_cannot_end(api, referral, status):
    if status == "accepted":
        api.patch(f"/referrals/{referral['id']}", {"status": "accepted"})

    response = api.patch(f"/referrals/{referral['id']}", {"status": "ended"})

    assert response.status_code == 409
    assert (
        "Allowed next: " in response.json["message"] and "ended" not in response.json["errors"]["status"][0]
    )


def test_started_allows_only_ended(api, referral, today):
    start(api, referral, today)

    response = api.patch(
        f"/referrals/{referral['id']}", {"status": "declined", "decline_reason": "no_capacity"}
    )

    assert response.status_code == 409
    assert "Allowed next: ended." in response.json["message"]


def test_an_ended_referral_is_final(api, referral, today):
    start(api, referral, today)
    api.patch(f"/referrals/{referral['id']}", {"status": "ended"})

    response = api.patch(f"/referrals/{referral['id']}", {"status": "accepted"})

    assert response.status_code == 409
    assert "Allowed next: nothing" in response.json["message"]


def test_ended_takes_no_treatment_start_date(api, referral, today):
    start(api, referral, today)

    response = api.patch(
        f"/referrals/{referral['id']}",
        {"status": "ended", "treatment_started_on": (today - timedelta(days=1)).isoformat()},
    )

    assert response.status_code == 422
    assert "treatment_started_on" in response.json["errors"]


# Who may correct the kind: whoever may move the status, and the offender manager.


@pytest.fixture
def in_custody(api, person, make_team, today):
    """The person held at HMP Bristol, so its resettlement team can see them."""
    prison = make_team("HMP Bristol", "prison", "BCI")
    for stage in (
        {
            "kind": "court",
            "court": "Bristol Magistrates",
            "start_on": (today - timedelta(days=30)).isoformat(),
        },
        {
            "kind": "custody",
            "basis": "remand",
            "establishment_team_id": prison.id,
            "start_on": (today - timedelta(days=10)).isoformat(),
        },
    ):
        response = api.post(f"/people/{person['id']}/stages", stage)
        assert response.status_code == 201, response.json
    return prison


def test_the_receiving_treatment_team_may_correct_the_kind(make_staff, api_as, referral, alcohol_service):
    worker = make_staff("treatment", team=alcohol_service)

    response = api_as(worker).patch(f"/referrals/{referral['id']}", {"kind": "structured_drug_treatment"})

    assert response.status_code == 200, response.json
    assert response.json["kind"] == "structured_drug_treatment"


def test_another_treatment_team_may_not_correct_the_kind(
    make_staff, make_team, api_as, refer, alcohol_service
):
    other_service = make_team("Other Alcohol Service", "treatment")
    response = refer(other_service)
    refer(alcohol_service)  # so the worker's team can see the person
    worker = make_staff("treatment", team=alcohol_service)

    refused = api_as(worker).patch(f"/referrals/{response.json['id']}", {"kind": "housing"})

    assert refused.status_code == 403


def test_a_colleague_of_the_offender_manager_reads_but_may_not_correct(make_staff, api_as, om, referral):
    colleague = make_staff("offender_manager", team=om.team)

    response = api_as(colleague).patch(f"/referrals/{referral['id']}", {"kind": "housing"})

    assert response.status_code == 403


def test_the_resettlement_team_may_not_correct_the_kind(make_staff, api_as, in_custody, referral):
    worker = make_staff("resettlement", team=in_custody)

    response = api_as(worker).patch(f"/referrals/{referral['id']}", {"kind": "housing"})

    assert response.status_code == 403


@pytest.mark.parametrize("role", ["commissioner", "admin"])
def test_roles_that_see_no_person_get_404(make_staff, api_as, referral, role):
    response = api_as(make_staff(role)).patch(f"/referrals/{referral['id']}", {"kind": "housing"})

    assert response.status_code == 404
