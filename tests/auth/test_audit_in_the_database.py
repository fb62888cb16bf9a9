"""The audit log is append-only in the database itself (issue 10, item 4): a trigger refuses UPDATE and
DELETE on both databases, and TRUNCATE on PostgreSQL, unless a purge is allowed for the transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import exc, func, select, text

from tracker.audit import AuditEntry, allow_purge, end_purge, record

CHANGES = {
    "update": "UPDATE audit_entries SET action = 'tampered'",
    "delete": "DELETE FROM audit_entries",
    "truncate": "TRUNCATE audit_entries",
}


@pytest.fixture
def entry(db):
    record(None, "view", subject_type="people", subject_id=1, person_id=1)
    db.session.commit()


def entries(db) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


@pytest.mark.parametrize("change", CHANGES)
def test_sql_that_bypasses_the_orm_cannot_change_the_log(entry, db, change):
    if change == "truncate" and db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")

    with pytest.raises(exc.DatabaseError, match="append-only"), db.engine.begin() as connection:
        connection.execute(text(CHANGES[change]))

    assert entries(db) == 1


def test_a_purge_allowed_for_one_transaction_empties_the_log_and_ends_with_it(entry, db):
    with db.engine.begin() as connection:
        allow_purge(connection)
        connection.execute(text(CHANGES["delete"]))
        end_purge(connection)

    assert entries(db) == 0
    record(None, "view", subject_type="people", subject_id=1, person_id=1)
    db.session.commit()
    with pytest.raises(exc.DatabaseError, match="append-only"), db.engine.begin() as connection:
        connection.execute(text(CHANGES["delete"]))
    assert entries(db) == 1
