"""What a use case owes its caller (issue 9 items 4 and 5): it stamps what it writes with the caller's
`now`, leaves the caller's dicts as they were given, and flushes without committing, so the caller's
rollback undoes all of it; a refused lookup keeps its "denied" entry and nothing else.
"""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tracker.pathway import care, handovers, service
from tracker.pathway.models import Appointment, ConsentChange, Handover, Person, Referral, Screening, Stage

# Long past, so a row stamped from the wall clock instead could never pass for it.
NOW = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)
TODAY = date(2026, 3, 2)
LONDON = ZoneInfo("Europe/London")


def called(use_case, data: dict, *args, **kwargs):
    """Run a use case on `data` and check it left the dict exactly as it was given."""
    given = copy.deepcopy(data)
    result = use_case(*args[:1], data, *args[1:], **kwargs)
    assert data == given, f"{use_case.__name__} changed the caller's dict"
    return result


def test_use_cases_stamp_with_the_callers_now_and_leave_its_dicts_alone(db, om, prison, alcohol_service):
    person = called(
        service.create_person,
        {"given_name": "Sam", "family_name": "Jones", "mobile": "07911 123456", "sms_consent": True},
        by=om,
        now=NOW,
    )
    custody = {
        "kind": "custody",
        "start_on": TODAY - timedelta(days=60),
        "basis": "sentenced",
        "establishment_team_id": prison.id,
        "sentence_start_on": TODAY - timedelta(days=60),
        "release_dates": {"source": "test", "crd": TODAY + timedelta(days=20)},
    }
    stage = called(service.add_stage, custody, person, by=om, now=NOW)
    called(service.update_release_dates, {"confirmed": TODAY + timedelta(days=19)}, stage, by=om, now=NOW)
    called(service.update_person, {"mobile": "07911 123457"}, person, by=om, now=NOW)
    starts_at = datetime(2026, 4, 1, 10, 0, tzinfo=LONDON)
    called(care.book_appointment, {"kind": "probation", "starts_at": starts_at}, person, by=om, now=NOW)
    called(
        care.make_referral, {"to_team_id": alcohol_service.id, "reason": "AUDIT 22"}, person, by=om, now=NOW
    )
    answers = [0] * 10
    called(
        care.record_screening,
        {"tool": "audit", "answers": answers, "intervention": "education"},
        person,
        by=om,
        now=NOW,
    )
    release = db.session.scalar(select(Handover).where(Handover.kind == "release"))
    called(handovers.update_checklist, {"accommodation": "in_progress"}, release, by=om, now=NOW)

    from tracker.sms.models import Message

    stamps = {
        "person": [person.created_at, person.updated_at],
        "consent": db.session.scalars(select(ConsentChange.changed_at)).all(),
        "stage": [stage.created_at],
        "release dates": [r.recorded_at for r in stage.release_dates],
        "handovers": db.session.scalars(select(Handover.created_at)).all(),
        "checklist": [i.updated_at for i in release.items if i.updated_at],
        "appointment": db.session.scalars(select(Appointment.created_at)).all(),
        "referral": db.session.scalars(select(Referral.made_at)).all(),
        "screening": db.session.scalars(select(Screening.screened_at)).all(),
        "texts": db.session.scalars(select(Message.created_at)).all(),
    }
    assert {what: set(at) for what, at in stamps.items()} == {what: {NOW} for what in stamps}


def test_use_cases_flush_and_leave_the_commit_to_their_caller(db, om, prison):
    person = service.create_person({"given_name": "Sam", "family_name": "Jones"}, by=om, now=NOW)
    service.add_stage(
        person, {"kind": "court", "start_on": TODAY, "court": "Bristol Magistrates"}, by=om, now=NOW
    )
    assert db.session.scalar(select(func.count(Stage.id))) == 1  # flushed: the caller can read it

    db.session.rollback()

    assert db.session.scalar(select(func.count(Person.id))) == 0


def test_a_refused_lookup_keeps_its_denied_entry_and_nothing_else(app, db, om):
    from tracker.audit import AuditEntry
    from tracker.errors import Unseen
    from tracker.pathway.access import person_or_404

    with app.test_request_context("/api/v1/people/999999"):
        service.create_person({"given_name": "Written", "family_name": "Before"}, by=om, now=NOW)
        with pytest.raises(Unseen) as refused:
            person_or_404(om, 999_999, today=TODAY)
        response = app.make_response(app.handle_user_exception(refused.value))

    assert response.status_code == 404
    assert db.session.scalar(select(func.count(Person.id))) == 0
    denied = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "denied")).all()
    assert [(d.actor_id, d.subject_type, d.subject_id) for d in denied] == [(om.id, "people", 999_999)]
