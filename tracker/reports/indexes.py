"""The indexes the reports' statements lean on, declared beside them on the pathway's tables.

Each narrows a report's scan to the rows of one financial year (or joins a year's releases to their
facts) instead of reading a table whole; the migration 3b8e61d0c2a7 builds them. Declared here, on the
tables' metadata, so a schema made from the models has them too and autogenerate does not drop them.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Index, Table, text

from tracker.pathway.continuity import COMMUNITY_KINDS
from tracker.pathway.models import Appointment, HandoverItem, Referral, ReleaseDate, Screening, Stage

ACCOMMODATION_DONE = "item = 'accommodation' AND status = 'done'"
# Community kinds, not cancelled: the appointments that count as a first one after release.
COMMUNITY_NOT_CANCELLED = (
    f"kind IN ({', '.join(repr(kind) for kind in COMMUNITY_KINDS)}) "
    "AND (outcome IS NULL OR outcome != 'cancelled')"
)
# The release dates a handover is due on (conditional, else automatic) and home detention curfew.
DUE_KINDS = "kind IN ('crd', 'ard', 'hdcad')"


def declare() -> None:
    """Put the reports' indexes on the pathway's tables' metadata, once however many apps are made."""
    if any(index.name == "ix_stages_kind_start_on" for index in cast(Table, Stage.__table__).indexes):
        return
    # Episodes started (unmet need, ATR starts, returns to custody) and ATRs ended, by kind and day.
    Index("ix_stages_kind_start_on", Stage.kind, Stage.start_on)
    Index("ix_stages_kind_end_on", Stage.kind, Stage.end_on)
    # Referrals made in a period; screenings from 90 days before a year.
    Index("ix_referrals_made_at", Referral.made_at)
    Index("ix_screenings_screened_at", Screening.screened_at)
    # A person's appointments in a window after release.
    Index("ix_appointments_person_id_starts_at", Appointment.person_id, Appointment.starts_at)
    # The community appointments of a year's releases, read from the index alone (a96d4c2e7f10): most
    # appointments in a year are not community ones or are cancelled, and were read to be thrown away.
    Index(
        "ix_appointments_community_starts_at",
        Appointment.starts_at,
        Appointment.person_id,
        postgresql_where=text(COMMUNITY_NOT_CANCELLED),
        sqlite_where=text(COMMUNITY_NOT_CANCELLED),
    )
    # Each release's due dates, read from the index alone instead of every release date of every kind.
    Index(
        "ix_release_dates_due",
        ReleaseDate.stage_id,
        ReleaseDate.kind,
        ReleaseDate.value_on,
        postgresql_where=text(DUE_KINDS),
        sqlite_where=text(DUE_KINDS),
    )
    # Accommodation done, and when: one small index rather than every checklist item.
    Index(
        "ix_handover_items_accommodation_done",
        HandoverItem.handover_id,
        HandoverItem.updated_at,
        postgresql_where=text(ACCOMMODATION_DONE),
        sqlite_where=text(ACCOMMODATION_DONE),
    )
