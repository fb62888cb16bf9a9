"""Logs keep personal data out: SQL parameters hidden, the Twilio client quiet (issue 10 item 8)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

MOBILE = "+447911123456"


def test_a_failed_statement_is_logged_without_its_values(app, db, make_staff, caplog):
    staff = make_staff()
    with pytest.raises(IntegrityError) as failed:
        db.session.execute(
            text("INSERT INTO teams (name, kind, phone) VALUES (:name, 'probation', :phone)"),
            {"name": staff.team.name, "phone": MOBILE},
        )
    db.session.rollback()
    assert "parameters hidden" in str(failed.value)  # SQLAlchemy's part of the message

    with caplog.at_level(logging.ERROR):
        app.logger.error("unhandled error", exc_info=failed.value)

    # PostgreSQL's part quotes the failing row (DETAIL); the log must not.
    assert "IntegrityError" in caplog.text
    assert MOBILE not in caplog.text and "7911123456" not in caplog.text
    assert staff.team.name not in caplog.text


def test_the_twilio_client_logs_no_request_of_ours(app):
    logger = logging.getLogger("twilio.http_client")

    assert logger.getEffectiveLevel() == logging.WARNING
    assert not logger.isEnabledFor(logging.INFO)  # where it writes each request's numbers


@pytest.mark.parametrize("name", ["tracker", "tracker.sms", "tracker.scheduler"])
def test_our_loggers_mask_every_mobile(app, caplog, name):
    with caplog.at_level(logging.INFO):
        logging.getLogger(name).warning("could not text %s", MOBILE)

    assert "could not text +44******3456" in caplog.text
    assert "7911123456" not in caplog.text


def test_an_unhandled_error_is_logged_with_its_mobiles_masked(caplog):
    from tracker import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": False}, env="test")

    @app.get("/_fails-with-a-number")
    def fails():
        raise ValueError(f"{MOBILE} is not a number we can text")

    with caplog.at_level(logging.ERROR):
        assert app.test_client().get("/_fails-with-a-number").status_code == 500

    assert "+44******3456 is not a number" in caplog.text
    assert "7911123456" not in caplog.text


def test_running_the_migrations_leaves_our_loggers_working(app):
    # Alembic's fileConfig disables every logger that exists unless told otherwise.
    assert not logging.getLogger("tracker").disabled
    assert not logging.getLogger("twilio.http_client").disabled


JSON_LOGGING = """
import logging
from tracker import create_app
app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "LOG_FORMAT": "json"}, env="test")
logging.getLogger("tracker.sms").warning("could not text %s", "+447911123456")
try:
    raise ValueError("+447911123456 is not a number we can text")
except ValueError:
    app.logger.exception("unhandled error")
"""


def test_production_logs_are_one_json_object_a_line_with_mobiles_masked():
    # Its own process: JSON logging configures the root logger, which this test session shares.
    import json
    import subprocess
    import sys
    from pathlib import Path

    done = subprocess.run(
        [sys.executable, "-c", JSON_LOGGING],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    every = [json.loads(line) for line in done.stderr.splitlines()]  # every line is JSON
    lines = [e for e in every if e["logger"].startswith("tracker")]

    assert [(e["level"], e["logger"], e["message"]) for e in lines] == [
        ("WARNING", "tracker.sms", "could not text +44******3456"),
        ("ERROR", "tracker", "unhandled error"),
    ]
    assert "ValueError: +44******3456 is not a number" in lines[1]["exception"]
    assert "7911123456" not in done.stderr
