"""/metrics (issue 13 item 4): Prometheus's format, for the holder of METRICS_TOKEN only; requests by
endpoint added up across processes; the scheduler's and the outbox's figures read from the database."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import insert

from tracker.jobs import recorded
from tracker.leadership import LEASE_NAME, SchedulerLease
from tracker.pathway.models import Person
from tracker.sms.models import Message
from tracker.types import utcnow

TOKEN = "a-scraper-token-of-some-length"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def scrape(app, client, monkeypatch):
    """scrape(): /metrics as the scraper sees it, parsed into {(name, labels): value}."""
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)

    def run() -> dict[tuple[str, tuple], float]:
        response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 200
        assert response.mimetype == "text/plain"
        return parse(response.get_data(as_text=True))

    return run


def parse(text: str) -> dict[tuple[str, tuple], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics_are_not_found_while_no_token_is_set(client):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


def test_metrics_are_not_found_without_the_token(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)

    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer guess"}).status_code == 404


def test_requests_are_counted_by_endpoint_and_status(client, scrape):
    before = scrape()
    client.get("/healthz")
    client.get("/healthz")
    client.get("/no-such-page")

    after = scrape()

    def grew(endpoint: str, status: str) -> float:
        key = ("tracker_http_requests_total", (("endpoint", endpoint), ("method", "GET"), ("status", status)))
        return after.get(key, 0) - before.get(key, 0)

    assert grew("healthz", "200") == 2
    assert grew("unmatched", "404") == 1
    assert after[("tracker_http_request_duration_seconds_count", (("endpoint", "healthz"),))] >= 2


def test_the_sms_backlog_and_its_oldest_due_age_come_from_the_outbox(db, scrape):
    person = db.session.scalar(insert(Person).returning(Person.id), [{"given_name": "A", "family_name": "B"}])
    now = utcnow()
    db.session.execute(
        insert(Message),
        [
            {
                "person_id": person,
                "purpose": "check_in",
                "subject_type": "handovers",
                "subject_id": n,
                "due_at": due,
            }
            for n, due in enumerate(
                [now - timedelta(hours=2), now - timedelta(minutes=1), now + timedelta(days=1)]
            )
        ],
    )
    db.session.commit()

    figures = scrape()

    assert figures[("tracker_sms_backlog", ())] == 2  # the one due tomorrow is not late
    assert 7200 <= figures[("tracker_sms_oldest_due_age_seconds", ())] < 7300


def test_the_scheduler_and_its_jobs_are_read_from_the_lease_and_job_rows(db, scrape):
    db.session.add(
        SchedulerLease(
            name=LEASE_NAME,
            holder="host-a:41",
            token=3,
            heartbeat_at=utcnow() - timedelta(seconds=30),
            expires_at=utcnow() + timedelta(seconds=60),
        )
    )
    db.session.commit()
    recorded("sweep")(lambda: None)()

    figures = scrape()

    assert figures[("tracker_metrics_database_up", ())] == 1
    assert figures[("tracker_scheduler_leader", (("holder", "host-a:41"),))] == 1
    assert figures[("tracker_scheduler_lease_token", ())] == 3
    assert 30 <= figures[("tracker_scheduler_heartbeat_age_seconds", ())] < 90
    assert figures[("tracker_job_failed", (("job", "sweep"),))] == 0
    assert ("tracker_job_duration_seconds", (("job", "sweep"),)) in figures


WORKER = """
import sys
from tracker import create_app
app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "METRICS_TOKEN": "t"}, env="test")
client = app.test_client()
for _ in range(int(sys.argv[1])):
    assert client.get("/healthz").status_code in (200, 503)
if sys.argv[2] == "scrape":
    print(client.get("/metrics", headers={"Authorization": "Bearer t"}).get_data(as_text=True))
"""


def test_request_counts_are_added_up_across_worker_processes(tmp_path):
    # As under gunicorn: each worker process counts into PROMETHEUS_MULTIPROC_DIR, and whichever
    # worker is scraped reports them all.
    env = os.environ | {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "TRACKER_ENV": "test"}

    def worker(requests: int, then: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", WORKER, str(requests), then],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    worker(3, "exit")
    figures = parse(worker(4, "scrape"))

    key = ("tracker_http_requests_total", (("endpoint", "healthz"), ("method", "GET"), ("status", "200")))
    assert figures[key] == 7
