"""/healthz reports the sweep's and the dispatch's last runs and stays 200; /healthz/jobs answers 503 when
either failed or is stale (issue 10 item 2)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from tracker import scheduler
from tracker.jobs import JobRun, recorded
from tracker.types import utcnow


def succeed() -> None:
    pass


def fail() -> None:
    raise OverflowError("date value out of range")


def run(name: str, job=succeed) -> None:
    recorded(name)(job)()


def test_jobs_never_run_are_stale_and_healthz_stays_200(client):
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json["jobs"]["sweep"] == {
        "last_run_at": None,
        "seconds": None,
        "failed": None,
        "error": None,
        "stale": True,
    }
    assert client.get("/healthz/jobs").status_code == 503


def test_jobs_that_ran_this_tick_are_ok(client, db):
    run("sweep"), run("dispatch")

    response = client.get("/healthz/jobs")

    assert response.status_code == 200
    sweep = response.json["jobs"]["sweep"]
    assert sweep["failed"] is False and sweep["stale"] is False and sweep["seconds"] >= 0


def test_a_failing_sweep_turns_healthz_jobs_503_and_healthz_says_so_with_200(client, db):
    run("dispatch")
    with pytest.raises(OverflowError):
        run("sweep", fail)

    assert client.get("/healthz/jobs").status_code == 503
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json["jobs"]["sweep"]["failed"] is True
    assert health.json["jobs"]["sweep"]["error"] == "OverflowError"  # its type, never its message

    run("sweep")  # the next good run clears it
    assert client.get("/healthz/jobs").status_code == 200


def test_a_job_not_run_for_more_than_the_stale_ticks_turns_healthz_jobs_503(app, client, db):
    run("sweep"), run("dispatch")
    ticks = app.config["JOBS_STALE_TICKS"] * app.config["SCHEDULER_TICK_SECONDS"]
    long_ago = utcnow() - timedelta(seconds=ticks + 1)
    db.session.execute(update(JobRun).where(JobRun.name == "dispatch").values(finished_at=long_ago))
    db.session.commit()

    response = client.get("/healthz/jobs")

    assert response.status_code == 503
    assert response.json["jobs"]["dispatch"]["stale"] is True
    assert client.get("/healthz").json["jobs"]["dispatch"]["stale"] is True


def test_the_scheduler_records_both_jobs():
    assert scheduler.run_sweep.__wrapped__ and scheduler.run_dispatch.__wrapped__


def test_a_deposed_leaders_run_is_not_recorded_as_a_failure(app, db):
    import pytest

    from tracker.jobs import JobRun, recorded
    from tracker.leadership import LeadershipLost

    @recorded("sweep")
    def deposed() -> None:
        raise LeadershipLost("another scheduler holds the lease")

    with pytest.raises(LeadershipLost):
        deposed()

    assert db.session.get(JobRun, "sweep") is None
