"""PURE: what each checked row of a release list will do, judged against what is stored.

What is stored arrives as plain facts (`Stored`: the people a batch names, each with their open
custody stage and its release dates; the establishments; the offender managers), loaded for a whole
batch at once by tracker/pathway/release_writes.py. Each row becomes a `Plan`: add a person in
custody, open a custody stage for a known person, change a custody stage's dates, or nothing; or a
`Reject` naming its column. The plan carries the stage as it will be (planned release, community
responsibility, overdue day) worked out by the same rules the use cases call, so writing it needs no
further reading.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tracker.pathway import dates, stages
from tracker.pathway.release_rows import Reject, Row

NOT_YOURS = "Not your establishment."


@dataclass(frozen=True)
class Custody:
    """A known person's open custody stage, as stored."""

    stage_id: int
    start_on: date
    establishment_team_id: int | None
    sentence_start_on: date | None
    release_dates: Mapping[str, date]


@dataclass(frozen=True)
class Known:
    """A person already recorded, as far as a release list can change them."""

    id: int
    prison_number: str | None
    crn: str | None
    offender_manager_email: str | None
    # The kind of the open pathway's current stage; None when no pathway is open.
    current_kind: str | None
    # The start of the latest stage on any pathway: a new stage may not start before it.
    latest_start_on: date | None
    custody: Custody | None


@dataclass
class Stored:
    """Everything a batch's rows name: people by prison number and by CRN, establishments, managers."""

    by_prison_number: dict[str, list[Known]] = field(default_factory=dict)
    by_crn: dict[str, Known] = field(default_factory=dict)
    establishments: dict[str, int] = field(default_factory=dict)  # code -> prison team id
    managers: dict[str, int] = field(default_factory=dict)  # email -> active offender manager id

    def add(self, person: Known) -> None:
        """Index a known person by their ids."""
        if person.prison_number:
            self.by_prison_number.setdefault(person.prison_number, []).append(person)
        if person.crn:
            self.by_crn[person.crn] = person


@dataclass(frozen=True)
class Terms:
    """What every row of one import is judged by."""

    today: date
    source: str
    # The uploader's establishment (team id) from the page; None from the command line.
    establishment_id: int | None = None
    parole_lead_months: int = dates.HANDOVER_PAROLE_LEAD_MONTHS


@dataclass
class Plan:
    """What one row will do: "create", "open", "update" or "unchanged"."""

    row: Row
    action: str
    person_id: int | None = None
    # create: the new person's fields; open and update: the ids the known person lacked.
    person_fields: dict[str, Any] = field(default_factory=dict)
    # create and open: the custody stage as add_stage takes it (release dates with their source).
    custody: dict[str, Any] = field(default_factory=dict)
    # update: the stage changed, its establishment, the dates set (a day) or cleared (None).
    stage_id: int | None = None
    establishment_team_id: int | None = None
    changes: dict[str, date | None] = field(default_factory=dict)
    # create and update: release_on, community_responsibility_on, expected_end_on (and a new sentence start).
    stage_after: dict[str, date | None] = field(default_factory=dict)
    # update: every release date of the stage before and after the change.
    dates_before: dict[str, date] = field(default_factory=dict)
    dates_after: dict[str, date] = field(default_factory=dict)


def plan(row: Row, stored: Stored, terms: Terms) -> tuple[Plan, list[Reject]] | Reject:
    """The row's plan and its warnings, or the reason it is refused."""
    matched = match(row, stored)
    if isinstance(matched, Reject):
        return matched
    if row.establishment_code and row.establishment_code not in stored.establishments:
        return Reject(row.line, "establishment_code", "Unknown establishment code.")
    if matched is None:
        return _plan_new(row, stored, terms)
    return _plan_known(row, matched, stored, terms)


def match(row: Row, stored: Stored) -> Known | None | Reject:
    """The person a row names: by prison number, then by CRN, never by name."""
    by_number = stored.by_prison_number.get(row.prison_number or "", [])
    if len(by_number) > 1:
        return Reject(row.line, "prison_number", "More than one person has this prison number.")
    first = by_number[0] if by_number else None
    second = stored.by_crn.get(row.crn or "")
    if first is not None and second is not None and first.id != second.id:
        return Reject(row.line, "crn", "The prison number and the CRN belong to different people.")
    if first is not None and row.crn and first.crn and first.crn != row.crn:
        return Reject(row.line, "crn", "The prison number belongs to a person with a different CRN.")
    if second is not None and row.prison_number and second.prison_number not in (None, row.prison_number):
        return Reject(
            row.line, "prison_number", "The CRN belongs to a person with a different prison number."
        )
    return first or second


def _plan_known(row: Row, person: Known, stored: Stored, terms: Terms) -> tuple[Plan, list[Reject]] | Reject:
    warnings = []
    if row.offender_manager_email and person.offender_manager_email != row.offender_manager_email:
        warnings.append(
            Reject(
                row.line, "offender_manager_email", "A different offender manager is assigned; not changed."
            )
        )
    ids = {k: v for k, v in (("crn", row.crn), ("prison_number", row.prison_number)) if v}
    missing = {k: v for k, v in ids.items() if getattr(person, k) is None}
    custody = person.custody
    if custody is None:
        opened = _plan_open(row, person, stored, terms)
        if isinstance(opened, Reject):
            return opened
        opened.person_fields = missing
        return opened, warnings
    if terms.establishment_id is not None and custody.establishment_team_id != terms.establishment_id:
        return Reject(row.line, "establishment_code", NOT_YOURS)
    if row.establishment_code and stored.establishments[row.establishment_code] != (
        custody.establishment_team_id
    ):
        warnings.append(
            Reject(
                row.line, "establishment_code", "Held at another establishment; transfers are not imported."
            )
        )
    updated = _plan_update(row, person, custody, missing, terms)
    return updated if isinstance(updated, Reject) else (updated, warnings)


def _plan_new(row: Row, stored: Stored, terms: Terms) -> tuple[Plan, list[Reject]] | Reject:
    if not row.offender_manager_email:
        return Reject(
            row.line, "offender_manager_email", "Not known here: name an offender manager to add them."
        )
    manager_id = stored.managers.get(row.offender_manager_email)
    if manager_id is None:
        return Reject(row.line, "offender_manager_email", "No active offender manager with this email.")
    for column in ("given_name", "family_name"):
        if not getattr(row, column):
            return Reject(row.line, column, "Needed to add a person.")
    custody = _custody_fields(row, stored, terms)
    if isinstance(custody, Reject):
        return custody
    person_fields = {
        "given_name": row.given_name,
        "family_name": row.family_name,
        "date_of_birth": row.date_of_birth,
        "crn": row.crn,
        "prison_number": row.prison_number,
        "offender_manager_id": manager_id,
    }
    dated = {k: v for k, v in custody.get("release_dates", {}).items() if k != "source"}
    after = _stage_after(custody.get("sentence_start_on"), dated, terms)
    return Plan(row, "create", person_fields=person_fields, custody=custody, stage_after=after), []


def _plan_open(row: Row, person: Known, stored: Stored, terms: Terms) -> Plan | Reject:
    try:
        stages.check_transition(person.current_kind, "custody")
    except stages.TransitionRefused as refused:
        return Reject(row.line, "", f"{refused} Allowed next: {', '.join(refused.allowed)}.")
    custody = _custody_fields(row, stored, terms)
    if isinstance(custody, Reject):
        return custody
    try:
        stages.check_start_on(person.latest_start_on, custody["start_on"])
    except stages.StageDateRefused as refused:
        column = "sentence_start_on" if row.sentence_start_on else ""
        return Reject(row.line, column, refused.message)
    return Plan(row, "open", person_id=person.id, custody=custody)


def _custody_fields(row: Row, stored: Stored, terms: Terms) -> dict[str, Any] | Reject:
    if not row.establishment_code:
        return Reject(row.line, "establishment_code", "Needed to open a custody stage.")
    start_on = row.sentence_start_on or terms.today
    late = _before_start(row, start_on)
    if late:
        return late
    fields: dict[str, Any] = {
        "kind": "custody",
        "start_on": start_on,
        "basis": "sentenced",
        "establishment_team_id": stored.establishments[row.establishment_code],
    }
    if row.sentence_start_on:
        fields["sentence_start_on"] = row.sentence_start_on
    dated = {k: v for k, v in row.release_dates.items() if v is not None}
    if dated:
        fields["release_dates"] = dated | {"source": terms.source}
    return fields


def _before_start(row: Row, start_on: date) -> Reject | None:
    for kind, value in row.release_dates.items():
        if value is not None and value < start_on:
            return Reject(row.line, kind, f"Cannot fall before the custody stage starts ({start_on}).")
    return None


def _plan_update(
    row: Row, person: Known, custody: Custody, missing: dict[str, Any], terms: Terms
) -> Plan | Reject:
    stored = dict(custody.release_dates)
    changes = {k: v for k, v in row.release_dates.items() if stored.get(k) != v}
    new_start = row.sentence_start_on if row.sentence_start_on != custody.sentence_start_on else None
    if not changes and not new_start and not missing:
        return Plan(row, "unchanged", person_id=person.id, stage_id=custody.stage_id)
    late = _before_start(row, custody.start_on)
    if late:
        return late
    after = {k: v for k, v in (stored | changes).items() if v is not None}
    stage_after = _stage_after(new_start or custody.sentence_start_on, after, terms)
    if new_start:
        stage_after["sentence_start_on"] = new_start
    return Plan(
        row,
        "update",
        person_id=person.id,
        person_fields=missing,
        stage_id=custody.stage_id,
        establishment_team_id=custody.establishment_team_id,
        changes=changes,
        stage_after=stage_after,
        dates_before=stored,
        dates_after=after,
    )


def _stage_after(
    sentence_start_on: date | None, release_dates: Mapping[str, date], terms: Terms
) -> dict[str, date | None]:
    """The custody stage's dates kept for indexed windows, as the use cases work them out."""
    return {
        "release_on": dates.planned_release_on(release_dates),
        "community_responsibility_on": dates.community_responsibility_on(
            sentence_start_on, release_dates, terms.parole_lead_months
        ),
        "expected_end_on": dates.overdue_after(release_dates),
    }
