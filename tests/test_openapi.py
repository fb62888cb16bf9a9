"""The OpenAPI 3 document at /api/v1/openapi.json, and /healthz."""

from __future__ import annotations

import re

import pytest

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}
SPEC_PATH = "/api/v1/openapi.json"


@pytest.fixture
def spec(client) -> dict:
    response = client.get(SPEC_PATH)
    assert response.status_code == 200
    return response.json


def openapi_path(rule: str) -> str:
    """A Flask rule (/people/<int:person_id>) written as an OpenAPI path (/people/{person_id})."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def test_the_document_is_openapi_3_and_needs_no_token(spec):
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"]


def test_every_api_route_is_documented_with_its_methods(app, spec):
    routes = {
        (openapi_path(rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.rule != SPEC_PATH
        for method in rule.methods
        if method.lower() in HTTP_METHODS
    }
    documented = {
        (path, method)
        for path, operations in spec["paths"].items()
        for method in operations
        if method in HTTP_METHODS
    }

    assert routes, "no /api/v1 routes registered"
    assert documented == routes


def test_every_operation_has_a_summary_or_description(spec):
    undescribed = [
        (path, method)
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if method in HTTP_METHODS and not (operation.get("summary") or operation.get("description"))
    ]

    assert undescribed == []


def test_the_document_declares_bearer_authentication(spec):
    schemes = spec["components"]["securitySchemes"]
    bearer = [name for name, scheme in schemes.items() if scheme == {"type": "http", "scheme": "bearer"}]

    assert bearer
    assert {name for requirement in spec["security"] for name in requirement} <= set(bearer)
    assert spec["security"]


def test_request_bodies_refer_to_schemas_in_the_document(spec):
    bodies = [
        operation["requestBody"]["content"]["application/json"]["schema"]
        for operations in spec["paths"].values()
        for method, operation in operations.items()
        if method in HTTP_METHODS and "requestBody" in operation
    ]
    names = {body["$ref"].rsplit("/", 1)[-1] for body in bodies if "$ref" in body}

    assert len(bodies) >= 7  # people POST/PATCH, stages POST/PATCH, appointments, referrals, screenings
    assert names <= set(spec["components"]["schemas"])


def test_healthz_answers_200_with_the_database_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json["database"] == "ok"


def _input_schemas(spec: dict) -> list[tuple[str, dict]]:
    """(where, schema) of every property a client sends: request bodies (nested ones too) and queries."""
    components = spec["components"]["schemas"]
    found: list[tuple[str, dict]] = []

    def walk(where: str, schema: dict) -> None:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            return walk(name, components[name])
        for name, prop in schema.get("properties", {}).items():
            found.append((f"{where}.{name}", prop))
            walk(f"{where}.{name}", prop)
        if "items" in schema:
            walk(where, schema["items"])

    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method not in HTTP_METHODS:
                continue
            if "requestBody" in operation:
                walk(f"{method} {path}", operation["requestBody"]["content"]["application/json"]["schema"])
            for parameter in operation.get("parameters", []):
                found.append((f"{method} {path}?{parameter['name']}", parameter.get("schema", {})))
    return found


def test_every_date_a_client_sends_states_its_bound(spec):
    dates = [
        (where, schema)
        for where, schema in _input_schemas(spec)
        if schema.get("format") in ("date", "date-time")
    ]
    unbounded = [
        where
        for where, schema in dates
        if not re.search(
            r"From \d{4}-\d{2}-\d{2} to (today|\d{4}-\d{2}-\d{2})", schema.get("description", "")
        )
    ]

    assert len(dates) >= 25  # people, stages, release dates, appointments, referrals
    assert unbounded == []


def test_every_id_a_client_sends_states_the_id_range(spec):
    ids = [
        (where, schema)
        for where, schema in _input_schemas(spec)
        if where.endswith("_id") and schema.get("type") == "integer"
    ]
    unbounded = [where for where, schema in ids if schema.get("maximum") != 2**31 - 1]

    assert len(ids) >= 8
    assert unbounded == []
