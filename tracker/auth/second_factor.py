"""Admins' second factor: a TOTP code (RFC 6238) from an authenticator app, enrolled by QR code.

The secret is sealed with Fernet under a key derived from SECRET_KEY (and each of
SECRET_KEY_FALLBACKS, so the key can be rotated), so a copy of the database alone gives no codes
away. It is shown once, while enrolling; after that it is only ever used to check a code. Each time
step's code is accepted once: the step is recorded with a conditional UPDATE, so a code seen over a
shoulder, or sent twice at once, does not sign in a second time.
"""

from __future__ import annotations

import base64
import re
from datetime import datetime
from typing import Any, cast

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import CursorResult, or_, update

from tracker import audit
from tracker.auth.models import Staff
from tracker.extensions import db

ROLES_WITH_SECOND_FACTOR = frozenset({"admin"})
# A code from the step before or after this one is accepted too: phones' clocks drift.
DRIFT_STEPS = 1
CODE = re.compile(r"\d{6}")


def required(staff: Staff) -> bool:
    """Whether this account signs in with a code as well as its password."""
    return staff.role in ROLES_WITH_SECOND_FACTOR


def enrolled(staff: Staff) -> bool:
    """Whether the account has confirmed a secret with a code from it."""
    return staff.totp_enrolled_at is not None and staff.totp_secret is not None


def _key(secret_key: str) -> Fernet:
    derived = HKDF(algorithm=SHA256(), length=32, salt=None, info=b"tracker.auth.second_factor").derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def _sealer() -> MultiFernet:
    keys = [current_app.config["SECRET_KEY"], *(current_app.config.get("SECRET_KEY_FALLBACKS") or [])]
    return MultiFernet([_key(key) for key in keys])


def secret_of(staff: Staff) -> str | None:
    """The account's secret, unsealed, to check a code with; None if it has none (or it was sealed
    under a key that is gone). Never shown once enrolled."""
    if staff.totp_secret is None:
        return None
    try:
        return _sealer().decrypt(staff.totp_secret.encode()).decode()
    except InvalidToken:  # sealed under a key that is gone: the admin enrols again
        return None


def pending_secret(staff: Staff) -> str:
    """The secret to enrol: the one made for this account and not confirmed yet, or a new one."""
    if enrolled(staff):
        raise ValueError("the account has enrolled already; its secret is never shown again")
    secret = secret_of(staff)
    if secret is None:
        secret = pyotp.random_base32()
        staff.totp_secret = _sealer().encrypt(secret.encode()).decode()
        staff.totp_last_step = None
        db.session.flush()
    return secret


def provisioning_uri(staff: Staff, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(
        name=staff.email, issuer_name=current_app.config["SECOND_FACTOR_ISSUER"]
    )


def qr_code_svg(uri: str) -> str:
    """The URI as an inline SVG QR code, dark on light so every app can read it."""
    return segno.make(uri, error="m").svg_inline(
        scale=5, dark="#0b0c0c", light="#ffffff", title="QR code for your authenticator app"
    )


def check_code(staff: Staff, code: str, now: datetime) -> bool:
    """Whether the code is the account's for now (a step either way), and not used before.

    A right code's time step is recorded at once, so the same code never works twice.
    """
    code = re.sub(r"\s", "", code or "")
    secret = secret_of(staff)
    if secret is None or not CODE.fullmatch(code):
        return False
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return _use_step(staff, step)
    return False


def _use_step(staff: Staff, step: int) -> bool:
    used = cast(
        CursorResult[Any],
        db.session.execute(
            update(Staff)
            .where(
                Staff.id == staff.id,
                or_(Staff.totp_last_step.is_(None), Staff.totp_last_step < step),
            )
            .values(totp_last_step=step)
            .execution_options(synchronize_session=False)
        ),
    )
    if used.rowcount != 1:
        return False  # this code, or a later one, has signed in already
    staff.totp_last_step = step
    return True


def confirm_enrolment(staff: Staff, code: str, now: datetime) -> bool:
    """Enrol the pending secret if the code is from it."""
    if enrolled(staff) or not check_code(staff, code, now):
        return False
    staff.totp_enrolled_at = now
    audit.record(staff.id, "second_factor_enrolled", staff)
    return True


def reset(staff: Staff, by: Staff | None) -> None:
    """Forget the account's secret: its next sign-in enrols a new one (a lost or replaced phone)."""
    staff.totp_secret = staff.totp_enrolled_at = staff.totp_last_step = None
    staff.session_version += 1  # sessions signed in with the old factor end too
    audit.record(by.id if by else None, "second_factor_reset", staff)
