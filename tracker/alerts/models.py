"""Alerts and the sweep's bookmark."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import Model
from tracker.types import UTCDateTime, utcnow

SEVERITIES = ("info", "warning", "urgent")
STATUSES = ("open", "acknowledged", "resolved")


class Alert(Model):
    """One alert: a rule's checkpoint for one subject, raised once (its key is unique)."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("rule", "subject_type", "subject_id", "checkpoint_on"),
        Index("ix_alerts_status_severity_raised", "status", "severity", "raised_at"),
        Index("ix_alerts_team_status", "team_id", "status"),
        Index("ix_alerts_staff_status", "staff_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(40))
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int]
    checkpoint_on: Mapped[date]
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    severity: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(15), default="open")
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    resolution: Mapped[str | None] = mapped_column(Text)


class SweepMark(Model):
    """Up to which instant the sweep has evaluated the rules (one row)."""

    __tablename__ = "sweep_marks"

    id: Mapped[int] = mapped_column(primary_key=True)
    swept_to: Mapped[datetime] = mapped_column(UTCDateTime)


class ChangedPerson(Model):
    """A person whose records changed, queued in the transaction of the change and taken by the next sweep,
    so every committed change is evaluated once, whatever the clocks say (duplicates are harmless)."""

    __tablename__ = "changed_people"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
