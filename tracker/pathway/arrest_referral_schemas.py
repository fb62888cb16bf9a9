"""Input and output schemas of arrest referral: identifying a person, consent to share, taking a case."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from tracker.inputs import BoundedDate, BoundedDateTime, InputSchema
from tracker.pathway.bounds import BIRTH, NEAR
from tracker.pathway.schemas import PersonDetailOut, StageIn


class ShareConsentIn(InputSchema):
    consent = fields.Boolean(required=True, metadata={"description": "Whether the person agreed to share."})
    given_on = BoundedDate(
        NEAR, required=True, metadata={"description": "When the person gave their answer."}
    )
    how = fields.String(
        required=True,
        validate=validate.Length(1, 120),
        metadata={"description": "How it was given, e.g. 'signed form in the custody suite'."},
    )


class ShareConsentOut(Schema):
    consent = fields.Boolean()
    given_on = fields.Date()
    how = fields.String()
    recorded_at = fields.AwareDateTime()
    recorded_by_id = fields.Integer(allow_none=True)


class FirstStageIn(StageIn):
    """An identified or arrest stage: the fields of StageIn for those kinds."""

    kind = fields.String(required=True, validate=validate.OneOf(("identified", "arrest")))


class IdentifyIn(InputSchema):
    given_name = fields.String(required=True, validate=validate.Length(1, 100))
    family_name = fields.String(required=True, validate=validate.Length(1, 100))
    date_of_birth = BoundedDate(BIRTH, allow_none=True)
    alcohol_need = fields.Boolean()
    stage = fields.Nested(FirstStageIn, required=True)
    referral_reason = fields.String(
        validate=validate.Length(1, 2000),
        metadata={"free_text": True, "description": "Why the team took the person on (clinical detail)."},
    )
    share_consent = fields.Nested(ShareConsentIn)


class HeldPersonOut(PersonDetailOut):
    share_consents = fields.List(fields.Nested(ShareConsentOut))


class ChargeIn(InputSchema):
    start_on = BoundedDate(NEAR, required=True)
    court = fields.String(required=True, validate=validate.Length(1, 120))
    next_hearing_at = BoundedDateTime(NEAR)
    remanded = fields.Boolean()
    offender_manager_email = fields.Email(
        required=True, validate=validate.Length(3, 254), metadata={"description": "Who takes the case."}
    )


class HeldQuery(InputSchema):
    crn = fields.String(validate=validate.Length(1, 20))
    given_name = fields.String(validate=validate.Length(1, 100))
    family_name = fields.String(validate=validate.Length(1, 100))
    date_of_birth = BoundedDate(BIRTH)


class HeldOut(Schema):
    """All an offender manager learns of someone a treatment team holds: who holds them."""

    person_id = fields.Integer(attribute="id")
    held_by = fields.Function(lambda person: person.holding_team.name if person.holding_team else None)


class CaseRequestOut(Schema):
    id = fields.Integer()
    person_id = fields.Integer()
    team_id = fields.Integer()
    held_by = fields.Function(lambda request: request.team.name)
    requested_by_id = fields.Integer()
    requested_at = fields.AwareDateTime()
    status = fields.String()
    answered_at = fields.AwareDateTime(allow_none=True)
