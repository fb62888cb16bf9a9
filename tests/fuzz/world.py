"""The world the API is fuzzed in: the demo caseload, a token for each role, and real ids.

Generated path ids are mostly random, so most requests would only ever meet a 404. with_real_ids maps
most of them onto records that exist, deterministically (the same generated id always gives the same
record), so a fixed seed replays the same requests and the fuzzing reaches the use cases.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

# Every role of DESIGN's table, by its demo account; "anonymous" sends no token at all.
ROLE_ACCOUNTS = {
    "offender_manager": "om@example.org",
    "resettlement": "resettlement@example.org",
    "treatment": "treatment@example.org",
    "commissioner": "commissioner@example.org",
    "admin": "admin@example.org",
}
SEED = 20261130


def seed_world() -> dict[str, str]:
    """Demo teams, accounts and caseload in an empty database, and a fresh API token for each role."""
    from tracker.auth.models import Staff
    from tracker.auth.service import issue_token
    from tracker.extensions import db
    from tracker.pathway import demo
    from tracker.types import utcnow

    demo.seed(utcnow())
    tokens = {
        role: issue_token(db.session.scalar(select(Staff).where(Staff.email == email)), now=utcnow())
        for role, email in ROLE_ACCOUNTS.items()
    }
    db.session.commit()
    return tokens


def known_ids() -> dict[str, list[int]]:
    """The ids of the records in the database, by the path parameter that names them."""
    from tracker.alerts.models import Alert
    from tracker.extensions import db
    from tracker.pathway.models import Appointment, CaseRequest, Handover, Person, Referral, Stage

    models = {
        "person_id": Person,
        "stage_id": Stage,
        "appointment_id": Appointment,
        "referral_id": Referral,
        "handover_id": Handover,
        "alert_id": Alert,
        "request_id": CaseRequest,
    }
    return {
        name: list(db.session.scalars(select(model.id).order_by(model.id))) for name, model in models.items()
    }


def with_real_ids(path_parameters: dict[str, Any] | None, known: dict[str, list[int]]) -> Any:
    """Three generated ids in four become the id of a record that exists; the fourth stays as made."""
    if not path_parameters:
        return path_parameters
    mapped = dict(path_parameters)
    for name, value in path_parameters.items():
        ids = known.get(name)
        if ids and isinstance(value, int) and value % 4:
            mapped[name] = ids[value % len(ids)]
    return mapped
