"""Release lists uploaded from the page, kept in the database until confirmed or expired.

A file is checked when uploaded and again when its uploader confirms it; between the two it lives
here, not on one web worker's disk, so any instance can take the confirmation. Only the uploader can
see or confirm it, and only for UPLOAD_HOURS.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, LargeBinary, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from tracker.auth.models import Staff
from tracker.extensions import Model, db
from tracker.types import UTCDateTime, utcnow

MAX_BYTES = 5 * 1024 * 1024
UPLOAD_HOURS = 2


class ReleaseListUpload(Model):
    __tablename__ = "release_list_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


def keep(data: bytes, filename: str, sha256: str, by: Staff, now: datetime) -> ReleaseListUpload:
    """Keep an upload for its uploader to confirm; expired uploads go at the same time."""
    db.session.execute(delete(ReleaseListUpload).where(ReleaseListUpload.expires_at <= now))
    upload = ReleaseListUpload(
        staff_id=by.id,
        team_id=by.team_id,
        filename=filename[:255],
        sha256=sha256,
        data=data,
        created_at=now,
        expires_at=now + timedelta(hours=UPLOAD_HOURS),
    )
    db.session.add(upload)
    db.session.flush()
    return upload


def held_for(upload_id: int, by: Staff, now: datetime) -> ReleaseListUpload | None:
    """The upload, if this staff member made it for their current team and it has not expired."""
    return db.session.scalar(
        select(ReleaseListUpload).where(
            ReleaseListUpload.id == upload_id,
            ReleaseListUpload.staff_id == by.id,
            ReleaseListUpload.team_id == by.team_id,
            ReleaseListUpload.expires_at > now,
        )
    )


def forget(upload: ReleaseListUpload) -> None:
    """Remove an upload once it is imported or abandoned."""
    db.session.delete(upload)
