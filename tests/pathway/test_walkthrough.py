"""The issue's 'done when': a person walked through two whole pathways by the API."""

from __future__ import annotations


def test_a_person_walks_arrest_court_custody_licence_closed(make_staff, make_team, api_as, make_person):
    om = make_staff("offender_manager")
    prison = make_team("HMP Bristol", "prison", "BCI")
    api = api_as(om)
    person = make_person(om)
    path = f"/people/{person['id']}"

    assert (
        api.post(
            f"{path}/stages", {"kind": "arrest", "start_on": "2026-01-05", "custody_suite": "Patchway"}
        ).status_code
        == 201
    )
    court = api.post(
        f"{path}/stages",
        {
            "kind": "court",
            "start_on": "2026-01-06",
            "court": "Bristol Magistrates",
            "next_hearing_at": "2026-02-02T10:00:00+00:00",
        },
    )
    assert court.status_code == 201, court.json
    custody = api.post(
        f"{path}/stages",
        {
            "kind": "custody",
            "start_on": "2026-02-02",
            "basis": "sentenced",
            "establishment_team_id": prison.id,
            "sentence_start_on": "2026-02-02",
            "release_dates": {"crd": "2026-08-01", "sed": "2027-02-01", "source": "NOMIS"},
        },
    )
    assert custody.status_code == 201, custody.json
    assert custody.json["release_on"] == "2026-08-01"
    assert (
        api.post(
            f"{path}/stages",
            {"kind": "licence", "start_on": "2026-07-31", "supervision_end_on": "2027-02-01"},
        ).status_code
        == 201
    )
    assert (
        api.post(
            f"{path}/stages", {"kind": "closed", "start_on": "2027-02-01", "reason": "sentence_completed"}
        ).status_code
        == 201
    )

    assert api.get(f"{path}/pathway").status_code == 404
    [past] = api.get(f"{path}/pathways").json
    assert [s["kind"] for s in past["stages"]] == ["arrest", "court", "custody", "licence", "closed"]
    assert [s["end_on"] for s in past["stages"]] == [
        "2026-01-06",
        "2026-02-02",
        "2026-07-31",
        "2027-02-01",
        "2027-02-01",
    ]
    assert past["closed_on"] == "2027-02-01"
    [hearing] = api.get(f"{path}/appointments").json
    assert hearing["kind"] == "court_hearing" and hearing["starts_at"] == "2026-02-02T10:00:00+00:00"


def test_a_person_walks_court_atr_custody_and_a_new_pathway_opens_after_closed(
    make_staff, make_team, api_as, make_person
):
    om = make_staff("offender_manager")
    prison = make_team("HMP Eastwood Park", "prison", "EWI")
    service = make_team("Bristol Community Alcohol Service", "treatment")
    api = api_as(om)
    path = f"/people/{make_person(om)['id']}"

    api.post(f"{path}/stages", {"kind": "court", "start_on": "2026-03-02", "court": "Bristol Crown"})
    atr = api.post(
        f"{path}/stages",
        {
            "kind": "atr",
            "start_on": "2026-03-16",
            "order_type": "community_order",
            "order_end_on": "2027-03-15",
            "atr_end_on": "2026-09-15",
            "treatment_team_id": service.id,
            "dependency_assessed": True,
            "consent_recorded": True,
        },
    )
    assert atr.status_code == 201, atr.json
    assert atr.json["expected_end_on"] == "2026-09-15"
    custody = api.post(
        f"{path}/stages",
        {"kind": "custody", "start_on": "2026-05-01", "basis": "remand", "establishment_team_id": prison.id},
    )
    assert custody.status_code == 201, custody.json

    pathway = api.get(f"{path}/pathway").json
    assert [s["kind"] for s in pathway["stages"]] == ["court", "atr", "custody"]
    assert pathway["current_stage"]["kind"] == "custody"
    assert pathway["allowed_next"] == ["court", "licence", "closed"]

    acquitted = {"kind": "closed", "start_on": "2026-06-01", "reason": "other", "note": "Acquitted"}
    assert api.post(f"{path}/stages", acquitted).status_code == 201
    reopened = api.post(f"{path}/stages", {"kind": "arrest", "start_on": "2026-10-01"})
    assert reopened.status_code == 201
    assert reopened.json["pathway_id"] != pathway["id"]
    assert api.get(f"{path}/pathway").json["allowed_next"] == ["court", "closed"]
