"""The append-only audit log: every view and change of a person's data, and every refused attempt."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select, text, update

from tests.helpers import last_entry_id
from tracker.audit import AuditEntry, AuditIsAppendOnly, disclosures_of
from tracker.types import utcnow


@pytest.fixture
def person(om, make_person, make_team, api_as, today) -> dict:
    """A person in custody with an appointment and a referral, made by their offender manager."""
    prison = make_team("HMP Bristol", "prison", "BCI")
    service = make_team("Bristol Community Alcohol Service", "treatment")
    api = api_as(om)
    person = make_person(om)
    pid = person["id"]
    stage = api.post(
        f"/people/{pid}/stages",
        {
            "kind": "custody",
            "start_on": str(today - timedelta(days=30)),
            "basis": "remand",
            "establishment_team_id": prison.id,
            "release_dates": {"crd": str(today + timedelta(days=60))},
        },
    )
    appointment = api.post(
        f"/people/{pid}/appointments",
        {"kind": "probation", "starts_at": f"{today + timedelta(days=7)}T10:00:00+00:00"},
    )
    referral = api.post(f"/people/{pid}/referrals", {"to_team_id": service.id, "reason": "Alcohol need"})
    assert {stage.status_code, appointment.status_code, referral.status_code} == {201}
    return person | {
        "stage": stage.json["id"],
        "appointment": appointment.json["id"],
        "referral": referral.json["id"],
        "service": service.id,
        "today": today,
    }


def entries_after(db, last_id: int) -> list[AuditEntry]:
    db.session.expire_all()
    return db.session.scalars(select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id)).all()


READS = [
    ("/people/{id}", "people"),
    ("/people/{id}/pathway", "pathways"),
    ("/people/{id}/pathways", "pathways"),
    ("/people/{id}/appointments", "appointments"),
    ("/people/{id}/referrals", "referrals"),
    ("/people/{id}/screenings", "screenings"),
]


@pytest.mark.parametrize(("path", "subject_type"), READS)
def test_every_read_of_a_person_writes_one_view_entry(om, person, api_as, db, path, subject_type):
    api = api_as(om)
    since = last_entry_id(db)

    assert api.get(path.format(id=person["id"])).status_code == 200

    [entry] = entries_after(db, since)
    assert (entry.actor_id, entry.action, entry.person_id) == (om.id, "view", person["id"])
    assert entry.subject_type == subject_type
    assert entry.at is not None and entry.at.tzinfo is not None


def test_a_view_of_one_person_keeps_no_list_and_no_empty_detail(om, person, api_as, db):
    since = last_entry_id(db)

    assert api_as(om).get(f"/people/{person['id']}/pathway").status_code == 200

    stored = db.session.execute(
        text("SELECT person_ids IS NULL, detail IS NULL FROM audit_entries WHERE id > :since"),
        {"since": since},
    ).all()
    assert [tuple(row) for row in stored] == [(True, True)]  # SQL NULLs, not JSON's null


def test_a_list_writes_one_view_entry_naming_each_person_listed(om, make_person, api_as, db):
    ids = {make_person(om, family_name=f"Name{n}")["id"] for n in range(3)}
    since = last_entry_id(db)

    assert {p["id"] for p in api_as(om).get("/people").json} == ids

    [entry] = entries_after(db, since)
    assert (entry.actor_id, entry.action, entry.subject_type) == (om.id, "view", "people")
    assert sorted(entry.person_ids) == sorted(ids)


def test_listing_50_people_discloses_each_of_them_to_who_saw_them(om, api_as, db):
    from tracker.pathway import service

    for n in range(55):
        service.create_person({"given_name": "Sam", "family_name": f"Jones{n:02d}"}, by=om, now=utcnow())
    db.session.commit()
    since = last_entry_id(db)

    page = api_as(om).get("/people").json

    [entry] = entries_after(db, since)
    assert len(page) == 50 and sorted(entry.person_ids) == sorted(p["id"] for p in page)
    for shown in page:
        saw = [e for e in db.session.scalars(disclosures_of(shown["id"])) if e.id > since]
        assert [(e.id, e.actor_id, e.action) for e in saw] == [(entry.id, om.id, "view")]


def test_who_saw_a_person_finds_single_and_listed_views_and_nobody_elses(om, make_person, api_as, db):
    mine, other = make_person(om)["id"], make_person(om, family_name="Other")["id"]
    since = last_entry_id(db)
    api = api_as(om)

    api.get("/people")
    api.get(f"/people/{mine}")

    saw = [e for e in db.session.scalars(disclosures_of(mine)) if e.id > since]
    assert [(e.subject_type, e.person_id) for e in saw] == [("people", None), ("people", mine)]
    assert [e.id for e in db.session.scalars(disclosures_of(other)) if e.id > since] == [saw[0].id]


def test_creating_a_person_writes_a_create_entry(om, api_as, db):
    since = last_entry_id(db)

    created = api_as(om).post("/people", {"given_name": "Ann", "family_name": "Lee"})

    assert created.status_code == 201
    [entry] = entries_after(db, since)
    assert (entry.actor_id, entry.action, entry.person_id) == (om.id, "create", created.json["id"])
    assert (entry.subject_type, entry.subject_id) == ("people", created.json["id"])


# (method, path, body, action, subject_type); bodies built from the person fixture.
WRITES = [
    ("PATCH", "/people/{id}", lambda p: {"given_name": "Changed"}, "update", "people"),
    (
        "POST",
        "/people/{id}/stages",
        lambda p: {"kind": "licence", "start_on": str(p["today"])},
        "create",
        "stages",
    ),
    (
        "PATCH",
        "/stages/{stage}",
        lambda p: {"release_dates": {"crd": str(p["today"] + timedelta(days=61))}},
        "update",
        "stages",
    ),
    (
        "POST",
        "/people/{id}/appointments",
        lambda p: {"kind": "probation", "starts_at": f"{p['today'] + timedelta(days=8)}T10:00:00+00:00"},
        "create",
        "appointments",
    ),
    ("PATCH", "/appointments/{appointment}", lambda p: {"outcome": "cancelled"}, "update", "appointments"),
    (
        "POST",
        "/people/{id}/referrals",
        lambda p: {"to_team_id": p["service"], "reason": "Again"},
        "create",
        "referrals",
    ),
    ("PATCH", "/referrals/{referral}", lambda p: {"status": "accepted"}, "update", "referrals"),
    (
        "POST",
        "/people/{id}/screenings",
        lambda p: {"tool": "audit_c", "answers": [1, 1, 1], "intervention": "education"},
        "create",
        "screenings",
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "action", "subject_type"), WRITES, ids=[f"{w[0]} {w[1]}" for w in WRITES]
)
def test_every_write_writes_an_entry(om, person, api_as, db, method, path, body, action, subject_type):
    api = api_as(om)
    since = last_entry_id(db)

    response = getattr(api, method.lower())(path.format(**person), body(person))

    assert response.status_code in (200, 201), response.json
    [entry] = entries_after(db, since)
    assert (entry.actor_id, entry.action, entry.person_id) == (om.id, action, person["id"])
    assert (entry.subject_type, entry.subject_id) == (subject_type, response.json["id"])


def test_a_refused_write_leaves_no_entry(om, person, api_as, db):
    since = last_entry_id(db)

    refused = api_as(om).post(
        f"/people/{person['id']}/stages", {"kind": "arrest", "start_on": str(person["today"])}
    )

    assert refused.status_code == 409
    assert entries_after(db, since) == []


@pytest.mark.parametrize("path", ["/people/{id}", "/people/{id}/pathway", "/people/{id}/screenings"])
def test_an_out_of_scope_read_is_logged_as_denied(person, make_staff, api_as, db, path):
    outsider = make_staff("offender_manager")
    api = api_as(outsider)
    since = last_entry_id(db)

    assert api.get(path.format(id=person["id"])).status_code == 404

    [entry] = entries_after(db, since)
    assert (entry.actor_id, entry.action) == (outsider.id, "denied")
    assert (entry.subject_type, entry.subject_id) == ("people", person["id"])


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PATCH", "/people/{id}", {"given_name": "Changed"}),
        (
            "POST",
            "/people/{id}/screenings",
            {"tool": "audit_c", "answers": [1, 1, 1], "intervention": "education"},
        ),
        ("PATCH", "/appointments/{appointment}", {"outcome": "cancelled"}),
        ("PATCH", "/referrals/{referral}", {"status": "accepted"}),
    ],
)
def test_an_out_of_scope_write_is_logged_as_denied_and_nothing_else(
    person, make_staff, api_as, db, method, path, body
):
    commissioner = make_staff("commissioner")
    api = api_as(commissioner)
    since = last_entry_id(db)

    assert getattr(api, method.lower())(path.format(**person), body).status_code == 404

    [entry] = entries_after(db, since)
    assert (entry.actor_id, entry.action) == (commissioner.id, "denied")
    assert (entry.subject_type, entry.subject_id) == ("people", person["id"])


def test_a_missing_id_is_logged_as_denied_too(om, api_as, db):
    since = last_entry_id(db)

    assert api_as(om).get("/people/424242").status_code == 404

    [entry] = entries_after(db, since)
    assert (entry.actor_id, entry.action, entry.subject_id) == (om.id, "denied", 424242)


@pytest.fixture
def entry(om, make_person, db) -> AuditEntry:
    make_person(om)
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).first()


def test_an_entry_cannot_be_changed_through_the_orm(entry, db):
    action = entry.action
    entry.action = "tampered"

    with pytest.raises(AuditIsAppendOnly):
        db.session.flush()

    db.session.rollback()
    assert db.session.get(AuditEntry, entry.id).action == action


def test_an_entry_cannot_be_deleted_through_the_orm(entry, db):
    db.session.delete(entry)

    with pytest.raises(AuditIsAppendOnly):
        db.session.flush()

    db.session.rollback()
    assert db.session.get(AuditEntry, entry.id) is not None


@pytest.mark.parametrize(
    "statement",
    [
        lambda: update(AuditEntry).values(action="tampered"),
        lambda: delete(AuditEntry),
    ],
    ids=["update", "delete"],
)
def test_bulk_orm_statements_cannot_change_entries(entry, db, statement):
    try:
        with pytest.raises(AuditIsAppendOnly):
            db.session.execute(statement())
    finally:
        db.session.rollback()
