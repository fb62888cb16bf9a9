"""tracker/inputs.py: what any request may carry (issue 10 item 1).

Ids beyond the id columns' integer are a 404 in a path and a 422 naming the field in a body; control
characters are refused by the field's name; JSON is nested at most 20 deep; a body over the limit is a
413 before any authentication, without being read.
"""

from __future__ import annotations

import re
import socket
import threading

import pytest

from tracker.inputs import MAX_ID

BEYOND = [2**31, 2**63, 10**30]
API = "/api/v1"


@pytest.fixture
def treatment_team(make_team):
    return make_team("Bristol Community Alcohol Service", "treatment")


def routes_with_ids(app, prefix: str) -> list[tuple[str, str]]:
    """(method, rule) for every route under prefix with an <int:...> in its path."""
    return sorted(
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(prefix) and "<int:" in rule.rule
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


def with_id(rule: str, value: int | str) -> str:
    return re.sub(r"<int:[^>]+>", str(value), rule)


def test_every_api_route_with_an_id_answers_404_for_an_id_beyond_the_column(app, api):
    routes = routes_with_ids(app, API)
    assert len(routes) >= 14

    answers = {
        (method, rule, value): api._call(method, with_id(rule, value).removeprefix(API), json={}).status_code
        for method, rule in routes
        for value in (*BEYOND, -1)
    }

    assert {key: status for key, status in answers.items() if status != 404} == {}


def test_the_openapi_document_gives_every_path_id_its_range(client):
    spec = client.get(f"{API}/openapi.json").json
    ids = [
        parameter["schema"]
        for path_item in spec["paths"].values()
        for parameter in path_item.get("parameters", [])
        if parameter["in"] == "path" and parameter["name"].endswith("_id")
    ]

    assert len(ids) >= 10 and all(
        schema == {"type": "integer", "minimum": 0, "maximum": MAX_ID} for schema in ids
    )


@pytest.mark.parametrize("value", BEYOND)
def test_a_team_id_beyond_the_column_in_a_body_is_a_422_naming_the_field(api, person_id, value):
    booked = api.post(
        f"/people/{person_id}/appointments",
        {"kind": "probation", "starts_at": "2026-12-01T10:00:00Z", "team_id": value},
    )
    referred = api.post(f"/people/{person_id}/referrals", {"to_team_id": value, "reason": "AUDIT 21"})
    assigned = api.patch(f"/people/{person_id}", {"offender_manager_id": value})
    board = api.get(f"/handovers?team_id={value}")

    for response, field in [
        (booked, "team_id"),
        (referred, "to_team_id"),
        (assigned, "offender_manager_id"),
        (board, "team_id"),
    ]:
        assert response.status_code == 422, (field, response.status_code, response.json)
        assert response.json["errors"] == {field: [f"Not an id: ids run from 1 to {MAX_ID}."]}


def test_an_id_with_a_fraction_is_refused_not_cut_to_a_whole_number(api, person_id):
    response = api.post(
        f"/people/{person_id}/appointments",
        {"kind": "probation", "starts_at": "2026-12-01T10:00:00Z", "team_id": 1.5},
    )

    assert response.status_code == 422
    assert response.json["errors"] == {"team_id": ["Not a valid integer."]}


def test_a_stage_naming_a_team_beyond_the_column_is_a_422_and_stores_nothing(api, person_id):
    response = api.post(
        f"/people/{person_id}/stages",
        {"kind": "custody", "start_on": "2026-01-05", "basis": "remand", "establishment_team_id": 2**63},
    )

    assert response.status_code == 422
    assert list(response.json["errors"]) == ["establishment_team_id"]
    assert api.get(f"/people/{person_id}").json["stage_kind"] is None


# (method, path, body, the field the refusal names); {person} is filled in.
CONTROL_CHARACTERS = [
    ("POST", "/people", {"given_name": "Sam\x00", "family_name": "Jones"}, "given_name"),
    ("POST", "/people", {"given_name": "Sam", "family_name": "Jo\nnes"}, "family_name"),
    (
        "POST",
        "/people",
        {"given_name": "Sam", "family_name": "Jones", "ethnic_group": "\x85"},
        "ethnic_group",
    ),
    ("POST", "/people", {"given_name": "S\ud800m", "family_name": "Jones"}, "given_name"),
    ("PATCH", "/people/{person}", {"mobile": "07911\x7f123456"}, "mobile"),
    ("GET", "/people?q=Jo%00nes", None, "q"),
    (
        "POST",
        "/people/{person}/stages",
        {"kind": "court", "start_on": "2026-01-05", "court": "\x1b[31m"},
        "court",
    ),
    (
        "POST",
        "/people/{person}/stages",
        {"kind": "closed", "start_on": "2026-01-05", "reason": "other", "note": "gone\x00"},
        "note",
    ),
    (
        "POST",
        "/people/{person}/appointments",
        {"kind": "probation", "starts_at": "2026-12-01T10:00:00Z", "location_label": "Room\x001"},
        "location_label",
    ),
    ("POST", "/people/{person}/referrals", {"to_team_id": 1, "reason": "\x00"}, "reason"),
    (
        "POST",
        "/people/{person}/screenings",
        {"tool": "fast", "answers": ["\x00"], "intervention": "x"},
        "answers",
    ),
    ("PATCH", "/handovers/1", {"checklist": {"accommodation\x00": "done"}}, "checklist"),
    ("POST", "/alerts/1/resolve", {"note": "done\x00"}, "note"),
    ("GET", "/alerts?status=open%00", None, "status"),
]


@pytest.mark.parametrize(("method", "path", "body", "field"), CONTROL_CHARACTERS)
def test_a_control_character_in_any_string_is_a_422_naming_the_field(
    api, person_id, method, path, body, field
):
    response = api._call(method, path.format(person=person_id), json=body)

    assert response.status_code == 422, response.json
    assert list(response.json["errors"]) == [field]
    assert "control character" in response.json["errors"][field][0]


def test_a_control_character_in_nested_release_dates_names_the_nested_field(api, person_id, make_team):
    prison = make_team("HMP Bristol", "prison", "BCI")

    response = api.post(
        f"/people/{person_id}/stages",
        {
            "kind": "custody",
            "start_on": "2026-01-05",
            "basis": "remand",
            "establishment_team_id": prison.id,
            "release_dates": {"source": "NOMIS\x00", "crd": "2027-01-05"},
        },
    )

    assert response.status_code == 422
    assert list(response.json["errors"]["release_dates"]) == ["source"]


def test_free_text_keeps_its_tabs_and_line_breaks(api, person_id, treatment_team):
    referral = api.post(
        f"/people/{person_id}/referrals",
        {"to_team_id": treatment_team.id, "reason": "AUDIT 22.\r\n\tDrinks daily."},
    )
    closed = api.post(
        f"/people/{person_id}/stages",
        {"kind": "identified", "start_on": "2026-01-05"},
    )

    assert referral.status_code == 201, referral.json
    assert referral.json["reason"] == "AUDIT 22.\r\n\tDrinks daily."
    assert closed.status_code == 201


def test_nothing_is_stored_when_a_name_holds_a_nul(api, db):
    from sqlalchemy import func, select

    from tracker.pathway.models import Person

    api.post("/people", {"given_name": "Sam\x00", "family_name": "Jones"})

    assert db.session.scalar(select(func.count()).select_from(Person)) == 0


def nested(depth: int) -> str:
    return '{"given_name": ' + "[" * (depth - 1) + "]" * (depth - 1) + ', "family_name": "Jones"}'


@pytest.mark.parametrize("depth", [21, 100_000], ids=["one too deep", "deeper than Python recurses"])
def test_json_nested_too_deep_is_a_422_not_a_crash(api, depth):
    response = api.client.post(
        f"{API}/people", data=nested(depth), content_type="application/json", headers=auth(api)
    )

    assert response.status_code == 422
    assert response.json["errors"] == {"json": ["The JSON is nested deeper than 20 levels."]}


def test_a_json_null_body_is_judged_by_the_schema(api):
    response = api.client.post(
        f"{API}/people", data="null", content_type="application/json", headers=auth(api)
    )

    assert response.status_code == 422
    assert "json" not in response.json["errors"]


def test_json_twenty_deep_is_read_and_judged_by_the_schema(api):
    response = api.client.post(
        f"{API}/people", data=nested(20), content_type="application/json", headers=auth(api)
    )

    assert response.status_code == 422
    assert list(response.json["errors"]) == ["given_name"]


def test_a_number_too_long_for_python_is_a_422(api):
    body = '{"given_name": "Sam", "family_name": "Jones", "offender_manager_id": ' + "9" * 5000 + "}"

    response = api.client.post(f"{API}/people", data=body, content_type="application/json", headers=auth(api))

    assert response.status_code == 422
    assert list(response.json["errors"]) == ["json"]


def auth(api) -> dict[str, str]:
    return {"Authorization": f"Bearer {api.token}"}


class Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = readlines = __iter__ = read


UNREAD_200_MIB = {"wsgi.input": Unreadable(), "CONTENT_LENGTH": str(200 * 1024 * 1024)}


def test_a_body_over_a_mebibyte_is_a_413_before_any_token_is_checked(client):
    response = client.post(f"{API}/people", data=b"x" * (1024 * 1024 + 1), content_type="application/json")

    assert response.status_code == 413
    assert response.json["code"] == 413 and "WWW-Authenticate" not in response.headers


def test_a_200_mib_body_is_refused_unread(client):
    response = client.post(f"{API}/people", content_type="application/json", environ_overrides=UNREAD_200_MIB)

    assert response.status_code == 413


def test_a_200_mib_body_to_a_page_is_refused_unread_with_a_page(client):
    response = client.post(
        "/sign-in", content_type="application/x-www-form-urlencoded", environ_overrides=UNREAD_200_MIB
    )

    assert response.status_code == 413
    assert response.mimetype == "text/html"


def test_a_real_server_answers_413_to_a_200_mib_body_without_waiting_for_it(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
            conn.sendall(
                b"POST /api/v1/people HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                b"Content-Length: 209715200\r\n\r\n" + b"[" * 1024
            )
            status_line = conn.recv(4096).split(b"\r\n", 1)[0]
    finally:
        server.shutdown()

    assert status_line == b"HTTP/1.1 413 REQUEST ENTITY TOO LARGE"


def test_a_multipart_form_with_too_many_parts_or_too_long_a_field_is_a_413(client):
    multipart = "multipart/form-data"
    many = client.post("/sign-in", data={f"f{n}": "x" for n in range(250)}, content_type=multipart)
    long = client.post("/sign-in", data={"email": "x" * (300 * 1024)}, content_type=multipart)

    assert (many.status_code, long.status_code) == (413, 413)


def test_a_plain_form_over_a_mebibyte_is_a_413(client):
    response = client.post("/sign-in", data={"email": "x" * (1024 * 1024)})

    assert response.status_code == 413


def test_only_a_view_marked_for_uploads_takes_more_than_a_mebibyte():
    from flask import request

    from tracker import create_app
    from tracker.inputs import accepts_uploads

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, env="test")

    @app.post("/upload-test")
    @accepts_uploads
    def upload():
        return {"received": len(request.get_data())}

    @app.post("/plain-test")
    def plain():
        return {"received": len(request.get_data())}

    client = app.test_client()
    body = b"x" * (2 * 1024 * 1024)

    assert client.post("/upload-test", data=body).json == {"received": len(body)}
    assert client.post("/plain-test", data=body).status_code == 413
    assert client.post("/upload-test", data=b"x" * (21 * 1024 * 1024)).status_code == 413


def test_a_page_of_people_past_the_last_is_empty_however_far(api, person_id):
    response = api.get("/people?page=26612124473503763628326020710400&page_size=288")

    assert response.status_code == 200
    assert response.json == []
