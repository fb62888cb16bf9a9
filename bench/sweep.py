"""Benchmark: one alert sweep with nothing new due and with one day's releases due, at two populations.

Builds a synthetic national data set in PostgreSQL by COPY (the service layer is far too slow at this
size): 120 prisons, probation and treatment teams, a caseload of about 40 people per offender manager,
34% of people in custody with a release date in the next 365 days and their release handover and
checklist, the rest on licence (released over the past year), on an ATR or awaiting court, with their
appointments, referrals, AUDIT screenings and audit log. After three weeks of nightly sweeps (so the
open alerts are as in steady running) it sweeps at T, which sets the mark, then times a sweep at T + 1
minute (nothing new due); then 1,500 people per 250,000 are released on T, recorded as the service would
and queued as changed people, and it times the sweep at 00:01 the next day: a mass-release day, those
releases plus the P-84, P-28 and P-7 cohorts and every other checkpoint of that day (issue 13: under 2 s
at 250,000 people, a constant number of statements per chunk). Each timed sweep prints its wall time,
its own CPU time (the machine may be shared) and its statements. Prints figures; asserts nothing.

The full run keeps a copy of the database just before the timed day (`<name>_day`); BENCH_AGAIN=1
times that day again on a fresh copy, without building anything.

    .venv/bin/python bench/sweep.py
    BENCH_SIZES=25000 BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench \
        .venv/bin/python bench/sweep.py
    BENCH_AGAIN=1 BENCH_DATABASE_URL=... .venv/bin/python bench/sweep.py
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from sqlalchemy import event, func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker.pathway import checklist, dates, screening  # noqa: E402  (pure modules)

SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "25000,250000").split(",")]
URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/bench_sweep")
# A Tuesday: the timed day boundary falls into a Wednesday, an ordinary working day.
TODAY = date.fromisoformat(os.environ.get("BENCH_TODAY", "2026-11-24"))
LONDON = ZoneInfo("Europe/London")
PRISONS, PROBATION_TEAMS, TREATMENT_TEAMS, CASELOAD = 120, 12, 24, 40
HISTORY_DAYS = 21
# People released on T and recorded that day, queued for the next sweep: 1,500 at 250,000 people, as on
# the mass-release days of September 2024.
RELEASES_PER_250000 = int(os.environ.get("BENCH_RELEASES", "1500"))
OUTCOMES = (("attended", 0.85), ("missed", 0.10), ("cancelled", 0.03), (None, 0.02))

# Every table loaded, in foreign-key order; the first column is always the id, assigned here.
COLUMNS = {
    "teams": ("id", "name", "kind", "code", "created_at"),
    "staff": (
        "id",
        "email",
        "name",
        "role",
        "team_id",
        "password_hash",
        "active",
        "session_version",
        "created_at",
    ),
    "people": (
        "id",
        "given_name",
        "family_name",
        "date_of_birth",
        "crn",
        "prison_number",
        "sms_consent",
        "language",
        "alcohol_need",
        "offender_manager_id",
        "stage_kind",
        "created_at",
        "updated_at",
    ),
    "pathways": ("id", "person_id", "opened_on"),
    "stages": (
        "id",
        "pathway_id",
        "person_id",
        "position",
        "kind",
        "start_on",
        "expected_end_on",
        "end_on",
        "team_id",
        "created_at",
        "court",
        "order_type",
        "order_end_on",
        "supervision_end_on",
        "atr_end_on",
        "treatment_team_id",
        "dependency_assessed",
        "consent_recorded",
        "basis",
        "establishment_team_id",
        "sentence_start_on",
        "release_on",
        "community_responsibility_on",
    ),
    "release_dates": ("id", "stage_id", "kind", "value_on", "source", "recorded_at"),
    "handovers": (
        "id",
        "person_id",
        "stage_id",
        "kind",
        "team_id",
        "due_on",
        "released_on",
        "status",
        "created_at",
        "updated_at",
    ),
    "handover_items": ("id", "handover_id", "item", "status", "updated_at"),
    "appointments": (
        "id",
        "person_id",
        "stage_id",
        "kind",
        "starts_at",
        "team_id",
        "outcome",
        "outcome_at",
        "created_at",
    ),
    "referrals": (
        "id",
        "person_id",
        "to_team_id",
        "reason",
        "status",
        "treatment_started_on",
        "made_at",
        "updated_at",
    ),
    "screenings": (
        "id",
        "person_id",
        "tool",
        "answers",
        "score",
        "zone",
        "positive",
        "action",
        "screened_at",
    ),
    "audit_entries": ("id", "at", "action", "subject_type", "subject_id", "person_id"),
}


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """A local wall-clock time on `day`, as an aware UTC instant."""
    return datetime.combine(day, clock_time(hour, minute), LONDON).astimezone(UTC)


class DataSet:
    """Rows for every table, held in memory with their ids so children can point at their parents."""

    def __init__(self, people: int) -> None:
        self.rng = random.Random(people)
        self.rows: dict[str, list[tuple]] = {table: [] for table in COLUMNS}
        # Custody people released on T: (person, pathway, next position, custody stage, team, handover).
        self.releases: list[tuple[int, int, int, int, int, int]] = []

    def add(self, table: str, **values) -> int:
        """Append one row; returns its id."""
        rows = self.rows[table]
        rows.append((len(rows) + 1, *(values.get(c) for c in COLUMNS[table][1:])))
        return len(rows)

    def day_in(self, low: int, high: int) -> date:
        """A working day from TODAY + low to TODAY + high (moved back to the one before if needed)."""
        day = TODAY + timedelta(days=self.rng.randint(low, high))
        return day if dates.is_working_day(day) else dates.previous_working_day(day)

    def slot(self, day: date) -> datetime:
        """An appointment slot: 09:00 to 16:45 on `day`."""
        return at(day, 9, 0) + timedelta(minutes=15 * self.rng.randrange(32))

    def outcome(self) -> str | None:
        """A past appointment's outcome; 2% were never recorded."""
        return self.rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]


def build(n: int) -> DataSet:
    """The national data set for `n` people."""
    d = DataSet(n)
    since = at(TODAY - timedelta(days=800))
    prisons = [
        d.add("teams", name=f"HMP Bench {i:03d}", kind="prison", code=f"B{i:02X}", created_at=since)
        for i in range(PRISONS)
    ]
    probation = [
        d.add("teams", name=f"Probation {i}", kind="probation", created_at=since)
        for i in range(PROBATION_TEAMS)
    ]
    treatment = [
        d.add("teams", name=f"Alcohol Service {i}", kind="treatment", created_at=since)
        for i in range(TREATMENT_TEAMS)
    ]
    managers = [
        (
            d.add(
                "staff",
                email=f"om{i}@bench.example",
                name=f"OM {i}",
                role="offender_manager",
                team_id=probation[i % PROBATION_TEAMS],
                password_hash="!",
                active=True,
                session_version=1,
                created_at=since,
            ),
            probation[i % PROBATION_TEAMS],
        )
        for i in range(max(1, n // CASELOAD))
    ]
    releases = n * RELEASES_PER_250000 // 250000
    for i in range(n):
        manager, team = managers[i % len(managers)]
        # Of every 50 people: 17 in custody (34%), 16 on licence, 10 on an ATR, 7 awaiting court.
        kind = "custody" if i % 50 < 17 else "licence" if i % 50 < 33 else "atr" if i % 50 < 43 else "court"
        person = Person(d, i, kind, manager, team, d.rng.choice(prisons), d.rng.choice(treatment))
        if kind == "custody" and len(d.releases) < releases:
            person.custody(release_today=True)
        else:
            getattr(person, kind)()
    return d


class Person:
    """One person's pathway, written row by row: stages, handovers, appointments, referrals, screening."""

    def __init__(self, d: DataSet, i: int, kind: str, manager: int, team: int, prison: int, treatment: int):
        self.d, self.team, self.prison, self.treatment = d, team, prison, treatment
        self.alcohol = d.rng.random() < 0.45
        self.id = d.add(
            "people",
            given_name=f"Given{i}",
            family_name=f"Family{i % 997}",
            date_of_birth=date(1960, 1, 1) + timedelta(days=d.rng.randrange(15000)),
            crn=f"X{i:07d}",
            prison_number=f"A{i:06d}" if kind != "court" else None,
            sms_consent=False,
            language="en",
            alcohol_need=self.alcohol,
            offender_manager_id=manager,
            stage_kind=kind,
            created_at=at(TODAY - timedelta(900)),
            updated_at=at(TODAY - timedelta(days=1)),
        )
        self.pathway = 0
        self.position = 0

    def stage(self, kind: str, start_on: date, end_on: date | None = None, **fields) -> int:
        """The next stage of the pathway, opening it (and screening) with the first."""
        if not self.pathway:
            self.pathway = self.d.add("pathways", person_id=self.id, opened_on=start_on)
            self.audit("create", "people", self.id, start_on)
            self.screen(start_on)
        stage = self.d.add(
            "stages",
            pathway_id=self.pathway,
            person_id=self.id,
            position=self.position,
            kind=kind,
            start_on=start_on,
            end_on=end_on,
            created_at=at(start_on),
            **fields,
        )
        self.position += 1
        self.audit("create", "stages", stage, start_on)
        return stage

    def court_then(self, start_on: date) -> None:
        """The court stage that ended when the stage starting on `start_on` began."""
        court_on = start_on - timedelta(days=self.d.rng.randint(14, 120))
        self.stage("court", court_on, start_on, court="Bench Magistrates", team_id=self.team)
        self.appointment("court_hearing", court_on + timedelta(days=7), "attended", team=self.team)

    def custody(self, release_today: bool = False) -> None:
        """In custody, to be released in the next 365 days (or on T, confirmed, and recorded that day)."""
        crd = TODAY + timedelta(days=0 if release_today else self.d.rng.randint(1, 365))
        release = {"crd": crd, "sed": crd + timedelta(days=self.d.rng.randint(180, 720))}
        if release_today or self.d.rng.random() < 0.4 and dates.previous_working_day(crd) > TODAY:
            release["confirmed"] = crd if dates.is_working_day(crd) else dates.previous_working_day(crd)
        release_on = dates.planned_release_on(release)
        assert release_on is not None  # a conditional release date is always given
        start_on = TODAY - timedelta(days=self.d.rng.randint(1, 700))
        self.court_then(start_on)
        stage = self.custody_stage(start_on, None, release_on, release)
        days = (release_on - TODAY).days
        handover = self.handover(stage, "release", self.prison, release_on, done=max(0.0, 1 - days / 84))
        if release_today:
            self.d.releases.append((self.id, self.pathway, self.position, stage, self.team, handover))
        if days <= 28 and self.d.rng.random() < 0.7:
            self.appointment("probation", dates.next_working_day(release_on), None, team=self.team)
        if self.alcohol and days <= 84 and self.d.rng.random() < 0.65:
            self.referral(TODAY - timedelta(days=self.d.rng.randint(1, 30)), started_on=None)

    def custody_stage(self, start_on: date, end_on: date | None, release_on: date, release: dict) -> int:
        """A sentenced custody stage with its release dates and reception handover."""
        stage = self.stage(
            "custody",
            start_on,
            end_on,
            team_id=self.prison,
            basis="sentenced",
            establishment_team_id=self.prison,
            sentence_start_on=start_on,
            release_on=release_on,
            expected_end_on=release_on,
            community_responsibility_on=dates.community_responsibility_on(start_on, release),
        )
        for kind, value_on in release.items():
            self.d.add(
                "release_dates",
                stage_id=stage,
                kind=kind,
                value_on=value_on,
                source="NOMIS",
                recorded_at=at(start_on),
            )
        self.handover(stage, "custody_reception", self.prison, start_on, done=1.0)
        return stage

    def licence(self) -> None:
        """Released to licence in the past year."""
        released_on = self.d.day_in(-365, -1)
        start_on = released_on - timedelta(days=self.d.rng.randint(60, 700))
        self.court_then(start_on)
        custody = self.custody_stage(start_on, released_on, released_on, {"crd": released_on})
        self.handover(custody, "release", self.prison, released_on, done=0.9, released_on=released_on)
        supervision_end = released_on + timedelta(days=self.d.rng.randint(366, 730))
        stage = self.stage(
            "licence",
            released_on,
            team_id=self.team,
            supervision_end_on=supervision_end,
            expected_end_on=supervision_end,
        )
        self.weekly("probation", stage, dates.next_working_day(released_on), self.team)
        if self.alcohol:
            started = released_on + timedelta(days=self.d.rng.randint(1, 30))
            self.referral(released_on - timedelta(days=20), started if self.d.rng.random() < 0.6 else None)
            if self.d.rng.random() < 0.6:
                self.weekly("treatment_session", stage, started, self.treatment)

    def atr(self) -> None:
        """On an alcohol treatment requirement that has not yet ended."""
        length = self.d.rng.randint(180, 365)
        start_on = TODAY - timedelta(days=self.d.rng.randint(1, length - 1))
        self.court_then(start_on)
        end_on = start_on + timedelta(days=length)
        stage = self.stage(
            "atr",
            start_on,
            team_id=self.team,
            order_type="community_order",
            order_end_on=end_on + timedelta(days=90),
            atr_end_on=end_on,
            expected_end_on=end_on,
            treatment_team_id=self.treatment,
            dependency_assessed=True,
            consent_recorded=True,
        )
        self.handover(stage, "atr_start", self.treatment, start_on, done=1.0)
        started = start_on + timedelta(days=self.d.rng.randint(3, 20))
        self.referral(start_on, started)
        self.weekly("treatment_session", stage, started, self.treatment)

    def court(self) -> None:
        """Awaiting court, with a hearing booked."""
        start_on = TODAY - timedelta(days=self.d.rng.randint(1, 120))
        stage = self.stage("court", start_on, court="Bench Magistrates", team_id=self.team)
        self.appointment("court_hearing", start_on, "attended", stage, self.team)
        self.appointment("court_hearing", self.d.day_in(1, 60), None, stage, self.team)

    def handover(
        self, stage: int, kind: str, team: int, due_on: date, done: float, released_on: date | None = None
    ) -> int:
        """A handover and its checklist, each item done with probability `done`; returns its id."""
        created = at(due_on - timedelta(days=84)) if kind == "release" else at(due_on)
        created = min(created, at(TODAY - timedelta(days=1)))
        handover = self.d.add(
            "handovers",
            person_id=self.id,
            stage_id=stage,
            kind=kind,
            team_id=team,
            due_on=due_on,
            released_on=released_on,
            # Its continuity outcome fixed at A+21 (well before the history sweeps for most).
            status="done"
            if released_on and released_on < TODAY - timedelta(days=2 * HISTORY_DAYS)
            else "open",
            created_at=created,
            updated_at=created,
        )
        for item in checklist.ITEMS_BY_KIND[kind]:
            status = "done" if self.d.rng.random() < done else "not_started"
            self.d.add(
                "handover_items",
                handover_id=handover,
                item=item,
                status=status,
                updated_at=created if status == "done" else None,
            )
        return handover

    def weekly(self, kind: str, stage: int, first_on: date, team: int) -> None:
        """The last six weeks of appointments since `first_on`, and the next one."""
        weeks = max(0, (TODAY - first_on).days // 7)
        for week in range(max(0, weeks - 5), weeks + 1):
            day = first_on + timedelta(days=7 * week)
            day = day if dates.is_working_day(day) else dates.next_working_day(day)
            self.appointment(kind, day, self.d.outcome() if day < TODAY else None, stage, team)
        self.appointment(kind, self.d.day_in(1, 7), None, stage, team)

    def appointment(
        self, kind: str, day: date, outcome: str | None, stage: int | None = None, team: int | None = None
    ) -> None:
        """One appointment in a slot on `day`."""
        starts_at = self.d.slot(day)
        self.d.add(
            "appointments",
            person_id=self.id,
            stage_id=stage,
            kind=kind,
            starts_at=starts_at,
            team_id=team,
            outcome=outcome,
            created_at=min(starts_at, at(TODAY - timedelta(days=1))),
            outcome_at=starts_at + timedelta(hours=2) if outcome else None,
        )

    def referral(self, made_on: date, started_on: date | None) -> None:
        """A referral to the person's treatment team."""
        made_on = min(made_on, TODAY - timedelta(days=1))
        referral = self.d.add(
            "referrals",
            person_id=self.id,
            to_team_id=self.treatment,
            reason="Alcohol need",
            status="started" if started_on else "made",
            treatment_started_on=started_on if started_on and started_on < TODAY else None,
            made_at=at(made_on),
            updated_at=at(made_on),
        )
        self.audit("create", "referrals", referral, made_on)

    def screen(self, on: date) -> None:
        """An AUDIT screening for 80% of people, scored by the real scorer."""
        if self.d.rng.random() > 0.8:
            return
        high = 4 if self.alcohol else 2
        answers = [self.d.rng.randint(0, high) for _ in range(8)]
        answers += [self.d.rng.choice((0, 2, 4)) if self.alcohol else 0 for _ in range(2)]
        result = screening.score("audit", answers)
        screened = self.d.add(
            "screenings",
            person_id=self.id,
            tool="audit",
            answers=json.dumps(answers),
            score=result.score,
            zone=result.zone,
            positive=result.positive,
            action=result.action,
            screened_at=at(on, 11),
        )
        self.audit("create", "screenings", screened, on)

    def audit(self, action: str, subject_type: str, subject_id: int, on: date) -> None:
        """An audit-log entry at noon on `on`."""
        # Every entry predates T, so none falls in a timed sweep's window.
        when = min(at(on, 12), at(TODAY - timedelta(days=1), 12))
        self.d.add(
            "audit_entries",
            at=when,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            person_id=self.id,
        )


def ensure_database(url: str) -> None:
    """Create the benchmark database if it is missing."""
    name = conninfo_to_dict(url)["dbname"]
    with psycopg.connect(make_conninfo(url, dbname="postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def load(url: str, data: DataSet) -> None:
    """COPY every table, move the id sequences past the ids used, and analyse as autovacuum would."""
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        for table, columns in COLUMNS.items():
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in data.rows[table]:
                    copy.write_row(row)
            last = len(data.rows[table]) + 1
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {last})")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def record_releases(url: str, releases: list[tuple[int, int, int, int, int, int]]) -> None:
    """Record the releases of T as the service would during that day, in one transaction: custody ends,
    a licence stage starts, the handover gets its actual release, and each person is queued for the sweep."""
    recorded = at(TODAY, 11)
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cur.execute("UPDATE stages SET end_on = %s WHERE id = ANY(%s)", (TODAY, [r[3] for r in releases]))
        cur.executemany(
            "INSERT INTO stages (pathway_id, person_id, position, kind, start_on, expected_end_on, team_id,"
            " supervision_end_on, created_at) VALUES (%s, %s, %s, 'licence', %s, %s, %s, %s, %s)",
            [
                (
                    pathway,
                    person,
                    position,
                    TODAY,
                    TODAY + timedelta(days=365),
                    team,
                    TODAY + timedelta(days=365),
                    recorded,
                )
                for person, pathway, position, _, team, _ in releases
            ],
        )
        people = [r[0] for r in releases]
        cur.execute("UPDATE people SET stage_kind = 'licence' WHERE id = ANY(%s)", (people,))
        cur.execute(
            "UPDATE handovers SET released_on = %s, alcohol_need = p.alcohol_need FROM people p"
            " WHERE handovers.id = ANY(%s) AND p.id = handovers.person_id",
            (TODAY, [r[5] for r in releases]),
        )
        cur.executemany(
            "INSERT INTO changed_people (person_id, queued_at) VALUES (%s, %s)",
            [(p, recorded) for p in people],
        )


def timed_sweep(app, now: datetime) -> tuple[float, int, int, float]:
    """One sweep in a fresh session, as the scheduler runs it: seconds, statements, alerts raised and
    the seconds of CPU this process spent on it."""
    from tracker.alerts.sweep import sweep
    from tracker.extensions import db

    with app.app_context():
        statements = 0

        def count(*_) -> None:
            nonlocal statements
            statements += 1

        event.listen(db.engine, "before_cursor_execute", count)
        started, cpu = time.perf_counter(), time.process_time()
        result = sweep(now)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        event.remove(db.engine, "before_cursor_execute", count)
        db.session.remove()
    return elapsed, statements, result.raised, cpu


def sweep_history(app) -> tuple[float, int, int]:
    """Three weeks of nightly sweeps before T, so open alerts and the mark are as in steady running.

    The mark is seeded first: at 250,000 people a first sweep's 21-day look-back sends more than the
    65,535 bind parameters PostgreSQL takes in one statement, and fails.
    """
    from tracker.alerts.models import Alert, SweepMark
    from tracker.extensions import db

    first = TODAY - timedelta(days=HISTORY_DAYS)
    with app.app_context():
        db.session.add(SweepMark(id=1, swept_to=datetime.combine(first, clock_time(0, 1), LONDON)))
        db.session.commit()
    started = time.perf_counter()
    for day in range(1, HISTORY_DAYS + 1):
        timed_sweep(app, datetime.combine(first + timedelta(days=day), clock_time(0, 1), LONDON))
    elapsed = time.perf_counter() - started
    with app.app_context():
        alerts = db.session.scalar(select(func.count()).select_from(Alert)) or 0
        still_open = db.session.scalar(select(func.count()).where(Alert.status == "open")) or 0
    return elapsed, alerts, still_open


def snapshot(url: str, app) -> None:
    """Keep the database as it stands, just before the timed day, as `<name>_day` (BENCH_AGAIN reuses it)."""
    from tracker.extensions import db

    with app.app_context():
        db.engine.dispose()
    name = conninfo_to_dict(url)["dbname"]
    with psycopg.connect(make_conninfo(url, dbname="postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}_day"')
        conn.execute(f'CREATE DATABASE "{name}_day" TEMPLATE "{name}"')


def again(sa_url: str) -> dict:
    """The timed day alone, on a copy of the snapshot the last full run kept (no build, no history)."""
    from tracker import create_app

    name = conninfo_to_dict(URL)["dbname"]
    with psycopg.connect(make_conninfo(URL, dbname="postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{name}_day"')
    with psycopg.connect(URL) as conn:
        people = conn.execute("SELECT count(*) FROM people").fetchone()[0]
        releases = conn.execute("SELECT count(*) FROM changed_people").fetchone()[0]
    app = create_app({"SQLALCHEMY_DATABASE_URI": sa_url}, env="development")
    day = datetime.combine(TODAY + timedelta(days=1), clock_time(0, 1), LONDON)
    return {"people": people, "releases": releases, "one_day": timed_sweep(app, day)}


def run(n: int, sa_url: str) -> dict:
    """Build the data set for `n` people on a fresh schema and time the sweeps."""
    from flask_migrate import downgrade, upgrade

    from tracker import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": sa_url}, env="development")
    with app.app_context():
        downgrade(revision="base")
        upgrade()
    started = time.perf_counter()
    data = build(n)
    generated = time.perf_counter() - started
    load(URL, data)
    built = time.perf_counter() - started
    rows = {table: len(rows) for table, rows in data.rows.items()}
    releases = data.releases
    del data
    history = sweep_history(app)
    mark = datetime.combine(TODAY, clock_time(6, 0), LONDON)
    first, nothing = timed_sweep(app, mark), timed_sweep(app, mark + timedelta(minutes=1))
    record_releases(URL, releases)
    snapshot(URL, app)
    return {
        "people": n,
        "rows": rows,
        "releases": len(releases),
        "generated": generated,
        "built": built,
        "history": history,
        "first": first,
        "nothing": nothing,
        "one_day": timed_sweep(app, datetime.combine(TODAY + timedelta(days=1), clock_time(0, 1), LONDON)),
    }


def report(results: list[dict]) -> None:
    """Print how each data set was built, then the table of sweeps."""
    for r in results:
        if "rows" not in r:
            continue
        rows = ", ".join(f"{table} {count:,}" for table, count in r["rows"].items())
        print(
            f"{r['people']:,} people: built in {r['built']:.1f} s "
            f"({r['generated']:.1f} s generating, the rest COPY and VACUUM ANALYZE); {rows}"
        )
        seconds, alerts, still_open = r["history"]
        print(
            f"  {HISTORY_DAYS} nightly sweeps before T: {seconds:.1f} s; {alerts:,} alerts, "
            f"{still_open:,} still open"
        )
    for r in results:
        print(f"{r['people']:,} people: {r['releases']:,} releases recorded on T, queued for the sweep")
    print()
    head = f"{'people':>9} | {'sweep':<44} | {'ms':>9} | {'CPU ms':>8}"
    print(f"{head} | {'statements':>10} | {'alerts raised':>13}")
    print("-" * 108)
    labels = (
        ("first", f"at T = {TODAY} 06:00 (sets the mark)"),
        ("nothing", "at T + 1 min (nothing new due)"),
        ("one_day", f"at {TODAY + timedelta(days=1)} 00:01 (T's releases + day due)"),
    )
    for r in results:
        for key, label in labels:
            if key not in r:
                continue
            seconds, statements, raised, cpu = r[key]
            ms, cpu_ms = seconds * 1000, cpu * 1000
            row = f"{r['people']:>9,} | {label:<44} | {ms:>9.1f} | {cpu_ms:>8.1f}"
            print(f"{row} | {statements:>10} | {raised:>13,}")
    print(f"load average while running: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


def main() -> None:
    from config.settings import database_url

    ensure_database(URL)
    sa_url = database_url(URL, "")
    print(f"PostgreSQL {URL.rsplit('/', 1)[-1]}, T = {TODAY} 06:00 Europe/London, sizes {SIZES}", flush=True)
    if os.environ.get("BENCH_AGAIN"):
        report([again(sa_url)])
    else:
        report([run(n, sa_url) for n in SIZES])


if __name__ == "__main__":
    main()
