"""Benchmark: 2,000 release-day texts due at 09:00, sent through the Twilio stand-in answering in 150 ms.

Each person released that day consented, has a mobile, a release handover and a first probation
appointment that afternoon, so every text is composed as in production. The stand-in is its own process
(tests/sms/twilio_standin.py --delay-ms 150); the dispatcher runs here, at 09:00 London, once per
concurrency: the configured one (config/sms/schedule.toml delivery.concurrency) and those in
BENCH_CONCURRENCY, set on the loaded schedule. Every run starts from the same 2,000 pending rows.
Prints the time until every row was marked sent beside its two floors: the latency floor (n x latency
/ concurrency) and the CPU floor (this process's CPU per text, measured in the same run, x n / cores),
and checks each text was accepted once; asserts nothing.

    .venv/bin/python bench/sms_dispatch.py         # PostgreSQL bench_sms, created when missing
    BENCH_DATABASE_URL=sqlite .venv/bin/python bench/sms_dispatch.py   # bench/results/sms_dispatch.sqlite3
    BENCH_CONCURRENCY=8,64,200 BENCH_TEXTS=2000 BENCH_LATENCY_MS=150 .venv/bin/python bench/sms_dispatch.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import requests
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from sqlalchemy import func, insert, select, update

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/bench_sms")
SQLITE_FILE = ROOT / "bench" / "results" / "sms_dispatch.sqlite3"
TEXTS = int(os.environ.get("BENCH_TEXTS", "2000"))
LATENCY_MS = float(os.environ.get("BENCH_LATENCY_MS", "150"))
OTHER_CONCURRENCY = [int(n) for n in os.environ.get("BENCH_CONCURRENCY", "64").split(",") if n]
RELEASE_ON = date.fromisoformat(os.environ.get("BENCH_DAY", "2026-11-26"))  # a Thursday, on GMT
LONDON = ZoneInfo("Europe/London")
STANDIN = ROOT / "tests" / "sms" / "twilio_standin.py"
RUN_STANDIN = [sys.executable, str(STANDIN)]


def at(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, clock_time.fromisoformat(hhmm), LONDON)


def ensure_database(url: str) -> None:
    """Create the PostgreSQL benchmark database if it is missing."""
    name = conninfo_to_dict(url)["dbname"]
    with psycopg.connect(make_conninfo(url, dbname="postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def fresh_schema(url: str) -> None:
    from flask_migrate import downgrade, upgrade

    if url.startswith("sqlite"):
        SQLITE_FILE.unlink(missing_ok=True)
    else:
        downgrade(revision="base")
    upgrade()


def released_today(count: int) -> None:
    """`count` people released on RELEASE_ON, each with a first appointment that afternoon and a
    release-day text due at 09:00, as outbox.release_changed writes it."""
    from tracker.auth import service
    from tracker.extensions import db
    from tracker.pathway.models import Appointment, Handover, Pathway, Person, Stage
    from tracker.sms.models import Message

    team = service.create_team("Bench Probation", "probation")
    team.phone = "0117 496 0000"
    om = service.create_staff("bench-sms@example.org", "offender_manager", team.name, "bench password 1")
    person_ids = ids(insert(Person), [released_person(n, om.id) for n in range(count)])
    pathway_ids = ids(insert(Pathway), [{"person_id": p, "opened_on": date(2025, 1, 6)} for p in person_ids])
    stage_ids = ids(
        insert(Stage),
        [
            {
                "pathway_id": w,
                "person_id": p,
                "position": 1,
                "kind": "custody",
                "start_on": date(2025, 1, 6),
                "release_on": RELEASE_ON,
            }
            for p, w in zip(person_ids, pathway_ids, strict=True)
        ],
    )
    handover_ids = ids(
        insert(Handover),
        [
            {"person_id": p, "stage_id": s, "kind": "release", "due_on": RELEASE_ON, "status": "open"}
            for p, s in zip(person_ids, stage_ids, strict=True)
        ],
    )
    db.session.execute(
        insert(Appointment),
        [
            {
                "person_id": p,
                "kind": "probation",
                "starts_at": at(RELEASE_ON, "14:00"),
                "location_label": "12 King Street",
                "team_id": team.id,
            }
            for p in person_ids
        ],
    )
    db.session.execute(
        insert(Message),
        [
            {
                "person_id": p,
                "purpose": "release_day",
                "subject_type": "handovers",
                "subject_id": h,
                "due_at": at(RELEASE_ON, "09:00"),
            }
            for p, h in zip(person_ids, handover_ids, strict=True)
        ],
    )
    db.session.commit()


def released_person(n: int, offender_manager_id: int) -> dict:
    """A person who consented to texts, with a mobile of their own; one in ten reads Welsh."""
    return {
        "given_name": f"Given{n}",
        "family_name": f"Family{n}",
        "mobile": f"+447911{n:06d}",
        "sms_consent": True,
        "language": "cy" if n % 10 == 0 else "en",
        "offender_manager_id": offender_manager_id,
        "stage_kind": "custody",
    }


def ids(statement, rows: list[dict]) -> list[int]:
    from tracker.extensions import db

    model = statement.table
    return list(db.session.scalars(statement.returning(model.c.id, sort_by_parameter_order=True), rows))


class Timed:
    """The real gateway, noting when each send began and when each text was accepted."""

    def __init__(self, gateway):
        self.gateway, self.name, self.began, self.accepted, self.took = gateway, gateway.name, [], [], []

    def send(self, to: str, body: str):
        began = time.monotonic()
        self.began.append(began)  # list.append is atomic: safe from the pool's threads
        outcome = self.gateway.send(to, body)
        if outcome.sid:
            self.accepted.append(time.monotonic())
            self.took.append(self.accepted[-1] - began)
        return outcome

    def find(self, to: str, body: str, within: timedelta) -> str | None:
        return self.gateway.find(to, body, within)


def start_standin() -> tuple[subprocess.Popen[bytes], str]:
    process = subprocess.Popen(
        [*RUN_STANDIN, "--port", "0", "--delay-ms", str(LATENCY_MS)], stdout=subprocess.PIPE
    )
    return process, f"http://127.0.0.1:{int(process.stdout.readline())}"


def run(app, standin_url: str, concurrency: int) -> str:
    """One release-day morning at this concurrency, from every text pending; a line of figures."""
    from tracker.extensions import db
    from tracker.sms.dispatch import dispatch
    from tracker.sms.gateways import gateway_for
    from tracker.sms.models import Message
    from tracker.sms.templates import schedule

    db.session.execute(
        update(Message).values(
            status="pending",
            to=None,
            body=None,
            gateway_sid=None,
            sent_at=None,
            claimed_at=None,
            attempts=0,
            note=None,
        )
    )
    db.session.commit()
    requests.post(f"{standin_url}/_standin/reset", timeout=10).raise_for_status()
    schedule()["delivery"]["concurrency"] = concurrency
    gateway = Timed(gateway_for(app))

    started, cpu_started = time.monotonic(), time.process_time()
    result = dispatch(at(RELEASE_ON, "09:00"), gateway)
    all_marked = time.monotonic() - started
    cpu = time.process_time() - cpu_started  # this process's CPU, every thread: the client's share
    last_accepted = max(gateway.accepted, default=started) - started
    first_began = min(gateway.began, default=started) - started
    mean_send = sum(gateway.took) / max(len(gateway.took), 1) * 1000

    received = requests.get(f"{standin_url}/_standin/received", timeout=10).json()
    once = received["total"] == TEXTS and {m["count"] for m in received["messages"]} == {1}
    sent = db.session.scalar(select(func.count()).where(Message.status == "sent"))
    latency_floor = TEXTS * LATENCY_MS / 1000 / concurrency
    cores = os.cpu_count() or 1
    cpu_floor = cpu / TEXTS * TEXTS / cores  # client CPU per message x n / cores
    floor = max(latency_floor, cpu_floor)
    verdict = "within" if all_marked <= 1.1 * floor else "NOT within"
    return (
        f"all {sent} marked sent after {all_marked:5.2f} s (first handed over {first_began:4.2f} s, "
        f"last accepted {last_accepted:5.2f} s, a send {mean_send:3.0f} ms on average); "
        f"latency floor {latency_floor:5.2f} s, CPU floor {cpu_floor:5.2f} s "
        f"({cpu / TEXTS * 1000:.2f} ms CPU a text, {cores} cores); "
        f"{all_marked / floor:4.2f}x the larger ({verdict} 10%); "
        f"{received['total']} accepted{', each once' if once else ', NOT each once'}"
        f"{'' if result.sent == TEXTS else f', dispatch said sent {result.sent}'}"
    )


def main() -> None:
    from config.settings import database_url
    from tests.sms.twilio_standin import ACCOUNT_SID, AUTH_TOKEN
    from tracker import create_app
    from tracker.sms.templates import schedule

    if URL.startswith("sqlite"):
        SQLITE_FILE.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{SQLITE_FILE}"
    else:
        ensure_database(URL)
        url = database_url(URL, "")
    standin, standin_url = start_standin()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SMS_BACKEND": "twilio",
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_FROM": "+447700900123",
            "TWILIO_MESSAGING_SERVICE_SID": None,
            "TWILIO_API_BASE_URL": standin_url,
        },
        env="development",
    )
    try:
        with app.app_context():
            fresh_schema(url)
            released_today(TEXTS)
            delivery = schedule()["delivery"]
            configured = delivery["concurrency"]
            print(
                f"{TEXTS} release-day texts due {RELEASE_ON} 09:00 Europe/London, {url.split(':')[0]}, "
                f"stand-in answering in {LATENCY_MS:.0f} ms, batches of {delivery['batch_size']}",
                flush=True,
            )
            for concurrency in [configured, *(n for n in OTHER_CONCURRENCY if n != configured)]:
                label = f"concurrency {concurrency:3d}{' (configured)' if concurrency == configured else ''}"
                print(f"  {label:<28} {run(app, standin_url, concurrency)}", flush=True)
    finally:
        standin.kill()
        standin.wait()


if __name__ == "__main__":
    main()
