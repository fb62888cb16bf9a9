"""Turning an outbox row into the text itself, at the moment it is sent, with what is true then."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select

from tracker.auth.models import Staff
from tracker.clock import zone
from tracker.extensions import db
from tracker.pathway.continuity import COMMUNITY_KINDS, within
from tracker.pathway.models import Appointment, Handover, Person
from tracker.sms.models import Message, among
from tracker.sms.policy import first_name_only, revealing_words_in
from tracker.sms.templates import render, revealing_words

# Welsh day and month abbreviations and am/pm (CLDR's), so a Welsh text carries no English words.
WELSH_DAYS = ("Llun", "Maw", "Mer", "Iau", "Gwen", "Sad", "Sul")
WELSH_MONTHS = ("Ion", "Chwef", "Maw", "Ebr", "Mai", "Meh", "Gorff", "Awst", "Medi", "Hyd", "Tach", "Rhag")


def _when(instant: datetime, language: str) -> tuple[str, str]:
    local = instant.astimezone(zone())
    if language == "cy":
        day = f"{WELSH_DAYS[local.weekday()]} {local.day} {WELSH_MONTHS[local.month - 1]}"
        return day, local.strftime("%-I:%M") + ("yb" if local.hour < 12 else "yh")
    return local.strftime("%a %-d %b"), local.strftime("%-I:%M%p").lower()


def _contact_numbers(people: Iterable[Person]) -> dict[int, str]:
    """Each person's number to call: their offender manager's team's, else the service's."""
    manager_ids = {p.offender_manager_id for p in people if p.offender_manager_id}
    staff = db.session.scalars(select(Staff).where(among(Staff.id, manager_ids))).all() if manager_ids else []
    default = current_app.config["SMS_CONTACT_NUMBER"]
    return {s.id: s.team.phone or default for s in staff} | {0: default}


def compose(rows: list[Message], now: datetime) -> Iterator[tuple[Message, tuple[str, str] | None]]:
    """Each row with (to, body), or None when it must not be sent (the row is cancelled, saying why)."""
    people = {
        p.id: p
        for p in db.session.scalars(select(Person).where(among(Person.id, {r.person_id for r in rows})))
    }
    phones = _contact_numbers(people.values())
    appointments = _appointments_for(rows)
    released = _released_on(rows)
    for row in rows:
        person = people[row.person_id]
        if _in_custody(person) and row.purpose != "release_day":
            row.status, row.note = "held", "Held: due while in custody; sent after release if still ahead."
            yield row, None
            continue
        refusal = _refusal(person) or _release_day_refusal(row, person, released)
        place_time = appointments.get((row.subject_type, row.subject_id))
        if (
            refusal is None
            and place_time
            and revealing_words_in(place_time.location_label or "", revealing_words())
        ):
            refusal = "The place label would reveal why we text; fix it to send."
        if refusal is None and _too_late(row, place_time, now):
            refusal = "Too late to send: its moment has passed."
        if refusal:
            row.status, row.note = "cancelled", refusal
            yield row, None
            continue
        values = {
            "first_name": first_name_only(person.given_name),
            "phone": phones.get(person.offender_manager_id or 0, phones[0]),
        }
        purpose = row.purpose
        if place_time is not None:
            values["date"], values["time"] = _when(place_time.starts_at, person.language)
            values["place"] = place_time.location_label or render(person.language, "usual_place")
        elif purpose == "release_day":
            purpose = "release_day_no_appointment"
        yield row, (person.mobile, render(person.language, purpose, **values))


def _too_late(row: Message, place_time: Appointment | None, now: datetime) -> bool:
    """A reminder once its appointment has begun, or "today is the day" on a later day, would mislead
    (the dispatcher was down, say): due texts are otherwise sent late rather than never."""
    if row.purpose in ("court_hearing", "appointment"):
        return place_time is not None and place_time.starts_at <= now
    if row.purpose == "release_day":
        return now.astimezone(zone()).date() > row.due_at.astimezone(zone()).date()
    return False


def _in_custody(person: Person) -> bool:
    # The latest stage is kept on the person; a custody stage is open while it is the latest.
    return person.stage_kind == "custody"


def _release_day_refusal(row: Message, person: Person, released: dict[int, date | None]) -> str | None:
    """The release-day text goes only while custody is open or on the day of an actual release."""
    if row.purpose != "release_day" or _in_custody(person):
        return None
    if released.get(row.subject_id) == row.due_at.astimezone(zone()).date():
        return None
    return "Not released on the confirmed date: no release-day text."


def _released_on(rows: list[Message]) -> dict[int, date | None]:
    ids = {r.subject_id for r in rows if r.purpose == "release_day"}
    if not ids:
        return {}
    return dict(
        db.session.execute(select(Handover.id, Handover.released_on).where(among(Handover.id, ids))).all()
    )


def _refusal(person: Person) -> str | None:
    if not person.sms_consent:
        return "No consent to texts recorded."
    if not person.mobile:
        return "No mobile number."
    return None


def _appointments_for(rows: list[Message]) -> dict[tuple[str, int], Appointment]:
    """The appointment each text speaks of: its own, or for release day the first one after release."""
    own = {r.subject_id for r in rows if r.subject_type == "appointments"}
    found: dict[tuple[str, int], Appointment] = {}
    if own:
        for a in db.session.scalars(select(Appointment).where(among(Appointment.id, own))):
            found[("appointments", a.id)] = a
    releases = {r.subject_id for r in rows if r.purpose == "release_day"}
    if releases:
        handovers = db.session.scalars(select(Handover).where(among(Handover.id, releases))).all()
        people = {h.person_id for h in handovers}
        candidates = db.session.scalars(
            select(Appointment)
            .where(
                among(Appointment.person_id, people),
                Appointment.kind.in_(COMMUNITY_KINDS),
                Appointment.outcome.is_(None),
            )
            .order_by(Appointment.starts_at)
        ).all()
        by_person: dict[int, list[Appointment]] = {}  # in start order, as loaded
        for a in candidates:
            by_person.setdefault(a.person_id, []).append(a)
        for h in handovers:
            out_on = h.released_on or h.due_on
            first = next(
                (
                    a
                    for a in by_person.get(h.person_id, ())
                    if within(out_on, a.starts_at.astimezone(zone()).date())
                ),
                None,
            )
            if first is not None:
                found[("handovers", h.id)] = first
    return found
