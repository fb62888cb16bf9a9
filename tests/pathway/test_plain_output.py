"""Output schemas dumped by PlainOutput give exactly what marshmallow gives, field for field."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from marshmallow import Schema, fields

from tracker.pathway import schemas
from tracker.pathway.plain_output import PlainOutput


def marshmallows_own(schema: Schema, obj, many: bool = False):
    return Schema.dump(schema, obj, many=many)


PERSON = SimpleNamespace(
    id=7,
    given_name="Ann",
    family_name="Lee",
    date_of_birth=date(1990, 2, 3),
    crn="X123456",
    prison_number=None,
    mobile="+447700900123",
    sms_consent=True,
    language="cy",
    alcohol_need=False,
    offender_manager_id=3,
    sex=None,
    ethnic_group="white_british",
    stage_kind="custody",
    updated_at=datetime(2026, 11, 30, 9, 15, 2, 123456, tzinfo=UTC),
)


def test_a_person_and_a_page_of_people_dump_as_marshmallow_dumps_them():
    one, many = schemas.PersonOut(), schemas.PersonOut(many=True)

    assert one.dump(PERSON) == marshmallows_own(one, PERSON)
    assert many.dump([PERSON, PERSON]) == marshmallows_own(many, [PERSON, PERSON], many=True)


def test_a_stage_with_its_release_dates_dumps_as_marshmallow_dumps_it():
    recorded = datetime(2026, 11, 1, 12, tzinfo=UTC)
    release_dates = [
        SimpleNamespace(kind=kind, value_on=date(2027, 1, day), source="NOMIS", recorded_at=recorded)
        for kind, day in (("crd", 4), ("confirmed", 5))
    ]
    names = [name for name in schemas.StageOut().dump_fields if name != "release_dates"]
    stage = SimpleNamespace(**dict.fromkeys(names), release_dates=release_dates)
    stage.id, stage.kind, stage.start_on, stage.remanded = 5, "custody", date(2026, 1, 2), False
    schema = schemas.StageOut()

    dumped = schema.dump(stage)

    assert dumped == marshmallows_own(schema, stage)
    assert dumped["release_dates"]["confirmed"] == {
        "on": "2027-01-05",
        "source": "NOMIS",
        "recorded_at": recorded.isoformat(),
    }


class WithNested(PlainOutput, Schema):
    id = fields.Integer()
    inner = fields.Nested(schemas.ReleaseDateOut)


@pytest.mark.parametrize("schema", [WithNested(), schemas.PersonOut(only=("id",))], ids=["nested", "only"])
def test_a_schema_it_does_not_know_how_to_dump_is_left_to_marshmallow(schema):
    inner = SimpleNamespace(value_on=date(2027, 1, 1), source="x", recorded_at=None)
    obj = SimpleNamespace(**(vars(PERSON) | {"inner": inner}))

    assert schema.dump(obj) == marshmallows_own(schema, obj)
