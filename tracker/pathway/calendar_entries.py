"""What a staff member's calendar feed lists: their people's upcoming appointments, hearings and
planned releases, with no name or place (a calendar is synced to phones and shared with assistants).

"Their people": an offender manager's own caseload; for everyone else, the people their scope shows.
Three queries, whatever the caseload's size. A release resting only on a parole eligibility date is
listed as "Parole eligibility", never as a planned release.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, select

from tracker.auth.models import Staff
from tracker.clock import local_today, zone
from tracker.extensions import db
from tracker.pathway.dates import planned_release
from tracker.pathway.models import Appointment, Person, ReleaseDate, Stage
from tracker.pathway.scope import people_visible_to

HEARING, APPOINTMENT, PLANNED_RELEASE = "Hearing", "Appointment", "Planned release"
# A parole eligibility date is no plan to release: only the Parole Board's direction releases.
PAROLE_ELIGIBILITY = "Parole eligibility"


@dataclass(frozen=True)
class Entry:
    """One calendar entry: a title that names nobody, a stable id, and when."""

    uid: str
    title: str
    starts_at: datetime | None = None  # appointments and hearings
    on: date | None = None  # planned releases: a whole day


def _their_people(staff: Staff, today: date) -> ColumnElement[bool]:
    if staff.role == "offender_manager":
        return Person.offender_manager_id == staff.id
    return people_visible_to(staff, today)


def upcoming(staff: Staff, now: datetime, horizon_days: int) -> list[Entry]:
    """The staff member's people's appointments and hearings from now, and planned releases from today,
    up to `horizon_days` ahead, soonest first."""
    people = select(Person.id).where(_their_people(staff, local_today(now)))
    until = now + timedelta(days=horizon_days)
    appointments = db.session.execute(
        select(Appointment.id, Appointment.kind, Appointment.starts_at).where(
            Appointment.person_id.in_(people),
            Appointment.starts_at >= now,
            Appointment.starts_at < until,
            Appointment.outcome.is_(None),
        )
    )
    today = now.astimezone(zone()).date()
    releases = db.session.execute(
        select(Stage.id, Stage.release_on).where(
            Stage.person_id.in_(people),
            Stage.kind == "custody",
            Stage.end_on.is_(None),
            Stage.release_on >= today,
            Stage.release_on <= until.date(),
        )
    ).all()
    entries = [
        Entry(f"appointment-{i}", HEARING if kind == "court_hearing" else APPOINTMENT, starts_at=starts_at)
        for i, kind, starts_at in appointments
    ]
    on_parole = _resting_on_ped([stage_id for stage_id, _ in releases])
    entries += [
        Entry(f"release-{i}", PAROLE_ELIGIBILITY if i in on_parole else PLANNED_RELEASE, on=on)
        for i, on in releases
    ]
    return sorted(entries, key=_when)


def _resting_on_ped(stage_ids: list[int]) -> set[int]:
    """The custody stages whose planned release is only their parole eligibility date."""
    kinds: dict[int, dict[str, date]] = defaultdict(dict)
    for stage_id, kind, value_on in db.session.execute(
        select(ReleaseDate.stage_id, ReleaseDate.kind, ReleaseDate.value_on).where(
            ReleaseDate.stage_id.in_(stage_ids)
        )
    ):
        kinds[stage_id][kind] = value_on
    return {
        stage_id
        for stage_id, known in kinds.items()
        if (p := planned_release(known)) and p.parole_eligibility_only
    }


def _when(entry: Entry) -> datetime:
    if entry.starts_at is not None:
        return entry.starts_at
    assert entry.on is not None  # an entry has a time or a day
    return datetime.combine(entry.on, datetime.min.time(), zone())
