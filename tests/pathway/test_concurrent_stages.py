"""Twenty identical transitions at once leave exactly one stage; the others are 409 saying what is allowed
(issue 10 item 1). Threads post to a real threaded server on the test database, SQLite or PostgreSQL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from tracker.types import utcnow

TIMES = 20


@pytest.fixture
def server(app):
    """The app behind a real threaded werkzeug server: its base URL."""
    from werkzeug.serving import make_server

    live = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=live.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{live.port}/api/v1"
    live.shutdown()
    thread.join()


@pytest.fixture
def token(db, om) -> str:
    from tracker.auth.service import issue_token

    issued = issue_token(om, now=utcnow())
    db.session.commit()
    return issued


def all_at_once(url: str, token: str, body: dict) -> list[requests.Response]:
    start = threading.Barrier(TIMES)

    def post(_):
        with requests.Session() as session:
            start.wait()
            return session.post(url, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=60)

    with ThreadPoolExecutor(TIMES) as pool:
        return list(pool.map(post, range(TIMES)))


def stored(db, model, person_id: int) -> int:
    db.session.rollback()  # read what the server's requests committed
    return db.session.scalar(select(func.count()).select_from(model).where(model.person_id == person_id))


def test_twenty_identical_transitions_at_once_make_one_stage(server, token, make_person, om, api_as, db):
    from tracker.pathway.models import Stage

    person_id = make_person(om)["id"]
    assert api_as(om).post(f"/people/{person_id}/stages", {"kind": "identified", "start_on": "2026-11-02"})

    answers = all_at_once(
        f"{server}/people/{person_id}/stages", token, {"kind": "arrest", "start_on": "2026-11-03"}
    )

    assert sorted(a.status_code for a in answers) == [201] + [409] * (TIMES - 1)
    refused = [a.json() for a in answers if a.status_code == 409]
    assert {r["errors"]["kind"][0] for r in refused} == {"Allowed next: court, closed."}
    assert stored(db, Stage, person_id) == 2


def test_twenty_identical_first_stages_at_once_open_one_pathway(server, token, make_person, om, db):
    from tracker.pathway.models import Pathway, Stage

    person_id = make_person(om)["id"]

    answers = all_at_once(
        f"{server}/people/{person_id}/stages", token, {"kind": "arrest", "start_on": "2026-11-03"}
    )

    assert sorted(a.status_code for a in answers) == [201] + [409] * (TIMES - 1)
    assert stored(db, Pathway, person_id) == stored(db, Stage, person_id) == 1
