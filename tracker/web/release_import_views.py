"""Importing a release list from a page: a resettlement user uploads, checks what it would do, confirms.

The file is checked as a dry run when uploaded and kept in the database (any web instance can take the
confirmation); at confirmation it is checked again against what is stored then and applied. Every
row must name the user's own establishment: any other is rejected as "not your establishment", the
same answer whether the person is known or not.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput

from tracker import audit
from tracker.extensions import db
from tracker.inputs import accepts_uploads
from tracker.pathway import release_import, release_rows, uploads
from tracker.pathway.release_rows import Unreadable
from tracker.types import utcnow
from tracker.web.blueprint import roles, staff
from tracker.web.routes import Routes

routes = Routes()
SHOWN_REJECTS = 200


class UploadForm(FlaskForm):
    release_list = FileField(
        "Upload a release list",
        widget=GovFileInput(),
        validators=[FileRequired(message="Select a CSV file.")],
        description="A CSV file in UTF-8, at most 5 MB, every row for your establishment.",
    )


def _dry_run(data: bytes) -> release_import.Outcome:
    """What the file would do now, written nowhere."""
    me = staff()
    try:
        return release_import.run(data, source=_source(), by=me, now=utcnow(), establishment=me.team)
    finally:
        db.session.rollback()


def _source() -> str:
    return f"release list from {staff().team.name}"


@routes.route("/releases/import", methods=["GET", "POST"])
@roles("resettlement")
@accepts_uploads
def import_releases() -> ResponseReturnValue:
    """Upload a release list for your establishment; see what it would do before it does it."""
    form = UploadForm()
    if staff().team.code is None:
        abort(403, description="Your team has no establishment code, so it cannot import a release list.")
    if form.validate_on_submit():
        file = form.release_list.data
        data = file.read(uploads.MAX_BYTES + 1)
        problem = _file_problem(file.filename or "", data)
        if problem:
            form.release_list.errors = [problem]
        else:
            upload = uploads.keep(data, file.filename, release_import.sha256(data), staff(), utcnow())
            audit.record(staff().id, "upload", upload, sha256=upload.sha256)
            db.session.commit()
            return redirect(url_for("web.check_release_import", upload_id=upload.id))
    return render_template("release_import.html", title="Import a release list", form=form)


def _file_problem(filename: str, data: bytes) -> str | None:
    if not filename.lower().endswith(".csv"):
        return "The selected file must be a CSV."
    if len(data) > uploads.MAX_BYTES:
        return "The selected file must be smaller than 5 MB."
    if not data:
        return "The selected file is empty."
    try:
        release_rows.read(release_rows.decode(data))
    except Unreadable as unreadable:
        return str(unreadable)
    return None


def _held(upload_id: int) -> uploads.ReleaseListUpload:
    upload = uploads.held_for(upload_id, staff(), utcnow())
    if upload is None:
        abort(404, description="No such upload: it may have expired. Upload the file again.")
    return upload


@routes.get("/releases/import/<int:upload_id>")
@roles("resettlement")
def check_release_import(upload_id: int) -> ResponseReturnValue:
    """What the upload would do, row by row, and the button that does it."""
    upload = _held(upload_id)
    outcome = _dry_run(upload.data)
    return render_template(
        "release_import_check.html",
        title="Check the release list",
        upload=upload,
        outcome=outcome,
        rejects=outcome.rejects[:SHOWN_REJECTS],
        form=FlaskForm(),
    )


@routes.post("/releases/import/<int:upload_id>")
@roles("resettlement")
def confirm_release_import(upload_id: int) -> ResponseReturnValue:
    """Apply the upload, checked again against what is stored now."""
    upload = _held(upload_id)
    if not FlaskForm().validate_on_submit():
        abort(400, description="The form has expired. Go back and confirm again.")
    data, filename = upload.data, upload.filename
    me = staff()
    outcome = release_import.run(data, source=_source(), by=me, now=utcnow(), establishment=me.team)
    uploads.forget(upload)
    db.session.commit()
    flash(f"{filename}: {outcome.summary()}", "success")
    return redirect(url_for("web.import_releases"))
