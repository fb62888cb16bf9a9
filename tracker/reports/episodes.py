"""A stage episode's breakdowns as they were when it was recorded: sex and ethnic group.

Continuity fixes its breakdowns on the release handover at A; unmet need counts stage episodes, whose
establishment and start are on the stage and whose age band follows from the date of birth, but whose
sex and ethnic group live on the person and may be changed later. This table keeps them as they were
when the stage was recorded: one INSERT ... SELECT per flush that adds stages, never a statement per
stage. Stages recorded before it existed took the person's values on the day of the migration.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, String, event, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from tracker.extensions import Model
from tracker.pathway.models import Person, Stage


class EpisodeFacts(Model):
    """Sex and ethnic group of the person as they were when the stage was recorded."""

    __tablename__ = "episode_facts"

    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id", ondelete="CASCADE"), primary_key=True)
    sex: Mapped[str | None] = mapped_column(String(20))
    ethnic_group: Mapped[str | None] = mapped_column(String(60))


def _fix_new_stages(session: Session, flush_context: Any) -> None:
    stage_ids = [obj.id for obj in session.new if isinstance(obj, Stage)]
    if not stage_ids:
        return
    as_now = (
        select(Stage.id, Person.sex, Person.ethnic_group)
        .join(Person, Person.id == Stage.person_id)
        .where(Stage.id.in_(stage_ids))
    )
    session.connection().execute(
        insert(EpisodeFacts).from_select(["stage_id", "sex", "ethnic_group"], as_now)
    )


def listen() -> None:
    """Fix the facts of the stages each flush adds (once per process, however many apps are made)."""
    if not event.contains(Session, "after_flush", _fix_new_stages):
        event.listen(Session, "after_flush", _fix_new_stages)
