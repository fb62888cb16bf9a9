"""Fixtures shared by the whole suite: an app on a real database, staff, tokens, people."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, select, text

from tests.helpers import at_hour

os.environ["TRACKER_ENV"] = "test"


@pytest.fixture(autouse=True)
def no_internet(monkeypatch):
    """Fail any test that would reach past this machine."""
    real_connect = socket.socket.connect

    def guarded(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if (
            isinstance(host, str)
            and host not in ("127.0.0.1", "::1", "localhost")
            and not host.startswith("/")
        ):
            raise RuntimeError(f"test tried to reach {host}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return (
        os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    )


@pytest.fixture(scope="session")
def _migrated_app(database_url):
    from flask_migrate import upgrade

    from config.settings import database_url as normalise
    from tracker import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise(database_url, "")}, env="test")
    with app.app_context():
        upgrade()
    return app


@pytest.fixture
def app(_migrated_app):
    """The app, inside an app context, on an empty migrated database."""
    from tracker.extensions import db

    with _migrated_app.app_context():
        yield _migrated_app
        db.session.remove()
        _empty_tables(db)


def _empty_tables(db) -> None:
    from tracker.audit import allow_purge, end_purge

    tables = [t.name for t in reversed(db.metadata.sorted_tables) if t.name != "audit_purges"]
    with db.engine.begin() as conn:
        allow_purge(conn)  # the database refuses to empty the audit log otherwise
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))
        end_purge(conn)


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def db(app):
    from tracker.extensions import db

    return db


class Api:
    """A test client that speaks JSON to /api/v1 with one staff member's token."""

    def __init__(self, client: FlaskClient, token: str | None):
        self.client, self.token = client, token

    def _call(self, method: str, path: str, json=None, **kwargs):
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return self.client.open(f"/api/v1{path}", method=method, json=json, headers=headers, **kwargs)

    def get(self, path, **kwargs):
        return self._call("GET", path, **kwargs)

    def post(self, path, json=None):
        return self._call("POST", path, json)

    def patch(self, path, json=None):
        return self._call("PATCH", path, json)


@pytest.fixture
def make_team(db):
    from tracker.auth import service

    def make(name: str = "Bristol Probation", kind: str = "probation", code: str | None = None):
        team = service.create_team(name, kind, code)
        db.session.commit()
        return team

    return make


@pytest.fixture
def make_staff(db, make_team):
    """make_staff(role, team=None): a staff member, in a new team of the right kind by default."""
    from tracker.auth import service

    kinds = {"resettlement": "prison", "treatment": "treatment"}
    counter = iter(range(1, 10_000))

    def make(role: str = "offender_manager", team=None, email: str | None = None):
        n = next(counter)
        team = team or make_team(f"{role} team {n}", kinds.get(role, "probation"))
        staff = service.create_staff(
            email or f"{role}{n}@example.org", role, team.name, "correct horse battery", f"{role} {n}"
        )
        db.session.commit()
        return staff

    return make


@pytest.fixture
def api_as(client, db):
    """api_as(staff): an Api client holding a fresh token of that staff member."""
    from tracker.auth.service import issue_token
    from tracker.types import utcnow

    def make(staff) -> Api:
        token = issue_token(staff, now=utcnow())
        db.session.commit()
        return Api(client, token)

    return make


PERSON = {"given_name": "Sam", "family_name": "Jones", "date_of_birth": "1985-04-02", "alcohol_need": True}


@pytest.fixture
def make_person(api_as):
    """make_person(om, **fields): a person on that offender manager's caseload, made through the API."""

    def make(om, **fields):
        response = api_as(om).post("/people", json=PERSON | fields)
        assert response.status_code == 201, response.json
        return response.json

    return make


@pytest.fixture
def count_queries(db):
    """with count_queries() as counted: ...; len(counted) is the number of SQL statements run."""

    @contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []

        def before(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counting


@pytest.fixture
def today() -> date:
    from tracker.clock import local_today

    return local_today()


# The cast most tests share: an offender manager and their API client, a prison, a treatment service.


@pytest.fixture
def om(make_staff):
    return make_staff("offender_manager")


@pytest.fixture
def api(api_as, om):
    return api_as(om)


@pytest.fixture
def prison(make_team):
    return make_team("HMP Bristol", "prison", "BCI")


@pytest.fixture
def alcohol_service(make_team):
    return make_team("Bristol Community Alcohol Service", "treatment")


@pytest.fixture
def person_id(make_person, om):
    """A new person on the offender manager's caseload, by id."""
    return make_person(om)["id"]


@pytest.fixture
def path(make_person, om):
    """The API path of a new person on the offender manager's caseload."""
    return f"/people/{make_person(om)['id']}"


@pytest.fixture
def sweep(app):
    """sweep(day or instant): run `flask alerts sweep --at` (a day: its noon in UTC); returns the output."""
    runner = app.test_cli_runner()

    def run(at: date | datetime) -> str:
        instant = at if isinstance(at, datetime) else at_hour(at, 12)
        result = runner.invoke(args=["alerts", "sweep", "--at", instant.isoformat()])
        assert result.exit_code == 0, result.output
        return result.output

    return run


@pytest.fixture
def sweep_now(sweep):
    """Sweep at the real instant: everything recorded so far counts as changed."""
    return lambda: sweep(datetime.now(UTC))


@pytest.fixture
def alerts(db):
    """alerts(**where): the alerts table as it is now, oldest first."""
    from tracker.alerts.models import Alert

    def rows(**where) -> list[Alert]:
        query = select(Alert).filter_by(**where).order_by(Alert.id).execution_options(populate_existing=True)
        return list(db.session.scalars(query))

    return rows
