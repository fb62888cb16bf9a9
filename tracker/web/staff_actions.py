"""Disabling an account and resetting a password; they add and flush, never commit.

These belong in tracker/auth/service.py beside create_staff (the CLI will want them too); they live
here until they move, using that module's hashing so the password rules stay in one place.
"""

from __future__ import annotations

from tracker import audit
from tracker.auth.models import Staff
from tracker.auth.service import hash_password
from tracker.errors import Conflict


def disable_staff(account: Staff, by: Staff) -> Staff:
    """Stop an account signing in; its sessions end at once (the session version moves on)."""
    if account.id == by.id:
        raise Conflict("You cannot disable your own account.")
    account.active = False
    account.session_version += 1
    audit.record(by.id, "disable", account)
    return account


def enable_staff(account: Staff, by: Staff) -> Staff:
    """Let a disabled account sign in again."""
    account.active = True
    audit.record(by.id, "enable", account)
    return account


def reset_password(account: Staff, password: str, by: Staff) -> Staff:
    """Give an account a new password; its sessions end at once."""
    account.password_hash = hash_password(password)
    account.session_version += 1
    audit.record(by.id, "reset_password", account)
    return account
