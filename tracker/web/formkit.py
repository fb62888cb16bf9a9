"""Forms the GOV.UK way: date and time fields, and refusals put next to the field they are about.

A page's form parses what was typed; the API's marshmallow schema then loads it (the same input rules
as the API), and the same service function acts on it. Whatever either refuses comes back here and is
shown in the error summary and by its field, with everything typed kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime, time
from typing import Any, TypeVar

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovDateInput, GovRadioInput
from marshmallow import Schema, ValidationError
from wtforms import Field, StringField
from wtforms.validators import StopValidation

from tracker.errors import Conflict, Refusal
from tracker.extensions import db

T = TypeVar("T")
HIDDEN_TYPES = ("CSRFTokenField", "HiddenField", "SubmitField")


class DayMonthYear(GovDateInput):
    """GOV.UK's date input; the wrapper carries no `required` (it is not a form control)."""

    def __call__(self, field: Field, **kwargs: Any) -> Any:
        kwargs.setdefault("required", False)
        return super().__call__(field, **kwargs)

    def map_gov_params(self, field: Field, **kwargs: Any) -> dict[str, Any]:
        if field.raw_data is not None:
            field.raw_data = (list(field.raw_data) + ["", "", ""])[:3]
        params = super().map_gov_params(field, **kwargs)
        params["attributes"].pop("required", None)
        return params


class _NoEmptyHint:
    # govuk-frontend-wtf always gives radios and checkboxes a hint, so an empty one would be announced.
    def map_gov_params(self, field: Field, **kwargs: Any) -> dict[str, Any]:
        params = super().map_gov_params(field, **kwargs)  # type: ignore[misc]
        if not field.description and not (params.get("hint") or {}).get("html"):
            params.pop("hint", None)
        return params


class Radios(_NoEmptyHint, GovRadioInput):
    """GOV.UK radios, with a hint only when the field has a description."""


class Checkbox(_NoEmptyHint, GovCheckboxInput):
    """A single GOV.UK checkbox, with a hint only when the field has a description."""


class DateField(Field):
    """A date typed as day, month and year, with GOV.UK's messages for what is missing or unreal."""

    widget = DayMonthYear()

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        parts = [v.strip() for v in (list(valuelist) + ["", "", ""])[:3]]
        self.data = None
        if not any(parts):
            return
        missing = [name for name, part in zip(("day", "month", "year"), parts, strict=True) if not part]
        if missing:
            raise ValueError(f"{self.label.text} must include a {' and a '.join(missing)}")
        try:
            day, month, year = (int(p) for p in parts)
            if year < 1000:
                raise ValueError
            self.data = date(year, month, day)
        except ValueError:
            raise ValueError(f"{self.label.text} must be a real date") from None

    def _value(self) -> str:
        return self.data.strftime("%d %m %Y") if self.data else ""


class Required:
    """A required date: says what is missing, unless the date typed is already refused as unreal."""

    def __init__(self, message: str) -> None:
        self.message = message
        self.field_flags = {"required": True}

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if field.errors:
            raise StopValidation()  # "must be a real date" says more than "enter the date"
        if field.data is None:
            raise StopValidation(self.message)


TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")


class TimeField(StringField):
    """A time of day typed as 14:00, 2pm or 10:30am."""

    def process_formdata(self, valuelist: list[str]) -> None:
        raw = (valuelist[0] if valuelist else "").strip().lower()
        self.typed = raw
        self.data = None
        if not raw:
            return
        match = TIME.match(raw.replace(" ", ""))
        hour, minute = (int(match.group(1)), int(match.group(2) or 0)) if match else (99, 99)
        if match and match.group(3):
            hour = hour % 12 + (12 if match.group(3) == "pm" else 0)
        if hour > 23 or minute > 59 or (match and match.group(3) and not 1 <= int(match.group(1)) <= 12):
            raise ValueError(f"Enter {self.label.text.lower()} like 10:30 or 2pm")
        self.data = time(hour, minute)

    def _value(self) -> str:
        if getattr(self, "typed", None) is not None:
            return self.typed
        return self.data.strftime("%H:%M") if self.data else ""


def fields_to_show(form: FlaskForm) -> Iterator[Field]:
    """The form's visible fields, in order."""
    return (field for field in form if field.type not in HIDDEN_TYPES)


def error_list(form: FlaskForm) -> list[dict[str, str]]:
    """The error summary's items: the form's own problems, then each field's first, linked to it."""
    items = [{"text": message} for message in getattr(form, "form_problems", [])]
    for field in fields_to_show(form):
        if field.errors:
            anchor = f"{field.id}-day" if isinstance(field, DateField) else field.id
            items.append({"text": field.errors[0], "href": f"#{anchor}"})
    return items


def payload(values: Mapping[str, Any], keep_none: tuple[str, ...] = ()) -> dict[str, Any]:
    """What the form parsed, as the JSON the API's schema loads (dates as ISO; blanks left out)."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if value is None or value == "":
            if name in keep_none:
                out[name] = None
            continue
        out[name] = value.isoformat() if isinstance(value, date | datetime) else value
    return out


def load(
    schema: Schema, data: dict[str, Any], form: FlaskForm, aliases: Mapping[str, str] | None = None
) -> dict[str, Any] | None:
    """The data as the API's schema loads it, or None with the schema's complaints on the form."""
    try:
        return schema.load(data)
    except ValidationError as refused:
        place(form, _flatten(refused.messages), aliases)
        return None


def attempt(form: FlaskForm, action: Callable[[], T], aliases: Mapping[str, str] | None = None) -> T | None:
    """Run a service call and commit; on a refusal roll back and show it on the form (None)."""
    try:
        result = action()
    except Refusal as refused:
        db.session.rollback()
        form.refusal = refused
        place(form, refused.errors, aliases)
        if isinstance(refused, Conflict) or not refused.errors:
            # A refused transition's message names what is allowed: it leads the summary.
            form.form_problems = [refused.message]
        return None
    db.session.commit()
    return result


def succeeded(
    form: FlaskForm, action: Callable[[], object], aliases: Mapping[str, str] | None = None
) -> bool:
    """attempt() where only whether it worked matters, as in `if form_ok and succeeded(...)`.

    Not attempt() itself there: mypy would solve its type variable from the `and`'s left operand (bool)
    and refuse the action's real result.
    """
    return attempt(form, action, aliases) is not None


def status(form: FlaskForm) -> int:
    """The status a re-shown form answers with: 409 refused, 422 invalid, 200 fresh."""
    if isinstance(getattr(form, "refusal", None), Conflict):
        return 409
    return 422 if error_list(form) else 200


def place(form: FlaskForm, errors: Mapping[str, Any], aliases: Mapping[str, str] | None = None) -> list[str]:
    """Put each error on its field (by name, alias or last dotted part); returns those with no field."""
    unplaced = []
    for key, messages in errors.items():
        message = messages[0] if isinstance(messages, list | tuple) else str(messages)
        name = (aliases or {}).get(key, key)
        field = form._fields.get(name) or form._fields.get(name.rsplit(".", 1)[-1])
        if field is None or field.type in HIDDEN_TYPES:
            unplaced.append(message)
        else:
            field.errors = [*field.errors, message]
    if unplaced:
        form.form_problems = [*getattr(form, "form_problems", []), *unplaced]
    return unplaced


def _flatten(messages: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(messages, dict):
        return {prefix or "_schema": messages}
    flat: dict[str, Any] = {}
    for key, value in messages.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        flat |= _flatten(value, name) if isinstance(value, dict) else {name: value}
    return flat
