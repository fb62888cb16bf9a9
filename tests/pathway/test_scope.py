"""Who may see and change which person (DESIGN: Who uses it, Security; issue 2 item 7).

Outside the caller's scope every person endpoint answers 404 exactly as a missing id does, and
changes nothing; a record the caller may read but not change answers 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

MISSING = 987_654


@dataclass
class Caseload:
    """One person on an offender manager's caseload, in custody, with one record of every kind."""

    om: object
    prison: object
    service: object
    person: int
    stage: int
    appointment: int
    referral: int
    today: date

    def ids(self) -> dict[str, int]:
        return {
            "person": self.person,
            "stage": self.stage,
            "appointment": self.appointment,
            "referral": self.referral,
        }


@pytest.fixture
def caseload(make_staff, make_team, api_as, make_person, today) -> Caseload:
    om = make_staff("offender_manager")
    prison = make_team("HMP Bristol", "prison", "BCI")
    service = make_team("Bristol Community Alcohol Service", "treatment")
    api = api_as(om)
    person = make_person(om)["id"]
    stage = api.post(
        f"/people/{person}/stages",
        {
            "kind": "custody",
            "start_on": str(today - timedelta(days=30)),
            "basis": "sentenced",
            "establishment_team_id": prison.id,
            "sentence_start_on": str(today - timedelta(days=30)),
            "release_dates": {"crd": str(today + timedelta(days=60)), "source": "NOMIS"},
        },
    )
    assert stage.status_code == 201, stage.json
    appointment = api.post(
        f"/people/{person}/appointments",
        {
            "kind": "probation",
            "starts_at": f"{today + timedelta(days=70)}T10:00:00+00:00",
            "team_id": om.team_id,
        },
    )
    assert appointment.status_code == 201, appointment.json
    referral = api.post(f"/people/{person}/referrals", {"to_team_id": service.id, "reason": "Alcohol need"})
    assert referral.status_code == 201, referral.json
    screening = api.post(
        f"/people/{person}/screenings",
        {"tool": "audit_c", "answers": [2, 2, 2], "intervention": "simple_advice"},
    )
    assert screening.status_code == 201, screening.json
    return Caseload(
        om, prison, service, person, stage.json["id"], appointment.json["id"], referral.json["id"], today
    )


# (method, path, body): every endpoint that reaches one person's data; bodies are valid for the owner.
ENDPOINTS = [
    ("GET", "/people/{person}", None),
    ("PATCH", "/people/{person}", lambda c: {"given_name": "Changed"}),
    (
        "POST",
        "/people/{person}/stages",
        lambda c: {
            "kind": "licence",
            "start_on": str(c.today),
            "supervision_end_on": str(c.today + timedelta(days=365)),
        },
    ),
    ("GET", "/people/{person}/pathway", None),
    ("GET", "/people/{person}/pathways", None),
    ("PATCH", "/stages/{stage}", lambda c: {"release_dates": {"crd": str(c.today + timedelta(days=61))}}),
    ("GET", "/people/{person}/appointments", None),
    (
        "POST",
        "/people/{person}/appointments",
        lambda c: {"kind": "probation", "starts_at": f"{c.today + timedelta(days=7)}T10:00:00+00:00"},
    ),
    ("PATCH", "/appointments/{appointment}", lambda c: {"outcome": "cancelled"}),
    ("GET", "/people/{person}/referrals", None),
    ("POST", "/people/{person}/referrals", lambda c: {"to_team_id": c.service.id, "reason": "Again"}),
    ("PATCH", "/referrals/{referral}", lambda c: {"status": "accepted"}),
    ("GET", "/people/{person}/screenings", None),
    (
        "POST",
        "/people/{person}/screenings",
        lambda c: {"tool": "audit_c", "answers": [0, 0, 0], "intervention": "education"},
    ),
]
WRITES = [e for e in ENDPOINTS if e[0] != "GET"]
READS = [e for e in ENDPOINTS if e[0] == "GET"]


def _id(endpoint) -> str:
    return f"{endpoint[0]} {endpoint[1]}"


def call(api, endpoint, caseload: Caseload, ids: dict[str, int] | None = None):
    method, path, body = endpoint
    url = path.format(**(ids or caseload.ids()))
    if method == "GET":
        return api.get(url)
    return getattr(api, method.lower())(url, body(caseload))


def snapshot(db) -> dict[str, list[tuple]]:
    """Every row of every table but the audit log and the tokens, to prove nothing changed."""
    db.session.expire_all()
    tables = [t for t in db.metadata.sorted_tables if t.name not in ("audit_entries", "api_tokens")]
    return {
        t.name: [tuple(row) for row in db.session.execute(select(t).order_by(*t.primary_key.columns))]
        for t in tables
    }


# Each role that must not see the caseload's person, made in a team where it is most tempting.
OUTSIDERS = {
    "offender manager of another team": lambda c, make_staff, make_team: make_staff("offender_manager"),
    "resettlement of another prison": lambda c, make_staff, make_team: make_staff(
        "resettlement", team=make_team("HMP Eastwood Park", "prison", "EWI")
    ),
    "treatment with no referral": lambda c, make_staff, make_team: make_staff("treatment"),
    "commissioner in the manager's team": lambda c, make_staff, make_team: make_staff(
        "commissioner", team=c.om.team
    ),
    "admin in the manager's team": lambda c, make_staff, make_team: make_staff("admin", team=c.om.team),
}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=_id)
def test_the_owner_can_use_every_endpoint(caseload, api_as, endpoint):
    response = call(api_as(caseload.om), endpoint, caseload)

    assert response.status_code in (200, 201), response.json


@pytest.mark.parametrize("outsider", OUTSIDERS)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=_id)
def test_outside_scope_answers_404_like_a_missing_id_and_changes_nothing(
    caseload, make_staff, make_team, api_as, db, endpoint, outsider
):
    api = api_as(OUTSIDERS[outsider](caseload, make_staff, make_team))
    before = snapshot(db)

    refused = call(api, endpoint, caseload)
    missing = call(api, endpoint, caseload, ids=dict.fromkeys(caseload.ids(), MISSING))

    assert refused.status_code == 404, refused.json
    assert missing.status_code == 404, missing.json
    assert refused.json == missing.json
    assert snapshot(db) == before


@pytest.mark.parametrize("endpoint", READS, ids=_id)
def test_an_offender_manager_reads_a_team_colleagues_person(caseload, make_staff, api_as, endpoint):
    colleague = make_staff("offender_manager", team=caseload.om.team)

    assert call(api_as(colleague), endpoint, caseload).status_code == 200


@pytest.mark.parametrize("endpoint", WRITES, ids=_id)
def test_an_offender_manager_may_not_change_a_team_colleagues_person(
    caseload, make_staff, api_as, db, endpoint
):
    colleague = make_staff("offender_manager", team=caseload.om.team)
    before = snapshot(db)

    response = call(api_as(colleague), endpoint, caseload)

    assert response.status_code == 403, response.json
    assert response.json["code"] == 403 and response.json["message"]
    assert snapshot(db) == before


def test_a_team_colleagues_person_is_in_the_list(caseload, make_staff, api_as):
    colleague = make_staff("offender_manager", team=caseload.om.team)

    assert [p["id"] for p in api_as(colleague).get("/people").json] == [caseload.person]


def test_an_offender_manager_of_another_team_lists_nobody(caseload, make_staff, api_as):
    assert api_as(make_staff("offender_manager")).get("/people").json == []


# --- resettlement: people held at the establishment, and those it released in the last 12 weeks ---


def _in_custody(api, make_person, om, prison, start_on: date, **fields) -> int:
    person = make_person(om, **fields)["id"]
    response = api.post(
        f"/people/{person}/stages",
        {"kind": "custody", "start_on": str(start_on), "basis": "remand", "establishment_team_id": prison.id},
    )
    assert response.status_code == 201, response.json
    return person


def _released(api, person: int, on: date) -> None:
    response = api.post(f"/people/{person}/stages", {"kind": "licence", "start_on": str(on)})
    assert response.status_code == 201, response.json


@pytest.fixture
def prison_and_officer(make_staff, make_team):
    prison = make_team("HMP Bristol", "prison", "BCI")
    return prison, make_staff("resettlement", team=prison)


def test_resettlement_sees_a_person_held_at_its_establishment(
    make_staff, api_as, make_person, prison_and_officer, today
):
    om = make_staff("offender_manager")
    prison, officer = prison_and_officer
    held = _in_custody(api_as(om), make_person, om, prison, today - timedelta(days=10))
    api = api_as(officer)

    assert api.get(f"/people/{held}").status_code == 200
    assert api.get(f"/people/{held}/pathway").json["current_stage"]["kind"] == "custody"
    assert [p["id"] for p in api.get("/people").json] == [held]


@pytest.mark.parametrize(
    ("days_since_release", "visible"), [(0, True), (1, True), (84, True), (85, False), (400, False)]
)
def test_resettlement_sees_a_person_released_within_12_weeks_and_not_after(
    make_staff, api_as, make_person, prison_and_officer, today, days_since_release, visible
):
    om = make_staff("offender_manager")
    prison, officer = prison_and_officer
    om_api = api_as(om)
    person = _in_custody(om_api, make_person, om, prison, today - timedelta(days=500))
    _released(om_api, person, today - timedelta(days=days_since_release))
    api = api_as(officer)

    assert api.get(f"/people/{person}").status_code == (200 if visible else 404)
    assert [p["id"] for p in api.get("/people").json] == ([person] if visible else [])


def test_the_list_kept_for_a_team_moves_on_with_the_day(
    make_staff, api_as, make_person, prison_and_officer, today, monkeypatch
):
    """The list's statement is built once per team and day and kept: the next day gets the next day's."""
    import tracker.pathway.api

    om = make_staff("offender_manager")
    prison, officer = prison_and_officer
    om_api = api_as(om)
    person = _in_custody(om_api, make_person, om, prison, today - timedelta(days=500))
    _released(om_api, person, today - timedelta(days=84))
    api = api_as(officer)
    assert [p["id"] for p in api.get("/people").json] == [person]

    monkeypatch.setattr(tracker.pathway.api, "local_today", lambda: today + timedelta(days=1))

    assert api.get("/people").json == []


def test_resettlement_sees_nothing_of_a_person_held_at_another_prison(
    make_staff, make_team, api_as, make_person, prison_and_officer, today
):
    om = make_staff("offender_manager")
    _, officer = prison_and_officer
    elsewhere = make_team("HMP Eastwood Park", "prison", "EWI")
    person = _in_custody(api_as(om), make_person, om, elsewhere, today - timedelta(days=10))
    api = api_as(officer)

    assert api.get(f"/people/{person}").status_code == 404
    assert api.get(f"/people/{person}/pathway").status_code == 404
    assert api.get("/people").json == []


# --- treatment: people referred to the team, and people on an ATR it provides ---


def _on_atr(api, person: int, provider, today: date) -> None:
    response = api.post(
        f"/people/{person}/stages",
        {
            "kind": "atr",
            "start_on": str(today - timedelta(days=20)),
            "order_type": "community_order",
            "order_end_on": str(today + timedelta(days=340)),
            "atr_end_on": str(today + timedelta(days=160)),
            "treatment_team_id": provider.id,
            "dependency_assessed": True,
            "consent_recorded": True,
        },
    )
    assert response.status_code == 201, response.json


@pytest.fixture
def treatment_world(make_staff, make_team, api_as, make_person, today):
    """A treatment worker, a person referred to their team, one on their ATR, and two of another service."""
    om = make_staff("offender_manager")
    ours = make_team("Bristol Community Alcohol Service", "treatment")
    theirs = make_team("Bath Recovery Service", "treatment")
    worker = make_staff("treatment", team=ours)
    om_api = api_as(om)
    referred = make_person(om, family_name="Referred")["id"]
    assert (
        om_api.post(f"/people/{referred}/referrals", {"to_team_id": ours.id, "reason": "Need"}).status_code
        == 201
    )
    on_order = make_person(om, family_name="Ordered")["id"]
    _on_atr(om_api, on_order, ours, today)
    referred_elsewhere = make_person(om, family_name="Elsewhere")["id"]
    assert (
        om_api.post(
            f"/people/{referred_elsewhere}/referrals", {"to_team_id": theirs.id, "reason": "Need"}
        ).status_code
        == 201
    )
    ordered_elsewhere = make_person(om, family_name="Other")["id"]
    _on_atr(om_api, ordered_elsewhere, theirs, today)
    return api_as(worker), {
        "referred": referred,
        "on_order": on_order,
        "referred_elsewhere": referred_elsewhere,
        "ordered_elsewhere": ordered_elsewhere,
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("referred", 200),
        ("on_order", 200),
        ("referred_elsewhere", 404),
        ("ordered_elsewhere", 404),
    ],
)
def test_treatment_sees_people_referred_to_its_team_or_on_its_atr(treatment_world, who, status):
    api, people = treatment_world

    assert api.get(f"/people/{people[who]}").status_code == status


def test_treatment_lists_only_its_people(treatment_world):
    api, people = treatment_world

    assert sorted(p["id"] for p in api.get("/people").json) == sorted(
        [people["referred"], people["on_order"]]
    )


# --- the list and creating people ---


@pytest.mark.parametrize("role", ["commissioner", "admin"])
def test_commissioners_and_admins_may_not_list_people(caseload, make_staff, api_as, role):
    response = api_as(make_staff(role, team=caseload.om.team)).get("/people")

    assert response.status_code == 403
    assert response.json["code"] == 403 and response.json["message"]


@pytest.mark.parametrize("role", ["resettlement", "treatment", "commissioner", "admin"])
def test_only_offender_managers_create_people(make_staff, api_as, db, role):
    api = api_as(make_staff(role))
    before = snapshot(db)

    response = api.post("/people", {"given_name": "Sam", "family_name": "Jones"})

    assert response.status_code == 403, response.json
    assert snapshot(db) == before


# --- tokens ---


class NoToken:
    """Calls /api/v1 with no Authorization header at all."""

    def __init__(self, client):
        self.client = client

    def get(self, path):
        return self.client.get(f"/api/v1{path}")

    def post(self, path, json=None):
        return self.client.post(f"/api/v1{path}", json=json)

    def patch(self, path, json=None):
        return self.client.patch(f"/api/v1{path}", json=json)


ALL_PATHS = [
    ("GET", "/people", None),
    ("POST", "/people", lambda c: {"given_name": "A", "family_name": "B"}),
    ("GET", "/me", None),
    ("GET", "/teams", None),
    *ENDPOINTS,
]


@pytest.mark.parametrize("endpoint", ALL_PATHS, ids=_id)
def test_every_endpoint_needs_a_token(caseload, client, endpoint):
    response = call(NoToken(client), endpoint, caseload)

    assert response.status_code == 401
    assert response.is_json and response.json["code"] == 401 and "Bearer" in response.json["message"]


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer not-a-token",
        "Bearer " + "A" * 43,
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "bearer-but-not-really",
    ],
)
def test_a_wrong_token_answers_401_json(make_staff, api_as, client, authorization):
    api_as(make_staff())  # a real token exists, so a wrong one is not refused for want of any

    response = client.get("/api/v1/me", headers={"Authorization": authorization})

    assert response.status_code == 401
    assert response.is_json and response.json["code"] == 401


def test_a_token_in_the_wrong_scheme_is_refused(make_staff, api_as, client):
    api = api_as(make_staff())

    response = client.get("/api/v1/me", headers={"Authorization": f"Token {api.token}"})

    assert response.status_code == 401


def test_401_names_the_bearer_scheme(client):
    response = client.get("/api/v1/me")

    assert response.headers.get("WWW-Authenticate", "").startswith("Bearer")


def test_a_revoked_token_answers_401(make_staff, api_as, db):
    from tracker.auth.models import ApiToken
    from tracker.types import utcnow

    api = api_as(make_staff())
    for token in db.session.scalars(select(ApiToken)):
        token.revoked_at = utcnow()
    db.session.commit()

    assert api.get("/me").status_code == 401


def test_a_disabled_staff_members_token_answers_401(make_staff, api_as, db):
    staff = make_staff()
    api = api_as(staff)
    assert api.get("/me").status_code == 200

    staff.active = False
    db.session.commit()

    response = api.get("/me")
    assert response.status_code == 401 and response.is_json


def test_me_is_the_caller(make_staff, make_team, api_as):
    prison = make_team("HMP Bristol", "prison", "BCI")
    staff = make_staff("resettlement", team=prison, email="rhys@example.org")

    me = api_as(staff).get("/me")

    assert me.status_code == 200
    assert me.json["id"] == staff.id
    assert me.json["email"] == "rhys@example.org"
    assert me.json["role"] == "resettlement"
    assert me.json["team"] == {"id": prison.id, "name": "HMP Bristol", "kind": "prison", "code": "BCI"}
    assert "password_hash" not in me.json


def test_teams_lists_every_team_by_name(make_staff, make_team, api_as):
    make_team("HMP Bristol", "prison", "BCI")
    make_team("Avon Police", "police")
    staff = make_staff("commissioner", team=make_team("Commissioning", "other"))

    teams = api_as(staff).get("/teams")

    assert teams.status_code == 200
    assert [t["name"] for t in teams.json] == ["Avon Police", "Commissioning", "HMP Bristol"]
    assert {t["name"]: t["code"] for t in teams.json}["HMP Bristol"] == "BCI"


# Only the owning team or the offender manager changes an appointment (issue 10, item 5)


@pytest.mark.parametrize("body", [{"outcome": "cancelled"}, {"starts_at": "MOVE"}])
def test_a_resettlement_user_cannot_change_a_probation_appointment(caseload, make_staff, api_as, db, body):
    resettlement = make_staff("resettlement", team=caseload.prison)  # holds the person: may see them
    if "starts_at" in body:
        body = {"starts_at": f"{caseload.today + timedelta(days=71)}T10:00:00+00:00"}
    before = snapshot(db)

    response = api_as(resettlement).patch(f"/appointments/{caseload.appointment}", body)

    assert response.status_code == 403, response.json
    assert snapshot(db) == before


def test_a_resettlement_user_changes_its_own_appointment(caseload, make_staff, api_as):
    resettlement = api_as(make_staff("resettlement", team=caseload.prison))
    booked = resettlement.post(
        f"/people/{caseload.person}/appointments",
        {"kind": "probation", "starts_at": f"{caseload.today + timedelta(days=7)}T10:00:00+00:00"},
    )
    assert booked.status_code == 201, booked.json

    response = resettlement.patch(f"/appointments/{booked.json['id']}", {"outcome": "cancelled"})

    assert response.status_code == 200, response.json


def test_the_offender_manager_changes_an_appointment_another_team_booked(caseload, make_staff, api_as):
    resettlement = api_as(make_staff("resettlement", team=caseload.prison))
    booked = resettlement.post(
        f"/people/{caseload.person}/appointments",
        {"kind": "probation", "starts_at": f"{caseload.today + timedelta(days=7)}T10:00:00+00:00"},
    )

    response = api_as(caseload.om).patch(f"/appointments/{booked.json['id']}", {"outcome": "cancelled"})

    assert response.status_code == 200, response.json
