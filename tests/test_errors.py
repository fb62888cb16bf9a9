"""tracker/errors.py: a duplicate key written by a request that lost a race is a 409, never the SQL."""

from __future__ import annotations

import pytest


@pytest.fixture
def racing_app(database_url, app):
    """An app on the test database with routes that write a duplicate CRN, as a lost race would."""
    from config.settings import database_url as normalise
    from tracker import create_app
    from tracker.extensions import db
    from tracker.pathway.models import Person

    racing = create_app({"SQLALCHEMY_DATABASE_URI": normalise(database_url, "")}, env="test")

    def write_twice():
        for _ in range(2):
            db.session.add(Person(given_name="Sam", family_name="Jones", crn="X999999"))
            db.session.flush()
        return {}

    racing.add_url_rule("/api/v1/race", "api_race", write_twice, methods=["POST"])
    racing.add_url_rule("/race", "page_race", write_twice, methods=["POST"])
    yield racing
    with racing.app_context():
        db.engine.dispose()  # its own pool: closed here, not left to the garbage collector


def test_a_duplicate_key_from_a_lost_race_is_a_409_without_sql(racing_app):
    response = racing_app.test_client().post("/api/v1/race")

    assert response.status_code == 409
    assert response.json["message"] == (
        "Someone else changed this record at the same moment. Reload it and try again."
    )
    assert "INSERT" not in response.get_data(as_text=True)


def test_a_page_that_loses_a_race_shows_the_409_page(racing_app):
    response = racing_app.test_client().post("/race")

    assert response.status_code == 409
    assert "Reload it and try again" in response.get_data(as_text=True)
