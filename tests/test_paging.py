"""Every /api/v1 list is paged one way (tracker/paging.py): `page` and `page_size`, an X-Pagination header.

Each list is filled with SEVEN records (more for /teams, which lists every team) and read three at a
time: page 2, the last page, a page past the last, bad parameters, the header, the OpenAPI document, and
the statements a page costs whatever its size.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

import pytest

from tracker.paging import MAX_PAGE_SIZE

SEVEN = 7
DAY = timedelta(days=1)


class World:
    """An offender manager, a prison's resettlement worker, a person, and a way to fill each list."""

    def __init__(self, db, make_staff, make_team, api_as, make_person, today):
        self.db, self.make_person, self.today = db, make_person, today
        self.prison = make_team("HMP Bristol", "prison", "BCI")
        self.treatment = make_team("Avon Alcohol Service", "treatment")
        self.om = make_staff("offender_manager")
        self.worker = make_staff("resettlement", team=self.prison)
        self.api = api_as(self.om)
        self.person = make_person(self.om)["id"]
        self.at = datetime.combine(today + 5 * DAY, time(10), UTC)

    def of(self, what: str) -> str:
        return f"/people/{self.person}/{what}"

    def post(self, path: str, body: dict) -> None:
        response = self.api.post(path, body)
        assert response.status_code == 201, response.json

    def people(self) -> None:
        for n in range(SEVEN):
            self.make_person(self.om, family_name=f"Case {n}")

    def appointments(self) -> None:
        for n in range(SEVEN):
            self.post(
                self.of("appointments"), {"kind": "probation", "starts_at": (self.at + n * DAY).isoformat()}
            )

    def referrals(self) -> None:
        for n in range(SEVEN):
            self.post(self.of("referrals"), {"to_team_id": self.treatment.id, "reason": f"Reason {n}"})

    def screenings(self) -> None:
        for _ in range(SEVEN):
            answers = {"tool": "audit_c", "answers": [1, 1, 0], "intervention": "education"}
            self.post(self.of("screenings"), answers)

    def messages(self) -> None:
        from tracker.sms.models import Message

        for n in range(SEVEN):
            self.db.session.add(
                Message(
                    person_id=self.person,
                    purpose="check_in",
                    subject_type="people",
                    subject_id=n,
                    due_at=self.at,
                )
            )
        self.db.session.commit()

    def alerts(self) -> None:
        from tracker.alerts.models import Alert

        for n in range(SEVEN):
            self.db.session.add(
                Alert(
                    rule="released",
                    subject_type="people",
                    subject_id=n,
                    checkpoint_on=date(2026, 9, 9),
                    person_id=self.person,
                    staff_id=self.om.id,
                    severity="info",
                    message="Released.",
                    status="open",
                )
            )
        self.db.session.commit()

    def pathways(self) -> None:
        for _ in range(SEVEN):
            for stage in ({"kind": "identified"}, {"kind": "closed", "reason": "other"}):
                self.post(self.of("stages"), stage | {"start_on": str(self.today)})

    def handovers(self) -> None:
        for n in range(SEVEN):
            release_on = self.today + (n + 1) * DAY
            person = self.make_person(self.om, family_name=f"Held {n}")
            stage = {
                "kind": "custody",
                "start_on": str(release_on - 90 * DAY),
                "basis": "sentenced",
                "establishment_team_id": self.prison.id,
                "release_dates": {"crd": str(release_on), "source": "NOMIS"},
            }
            self.post(f"/people/{person['id']}/stages", stage)

    def teams(self) -> None:
        from tracker.auth import service

        for n in range(SEVEN):
            service.create_team(f"Team {n}", "probation", None)
        self.db.session.commit()


@pytest.fixture
def world(db, make_staff, make_team, api_as, make_person, today) -> World:
    return World(db, make_staff, make_team, api_as, make_person, today)


# name: (path, who reads it, the query the list needs besides paging)
LISTS = {
    "people": (lambda w: "/people", "om", ""),
    "pathways": (lambda w: w.of("pathways"), "om", ""),
    "appointments": (lambda w: w.of("appointments"), "om", ""),
    "referrals": (lambda w: w.of("referrals"), "om", ""),
    "screenings": (lambda w: w.of("screenings"), "om", ""),
    "messages": (lambda w: w.of("messages"), "om", ""),
    "alerts": (lambda w: "/alerts", "om", "status=open&"),
    "handovers": (lambda w: "/handovers", "worker", "within_days=84&"),
    "teams": (lambda w: "/teams", "om", ""),
}


@pytest.fixture(params=sorted(LISTS))
def listed(request, world, api_as):
    """(get(query) -> response, every row's id in order) for one list, filled with seven rows or more."""
    path, reader, needs = LISTS[request.param]
    getattr(world, request.param)()
    api = api_as(getattr(world, reader))

    def get(query: str = ""):
        return api.get(f"{path(world)}?{needs}{query}")

    everything = get(f"page_size={MAX_PAGE_SIZE}")
    assert everything.status_code == 200, everything.json
    ids = [row["id"] for row in everything.json]
    assert len(ids) >= SEVEN and len(set(ids)) == len(ids)
    return get, ids


def header(response) -> dict:
    return json.loads(response.headers["X-Pagination"])


def test_page_two_holds_the_next_rows_in_order(listed):
    get, ids = listed

    response = get("page=2&page_size=3")

    assert response.status_code == 200
    assert [row["id"] for row in response.json] == ids[3:6]
    assert header(response) | {"total": len(ids)} == header(response)
    assert (header(response)["previous_page"], header(response)["next_page"]) == (1, 3)


def test_the_last_page_holds_what_is_left_and_names_no_next(listed):
    get, ids = listed
    last = (len(ids) - 1) // 3 + 1

    response = get(f"page={last}&page_size=3")

    assert [row["id"] for row in response.json] == ids[(last - 1) * 3 :]
    assert header(response) == {
        "total": len(ids),
        "total_pages": last,
        "first_page": 1,
        "last_page": last,
        "page": last,
        "previous_page": last - 1,
    }


def test_a_page_past_the_last_is_empty_and_says_how_many_there_are(listed):
    get, ids = listed

    response = get("page=1000&page_size=3")

    assert response.status_code == 200
    assert response.json == []
    assert header(response)["total"] == len(ids) and "page" not in header(response)


def test_a_page_beyond_the_databases_offset_range_is_empty_and_says_how_many_there_are(listed):
    get, ids = listed

    response = get(f"page={2**63 // 3}&page_size=3")

    assert response.status_code == 200
    assert response.json == []
    assert header(response)["total"] == len(ids)


def test_the_default_page_is_the_first_fifty(listed):
    get, ids = listed

    response = get()

    assert [row["id"] for row in response.json] == ids[:50]
    assert header(response)["page"] == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=two", "page"),
        ("page_size=0", "page_size"),
        (f"page_size={MAX_PAGE_SIZE + 1}", "page_size"),
        ("page_size=many", "page_size"),
    ],
)
def test_a_bad_page_or_page_size_is_422_naming_it(listed, query, field):
    get, _ = listed

    response = get(query)

    assert response.status_code == 422
    assert field in json.dumps(response.json["errors"])
    assert field in response.json["message"]


def test_the_largest_page_is_allowed(listed):
    get, ids = listed

    assert len(get(f"page_size={MAX_PAGE_SIZE}").json) == len(ids)


def test_a_page_of_one_costs_the_statements_of_a_page_of_all(listed, count_queries):
    get, ids = listed
    get("page_size=1")  # warm: a token's first use is written once

    with count_queries() as one:
        assert len(get("page_size=1").json) == 1
    with count_queries() as all_of_them:
        assert len(get(f"page_size={MAX_PAGE_SIZE}").json) == len(ids)

    assert len(all_of_them) == len(one), all_of_them


def test_every_list_documents_its_paging_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json
    lists = {
        "/api/v1/people",
        "/api/v1/people/{person_id}/pathways",
        "/api/v1/people/{person_id}/appointments",
        "/api/v1/people/{person_id}/referrals",
        "/api/v1/people/{person_id}/screenings",
        "/api/v1/people/{person_id}/messages",
        "/api/v1/alerts",
        "/api/v1/handovers",
        "/api/v1/teams",
        "/api/v1/people/{person_id}/share-consents",
        "/api/v1/case-requests",
    }
    every_array = {
        path
        for path, operations in spec["paths"].items()
        if operations.get("get", {}).get("responses", {}).get("200", {}).get("content", {})
        and _is_array(spec, operations["get"]["responses"]["200"]["content"]["application/json"]["schema"])
    }
    assert every_array == lists

    for path in lists:
        operation = spec["paths"][path]["get"]
        parameters = {p["name"]: p["schema"] for p in operation["parameters"] if p["in"] == "query"}
        assert parameters["page"]["minimum"] == 1, path
        assert (parameters["page_size"]["minimum"], parameters["page_size"]["maximum"]) == (1, MAX_PAGE_SIZE)
        assert parameters["page_size"]["default"] == 50, path
        assert "X-Pagination" in operation["responses"]["200"]["headers"], path


def _is_array(spec: dict, schema: dict) -> bool:
    if "$ref" in schema:
        return _is_array(spec, spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]])
    return schema.get("type") == "array"
