"""extensions.among() and array_literal(): a batch of ids as one array on PostgreSQL, IN elsewhere."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text

from tracker.audit import AuditEntry, record
from tracker.extensions import among, array_literal


def test_among_selects_exactly_the_rows_named(db):
    for n in range(5):
        record(None, "view", subject_type="people", subject_id=n, person_id=n)
    db.session.commit()
    ids = db.session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)).all()

    chosen = db.session.scalars(select(AuditEntry.person_id).where(among(AuditEntry.id, ids[1:4] + ids[1:2])))

    assert sorted(chosen) == [1, 2, 3]
    assert db.session.scalars(select(AuditEntry.id).where(among(AuditEntry.id, []))).all() == []


def test_an_array_literal_reads_back_as_the_values_it_was_made_from(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("array literals are PostgreSQL's")
    strings = ["plain", 'with "quotes"', "back\\slash", "comma, {brace}", "", None, "NULL"]

    assert db.session.scalar(text("SELECT CAST(:x AS text[])"), {"x": array_literal(strings)}) == strings
    days = [date(2026, 11, 30), None]
    assert db.session.scalar(text("SELECT CAST(:x AS date[])"), {"x": array_literal(days)}) == days
    assert db.session.scalar(text("SELECT CAST(:x AS integer[])"), {"x": array_literal([3, 1, 2])}) == [
        3,
        1,
        2,
    ]
