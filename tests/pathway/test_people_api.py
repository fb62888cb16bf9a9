"""/api/v1/people: create, read, update and list people, with their mobile and consent rules."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

SAM = {"given_name": "Sam", "family_name": "Jones", "date_of_birth": "1985-04-02", "alcohol_need": True}


def people_count(db) -> int:
    from tracker.pathway.models import Person

    return db.session.scalar(select(func.count()).select_from(Person))


# Create, read, update


def test_creating_a_person_answers_201_with_every_field_back(api, om):
    sent = SAM | {
        "crn": "X123456",
        "prison_number": "A1234BC",
        "mobile": "07911 123456",
        "sms_consent": True,
        "language": "cy",
        "sex": "male",
        "ethnic_group": "white_british",
    }
    response = api.post("/people", sent)

    assert response.status_code == 201, response.json
    person = response.json
    assert isinstance(person["id"], int)
    assert {k: person[k] for k in sent if k != "mobile"} == {k: v for k, v in sent.items() if k != "mobile"}
    assert person["offender_manager_id"] == om.id
    assert person["stage_kind"] is None


def test_a_person_reads_back_as_created(api):
    created = api.post("/people", SAM | {"crn": "X123456"}).json

    response = api.get(f"/people/{created['id']}")

    assert response.status_code == 200
    assert response.json["crn"] == "X123456"
    assert response.json["given_name"] == "Sam"
    assert response.json["date_of_birth"] == "1985-04-02"


def test_patch_changes_only_the_fields_sent(api):
    created = api.post("/people", SAM | {"crn": "X123456", "language": "en"}).json

    response = api.patch(f"/people/{created['id']}", {"language": "cy"})

    assert response.status_code == 200, response.json
    assert response.json["language"] == "cy"
    assert response.json["crn"] == "X123456"
    assert response.json["family_name"] == "Jones"
    assert api.get(f"/people/{created['id']}").json["language"] == "cy"


def test_the_list_holds_the_callers_caseload(api, om, make_person):
    make_person(om, given_name="Ann", family_name="Able")
    make_person(om, given_name="Bob", family_name="Baker")

    response = api.get("/people")

    assert response.status_code == 200
    assert [p["family_name"] for p in response.json] == ["Able", "Baker"]


# Mobile numbers


def test_a_uk_mobile_is_normalised_to_e164(api):
    response = api.post("/people", SAM | {"mobile": "07911 123456"})

    assert response.status_code == 201, response.json
    assert response.json["mobile"] == "+447911123456"


def test_a_patched_mobile_is_normalised_too(api, make_person, om):
    person = make_person(om)

    response = api.patch(f"/people/{person['id']}", {"mobile": "07911 123456"})

    assert response.status_code == 200, response.json
    assert response.json["mobile"] == "+447911123456"


@pytest.mark.parametrize("mobile", ["0117 496 0123", "020 7946 0000", "not a number", "123"])
def test_a_landline_or_garbage_mobile_is_refused_naming_mobile(api, db, mobile):
    response = api.post("/people", SAM | {"mobile": mobile})

    assert response.status_code == 422
    assert "mobile" in response.json["errors"]
    assert people_count(db) == 0


def test_the_drama_range_is_refused_under_the_test_config(api, app):
    assert app.config["ALLOW_DRAMA_NUMBERS"] is False

    response = api.post("/people", SAM | {"mobile": "07700 900123"})

    assert response.status_code == 422
    assert "mobile" in response.json["errors"]


def test_the_drama_range_is_accepted_when_allowed(api, app, monkeypatch):
    monkeypatch.setitem(app.config, "ALLOW_DRAMA_NUMBERS", True)

    response = api.post("/people", SAM | {"mobile": "07700 900123"})

    assert response.status_code == 201, response.json
    assert response.json["mobile"] == "+447700900123"


# Consent


def test_consent_changes_are_kept_as_history(api):
    created = api.post("/people", SAM | {"mobile": "07911 123456", "sms_consent": True}).json
    assert [c["consent"] for c in created["consent_changes"]] == [True]

    response = api.patch(f"/people/{created['id']}", {"sms_consent": False})

    assert response.status_code == 200, response.json
    history = response.json["consent_changes"]
    assert [c["consent"] for c in history] == [True, False]
    assert all(c["changed_at"] and c["how"] for c in history)
    assert api.get(f"/people/{created['id']}").json["consent_changes"] == history


def test_a_patch_that_does_not_change_consent_adds_no_history(api):
    created = api.post("/people", SAM | {"mobile": "07911 123456", "sms_consent": True}).json

    response = api.patch(f"/people/{created['id']}", {"sms_consent": True, "language": "cy"})

    assert [c["consent"] for c in response.json["consent_changes"]] == [True]


def test_consent_without_a_mobile_is_refused(api, db):
    response = api.post("/people", SAM | {"sms_consent": True})

    assert response.status_code == 422
    assert "sms_consent" in response.json["errors"]
    assert people_count(db) == 0


# Bad input


def test_an_unknown_field_is_refused_naming_it(api, db):
    response = api.post("/people", SAM | {"shoe_size": 9})

    assert response.status_code == 422
    assert "shoe_size" in response.json["errors"]
    assert people_count(db) == 0


def test_an_unknown_field_in_a_patch_is_refused_naming_it(api, make_person, om):
    person = make_person(om)

    response = api.patch(f"/people/{person['id']}", {"nickname": "Sammy"})

    assert response.status_code == 422
    assert "nickname" in response.json["errors"]


def test_a_duplicate_crn_is_refused(api, db):
    api.post("/people", SAM | {"crn": "X123456"})

    response = api.post("/people", SAM | {"given_name": "Other", "crn": "X123456"})

    assert response.status_code == 422
    assert "crn" in response.json["errors"]
    assert people_count(db) == 1


def test_a_patch_to_another_persons_crn_is_refused_and_changes_nothing(api):
    api.post("/people", SAM | {"crn": "X123456"})
    other = api.post("/people", SAM | {"crn": "Y654321"}).json

    response = api.patch(f"/people/{other['id']}", {"crn": "X123456", "language": "cy"})

    assert response.status_code == 422
    assert "crn" in response.json["errors"]
    assert api.get(f"/people/{other['id']}").json["crn"] == "Y654321"
    assert api.get(f"/people/{other['id']}").json["language"] == "en"


def test_a_wrong_type_is_refused_naming_the_field(api):
    response = api.post("/people", SAM | {"alcohol_need": "sometimes", "date_of_birth": "yesterday"})

    assert response.status_code == 422
    assert {"alcohol_need", "date_of_birth"} <= set(response.json["errors"])


@pytest.mark.parametrize("method", ["post", "patch"])
def test_a_person_cannot_be_left_without_an_offender_manager(api, om, make_person, db, method):
    person = make_person(om)
    before = people_count(db)

    if method == "post":
        response = api.post("/people", SAM | {"offender_manager_id": None})
    else:
        response = api.patch(f"/people/{person['id']}", {"offender_manager_id": None})

    assert response.status_code == 422
    assert "offender_manager_id" in response.json["errors"]
    assert people_count(db) == before
    assert api.get(f"/people/{person['id']}").json["offender_manager_id"] == om.id


# Filter, search, paging


@pytest.fixture
def caseload(api, om, make_person, make_team):
    """Three people: one in custody, one at court, one with no stage yet."""
    prison = make_team("HMP Bristol", "prison", "BCI")
    held = make_person(om, given_name="Carys", family_name="Price", crn="C111111", prison_number="A1234BC")
    bailed = make_person(om, given_name="Dafydd", family_name="Morgan", crn="D222222")
    make_person(om, given_name="Eleri", family_name="Hughes", crn="E333333")
    api.post(
        f"/people/{held['id']}/stages",
        {
            "kind": "custody",
            "start_on": "2026-02-02",
            "basis": "remand",
            "establishment_team_id": prison.id,
        },
    )
    api.post(
        f"/people/{bailed['id']}/stages",
        {"kind": "court", "start_on": "2026-02-02", "court": "Cardiff Crown"},
    )
    return {"held": held, "bailed": bailed}


def test_the_list_filters_by_current_stage(api, caseload):
    response = api.get("/people?stage=custody")

    assert response.status_code == 200
    assert [p["id"] for p in response.json] == [caseload["held"]["id"]]
    assert response.json[0]["stage_kind"] == "custody"


def test_an_unknown_stage_filter_is_refused(api, caseload):
    response = api.get("/people?stage=prison")

    assert response.status_code == 422
    assert "stage" in response.json["errors"]


@pytest.mark.parametrize("q", ["mor", "DAFYDD", "dafydd morgan", "D222222", "d222222"])
def test_search_finds_by_part_of_a_name_or_by_crn(api, caseload, q):
    response = api.get(f"/people?q={q}")

    assert response.status_code == 200
    assert [p["id"] for p in response.json] == [caseload["bailed"]["id"]]


def test_search_finds_by_prison_number(api, caseload):
    response = api.get("/people?q=A1234BC")

    assert [p["id"] for p in response.json] == [caseload["held"]["id"]]


def test_search_with_no_match_answers_an_empty_list(api, caseload):
    response = api.get("/people?q=nobody")

    assert response.status_code == 200
    assert response.json == []


def test_the_list_is_paged_with_an_x_pagination_header(api, om, make_person):
    for family_name in ("Able", "Baker", "Cole"):
        make_person(om, family_name=family_name)

    response = api.get("/people?page=2&page_size=2")

    assert response.status_code == 200
    assert [p["family_name"] for p in response.json] == ["Cole"]
    assert json.loads(response.headers["X-Pagination"])["total"] == 3


# Speed


def test_listing_500_people_runs_as_many_statements_as_listing_5(db, make_staff, api_as, count_queries):
    from tracker.pathway.service import create_person
    from tracker.types import utcnow

    small_om, large_om = make_staff("offender_manager"), make_staff("offender_manager")
    for n in range(5):
        create_person({"given_name": "Small", "family_name": f"Case{n:03}"}, by=small_om, now=utcnow())
    for n in range(500):
        create_person({"given_name": "Large", "family_name": f"Case{n:03}"}, by=large_om, now=utcnow())
    db.session.commit()
    small, large = api_as(small_om), api_as(large_om)

    with count_queries() as for_5:
        assert len(small.get("/people?page_size=500").json) == 5
    with count_queries() as for_500:
        assert len(large.get("/people?page_size=500").json) == 500

    assert len(for_500) == len(for_5), for_500


def test_an_ethnic_group_is_an_ons_2021_code(api):
    response = api.post("/people", SAM | {"ethnic_group": "White: Welsh"})

    assert response.status_code == 422
    assert "ethnic_group" in response.json["errors"]


def test_a_long_history_costs_a_pathway_read_no_more_statements_than_a_short_one(
    db, make_staff, make_person, api_as, count_queries
):
    from datetime import UTC, date, datetime, timedelta

    from tracker.pathway.models import Appointment, Pathway, ReleaseDate, Stage

    def pathway(person_id: int, opened: date, closed: bool) -> Pathway:
        released = opened + timedelta(100)
        dates = [ReleaseDate(kind=k, value_on=released, source="NOMIS") for k in ("crd", "sed")]
        custody = Stage(kind="custody", basis="sentenced", start_on=opened, release_dates=dates)
        after = Stage(kind="closed" if closed else "licence", start_on=released)
        for position, stage in enumerate((custody, after)):
            stage.person_id, stage.position = person_id, position
        custody.end_on = released
        return Pathway(
            person_id=person_id,
            opened_on=opened,
            stages=[custody, after],
            closed_on=released if closed else None,
        )

    om = make_staff("offender_manager")
    short, long = make_person(om)["id"], make_person(om, family_name="Long")["id"]
    db.session.add(
        Pathway(
            person_id=short,
            opened_on=date(2026, 1, 5),
            stages=[Stage(person_id=short, position=0, kind="court", start_on=date(2026, 1, 5))],
        )
    )
    db.session.add_all(
        pathway(long, date(2020, 1, 6) + timedelta(days=300 * n), closed=n < 4) for n in range(5)
    )
    db.session.add_all(
        Appointment(
            person_id=long, kind="probation", starts_at=datetime(2020, 1, 7, tzinfo=UTC) + timedelta(7 * n)
        )
        for n in range(200)
    )
    db.session.commit()
    api = api_as(om)
    db.session.expunge_all()  # read back from the database, as a request in a new session would

    with count_queries() as for_short:
        assert api.get(f"/people/{short}/pathway").status_code == 200
    with count_queries() as for_long:
        read = api.get(f"/people/{long}/pathway")

    assert read.status_code == 200 and read.json["key_dates"]["released_on"] == "2023-07-29"
    assert len(for_long) == len(for_short), (for_short, for_long)
