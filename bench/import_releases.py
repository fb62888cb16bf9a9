"""Benchmark: `flask import releases` on a 10,000-row release list, half new people, half known.

On a fresh PostgreSQL schema it makes one prison and one offender manager, imports a first list of the
known half (untimed), then times the import of a list that moves every known person's CRD and adds as
many new people, and counts the SQL statements it sends; it prints rows per second, seconds and
statements. The target (issue 12): 10,000 rows in under 10 s. `--rows 100000` (or BENCH_ROWS) checks a
100,000-row file, which is not part of CI.

    .venv/bin/python bench/import_releases.py
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_import \
        .venv/bin/python bench/import_releases.py --rows 100000
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from sqlalchemy import event, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/bench_import")
TODAY = date(2026, 11, 30)
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
HEADER = (
    "prison_number,crn,given_name,family_name,date_of_birth,establishment_code,sentence_start_on,crd,led,"
    "offender_manager_email"
)


def release_list(first: int, count: int, crd_shift: int) -> bytes:
    """`count` rows from person number `first`: ids, names, BCI, and a CRD `crd_shift` days later."""
    lines = [HEADER]
    for n in range(first, first + count):
        number = f"A{n % 10000:04d}{chr(65 + n // 10000 // 26 % 26)}{chr(65 + n // 10000 % 26)}"
        crd = TODAY + timedelta(days=30 + n % 700 + crd_shift)
        lines.append(
            f"{number},X{n:06d},Given{n},Family{n},1980-01-01,BCI,2026-01-05,{crd},"
            f"{crd + timedelta(days=365)},om@example.org"
        )
    return ("\n".join(lines) + "\n").encode()


def ensure_database(url: str) -> None:
    """Create the benchmark database if it is missing."""
    name = conninfo_to_dict(url)["dbname"]
    with psycopg.connect(make_conninfo(url, dbname="postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=int(os.environ.get("BENCH_ROWS", "10000")))
    rows = parser.parse_args().rows
    from flask_migrate import upgrade

    from config.settings import database_url
    from tracker import create_app
    from tracker.auth import service as auth
    from tracker.extensions import db
    from tracker.pathway import release_import

    ensure_database(URL)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url(URL, "")}, env="development")
    known, new = rows // 2, rows - rows // 2
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        auth.create_team("HMP Bristol", "prison", "BCI")
        auth.create_team("Bristol Probation", "probation")
        auth.create_staff(
            "om@example.org", "offender_manager", "Bristol Probation", "correct horse battery", "OM"
        )
        db.session.commit()
        actor = release_import.ImportActor()
        release_import.run(release_list(0, known, 0), source="first list", by=actor, now=NOW)
        db.session.commit()
        db.session.remove()

        statements = 0

        def count(*_args) -> None:
            nonlocal statements
            statements += 1

        event.listen(db.engine, "before_cursor_execute", count)
        data = release_list(0, known, 7)[:-1] + b"\n" + release_list(known, new, 0).split(b"\n", 1)[1]
        started = time.perf_counter()
        outcome = release_import.run(data, source="second list", by=actor, now=NOW)
        db.session.commit()
        elapsed = time.perf_counter() - started
        event.remove(db.engine, "before_cursor_execute", count)
    print(outcome.summary())
    if (outcome.created, outcome.updated, len(outcome.rejects)) != (new, known, 0):
        sys.exit(f"WRONG: expected {new} people added and {known} updated with no rejects")
    verdict = "within" if elapsed < 10 * rows / 10000 else "OVER"
    print(
        f"{rows} rows ({known} known, {new} new) in {elapsed:.1f} s: {rows / elapsed:,.0f} rows/s, "
        f"{statements} statements"
    )
    print(f"{verdict} the target of 10 s per 10,000 rows (load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
