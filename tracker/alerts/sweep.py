"""The sweep: find what can be due since the last sweep, run the pure rules, raise what is new.

It asks the database only for subjects whose checkpoint day was crossed since the last sweep
(indexed date windows) and for people whose records changed since then (the queue of changed people,
written with each change: tracker/alerts/changes.py), so a sweep with nothing due costs a few indexed
queries whatever the population. Alerts have a unique
key (rule, subject, checkpoint): running a sweep twice, or two at once, raises each alert once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, and_, bindparam, false, or_, select, update

from tracker.alerts import changes, facts, rules
from tracker.alerts.config import alert_config
from tracker.alerts.models import Alert, ChangedPerson, SweepMark
from tracker.alerts.problems import data_problem
from tracker.alerts.snapshots import snapshot_checklists
from tracker.alerts.store import insert_new_alerts, reopen_alerts, resolve_alerts
from tracker.clock import local_today, zone
from tracker.extensions import among, db, hold_transaction
from tracker.pathway.continuity import CONTINUITY_DAYS
from tracker.pathway.models import Appointment, Handover, Screening, Stage

CHUNK = 2000
CAUSE_GONE = "Resolved by itself: the cause went away."
# A rule not due yet is asked again as of this far ahead, to tell a moved checkpoint from a gone cause.
FAR_AHEAD = date(9999, 1, 1)
log = logging.getLogger("tracker.alerts")


@dataclass(frozen=True)
class Window:
    """The instants (since, now] this sweep covers, and their local calendar days."""

    since: datetime
    now: datetime
    since_day: date
    today: date
    horizon_day: date

    @property
    def new_day(self) -> bool:
        return self.since_day < self.today

    def crossed(self, column, rule_config: dict, anchor: str) -> list:
        """Conditions on `column` choosing the anchors whose checkpoint, for some rule on `anchor`, was
        crossed: a window of days for a rule counted in calendar days; for one counted in working days,
        the very anchor days whose checkpoint falls in the window, found day by day (bank holidays
        included), so a day's sweep asks about one day's anchors, not the fortnight its span covers."""
        on_anchor = [rule for rule in rule_config.values() if rule.get("anchor") == anchor]
        offsets = sorted({rule.get("offset_days", 0) for rule in on_anchor if "working_days" not in rule})
        conditions = [self.between(column, offset, offset) for offset in offsets]
        days = sorted({day for rule in on_anchor if "working_days" in rule for day in self.anchor_days(rule)})
        if days:
            conditions.append(column.in_(days))
        return conditions

    def anchor_days(self, rule: dict) -> list[date]:
        """The days whose checkpoint under this working-days rule falls in (since_day, today]."""
        if not self.new_day:
            return []
        latest, earliest = span(rule)
        first, last = self.since_day - timedelta(days=latest - 1), self.today - timedelta(days=earliest)
        days = (first + timedelta(days=n) for n in range((last - first).days + 1))
        return [
            day for day in days if self.since_day < rules.working_days_checkpoint(day, rule) <= self.today
        ]

    def between(self, column, low_offset: int, high_offset: int = 0):
        """column in (since_day - low_offset, today - high_offset]; nothing when no day was crossed."""
        if not self.new_day:
            return false()
        return and_(
            column > self.since_day - timedelta(days=low_offset),
            column <= self.today - timedelta(days=high_offset),
        )


@dataclass(frozen=True)
class SweepResult:
    raised: int
    moved: int
    resolved: int


def span(rule: dict) -> tuple[int, int]:
    """How many calendar days after its anchor a rule's checkpoint can fall: (latest, earliest).

    Read from the rule's own config, so moving an offset in config/alerts.toml moves the window too.
    Working days are over-approximated (weekends and up to five bank holidays): a wider window only
    asks the pure rule about a few more subjects.
    """
    if "working_days" in rule:
        n = rule["working_days"] + rule.get("days_after", 0)
        return n + 2 * -(-rule["working_days"] // 5) + 2 + 5, n
    return rule.get("offset_days", 0), rule.get("offset_days", 0)


def sweep(now: datetime, config: dict | None = None, fence: Callable[[], None] | None = None) -> SweepResult:
    """Evaluate every rule as of `now`, raise what is new, resolve what went away; commits.

    `fence`, from the scheduler, raises if this process no longer leads: it is called just before the
    commit, so a leader that lost its lease commits nothing (the CLI runs without one).
    """
    config = config or alert_config()
    window = _window(now, config["sweep"])
    # Every change committed before this point, whatever its timestamp; later ones wait for the next sweep.
    taken, changed = changes.take()
    # A literal list keeps the planner on its indexes; past a chunk, the subquery keeps binds few (it may
    # also name people queued since: they are looked at once more, harmlessly).
    queued = list(changed) if len(changed) <= CHUNK else select(ChangedPerson.person_id).distinct()
    rule_config = config["rules"]
    families = (
        ("handovers", facts.release_subjects, _release_candidates(window, queued, rule_config)),
        ("stages", facts.stage_subjects, _stage_candidates(window, queued, rule_config)),
        ("screenings", facts.screening_subjects, _screening_candidates(window, queued)),
        ("appointments", facts.appointment_subjects, _appointment_candidates(window, queued, rule_config)),
        ("alerts", facts.alert_subjects, _escalation_candidates(window, rule_config)),
    )
    hold_transaction()  # savepoints per chunk inside one transaction: the fence can still undo it all
    raised = moved = resolved = 0
    for subject_type, load, candidates in families:
        # In chunks, so a long catch-up never sends more bind parameters than a database takes.
        for start in range(0, len(candidates), CHUNK):
            chunk = candidates[start : start + CHUNK]
            counts = _settle_chunk(subject_type, load, chunk, window, changed, rule_config, now)
            raised, moved, resolved = raised + counts[0], moved + counts[1], resolved + counts[2]
    changes.forget(taken)
    _advance_mark(now)
    if fence is not None:
        fence()
    db.session.commit()
    return SweepResult(raised, moved, resolved)


def _settle_chunk(
    subject_type: str, load, chunk: list, window: Window, changed: set[int], rule_config: dict, now: datetime
):
    """Settle a chunk with set-based writes in a savepoint; if they fail, retry it subject by subject,
    so one bad record gets a data_problem alert and never stops the others."""
    try:
        with db.session.begin_nested():
            return _settle(load(chunk), window, changed, rule_config, now)
    except Exception:  # noqa: BLE001 - whatever one record does, the sweep goes on
        log.warning("sweep: a chunk of %d %s failed; settling them one by one", len(chunk), subject_type)
    totals = (0, 0, 0)
    for item in chunk:
        subject_id = item if isinstance(item, int) else item.id
        try:
            with db.session.begin_nested():
                counts = _settle(
                    load([subject_id] if isinstance(item, int) else [item]), window, changed, rule_config, now
                )
        except Exception as error:  # noqa: BLE001
            data_problem(subject_type, subject_id, error, rule_config, now)
            continue
        totals = (totals[0] + counts[0], totals[1] + counts[1], totals[2] + counts[2])
    return totals


def _settle(
    subjects, window: Window, changed: set[int], rule_config: dict, now: datetime
) -> tuple[int, int, int]:
    """Evaluate one chunk of subjects: raise what is new, fix continuity, resolve what went away."""
    findings, due, failed = _evaluate(subjects, window, changed, rule_config)
    for subject, error in failed:
        data_problem(subject.subject_type, subject.subject_id, error, rule_config, now)
    subjects = [s for s in subjects if all(s is not f for f, _ in failed)]
    raised = insert_new_alerts(due, rule_config, now) + _reopen_returned(due)
    _fix_continuity(subjects, window.today)
    snapshot_checklists(subjects, window.today, now)
    moved, resolved = _resolve_gone(subjects, findings, now, rule_config)
    return raised, moved, resolved


def _window(now: datetime, settings: dict) -> Window:
    mark = db.session.get(SweepMark, 1)
    since = mark.swept_to if mark else now - timedelta(days=settings["first_lookback_days"])
    if since >= now:  # a sweep --at an earlier instant looks at the day before it
        since = now - timedelta(days=1)
    since = max(since, now - timedelta(days=settings["max_catch_up_days"]))
    today = local_today(now)
    return Window(
        since, now, local_today(since), today, today - timedelta(days=settings["late_entry_horizon_days"])
    )


def _changed(person_id, changed: Select | list[int]):
    """The rows of the people queued as changed: a literal list (an array on PostgreSQL), or a subquery."""
    return person_id.in_(changed) if isinstance(changed, Select) else among(person_id, changed)


def _release_candidates(w: Window, changed: Select | list[int], rule_config: dict) -> list[int]:
    crossed = w.crossed(Handover.due_on, rule_config, "planned_release")
    crossed += w.crossed(Handover.released_on, rule_config, "actual_release")
    recent = or_(Handover.due_on >= w.horizon_day, Handover.released_on >= w.horizon_day)
    return list(
        db.session.scalars(
            select(Handover.id).where(
                Handover.kind == "release",
                or_(
                    and_(Handover.status == "open", or_(false(), *crossed)),
                    # Whatever their status, so a cancelled or returned one settles its alerts.
                    and_(_changed(Handover.person_id, changed), recent),
                ),
            )
        )
    )


def _stage_candidates(w: Window, changed: Select | list[int], rule_config: dict) -> list[int]:
    started = w.crossed(Stage.start_on, rule_config, "stage_start")
    started += w.crossed(Stage.start_on, rule_config, "custody_start")
    crossed = [
        *w.crossed(Stage.community_responsibility_on, rule_config, "community_responsibility"),
        # Custody reception, and the screening these stages ask for.
        and_(Stage.kind.in_(rules.SCREENED_AT), or_(false(), *started)),
        and_(Stage.kind == "atr", or_(false(), *w.crossed(Stage.start_on, rule_config, "atr_start"))),
        *w.crossed(Stage.atr_end_on, rule_config, "atr_end"),  # only ATRs have one
        *w.crossed(Stage.expected_end_on, rule_config, "expected_end"),
    ]
    return list(
        db.session.scalars(
            select(Stage.id).where(
                or_(
                    and_(Stage.end_on.is_(None), or_(*crossed)),
                    # Ended stages too, so that their alerts resolve once the transition is recorded.
                    _changed(Stage.person_id, changed),
                ),
            )
        )
    )


def _screening_candidates(w: Window, changed: Select | list[int]) -> list[int]:
    asks_for_more = or_(
        Screening.zone == 4, and_(Screening.tool.in_(("audit_c", "fast")), Screening.positive)
    )
    return list(
        db.session.scalars(select(Screening.id).where(asks_for_more, _changed(Screening.person_id, changed)))
    )


def _appointment_candidates(w: Window, changed: Select | list[int], rule_config: dict) -> list[int]:
    day = timedelta(hours=rule_config["appointment_outcome_missing"]["offset_hours"])
    return list(
        db.session.scalars(
            select(Appointment.id).where(
                or_(
                    and_(
                        Appointment.outcome.is_(None),
                        Appointment.starts_at > w.since - day,
                        Appointment.starts_at <= w.now - day,
                    ),
                    # Whatever their outcome, so a recorded, cancelled or moved one resolves its alert.
                    and_(
                        _changed(Appointment.person_id, changed),
                        Appointment.starts_at >= datetime.combine(w.horizon_day, time.min, zone()),
                    ),
                ),
            )
        )
    )


def _escalation_candidates(w: Window, rule_config: dict) -> list:
    if not w.new_day:
        return []
    # Whole local days, as the rule counts them: n working days are n to latest calendar days.
    latest, earliest = span(rule_config["escalated"])
    return list(
        db.session.execute(
            # The columns alert_subjects reads, not whole rows.
            select(Alert.id, Alert.person_id, Alert.severity, Alert.status, Alert.raised_at)
            .add_columns(Alert.rule, Alert.team_id)
            .where(
                Alert.status == "open",
                Alert.severity == "urgent",
                Alert.rule != "escalated",
                Alert.raised_at >= _local_midnight(w.since_day - timedelta(days=latest)),
                Alert.raised_at < _local_midnight(w.today - timedelta(days=earliest - 1)),
            )
        )
    )


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, zone())


def _evaluate(subjects, w: Window, changed: set[int], rule_config: dict):
    """Every rule on every subject; returns all current findings, those to raise now, and the subjects
    whose rules failed (each with its error), whose findings are left out."""
    findings: dict[tuple[str, str, int], rules.Finding | None] = {}
    due: list = []
    failed = []
    for subject in subjects:
        try:
            own = _evaluate_one(subject, w, changed, rule_config)
        except Exception as error:  # noqa: BLE001 - one subject's bad facts never stop the others
            failed.append((subject, error))
            continue
        for rule_id, finding, is_due in own:
            findings[(rule_id, subject.subject_type, subject.subject_id)] = finding
            if is_due:
                due.append((rule_id, subject, finding))
    return findings, due, failed


def _evaluate_one(subject, w: Window, changed: set[int], rule_config: dict) -> list:
    clock = w.now if subject.subject_type == "appointments" else w.today
    own = []
    for rule_id, rule in subject.rules.items():
        finding = rule(subject.facts, clock, rule_config[rule_id])
        own.append((rule_id, finding, bool(finding and _in_window(finding, subject, w, changed))))
    return own


def _in_window(finding: rules.Finding, subject, w: Window, changed: set[int]) -> bool:
    if subject.subject_type == "appointments":  # the query already chose the 24-hour crossing
        return True
    if w.since_day < finding.checkpoint_on <= w.today:
        return True
    return subject.person_id in changed and w.horizon_day <= finding.checkpoint_on <= w.today


def _fix_continuity(subjects, today: date) -> None:
    """At A+21 the release handover is done and its continuity-of-care outcome fixed, once (one statement).

    The outcome is fixed for people with an alcohol need (indicator C20); for others it stays empty.
    """
    rows = [
        {
            "handover_id": s.subject_id,
            "is_engaged": rules.engaged_within_21_days(s.facts) if s.facts.alcohol_need else None,
            "fixed_on": fixed_on,
        }
        for s in subjects
        if s.subject_type == "handovers"
        and s.facts.released_on is not None
        and (fixed_on := s.facts.released_on + timedelta(days=CONTINUITY_DAYS)) <= today
    ]
    if rows:
        table = Handover.__table__
        db.session.execute(
            update(table)
            .where(table.c.id == bindparam("handover_id"), table.c.status == "open")
            .values(status="done", engaged=bindparam("is_engaged"), engaged_fixed_on=bindparam("fixed_on")),
            rows,
        )


def _resolve_gone(subjects, findings, now: datetime, rule_config: dict) -> tuple[int, int]:
    """Resolve open alerts on these subjects whose cause went away or whose checkpoint moved."""
    ids_by_type: dict[str, set[int]] = {}
    by_key = {}
    for s in subjects:
        ids_by_type.setdefault(s.subject_type, set()).add(s.subject_id)
        by_key[(s.subject_type, s.subject_id)] = s
    if not ids_by_type:
        return 0, 0
    open_alerts = db.session.execute(
        select(Alert.id, Alert.rule, Alert.subject_type, Alert.subject_id, Alert.checkpoint_on).where(
            Alert.status.in_(("open", "acknowledged")),
            Alert.rule.not_in(rules.EVENT_RULES),
            or_(
                *(
                    and_(Alert.subject_type == t, among(Alert.subject_id, ids))
                    for t, ids in ids_by_type.items()
                )
            ),
        )
    ).all()
    moved = resolved = 0
    resolutions: dict[int, str] = {}
    for alert in open_alerts:
        key = (alert.rule, alert.subject_type, alert.subject_id)
        subject = by_key[key[1:]]
        if subject.ended:
            resolutions[alert.id], resolved = f"Resolved by itself: {subject.ended}.", resolved + 1
            continue
        if key not in findings:
            continue
        finding = findings[key] or _pending(subject, alert.rule, rule_config)
        if finding is not None and finding.checkpoint_on == alert.checkpoint_on:
            continue
        if finding is not None:
            resolutions[alert.id], moved = f"Moved: now due on {finding.checkpoint_on}.", moved + 1
        else:
            resolutions[alert.id], resolved = CAUSE_GONE, resolved + 1
    resolve_alerts(resolutions, now)
    return moved, resolved


def _reopen_returned(due) -> int:
    """A gap that went away by itself and came back (a referral declined after it closed the task)
    opens its alert again; one resolved by a person, or moved, stays as they left it."""
    keys = {(rule_id, s.subject_type, s.subject_id, f.checkpoint_on) for rule_id, s, f in due}
    if not keys:
        return 0
    returned = [
        alert.id
        for alert in db.session.execute(
            select(Alert.id, Alert.rule, Alert.subject_type, Alert.subject_id, Alert.checkpoint_on).where(
                Alert.status == "resolved",
                Alert.resolution == CAUSE_GONE,
                Alert.resolved_by_id.is_(None),
                among(Alert.subject_id, {key[2] for key in keys}),
            )
        )
        if (alert.rule, alert.subject_type, alert.subject_id, alert.checkpoint_on) in keys
    ]
    reopen_alerts(returned)
    return len(returned)


def _pending(subject, rule_id: str, rule_config: dict) -> rules.Finding | None:
    """The checkpoint a rule not due now falls due on later, if its cause remains (a moved date)."""
    hourly = subject.subject_type == "appointments"
    far = datetime.combine(FAR_AHEAD, time.min, zone()) if hourly else FAR_AHEAD
    return subject.rules[rule_id](subject.facts, far, rule_config[rule_id])


def _advance_mark(now: datetime) -> None:
    mark = db.session.get(SweepMark, 1)
    if mark is None:
        db.session.add(SweepMark(id=1, swept_to=now))
    elif mark.swept_to < now:
        mark.swept_to = now
