"""/api/v1/me and /api/v1/teams."""

from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy import select

from tracker.auth import schemas
from tracker.auth.models import Team
from tracker.auth.tokens import authenticate_bearer, current_staff
from tracker.paging import page_of, paginated

bp = Blueprint("staff", __name__, url_prefix="/api/v1", description="The caller and the teams.")
bp.before_request(authenticate_bearer)


@bp.get("/me")
@bp.response(200, schemas.MeOut)
def me():
    """The staff member whose token this is."""
    return current_staff()


@bp.get("/teams")
@bp.response(200, schemas.TeamOut(many=True))
@paginated(bp)
def teams(pagination_parameters):
    """Every team, by name (needed to choose a team id)."""
    return page_of(select(Team).order_by(Team.name, Team.id), pagination_parameters)
