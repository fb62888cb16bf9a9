"""The person page's timeline (MoJ timeline component): every source's events, newest first.

Each source is one function from the loaded record to events; to show a new kind of event (SMS
messages, say) write one more function and add it to SOURCES.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from tracker.clock import zone
from tracker.pathway.models import Referral
from tracker.privacy import need_label
from tracker.web.labels import ABSENCES, ZONES, label
from tracker.web.record import PersonRecord


@dataclass(frozen=True)
class Event:
    """One item of the timeline."""

    at: datetime
    title: str
    lines: tuple[str, ...]
    by_id: int | None = None
    # A calendar date shows without a time of day.
    whole_day: bool = False


def _day(on: date) -> datetime:
    return datetime.combine(on, time.min, zone())


def stage_events(record: PersonRecord) -> Iterable[Event]:
    """A stage starting (and a pathway closing)."""
    for stage in record.stages():
        lines = [f"Team: {record.team_name(stage.team_id)}"] if stage.team_id else []
        if stage.court:
            lines.append(f"Court: {stage.court}")
        if stage.establishment_team_id:
            lines.append(f"Establishment: {record.team_name(stage.establishment_team_id)}")
        if stage.release_on:
            lines.append(f"Earliest release date: {stage.release_on.day} {stage.release_on:%B %Y}")
        if stage.reason:
            lines.append(f"Reason: {stage.reason}")
        if stage.exit_reason:
            lines.append(f"How the ATR ended: {label(stage.exit_reason).lower()}")
        yield Event(
            _day(stage.start_on), f"Stage: {label(stage.kind)}", tuple(lines), stage.created_by_id, True
        )


def appointment_events(record: PersonRecord) -> Iterable[Event]:
    """An appointment booked, with its outcome once recorded."""
    for a in record.appointments:
        lines = [line for line in (a.location_label, record.team_name(a.team_id)) if line]
        lines.append(f"Outcome: {label(a.outcome)}" if a.outcome else "Outcome: not recorded yet")
        if a.outcome == "missed" and a.absence:
            lines.append(f"Absence: {ABSENCES[a.absence].lower()}")
        if a.warned_on:
            lines.append(f"Warning given {a.warned_on.day} {a.warned_on:%B %Y}")
        yield Event(a.starts_at, label(a.kind), tuple(lines), a.created_by_id)


def screening_events(record: PersonRecord) -> Iterable[Event]:
    """A screening's score, zone and action."""
    for s in record.screenings:
        zone_text = f", {ZONES[s.zone]}" if s.zone else ""
        result = "positive" if s.positive else "negative"
        yield Event(
            s.screened_at,
            f"{label(s.tool)} screening: score {s.score}{zone_text}",
            (
                f"Result: {result}",
                f"Action: {s.action}",
                f"What was done: {label(s.intervention) or 'not recorded'}",
            ),
            s.screened_by_id,
        )


def referral_events(record: PersonRecord) -> Iterable[Event]:
    """A referral made, and where it stands."""
    for r in record.referrals:
        lines = [f"Kind: {label(r.kind)}", f"Reason: {r.reason}", *_where_it_stands(r)]
        yield Event(r.made_at, f"Referral to {record.team_name(r.to_team_id)}", tuple(lines), r.made_by_id)


def _where_it_stands(r: Referral) -> list[str]:
    lines = [f"Status: {label(r.status)}"]
    if r.decline_reason:
        lines.append(f"Why declined: {label(r.decline_reason).lower()}")
    if r.treatment_started_on:
        lines.append(f"Treatment started {r.treatment_started_on.day} {r.treatment_started_on:%B %Y}")
    return lines


# Without a care relationship (tracker/privacy.py) a screening and a referral show the need only.


def screening_need_events(record: PersonRecord) -> Iterable[Event]:
    """A screening as the need: whether positive and what was done, never answers, score or zone."""
    for s in record.screenings:
        lines = [f"Result: {'positive' if s.positive else 'negative'}"]
        if s.intervention:
            lines.append(f"What was done: {label(s.intervention)}")
        title = f"{label(s.tool)} screening: {need_label(s.tool, s.zone, s.positive)}"
        yield Event(s.screened_at, title, tuple(lines), s.screened_by_id)


def referral_need_events(record: PersonRecord) -> Iterable[Event]:
    """A referral as its kind and where it stands, never its reason."""
    for r in record.referrals:
        lines = [f"Kind: {label(r.kind)}", *_where_it_stands(r)]
        yield Event(r.made_at, f"Referral to {record.team_name(r.to_team_id)}", tuple(lines), r.made_by_id)


def alert_events(record: PersonRecord) -> Iterable[Event]:
    """An alert raised, and what became of it."""
    for a in record.alerts:
        lines = [a.message, f"Status: {label(a.status)}"]
        if a.resolution:
            lines.append(f"Resolution: {a.resolution}")
        yield Event(
            a.raised_at,
            f"Alert ({label(a.severity).lower()}): {label(a.rule)}",
            tuple(lines),
            a.resolved_by_id or a.acknowledged_by_id,
        )


MESSAGE_STATUS = {
    "pending": "Waiting to be sent",
    "held": "Held while in custody",
    "sending": "Being sent",
    "sent": "Sent",
    "delivered": "Delivered",
    "undelivered": "Not delivered",
    "failed": "Could not be sent",
    "cancelled": "Not sent",
}


def message_events(record: PersonRecord) -> Iterable[Event]:
    """A text to the person: what it said (once composed), and where it stands."""
    for m in record.messages:
        lines = [f"Status: {MESSAGE_STATUS[m.status]}"]
        if m.body:
            lines.append(f"“{m.body}”")
        if m.note:
            lines.append(m.note)
        yield Event(m.sent_at or m.due_at, f"Text message: {label(m.purpose)}", tuple(lines))


SOURCES: list[Callable[[PersonRecord], Iterable[Event]]] = [
    stage_events,
    appointment_events,
    screening_events,
    referral_events,
    alert_events,
    message_events,
]


NEED_ONLY: dict[Callable[[PersonRecord], Iterable[Event]], Callable[[PersonRecord], Iterable[Event]]] = {
    screening_events: screening_need_events,
    referral_events: referral_need_events,
}


def build_timeline(record: PersonRecord, *, clinical: bool = False) -> list[Event]:
    """Every source's events, newest first; clinical detail only when `clinical` (else the need)."""
    sources = SOURCES if clinical else [NEED_ONLY.get(source, source) for source in SOURCES]
    events = [event for source in sources for event in source(record)]
    return sorted(events, key=lambda e: e.at, reverse=True)
