"""Reading and writing a batch of a release list in a constant number of statements.

load() reads what a batch's rows name (people, their stages, their open custody stage's release dates,
establishments, offender managers) as plain facts for tracker/pathway/release_plan.py to judge. write()
stores the plans set by set, as the use cases would one by one: a new person with their pathway,
custody stage, release dates, handovers and checklists (service.create_person and service.add_stage);
a known person's new dates on their stage and its release handover (service.update_release_dates);
and their audit entries, whose create and update entries queue the people for the alert sweep. The
release handovers it changed are announced together (events.release_dates_changed_together), so the
texts follow as they do through the API. Opening custody for a known person goes through
service.add_stage itself: it may end a stage, release or return someone, and it is the rare row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, or_, select

from tracker import audit, bulk
from tracker.auth.models import Staff, Team
from tracker.extensions import db
from tracker.pathway import checklist, events, service
from tracker.pathway.models import Handover, HandoverItem, Pathway, Person, ReleaseDate, Stage
from tracker.pathway.release_plan import Custody, Known, Plan, Stored
from tracker.pathway.release_rows import Row


def load(rows: Sequence[Row]) -> Stored:
    """What the rows name, in five statements whatever their number."""
    numbers = {r.prison_number for r in rows if r.prison_number}
    crns = {r.crn for r in rows if r.crn}
    codes = {r.establishment_code for r in rows if r.establishment_code}
    emails = {r.offender_manager_email for r in rows if r.offender_manager_email}
    stored = Stored()
    for person in _known(numbers, crns):
        stored.add(person)
    if codes:
        teams = db.session.execute(
            select(Team.code, Team.id).where(Team.code.in_(codes), Team.kind == "prison")
        ).all()
        stored.establishments = {code: team_id for code, team_id in teams if code}
    if emails:
        staff = db.session.execute(
            select(Staff.email, Staff.id).where(
                Staff.email.in_(emails), Staff.role == "offender_manager", Staff.active
            )
        ).all()
        stored.managers = {email.lower(): staff_id for email, staff_id in staff}
    return stored


def _known(numbers: set[str], crns: set[str]) -> list[Known]:
    if not numbers and not crns:
        return []
    people = db.session.execute(
        select(Person.id, Person.prison_number, Person.crn, Staff.email)
        .outerjoin(Staff, Staff.id == Person.offender_manager_id)
        .where(or_(Person.prison_number.in_(numbers), Person.crn.in_(crns)))
    ).all()
    stages = db.session.execute(
        select(
            Stage.id,
            Stage.person_id,
            Stage.pathway_id,
            Stage.kind,
            Stage.start_on,
            Stage.end_on,
            Stage.establishment_team_id,
            Stage.sentence_start_on,
            Pathway.closed_on,
        )
        .join(Pathway, Pathway.id == Stage.pathway_id)
        .where(Stage.person_id.in_([p.id for p in people]))
        .order_by(Pathway.id, Stage.position)
    ).all()
    latest: dict[int, Any] = {}
    current: dict[int, Any] = {}  # the last stage of the first open pathway
    open_pathway: dict[int, int] = {}
    for stage in stages:
        latest[stage.person_id] = stage
        if stage.closed_on is None:
            if open_pathway.setdefault(stage.person_id, stage.pathway_id) == stage.pathway_id:
                current[stage.person_id] = stage
    in_custody = {s.id: s for s in current.values() if s.kind == "custody" and s.end_on is None}
    release_dates: dict[int, dict[str, date]] = {stage_id: {} for stage_id in in_custody}
    if in_custody:
        for stage_id, kind, value_on in db.session.execute(
            select(ReleaseDate.stage_id, ReleaseDate.kind, ReleaseDate.value_on).where(
                ReleaseDate.stage_id.in_(in_custody)
            )
        ):
            release_dates[stage_id][kind] = value_on
    known = []
    for person_id, prison_number, crn, email in people:
        now = current.get(person_id)
        custody = None
        if now is not None and now.id in in_custody:
            custody = Custody(
                now.id, now.start_on, now.establishment_team_id, now.sentence_start_on, release_dates[now.id]
            )
        before = latest.get(person_id)
        known.append(
            Known(
                person_id,
                prison_number,
                crn,
                email.lower() if email else None,
                now.kind if now else None,
                before.start_on if before else None,
                custody,
            )
        )
    return known


def write(plans: Sequence[Plan], by: Any, source: str, now: datetime) -> None:
    """Store every plan (none "unchanged"), stamped `now`; a failure raises and the caller's savepoint
    undoes them all."""
    entries: list[dict[str, Any]] = []
    changed = _create([p for p in plans if p.action == "create"], by.id, source, entries)
    changed += _update([p for p in plans if p.action == "update"], by.id, source, entries, now)
    audit.record_many(entries)
    _announce(changed, now)
    for plan in plans:
        if plan.action == "open":
            _open(plan, by, now)


def _ids(model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert the rows in one statement; their new ids, in the rows' order."""
    return bulk.insert_rows(model.__table__, rows, ids=True)


def _create(plans: list[Plan], by_id: int | None, source: str, entries: list[dict[str, Any]]) -> list[int]:
    """New people in custody, as create_person then add_stage make them; the release handovers made."""
    people = [p.person_fields | {"sms_consent": False, "stage_kind": "custody"} for p in plans]
    person_ids = _ids(Person, people)
    pathway_ids = _ids(
        Pathway,
        [
            {"person_id": pid, "opened_on": p.custody["start_on"]}
            for pid, p in zip(person_ids, plans, strict=True)
        ],
    )
    stage_ids = _ids(
        Stage,
        [
            {
                "pathway_id": pathway_id,
                "person_id": person_id,
                "position": 0,
                "kind": "custody",
                "start_on": p.custody["start_on"],
                "basis": p.custody["basis"],
                "establishment_team_id": p.custody["establishment_team_id"],
                "team_id": p.custody["establishment_team_id"],
                "sentence_start_on": p.custody.get("sentence_start_on"),
                "created_by_id": by_id,
                **p.stage_after,
            }
            for person_id, pathway_id, p in zip(person_ids, pathway_ids, plans, strict=True)
        ],
    )
    _insert_dates(
        [
            (stage_id, kind, on)
            for stage_id, p in zip(stage_ids, plans, strict=True)
            for kind, on in p.custody.get("release_dates", {}).items()
            if kind != "source"
        ],
        by_id,
        source,
    )
    handovers = []
    for person_id, stage_id, p in zip(person_ids, stage_ids, plans, strict=True):
        team_id = p.custody["establishment_team_id"]
        handovers.append(_handover(person_id, stage_id, "custody_reception", team_id, p.custody["start_on"]))
        if p.stage_after["release_on"]:
            handovers.append(_handover(person_id, stage_id, "release", team_id, p.stage_after["release_on"]))
    for person_id, stage_id, p in zip(person_ids, stage_ids, plans, strict=True):
        entries.append(
            _entry(by_id, "create", "people", person_id, person_id, fields=sorted(p.person_fields))
        )
        entries.append(_entry(by_id, "create", "stages", stage_id, person_id, kind="custody"))
    return _insert_handovers(handovers)


def _update(
    plans: list[Plan], by_id: int | None, source: str, entries: list[dict[str, Any]], now: datetime
) -> list[int]:
    """Known people's new dates, as update_release_dates sets them; the release handovers changed."""
    if not plans:
        return []
    _fill_ids([p for p in plans if p.person_fields], by_id, entries)
    set_on = [(p, k, v) for p in plans for k, v in p.changes.items() if v is not None]
    _insert_dates([(p.stage_id, k, v) for p, k, v in set_on if k not in p.dates_before], by_id, source)
    moved = [
        {"stage_id": p.stage_id, "kind": k, "value_on": v, "source": source, "recorded_by_id": by_id}
        | {"recorded_at": now}
        for p, k, v in set_on
        if k in p.dates_before
    ]
    table = cast(Table, ReleaseDate.__table__)
    _by_columns(table, moved, keys=("stage_id", "kind"))
    cleared = [{"s": p.stage_id, "k": k} for p in plans for k, v in p.changes.items() if v is None]
    if cleared:
        at = (table.c.stage_id == bindparam("s"), table.c.kind == bindparam("k"))
        db.session.connection().execute(delete(table).where(*at), cleared)
    _update_by_id(Stage, [{"id": p.stage_id} | p.stage_after for p in plans])
    for p in plans:
        detail = {k: str(v) if v else None for k, v in (p.changes | {"source": source}).items()}
        entries.append(_entry(by_id, "update", "stages", p.stage_id, p.person_id, release_dates=detail))
    return _follow_release_handovers(plans)


def _fill_ids(plans: list[Plan], by_id: int | None, entries: list[dict[str, Any]]) -> None:
    """A CRN or prison number the known person lacked, as update_person records it."""
    _update_by_id(Person, [{"id": p.person_id} | p.person_fields for p in plans])
    for p in plans:
        entries.append(
            _entry(by_id, "update", "people", p.person_id, p.person_id, fields=sorted(p.person_fields))
        )


def _follow_release_handovers(plans: list[Plan]) -> list[int]:
    """Keep each stage's release handover on its planned date, as handovers.release_dates_changed does."""
    stage_ids = [p.stage_id for p in plans]
    stored = {
        row.stage_id: row
        for row in db.session.execute(
            select(Handover.id, Handover.stage_id, Handover.team_id, Handover.due_on).where(
                Handover.stage_id.in_(stage_ids), Handover.kind == "release"
            )
        )
    }
    changed, moved, new = [], [], []
    for p in plans:
        release_on, handover = p.stage_after["release_on"], stored.get(p.stage_id)
        if handover is None and release_on is not None:
            assert p.person_id is not None and p.stage_id is not None
            new.append(_handover(p.person_id, p.stage_id, "release", p.establishment_team_id, release_on))
            continue
        if handover is None:
            continue  # no date and no handover: nothing to keep in step
        changed.append(handover.id)
        team_id = handover.team_id if release_on is None else p.establishment_team_id
        if (handover.team_id, handover.due_on) != (team_id, release_on):
            moved.append({"id": handover.id, "team_id": team_id, "due_on": release_on})
    _update_by_id(Handover, moved)
    return changed + _insert_handovers(new)


def _update_by_id(model: Any, rows: list[dict[str, Any]]) -> None:
    _by_columns(model.__table__, rows)


def _by_columns(table: Any, rows: list[dict[str, Any]], keys: tuple[str, ...] = ("id",)) -> None:
    """UPDATE each row found by its keys, one statement per set of columns changed."""
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        by_columns.setdefault(tuple(sorted(row)), []).append(row)
    for same in by_columns.values():
        bulk.update_rows(table, same, keys)


def _insert_dates(dates: Iterable[tuple[int | None, str, date]], by_id: int | None, source: str) -> None:
    rows = [
        {"stage_id": s, "kind": k, "value_on": v, "source": source, "recorded_by_id": by_id}
        for s, k, v in dates
    ]
    bulk.insert_rows(ReleaseDate.__table__, rows)


def _handover(person_id: int, stage_id: int, kind: str, team_id: int | None, due_on: date) -> dict[str, Any]:
    return {
        "person_id": person_id,
        "stage_id": stage_id,
        "kind": kind,
        "team_id": team_id,
        "due_on": due_on,
        "status": "open",
    }


def _insert_handovers(rows: list[dict[str, Any]]) -> list[int]:
    """Open handovers with their checklists; the ids of the release handovers among them."""
    ids = _ids(Handover, rows)
    items = [
        {"handover_id": handover_id, "item": item}
        for handover_id, row in zip(ids, rows, strict=True)
        for item in checklist.ITEMS_BY_KIND[row["kind"]]
    ]
    bulk.insert_rows(HandoverItem.__table__, items)
    return [handover_id for handover_id, row in zip(ids, rows, strict=True) if row["kind"] == "release"]


def _entry(
    by_id: int | None,
    action: str,
    subject_type: str,
    subject_id: int | None,
    person_id: int | None,
    **detail: Any,
) -> dict[str, Any]:
    return {
        "actor_id": by_id,
        "action": action,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "person_id": person_id,
        "detail": detail,
    }


def _announce(handover_ids: list[int], now: datetime) -> None:
    """Tell the features that react (texts) about every release handover changed, in one signal."""
    if handover_ids:
        events.release_dates_changed_together.send(tuple(sorted(handover_ids)), now=now)


def _open(plan: Plan, by: Any, now: datetime) -> None:
    """Custody for a known person, through the use cases themselves."""
    person = db.session.get(Person, plan.person_id)
    assert person is not None
    if plan.person_fields:
        service.update_person(person, dict(plan.person_fields), by, now)
    service.add_stage(person, dict(plan.custody), by, now)
