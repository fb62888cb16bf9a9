"""What people said: the release check-in (YES/NO), the 1 to 5 feedback ratings, and the texts behind
them (sent, delivered, replied to, opted out of), each in the month it happened."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, Date, Integer, Select, case, func, literal, select, union_all

from tracker.auth.models import Staff
from tracker.pathway.models import ConsentChange, Handover, Person
from tracker.reports.breakdowns import month_index
from tracker.reports.measures import Count, Rate
from tracker.reports.periods import Period
from tracker.reports.scope import Scope, scope_filter
from tracker.sms.models import FeedbackRating, InboundMessage, Message

NOTE = {
    "shows": "What people told us after release: whether they got to their first appointment (the "
    "check-in text), how helpful they found their support (1 to 5), and how many texts reached them.",
    "included": "Check-in answers and ratings received in the period, and texts sent, replies received "
    "and opt-outs recorded in it, each in the month it happened. Only the number of a rating is kept, "
    "never the reply.",
    "counted": "Check-in: the last YES or NO to the check-in text on each release. Rating: the reply of "
    "just 1 to 5 within 7 days of the feedback text, sent the day after the first attended community "
    "appointment since release. Texts sent: every text handed to the provider; delivered: confirmed by "
    "it; replied: texts received from a known person; opted out: consent withdrawn (STOP or by staff). "
    "Counts under 5, and any figure one could be worked out from, are suppressed.",
}
BREAKDOWNS = ("month",)
RATINGS = (1, 2, 3, 4, 5)
COUNTS = (
    Count("check_in_answered", "Check-in answered"),
    Count("check_in_yes", "Got to their appointment (YES)", of="check_in_answered"),
    Count("check_in_no", "Did not (NO)", of="check_in_answered"),
    Count("rated", "Ratings received"),
    *(Count(f"rated_{n}", f"Rated {n}", of="rated") for n in RATINGS),
    Count("texts_sent", "Texts sent"),
    Count("texts_delivered", "Texts delivered", of="texts_sent"),
    Count("replied", "Replies received"),
    Count("opted_out", "Opted out"),
)
PARTS = {
    "check_in_answered": ("check_in_yes", "check_in_no"),
    "rated": tuple(f"rated_{n}" for n in RATINGS),
}
RATES = (Rate("delivered_share", "Delivered (%)", "texts_delivered", "texts_sent"),)
NAMES = [c.name for c in COUNTS]


def counts(year: Period, by: str, scope: Scope, today: date) -> Select:
    """(month, month, *COUNTS) over answers, ratings, texts, replies and opt-outs, summed by month."""
    parts = union_all(
        _check_ins(year, scope, today),
        _ratings(year, scope, today),
        _texts(year, scope, today),
        _replies(year, scope, today),
        _opt_outs(year, scope, today),
    ).subquery()
    return select(parts.c.grp, parts.c.month, *(func.sum(parts.c[n]).label(n) for n in NAMES)).group_by(
        parts.c.grp, parts.c.month
    )


def _day(instant) -> ColumnElement[date]:
    return func.date(instant, type_=Date)


def _one(instant, year: Period, today: date, scope_ok: ColumnElement[bool], **values) -> Select:
    """One kind of event: its month as the group, its own counts, zeros elsewhere."""
    on = _day(instant)
    month = month_index(on, year)
    columns = {n: values.get(n, literal(0, Integer)) for n in NAMES}
    return select(month.label("grp"), month.label("month"), *(v.label(n) for n, v in columns.items())).where(
        on >= year.start_on, on <= min(year.end_on, today), scope_ok
    )


def _is(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


def _release_scope(scope: Scope) -> ColumnElement[bool]:
    return scope_filter(scope, establishment=Handover.team_id, probation_team=Handover.probation_team_id)


def _person_scope(scope: Scope, person_id) -> ColumnElement[bool]:
    # Texts are not tied to a release: offender managers see their team's caseload as it is today.
    team = (
        select(Staff.team_id)
        .join(Person, Person.offender_manager_id == Staff.id)
        .where(Person.id == person_id)
        .scalar_subquery()
    )
    return scope_filter(scope, probation_team=team)


def _check_ins(year: Period, scope: Scope, today: date) -> Select:
    answered = Handover.check_in_answer.is_not(None)
    return _one(
        Handover.check_in_answered_at,
        year,
        today,
        _release_scope(scope),
        check_in_answered=_is(answered),
        check_in_yes=_is(Handover.check_in_answer.is_(True)),
        check_in_no=_is(Handover.check_in_answer.is_(False)),
    ).where(Handover.kind == "release", answered)


def _ratings(year: Period, scope: Scope, today: date) -> Select:
    values = {f"rated_{n}": _is(FeedbackRating.rating == n) for n in RATINGS}
    return _one(
        FeedbackRating.received_at, year, today, _release_scope(scope), rated=literal(1, Integer), **values
    ).join(Handover, Handover.id == FeedbackRating.handover_id)


def _texts(year: Period, scope: Scope, today: date) -> Select:
    delivered = _is(Message.status == "delivered")
    return _one(
        Message.sent_at,
        year,
        today,
        _person_scope(scope, Message.person_id),
        texts_sent=literal(1, Integer),
        texts_delivered=delivered,
    ).where(Message.sent_at.is_not(None))


def _replies(year: Period, scope: Scope, today: date) -> Select:
    return _one(
        InboundMessage.received_at,
        year,
        today,
        _person_scope(scope, InboundMessage.person_id),
        replied=literal(1, Integer),
    ).where(InboundMessage.person_id.is_not(None))


def _opt_outs(year: Period, scope: Scope, today: date) -> Select:
    return _one(
        ConsentChange.changed_at,
        year,
        today,
        _person_scope(scope, ConsentChange.person_id),
        opted_out=literal(1, Integer),
    ).where(ConsentChange.consent.is_(False))
