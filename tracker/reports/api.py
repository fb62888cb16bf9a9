"""/api/v1/reports/<name>: a report as JSON or CSV for a fixed period and a breakdown, in your scope."""

from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields, validate

from tracker.auth.tokens import authenticate_bearer, current_staff
from tracker.clock import local_today
from tracker.extensions import db
from tracker.inputs import InputSchema
from tracker.reports import breakdowns, registry
from tracker.reports.scope import ReportForbidden, Scope

bp = Blueprint(
    "reports",
    __name__,
    url_prefix="/api/v1",
    description="Aggregate reports: counts by group, small counts suppressed, never a person.",
)
bp.before_request(authenticate_bearer)


class ReportQuery(InputSchema):
    period = fields.String(
        load_default=None,
        validate=validate.Length(max=12),
        metadata={"description": "A financial year (2025-26) or a quarter (2025-26-Q1); default this year."},
    )
    by = fields.String(
        load_default=None,
        validate=validate.OneOf(breakdowns.BY),
        metadata={"description": "The breakdown; default the report's first."},
    )
    format = fields.String(load_default="json", validate=validate.OneOf(registry.FORMATS))


class PeriodOut(Schema):
    name = fields.String()
    start_on = fields.Date()
    end_on = fields.Date()


class NoteOut(Schema):
    shows = fields.String()
    included = fields.String()
    counted = fields.String()


class ReportOut(Schema):
    report = fields.String()
    period = fields.Nested(PeriodOut)
    by = fields.String()
    note = fields.Nested(NoteOut)
    rows = fields.List(
        fields.Dict(),
        metadata={"description": "{group, <each value>, suppressed: [names of values withheld, null]}"},
    )
    total = fields.Dict()
    months = fields.List(
        fields.String(),
        metadata={
            "description": "Referrals only: the months whose demand each row shows as made_<month> "
            "(made_2025-04)."
        },
    )


@bp.get("/reports/<name>")
@bp.arguments(ReportQuery, location="query", as_kwargs=True)
@bp.response(200, ReportOut, description="The report; with format=csv, the same columns as text/csv.")
def get_report(name: str, period: str | None, by: str | None, format: str):
    """One report for a period and a breakdown; suppressed values are null (JSON) or [c] (CSV)."""
    staff = current_staff()
    try:
        scope = Scope.of(staff)
    except ReportForbidden:
        abort(403, message="Your role sees no reports.")
    result = registry.run(name, period, by, scope, local_today())
    registry.record_view(staff.id, result, format)
    db.session.commit()
    if format == "csv":
        filename = f"{name}-{result['period']['name']}-{result['by']}.csv"
        return Response(
            registry.to_csv(result),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    return result
