"""/api/v1/handovers: a prison's board of coming releases and each handover's checklist."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from tracker.pathway.checklist import RELEASE_ITEMS

DAY = timedelta(days=1)


@pytest.fixture
def prisons(make_staff, make_team):
    """Two prisons with a resettlement worker each, and an offender manager."""

    class Prisons:
        bristol = make_team("HMP Bristol", "prison", "BCI")
        eastwood = make_team("HMP Eastwood Park", "prison", "EWI")
        bristol_worker = make_staff("resettlement", team=bristol)
        eastwood_worker = make_staff("resettlement", team=eastwood)
        om = make_staff("offender_manager")

    return Prisons


@pytest.fixture
def held(prisons, api_as, make_person, today):
    """held(prison, release_on=None, **person_fields): a person in custody there; returns (person, stage)."""

    def make(prison, release_on: date | None = None, **fields):
        person = make_person(prisons.om, **fields)
        stage = {
            "kind": "custody",
            "start_on": str(today - 60 * DAY),
            "basis": "sentenced",
            "establishment_team_id": prison.id,
        }
        if release_on:
            stage["release_dates"] = {"crd": str(release_on), "source": "NOMIS"}
        response = api_as(prisons.om).post(f"/people/{person['id']}/stages", stage)
        assert response.status_code == 201, response.json
        return person, response.json

    return make


def board(api, prison, within_days: int = 84):
    response = api.get(f"/handovers?team_id={prison.id}&within_days={within_days}")
    assert response.status_code == 200, response.json
    return response.json


def test_a_handover_opens_when_a_release_date_is_known_and_follows_it(prisons, held, api_as, today):
    person, stage = held(prisons.bristol)
    api = api_as(prisons.bristol_worker)
    assert board(api, prisons.bristol) == []

    api.patch(f"/stages/{stage['id']}", {"release_dates": {"crd": str(today + 30 * DAY)}})
    [handover] = board(api, prisons.bristol)
    assert handover["person"]["id"] == person["id"] and handover["kind"] == "release"
    assert (handover["release_on"], handover["days_to_release"]) == (str(today + 30 * DAY), 30)

    moved = api.patch(
        f"/stages/{stage['id']}",
        {"release_dates": {"crd": str(today + 40 * DAY), "confirmed": str(today + 39 * DAY)}},
    )
    assert moved.status_code == 200, moved.json
    [followed] = board(api, prisons.bristol)
    assert (followed["id"], followed["release_on"], followed["days_to_release"]) == (
        handover["id"],
        str(today + 39 * DAY),
        39,
    )
    assert api.get(f"/handovers/{handover['id']}").json["release_on"] == str(today + 39 * DAY)


def test_the_board_lists_the_next_12_weeks_of_releases_from_that_prison_soonest_first(
    prisons, held, api_as, today
):
    later, _ = held(prisons.bristol, today + 84 * DAY)
    sooner, _ = held(prisons.bristol, today + 10 * DAY)
    soonest, _ = held(prisons.bristol, today)
    held(prisons.bristol, today + 85 * DAY)  # beyond the window
    held(prisons.eastwood, today + 5 * DAY)  # another prison
    held(prisons.bristol)  # no release date yet

    rows = board(api_as(prisons.bristol_worker), prisons.bristol)

    assert [r["person"]["id"] for r in rows] == [soonest["id"], sooner["id"], later["id"]]
    assert [r["days_to_release"] for r in rows] == [0, 10, 84]
    for row in rows:
        assert [i["item"] for i in row["checklist"]] == list(RELEASE_ITEMS)
        assert {i["status"] for i in row["checklist"]} == {"not_started"}
        assert row["outstanding"] == list(RELEASE_ITEMS)
        assert row["team_id"] == prisons.bristol.id
        assert {f["factor"] for f in row["cliff_edge_factors"]} >= {
            "no_accommodation",
            "no_community_appointment",
        }
        assert all(f["reason"] for f in row["cliff_edge_factors"])
    assert [r["rag"] for r in rows] == ["red", "amber", "green"]
    assert [
        r["person"]["id"] for r in board(api_as(prisons.bristol_worker), prisons.bristol, within_days=9)
    ] == [soonest["id"]]


def test_an_offender_manager_sees_their_caseloads_releases_on_a_prisons_board(
    prisons, held, api_as, make_staff, today
):
    person, _ = held(prisons.bristol, today + 20 * DAY)
    assert [r["person"]["id"] for r in board(api_as(prisons.om), prisons.bristol)] == [person["id"]]
    assert board(api_as(make_staff("offender_manager")), prisons.bristol) == []


def test_the_board_explains_each_cliff_edge_factor(prisons, held, api_as, today):
    person, _ = held(prisons.bristol, today + 20 * DAY, mobile=None)
    api = api_as(prisons.om)
    api.post(
        f"/people/{person['id']}/screenings",
        {"tool": "audit", "answers": [4, 4, 4, 4, 0, 0, 0, 0, 2, 2], "intervention": "referred"},
    )
    [row] = board(api, prisons.bristol)
    factors = {f["factor"]: f["reason"] for f in row["cliff_edge_factors"]}
    assert set(factors) >= {
        "no_accommodation",
        "no_community_appointment",
        "audit_zone_iv",
        "no_mobile_or_consent",
    }
    # The board is read by the prison too: the reason names the need, never the AUDIT zone.
    assert factors["audit_zone_iv"].startswith("Specialist alcohol referral needed")
    assert "zone" not in factors["audit_zone_iv"].lower()

    booked = {"kind": "treatment_assessment", "starts_at": f"{today + 22 * DAY}T10:00:00+00:00"}
    assert api.post(f"/people/{person['id']}/appointments", booked).status_code == 201
    api.patch(f"/handovers/{row['id']}", {"checklist": {"accommodation": "done"}})
    [row] = board(api, prisons.bristol)
    assert not {"no_accommodation", "no_community_appointment"} & {
        f["factor"] for f in row["cliff_edge_factors"]
    }


def test_ticking_an_item_records_its_status_who_and_when(prisons, held, api_as, today):
    held(prisons.bristol, today + 5 * DAY)
    api = api_as(prisons.bristol_worker)
    [row] = board(api, prisons.bristol)
    before = datetime.now().astimezone()

    response = api.patch(
        f"/handovers/{row['id']}", {"checklist": {"accommodation": "done", "travel": "in_progress"}}
    )

    assert response.status_code == 200, response.json
    items = {i["item"]: i for i in response.json["checklist"]}
    assert (items["accommodation"]["status"], items["accommodation"]["updated_by_id"]) == (
        "done",
        prisons.bristol_worker.id,
    )
    assert datetime.fromisoformat(items["accommodation"]["updated_at"]) >= before - timedelta(seconds=1)
    assert items["travel"]["status"] == "in_progress"
    assert (items["gp_registration"]["status"], items["gp_registration"]["updated_by_id"]) == (
        "not_started",
        None,
    )
    assert "accommodation" not in response.json["outstanding"]
    assert api.get(f"/handovers/{row['id']}").json["checklist"] == response.json["checklist"]


@pytest.mark.parametrize(
    ("checklist", "named"),
    [({"bedding": "done"}, "bedding"), ({"accommodation": "sorted"}, "accommodation")],
    ids=["unknown item", "unknown status"],
)
def test_an_unknown_item_or_status_is_refused_naming_it(prisons, held, api_as, today, checklist, named):
    held(prisons.bristol, today + 5 * DAY)
    api = api_as(prisons.bristol_worker)
    [row] = board(api, prisons.bristol)

    response = api.patch(f"/handovers/{row['id']}", {"checklist": checklist})

    assert response.status_code == 422
    assert named in str(response.json["errors"])
    assert {i["status"] for i in api.get(f"/handovers/{row['id']}").json["checklist"]} == {"not_started"}


def test_a_resettlement_worker_sees_only_their_establishments_handovers(prisons, held, api_as, today):
    held(prisons.eastwood, today + 5 * DAY)
    [theirs] = board(api_as(prisons.eastwood_worker), prisons.eastwood)
    api = api_as(prisons.bristol_worker)

    assert api.get(f"/handovers/{theirs['id']}").status_code == 404
    tick = {"checklist": {"accommodation": "done"}}
    assert api.patch(f"/handovers/{theirs['id']}", tick).status_code == 404
    assert board(api, prisons.eastwood) == []
    assert api.get(f"/handovers/{theirs['id'] + 1000}").status_code == 404


@pytest.mark.parametrize("role", ["commissioner", "admin"])
def test_commissioners_and_admins_get_no_board(prisons, make_staff, api_as, role):
    api = api_as(make_staff(role, team=prisons.bristol))
    assert api.get(f"/handovers?team_id={prisons.bristol.id}").status_code == 403


def test_a_treatment_service_may_read_but_not_tick_a_handover(prisons, held, api_as, make_staff, today):
    person, _ = held(prisons.bristol, today + 5 * DAY)
    service = make_staff("treatment")
    api_as(prisons.om).post(
        f"/people/{person['id']}/referrals", {"to_team_id": service.team_id, "reason": "Release"}
    )
    [row] = board(api_as(prisons.bristol_worker), prisons.bristol)
    api = api_as(service)
    assert api.get(f"/handovers/{row['id']}").status_code == 200
    assert api.patch(f"/handovers/{row['id']}", {"checklist": {"accommodation": "done"}}).status_code == 403


def test_the_board_costs_the_same_queries_for_3_handovers_as_for_30(
    prisons, held, api_as, count_queries, today
):
    api = api_as(prisons.bristol_worker)

    def measured() -> tuple[int, int]:
        board(api, prisons.bristol)  # warm: the token's first use is written once
        with count_queries() as statements:
            rows = board(api, prisons.bristol)
        return len(rows), len(statements)

    for n in range(3):
        held(prisons.bristol, today + (n + 1) * DAY, mobile="07911 123456", sms_consent=True)
    three = measured()
    for n in range(3, 30):
        person, _ = held(prisons.bristol, today + (n % 80 + 1) * DAY)
        api_as(prisons.om).post(
            f"/people/{person['id']}/appointments",
            {"kind": "probation", "starts_at": f"{today + 90 * DAY}T10:00:00+00:00"},
        )
    thirty = measured()

    assert (three[0], thirty[0]) == (3, 30)
    assert thirty[1] == three[1]
