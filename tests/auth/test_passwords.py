"""Passwords: Argon2id, and an unknown account costs what a wrong password costs (issue 10 item 7)."""

from __future__ import annotations

import time

from tracker.auth import service

PASSWORD = "correct horse battery"


def _slowest_of_fastest(attempt, times: int = 3) -> float:
    # The quickest of a few runs: what the work costs, without the noise of a busy machine.
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        attempt()
        spent.append(time.perf_counter() - started)
    return min(spent)


def test_authenticate_answers_the_account_for_the_right_password(make_staff):
    staff = make_staff()

    assert service.authenticate(staff.email, PASSWORD) == staff
    assert service.authenticate(staff.email.upper(), PASSWORD) == staff


def test_authenticate_refuses_a_wrong_password_and_an_unknown_account(make_staff):
    staff = make_staff()

    assert service.authenticate(staff.email, "not the password") is None
    assert service.authenticate("nobody@example.org", PASSWORD) is None


def test_an_unknown_account_takes_as_long_as_a_wrong_password(app, make_staff, monkeypatch):
    # The production profile: the time an attacker would measure is Argon2's, tens of milliseconds.
    monkeypatch.setitem(app.config, "PASSWORD_HASH_PROFILE", "default")
    staff = make_staff()

    wrong = _slowest_of_fastest(lambda: service.authenticate(staff.email, "not the password"))
    unknown = _slowest_of_fastest(lambda: service.authenticate("nobody@example.org", PASSWORD))

    assert unknown > 0.5 * wrong, (unknown, wrong)
    assert unknown < 2 * wrong, (unknown, wrong)
