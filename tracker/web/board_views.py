"""The handover board: an establishment's releases in the next 12 weeks by week, checklists, a print view."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import groupby
from typing import Any

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import InputRequired

from tracker import audit
from tracker.auth.models import Staff
from tracker.clock import local_today
from tracker.extensions import db
from tracker.pathway import handovers, queries
from tracker.pathway.access import holding_establishment_only, holds, record_or_404
from tracker.pathway.board import describe
from tracker.pathway.checklist import ITEM_LABELS, STATUSES
from tracker.pathway.models import Handover, Person
from tracker.pathway.scope import may_change
from tracker.types import utcnow
from tracker.web import formkit
from tracker.web.blueprint import roles, staff
from tracker.web.labels import choices
from tracker.web.routes import Routes

routes = Routes()


# Pre-release planning opens at R-84: twelve weeks ahead.
WINDOW_DAYS = 84


def board_rows(me: Staff, today: date) -> list[dict[str, Any]]:
    """The caller's establishment's open release handovers due in the window, soonest first."""
    rows = db.session.scalars(queries.board_query(me, me.team_id, today, WINDOW_DAYS)).unique().all()
    audit.record_views(me.id, [h.person_id for h in rows], via="handover board")
    db.session.commit()
    return describe(list(rows), today)


def by_week(rows: list[dict[str, Any]]) -> list[tuple[date, list[dict[str, Any]]]]:
    """The rows grouped by the week (beginning Monday) of their release."""

    def monday(row: dict[str, Any]) -> date:
        return row["due_on"] - timedelta(days=row["due_on"].weekday())

    return [(week, list(group)) for week, group in groupby(rows, key=monday)]


@routes.get("/board")
@roles("resettlement")
def board() -> ResponseReturnValue:
    """Releases in the next 12 weeks, by week: days to go, checklist, red/amber/green, cliff-edge factors."""
    today = local_today()
    rows = board_rows(staff(), today)
    return render_template(
        "board.html", title="Handover board", weeks=by_week(rows), total=len(rows), today=today
    )


@routes.get("/board/print")
@roles("resettlement")
def board_print() -> ResponseReturnValue:
    """The board on paper for the weekly pre-release meeting."""
    today = local_today()
    rows = board_rows(staff(), today)
    return render_template(
        "board_print.html",
        title="Handover board for printing",
        weeks=by_week(rows),
        total=len(rows),
        today=today,
        back_href=url_for("web.board"),
    )


def checklist_form(handover: Handover) -> FlaskForm:
    """One question per checklist item, answered with its status."""
    fields = {
        item.item: RadioField(
            ITEM_LABELS[item.item],
            widget=formkit.Radios(),
            choices=choices(STATUSES),
            default=item.status,
            validators=[InputRequired(f"Select a status for {ITEM_LABELS[item.item].lower()}")],
            render_kw={
                "params": {
                    "classes": "govuk-radios--small govuk-radios--inline",
                    # Given whole: a partial fieldset would lose the legend the widget fills in.
                    "fieldset": {
                        "legend": {"text": ITEM_LABELS[item.item], "classes": "govuk-fieldset__legend--s"}
                    },
                }
            },
        )
        for item in handover.items
    }
    return type("ChecklistForm", (FlaskForm,), fields)()


@routes.route("/handovers/<int:handover_id>", methods=["GET", "POST"])
def handover(handover_id: int) -> ResponseReturnValue:
    """One release handover: its factors and its checklist to tick."""
    me, now = staff(), utcnow()
    found, person = record_or_404(me, Handover, handover_id, today=local_today(now))
    form = checklist_form(found)
    if form.validate_on_submit():
        found, person = record_or_404(me, Handover, handover_id, "handover", today=local_today(now))
        holding_establishment_only(me, found.team_id, "this handover's checklist")
        changes = {
            item.item: form._fields[item.item].data
            for item in found.items
            if form._fields[item.item].data != item.status
        }
        if formkit.attempt(form, lambda: handovers.update_checklist(found, changes, by=me, now=now)):
            flash("Checklist saved.", "success")
            return redirect(url_for("web.handover", handover_id=found.id))
    described = describe([found], local_today(now))[0]
    audit.record(me.id, "view", found, person_id=person.id)
    db.session.commit()
    back = url_for("web.board") if me.role == "resettlement" else url_for("web.person", person_id=person.id)
    return render_template(
        "handover.html",
        title=f"Release of {person.given_name} {person.family_name}",
        handover=described,
        person=person,
        form=form,
        back_href=back,
        can_tick=_can_tick(me, found, person),
    ), formkit.status(form)


def _can_tick(me: Staff, found: Handover, person: Person) -> bool:
    return found.status == "open" and may_change(me, person, "handover") and holds(me, found.team_id)
