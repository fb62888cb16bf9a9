"""Use cases for teams, staff and tokens; flush, never commit."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import bindparam, select
from sqlalchemy.orm import lazyload

from tracker import audit
from tracker.auth import calendar_feeds
from tracker.auth.models import ROLES, TEAM_KINDS, ApiToken, Staff, Team
from tracker.errors import Conflict, Invalid
from tracker.extensions import db

MIN_PASSWORD_LENGTH = 12


@cache
def _hasher_with(profile: str) -> PasswordHasher:
    # argon2-cffi's default is Argon2id with RFC 9106's low-memory profile; the suite uses a
    # cheaper Argon2id so it can make hundreds of accounts.
    return (
        PasswordHasher()
        if profile == "default"
        else PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


def _profile() -> str:
    return current_app.config.get("PASSWORD_HASH_PROFILE", "default")


def _hasher() -> PasswordHasher:
    return _hasher_with(_profile())


def hash_password(password: str) -> str:
    """An Argon2id hash of the password."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid({"password": f"Use at least {MIN_PASSWORD_LENGTH} characters."})
    return _hasher().hash(password)


def check_password(staff: Staff, password: str) -> bool:
    """Whether the password is the staff member's, rehashing it if the parameters changed."""
    try:
        _hasher().verify(staff.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if _hasher().check_needs_rehash(staff.password_hash):
        staff.password_hash = _hasher().hash(password)
    return True


@cache
def stand_in_hash(profile: str) -> str:
    """A hash of nothing anyone knows, with the parameters real ones have (made once per process)."""
    return _hasher_with(profile).hash(secrets.token_urlsafe(32))


def authenticate(email: str, password: str) -> Staff | None:
    """The staff member with this email address and password, else None.

    An unknown address is checked against a stand-in hash, so it costs the same Argon2 work as a
    wrong password and the time taken does not tell which accounts exist.
    """
    account = staff_by_email(email)
    if account is None:
        try:
            _hasher().verify(stand_in_hash(_profile()), password)
        except (VerificationError, InvalidHashError):
            pass
        return None
    return account if check_password(account, password) else None


def create_team(name: str, kind: str, code: str | None = None) -> Team:
    """A new team of a known kind with a unique name."""
    if kind not in TEAM_KINDS:
        raise Invalid({"kind": f"Must be one of: {', '.join(TEAM_KINDS)}."})
    if db.session.scalar(select(Team.id).where(Team.name == name)):
        raise Invalid({"name": f"A team called {name!r} already exists."})
    if code and db.session.scalar(select(Team.id).where(Team.code == code)):
        raise Invalid({"code": f"Another team has the code {code!r}."})
    team = Team(name=name, kind=kind, code=code or None)
    db.session.add(team)
    db.session.flush()
    return team


def create_staff(email: str, role: str, team_name: str, password: str, name: str | None = None) -> Staff:
    """A new staff member in an existing team."""
    email = email.strip().lower()
    if role not in ROLES:
        raise Invalid({"role": f"Must be one of: {', '.join(ROLES)}."})
    if "@" not in email:
        raise Invalid({"email": "Enter an email address."})
    team = db.session.scalar(select(Team).where(Team.name == team_name))
    if team is None:
        raise Invalid({"team": f"No team called {team_name!r}."})
    if db.session.scalar(select(Staff.id).where(Staff.email == email)):
        raise Invalid({"email": f"{email} already has an account."})
    staff = Staff(
        email=email,
        name=name or email.split("@")[0],
        role=role,
        team=team,
        password_hash=hash_password(password),
    )
    db.session.add(staff)
    db.session.flush()
    return staff


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(staff: Staff, label: str | None = None, days: int | None = None, *, now: datetime) -> str:
    """A new API token for the staff member, ending after `days` (API_TOKEN_DAYS by default);
    only its hash is kept, so show it once."""
    token = secrets.token_urlsafe(32)
    lifetime = timedelta(days=days or current_app.config["API_TOKEN_DAYS"])
    db.session.add(
        ApiToken(
            staff=staff,
            token_hash=_digest(token),
            label=(label or "").strip()[:80] or None,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    db.session.flush()
    return token


# Built once: every API request runs it, and building the statement and its cache key each time cost
# as much as the query itself. The team is loaded only by the few requests that read more of it than
# its id (its name, say), not joined into every one.
TOKEN_HOLDER = (
    select(Staff)
    .options(lazyload(Staff.team))
    .join(ApiToken, ApiToken.staff_id == Staff.id)
    .where(
        ApiToken.token_hash == bindparam("token_hash"),
        ApiToken.revoked_at.is_(None),
        ApiToken.expires_at > bindparam("now"),
        Staff.active.is_(True),
    )
)


def staff_for_token(token: str, now: datetime) -> Staff | None:
    """The active staff member who holds this token, if it is neither revoked nor expired."""
    return db.session.scalar(TOKEN_HOLDER, {"token_hash": _digest(token), "now": now})


def tokens_of(staff: Staff) -> list[ApiToken]:
    """The staff member's tokens, newest first, whatever their state."""
    return list(
        db.session.scalars(select(ApiToken).where(ApiToken.staff_id == staff.id).order_by(ApiToken.id.desc()))
    )


def token_of(staff: Staff, token_id: int) -> ApiToken | None:
    """One of the staff member's tokens by its id; None for anyone else's."""
    return db.session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.staff_id == staff.id))


def revoke_token(token: ApiToken, by: Staff | None, now: datetime) -> ApiToken:
    """Stop a token working at once (a token revoked already keeps its first revocation)."""
    if token.revoked_at is None:
        token.revoked_at = now
        audit.record(by.id if by else None, "token_revoked", token.staff, token_id=token.id)
    return token


def revoke_tokens(account: Staff, by: Staff | None, why: str, now: datetime) -> int:
    """Revoke every live token of the account; how many were live."""
    live = db.session.scalars(
        select(ApiToken).where(ApiToken.staff_id == account.id, ApiToken.revoked_at.is_(None))
    ).all()
    for token in live:
        token.revoked_at = now
    if live:
        audit.record(by.id if by else None, "tokens_revoked", account, count=len(live), why=why)
    return len(live)


def staff_by_email(email: str) -> Staff | None:
    """The staff member with this email address, if any."""
    return db.session.scalar(select(Staff).where(Staff.email == email.strip().lower()))


def disable_staff(account: Staff, by: Staff, now: datetime) -> Staff:
    """Stop an account signing in; its sessions end at once (the session version moves on)."""
    if account.id == by.id:
        raise Conflict("You cannot disable your own account.")
    account.active = False
    account.session_version += 1
    audit.record(by.id, "disable", account)
    revoke_tokens(account, by, "disabled", now)  # so enabling the account again revives none
    calendar_feeds.revoke_feeds(account, by, now)
    return account


def enable_staff(account: Staff, by: Staff) -> Staff:
    """Let a disabled account sign in again."""
    account.active = True
    audit.record(by.id, "enable", account)
    return account


def reset_password(account: Staff, password: str, by: Staff, now: datetime) -> Staff:
    """Give an account a new password; its sessions end at once."""
    account.password_hash = hash_password(password)
    account.session_version += 1
    audit.record(by.id, "reset_password", account)
    revoke_tokens(account, by, "password reset", now)
    calendar_feeds.revoke_feeds(account, by, now)
    return account
