"""Use cases of the pathway: people and their stages; they add and flush, never commit."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import current_app
from sqlalchemy import select, update

from tracker import audit
from tracker.auth.models import Staff, Team
from tracker.clock import local_today
from tracker.errors import Conflict, Invalid
from tracker.extensions import db
from tracker.pathway import dates, events, handovers, stages
from tracker.pathway.mobile import NotAMobile, normalise_mobile
from tracker.pathway.models import Appointment, ConsentChange, Pathway, Person, ReleaseDate, Stage

# Team fields of a stage and the team kind each must be.
TEAM_FIELDS = {
    "team_id": None,
    "referrer_team_id": None,
    "treatment_team_id": "treatment",
    "establishment_team_id": "prison",
}


def create_person(data: dict[str, Any], by: Staff, now: datetime) -> Person:
    """A new person; an offender manager who leaves out the assignment takes the person on."""
    data = dict(data)
    if by.role == "offender_manager":
        data.setdefault("offender_manager_id", by.id)
        _check_own_team(data["offender_manager_id"], by)
    person = Person(sms_consent=False, created_at=now, updated_at=now)
    _apply_person_fields(person, data, now)
    db.session.add(person)
    db.session.flush()
    if person.sms_consent:
        _consent_changed(person, by, "recorded by staff", now)
    audit.record(by.id, "create", person, person_id=person.id, fields=sorted(data))
    return person


def update_person(person: Person, data: dict[str, Any], by: Staff, now: datetime) -> Person:
    """Change a person's details, keeping consent changes as history."""
    consent_before, manager_before = person.sms_consent, person.offender_manager_id
    _apply_person_fields(person, data, now)
    person.updated_at = now
    if person.sms_consent != consent_before:
        _consent_changed(person, by, "recorded by staff", now)
    db.session.flush()
    if person.offender_manager_id != manager_before:
        events.caseload_transferred.send(person, from_manager_id=manager_before, now=now)
    audit.record(by.id, "update", person, person_id=person.id, fields=sorted(data))
    return person


def _check_own_team(manager_id: int | None, by: Staff) -> None:
    # An offender manager creates people on their own team's caseloads only; a transfer comes after.
    team_id = db.session.scalar(select(Staff.team_id).where(Staff.id == manager_id))
    if manager_id is not None and team_id != by.team_id:
        raise Invalid({"offender_manager_id": "Must be an offender manager in your own team."})


def _apply_person_fields(person: Person, given: dict[str, Any], now: datetime) -> None:
    data = dict(given)  # the caller's dict is theirs: normalised values are set on the person only
    if "mobile" in data and not data["mobile"]:
        data["mobile"] = None
    if data.get("date_of_birth") and data["date_of_birth"] > local_today(now):
        raise Invalid({"date_of_birth": "Cannot be in the future."})
    if data.get("mobile"):
        try:
            data["mobile"] = normalise_mobile(data["mobile"], current_app.config["ALLOW_DRAMA_NUMBERS"])
        except NotAMobile as refused:
            raise Invalid({"mobile": str(refused)}) from None
    if data.get("offender_manager_id") is not None:
        manager = db.session.get(Staff, data["offender_manager_id"])
        if manager is None or manager.role != "offender_manager":
            raise Invalid({"offender_manager_id": "No offender manager with that id."})
    for unique in ("crn", "prison_number"):
        value = data.get(unique)
        others = select(Person.id).where(getattr(Person, unique) == value)
        if person.id is not None:
            others = others.where(Person.id != person.id)
        if value and db.session.scalar(others):
            raise Invalid({unique: f"Another person already has {unique} {value}."})
    for name, value in data.items():
        setattr(person, name, value)
    if person.sms_consent and not person.mobile:
        raise Invalid({"sms_consent": "Record a mobile number before consent to texts."})


def _consent_changed(person: Person, by: Staff | None, how: str, now: datetime) -> None:
    person.consent_changes.append(
        ConsentChange(
            consent=person.sms_consent, how=how, changed_by_id=by.id if by else None, changed_at=now
        )
    )


def latest_stage(person: Person) -> Stage | None:
    """The person's most recent stage on any pathway."""
    return person.pathways[-1].current_stage if person.pathways else None


def add_stage(person: Person, data: dict[str, Any], by: Staff, now: datetime) -> Stage:
    """Move the person to the next stage, closing the previous one on the new stage's start."""
    data = dict(data)
    kind, start_on = data["kind"], data["start_on"]
    take_for_change(person, now)
    pathway = person.open_pathway
    previous = pathway.current_stage if pathway else None
    try:
        stages.check_transition(previous.kind if previous else None, kind)
        latest = latest_stage(person)
        stages.check_start_on(latest.start_on if latest else None, start_on)
    except stages.TransitionRefused as refused:
        raise Conflict(str(refused), {"kind": f"Allowed next: {', '.join(refused.allowed)}."}) from None
    except stages.StageDateRefused as refused:
        raise Conflict(str(refused), {refused.field: str(refused)}) from None
    _check_teams(data)
    _check_dates_follow_start(data)
    _check_kind_rules(person, data, previous)
    if pathway is None:
        pathway = Pathway(person=person, opened_on=start_on)
        db.session.add(pathway)
    _end_previous(previous, start_on, data.pop("atr_exit_reason", None))
    stage = _new_stage(person, pathway, data, by, now)
    if kind == "closed":
        stage.end_on = pathway.closed_on = start_on
    person.stage_kind, person.updated_at = kind, now
    db.session.flush()
    handovers.stage_started(stage, previous, now)
    if kind == "court" and data.get("next_hearing_at"):
        _book_hearing(person, stage, data["next_hearing_at"], by, now)
    audit.record(by.id, "create", stage, person_id=person.id, kind=kind)
    return stage


def take_for_change(person: Person, now: datetime) -> None:
    """Hold the person's row until this transaction ends, then read their pathway afresh.

    Two transitions at once would both read the same current stage and both be allowed. Writing the
    row first takes its lock on PostgreSQL and the database's write lock on SQLite, so a second
    transition waits for the first to commit and is then judged against the stage it made (409).
    """
    db.session.execute(
        update(Person).where(Person.id == person.id).values(updated_at=now),
        execution_options={"synchronize_session": False},
    )
    for held in list(db.session.identity_map.values()):
        if isinstance(held, Pathway | Stage) and held.person_id == person.id:
            db.session.expire(held)
    db.session.expire(person, ["pathways"])


def _end_previous(previous: Stage | None, start_on: date, atr_exit_reason: str | None) -> None:
    """End the current stage on the new one's start; an ATR keeps how it ended, when that is given."""
    if atr_exit_reason is not None and (previous is None or previous.kind != "atr"):
        raise Invalid({"atr_exit_reason": "Only when the stage this one ends is an ATR."})
    if previous is not None:
        previous.end_on = start_on
        if atr_exit_reason is not None:
            previous.exit_reason = atr_exit_reason


def _check_kind_rules(person: Person, data: dict[str, Any], previous: Stage | None) -> None:
    """The law's rules on an ATR (adults, Sch 9) and on how long supervision after release may run."""
    kind, start_on = data["kind"], data["start_on"]
    if kind == "atr":
        _check_atr(data, start_on)
        age_error = stages.atr_age_error(person.date_of_birth, start_on)
        if age_error:
            raise Invalid({"date_of_birth": age_error})
        if data["order_type"] == "suspended_sentence":
            data.setdefault("order_end_on", data["operational_end_on"])
    if kind == "licence":
        data.setdefault("supervision_type", "licence")
        custody_dates = previous.release_date_map() if previous is not None else {}
        pss_ends_on = current_app.config["PSS_ENDS_ON"]
        pss_ends_on = date.fromisoformat(pss_ends_on) if isinstance(pss_ends_on, str) else pss_ends_on
        errors = stages.supervision_errors(data, start_on, custody_dates, pss_ends_on)
        if errors:
            raise Invalid(errors)


def _new_stage(person: Person, pathway: Pathway, data: dict[str, Any], by: Staff, now: datetime) -> Stage:
    columns = {k: v for k, v in data.items() if k not in ("next_hearing_at", "release_dates")}
    stage = Stage(
        person_id=person.id,
        position=len(pathway.stages),
        created_by_id=by.id,
        created_at=now,
        **columns,
    )
    if stage.kind == "custody" and stage.team_id is None:
        stage.team_id = stage.establishment_team_id
    pathway.stages.append(stage)
    if data.get("release_dates"):
        _set_release_dates(stage, data["release_dates"], by, now)
    if stage.expected_end_on is None:
        stage.expected_end_on = stages.expected_end_on(stage.kind, data) or dates.overdue_after(
            stage.release_date_map()
        )
    return stage


def _check_dates_follow_start(data: dict[str, Any]) -> None:
    start_on = data["start_on"]
    errors = {
        name: f"Cannot fall before the stage starts ({start_on})."
        for name in ("expected_end_on", "supervision_end_on")
        if data.get(name) and data[name] < start_on
    }
    hearing = data.get("next_hearing_at")
    if hearing and hearing.date() < start_on:
        errors["next_hearing_at"] = f"Cannot fall before the stage starts ({start_on})."
    errors |= _release_dates_errors(data.get("release_dates") or {}, start_on)
    if errors:
        raise Invalid(errors)


def _release_dates_errors(release_dates: dict[str, Any], start_on: date) -> dict[str, str]:
    return {
        f"release_dates.{kind}": f"Cannot fall before the custody stage starts ({start_on})."
        for kind in dates.RELEASE_DATE_KINDS
        if release_dates.get(kind) and release_dates[kind] < start_on
    }


def _check_teams(data: dict[str, Any]) -> None:
    wanted = {data[f] for f in TEAM_FIELDS if data.get(f) is not None}
    teams = {t.id: t for t in db.session.scalars(select(Team).where(Team.id.in_(wanted)))}
    errors = {}
    for field, kind in TEAM_FIELDS.items():
        team_id = data.get(field)
        if team_id is None:
            continue
        if team_id not in teams:
            errors[field] = "No team with that id."
        elif kind and teams[team_id].kind != kind:
            errors[field] = f"Must be a {kind} team."
    if errors:
        raise Invalid(errors)


def _check_atr(data: dict[str, Any], start_on: date) -> None:
    config = current_app.config
    limits = stages.AtrLimits(
        community_order_max_months=config["ATR_COMMUNITY_ORDER_MAX_MONTHS"],
        sso_supervision_min_months=config["ATR_SSO_SUPERVISION_MIN_MONTHS"],
        sso_supervision_max_months=config["ATR_SSO_SUPERVISION_MAX_MONTHS"],
        sso_operational_min_months=config["ATR_SSO_OPERATIONAL_MIN_MONTHS"],
        sso_operational_max_months=config["ATR_SSO_OPERATIONAL_MAX_MONTHS"],
    )
    errors = stages.atr_errors(data, start_on, limits)
    if errors:
        raise Invalid(errors)


def _book_hearing(person: Person, stage: Stage, starts_at: datetime, by: Staff, now: datetime) -> None:
    hearing = Appointment(
        person_id=person.id,
        stage_id=stage.id,
        kind="court_hearing",
        starts_at=starts_at.astimezone(UTC),
        team_id=stage.team_id,
        created_by_id=by.id,
        created_at=now,
    )
    db.session.add(hearing)
    db.session.flush()
    events.appointment_booked.send(hearing, now=now)
    audit.record(by.id, "create", hearing, person_id=person.id, kind="court_hearing")


def update_release_dates(stage: Stage, release_dates: dict[str, Any], by: Staff, now: datetime) -> Stage:
    """Record new official release dates on an open custody stage."""
    if stage.kind != "custody":
        raise Conflict("Only a custody stage has release dates.", {"release_dates": "Not a custody stage."})
    if stage.end_on is not None:
        raise Conflict("This custody stage has ended; its release dates are history.")
    errors = _release_dates_errors(release_dates, stage.start_on)
    if errors:
        raise Invalid(errors)
    _set_release_dates(stage, release_dates, by, now)
    stage.expected_end_on = dates.overdue_after(stage.release_date_map())
    db.session.flush()
    handovers.release_dates_changed(stage, now)
    audit.record(
        by.id,
        "update",
        stage,
        person_id=stage.person_id,
        release_dates={k: str(v) if v else None for k, v in release_dates.items()},
    )
    return stage


def _set_release_dates(stage: Stage, release_dates: dict[str, Any], by: Staff, now: datetime) -> None:
    source = release_dates.get("source", "manual entry")
    current = {r.kind: r for r in stage.release_dates}
    for kind in dates.RELEASE_DATE_KINDS:
        if kind not in release_dates:
            continue
        value, row = release_dates[kind], current.get(kind)
        if value is None and row is not None:
            stage.release_dates.remove(row)
        elif value is not None and row is None:
            stage.release_dates.append(
                ReleaseDate(kind=kind, value_on=value, source=source, recorded_by_id=by.id, recorded_at=now)
            )
        elif value is not None and row.value_on != value:
            row.value_on, row.source, row.recorded_by_id = value, source, by.id
            row.recorded_at = now
    release_dates = stage.release_date_map()
    stage.release_on = dates.planned_release_on(release_dates)
    stage.community_responsibility_on = dates.community_responsibility_on(
        stage.sentence_start_on, release_dates, current_app.config["POM_HANDOVER_PAROLE_LEAD_MONTHS"]
    )
