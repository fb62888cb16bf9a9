"""A slice of `make fuzz` (tests/fuzz/run.py) in the suite: schemathesis over the OpenAPI document, against
the app in this process, for every role and with no token, with a fixed seed and few examples.

Every answer must be below 500 and conform to the document (status, content type, body schema). The
seeded world (tests/fuzz/world.py) is made once for the module; most generated path ids are mapped onto
records that exist so the requests reach the use cases, not only the 404.
"""

from __future__ import annotations

import pytest
import schemathesis
import schemathesis.checks
from schemathesis.config import SchemathesisConfig

from tests.conftest import _empty_tables
from tests.fuzz.world import ROLE_ACCOUNTS, SEED, known_ids, seed_world, with_real_ids

ROLES = [*ROLE_ACCOUNTS, "anonymous"]
# Few examples per operation, each sent once for every role: about 10,000 requests, under two minutes
# per database. No example database: a fixed seed replays the same requests, and nothing is written.
CONFIG = {
    "seed": SEED,
    "generation": {"max-examples": 8, "database": "none"},
    "phases": {
        "examples": {"enabled": False},
        "coverage": {"enabled": True},
        "fuzzing": {"enabled": True},
        "stateful": {"enabled": False},
    },
    "suppress-health-check": ["all"],
}
CHECKS = "not_a_server_error status_code_conformance content_type_conformance response_schema_conformance"


@pytest.fixture(scope="module")
def fuzz_world(_migrated_app):
    """The demo caseload, alerts swept, a token per role and the ids that exist; emptied afterwards."""
    from tracker.extensions import db

    with _migrated_app.app_context():
        # The demo caseload's mobiles are in Ofcom's drama range, allowed in development only.
        _migrated_app.config["ALLOW_DRAMA_NUMBERS"] = True
        try:
            tokens = seed_world()
        finally:
            _migrated_app.config["ALLOW_DRAMA_NUMBERS"] = False
        swept = _migrated_app.test_cli_runner().invoke(args=["alerts", "sweep"])
        assert swept.exit_code == 0, swept.output
        known = known_ids()
    yield tokens, known
    with _migrated_app.app_context():
        db.session.remove()
        _empty_tables(db)  # the one reset that may empty the append-only audit log


def _document() -> dict:
    """The OpenAPI document, from an app of its own: the cases are built when the tests are collected."""
    from tracker import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, env="test").test_client().get(SPEC).json


SPEC = "/api/v1/openapi.json"
schema = schemathesis.openapi.from_dict(_document(), config=SchemathesisConfig.from_dict(CONFIG))


@schema.parametrize()
def test_no_request_of_any_role_is_a_server_error(case, fuzz_world, _migrated_app):
    checks = [getattr(schemathesis.checks, name) for name in CHECKS.split()]
    tokens, known = fuzz_world
    case.path_parameters = with_real_ids(case.path_parameters, known)
    for role in ROLES:
        headers = {"Authorization": f"Bearer {tokens[role]}"} if role in tokens else {}
        case.call_and_validate(app=_migrated_app, headers=headers, checks=checks)
