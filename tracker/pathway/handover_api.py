"""/api/v1/handovers: a prison's board of coming releases and each handover's checklist."""

from __future__ import annotations

from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields, validate

from tracker import audit
from tracker.auth.tokens import authenticate_bearer, current_staff
from tracker.clock import local_today
from tracker.extensions import db
from tracker.inputs import Id, InputSchema
from tracker.paging import page_of, paginated
from tracker.pathway import board, handovers, queries
from tracker.pathway.access import holding_establishment_only, record_or_404
from tracker.pathway.checklist import STATUSES
from tracker.pathway.models import Handover
from tracker.types import utcnow

bp = Blueprint("handovers", __name__, url_prefix="/api/v1", description="Handovers and their checklists.")
bp.before_request(authenticate_bearer)


class BoardQuery(InputSchema):
    team_id = Id(metadata={"description": "The establishment (default: the caller's team)."})
    within_days = fields.Integer(load_default=84, validate=validate.Range(0, 366))


class ChecklistPatch(InputSchema):
    # Items and statuses are checked by handovers.update_checklist, which names each bad one.
    checklist = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={"description": f"item -> one of {', '.join(STATUSES)}"},
    )


class ItemOut(Schema):
    item = fields.String()
    label = fields.String()
    status = fields.String()
    updated_by_id = fields.Integer(allow_none=True)
    updated_at = fields.AwareDateTime(allow_none=True)


class PersonBrief(Schema):
    id = fields.Integer()
    given_name = fields.String()
    family_name = fields.String()
    prison_number = fields.String(allow_none=True)
    crn = fields.String(allow_none=True)


class HandoverOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    status = fields.String()
    person = fields.Nested(PersonBrief)
    stage_id = fields.Integer()
    team_id = fields.Integer(allow_none=True)
    release_on = fields.Date(attribute="due_on", allow_none=True, metadata={"description": "Planned (P)."})
    planned_basis = fields.String(
        allow_none=True, metadata={"description": "confirmed, hdcad, crd, ard or ped"}
    )
    release_note = fields.String(allow_none=True)
    released_on = fields.Date(allow_none=True, metadata={"description": "Actual release (A), once recorded."})
    days_to_release = fields.Integer(allow_none=True)
    rag = fields.String()
    outstanding = fields.List(fields.String())
    checklist = fields.List(fields.Nested(ItemOut))
    cliff_edge_factors = fields.List(fields.Dict())
    flags = fields.Dict(keys=fields.String(), values=fields.Boolean())
    engaged = fields.Boolean(allow_none=True)


@bp.get("/handovers")
@bp.arguments(BoardQuery, location="query", as_kwargs=True)
@bp.response(200, HandoverOut(many=True))
@paginated(bp)
def handover_board(pagination_parameters, within_days, team_id=None):
    """Everyone due for release from an establishment within the window, soonest first."""
    staff = current_staff()
    if staff.role in ("commissioner", "admin"):
        abort(403, message="Your role sees aggregate reports only, never a person.")
    today = local_today()
    rows = page_of(
        queries.board_query(staff, team_id or staff.team_id, today, within_days), pagination_parameters
    )
    audit.record_views(staff.id, [h.person_id for h in rows], via="handover board")
    db.session.commit()
    return board.describe(rows, today)


@bp.get("/handovers/<int:handover_id>")
@bp.response(200, HandoverOut)
def get_handover(handover_id):
    """One handover with its checklist, red/amber/green and cliff-edge factors."""
    staff, today = current_staff(), local_today()
    handover, person = record_or_404(staff, Handover, handover_id, today=today)
    audit.record(staff.id, "view", handover, person_id=person.id)
    db.session.commit()
    return board.describe([handover], today)[0]


@bp.patch("/handovers/<int:handover_id>")
@bp.arguments(ChecklistPatch)
@bp.response(200, HandoverOut)
def update_handover(data, handover_id):
    """Tick checklist items: {"checklist": {"accommodation": "done", ...}}."""
    staff, now = current_staff(), utcnow()
    handover, _ = record_or_404(staff, Handover, handover_id, "handover", today=local_today(now))
    holding_establishment_only(staff, handover.team_id, "a handover's checklist")
    handovers.update_checklist(handover, data["checklist"], by=staff, now=now)
    db.session.commit()
    return board.describe([handover], local_today(now))[0]
