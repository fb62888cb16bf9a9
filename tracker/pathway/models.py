"""People and their pathway: stages, release dates, appointments, referrals, screenings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.auth.models import Staff, Team
from tracker.extensions import Model
from tracker.types import UTCDateTime, utcnow


class Person(Model):
    __tablename__ = "people"
    # Lists are ordered by name within a caseload.
    __table_args__ = (
        Index("ix_people_manager_name", "offender_manager_id", "family_name", "given_name", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    crn: Mapped[str | None] = mapped_column(String(20), unique=True)
    prison_number: Mapped[str | None] = mapped_column(String(20), index=True)
    mobile: Mapped[str | None] = mapped_column(String(20))
    sms_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(2), default="en")
    alcohol_need: Mapped[bool] = mapped_column(Boolean, default=False)
    offender_manager_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    # A treatment team that identified the person (arrest referral) and holds them until an offender
    # manager takes the case; empty once probation holds them.
    holding_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    # Equality monitoring: used only in aggregate reports.
    sex: Mapped[str | None] = mapped_column(String(20))
    ethnic_group: Mapped[str | None] = mapped_column(String(60))
    # The kind of the latest stage, kept beside it so lists filter without a join.
    stage_kind: Mapped[str | None] = mapped_column(String(20), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    offender_manager: Mapped[Staff | None] = relationship()
    holding_team: Mapped[Team | None] = relationship()
    pathways: Mapped[list[Pathway]] = relationship(
        back_populates="person", order_by="Pathway.id", cascade="all, delete-orphan"
    )
    consent_changes: Mapped[list[ConsentChange]] = relationship(
        order_by="ConsentChange.id", cascade="all, delete-orphan"
    )
    share_consents: Mapped[list[ShareConsent]] = relationship(
        order_by="ShareConsent.id", cascade="all, delete-orphan"
    )

    @property
    def open_pathway(self) -> Pathway | None:
        """The pathway that is not closed, if any."""
        return next((p for p in self.pathways if p.closed_on is None), None)


class ConsentChange(Model):
    """Every change to a person's SMS consent: who, when, how."""

    __tablename__ = "consent_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    consent: Mapped[bool] = mapped_column(Boolean)
    how: Mapped[str] = mapped_column(String(80))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class ShareConsent(Model):
    """Each time a person gave or refused consent to share their screenings and referral reasons with
    probation: who recorded it, when they gave it, how; the latest one stands."""

    __tablename__ = "share_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    consent: Mapped[bool] = mapped_column(Boolean)
    given_on: Mapped[date] = mapped_column(Date)
    how: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class CaseRequest(Model):
    """An offender manager's request to take the case of a person a treatment team holds, and its answer."""

    __tablename__ = "case_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    # The team asked: the one holding the person when the request was made.
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # requested; confirmed; declined; closed (the person moved to probation another way)
    status: Mapped[str] = mapped_column(String(20), default="requested")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    requested_by: Mapped[Staff] = relationship(foreign_keys=[requested_by_id])
    team: Mapped[Team] = relationship()


class Pathway(Model):
    """One episode of a person's journey; at most one open at a time."""

    __tablename__ = "pathways"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)

    person: Mapped[Person] = relationship(back_populates="pathways")
    stages: Mapped[list[Stage]] = relationship(
        back_populates="pathway", order_by="Stage.position", cascade="all, delete-orphan"
    )

    @property
    def current_stage(self) -> Stage | None:
        """The latest stage of this pathway."""
        return self.stages[-1] if self.stages else None


_WHERE_OPEN: dict[str, Any] = {
    "postgresql_where": text("end_on IS NULL"),
    "sqlite_where": text("end_on IS NULL"),
}


class Stage(Model):
    __tablename__ = "stages"
    __table_args__ = (
        UniqueConstraint("pathway_id", "position"),
        Index("ix_stages_kind_release_on", "kind", "release_on"),
        # The sweep's windows look only at open stages.
        Index("ix_stages_open_kind_start_on", "kind", "start_on", **_WHERE_OPEN),
        Index("ix_stages_open_expected_end_on", "expected_end_on", **_WHERE_OPEN),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pathway_id: Mapped[int] = mapped_column(ForeignKey("pathways.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    start_on: Mapped[date] = mapped_column(Date)
    expected_end_on: Mapped[date | None] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))

    # identified
    referrer_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    # arrest
    custody_suite: Mapped[str | None] = mapped_column(String(120))
    arrest_referral: Mapped[bool | None] = mapped_column(Boolean)
    # court
    court: Mapped[str | None] = mapped_column(String(120))
    # False once a court releases a person held on remand: that day is an actual release.
    remanded: Mapped[bool | None] = mapped_column(Boolean)
    # atr
    order_type: Mapped[str | None] = mapped_column(String(30))
    order_end_on: Mapped[date | None] = mapped_column(Date)
    operational_end_on: Mapped[date | None] = mapped_column(Date)
    supervision_end_on: Mapped[date | None] = mapped_column(Date)
    atr_end_on: Mapped[date | None] = mapped_column(Date, index=True)
    treatment_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    dependency_assessed: Mapped[bool | None] = mapped_column(Boolean)
    consent_recorded: Mapped[bool | None] = mapped_column(Boolean)
    # custody
    basis: Mapped[str | None] = mapped_column(String(20))
    establishment_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    sentence_start_on: Mapped[date | None] = mapped_column(Date)
    # The planned release date P (dates.planned_release over release_dates), kept for indexed windows.
    release_on: Mapped[date | None] = mapped_column(Date)
    # When probation takes over (offender management in custody), kept for indexed windows.
    community_responsibility_on: Mapped[date | None] = mapped_column(Date, index=True)
    # licence: "licence" or "post_sentence_supervision"
    supervision_type: Mapped[str | None] = mapped_column(String(30))
    # atr: how it ended (stages.ATR_EXIT_REASONS), given with the stage that ended it; empty if not recorded
    exit_reason: Mapped[str | None] = mapped_column(String(30))
    # closed: a coded reason (stages.CLOSED_REASONS) and what else is worth knowing
    reason: Mapped[str | None] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)

    pathway: Mapped[Pathway] = relationship(back_populates="stages")
    team: Mapped[Team | None] = relationship(foreign_keys=[team_id])
    release_dates: Mapped[list[ReleaseDate]] = relationship(
        order_by="ReleaseDate.kind", cascade="all, delete-orphan"
    )

    def release_date_map(self) -> dict[str, date]:
        """The stage's release dates by kind (crd, ard, ped, ...)."""
        return {r.kind: r.value_on for r in self.release_dates}


class ReleaseDate(Model):
    """An official release date of a custody stage, imported with its source, never computed."""

    __tablename__ = "release_dates"
    __table_args__ = (UniqueConstraint("stage_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    value_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(60))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class Appointment(Model):
    __tablename__ = "appointments"
    # The sweep looks for appointments 24 hours past with no outcome.
    __table_args__ = (
        Index(
            "ix_appointments_no_outcome_starts_at",
            "starts_at",
            postgresql_where=text("outcome IS NULL"),
            sqlite_where=text("outcome IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    stage_id: Mapped[int | None] = mapped_column(ForeignKey("stages.id"))
    kind: Mapped[str] = mapped_column(String(30))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    location_label: Mapped[str | None] = mapped_column(String(120))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A missed appointment's absence: acceptable, unacceptable or pending (enforcement).
    absence: Mapped[str | None] = mapped_column(String(20))
    # The first unacceptable absence records a warning, on the appointment missed.
    warned_on: Mapped[date | None] = mapped_column(Date)
    warned_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class Referral(Model):
    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    to_team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    # structured_alcohol_treatment, structured_drug_treatment, housing, mental_health, employment, other
    kind: Mapped[str] = mapped_column(String(40), default="other", server_default="other")
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="made")
    # Why a declined referral was declined (referrals.DECLINE_REASONS); a code, never clinical detail.
    decline_reason: Mapped[str | None] = mapped_column(String(30))
    treatment_started_on: Mapped[date | None] = mapped_column(Date, index=True)
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # Made while a treatment team held the person: its clinical detail stays with that team until the
    # person consents to share with probation (tracker/pathway/sharing.py).
    kept_for_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Screening(Model):
    __tablename__ = "screenings"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    tool: Mapped[str] = mapped_column(String(10))
    answers: Mapped[list[Any]] = mapped_column(JSON)
    score: Mapped[int]
    zone: Mapped[int | None]
    positive: Mapped[bool] = mapped_column(Boolean)
    action: Mapped[str] = mapped_column(String(120))
    # What was done: education, simple_advice, brief_intervention, referred, declined (None before 2026-12).
    intervention: Mapped[str | None] = mapped_column(String(30))
    screened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    screened_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # Made while a treatment team held the person: its clinical detail stays with that team until the
    # person consents to share with probation (tracker/pathway/sharing.py).
    kept_for_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))


class Handover(Model):
    """A handover between settings: a release from custody, a court-to-ATR start, a custody reception."""

    __tablename__ = "handovers"
    __table_args__ = (
        UniqueConstraint("stage_id", "kind"),
        Index("ix_handovers_team_due", "team_id", "due_on"),
        # The reports count actual releases by day.
        Index("ix_handovers_kind_released_on", "kind", "released_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"))
    kind: Mapped[str] = mapped_column(String(20))
    # The establishment for releases and receptions, the treatment service for an ATR start.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    # The day of the handover: the planned release date (P), the order start, the reception.
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    # The actual release (A): the start of the stage that ended custody in release.
    # Only A says someone is out.
    released_on: Mapped[date | None] = mapped_column(Date, index=True)
    # open; done (A+21 outcome fixed); returned_to_custody; cancelled (custody ended otherwise); closed
    status: Mapped[str] = mapped_column(String(20), default="open")
    # Continuity of care (indicator C20): fixed at A+21 by the sweep.
    engaged: Mapped[bool | None] = mapped_column(Boolean)
    engaged_fixed_on: Mapped[date | None] = mapped_column(Date)
    # The answer to the text "Did you get to your appointment?" sent after release.
    check_in_answer: Mapped[bool | None] = mapped_column(Boolean)
    check_in_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Each checklist item's status as it was at P-7, written once by the sweep when P-7 is crossed
    # (on the day it is taken: P-7, or the first sweep after it on a catch-up or a late record).
    checklist_at_p7: Mapped[dict[str, str] | None] = mapped_column(JSON)
    checklist_at_p7_on: Mapped[date | None] = mapped_column(Date)
    # Fixed at A for the reports (indicator C20): the need and the breakdowns as they were that day.
    alcohol_need: Mapped[bool | None] = mapped_column(Boolean)
    age_band: Mapped[str | None] = mapped_column(String(10))
    sex: Mapped[str | None] = mapped_column(String(20))
    ethnic_group: Mapped[str | None] = mapped_column(String(40))
    probation_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    sentence_band: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    person: Mapped[Person] = relationship()
    stage: Mapped[Stage] = relationship()
    items: Mapped[list[HandoverItem]] = relationship(order_by="HandoverItem.id", cascade="all, delete-orphan")

    def statuses(self) -> dict[str, str]:
        """Each checklist item's status, in checklist order."""
        return {i.item: i.status for i in self.items}


class HandoverItem(Model):
    """One checklist item of a handover, with who changed it and when."""

    __tablename__ = "handover_items"
    __table_args__ = (UniqueConstraint("handover_id", "item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    handover_id: Mapped[int] = mapped_column(ForeignKey("handovers.id"), index=True)
    item: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
