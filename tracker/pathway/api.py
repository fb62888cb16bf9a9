"""/api/v1/people: people, their stages and pathways."""

from __future__ import annotations

from flask_smorest import Blueprint, abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from tracker import audit
from tracker.auth.tokens import authenticate_bearer, current_staff, require_role
from tracker.clock import local_today
from tracker.extensions import db
from tracker.paging import page_of, paginated
from tracker.pathway import queries, schemas, service
from tracker.pathway.access import holding_establishment_only, person_or_404, record_or_404
from tracker.pathway.models import Pathway, Person, Stage
from tracker.pathway.summary import pathway_summary
from tracker.types import utcnow

bp = Blueprint("people", __name__, url_prefix="/api/v1", description="People and their pathway.")
bp.before_request(authenticate_bearer)


@bp.get("/people")
# An instance, not the class: webargs would build a new schema to parse each request with.
@bp.arguments(schemas.PersonQuery(), location="query", as_kwargs=True)
@bp.response(200, schemas.PersonOut(many=True))
@paginated(bp)
def list_people(pagination_parameters, stage=None, q=None):
    """The people the caller may see, filtered by current stage and searched by name or reference."""
    staff = current_staff()
    if staff.role in ("commissioner", "admin"):
        abort(403, message="Your role sees aggregate reports only, never a person.")
    today = local_today()
    if q and q.strip():
        listed = queries.listed(queries.people_query(staff, stage, q, today=today))
    else:
        listed = queries.team_people_listed(staff.role, staff.team_id, stage, today)
    # As dicts, whose values the output reads in half the time it takes to read them off the rows.
    people = [row._asdict() for row in page_of(listed, pagination_parameters, rows=True)]
    audit.record_views(staff.id, [p["id"] for p in people], via="list")
    db.session.commit()
    return people


@bp.post("/people")
@bp.arguments(schemas.PersonIn)
@bp.response(201, schemas.PersonDetailOut)
def create_person(data):
    """Add a person (offender managers only)."""
    require_role("offender_manager")
    person = service.create_person(data, by=current_staff(), now=utcnow())
    db.session.commit()
    return person


@bp.get("/people/<int:person_id>")
@bp.response(200, schemas.PersonDetailOut)
def get_person(person_id):
    """One person, with their consent history."""
    staff = current_staff()
    person = person_or_404(staff, person_id, today=local_today())
    audit.record(staff.id, "view", person, person_id=person.id)
    db.session.commit()
    return person


@bp.patch("/people/<int:person_id>")
@bp.arguments(schemas.PersonPatch(partial=True))
@bp.response(200, schemas.PersonDetailOut)
def update_person(data, person_id):
    """Change a person's details; consent changes are kept as history."""
    staff, now = current_staff(), utcnow()
    person = person_or_404(staff, person_id, "person", today=local_today(now))
    person = service.update_person(person, data, by=staff, now=now)
    db.session.commit()
    return person


@bp.post("/people/<int:person_id>/stages")
@bp.arguments(schemas.StageIn)
@bp.response(201, schemas.StageOut)
def add_stage(data, person_id):
    """Move a person to the next stage of their pathway."""
    staff, now = current_staff(), utcnow()
    stage = service.add_stage(
        person_or_404(staff, person_id, "stage", today=local_today(now)), data, by=staff, now=now
    )
    db.session.commit()
    return stage


@bp.patch("/stages/<int:stage_id>")
@bp.arguments(schemas.StagePatch)
@bp.response(200, schemas.StageOut)
def update_stage(data, stage_id):
    """Record new official release dates on a custody stage."""
    staff, now = current_staff(), utcnow()
    stage, _ = record_or_404(staff, Stage, stage_id, "release_dates", today=local_today(now))
    holding_establishment_only(staff, stage.establishment_team_id, "release dates")
    stage = service.update_release_dates(stage, data["release_dates"], by=staff, now=now)
    db.session.commit()
    return stage


@bp.get("/people/<int:person_id>/pathway")
@bp.response(200, schemas.PathwayOut)
def get_pathway(person_id):
    """The open pathway: stages in order, the current stage, kinds allowed next, key dates, flags."""
    staff = current_staff()
    person = person_or_404(staff, person_id, today=local_today())
    pathway = _open_pathway(person)
    audit.record_view(staff.id, "pathways", pathway.id if pathway else None, person.id)
    db.session.commit()
    if pathway is None:
        abort(404, message="This person has no open pathway; record a first stage to open one.")
    return pathway_summary(person, pathway)


def _open_pathway(person: Person) -> Pathway | None:
    # Its stages and their release dates in the same statement, whatever the person's history holds.
    return (
        db.session.scalars(
            select(Pathway)
            .where(Pathway.person_id == person.id, Pathway.closed_on.is_(None))
            .options(joinedload(Pathway.stages).joinedload(Stage.release_dates))
            .order_by(Pathway.id)
        )
        .unique()
        .first()
    )


@bp.get("/people/<int:person_id>/pathways")
@bp.response(200, schemas.PathwayOut(many=True))
@paginated(bp)
def past_pathways(pagination_parameters, person_id):
    """The person's closed pathways, oldest first."""
    staff = current_staff()
    person = person_or_404(staff, person_id, today=local_today())
    closed = page_of(
        select(Pathway)
        .where(Pathway.person_id == person.id, Pathway.closed_on.is_not(None))
        .options(selectinload(Pathway.stages).selectinload(Stage.release_dates))
        .order_by(Pathway.id),
        pagination_parameters,
    )
    audit.record(staff.id, "view", subject_type="pathways", person_id=person.id, past=True)
    db.session.commit()
    return [pathway_summary(person, p) for p in closed]
