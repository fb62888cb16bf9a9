"""Output schemas whose fields are plain values, dumped without marshmallow's per-field machinery.

A page of 50 people spent more time in marshmallow (a chain of get_value, serialize and _serialize calls
for each of 750 values) than in the database. A schema with PlainOutput dumps the same JSON from a list of
(key, attribute, converter) it builds once per schema instance; the fields stay declared as usual, so the
OpenAPI document and any schema that nests it are unchanged. A schema with a field this module does not
know, dump hooks, `only` or `exclude` is dumped by marshmallow as before.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from marshmallow import fields
from marshmallow.schema import POST_DUMP, PRE_DUMP

_ABSENT = object()
# What marshmallow's own _serialize does to a value that is not None, field type by field type.
CONVERTERS: dict[type[fields.Field], Callable[[Any], Any]] = {
    fields.Integer: int,
    fields.String: str,
    fields.Boolean: lambda value: value,
    fields.Date: date.isoformat,
    fields.DateTime: datetime.isoformat,
    fields.AwareDateTime: datetime.isoformat,
}
ISO = (None, "iso", "iso8601")
Getter = Callable[[Any], Any]


class PlainOutput:
    """Mix into an output Schema (before Schema) whose fields are plain values or Method fields."""

    def dump(self, obj: Any, *, many: bool | None = None) -> Any:
        getters = self._plain_getters()
        if getters is None:
            return super().dump(obj, many=many)  # type: ignore[misc]
        if self.many if many is None else many:  # type: ignore[attr-defined]
            return [_dump_one(item, getters) for item in obj]
        return _dump_one(obj, getters)

    def _plain_getters(self) -> list[tuple[str, Getter]] | None:
        cached = self.__dict__.get("_plain")
        if cached is None:
            cached = self.__dict__["_plain"] = (_compile(self),)
        return cached[0]


def _compile(schema: Any) -> list[tuple[str, Getter]] | None:
    if schema._hooks[PRE_DUMP] or schema._hooks[POST_DUMP] or schema.only or schema.exclude:
        return None
    getters = []
    for name, field in schema.dump_fields.items():
        key = field.data_key or name
        if isinstance(field, fields.Method):
            method = field.serialize_method_name
            assert method is not None  # a Method field without one is refused by marshmallow
            getters.append((key, getattr(schema, method)))
            continue
        convert = CONVERTERS.get(type(field))
        attribute = field.attribute or name
        if (
            convert is None
            or "." in attribute
            or getattr(field, "as_string", False)
            or getattr(field, "format", None) not in ISO
        ):
            return None
        getters.append((key, _getter(attribute, convert)))
    return getters


def _getter(attribute: str, convert: Callable[[Any], Any]) -> Getter:
    def get(obj: Any) -> Any:
        value = obj.get(attribute, _ABSENT) if isinstance(obj, dict) else getattr(obj, attribute, _ABSENT)
        return value if value is None or value is _ABSENT else convert(value)

    return get


def _dump_one(obj: Any, getters: list[tuple[str, Getter]]) -> dict[str, Any]:
    result = {}
    for key, get in getters:
        value = get(obj)
        if value is not _ABSENT:
            result[key] = value
    return result
