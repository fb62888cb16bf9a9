"""Clinical detail through the API: answers, scores and reasons only for a care relationship, audited."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from tests.helpers import last_entry_id
from tracker.audit import AuditEntry, disclosed

# A zone IV AUDIT (score 20) and a reason nobody outside the care relationship may read.
ZONE_IV = {"tool": "audit", "answers": [4, 4, 4, 4, 0, 0, 0, 0, 2, 2], "intervention": "referred"}
REASON = "Drinks from waking; withdrawal fits in 2025"
CLINICAL_SCREENING_FIELDS = {"answers", "score", "zone", "action"}
NEED_SCREENING_FIELDS = {"id", "person_id", "tool", "positive", "need", "intervention", "screened_at"}
NEED_REFERRAL_FIELDS = {"id", "person_id", "to_team_id", "kind", "status", "treatment_started_on"}


@dataclass
class Care:
    """A person in custody at HMP Bristol with a zone IV AUDIT and referrals to three treatment teams."""

    om: Any
    colleague: Any
    resettlement: Any
    live: Any  # a treatment worker whose team's referral is made
    declined: Any  # whose team declined its referral
    ended: Any  # whose team's treatment has ended
    person: int


@pytest.fixture
def care(make_staff, make_team, make_person, api_as, today) -> Care:
    om = make_staff("offender_manager")
    colleague = make_staff("offender_manager", team=om.team)
    prison = make_team("HMP Bristol", "prison", "BCI")
    api = api_as(om)
    pid = make_person(om)["id"]
    assert api.post(f"/people/{pid}/stages", court(today - timedelta(days=40))).status_code == 201
    held = {
        "kind": "custody",
        "start_on": str(today - timedelta(days=30)),
        "basis": "sentenced",
        "establishment_team_id": prison.id,
        "sentence_start_on": str(today - timedelta(days=30)),
        "release_dates": {"crd": str(today + timedelta(days=60))},
    }
    assert api.post(f"/people/{pid}/stages", held).status_code == 201
    assert api.post(f"/people/{pid}/screenings", ZONE_IV).status_code == 201
    workers = {name: make_staff("treatment") for name in ("live", "declined", "ended")}
    ids = {name: refer(api, pid, worker.team_id) for name, worker in workers.items()}
    assert (
        api.patch(
            f"/referrals/{ids['declined']}", {"status": "declined", "decline_reason": "no_capacity"}
        ).status_code
        == 200
    )
    started = {"status": "started", "treatment_started_on": str(today)}
    assert api.patch(f"/referrals/{ids['ended']}", started).status_code == 200
    assert api.patch(f"/referrals/{ids['ended']}", {"status": "ended"}).status_code == 200
    return Care(om, colleague, make_staff("resettlement", team=prison), person=pid, **workers)


def court(on: date) -> dict:
    return {"kind": "court", "start_on": str(on), "court": "Bristol Magistrates"}


def refer(api, pid: int, team_id: int) -> int:
    response = api.post(f"/people/{pid}/referrals", {"to_team_id": team_id, "reason": REASON})
    assert response.status_code == 201, response.json
    return response.json["id"]


def read(api_as, db, staff, path: str) -> tuple[list[dict], AuditEntry]:
    """GET a list as this staff member: the rows and the one audit entry the read wrote."""
    since = last_entry_id(db)
    response = api_as(staff).get(path)
    assert response.status_code == 200, response.json
    db.session.expire_all()
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.id > since)).all()
    return response.json, entry


def assert_clinical(screenings: list[dict], referrals: list[dict]) -> None:
    [screening] = screenings
    assert screening["answers"] == ZONE_IV["answers"]
    assert (screening["score"], screening["zone"]) == (20, 4)
    assert "specialist" in screening["action"]
    assert screening["need"] == "Specialist alcohol referral needed"
    assert referrals and all(r["reason"] == REASON for r in referrals)


def assert_need_only(screenings: list[dict], referrals: list[dict]) -> None:
    [screening] = screenings
    assert set(screening) == NEED_SCREENING_FIELDS
    assert not CLINICAL_SCREENING_FIELDS & set(screening)
    assert screening["need"] == "Specialist alcohol referral needed"
    assert (screening["positive"], screening["intervention"]) == (True, "referred")
    assert referrals and all(NEED_REFERRAL_FIELDS <= set(r) and "reason" not in r for r in referrals)
    assert {r["kind"] for r in referrals} == {"structured_alcohol_treatment"}
    text = json.dumps([screenings, referrals])
    for secret in (REASON, "zone IV", "Zone IV", "Referral to specialist", '"score"', '"answers"'):
        assert secret not in text


VIEWERS = {
    "offender manager": ("om", True),
    "same-team offender manager": ("colleague", True),
    "treatment team with a live referral": ("live", True),
    "treatment team with only a declined referral": ("declined", False),
    "treatment team with only an ended referral": ("ended", False),
    "resettlement team of the holding establishment": ("resettlement", False),
}


@pytest.mark.parametrize(("who", "clinical"), VIEWERS.values(), ids=VIEWERS.keys())
def test_screenings_and_referrals_show_clinical_detail_only_for_a_care_relationship(
    care, api_as, db, who, clinical
):
    staff = getattr(care, who)

    screenings, screenings_read = read(api_as, db, staff, f"/people/{care.person}/screenings")
    referrals, referrals_read = read(api_as, db, staff, f"/people/{care.person}/referrals")

    (assert_clinical if clinical else assert_need_only)(screenings, referrals)
    for entry, subject in ((screenings_read, "screenings"), (referrals_read, "referrals")):
        assert (entry.actor_id, entry.action, entry.subject_type) == (staff.id, "view", subject)
        assert entry.person_id == care.person
        # A need-only read is audited without the clinical mark.
        assert entry.detail == ({"clinical": True} if clinical else None)


@pytest.mark.parametrize("status", ["accepted", "started"])
def test_an_accepted_or_started_referral_is_still_a_care_relationship(care, api_as, db, status, today):
    change = {"status": status} | ({"treatment_started_on": str(today)} if status == "started" else {})
    referral_id = next(r["id"] for r in api_as(care.om).get(f"/people/{care.person}/referrals").json)
    worker = care.live
    assert api_as(worker).patch(f"/referrals/{referral_id}", change).status_code == 200

    screenings, entry = read(api_as, db, worker, f"/people/{care.person}/screenings")

    assert screenings[0]["score"] == 20
    assert entry.detail == {"clinical": True}


def test_declining_a_referral_answers_with_the_need_only(care, api_as, db):
    api = api_as(care.live)
    [referral] = [r for r in api.get(f"/people/{care.person}/referrals").json if r["status"] == "made"]

    response = api.patch(
        f"/referrals/{referral['id']}", {"status": "declined", "decline_reason": "no_capacity"}
    )

    assert response.status_code == 200, response.json
    assert response.json["status"] == "declined" and "reason" not in response.json
    screenings, entry = read(api_as, db, care.live, f"/people/{care.person}/screenings")
    assert_need_only(screenings, [response.json])
    assert entry.detail is None


def test_accepting_a_referral_answers_with_its_reason(care, api_as):
    api = api_as(care.live)
    [referral] = [r for r in api.get(f"/people/{care.person}/referrals").json if r["status"] == "made"]

    response = api.patch(f"/referrals/{referral['id']}", {"status": "accepted"})

    assert response.status_code == 200, response.json
    assert response.json["reason"] == REASON


def test_a_screening_recorded_by_resettlement_answers_with_the_need_only(care, api_as):
    response = api_as(care.resettlement).post(
        f"/people/{care.person}/screenings",
        {"tool": "audit_c", "answers": [2, 2, 1], "intervention": "referred"},
    )

    assert response.status_code == 201, response.json
    assert set(response.json) == NEED_SCREENING_FIELDS
    assert response.json["need"] == "Full AUDIT needed"
    assert "Full AUDIT required" not in json.dumps(response.json)


def test_a_referral_made_by_resettlement_answers_without_its_reason(care, api_as, make_staff):
    housing = make_staff("treatment")
    response = api_as(care.resettlement).post(
        f"/people/{care.person}/referrals", {"to_team_id": housing.team_id, "reason": REASON}
    )

    assert response.status_code == 201, response.json
    assert "reason" not in response.json and REASON not in json.dumps(response.json)


def test_a_screening_recorded_by_the_offender_manager_answers_with_score_and_zone(care, api_as):
    response = api_as(care.om).post(f"/people/{care.person}/screenings", ZONE_IV)

    assert response.status_code == 201, response.json
    assert (response.json["score"], response.json["zone"]) == (20, 4)
    assert response.json["need"] == "Specialist alcohol referral needed"


# An ATR's treatment team: for the order's length, from its start to order_end_on inclusive.


@pytest.fixture
def on_order(make_staff, make_person, api_as, today):
    """on_order(order_end_on): (the ATR's treatment worker, person id) for an order ending that day."""

    def make(order_end_on: date) -> tuple[Any, int]:
        om, worker = make_staff("offender_manager"), make_staff("treatment")
        api = api_as(om)
        pid = make_person(om)["id"]
        start = today - timedelta(days=200)
        assert api.post(f"/people/{pid}/stages", court(start)).status_code == 201
        atr = {
            "kind": "atr",
            "start_on": str(start + timedelta(days=7)),
            "order_type": "community_order",
            "order_end_on": str(order_end_on),
            "atr_end_on": str(order_end_on),
            "treatment_team_id": worker.team_id,
            "dependency_assessed": True,
            "consent_recorded": True,
        }
        response = api.post(f"/people/{pid}/stages", atr)
        assert response.status_code == 201, response.json
        assert api.post(f"/people/{pid}/screenings", ZONE_IV).status_code == 201
        refer(api, pid, make_staff("treatment").team_id)  # to another service: the reason is clinical
        return worker, pid

    return make


@pytest.mark.parametrize(
    ("days_to_order_end", "clinical"),
    [(100, True), (0, True), (-1, False)],
    ids=["during the order", "on order_end_on", "the day after order_end_on"],
)
def test_an_atr_treatment_team_sees_clinical_detail_for_the_orders_length(
    on_order, api_as, db, today, days_to_order_end, clinical
):
    worker, pid = on_order(today + timedelta(days=days_to_order_end))

    screenings, screenings_read = read(api_as, db, worker, f"/people/{pid}/screenings")
    referrals, referrals_read = read(api_as, db, worker, f"/people/{pid}/referrals")

    if clinical:
        assert (screenings[0]["score"], screenings[0]["zone"]) == (20, 4)
        assert referrals[0]["reason"] == REASON
    else:
        assert set(screenings[0]) == NEED_SCREENING_FIELDS
        assert REASON not in json.dumps(referrals) and "reason" not in referrals[0]
    marked = {"clinical": True} if clinical else None
    assert (screenings_read.detail, referrals_read.detail) == (marked, marked)


def test_the_clinical_reads_of_a_person_are_answerable_from_the_audit_log(care, api_as, db):
    since = last_entry_id(db)
    for staff in (care.om, care.resettlement, care.live, care.declined):
        api_as(staff).get(f"/people/{care.person}/screenings")
    db.session.expire_all()

    clinical_readers = {
        e.actor_id
        for e in db.session.scalars(select(AuditEntry).where(AuditEntry.id > since, disclosed(care.person)))
        if (e.detail or {}).get("clinical")
    }

    assert clinical_readers == {care.om.id, care.live.id}


def test_the_openapi_document_names_both_shapes(client):
    spec = client.get("/api/v1/openapi.json").json
    schemas = spec["components"]["schemas"]
    listed = spec["paths"]["/api/v1/people/{person_id}/screenings"]["get"]["responses"]["200"]
    shapes = listed["content"]["application/json"]["schema"]["items"]["anyOf"]

    assert {"ScreeningOut", "ScreeningNeedOut", "ReferralOut", "ReferralNeedOut"} <= set(schemas)
    assert {s["$ref"].rsplit("/", 1)[-1] for s in shapes} == {"ScreeningOut", "ScreeningNeedOut"}
    assert "answers" not in schemas["ScreeningNeedOut"]["properties"]
    assert "reason" not in schemas["ReferralNeedOut"]["properties"]


@pytest.mark.parametrize("who", ["om", "colleague", "live", "declined", "resettlement"])
def test_the_decision_costs_the_same_few_queries_however_many_referrals(
    care, api_as, db, make_staff, count_queries, today, who
):
    from tracker.pathway.access import clinical_access
    from tracker.pathway.models import Person

    staff, person = getattr(care, who), db.session.get(Person, care.person)

    def queries() -> int:
        db.session.expire_all()
        caller, found = db.session.get(type(staff), staff.id), db.session.get(Person, care.person)
        with count_queries() as counted:
            clinical_access(caller, found, today)
        return len(counted)

    few = queries()
    for _ in range(5):
        refer(api_as(care.om), person.id, make_staff("treatment").team_id)
    assert queries() == few <= 2
