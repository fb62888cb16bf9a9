"""`flask demo seed`: a living caseload for a newcomer; `flask import releases`: a prison release list."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from tracker.auth.models import Staff, Team
from tracker.extensions import db
from tracker.pathway import demo, release_import
from tracker.pathway.release_rows import Unreadable
from tracker.types import utcnow

demo_cli = AppGroup("demo", help="Demo data for development.")
import_cli = AppGroup("import", help="Bring records in from files.")


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
    passwords = demo.seed(utcnow())
    db.session.commit()
    click.echo("Demo accounts (passwords are shown once, now):")
    for email, password in passwords.items():
        click.echo(f"  {email:<28} {password}")


@import_cli.command("releases")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what would change, and change nothing.")
@click.option(
    "--source", default=None, help="Where the dates come from, kept with each date (60 characters)."
)
def releases(file: Path, dry_run: bool, source: str | None) -> None:
    """Apply a prison release list (CSV); exit 0 all applied, 1 some rows rejected, 2 file unreadable."""
    try:
        data = file.read_bytes()
    except OSError as failed:
        click.echo(f"Cannot read {file}: {failed.strerror}.", err=True)
        sys.exit(2)
    label = source or f"release list {file.name}"
    try:
        with _progress(data) as advance:
            outcome = release_import.run(
                data, source=label, by=release_import.ImportActor(), now=utcnow(), progress=advance
            )
    except Unreadable as unreadable:
        db.session.rollback()
        click.echo(f"{file}: {unreadable}", err=True)
        sys.exit(2)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
        rejects_file = file.with_name(file.name + ".rejects.csv")
        try:
            _write_rejects(rejects_file, outcome.rejects_csv())
        except OSError as failed:
            click.echo(f"The rejects were not written to {rejects_file}: {failed.strerror}.", err=True)
    for item in [*outcome.rejects, *outcome.warnings]:
        kind = "rejected" if item in outcome.rejects else "warning"
        click.echo(f"line {item.line}, {item.column or 'row'}: {kind}: {item.reason}", err=True)
    click.echo(("Dry run, nothing written. " if dry_run else "") + outcome.summary())
    sys.exit(1 if outcome.rejects else 0)


def _progress(data: bytes):
    """A progress bar over the rows on a terminal; nothing otherwise (the summary line follows)."""
    length = max(data.rstrip(b"\r\n").count(b"\n"), 1)  # the rows: lines after the header
    if not sys.stdout.isatty():
        return _Quiet()
    bar = click.progressbar(length=length, label="Importing", file=sys.stdout)

    class _Bar:
        def __enter__(self):
            bar.__enter__()
            return bar.update

        def __exit__(self, *exc):
            return bar.__exit__(*exc)

    return _Bar()


class _Quiet:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def _write_rejects(path: Path, text: str) -> None:
    """The rejects file beside the input, readable by its owner only; never through a symbolic link."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(path, flags, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as out:
        out.write(text)
