"""`flask teams create`; `flask users create`, `token`, `tokens`, `revoke-token`, `revoke-tokens` and
`reset-second-factor`: a command that makes something prints its id or token last."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from tracker import audit
from tracker.auth import second_factor, service
from tracker.auth.models import ROLES, TEAM_KINDS, Staff
from tracker.errors import Refusal
from tracker.extensions import db
from tracker.types import utcnow

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


def _account(email: str) -> Staff:
    staff = service.staff_by_email(email)
    if staff is None:
        raise click.ClickException(f"No staff account for {email}.")
    return staff


@users.command("token")
@click.argument("email")
@click.option("--label", help="What the token is for, to tell it apart in a list.")
@click.option("--days", type=click.IntRange(1, 366), help="Days until it ends (default: API_TOKEN_DAYS).")
def issue_token(email: str, label: str | None, days: int | None) -> None:
    """Issue an API token and print it (it is shown once; only its hash is kept)."""
    staff = _account(email)
    token = service.issue_token(staff, label=label, days=days, now=utcnow())
    audit.record(None, "token_issued", staff, via="cli")
    db.session.commit()
    click.echo(f"API token for {staff.email} (shown once, keep it safe):")
    click.echo(token)


@users.command("tokens")
@click.argument("email")
def list_tokens(email: str) -> None:
    """List an account's API tokens: id, state, when issued and when it ends, label."""
    now = utcnow()
    for token in service.tokens_of(_account(email)):
        ends = (token.revoked_at or token.expires_at).isoformat(timespec="minutes")
        issued = token.created_at.isoformat(timespec="minutes")
        click.echo(f"{token.id}\t{token.state(now)}\t{issued}\t{ends}\t{token.label or ''}")


@users.command("revoke-token")
@click.argument("email")
@click.argument("token_id", type=int)
def revoke_token(email: str, token_id: int) -> None:
    """Revoke one of an account's API tokens by its id (see `flask users tokens`)."""
    token = service.token_of(_account(email), token_id)
    if token is None:
        raise click.ClickException(f"{email} has no token {token_id}.")
    service.revoke_token(token, by=None, now=utcnow())
    db.session.commit()
    click.echo(f"Token {token_id} of {token.staff.email} is revoked.")


@users.command("revoke-tokens")
@click.argument("email")
def revoke_tokens(email: str) -> None:
    """Revoke every live API token of an account."""
    staff = _account(email)
    count = service.revoke_tokens(staff, by=None, why="revoked from the command line", now=utcnow())
    db.session.commit()
    click.echo(f"Revoked {count} token{'' if count == 1 else 's'} of {staff.email}.")


@users.command("reset-second-factor")
@click.argument("email")
def reset_second_factor(email: str) -> None:
    """Forget an admin's authenticator app (a lost phone): they set one up again at their next sign-in."""
    staff = _account(email)
    second_factor.reset(staff, by=None)
    db.session.commit()
    click.echo(f"{staff.email} will set up an authenticator app at their next sign-in.")


def _audited(obj, action: str):
    audit.record(None, action, obj, via="cli")
    return obj
