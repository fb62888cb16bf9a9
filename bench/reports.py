"""Benchmark: every report on five years of synthetic national data in PostgreSQL, time and statements.

Builds the national data set of bench/sweep.py (250,000 people; those on licence were released over the
past year), fixes the facts at A on each of those releases as the pathway does, then adds four earlier
years of about 50,000 releases each (custody ended by release, with their court stage, AUDIT screenings and
structured treatment referrals) in SQL. Then it runs each report as a commissioner for this year, last
year and a quarter, last year by every breakdown it offers, and as one prison's resettlement team,
printing the milliseconds and statements of each. The claim checked: each report stays under 1 s.
BENCH_REPORTS=unmet_need,handovers runs only those.
Prints figures; asserts nothing.

    .venv/bin/python bench/reports.py
    BENCH_PEOPLE=25000 BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench \
        .venv/bin/python bench/reports.py
    BENCH_REUSE=1 .venv/bin/python bench/reports.py     # again, on the data set already built
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import psycopg
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sweep  # noqa: E402  (bench/sweep.py: the national data set)


def _as_sweep_knew_them(dates):
    """tracker.pathway.dates as bench/sweep.py still calls it (its own names and arguments, since changed),
    for the generator only: the app keeps the real module."""
    crd = dates.community_responsibility_on

    def community_responsibility_on(start_on, release):
        return crd(start_on, {"crd": release} if isinstance(release, date) else release)

    names = {name: getattr(dates, name) for name in dir(dates) if not name.startswith("__")}
    names |= {"earliest_release_on": dates.planned_release_on}
    names |= {"community_responsibility_on": community_responsibility_on}
    return SimpleNamespace(**names)


if not hasattr(sweep.dates, "earliest_release_on"):
    sweep.dates = _as_sweep_knew_them(sweep.dates)

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "250000"))
URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/bench_reports")
EARLIER_YEARS, RELEASES_A_YEAR = 4, 50_000
# BENCH_REUSE=1 times the reports on the data set the last run built (about 3 minutes to build), without
# building it again: it only migrates it to the head and analyses it.
REUSE = os.environ.get("BENCH_REUSE") == "1"
ONLY = [n for n in os.environ.get("BENCH_REPORTS", "").split(",") if n]
TODAY = sweep.TODAY

FIX_AT_RELEASE = """
UPDATE handovers h SET released_on = s.end_on, status = 'done', alcohol_need = p.alcohol_need,
  age_band = CASE WHEN p.date_of_birth IS NULL THEN 'unknown'
    ELSE (ARRAY['18_24','25_34','35_44','45_54','55_plus'])[1 + least(4, greatest(0,
      (date_part('year', age(s.end_on, p.date_of_birth))::int - 15) / 10))] END,
  sex = CASE WHEN p.id % 7 = 0 THEN 'female' ELSE 'male' END,
  ethnic_group = (ARRAY['white_british','white_other','black_caribbean','asian_pakistani',
    'mixed_other','other_arab','not_stated'])[1 + p.id % 7],
  probation_team_id = st.team_id,
  sentence_band = CASE WHEN s.release_on - s.sentence_start_on < 365 THEN 'under_12_months'
    ELSE '12_months_or_more' END
FROM stages s, people p, staff st
WHERE h.kind = 'release' AND s.id = h.stage_id AND s.end_on IS NOT NULL AND p.id = h.person_id
  AND st.id = p.offender_manager_id
"""
# The generator's referrals to treatment services are for alcohol: make them the structured kind.
STRUCTURED = "UPDATE referrals SET kind = 'structured_alcohol_treatment'"

EARLIER = """
CREATE TEMP TABLE earlier AS
SELECT n, 1 + (n * 7919) % {people} AS person_id,
  DATE '{today}' - 366 - (n % (365 * {years})) AS released_on,
  (SELECT array_agg(id ORDER BY id) FROM teams WHERE kind = 'prison') AS prisons,
  (SELECT array_agg(id ORDER BY id) FROM teams WHERE kind = 'probation') AS probation,
  (SELECT array_agg(id ORDER BY id) FROM teams WHERE kind = 'treatment') AS treatment
FROM generate_series(1, {count}) n;
INSERT INTO pathways (id, person_id, opened_on)
  SELECT {pathways} + n, person_id, released_on - 500 FROM earlier;
INSERT INTO stages (id, pathway_id, person_id, position, kind, start_on, end_on, team_id, created_at, court)
  SELECT {stages} + 2 * n, {pathways} + n, person_id, 1, 'court', released_on - 400 - n % 300,
    released_on - 300 - n % 300, probation[1 + n % array_length(probation, 1)], now(), 'Crown Court'
  FROM earlier;
INSERT INTO stages (id, pathway_id, person_id, position, kind, start_on, end_on, team_id, created_at,
    basis, establishment_team_id, sentence_start_on, release_on)
  SELECT {stages} + 2 * n + 1, {pathways} + n, person_id, 2, 'custody', released_on - 300 - n % 300,
    released_on, prisons[1 + n % array_length(prisons, 1)], now(), 'sentenced',
    prisons[1 + n % array_length(prisons, 1)], released_on - 300 - n % 300, released_on
  FROM earlier;
INSERT INTO handovers (id, person_id, stage_id, kind, team_id, due_on, released_on, status, created_at,
    updated_at, alcohol_need, age_band, sex, ethnic_group, probation_team_id, sentence_band)
  SELECT {handovers} + n, person_id, {stages} + 2 * n + 1, 'release',
    prisons[1 + n % array_length(prisons, 1)], released_on, released_on, 'done', now(), now(), n % 10 < 6,
    (ARRAY['18_24','25_34','35_44','45_54','55_plus','under_18'])[1 + n % 6],
    CASE WHEN n % 7 = 0 THEN 'female' ELSE 'male' END,
    (ARRAY['white_british','white_other','black_african','asian_indian','mixed_other',
      'not_stated'])[1 + n % 6],
    probation[1 + n % array_length(probation, 1)],
    (ARRAY['under_12_months','12_months_or_more','remand','unknown'])[1 + n % 4]
  FROM earlier;
INSERT INTO referrals (id, person_id, to_team_id, kind, reason, status, treatment_started_on, made_at,
    updated_at)
  SELECT {referrals} + n, person_id, treatment[1 + n % array_length(treatment, 1)],
    'structured_alcohol_treatment', 'Alcohol need', CASE WHEN n % 10 < 4 THEN 'started' ELSE 'made' END,
    CASE WHEN n % 10 < 4 THEN released_on + n % 30 END, released_on - 20, released_on - 20
  FROM earlier WHERE n % 10 < 7;
INSERT INTO screenings (id, person_id, tool, answers, score, zone, positive, action, intervention,
    screened_at)
  SELECT {screenings} + n, person_id, CASE WHEN n % 3 = 0 THEN 'audit_c' ELSE 'audit' END, '[]',
    CASE WHEN n % 3 = 0 THEN n % 12 ELSE 4 * (n % 4) + 3 END,
    CASE WHEN n % 3 = 0 THEN NULL ELSE 1 + n % 4 END, n % 4 > 0, 'Recorded',
    (ARRAY['education','simple_advice','brief_intervention','referred'])[1 + n % 4],
    (released_on - 400 - n % 300 + n % 20)::timestamptz
  FROM earlier WHERE n % 5 > 0;
"""
TABLES = ("pathways", "stages", "handovers", "referrals", "screenings")


def add_history(url: str) -> None:
    """Fix the facts at A on the past year's releases, then add the four years before it."""
    with psycopg.connect(url) as conn:
        conn.execute(FIX_AT_RELEASE)
        conn.execute(STRUCTURED)
        bases = {t: conn.execute(f"SELECT coalesce(max(id), 0) FROM {t}").fetchone()[0] for t in TABLES}
        count = EARLIER_YEARS * RELEASES_A_YEAR * PEOPLE // 250_000
        sql = EARLIER.format(people=PEOPLE, today=TODAY, years=EARLIER_YEARS, count=count, **bases)
        for statement in sql.split(";\n"):
            if statement.strip():
                conn.execute(statement)
        for table in TABLES:
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def timed(app, name: str, period: str, by: str | None, scope) -> tuple[float, int, int]:
    """One report in a fresh session: seconds, statements, rows."""
    from tracker.extensions import db
    from tracker.reports import registry

    with app.app_context():
        statements = 0

        def count(*_) -> None:
            nonlocal statements
            statements += 1

        event.listen(db.engine, "before_cursor_execute", count)
        started = time.perf_counter()
        result = registry.run(name, period, by, scope, TODAY)
        elapsed = time.perf_counter() - started
        event.remove(db.engine, "before_cursor_execute", count)
        db.session.remove()
    return elapsed, statements, len(result["rows"])


def main() -> None:
    from flask_migrate import downgrade, upgrade

    from config.settings import database_url
    from tracker import create_app
    from tracker.reports import periods, registry
    from tracker.reports.scope import COMMISSIONER, Scope

    sweep.ensure_database(URL)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url(URL, "")}, env="development")
    started = time.perf_counter()
    if REUSE:
        # The data set stays; any migration added since (an index) is applied to it and its statistics.
        with app.app_context():
            upgrade()
        with psycopg.connect(URL, autocommit=True) as conn:
            conn.execute("ANALYZE")
    else:
        with app.app_context():
            downgrade(revision="base")
            upgrade()
        sweep.load(URL, sweep.build(PEOPLE))
        add_history(URL)
    with psycopg.connect(URL) as conn:
        releases = conn.execute("SELECT count(*) FROM handovers WHERE released_on IS NOT NULL").fetchone()[0]
    print(
        f"{PEOPLE:,} people, {releases:,} releases over five years: "
        f"built in {time.perf_counter() - started:.0f} s"
    )
    year = periods.financial_year(TODAY)
    last = periods.financial_year(date(year.start_on.year - 1, 4, 1))
    with psycopg.connect(URL) as conn:
        prison = conn.execute("SELECT min(id) FROM teams WHERE kind = 'prison'").fetchone()[0]
    resettlement = Scope("resettlement", prison)
    print(
        f"{'report':<20} | {'period':<11} | {'by':<16} | {'scope':<12} | {'ms':>7} | "
        f"{'statements':>10} | rows"
    )
    print("-" * 98)
    for name, module in registry.REPORTS.items():
        if ONLY and name not in ONLY:
            continue
        runs = [
            (year.name, None, COMMISSIONER),
            (last.name, None, COMMISSIONER),
            (f"{last.name}-Q2", None, COMMISSIONER),
        ]
        runs += [(last.name, by, COMMISSIONER) for by in module.BREAKDOWNS[1:]]
        runs += [(last.name, None, resettlement)]
        for period, by, scope in runs:
            seconds, statements, rows = timed(app, name, period, by, scope)
            shown = by or module.BREAKDOWNS[0]
            print(
                f"{name:<20} | {period:<11} | {shown:<16} | {scope.role:<12} | {seconds * 1000:>7.0f} | "
                f"{statements:>10} | {rows}",
                flush=True,
            )


if __name__ == "__main__":
    main()
