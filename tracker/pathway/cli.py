"""`flask demo seed`: a living caseload for a newcomer."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from tracker.auth.models import Staff, Team
from tracker.clock import local_today
from tracker.extensions import db
from tracker.pathway import demo

demo_cli = AppGroup("demo", help="Demo data for development.")


@demo_cli.command("seed")
@click.option("--if-empty", is_flag=True, help="Do nothing when any account exists already.")
def seed(if_empty: bool) -> None:
    """Create demo teams, one account per role and about 40 people; print the passwords once."""
    if not demo.allowed():
        raise click.ClickException("Demo data is never seeded in production.")
    if db.session.scalar(select(func.count(Staff.id))) or db.session.scalar(select(func.count(Team.id))):
        if if_empty:
            click.echo("The database has teams or accounts already; no demo data added.")
            return
        raise click.ClickException(
            "The database is not empty (it has teams or accounts); demo data goes into an empty one."
        )
    passwords = demo.seed(local_today())
    db.session.commit()
    click.echo("Demo accounts (passwords are shown once, now):")
    for email, password in passwords.items():
        click.echo(f"  {email:<28} {password}")
