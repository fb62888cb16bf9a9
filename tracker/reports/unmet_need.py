"""Unmet need: positive screens and recorded needs without the next step, and screening coverage by stage.

One statement: each stage episode entered in the year (arrest, court, ATR, custody) with the first date
of each trigger in it, then whether the next step followed within 28 days, counted by group and month.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    and_,
    case,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    union_all,
)

from tracker.auth.models import Team
from tracker.pathway import referrals
from tracker.pathway.models import Person, Referral, Screening, Stage
from tracker.reports.breakdowns import (
    BY_GROUP_AND_MONTH,
    Facts,
    age_band_expression,
    group_expression,
    month_index,
    plus_days,
)
from tracker.reports.episodes import EpisodeFacts
from tracker.reports.measures import Count, Rate
from tracker.reports.periods import Period
from tracker.reports.scope import Scope, scope_filter

TITLE = "Unmet need and screening coverage"
NOTE = {
    "shows": "Screening coverage at each stage, and where a need found did not lead to the next step "
    "within 28 days: a treatment referral, a full AUDIT after a positive short screen, brief advice.",
    "included": "Each arrest, court, ATR and custody episode started in the period, counted once per "
    "person per episode; the breakdowns are as they were at the episode: its establishment, the age "
    "band on its first day, and the sex and ethnic group recorded when the episode was.",
    "counted": "Screened: any AUDIT, AUDIT-C or FAST from 90 days before the episode began to 14 days "
    "after. Treatment need: an AUDIT in zone IV in the episode, or an alcohol need recorded; unmet if no "
    "structured treatment referral to a treatment service was made from 90 days before the episode to 28 "
    "days after the need was found. Positive short screen: AUDIT-C 5 or more, or FAST positive; unfinished "
    "if no full AUDIT followed within 28 days. Zones II and III need simple advice or a brief intervention "
    "recorded. Anything whose 28 days have not yet passed is pending.",
}
BREAKDOWNS = ("stage", "establishment", "sex", "age_band", "ethnic_group", "month")
STAGES = ("arrest", "court", "atr", "custody")
DAYS, BEFORE, AFTER = 28, 90, 14
# The breakdowns kept per episode when it was recorded (tracker/reports/episodes.py).
KEPT = ("sex", "ethnic_group")
COUNTS = (
    Count("entered", "Episodes started"),
    Count("screened", "Screened around the start", of="entered"),
    Count("need", "Treatment need", of="entered"),
    Count("need_referred", "Referred within 28 days", of="need"),
    Count("need_unmet", "Not referred (unmet)", of="need"),
    Count("need_pending", "Referral pending", of="need"),
    Count("positive", "Positive short screen", of="entered"),
    Count("audit_done", "Full AUDIT within 28 days", of="positive"),
    Count("audit_missing", "No full AUDIT (unfinished)", of="positive"),
    Count("audit_pending", "Full AUDIT pending", of="positive"),
    Count("brief_needed", "Zone II or III", of="entered"),
    Count("brief_missing", "No brief advice recorded", of="brief_needed"),
)
PARTS = {
    "need": ("need_referred", "need_unmet", "need_pending"),
    "positive": ("audit_done", "audit_missing", "audit_pending"),
}
RATES = (
    Rate("coverage", "Screening coverage (%)", numerator="screened", denominator="entered"),
    Rate("unmet_share", "Treatment need unmet (%)", numerator="need_unmet", denominator="need"),
)


def _screened_on() -> ColumnElement[date]:
    return func.date(Screening.screened_at, type_=Date)


def _first(condition: ColumnElement[bool]) -> ColumnElement[date]:
    """The first day a joined screening met `condition` (an aggregate over the episode's screenings)."""
    return func.min(case((condition, _screened_on())))


def _any(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.max(case((condition, 1), else_=0))


def _started(year: Period, by: str, scope: Scope, today: date):
    """The episodes started in the year, in scope: (their group, their month, the filters), each breakdown
    as it was at the episode: its start, its establishment, the age band on its first day, and the sex
    and ethnic group kept when it was recorded (the person's now for a stage that has none kept: one
    written straight into the table)."""
    kept = EpisodeFacts.stage_id.is_not(None)
    facts = Facts(
        on=Stage.start_on,
        establishment=Stage.establishment_team_id,
        sex=case((kept, EpisodeFacts.sex), else_=Person.sex),
        age_band=age_band_expression(Person.date_of_birth, Stage.start_on),
        ethnic_group=case((kept, EpisodeFacts.ethnic_group), else_=Person.ethnic_group),
        stage=Stage.kind,
    )
    where = (
        Stage.kind.in_(STAGES),
        Stage.start_on >= year.start_on,
        Stage.start_on <= min(year.end_on, today),
        _scope(scope),
    )
    return group_expression(by, facts, year), month_index(Stage.start_on, year), where


def _kept(query: Select, by: str) -> Select:
    if by in KEPT:  # joined only when counted by them: nearly a million stages nationally
        return query.outerjoin(EpisodeFacts, EpisodeFacts.stage_id == Stage.id)
    return query


def _since(year: Period) -> datetime:
    """Only what can fall in a window of the year: from 90 days before it starts."""
    return datetime.combine(year.start_on - timedelta(days=BEFORE + 1), time(0), UTC)


def _in_episode(today: date) -> ColumnElement[bool]:
    on = _screened_on()
    return and_(on >= Stage.start_on, on <= func.coalesce(Stage.end_on, literal(today, Date)))


def _episodes(year: Period, by: str, scope: Scope, today: date):
    """Each episode started in the year, once: its group and month, the first day of a treatment need
    and of the first structured treatment referral from 90 days before it, by joining and grouping (no
    statement per episode). Positive short screens are counted apart (_positives)."""
    group, month, started = _started(year, by, scope, today)
    on = _screened_on()
    in_episode = _in_episode(today)
    audit = Screening.tool == "audit"
    brief_zone = and_(in_episode, audit, Screening.zone.in_((2, 3)))
    advised = Screening.intervention.in_(("simple_advice", "brief_intervention"))
    made_on = func.date(Referral.made_at, type_=Date)
    since = _since(year)
    treatment = (
        select(Referral.person_id, made_on.label("made_on"))
        .join(Team, Team.id == Referral.to_team_id)
        .where(
            Referral.kind.in_(referrals.STRUCTURED_KINDS),
            Team.kind == "treatment",
            Referral.made_at >= since,
        )
        .subquery("treatment")
    )
    zone4_on = _first(and_(in_episode, audit, Screening.zone == 4))
    episodes = (
        select(
            group.label("grp"),
            month.label("month"),
            _any(
                and_(on >= plus_days(Stage.start_on, -BEFORE), on <= plus_days(Stage.start_on, AFTER))
            ).label("screened"),
            func.coalesce(zone4_on, case((Person.alcohol_need.is_(True), Stage.start_on))).label("need_on"),
            _any(brief_zone).label("brief_needed"),
            _any(and_(brief_zone, advised)).label("brief_done"),
            func.min(
                case((treatment.c.made_on >= plus_days(Stage.start_on, -BEFORE), treatment.c.made_on))
            ).label("referred_on"),
        )
        .join(Person, Person.id == Stage.person_id)
        .outerjoin(Screening, and_(Screening.person_id == Stage.person_id, Screening.screened_at >= since))
        .outerjoin(treatment, treatment.c.person_id == Stage.person_id)
        .where(*started)
        .group_by(Stage.id, Stage.person_id, Stage.start_on, Person.alcohol_need, group, month)
    )
    return _kept(episodes, by).subquery("episodes")


def _positives(year: Period, by: str, scope: Scope, today: date):
    """Each episode of the year with a positive short screen in it, once: its group and month, the person
    and the day of the first positive screen (only the screenings that are one are joined)."""
    group, month, started = _started(year, by, scope, today)
    short_positive = or_(
        and_(Screening.tool == "audit_c", Screening.score >= 5),
        and_(Screening.tool == "fast", Screening.positive.is_(True)),
    )
    positives = (
        select(
            group.label("grp"),
            month.label("month"),
            Stage.person_id.label("person_id"),
            func.min(_screened_on()).label("positive_on"),
        )
        .join(Person, Person.id == Stage.person_id)
        .join(
            Screening,
            and_(
                Screening.person_id == Stage.person_id,
                Screening.screened_at >= _since(year),
                short_positive,
                _in_episode(today),
            ),
        )
        .where(*started)
        .group_by(Stage.id, Stage.person_id, group, month)
    )
    return _kept(positives, by).subquery("positives")


def counts(year: Period, by: str, scope: Scope, today: date) -> Select:
    """(group, month, *COUNTS) for every episode started in the financial year, in one statement.

    Two parts added up: every episode, and apart the few with a positive short screen, whether a full
    AUDIT followed (a lookup per positive episode). Asked of every episode in one grouping, that lookup
    kept PostgreSQL from hashing the year's episodes into their few groups: it sorted all of them."""
    closed = today - timedelta(days=DAYS)
    e = _episodes(year, by, scope, today)
    need = e.c.need_on.is_not(None)
    referred = and_(e.c.referred_on.is_not(None), e.c.referred_on <= plus_days(e.c.need_on, DAYS))
    none = literal(0)
    every = select(
        e.c.grp,
        e.c.month,
        func.count().label("entered"),
        func.sum(e.c.screened).label("screened"),
        _n(need).label("need"),
        _n(and_(need, referred)).label("need_referred"),
        _n(and_(need, ~referred, e.c.need_on < closed)).label("need_unmet"),
        _n(and_(need, ~referred, e.c.need_on >= closed)).label("need_pending"),
        none.label("positive"),
        none.label("audit_done"),
        none.label("audit_missing"),
        none.label("audit_pending"),
        func.sum(e.c.brief_needed).label("brief_needed"),
        _n(and_(e.c.brief_needed == 1, e.c.brief_done == 0)).label("brief_missing"),
    ).group_by(*BY_GROUP_AND_MONTH)
    p = _positives(year, by, scope, today)
    audited = exists(
        select(Screening.id).where(
            Screening.person_id == p.c.person_id,
            Screening.tool == "audit",
            _screened_on() >= p.c.positive_on,
            _screened_on() <= plus_days(p.c.positive_on, DAYS),
        )
    )
    positive = select(
        p.c.grp,
        p.c.month,
        none,
        none,
        none,
        none,
        none,
        none,
        func.count(),
        _n(audited),
        _n(and_(~audited, p.c.positive_on < closed)),
        _n(and_(~audited, p.c.positive_on >= closed)),
        none,
        none,
    ).group_by(*BY_GROUP_AND_MONTH)
    both = union_all(every, positive).subquery("parts")
    names = [c.name for c in COUNTS]
    return select(both.c.grp, both.c.month, *(func.sum(both.c[name]).label(name) for name in names)).group_by(
        *BY_GROUP_AND_MONTH
    )


def _n(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def _scope(scope: Scope) -> ColumnElement[bool]:
    if scope.role == "offender_manager":
        # The person's offender manager now: a stage keeps no offender manager of its own.
        from tracker.auth.models import Staff

        managed = select(Staff.id).where(
            Staff.id == Person.offender_manager_id, Staff.team_id == scope.team_id
        )
        return exists(managed) if scope.team_id is not None else false()
    if scope.role == "treatment":
        to_team = select(Referral.id).where(
            Referral.person_id == Stage.person_id,
            Referral.to_team_id == scope.team_id,
            Referral.kind.in_(referrals.STRUCTURED_KINDS),
        )
        return exists(to_team) if scope.team_id is not None else false()
    return scope_filter(scope, establishment=Stage.establishment_team_id)
