"""/api/v1 arrest referral: a treatment team identifies and holds a person; probation takes the case
(issue 12 item 4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

AUDIT_ANSWERS = [4, 4, 4, 2, 2, 2, 2, 2, 4, 4]


@pytest.fixture
def alcohol_service(make_team):
    return make_team("Bristol Community Alcohol Service", "treatment")


@pytest.fixture
def worker(make_staff, alcohol_service):
    return make_staff("treatment", alcohol_service)


@pytest.fixture
def om(make_staff):
    return make_staff("offender_manager")


@pytest.fixture
def identify(api_as, worker, today):
    """identify(consent=..., **fields): a person the alcohol service identified in a custody suite."""

    def make(consent: bool | None = True, **fields):
        body = {
            "given_name": "Sam",
            "family_name": "Jones",
            "date_of_birth": "1985-04-02",
            "stage": {
                "kind": "arrest",
                "start_on": today.isoformat(),
                "custody_suite": "Patchway custody suite",
                "arrest_referral": True,
            },
            "referral_reason": "Drinks daily; asked for help in the cells.",
        } | fields
        if consent is not None:
            body["share_consent"] = {"consent": consent, "given_on": today.isoformat(), "how": "signed form"}
        return api_as(worker).post("/identified-people", body)

    return make


@pytest.fixture
def held(identify):
    response = identify()
    assert response.status_code == 201, response.json
    return response.json


def ask(api, held: dict):
    """The offender manager finds the held person by name and date of birth, then asks for the case."""
    query = {
        "given_name": held["given_name"],
        "family_name": held["family_name"],
        "date_of_birth": "1985-04-02",
    }
    assert held["id"] in [p["person_id"] for p in api.post("/held-people/search", query).json]
    return api.post(f"/held-people/{held['id']}/case-requests")


def actions(db, person_id: int) -> list[str]:
    from tracker.audit import AuditEntry

    return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.person_id == person_id)))


def test_a_treatment_team_adds_an_arrest_stage_person_it_holds_with_no_crn(held, alcohol_service, db):
    assert held["crn"] is None and held["offender_manager_id"] is None
    assert held["holding_team_id"] == alcohol_service.id
    assert held["stage_kind"] == "arrest"
    assert [c["consent"] for c in held["share_consents"]] == [True]
    assert held["share_consents"][0]["how"] == "signed form"
    assert {"identify", "create"} <= set(actions(db, held["id"]))


def test_an_identified_stage_names_its_referrer(identify, make_team, today):
    police = make_team("Avon and Somerset Police", "police")
    stage = {"kind": "identified", "start_on": today.isoformat(), "referrer_team_id": police.id}

    response = identify(stage=stage)

    assert response.status_code == 201, response.json
    assert response.json["stage_kind"] == "identified"


@pytest.mark.parametrize(
    ("stage", "field"),
    [
        ({"kind": "court", "court": "Bristol Magistrates"}, "kind"),
        ({"kind": "arrest", "court": "Bristol Magistrates"}, "court"),
        ({"kind": "arrest"}, "start_on"),
    ],
)
def test_only_an_identified_or_arrest_stage_opens_a_held_case(identify, today, stage, field):
    stage = {"start_on": today.isoformat()} | stage if field != "start_on" else stage

    response = identify(stage=stage)

    assert response.status_code == 422
    assert field in response.json["errors"]["stage"], response.json


def test_only_treatment_staff_identify(api_as, om, make_staff, today):
    body = {"given_name": "A", "family_name": "B", "stage": {"kind": "arrest", "start_on": today.isoformat()}}
    for staff in (om, make_staff("resettlement"), make_staff("commissioner")):
        assert api_as(staff).post("/identified-people", body).status_code == 403


def test_the_holding_team_reads_it_and_probation_does_not(held, api_as, worker, om, make_staff):
    assert api_as(worker).get(f"/people/{held['id']}").status_code == 200
    assert api_as(om).get(f"/people/{held['id']}").status_code == 404
    assert api_as(make_staff("treatment")).get(f"/people/{held['id']}").status_code == 404


def test_consent_to_share_is_kept_as_history_by_the_holding_team_only(
    held, api_as, worker, make_staff, today
):
    body = {"consent": False, "given_on": today.isoformat(), "how": "said no at the desk"}

    assert api_as(worker).post(f"/people/{held['id']}/share-consents", body).status_code == 201
    assert (
        api_as(make_staff("treatment")).post(f"/people/{held['id']}/share-consents", body).status_code == 404
    )
    future = body | {"given_on": (today + timedelta(days=1)).isoformat()}
    assert api_as(worker).post(f"/people/{held['id']}/share-consents", future).status_code == 422

    history = api_as(worker).get(f"/people/{held['id']}/share-consents").json
    assert [c["consent"] for c in history] == [True, False]


def test_on_charge_the_court_stage_hands_the_case_to_the_named_offender_manager(
    held, api_as, worker, om, db, today
):
    charge = {
        "start_on": today.isoformat(),
        "court": "Bristol Magistrates",
        "offender_manager_email": om.email,
    }

    response = api_as(worker).post(f"/people/{held['id']}/charge", charge)

    assert response.status_code == 201, response.json
    assert response.json["kind"] == "court"
    person = api_as(om).get(f"/people/{held['id']}").json
    assert person["offender_manager_id"] == om.id and person["holding_team_id"] is None
    pathway = api_as(om).get(f"/people/{held['id']}/pathway").json
    assert [s["kind"] for s in pathway["stages"]] == ["arrest", "court"]  # stages move with the person
    # The identifying team keeps reading while its referral is live, but no longer changes the case.
    assert api_as(worker).get(f"/people/{held['id']}").status_code == 200
    assert api_as(worker).post(f"/people/{held['id']}/charge", charge).status_code == 403
    assert "hand_over" in actions(db, held["id"])


def test_a_charge_naming_no_offender_manager_is_refused(held, api_as, worker, make_staff, today):
    charge = {"start_on": today.isoformat(), "court": "Bristol Magistrates"}
    for email in ("nobody@example.org", make_staff("treatment").email):
        response = api_as(worker).post(
            f"/people/{held['id']}/charge", charge | {"offender_manager_email": email}
        )
        assert response.status_code == 422
        assert "offender_manager_email" in response.json["errors"]


def test_a_charge_before_the_arrest_is_refused(held, api_as, worker, om, today):
    charge = {
        "start_on": (today - timedelta(days=3)).isoformat(),
        "court": "Bristol Magistrates",
        "offender_manager_email": om.email,
    }

    assert api_as(worker).post(f"/people/{held['id']}/charge", charge).status_code == 409


def test_an_offender_manager_finds_a_held_person_and_sees_only_who_holds_them(held, api_as, om, db):
    query = {"given_name": "sam", "family_name": "JONES", "date_of_birth": "1985-04-02"}

    found = api_as(om).post("/held-people/search", query)

    assert found.status_code == 200
    assert found.json == [{"person_id": held["id"], "held_by": "Bristol Community Alcohol Service"}]
    assert (
        api_as(om).post("/held-people/search", {"given_name": "sam", "family_name": "jones"}).status_code
        == 422
    )
    assert api_as(om).post("/held-people/search", {"crn": "X999999"}).json == []
    from tracker.audit import AuditEntry

    assert db.session.scalar(select(AuditEntry.detail).where(AuditEntry.action == "search_held"))[
        "found"
    ] == [held["id"]]


def test_only_offender_managers_search_held_people(api_as, worker, make_staff):
    for staff in (worker, make_staff("resettlement"), make_staff("admin")):
        assert api_as(staff).post("/held-people/search", {"crn": "X123456"}).status_code == 403


def test_an_offender_manager_asks_and_the_holding_team_confirms(held, api_as, worker, om, db):
    asked = ask(api_as(om), held)
    assert asked.status_code == 201, asked.json
    assert asked.json["held_by"] == "Bristol Community Alcohol Service"
    assert api_as(om).post(f"/held-people/{held['id']}/case-requests").status_code == 409
    assert [r["id"] for r in api_as(worker).get("/case-requests").json] == [asked.json["id"]]

    confirmed = api_as(worker).post(f"/case-requests/{asked.json['id']}/confirm")

    assert confirmed.status_code == 200 and confirmed.json["status"] == "confirmed"
    assert api_as(om).get(f"/people/{held['id']}").json["offender_manager_id"] == om.id
    assert api_as(worker).post(f"/case-requests/{asked.json['id']}/confirm").status_code == 409
    assert api_as(om).post(f"/held-people/{held['id']}/case-requests").status_code == 404
    assert {"request_case", "confirmed_case_request", "hand_over"} <= set(actions(db, held["id"]))


def test_only_the_holding_team_answers_a_request(held, api_as, worker, om, make_staff):
    asked = ask(api_as(om), held).json

    assert api_as(make_staff("treatment")).post(f"/case-requests/{asked['id']}/confirm").status_code == 404
    assert api_as(om).post(f"/case-requests/{asked['id']}/confirm").status_code == 403
    declined = api_as(worker).post(f"/case-requests/{asked['id']}/decline")
    assert declined.status_code == 200 and declined.json["status"] == "declined"
    assert api_as(om).get(f"/people/{held['id']}").status_code == 404


def test_asking_for_someone_probation_holds_answers_as_if_nobody(api_as, om, make_person, make_staff):
    theirs = make_person(make_staff("offender_manager"))

    assert api_as(om).post(f"/held-people/{theirs['id']}/case-requests").status_code == 404
    assert api_as(om).post("/held-people/999999/case-requests").status_code == 404


def test_asking_for_a_held_person_by_id_alone_answers_as_if_nobody(held, api_as, om, make_staff, db):
    """Ids are counted out one by one; only a search by the person's identifiers lets one be asked for."""
    from tracker.pathway.models import CaseRequest

    unsearched = api_as(om).post(f"/held-people/{held['id']}/case-requests")
    colleague = make_staff("offender_manager", team=om.team)
    assert ask(api_as(colleague), held).status_code == 201  # a colleague's search is theirs alone
    after_theirs = api_as(om).post(f"/held-people/{held['id']}/case-requests")

    assert unsearched.status_code == after_theirs.status_code == 404
    assert unsearched.json["message"] == api_as(om).post("/held-people/999999/case-requests").json["message"]
    assert db.session.scalars(select(CaseRequest.requested_by_id)).all() == [colleague.id]
    assert actions(db, held["id"]).count("denied") == 2


def test_a_search_found_the_person_for_a_day(held, api_as, om, db):
    from tracker.errors import Unseen
    from tracker.pathway import arrest_referral
    from tracker.pathway.models import Person
    from tracker.types import utcnow

    query = {"given_name": "Sam", "family_name": "Jones", "date_of_birth": "1985-04-02"}
    assert api_as(om).post("/held-people/search", query).status_code == 200
    person = db.session.get(Person, held["id"])

    assert arrest_referral.found_by_search(om, person.id, utcnow() + timedelta(hours=23))
    with pytest.raises(Unseen):
        arrest_referral.request_case(person, by=om, now=utcnow() + timedelta(hours=25))


def _screen_then_hand_over(held, api_as, worker, om):
    body = {"tool": "audit", "answers": AUDIT_ANSWERS, "intervention": "referred"}
    assert api_as(worker).post(f"/people/{held['id']}/screenings", body).status_code == 201
    asked = ask(api_as(om), held).json
    assert api_as(worker).post(f"/case-requests/{asked['id']}/confirm").status_code == 200


def test_screenings_and_referral_reasons_move_with_consent(held, api_as, worker, om):
    _screen_then_hand_over(held, api_as, worker, om)

    screenings = api_as(om).get(f"/people/{held['id']}/screenings").json
    referrals = api_as(om).get(f"/people/{held['id']}/referrals").json

    assert [s["score"] for s in screenings] == [30]
    assert [r["reason"] for r in referrals] == ["Drinks daily; asked for help in the cells."]


@pytest.mark.parametrize("consent", [False, None])
def test_without_consent_they_stay_with_the_treatment_team(identify, api_as, worker, om, consent):
    held = identify(consent=consent).json
    _screen_then_hand_over(held, api_as, worker, om)

    assert api_as(om).get(f"/people/{held['id']}/screenings").json == []
    assert api_as(om).get(f"/people/{held['id']}/referrals").json == []
    assert len(api_as(worker).get(f"/people/{held['id']}/screenings").json) == 1
    assert "reason" in api_as(worker).get(f"/people/{held['id']}/referrals").json[0]


def test_today_is_the_services_calendar_day_not_utcs(worker, db):
    from datetime import UTC, date, datetime

    from tracker.errors import Invalid
    from tracker.pathway import arrest_referral

    # 23:30 UTC on 1 July is 00:30 on 2 July in London: an arrest on 2 July is today, 3 July is not.
    now = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)

    def person(on: date):
        stage = {"kind": "arrest", "start_on": on, "custody_suite": "Patchway"}
        return arrest_referral.identify({"given_name": "A", "family_name": "B", "stage": stage}, worker, now)

    assert person(date(2026, 7, 2)).stage_kind == "arrest"
    with pytest.raises(Invalid):
        person(date(2026, 7, 3))
