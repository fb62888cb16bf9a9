"""C20 against a fixture small enough to count on paper: who is in the denominator, who started in time."""

from __future__ import annotations

from datetime import timedelta

import pytest


@pytest.fixture
def counted(db, places, release, last_year):
    """Bristol, 10 April: 12 adults with a need, 6 started in days 0-21; Eastwood, 10 July: 10, 5 started."""
    april, july = last_year.start_on + timedelta(days=9), last_year.start_on + timedelta(days=100)
    for day in (0, 3, 5, 10, 20, 21):  # A to A+21 inclusive
        release(april, started=day)
    release(april, started=22)  # too late
    release(april, started=-1)  # before release
    release(april, started=5, status="declined")  # not live
    release(april, started=5, kind="housing")  # not structured treatment
    release(april, started=5, to=places.other_probation)  # not a treatment service
    release(april, to=places.treatment_team, status="accepted")  # assessed, never started
    release(april, need=False, started=1)  # no need recorded at A: not counted at all
    release(april, need=False)
    release(april, started=1, age_band="under_18")  # not an adult on A
    for day in range(1, 6):
        release(july, team=places.eastwood, started=day, sex="female", sentence_band="remand")
    for _ in range(5):
        release(july, team=places.eastwood, sex="female", sentence_band="remand")
    db.session.commit()
    return last_year


def test_the_year_by_establishment(counted, api_as, places):
    body = api_as(places.commissioner).get(f"/reports/continuity?period={counted.name}").json

    assert [(r["group"], r["released"], r["started"], r["share"]) for r in body["rows"]] == [
        ("HMP Bristol", 12, 6, 50.0),
        ("HMP Eastwood Park", 10, 5, 50.0),
    ]
    assert (body["total"]["released"], body["total"]["started"], body["total"]["share"]) == (22, 11, 50.0)
    assert body["period"] == {
        "name": counted.name,
        "start_on": counted.start_on.isoformat(),
        "end_on": counted.end_on.isoformat(),
    }
    assert set(body["note"]) == {"shows", "included", "counted"} and body["by"] == "establishment"


def test_a_quarter_shows_an_empty_group_as_none_released(counted, api_as, places):
    body = api_as(places.commissioner).get(f"/reports/continuity?period={counted.name}-Q1").json

    rows = {r["group"]: (r["released"], r["started"], r["share"]) for r in body["rows"]}
    assert rows == {"HMP Bristol": (12, 6, 50.0), "HMP Eastwood Park": (0, 0, None)}


@pytest.mark.parametrize(
    "by, expected",
    [
        ("sex", {"female": (10, 5), "male": (12, 6)}),
        ("sentence_length", {"remand": (10, 5), "under_12_months": (12, 6)}),
        ("probation_team", {"Bristol Probation": (22, 11)}),
        ("age_band", {"25_34": (22, 11)}),
        ("ethnic_group", {"white": (22, 11)}),
    ],
)
def test_each_breakdown_counts_the_facts_fixed_at_release(counted, api_as, places, by, expected):
    body = api_as(places.commissioner).get(f"/reports/continuity?period={counted.name}&by={by}").json

    assert {r["group"]: (r["released"], r["started"]) for r in body["rows"]} == expected


def test_the_monthly_trend(counted, api_as, places):
    body = api_as(places.commissioner).get(f"/reports/continuity?period={counted.name}&by=month").json

    months = {r["group"]: (r["released"], r["started"]) for r in body["rows"]}
    assert len(months) == 12
    april, july = counted.start_on.strftime("%Y-04"), counted.start_on.strftime("%Y-07")
    assert months[april] == (12, 6) and months[july] == (10, 5)
    assert {v for k, v in months.items() if k not in (april, july)} == {(0, 0)}


def test_csv_has_the_same_columns(counted, api_as, places):
    response = api_as(places.commissioner).get(f"/reports/continuity?period={counted.name}&format=csv")

    assert response.mimetype == "text/csv"
    assert response.get_data(as_text=True).splitlines() == [
        "establishment,released,started,share",
        "HMP Bristol,12,6,50.0",
        "HMP Eastwood Park,10,5,50.0",
        "Total,22,11,50.0",
    ]


def test_a_release_keeps_the_facts_of_its_day(db, api_as, make_person, places, today):
    """Recording A through the pathway fixes the need, the age band and the teams on the handover."""
    from sqlalchemy import select

    from tracker.pathway.models import Handover

    om = places.om
    person = make_person(om, date_of_birth="2000-01-01", alcohol_need=True, sex="female")
    api = api_as(om)
    start = (today - timedelta(days=60)).isoformat()
    custody = {
        "kind": "custody",
        "start_on": start,
        "basis": "remand",
        "establishment_team_id": places.bristol.id,
    }
    assert api.post(f"/people/{person['id']}/stages", json=custody).status_code == 201
    court = {"kind": "court", "start_on": (today - timedelta(days=30)).isoformat(), "court": "Bristol Crown"}
    court |= {"remanded": False}
    response = api.post(f"/people/{person['id']}/stages", json=court)
    assert response.status_code == 201, response.json

    mine = select(Handover).where(Handover.person_id == person["id"], Handover.kind == "release")
    handover = db.session.scalar(mine)
    assert handover.released_on == today - timedelta(days=30)
    assert (handover.alcohol_need, handover.sex, handover.sentence_band) == (True, "female", "remand")
    assert handover.age_band in ("18_24", "25_34")
    assert (handover.team_id, handover.probation_team_id) == (places.bristol.id, places.probation.id)


def test_a_start_in_the_window_counts_though_the_treatment_has_since_ended(
    db, api_as, places, release, last_year
):
    """OHID C20 counts people who started treatment within three weeks, whatever came after."""
    april = last_year.start_on + timedelta(days=9)
    for day in range(5):
        release(april, started=day, status="ended")
    for _ in range(5):
        release(april, to=places.treatment_team, status="accepted")
    db.session.commit()

    body = api_as(places.commissioner).get(f"/reports/continuity?period={last_year.name}").json

    assert (body["total"]["released"], body["total"]["started"]) == (10, 5)
    assert "since ended" in body["note"]["counted"]
