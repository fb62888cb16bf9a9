"""/metrics in Prometheus's text format, for a scraper holding METRICS_TOKEN (404 for anyone else).

Two kinds of figure. Requests and their latency by endpoint are counted in each process as they are
answered; under gunicorn's several workers each writes its counts to PROMETHEUS_MULTIPROC_DIR (set by
gunicorn.conf.py) and a scrape adds them up, whichever worker answers it. Everything else is read from
the database at scrape time, so it is the same whichever worker or instance is asked and needs no
process of its own: open alerts by rule and status, the SMS backlog and its oldest due age, each job's
last run and duration, and the scheduler's leadership and heartbeat from its lease row.
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections.abc import Iterator

from flask import Flask, Response, abort, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from tracker.alerts.models import Alert
from tracker.extensions import db
from tracker.jobs import JobRun
from tracker.leadership import LEASE_NAME, SchedulerLease
from tracker.sms.models import Message
from tracker.types import utcnow

log = logging.getLogger("tracker.metrics")

# Not in prometheus_client's global registry: each scrape builds its own (below), so the figures of
# every worker are added up in multiprocess mode, and counted once otherwise.
REQUESTS = Counter(
    "tracker_http_requests",
    "Requests answered, by endpoint (the route's name, never its path), method and status.",
    ["endpoint", "method", "status"],
    registry=None,
)
LATENCY = Histogram(
    "tracker_http_request_duration_seconds",
    "Time to answer a request, by endpoint.",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=None,
)


def init_app(app: Flask) -> None:
    """Time every request, and serve /metrics to the holder of METRICS_TOKEN."""

    @app.before_request
    def start_timer() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def count(response: Response) -> Response:
        endpoint = request.endpoint or "unmatched"  # a route's name: a bounded set of labels
        REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
        started = g.get("metrics_started")
        if started is not None:
            LATENCY.labels(endpoint).observe(time.perf_counter() - started)
        return response

    @app.get("/metrics")
    def metrics() -> Response:
        token = app.config.get("METRICS_TOKEN")
        given = request.headers.get("Authorization", "")
        if not token or not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            abort(404)  # as if there were no such page: a scanner learns nothing
        return Response(generate_latest(scrape_registry()), mimetype=CONTENT_TYPE_LATEST)


def scrape_registry() -> CollectorRegistry:
    """This scrape's figures: every worker's request counts, and the database's figures as of now."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
        registry.register(LATENCY)
    registry.register(DatabaseFigures())
    return registry


class DatabaseFigures(Collector):
    """What the database says now: a handful of indexed aggregate queries per scrape."""

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("tracker_metrics_database_up", "1 if the database answered this scrape.")
        try:
            figures = list(self._figures())
        except Exception:  # a scrape reports the database down rather than failing
            log.exception("metrics: the database could not be read")
            db.session.rollback()
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from figures

    def _figures(self) -> Iterator[Metric]:
        now = utcnow()
        yield from _alerts()
        yield from _sms_backlog(now)
        yield from _jobs(now)
        yield from _scheduler(now)
        db.session.rollback()  # read only: end the transaction, release the connection


def _alerts() -> Iterator[Metric]:
    alerts = GaugeMetricFamily(
        "tracker_alerts",
        "Alerts not yet resolved, by rule and status (resolved ones are the reports' business).",
        labels=["rule", "status"],
    )
    rows = db.session.execute(
        select(Alert.rule, Alert.status, func.count())
        .where(Alert.status.in_(("open", "acknowledged")))
        .group_by(Alert.rule, Alert.status)
    )
    for rule, status, count in rows:
        alerts.add_metric([rule, status], count)
    yield alerts


def _sms_backlog(now) -> Iterator[Metric]:
    due = (Message.status == "pending", Message.due_at <= now)
    count, oldest = db.session.execute(select(func.count(), func.min(Message.due_at)).where(*due)).one()
    backlog = GaugeMetricFamily("tracker_sms_backlog", "Texts due now and not yet sent (pending).")
    backlog.add_metric([], count)
    yield backlog
    age = GaugeMetricFamily(
        "tracker_sms_oldest_due_age_seconds", "How long the oldest text due and not yet sent has waited."
    )
    age.add_metric([], (now - oldest).total_seconds() if oldest else 0.0)
    yield age
    sending = db.session.scalar(select(func.count()).where(Message.status == "sending"))
    in_flight = GaugeMetricFamily(
        "tracker_sms_sending", "Texts claimed and being sent, or left to reconcile."
    )
    in_flight.add_metric([], sending or 0)
    yield in_flight


def _jobs(now) -> Iterator[Metric]:
    seconds = GaugeMetricFamily(
        "tracker_job_duration_seconds", "How long each job's last run took (sweep, dispatch).", labels=["job"]
    )
    age = GaugeMetricFamily(
        "tracker_job_last_run_age_seconds", "How long ago each job's last run finished.", labels=["job"]
    )
    failed = GaugeMetricFamily("tracker_job_failed", "1 if the job's last run failed.", labels=["job"])
    for run in db.session.scalars(select(JobRun)):
        seconds.add_metric([run.name], run.seconds)
        age.add_metric([run.name], (now - run.finished_at).total_seconds())
        failed.add_metric([run.name], int(run.failed))
    yield from (seconds, age, failed)


def _scheduler(now) -> Iterator[Metric]:
    lease = db.session.get(SchedulerLease, LEASE_NAME)
    leading = lease is not None and lease.expires_at is not None and lease.expires_at > now
    leader = GaugeMetricFamily(
        "tracker_scheduler_leader",
        "1 if a scheduler holds a live lease (labelled by holder).",
        labels=["holder"],
    )
    leader.add_metric([(lease.holder or "") if lease else ""], int(leading))
    yield leader
    heartbeat = GaugeMetricFamily(
        "tracker_scheduler_heartbeat_age_seconds", "Seconds since the leading scheduler's last heartbeat."
    )
    if lease is not None and lease.heartbeat_at is not None:
        heartbeat.add_metric([], (now - lease.heartbeat_at).total_seconds())
    yield heartbeat
    token = GaugeMetricFamily(
        "tracker_scheduler_lease_token", "The lease's fencing token: it rises at each change of leader."
    )
    token.add_metric([], lease.token if lease else 0)
    yield token
