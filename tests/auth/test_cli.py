"""`flask teams create`, `users create`, `users token` and `demo seed` (issue 2 items 3 and 9)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tracker.audit import AuditEntry
from tracker.auth.models import ROLES, ApiToken, Staff, Team
from tracker.pathway.models import Person, Stage
from tracker.pathway.stages import KINDS

PASSWORD = "correct horse battery staple"


@pytest.fixture
def flask(app):
    """flask(*args, input=None): run a CLI command of the app and return click's result."""
    runner = app.test_cli_runner()

    def run(*args: str, input: str | None = None):
        return runner.invoke(args=list(args), input=input)

    return run


def last_line(result) -> str:
    return result.output.strip().splitlines()[-1]


def count(db, model) -> int:
    db.session.rollback()  # a failed command may leave the shared session mid-transaction
    return db.session.scalar(select(func.count()).select_from(model))


# --- teams ---


def test_teams_create_prints_the_new_teams_id_last(flask, db):
    result = flask("teams", "create", "HMP Bristol", "--kind", "prison", "--code", "BCI")

    assert result.exit_code == 0, result.output
    team = db.session.scalar(select(Team).where(Team.name == "HMP Bristol"))
    assert (team.kind, team.code) == ("prison", "BCI")
    assert last_line(result) == str(team.id)


def test_teams_create_without_a_code(flask, db):
    result = flask("teams", "create", "Bristol Probation", "--kind", "probation")

    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Team.code).where(Team.name == "Bristol Probation")) is None


def test_teams_create_refuses_an_unknown_kind(flask, db):
    result = flask("teams", "create", "HMP Bristol", "--kind", "jail")

    assert result.exit_code != 0
    assert "prison" in result.output  # click names the kinds it accepts
    assert count(db, Team) == 0


def test_teams_create_refuses_a_name_in_use(flask, make_team, db):
    make_team("HMP Bristol", "prison", "BCI")

    result = flask("teams", "create", "HMP Bristol", "--kind", "prison")

    assert result.exit_code == 1
    assert "already exists" in result.output
    assert count(db, Team) == 1


def test_teams_create_refuses_a_code_in_use_with_a_message(flask, make_team, db):
    make_team("HMP Bristol", "prison", "BCI")

    result = flask("teams", "create", "HMP Bristol Annexe", "--kind", "prison", "--code", "BCI")

    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), result.exception  # a ClickException, not a crash
    assert "BCI" in result.output
    assert count(db, Team) == 1


# --- users ---


@pytest.fixture
def probation(make_team):
    return make_team("Bristol Probation", "probation")


def test_users_create_prints_the_new_id_last_and_hashes_with_argon2id(flask, probation, db):
    result = flask(
        "users",
        "create",
        "Olivia@Example.org",
        "--role",
        "offender_manager",
        "--team",
        "Bristol Probation",
        "--name",
        "Olivia Mensah",
        "--password",
        PASSWORD,
    )

    assert result.exit_code == 0, result.output
    staff = db.session.scalar(select(Staff))
    assert last_line(result) == str(staff.id)
    assert (staff.email, staff.name, staff.role, staff.team_id) == (
        "olivia@example.org",
        "Olivia Mensah",
        "offender_manager",
        probation.id,
    )
    assert staff.password_hash.startswith("$argon2id$")
    assert PASSWORD not in staff.password_hash


def test_users_create_prompts_for_the_password_twice(flask, probation, db):
    from tracker.auth.service import check_password

    result = flask(
        "users",
        "create",
        "om@example.org",
        "--role",
        "offender_manager",
        "--team",
        "Bristol Probation",
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )

    assert result.exit_code == 0, result.output
    assert "Password" in result.output and PASSWORD not in result.output
    staff = db.session.scalar(select(Staff))
    assert last_line(result) == str(staff.id)
    assert check_password(staff, PASSWORD)


def test_users_create_refuses_prompted_passwords_that_differ(flask, probation, db):
    result = flask(
        "users",
        "create",
        "om@example.org",
        "--role",
        "offender_manager",
        "--team",
        "Bristol Probation",
        input=f"{PASSWORD}\nsomething else entirely\n",
    )

    assert result.exit_code != 0
    assert count(db, Staff) == 0


def test_users_create_refuses_an_unknown_team_and_writes_nothing(flask, probation, db):
    result = flask(
        "users",
        "create",
        "om@example.org",
        "--role",
        "offender_manager",
        "--team",
        "Nowhere",
        "--password",
        PASSWORD,
    )

    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "No team called 'Nowhere'" in result.output
    assert count(db, Staff) == 0
    assert count(db, AuditEntry) == 0


@pytest.mark.parametrize("password", ["short", "elevenchars"])
def test_users_create_refuses_a_password_under_12_characters(flask, probation, db, password):
    result = flask(
        "users",
        "create",
        "om@example.org",
        "--role",
        "offender_manager",
        "--team",
        "Bristol Probation",
        "--password",
        password,
    )

    assert result.exit_code == 1
    assert "12 characters" in result.output
    assert count(db, Staff) == 0


def test_users_create_refuses_a_short_prompted_password(flask, probation, db):
    result = flask(
        "users",
        "create",
        "om@example.org",
        "--role",
        "offender_manager",
        "--team",
        "Bristol Probation",
        input="pw\npw\n",
    )

    assert result.exit_code != 0
    assert count(db, Staff) == 0


def test_users_create_refuses_an_unknown_role(flask, probation, db):
    result = flask(
        "users",
        "create",
        "om@example.org",
        "--role",
        "superuser",
        "--team",
        "Bristol Probation",
        "--password",
        PASSWORD,
    )

    assert result.exit_code != 0
    assert count(db, Staff) == 0


def test_users_create_refuses_an_email_in_use(flask, probation, make_staff, db):
    make_staff("offender_manager", team=probation, email="om@example.org")

    result = flask(
        "users",
        "create",
        "OM@example.org",
        "--role",
        "treatment",
        "--team",
        "Bristol Probation",
        "--password",
        PASSWORD,
    )

    assert result.exit_code == 1
    assert "already has an account" in result.output
    assert count(db, Staff) == 1


def test_users_token_prints_a_token_last_that_works_and_is_not_stored(
    flask, probation, make_staff, client, db
):
    staff = make_staff("offender_manager", team=probation, email="om@example.org")

    result = flask("users", "token", "om@example.org")

    assert result.exit_code == 0, result.output
    token = last_line(result)
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json["id"] == staff.id
    stored = db.session.scalars(select(ApiToken.token_hash)).all()
    assert len(stored) == 1 and token not in stored
    assert all(token not in h for h in stored)


def test_users_token_issues_a_new_token_each_time(flask, probation, make_staff, db):
    make_staff("offender_manager", team=probation, email="om@example.org")

    first, second = (
        last_line(flask("users", "token", "om@example.org")),
        last_line(flask("users", "token", "om@example.org")),
    )

    assert first != second
    assert count(db, ApiToken) == 2


def test_users_token_refuses_an_unknown_email(flask, db):
    result = flask("users", "token", "nobody@example.org")

    assert result.exit_code == 1
    assert "nobody@example.org" in result.output
    assert count(db, ApiToken) == 0


# --- demo seed ---


@pytest.fixture
def demo_ready(app, monkeypatch):
    """The demo's mobiles are in Ofcom's drama range, allowed in development only."""
    monkeypatch.setitem(app.config, "ALLOW_DRAMA_NUMBERS", True)


@pytest.fixture
def seeded(flask, demo_ready):
    result = flask("demo", "seed")
    assert result.exit_code == 0, result.output
    return result


def test_demo_seed_makes_one_account_per_role(seeded, db):
    assert set(db.session.scalars(select(Staff.role))) == set(ROLES)


def test_demo_seed_prints_each_accounts_working_password(seeded, db):
    from tracker.auth.service import check_password

    printed = dict(line.split() for line in seeded.output.splitlines() if "@" in line)
    accounts = db.session.scalars(select(Staff)).all()

    assert set(printed) == {s.email for s in accounts}
    assert all(check_password(s, printed[s.email]) for s in accounts)


def test_demo_seed_makes_about_40_people_over_every_stage_kind(seeded, db):
    people = count(db, Person)

    assert 35 <= people <= 45
    assert set(db.session.scalars(select(Person.stage_kind).distinct())) == set(KINDS)


def test_demo_seed_has_custody_releases_within_12_weeks(seeded, db, today):
    releasing = db.session.scalars(
        select(Stage.person_id)
        .join(Person, Person.id == Stage.person_id)
        .where(
            Person.stage_kind == "custody",
            Stage.kind == "custody",
            Stage.end_on.is_(None),
            Stage.release_on.between(today, today + timedelta(weeks=12)),
        )
    ).all()

    assert len(releasing) >= 3


def test_demo_seed_refuses_to_run_twice(seeded, flask, db):
    people = count(db, Person)

    again = flask("demo", "seed")

    assert again.exit_code == 1
    assert "not empty" in again.output
    assert count(db, Person) == people


def test_demo_seed_if_empty_adds_nothing_to_a_seeded_database(seeded, flask, db):
    people, accounts, entries = count(db, Person), count(db, Staff), count(db, AuditEntry)

    again = flask("demo", "seed", "--if-empty")

    assert again.exit_code == 0, again.output
    assert (count(db, Person), count(db, Staff), count(db, AuditEntry)) == (people, accounts, entries)


def test_demo_seed_if_empty_seeds_an_empty_database(flask, demo_ready, db):
    result = flask("demo", "seed", "--if-empty")

    assert result.exit_code == 0, result.output
    assert count(db, Staff) == len(ROLES) + 1  # two offender managers


def test_demo_seed_into_a_database_with_teams_refuses_with_a_message(flask, demo_ready, make_team, db):
    make_team("HMP Bristol", "prison", "BCI")

    result = flask("demo", "seed")

    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), result.exception
    assert count(db, Team) == 1 and count(db, Person) == 0


def test_demo_seed_never_runs_in_production(flask, demo_ready, app, monkeypatch, db):
    monkeypatch.setitem(app.config, "ENV_NAME", "production")

    result = flask("demo", "seed")

    assert result.exit_code == 1
    assert "production" in result.output
    assert count(db, Staff) == 0


def test_demo_seed_has_identified_and_arrest_people_held_by_the_treatment_team(seeded, db):
    team_id = db.session.scalar(select(Team.id).where(Team.kind == "treatment"))
    held = db.session.scalars(select(Person).where(Person.holding_team_id == team_id)).all()

    assert {p.stage_kind for p in held} == {"identified", "arrest"}
    assert all(p.crn is None and p.offender_manager_id is None for p in held)
