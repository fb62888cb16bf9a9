"""`flask teams create`, `flask users create`, `flask users token`: each prints the new id or token last."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from tracker import audit
from tracker.auth import service
from tracker.auth.models import ROLES, TEAM_KINDS
from tracker.errors import Refusal
from tracker.extensions import db

teams = AppGroup("teams", help="Manage teams.")
users = AppGroup("users", help="Manage staff accounts.")


def _commit_or_fail(action):
    try:
        result = action()
    except Refusal as refused:
        db.session.rollback()
        raise click.ClickException(refused.message) from None
    db.session.commit()
    return result


@teams.command("create")
@click.argument("name")
@click.option("--kind", type=click.Choice(TEAM_KINDS), required=True)
@click.option("--code", help="A prison's establishment code.")
def create_team(name: str, kind: str, code: str | None) -> None:
    """Create a team and print its id."""
    team = _commit_or_fail(lambda: _audited(service.create_team(name, kind, code), "create"))
    click.echo(f"Created team {team.name!r} ({team.kind}).")
    click.echo(team.id)


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--team", "team_name", required=True, help="The team's name.")
@click.option("--name", help="The person's full name.")
@click.password_option(help="Prompted for when left out.")
def create_user(email: str, role: str, team_name: str, name: str | None, password: str) -> None:
    """Create a staff account and print its id."""
    staff = _commit_or_fail(
        lambda: _audited(service.create_staff(email, role, team_name, password, name), "create")
    )
    click.echo(f"Created {staff.role} {staff.email} in {staff.team.name}.")
    click.echo(staff.id)


@users.command("token")
@click.argument("email")
def issue_token(email: str) -> None:
    """Issue an API token and print it (it is shown once; only its hash is kept)."""
    staff = service.staff_by_email(email)
    if staff is None:
        raise click.ClickException(f"No staff account for {email}.")
    token = service.issue_token(staff)
    audit.record(None, "token_issued", staff)
    db.session.commit()
    click.echo(f"API token for {staff.email} (shown once, keep it safe):")
    click.echo(token)


def _audited(obj, action: str):
    audit.record(None, action, obj, via="cli")
    return obj
