"""Importing a prison release list: each checked row applied through the pathway's own use cases.

A known person's open custody stage gets the new dates through service.update_release_dates, as the
API does, so handovers, alerts and texts move with them; a known person without one gets a custody
stage through service.add_stage where the transition table allows it; an unknown person is created
with service.create_person only when the row names their offender manager. Rows go in batches of 500,
each in a savepoint; a batch that fails is undone and its rows tried one by one in their own
savepoints, so every valid row is kept and no row is half-applied. The caller commits, or rolls back
for a dry run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from tracker import audit
from tracker.auth.models import Staff, Team
from tracker.errors import Refusal
from tracker.extensions import db
from tracker.pathway import release_rows, service, stages
from tracker.pathway.models import Pathway, Person, Stage
from tracker.pathway.release_rows import Reject, Row

BATCH = 500
NOT_YOURS = "Not your establishment."


@dataclass(frozen=True)
class ImportActor:
    """Who the use cases record as acting when the import runs from the command line: no account."""

    id: None = None
    role: str = "import"


@dataclass
class Plan:
    """What one row will do: create a person, open a custody stage, or change dates (or nothing)."""

    row: Row
    action: str  # "create", "open", "update" or "unchanged"
    person: Person | None = None
    stage: Stage | None = None
    person_fields: dict[str, Any] = field(default_factory=dict)
    stage_fields: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, Any] = field(default_factory=dict)


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
    today: date,
    establishment: Team | None = None,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Read, check and apply a release list; raises release_rows.Unreadable for a file we cannot read."""
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
    _hold_transaction()
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        _apply_batch(batch, outcome, source[:60], by, today, establishment)
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
    rows: list[Row], outcome: Outcome, source: str, by: Any, today: date, establishment: Team | None
) -> None:
    context = _Context.load(rows)
    plans: list[Plan] = []
    for row in rows:
        planned = _plan(row, context, today, source, establishment)
        if isinstance(planned, Reject):
            outcome.rejects.append(planned)
            continue
        outcome.warnings.extend(planned[1])
        plans.append(planned[0])
    try:
        with db.session.begin_nested():
            for plan in plans:
                _apply(plan, by)
    except (Refusal, SQLAlchemyError):
        plans = _one_by_one(plans, outcome, by)
    for plan in plans:
        setattr(outcome, _COUNTERS[plan.action], getattr(outcome, _COUNTERS[plan.action]) + 1)


_COUNTERS = {"create": "created", "open": "opened", "update": "updated", "unchanged": "unchanged"}


def _one_by_one(plans: list[Plan], outcome: Outcome, by: Any) -> list[Plan]:
    """Retry a failed batch row by row; the rows that fail are rejects, the others are kept."""
    kept = []
    for plan in plans:
        if plan.person is not None:
            db.session.refresh(plan.person)
        try:
            with db.session.begin_nested():
                _apply(plan, by)
        except Refusal as refused:
            column, reason = next(iter(refused.errors.items()), ("", refused.message))
            outcome.rejects.append(Reject(plan.row.line, column.removeprefix("release_dates."), reason))
        except SQLAlchemyError as failed:
            reason = f"Could not be saved ({type(failed).__name__}); nothing of this row was kept."
            outcome.rejects.append(Reject(plan.row.line, "", reason))
        else:
            kept.append(plan)
    return kept


def _apply(plan: Plan, by: Any) -> None:
    if plan.action == "create":
        person = service.create_person(dict(plan.person_fields), by)
        service.add_stage(person, dict(plan.stage_fields), by)
    elif plan.action == "open":
        assert plan.person is not None
        if plan.person_fields:
            service.update_person(plan.person, dict(plan.person_fields), by)
        service.add_stage(plan.person, dict(plan.stage_fields), by)
    elif plan.action == "update":
        assert plan.person is not None and plan.stage is not None
        if plan.person_fields:
            service.update_person(plan.person, dict(plan.person_fields), by)
        if "sentence_start_on" in plan.stage_fields:
            plan.stage.sentence_start_on = plan.stage_fields["sentence_start_on"]
        service.update_release_dates(plan.stage, dict(plan.changes), by)


@dataclass
class _Context:
    """Everything a batch's rows name, loaded in a few statements: people, establishments, managers."""

    by_prison_number: dict[str, list[Person]]
    by_crn: dict[str, Person]
    establishments: dict[str, Team]
    managers: dict[str, Staff]

    @classmethod
    def load(cls, rows: Iterable[Row]) -> _Context:
        rows = list(rows)
        numbers = {r.prison_number for r in rows if r.prison_number}
        crns = {r.crn for r in rows if r.crn}
        codes = {r.establishment_code for r in rows if r.establishment_code}
        emails = {r.offender_manager_email for r in rows if r.offender_manager_email}
        people = db.session.scalars(
            select(Person)
            .where(or_(Person.prison_number.in_(numbers), Person.crn.in_(crns)))
            .options(
                selectinload(Person.pathways).selectinload(Pathway.stages).selectinload(Stage.release_dates)
            )
        ).all()
        context = cls({}, {}, {}, {})
        for person in people:
            if person.prison_number:
                context.by_prison_number.setdefault(person.prison_number, []).append(person)
            if person.crn:
                context.by_crn[person.crn] = person
        if codes:
            teams = db.session.scalars(select(Team).where(Team.code.in_(codes), Team.kind == "prison"))
            context.establishments = {t.code: t for t in teams if t.code}
        if emails:
            staff = db.session.scalars(
                select(Staff).where(Staff.email.in_(emails), Staff.role == "offender_manager", Staff.active)
            )
            context.managers = {s.email.lower(): s for s in staff}
        return context


def _plan(
    row: Row, context: _Context, today: date, source: str, establishment: Team | None
) -> tuple[Plan, list[Reject]] | Reject:
    matched = _match(row, context)
    if isinstance(matched, Reject):
        return matched
    if row.establishment_code and row.establishment_code not in context.establishments:
        return Reject(row.line, "establishment_code", "Unknown establishment code.")
    person, warnings = matched, []
    if person is None:
        return _plan_new(row, context, today, source)
    if row.offender_manager_email and (
        person.offender_manager is None or person.offender_manager.email.lower() != row.offender_manager_email
    ):
        warnings.append(
            Reject(
                row.line, "offender_manager_email", "A different offender manager is assigned; not changed."
            )
        )
    ids = {k: v for k, v in (("crn", row.crn), ("prison_number", row.prison_number)) if v}
    missing = {k: v for k, v in ids.items() if getattr(person, k) is None}
    stage = _open_custody(person)
    if stage is None:
        planned = _plan_open(row, person, context, today, source)
        if isinstance(planned, Reject):
            return planned
        planned.person_fields = missing
        return planned, warnings
    if establishment is not None and stage.establishment_team_id != establishment.id:
        return Reject(row.line, "establishment_code", NOT_YOURS)
    if row.establishment_code and context.establishments[row.establishment_code].id != (
        stage.establishment_team_id
    ):
        warnings.append(
            Reject(
                row.line, "establishment_code", "Held at another establishment; transfers are not imported."
            )
        )
    planned = _plan_update(row, person, stage, source, missing)
    return planned if isinstance(planned, Reject) else (planned, warnings)


def _match(row: Row, context: _Context) -> Person | None | Reject:
    """The person a row names: by prison number, then by CRN, never by name."""
    by_number = context.by_prison_number.get(row.prison_number or "", [])
    if len(by_number) > 1:
        return Reject(row.line, "prison_number", "More than one person has this prison number.")
    first = by_number[0] if by_number else None
    second = context.by_crn.get(row.crn or "")
    if first is not None and second is not None and first is not second:
        return Reject(row.line, "crn", "The prison number and the CRN belong to different people.")
    if first is not None and row.crn and first.crn and first.crn != row.crn:
        return Reject(row.line, "crn", "The prison number belongs to a person with a different CRN.")
    if second is not None and row.prison_number and second.prison_number not in (None, row.prison_number):
        return Reject(
            row.line, "prison_number", "The CRN belongs to a person with a different prison number."
        )
    return first or second


def _open_custody(person: Person) -> Stage | None:
    pathway = person.open_pathway
    stage = pathway.current_stage if pathway else None
    return stage if stage is not None and stage.kind == "custody" and stage.end_on is None else None


def _custody_fields(row: Row, context: _Context, today: date, source: str) -> dict[str, Any] | Reject:
    if not row.establishment_code:
        return Reject(row.line, "establishment_code", "Needed to open a custody stage.")
    start_on = row.sentence_start_on or today
    late = _before_start(row, start_on)
    if late:
        return late
    fields: dict[str, Any] = {
        "kind": "custody",
        "start_on": start_on,
        "basis": "sentenced",
        "establishment_team_id": context.establishments[row.establishment_code].id,
    }
    if row.sentence_start_on:
        fields["sentence_start_on"] = row.sentence_start_on
    dates = {k: v for k, v in row.release_dates.items() if v is not None}
    if dates:
        fields["release_dates"] = dates | {"source": source}
    return fields


def _before_start(row: Row, start_on: date) -> Reject | None:
    for kind, value in row.release_dates.items():
        if value is not None and value < start_on:
            return Reject(row.line, kind, f"Cannot fall before the custody stage starts ({start_on}).")
    return None


def _plan_new(row: Row, context: _Context, today: date, source: str) -> tuple[Plan, list[Reject]] | Reject:
    if not row.offender_manager_email:
        return Reject(
            row.line, "offender_manager_email", "Not known here: name an offender manager to add them."
        )
    manager = context.managers.get(row.offender_manager_email)
    if manager is None:
        return Reject(row.line, "offender_manager_email", "No active offender manager with this email.")
    for column in ("given_name", "family_name"):
        if not getattr(row, column):
            return Reject(row.line, column, "Needed to add a person.")
    fields = _custody_fields(row, context, today, source)
    if isinstance(fields, Reject):
        return fields
    person_fields = {
        "given_name": row.given_name,
        "family_name": row.family_name,
        "date_of_birth": row.date_of_birth,
        "crn": row.crn,
        "prison_number": row.prison_number,
        "offender_manager_id": manager.id,
    }
    return Plan(row, "create", person_fields=person_fields, stage_fields=fields), []


def _plan_open(row: Row, person: Person, context: _Context, today: date, source: str) -> Plan | Reject:
    latest = service.latest_stage(person)
    pathway = person.open_pathway
    current = pathway.current_stage.kind if pathway and pathway.current_stage else None
    try:
        stages.check_transition(current, "custody")
    except stages.TransitionRefused as refused:
        return Reject(row.line, "", f"{refused} Allowed next: {', '.join(refused.allowed)}.")
    fields = _custody_fields(row, context, today, source)
    if isinstance(fields, Reject):
        return fields
    try:
        stages.check_start_on(latest.start_on if latest else None, fields["start_on"])
    except stages.StageDateRefused as refused:
        column = "sentence_start_on" if row.sentence_start_on else ""
        return Reject(row.line, column, refused.message)
    return Plan(row, "open", person=person, stage_fields=fields)


def _plan_update(
    row: Row, person: Person, stage: Stage, source: str, missing: dict[str, Any]
) -> Plan | Reject:
    stored = stage.release_date_map()
    changes: dict[str, Any] = {k: v for k, v in row.release_dates.items() if stored.get(k) != v}
    stage_fields = {}
    if row.sentence_start_on and row.sentence_start_on != stage.sentence_start_on:
        stage_fields["sentence_start_on"] = row.sentence_start_on
    if not changes and not stage_fields and not missing:
        return Plan(row, "unchanged", person=person, stage=stage)
    late = _before_start(row, stage.start_on)
    if late:
        return late
    return Plan(
        row,
        "update",
        person=person,
        stage=stage,
        person_fields=missing,
        stage_fields=stage_fields,
        changes=changes | {"source": source},
    )
