"""The caseload page: sort by next date, filter by stage, search by name, CRN or prison number."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from flask.typing import ResponseReturnValue

from tracker import audit
from tracker.clock import local_today
from tracker.extensions import db
from tracker.pathway.stages import KINDS
from tracker.types import utcnow
from tracker.web.blueprint import roles, staff
from tracker.web.caseload import SORTS, caseload_rows, people_query
from tracker.web.routes import Routes

routes = Routes()


PAGE_SIZE = 50
TITLES = {
    "offender_manager": "Caseload",
    "resettlement": "People in your establishment",
    "treatment": "People referred to your service",
}


@routes.get("/caseload")
@roles("offender_manager", "resettlement", "treatment")
def caseload() -> ResponseReturnValue:
    """Everyone on my caseload (or my team's) with what is next for each."""
    me = staff()
    view = request.args.get("view", "mine") if me.role == "offender_manager" else "all"
    asked_stage, asked_sort = request.args.get("stage", ""), request.args.get("sort", "")
    stage = asked_stage if asked_stage in KINDS else None
    sort = asked_sort if asked_sort in SORTS else "next_date"
    q = (request.args.get("q") or "").strip()[:100]
    now = utcnow()
    query = people_query(me, mine_only=view == "mine", stage=stage, q=q, today=local_today(now))
    rows = caseload_rows(query, local_today(now), now, sort)
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    shown = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    audit.record_views(me.id, [row.person.id for row in shown], via="caseload")
    db.session.commit()
    filters = {"view": view, "stage": stage or "", "sort": sort, "q": q}
    return render_template(
        "caseload.html",
        title=TITLES[me.role],
        rows=shown,
        total=len(rows),
        filters=filters,
        kinds=KINDS,
        pagination=_pagination(page, pages, filters),
    )


def _pagination(page: int, pages: int, filters: dict[str, Any]) -> dict[str, Any] | None:
    """GOV.UK pagination's parameters, or None for a single page."""
    if pages == 1:
        return None

    def href(n: int) -> str:
        return url_for("web.caseload", page=n, **filters)

    return {
        "previous": {"href": href(page - 1)} if page > 1 else None,
        "next": {"href": href(page + 1)} if page < pages else None,
        "items": [{"number": n, "href": href(n), "current": n == page} for n in range(1, pages + 1)],
    }
