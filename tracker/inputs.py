"""What any request may carry, refused before it reaches a use case or the database.

A body no larger than MAX_CONTENT_LENGTH (413, before any authentication work), JSON nested no deeper
than MAX_JSON_DEPTH, ids within the id columns' integer, strings without control characters, dates
within the bound that fits their meaning. Each refusal names the field; nothing is stored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

from flask import Flask, current_app, request
from marshmallow import Schema, ValidationError, fields, pre_load, validate
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from tracker.clock import local_today
from tracker.errors import Invalid

# Every id column is PostgreSQL's integer: an id outside it names no record.
MAX_ID = 2**31 - 1
MAX_JSON_DEPTH = 20
# C0 and C1 controls, DEL and lone surrogates (which no database can store); free text keeps tabs and
# line breaks, which a textarea legitimately sends.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
CONTROL_IN_FREE_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
V = TypeVar("V", bound=Callable[..., Any])


def control_character_error(text: str, free_text: bool = False) -> str | None:
    """Why this text is refused (the first control character in it, named), or None."""
    found = (CONTROL_IN_FREE_TEXT if free_text else CONTROL).search(text)
    if found is None:
        return None
    allowed = " Only tabs and line breaks are allowed." if free_text else ""
    return f"Contains a control character (U+{ord(found.group()):04X}); remove it.{allowed}"


def _strings_error(value: Any, free_text: bool) -> str | None:
    """The first control character in any string inside value (keys of mappings included)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if problem := control_character_error(item, free_text):
                return problem
        elif isinstance(item, Mapping):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
    return None


class InputSchema(Schema):
    """Every input schema: refuses a control character in any string it is sent, naming the field.

    A field with metadata `free_text` (notes, reasons) accepts tabs and line breaks.
    """

    @pre_load
    def refuse_control_characters(self, data: Any, **kwargs: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        errors = {}
        for name in data:
            field = self.load_fields.get(name)
            if isinstance(field, fields.Nested):
                continue  # the nested schema checks its own fields and names them
            free_text = bool(field is not None and field.metadata.get("free_text"))
            # Query strings arrive as a multi-dict: check every value given for the name.
            values = data.getlist(name) if hasattr(data, "getlist") else [data[name]]
            problem = _strings_error(name, False) or _strings_error(values, free_text)
            if problem:
                errors[name] = [problem]
        if errors:
            raise ValidationError(errors)
        return data


class WholeNumber(fields.Integer):
    """An integer that refuses a number with a fraction (1.5) rather than cutting it to 1."""

    def _validated(self, value: Any) -> int:
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


def Id(**kwargs: Any) -> fields.Integer:  # noqa: N802 (a field, named like the others)
    """An id sent in a body or query: one outside the id columns' integer is refused, naming the field."""
    within = validate.Range(1, MAX_ID, error="Not an id: ids run from {min} to {max}.")
    return WholeNumber(validate=within, **kwargs)


class Bound(Protocol):
    """A kind of date's first and last day (tracker/pathway/bounds.DateBound)."""

    def error(self, value: date, today: date) -> str | None: ...

    def describe(self) -> str: ...


def _within(bound: Bound) -> Callable[[date | datetime], None]:
    def check(value: date | datetime) -> None:
        # An instant is judged by its own calendar day: converting it first could itself overflow.
        day = value.date() if isinstance(value, datetime) else value
        problem = bound.error(day, local_today())
        if problem:
            raise ValidationError(problem)

    return check


def _bounded(bound: Bound, kwargs: dict[str, Any]) -> dict[str, Any]:
    metadata = dict(kwargs.pop("metadata", None) or {})
    metadata["description"] = " ".join(filter(None, (metadata.get("description"), bound.describe())))
    return {**kwargs, "metadata": metadata, "validate": _within(bound)}


def BoundedDate(bound: Bound, **kwargs: Any) -> fields.Date:  # noqa: N802
    """A date within its bound ("today" read when the value is checked); the bound is in its description."""
    return fields.Date(**_bounded(bound, kwargs))


def BoundedDateTime(bound: Bound, **kwargs: Any) -> fields.AwareDateTime:  # noqa: N802
    """An instant whose day is within its bound; the bound is in its description."""
    return fields.AwareDateTime(**_bounded(bound, kwargs))


def digits_up_to(limit: int) -> str:
    """A regular expression for the decimal numbers from 0 to limit, and no larger one."""
    digits = str(limit)
    options = [f"[0-9]{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for place, digit in enumerate(digits):
        rest = len(digits) - place - 1
        if digit != "0":
            lower = "0" if digit == "1" else f"[0-{int(digit) - 1}]"
            options.append(digits[:place] + lower + (f"[0-9]{{{rest}}}" if rest else ""))
    return "(?:" + "|".join([*options, digits]) + ")"


class RowId(IntegerConverter):
    """<int:...> in a path: an id beyond the id columns' integer matches no route, so it is a 404.

    The range is in the pattern itself: a number that matched and then failed the range would make
    werkzeug answer 405 for a path whose other methods exist.
    """

    regex = digits_up_to(MAX_ID)

    def __init__(
        self,
        map: Any,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = None,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits, min, MAX_ID if max is None else max, signed)


def accepts_uploads(view: V) -> V:
    """Mark a view that takes files: it may receive MAX_UPLOAD_CONTENT_LENGTH, not MAX_CONTENT_LENGTH."""
    view.accepts_uploads = True  # type: ignore[attr-defined]
    return view


def refuse_oversized_body() -> None:
    """Before anything else (authentication included): a body over the limit is refused unread, 413."""
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "accepts_uploads", False):
        request.max_content_length = current_app.config["MAX_UPLOAD_CONTENT_LENGTH"]
        request.max_form_memory_size = current_app.config["MAX_UPLOAD_CONTENT_LENGTH"]
    limit = request.max_content_length
    if limit is not None and request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge(f"The request is larger than {limit} bytes.")


def refuse_deep_json() -> None:
    """JSON nested deeper than MAX_JSON_DEPTH, or that Python cannot hold, is refused: 422."""
    if not request.is_json or not request.content_length:
        return
    too_deep = Invalid({"json": f"The JSON is nested deeper than {MAX_JSON_DEPTH} levels."})
    try:
        document = json.loads(request.get_data(cache=True))
    except RecursionError:
        raise too_deep from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        return  # not JSON at all: the API's parser says so (400)
    except ValueError as refused:  # e.g. an integer of more digits than Python converts
        raise Invalid({"json": f"The JSON cannot be read: {refused}."}) from None
    if json_depth(document, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise too_deep


def json_depth(document: Any, stop_after: int) -> int:
    """How deeply arrays and objects nest in a parsed JSON document (counting stops past stop_after)."""
    deepest, pending = 0, [(document, 1)]
    while pending and deepest <= stop_after:
        item, depth = pending.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is not None:
            deepest = max(deepest, depth)
            pending.extend((child, depth + 1) for child in children)
    return deepest


def refuse_control_characters_in_form() -> None:
    """A page's form or query string with a control character is refused (422 page) naming the field.

    Tabs and line breaks pass here (a textarea sends them); the API schema each form is loaded with
    then refuses them in one-line fields, by the field.
    """
    for source in (request.args, request.form):
        for name, values in source.lists():
            problem = _strings_error(name, True) or _strings_error(values, True)
            if problem:
                raise Invalid({_printable(name): problem})


def _printable(name: str) -> str:
    return CONTROL.sub("?", name)


def init_app(app: Flask) -> None:
    """Bound path ids and check every request's size and JSON first; before any blueprint is registered."""
    app.url_map.converters["int"] = RowId
    app.before_request_funcs.setdefault(None, [])[:0] = [refuse_oversized_body, refuse_deep_json]
