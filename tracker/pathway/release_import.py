"""Importing a prison release list: read, judge and store it in batches of 500 (more for a very long
list), set by set.

Each batch is read in a constant number of statements (tracker/pathway/release_writes.py), each row
judged in plain Python against what was read (tracker/pathway/release_plan.py), and the batch stored
in bulk inside a savepoint, as the use cases would store it row by row: people and custody stages as
service.create_person and service.add_stage make them, new dates as service.update_release_dates sets
them, so handovers, alerts and texts move as they do through the API. A batch that fails is undone and
its rows tried one by one in their own savepoints, so every valid row is kept and no row is
half-applied. The caller commits, or rolls back for a dry run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from tracker import audit
from tracker.auth.models import Staff, Team
from tracker.clock import local_today
from tracker.errors import Refusal
from tracker.extensions import db
from tracker.pathway import release_plan, release_rows, release_writes
from tracker.pathway.release_plan import NOT_YOURS, Plan
from tracker.pathway.release_rows import Reject, Row

BATCH = 500
# Each batch is written in a savepoint, a subtransaction of the import's one transaction. PostgreSQL
# caches 64 of a transaction's subtransaction ids per backend and past that looks them up in pg_subtrans
# ("Subtransactions", PostgreSQL docs): measured, 100,000 rows in 200 batches took 129 s and in 50, 37 s.
# A large list therefore goes in fewer, larger batches.
MAX_BATCHES = 60


@dataclass(frozen=True)
class ImportActor:
    """Who the use cases record as acting when the import runs from the command line: no account."""

    id: None = None
    role: str = "import"


@dataclass
class Outcome:
    """What an import did (or, in a dry run, would do), row by row."""

    columns: list[str]
    rows: int = 0
    created: int = 0
    opened: int = 0
    updated: int = 0
    unchanged: int = 0
    rejects: list[Reject] = field(default_factory=list)
    warnings: list[Reject] = field(default_factory=list)
    cells_by_line: dict[int, dict[str, str]] = field(default_factory=dict)

    @property
    def applied(self) -> int:
        """Rows that changed something."""
        return self.created + self.opened + self.updated

    def summary(self) -> str:
        """The outcome in one line."""
        if not self.applied and not self.rejects:
            return f"{self.rows} rows read; nothing changed: every row matches what is stored."
        return (
            f"{self.rows} rows read: {self.created} people added, {self.opened} custody stages opened, "
            f"{self.updated} updated, {self.unchanged} unchanged, {len(self.rejects)} rejected, "
            f"{len(self.warnings)} warnings."
        )

    def rejects_csv(self) -> str:
        """The rejected rows with line, column and reason, every cell escaped for a spreadsheet."""
        return release_rows.rejects_csv(self.rejects, self.cells_by_line, self.columns)


def sha256(data: bytes) -> str:
    """The file's SHA-256, kept in the audit entry of its import."""
    return hashlib.sha256(data).hexdigest()


def run(
    data: bytes,
    *,
    source: str,
    by: Staff | ImportActor,
    now: datetime,
    establishment: Team | None = None,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Read, check and apply a release list at `now`; raises release_rows.Unreadable for a file we cannot
    read."""
    today = local_today(now)
    columns, cells = release_rows.read(release_rows.decode(data))
    outcome = Outcome(columns=columns)
    seen = release_rows.SeenRows()
    rows: list[Row] = []
    for line, row_cells in cells:
        outcome.rows += 1
        outcome.cells_by_line[line] = row_cells
        parsed = release_rows.parse(line, row_cells, today)
        if isinstance(parsed, list):
            outcome.rejects.extend(parsed)
        elif establishment is not None and parsed.establishment_code != establishment.code:
            outcome.rejects.append(Reject(line, "establishment_code", NOT_YOURS))
        elif repeat := seen.repeat(parsed):
            outcome.rejects.append(repeat)
        else:
            rows.append(parsed)
    if progress:
        progress(outcome.rows - len(rows))
    terms = release_plan.Terms(
        today=today,
        source=source[:60],
        establishment_id=establishment.id if establishment is not None else None,
        parole_lead_months=current_app.config["POM_HANDOVER_PAROLE_LEAD_MONTHS"],
    )
    _hold_transaction()
    size = max(BATCH, -(-len(rows) // MAX_BATCHES))
    for start in range(0, len(rows), size):
        batch = rows[start : start + size]
        _apply_batch(batch, outcome, terms, by, now)
        if progress:
            progress(len(batch))
    outcome.rejects.sort(key=lambda r: r.line)
    audit.record(
        by.id,
        "import",
        subject_type="release_list",
        sha256=sha256(data),
        source=source[:60],
        rows=outcome.rows,
        applied=outcome.applied,
        rejected=len(outcome.rejects),
    )
    return outcome


def _hold_transaction() -> None:
    """Open the transaction before the first savepoint, so that undoing the import undoes every batch.

    pysqlite begins a transaction only before a write: a SAVEPOINT sent first runs outside any, and
    its RELEASE commits. PostgreSQL is in a transaction already.
    """
    connection = db.session.connection()
    if connection.dialect.name == "sqlite" and not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN")


def _apply_batch(
    rows: list[Row], outcome: Outcome, terms: release_plan.Terms, by: Any, now: datetime
) -> None:
    stored = release_writes.load(rows)
    plans: list[Plan] = []
    for row in rows:
        planned = release_plan.plan(row, stored, terms)
        if isinstance(planned, Reject):
            outcome.rejects.append(planned)
            continue
        outcome.warnings.extend(planned[1])
        plans.append(planned[0])
    changing = [plan for plan in plans if plan.action != "unchanged"]
    try:
        with db.session.begin_nested():
            release_writes.write(changing, by, terms.source, now)
    except (Refusal, SQLAlchemyError):
        kept = set(map(id, _one_by_one(changing, outcome, by, terms.source, now)))
        plans = [plan for plan in plans if plan.action == "unchanged" or id(plan) in kept]
    for plan in plans:
        setattr(outcome, _COUNTERS[plan.action], getattr(outcome, _COUNTERS[plan.action]) + 1)


_COUNTERS = {"create": "created", "open": "opened", "update": "updated", "unchanged": "unchanged"}


def _one_by_one(plans: list[Plan], outcome: Outcome, by: Any, source: str, now: datetime) -> list[Plan]:
    """Retry a failed batch row by row; the rows that fail are rejects, the others are kept."""
    kept = []
    for plan in plans:
        try:
            with db.session.begin_nested():
                release_writes.write([plan], by, source, now)
        except Refusal as refused:
            column, reason = next(iter(refused.errors.items()), ("", refused.message))
            outcome.rejects.append(Reject(plan.row.line, column.removeprefix("release_dates."), reason))
        except SQLAlchemyError as failed:
            reason = f"Could not be saved ({type(failed).__name__}); nothing of this row was kept."
            outcome.rejects.append(Reject(plan.row.line, "", reason))
        else:
            kept.append(plan)
    return kept
