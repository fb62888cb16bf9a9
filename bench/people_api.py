"""Benchmark: requests per second for the people list and a long pathway, beside /healthz, with wrk.

Loads a caseload of BENCH_PEOPLE (500) people onto one offender manager, one of them with a long history
(5 pathways, 200 appointments), starts gunicorn with 2 sync workers on the same database and runs
`wrk -t2 -c16` against each endpoint in turn, in one run: BENCH_ROUNDS (3) rounds of BENCH_SECONDS (4) each,
interleaved, so work elsewhere on a shared machine slows every endpoint alike rather than whichever ran
while it did. Prints each rate (the best round and the median), its ratio to /healthz's (the issue asks for
50% for the list and 40% for the pathway), the load average before and after, and the statements each
request sends, counted in-process and compared across sizes to show they stay constant. gunicorn reads
gunicorn.conf.py as in production (its access log goes to /dev/null here). Prints figures; asserts nothing.

    apt-get install -y wrk
    .venv/bin/python bench/people_api.py     # PostgreSQL bench_people on 127.0.0.1 (created if missing)
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/mine BENCH_SECONDS=10 BENCH_ROUNDS=5 \
        .venv/bin/python bench/people_api.py
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
import requests
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from sqlalchemy import event, insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "500"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "4"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/bench_people")
WRK = ["wrk", "-t2", "-c16", f"-d{SECONDS}s"]
PATHWAYS, APPOINTMENTS = 5, 200
TARGETS = {"people": 0.50, "pathway": 0.40}


def ensure_database(url: str) -> None:
    """Create the benchmark database if it is missing."""
    name = conninfo_to_dict(url)["dbname"]
    with psycopg.connect(make_conninfo(url, dbname="postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare(app) -> tuple[str, int, int]:
    """A fresh schema with the caseload; returns a token, the long history's person and a short one's."""
    from flask_migrate import downgrade, upgrade

    from tracker.auth import service
    from tracker.extensions import db
    from tracker.pathway.models import Person
    from tracker.types import utcnow

    with app.app_context():
        downgrade(revision="base")
        upgrade()
        service.create_team("Bench Probation", "probation")
        om = service.create_staff(
            "bench@example.org", "offender_manager", "Bench Probation", "bench password 1"
        )
        token = service.issue_token(om, now=utcnow())
        rows = [
            {
                "given_name": f"Given{n}",
                "family_name": f"Family{n % 97}",
                "crn": f"B{n:06d}",
                "offender_manager_id": om.id,
                "sms_consent": False,
                "language": "en",
                "alcohol_need": n % 3 == 0,
                "stage_kind": "licence",
            }
            for n in range(PEOPLE)
        ]
        ids = db.session.scalars(insert(Person).returning(Person.id), rows).all()
        long_history(ids[0], PATHWAYS, APPOINTMENTS)
        long_history(ids[1], 1, 2)
        db.session.commit()
        return token, ids[0], ids[1]


def long_history(person_id: int, pathways: int, appointments: int) -> None:
    """`pathways` pathways of court, custody (with release dates) and licence, all but the last closed,
    and `appointments` past appointments spread over them."""
    from tracker.extensions import db
    from tracker.pathway.models import Appointment, Pathway, ReleaseDate, Stage

    start = date(2020, 1, 6)
    for n in range(pathways):
        opened = start + timedelta(days=300 * n)
        last = n == pathways - 1
        pathway = Pathway(
            person_id=person_id, opened_on=opened, closed_on=None if last else opened + timedelta(280)
        )
        custody_on, released_on = opened + timedelta(30), opened + timedelta(150)
        pathway.stages = [
            Stage(person_id=person_id, position=0, kind="court", start_on=opened, end_on=custody_on),
            Stage(
                person_id=person_id,
                position=1,
                kind="custody",
                basis="sentenced",
                start_on=custody_on,
                end_on=released_on,
                sentence_start_on=custody_on,
                release_on=released_on,
                release_dates=[
                    ReleaseDate(kind=k, value_on=released_on, source="NOMIS") for k in ("crd", "confirmed")
                ]
                + [ReleaseDate(kind="sed", value_on=released_on + timedelta(300), source="NOMIS")],
            ),
            Stage(
                person_id=person_id,
                position=2,
                kind="licence",
                start_on=released_on,
                end_on=None if last else opened + timedelta(280),
                supervision_end_on=released_on + timedelta(365),
            ),
        ]
        if not last:
            pathway.stages.append(
                Stage(person_id=person_id, position=3, kind="closed", start_on=opened + timedelta(280))
            )
        db.session.add(pathway)
    for n in range(appointments):
        when = datetime(2020, 1, 7, 10, tzinfo=UTC) + timedelta(days=7 * n)
        db.session.add(Appointment(person_id=person_id, kind="probation", starts_at=when, outcome="attended"))


@contextmanager
def counted(app) -> Iterator[list[str]]:
    """The statements sent to the database while inside."""
    from tracker.extensions import db

    statements: list[str] = []

    def before(conn, cursor, statement, *_):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def statement_counts(app, token: str, long_id: int, short_id: int) -> list[tuple[str, int]]:
    """Statements per request, for each endpoint at two sizes (a constant count is the same at both)."""
    client = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    result = []
    for label, path, headers in (
        ("GET /healthz", "/healthz", {}),
        ("GET /api/v1/people?page_size=5", "/api/v1/people?page_size=5", auth),
        ("GET /api/v1/people (page of 50)", "/api/v1/people", auth),
        ("GET pathway (1 pathway, 2 appointments)", f"/api/v1/people/{short_id}/pathway", auth),
        ("GET pathway (5 pathways, 200 appointments)", f"/api/v1/people/{long_id}/pathway", auth),
    ):
        client.get(path, headers=headers)  # warm: the first request compiles and caches
        with counted(app) as statements:
            assert client.get(path, headers=headers).status_code == 200, path
        result.append((label, len(statements)))
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url: str, headers: dict[str, str], server: int) -> tuple[float, str, int, float]:
    """Requests per second, the mean latency, the count of non-2xx answers (from wrk) and the CPU
    milliseconds the gunicorn workers spent per request (from /proc: other work on the machine slows the
    rate, hardly this)."""
    args = [*WRK, *(a for k, v in headers.items() for a in ("-H", f"{k}: {v}")), url]
    before = workers_cpu(server)
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    spent = workers_cpu(server) - before
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = re.search(r"Latency\s+(\S+)", out).group(1)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    answered = int(re.search(r"(\d+) requests in", out).group(1))
    return rate, latency, int(bad.group(1)) if bad else 0, spent * 1000 / max(answered, 1)


def workers_cpu(master: int) -> float:
    """CPU seconds (user and system) used so far by gunicorn's workers: those alive, and those ended and
    reaped by the master (its children's times)."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # a process that ended meanwhile
        # The fields after the name: state, ppid, ... utime, stime, cutime, cstime (11 to 14).
        if int(fields[1]) == master:
            ticks += int(fields[11]) + int(fields[12])
        elif int(stat.parent.name) == master:
            ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def serve(url: str) -> tuple[subprocess.Popen, str]:
    """gunicorn with 2 sync workers on a free port, once it answers."""
    port = free_port()
    # No worker restarts after max_requests: a new worker loading the app mid-run would be billed to
    # whichever endpoint was being measured.
    env = os.environ | {"DATABASE_URL": url, "TRACKER_ENV": "development", "GUNICORN_MAX_REQUESTS": "0"}
    args = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"]
    server = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(f"{base}/healthz", timeout=1)
            break
        except requests.RequestException:
            time.sleep(0.1)
    return server, base


def load() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def report(endpoints, runs) -> None:
    """Each endpoint's best and median round, and their ratios to /healthz's: on a shared machine the best
    round is the one least slowed by other work, the median shows the spread. Then the workers' CPU per
    request and its ratio, which other work hardly moves (PostgreSQL's share is not in it)."""
    best = {key: max(run[0] for run in rounds) for key, rounds in runs.items()}
    median = {key: statistics.median(run[0] for run in rounds) for key, rounds in runs.items()}
    cpu = {key: statistics.median(run[3] for run in rounds) for key, rounds in runs.items()}
    for key, label, *_ in endpoints:
        latency, bad = runs[key][-1][1], sum(run[2] for run in runs[key])
        ratio = (
            f"{best[key] / best['healthz']:4.0%} (median {median[key] / median['healthz']:4.0%}) of /healthz"
            if key != "healthz"
            else " " * 34
        )
        target = f"(target {TARGETS[key]:.0%})" if key in TARGETS else ""
        print(
            f"  {label:<42} {best[key]:7.1f} req/s (median {median[key]:7.1f})  {ratio} {target:<13}"
            f" last mean {latency}, {bad} not 2xx"
        )
    print("gunicorn workers' CPU per request (median of the rounds), and /healthz's as a share of it:")
    for key, label, *_ in endpoints:
        share = f"{cpu['healthz'] / cpu[key]:4.0%}" if key != "healthz" else ""
        print(f"  {label:<42} {cpu[key]:6.2f} ms  {share}")


def main() -> None:
    from config.settings import database_url
    from tracker import create_app

    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install -y wrk")
    ensure_database(URL)
    url = database_url(URL, "")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url}, env="development")
    token, long_id, short_id = prepare(app)
    # As autovacuum leaves a live database: statistics for the planner, a visibility map for index-only scans.
    with psycopg.connect(URL, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    counts = statement_counts(app, token, long_id, short_id)
    server, base = serve(url)
    auth = {"Authorization": f"Bearer {token}"}
    endpoints: tuple[tuple[str, str, str, dict[str, str]], ...] = (
        ("healthz", "GET /healthz", "/healthz", {}),
        ("people", "GET /api/v1/people (page of 50)", "/api/v1/people", auth),
        (
            "pathway",
            f"GET pathway ({PATHWAYS} pathways, {APPOINTMENTS} appts)",
            f"/api/v1/people/{long_id}/pathway",
            auth,
        ),
    )
    try:
        print(f"{PEOPLE} people on one caseload, PostgreSQL, gunicorn 2 sync workers, {' '.join(WRK)}")
        print(f"  {ROUNDS} rounds, each endpoint once a round in turn; load average at start {load()}")
        runs: dict[str, list[tuple[float, str, int, float]]] = {key: [] for key, *_ in endpoints}
        for _ in range(ROUNDS):
            for key, _label, path, headers in endpoints:
                runs[key].append(wrk(base + path, headers, server.pid))
        report(endpoints, runs)
        print(f"  load average at end {load()}")
    finally:
        server.terminate()
        server.wait()
    print("statements per request (counted in-process, after a warm-up request):")
    for label, n in counts:
        print(f"  {label:<44} {n:3d}")


if __name__ == "__main__":
    main()
