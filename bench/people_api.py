"""Benchmark: requests per second for GET /api/v1/people and GET /healthz on a real server.

Loads 10,000 people onto one offender manager's caseload, starts gunicorn on the same database and
hammers each endpoint from a thread pool for a few seconds. Prints figures; asserts nothing.

    .venv/bin/python bench/people_api.py                      # SQLite file under bench/results/
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python bench/people_api.py
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "10000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))


def prepare(url: str) -> str:
    """A fresh schema with PEOPLE people on one caseload; returns an API token."""
    from flask_migrate import downgrade, upgrade

    from tracker import create_app
    from tracker.auth import service
    from tracker.extensions import db
    from tracker.pathway.models import Person
    from tracker.types import utcnow

    app = create_app({"SQLALCHEMY_DATABASE_URI": url}, env="development")
    with app.app_context():
        if not url.startswith("sqlite"):
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
                "family_name": f"Family{n % 997}",
                "crn": f"B{n:06d}",
                "offender_manager_id": om.id,
                "sms_consent": False,
                "language": "en",
                "alcohol_need": n % 3 == 0,
                "stage_kind": "custody",
            }
            for n in range(PEOPLE)
        ]
        db.session.execute(insert(Person), rows)
        db.session.commit()
    return token


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def hammer(url: str, headers: dict[str, str]) -> tuple[float, int, int]:
    """Requests per second from CLIENTS threads for SECONDS; with the count of non-200 answers."""
    deadline = time.monotonic() + SECONDS

    def client() -> tuple[int, int]:
        ok = bad = 0
        with requests.Session() as session:
            while time.monotonic() < deadline:
                if session.get(url, headers=headers, timeout=30).status_code == 200:
                    ok += 1
                else:
                    bad += 1
        return ok, bad

    started = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(lambda _: client(), range(CLIENTS)))
    elapsed = time.monotonic() - started
    ok = sum(r[0] for r in results)
    return ok / elapsed, ok, sum(r[1] for r in results)


def main() -> None:
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{results / 'people_api.sqlite3'}"
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    from config.settings import database_url

    url = database_url(url, "")
    token = prepare(url)
    port = free_port()
    env = os.environ | {"DATABASE_URL": url, "TRACKER_ENV": "development"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                requests.get(f"{base}/healthz", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.1)
        auth = {"Authorization": f"Bearer {token}"}
        database = url.split(":")[0]
        print(f"{PEOPLE} people on one caseload, {database}, gunicorn 2x4 threads, {CLIENTS} clients")
        for label, path, headers in (
            ("GET /api/v1/people (page of 50)", "/api/v1/people", auth),
            ("GET /healthz", "/healthz", {}),
        ):
            rate, ok, bad = hammer(base + path, headers)
            print(f"  {label:<34} {rate:8.1f} req/s  ({ok} ok, {bad} not ok, {SECONDS:.0f} s)")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
