"""Every read of a person is audited (issue 10, item 4): each route that shows a person, API and pages,
found in app.url_map, leaves an audit entry naming the person when their offender manager opens it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tracker.audit import AuditEntry, disclosed
from tracker.types import utcnow

# Routes with an id that show no person: administration, reports, uploads, files.
NOT_ABOUT_A_PERSON = (
    "/admin",
    "/api/v1/reports",
    "/reports",
    "/releases",
    "/assets",
    "/static",
    "/web-static",
    # A calendar feed names nobody; each fetch is audited as a whole (tests/web/test_calendar.py).
    "/calendar",
)
# Lists that show people without an id in their address.
LISTS = ["/caseload", "/alerts", "/api/v1/people", "/api/v1/alerts"]
# Pages only the treatment team holding a person opens (arrest referral): a manager's look is refused
# (403), and the refusal is audited.
HOLDING_TEAM_ONLY = ("/people/<int:person_id>/charge", "/people/<int:person_id>/share-consent")
# The handover boards (/board, /api/v1/handovers) are an establishment's: audited, but not the manager's.


@pytest.fixture
def case(app, db, world, make_case, today):
    """A person in custody with an appointment, a referral, a screening and an open alert."""
    from tracker.alerts.models import Alert
    from tracker.alerts.service import raise_event_alert
    from tracker.pathway import care
    from tracker.pathway.models import Handover

    person = make_case(world.om, "custody", release_in=10)
    when = datetime.combine(today + timedelta(days=3), datetime.min.time(), UTC) + timedelta(hours=10)
    appointment = care.book_appointment(
        person, {"kind": "probation", "starts_at": when}, by=world.om, now=utcnow()
    )
    referral = care.make_referral(
        person, {"to_team_id": world.treatment_team.id, "reason": "Alcohol need"}, by=world.om, now=utcnow()
    )
    screening = care.record_screening(
        person,
        {"tool": "audit_c", "answers": [2, 2, 2], "intervention": "simple_advice"},
        by=world.om,
        now=utcnow(),
    )
    raise_event_alert(person, "sms_reply", "Text reply: hello", "people", person.id, now=utcnow())
    db.session.commit()
    return {
        "person_id": person.id,
        "appointment_id": appointment.id,
        "referral_id": referral.id,
        "screening_id": screening.id,
        "stage_id": person.open_pathway.current_stage.id,
        "handover_id": db.session.scalar(select(Handover.id).where(Handover.person_id == person.id)),
        "alert_id": db.session.scalar(select(Alert.id).where(Alert.person_id == person.id)),
        "tool": "audit_c",
        "kind": "licence",
    }


def routes_showing_a_person(app) -> list[str]:
    rules = [
        r
        for r in app.url_map.iter_rules()
        if "GET" in r.methods and r.arguments and not r.rule.startswith(NOT_ABOUT_A_PERSON)
    ]
    return sorted(r.rule for r in rules) + LISTS


def address(rule: str, values: dict) -> str:
    for name, value in values.items():
        rule = rule.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
    return rule.replace("<any(audit, audit_c, fast):tool>", values["tool"])


def test_every_route_that_shows_a_person_is_audited(app, db, world, case, signed_in, api_as):
    browser, api = signed_in(world.om), api_as(world.om)
    unaudited = []
    for rule in routes_showing_a_person(app):
        url = address(rule, case)
        before = entries(db, world.om.id, case["person_id"])
        if url.startswith("/api/v1"):
            response = api.get(url.removeprefix("/api/v1"))
        else:
            response = browser.get(url)
        expected = 403 if rule in HOLDING_TEAM_ONLY else 200
        if response.status_code != expected:
            unaudited.append((rule, response.status_code))
        elif entries(db, world.om.id, case["person_id"]) == before:
            unaudited.append(rule)
    assert unaudited == [], "\n".join(map(str, unaudited))


def entries(db, actor_id: int, person_id: int) -> int:
    db.session.rollback()
    return db.session.scalar(
        select(func.count()).where(AuditEntry.actor_id == actor_id, disclosed(person_id))
    )
