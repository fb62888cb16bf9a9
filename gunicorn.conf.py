"""gunicorn's settings for a production web instance: `gunicorn wsgi:app` reads this file from here.

Every figure can be set from the environment (GUNICORN_*, WEB_CONCURRENCY). The scheduler never runs
here: it is its own process (`flask --app wsgi scheduler run`), one active per deployment.

- Workers from the CPU count: sync workers each answer one request at a time and spend most of it
  waiting on PostgreSQL, so 2 x cores + 1 (gunicorn's own advice) keeps the cores busy.
- Graceful restarts: `kill -HUP <master>` starts new workers with new code and settings and lets the old
  ones finish what they are answering (up to graceful_timeout); TERM does the same and then stops. Each
  worker is also replaced after max_requests (+ jitter, so they do not all restart at once).
- Logs to stderr, one JSON object a line in production (LOG_FORMAT, tracker/jsonlog.py); the access
  log records the path and never the query string (a search's words are personal data).
- /metrics adds up every worker's request counts through PROMETHEUS_MULTIPROC_DIR, emptied at start.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
# A request that takes longer is killed and its worker replaced: every page and API call answers in well
# under a second, reports included; a hung database call must not hold a worker for ever.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Longer than nothing, shorter than the load balancer's idle timeout (AWS ALB: 60 s), so the balancer
# never sends a request down a connection gunicorn has just closed.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# The load balancer's address: only its X-Forwarded-* headers are believed (PROXY_COUNT in the app).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# %(U)s is the path alone; %(r)s, the request line, would carry the query string.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms "%(a)s"'

_production = os.environ.get("TRACKER_ENV") == "production"
if os.environ.get("LOG_FORMAT", "json" if _production else "text") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "tracker.jsonlog.JsonFormatter"}},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
        },
        "root": {"level": "INFO", "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
        },
    }

# Each worker counts its requests into files here; a scrape of any worker adds them all up. Set before
# any worker imports prometheus_client (workers are forked after this file is read).
_metrics_dir = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", str(Path(tempfile.gettempdir()) / f"tracker-metrics-{os.getpid()}")
)


def on_starting(server) -> None:
    """Empty the metrics folder: counts left by an earlier master would be added to this one's."""
    shutil.rmtree(_metrics_dir, ignore_errors=True)
    Path(_metrics_dir).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker) -> None:
    """A worker that ended keeps its counts in the totals; its live gauges are dropped."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
