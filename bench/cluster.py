"""Scale test: three gunicorn instances and two schedulers on one PostgreSQL, under load, one killed.

The deployment of README "Running it for a whole country", on one machine: a mass-release morning of
BENCH_TEXTS people released today, queued for the sweep, each with a release-day text due now
(bench/sms_dispatch.py's people), three `gunicorn wsgi:app` instances (gunicorn.conf.py,
TRACKER_ENV=production, sign-in limits in a Redis of its own when redis-server is installed), the
Twilio stand-in (tests/sms/twilio_standin.py) answering in BENCH_LATENCY_MS, and two schedulers.

While wrk loads GET /api/v1/people and GET /api/v1/people/{id}/pathway on
all three instances, the leading scheduler sweeps and starts the dispatch; once part of the texts are
sent it is killed with SIGKILL, and the standby takes the lease over and finishes. Rows the dead leader
left "sending" are reconciled as the next dispatch after their lease would (`sms dispatch --at`).

Prints requests per second, p50/p99 latency and errors (must be 0), how long the takeover took, and
whether every alert and every text exists once (the stand-in's own count of what it accepted); asserts
nothing. Run it inside the sending window (09:00-20:00 Europe/London), or no text is due to go.

    .venv/bin/python bench/cluster.py        # PostgreSQL bench_cluster, created when missing
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/mine BENCH_SECONDS=60 \
        .venv/bin/python bench/cluster.py
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("BENCH_DAY", date.today().isoformat())  # the texts' release day

URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/bench_cluster")
TEXTS = int(os.environ.get("BENCH_TEXTS", "2000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "40"))
LATENCY_MS = float(os.environ.get("BENCH_LATENCY_MS", "50"))
TICK, POLL = 4.0, 1.0  # the schedulers' tick and poll: a takeover within 2 ticks
LOGS = ROOT / "bench" / "results" / "cluster"
WRK_SCRIPT = """
local paths = {"/api/v1/people", "/api/v1/people/%d/pathway"}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[n %% 2 + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %%d, "us": %%d, "p50": %%d, "p99": %%d, "status": %%d, ' ..
    '"socket": %%d}\\n', summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(sa_url: str) -> tuple[str, int]:
    """A fresh schema and a mass-release morning: TEXTS people released today (bench/sms_dispatch.py's,
    with their release dates recorded and an alcohol need), queued for the sweep as their changes would
    queue them, each with a release-day text due now. An API token for their offender manager, and one
    of them for the pathway endpoint."""
    import sms_dispatch
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import insert, select, update

    from tracker import create_app
    from tracker.alerts.models import ChangedPerson
    from tracker.auth import service
    from tracker.auth.models import Staff
    from tracker.extensions import db
    from tracker.pathway.models import Person, ReleaseDate, Stage
    from tracker.sms.models import Message
    from tracker.types import utcnow

    app = create_app({"SQLALCHEMY_DATABASE_URI": sa_url}, env="development")
    with app.app_context():
        downgrade(revision="base")
        upgrade()
        sms_dispatch.released_today(TEXTS)
        stages = db.session.execute(select(Stage.id, Stage.release_on)).all()
        db.session.execute(
            insert(ReleaseDate),
            [
                {"stage_id": stage, "kind": kind, "value_on": on, "source": "bench", "recorded_at": utcnow()}
                for stage, on in stages
                for kind in ("crd", "confirmed")
            ],
        )
        db.session.execute(update(Person).values(alcohol_need=True))
        people = list(db.session.scalars(select(Person.id).order_by(Person.id)))
        db.session.execute(insert(ChangedPerson), [{"person_id": p} for p in people])
        db.session.execute(update(Message).values(due_at=utcnow() - timedelta(minutes=1)))
        om = db.session.scalars(select(Staff).where(Staff.role == "offender_manager")).one()
        token = service.issue_token(om, now=utcnow())
        db.session.commit()
    return token, people[0]


class Cluster:
    """Every process of the deployment, each logging to bench/results/cluster/."""

    def __init__(self, sa_url: str) -> None:
        self.processes: list[subprocess.Popen] = []
        shutil.rmtree(LOGS, ignore_errors=True)
        LOGS.mkdir(parents=True)
        self.env = os.environ | {
            "TRACKER_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": sa_url,
            "METRICS_TOKEN": secrets.token_hex(16),
            "WEB_CONCURRENCY": "2",
            "PUBLIC_BASE_URL": "http://127.0.0.1",
        }
        self.env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # each instance (gunicorn master) has its own

    def start(self, name: str, command: list[str], env: dict | None = None) -> subprocess.Popen:
        log = (LOGS / f"{name}.log").open("w")
        process = subprocess.Popen(
            command, cwd=ROOT, env=env or self.env, stdout=log, stderr=subprocess.STDOUT
        )
        self.processes.append(process)
        return process

    def redis(self) -> None:
        """Sign-in limits in a Redis of our own, as production requires; without one, development."""
        if not shutil.which("redis-server"):
            self.env |= {"TRACKER_ENV": "development", "RATELIMIT_STORAGE_URI": "memory://"}
            return
        port = free_port()
        self.start("redis", ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"])
        self.env["RATELIMIT_STORAGE_URI"] = f"redis://127.0.0.1:{port}/0"

    def standin(self) -> None:
        process = subprocess.Popen(
            [sys.executable, "tests/sms/twilio_standin.py", "--port", "0", "--delay-ms", str(LATENCY_MS)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=(LOGS / "twilio-standin.log").open("w"),  # the killed leader's broken connections
        )
        self.processes.append(process)
        self.twilio = f"http://127.0.0.1:{int(process.stdout.readline())}"
        from tests.sms.twilio_standin import ACCOUNT_SID, AUTH_TOKEN

        self.env |= {
            "SMS_BACKEND": "twilio",
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_FROM": "+447700900123",
            "TWILIO_API_BASE_URL": self.twilio,
        }

    def web(self, count: int) -> list[str]:
        """`count` gunicorn instances on ports of their own, once each answers /healthz."""
        ports = [free_port() for _ in range(count)]
        for n, port in enumerate(ports):
            self.start(
                f"web{n}",
                [sys.executable, "-m", "gunicorn", "wsgi:app"],
                self.env | {"GUNICORN_BIND": f"127.0.0.1:{port}"},
            )
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        deadline = time.monotonic() + 60
        for base in bases:
            while not _answers(f"{base}/healthz"):
                assert time.monotonic() < deadline, f"{base} did not start: see {LOGS}"
                time.sleep(0.5)
        return bases

    def scheduler(self, name: str) -> subprocess.Popen:
        flask = [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "run"]
        return self.start(name, [*flask, "--tick", str(TICK), "--poll", str(POLL)])

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def load(bases: list[str], token: str, person: int) -> list[subprocess.Popen]:
    """wrk on each instance for SECONDS, two connections each, list and pathway in turn."""
    script = LOGS / "load.lua"
    script.write_text(WRK_SCRIPT % person)
    command = [
        "wrk",
        "-t1",
        "-c2",
        f"-d{SECONDS}s",
        "--timeout",
        "10s",
        "-H",
        f"Authorization: Bearer {token}",
    ]
    return [
        subprocess.Popen([*command, "-s", str(script), base], stdout=subprocess.PIPE, text=True)
        for base in bases
    ]


def load_figures(runs: list[subprocess.Popen]) -> dict:
    """Each wrk's summary line, added up: p50 is the requests-weighted mean, p99 the worst instance's."""
    lines = [
        next(line for line in run.communicate()[0].splitlines() if line.startswith("RESULT")) for run in runs
    ]
    each = [json.loads(line.removeprefix("RESULT ")) for line in lines]
    requests_ = sum(e["requests"] for e in each)
    return {
        "requests": requests_,
        "rate": sum(e["requests"] / (e["us"] / 1e6) for e in each),
        "p50_ms": sum(e["p50"] * e["requests"] for e in each) / max(requests_, 1) / 1000,
        "p99_ms": max(e["p99"] for e in each) / 1000,
        "errors": sum(e["status"] + e["socket"] for e in each),
    }


def db_one(sql: str, *args):
    with psycopg.connect(URL) as conn:
        return conn.execute(sql, args).fetchone()


def leader_pid() -> int | None:
    row = db_one("SELECT holder FROM scheduler_leases WHERE expires_at > now()")
    return int(row[0].rsplit(":", 1)[1]) if row and row[0] else None


def wait_for(condition, within: float, what: str) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > within:
            print(f"  (gave up waiting for {what} after {within:.0f} s)", flush=True)
            break
        time.sleep(0.2)
    return time.monotonic() - started


def texts(status: str) -> int:
    return db_one("SELECT count(*) FROM sms_messages WHERE status = %s", status)[0]


def requests_counted(bases: list[str], token: str) -> float:
    """The list and pathway requests every instance's /metrics counted, all workers added up."""
    from prometheus_client.parser import text_string_to_metric_families

    total = 0.0
    for base in bases:
        page = requests.get(f"{base}/metrics", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        for family in text_string_to_metric_families(page.text):
            for sample in family.samples:
                endpoint = sample.labels.get("endpoint", "")
                if sample.name == "tracker_http_requests_total" and endpoint.startswith("people."):
                    total += sample.value
    return total


def exactly_once(twilio: str) -> list[str]:
    """Every alert once per key, every text once in the outbox and at the stand-in: lines to print."""
    duplicate_alerts = db_one(
        "SELECT count(*) FROM (SELECT 1 FROM alerts GROUP BY rule, subject_type, subject_id, checkpoint_on"
        " HAVING count(*) > 1) AS d"
    )[0]
    alerts = db_one("SELECT count(*) FROM alerts")[0]
    rows = db_one("SELECT count(*) FROM sms_messages WHERE purpose = 'release_day'")[0]
    sent = db_one("SELECT count(*) FROM sms_messages WHERE purpose = 'release_day' AND status = 'sent'")[0]
    received = requests.get(f"{twilio}/_standin/received", timeout=10).json()
    counts = {m["count"] for m in received["messages"]}
    once = received["total"] == sent == TEXTS and counts <= {1}
    return [
        f"alerts: {alerts} raised, {duplicate_alerts} keys with more than one "
        f"({'each once' if alerts and not duplicate_alerts else 'NOT each once'})",
        f"texts: {rows} rows for {TEXTS} due, {sent} sent; the stand-in accepted {received['total']} in "
        f"{received['requests']} requests, most per text {max(counts, default=0)} "
        f"({'each once' if once else 'NOT each once'})",
    ]


def kill_the_leader(cluster: Cluster) -> subprocess.Popen:
    """Two schedulers; once a quarter of the texts went, SIGKILL the leader; the standby, once it leads."""
    first = cluster.scheduler("scheduler-a")
    wait_for(lambda: leader_pid() == first.pid, 30, "scheduler-a to lead")
    second = cluster.scheduler("scheduler-b")
    wait_for(lambda: texts("sent") >= TEXTS // 4, 120, "a quarter of the texts to go")
    sent_before = texts("sent")
    first.send_signal(signal.SIGKILL)
    print(f"killed the leading scheduler (SIGKILL) with {sent_before} of {TEXTS} texts sent", flush=True)
    took = wait_for(lambda: leader_pid() == second.pid, 60, "scheduler-b to take the lease")
    print(f"scheduler-b took the lease {took:.1f} s after the kill (lease {2 * TICK - 2 * POLL:.0f} s)")
    took = wait_for(lambda: texts("pending") == 0, 180, "every pending text to go")
    print(f"no text pending {took:.1f} s later", flush=True)
    return second


def reconcile_leftovers(cluster: Cluster) -> None:
    """The dead leader's claims as the next dispatch after their lease sees them: reconciled, not resent."""
    from tracker.sms.templates import schedule

    left = texts("sending")
    lease = schedule()["delivery"]["sending_lease_seconds"] + 60
    at = (datetime.now(UTC) + timedelta(seconds=lease)).isoformat()
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run(
        [*flask, "sms", "dispatch", "--at", at], cwd=ROOT, env=cluster.env, check=True, capture_output=True
    )
    print(f"{left} rows the dead leader left sending, reconciled by `sms dispatch --at now+{lease}s`")


def main() -> None:
    from sms_dispatch import ensure_database

    from config.settings import database_url

    if not shutil.which("wrk"):
        sys.exit("bench/cluster.py needs wrk: apt-get install wrk")
    ensure_database(URL)
    sa_url = database_url(URL, "")
    started = time.monotonic()
    token, person = prepare(sa_url)
    loaded = time.monotonic() - started
    print(f"{TEXTS} people released today, a text due now for each, loaded in {loaded:.0f} s", flush=True)
    cluster = Cluster(sa_url)
    try:
        cluster.redis()
        cluster.standin()
        bases = cluster.web(3)
        mode = cluster.env["TRACKER_ENV"]
        print(f"3 gunicorn instances (2 workers each), {mode}; stand-in answering in {LATENCY_MS:.0f} ms")
        runs = load(bases, token, person)
        time.sleep(2)
        standby = kill_the_leader(cluster)
        figures = load_figures(runs)
        counted = requests_counted(bases, cluster.env["METRICS_TOKEN"])
        standby.send_signal(signal.SIGTERM)
        standby.wait(timeout=30)
        reconcile_leftovers(cluster)
        print(
            f"load over {SECONDS} s: {figures['requests']} requests, {figures['rate']:.0f} req/s, "
            f"p50 {figures['p50_ms']:.0f} ms, p99 {figures['p99_ms']:.0f} ms, errors {figures['errors']}; "
            f"/metrics on the 3 instances counted {counted:.0f} (wrk counts only those finished in time)"
        )
        for line in exactly_once(cluster.twilio):
            print(line)
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
