"""Sign-ins are audited (issue 10, item 4): successful and failed ones, and never the address typed."""

from __future__ import annotations

from sqlalchemy import select

from tests.web.helpers import PASSWORD
from tracker.audit import AuditEntry


def sign_ins(db) -> list[tuple]:
    db.session.rollback()
    rows = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action.like("sign_in%")).order_by(AuditEntry.id)
    )
    return [(e.action, e.subject_type, e.subject_id, (e.detail or {}).get("why")) for e in rows]


def test_a_successful_sign_in_is_audited(world, browser, db):
    assert browser.sign_in(world.om).status_code == 302

    assert sign_ins(db) == [("sign_in", "staff", world.om.id, None)]


def test_a_wrong_password_is_audited_against_no_one_and_keeps_nothing_typed(world, browser, db):
    browser.post("/sign-in", {"email": world.om.email, "password": "wrong password"})
    browser.post("/sign-in", {"email": "nobody@example.org", "password": "hunter2"})

    assert sign_ins(db) == [("sign_in_failed", "staff", None, "wrong email address or password")] * 2
    details = str([e.detail for e in db.session.scalars(select(AuditEntry))])
    assert "nobody@example.org" not in details and "hunter2" not in details


def test_a_disabled_account_signing_in_is_audited_against_it(world, browser, db):
    world.om.active = False
    db.session.commit()

    browser.post("/sign-in", {"email": world.om.email, "password": PASSWORD})

    [(action, _, subject_id, why)] = sign_ins(db)
    assert (action, subject_id) == ("sign_in_failed", world.om.id)
