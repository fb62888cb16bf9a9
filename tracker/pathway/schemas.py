"""Input and output schemas of the pathway API, instantiated once."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from tracker.inputs import BoundedDate, BoundedDateTime, Id, InputSchema
from tracker.pathway import referrals
from tracker.pathway.bounds import BIRTH, FAR, NEAR
from tracker.pathway.continuity import APPOINTMENT_KINDS
from tracker.pathway.enforcement import ABSENCES
from tracker.pathway.equality import ETHNIC_GROUPS
from tracker.pathway.plain_output import PlainOutput
from tracker.pathway.screening import INTERVENTIONS, TOOLS
from tracker.pathway.stages import ATR_EXIT_REASONS, CLOSED_REASONS, KINDS, SUPERVISION_TYPES
from tracker.privacy import need_label

OUTCOMES = ("attended", "missed", "cancelled")
# The statuses a referral can be moved to (it is made as `made`).
REFERRAL_STATUSES = tuple(dict.fromkeys(s for moves in referrals.NEXT.values() for s in moves))
LANGUAGES = ("en", "cy")

# Which fields belong to which stage kind; anything else sent with the kind is refused.
KIND_FIELDS: dict[str, set[str]] = {
    "identified": {"referrer_team_id"},
    "arrest": {"custody_suite", "arrest_referral"},
    "court": {"court", "next_hearing_at", "remanded"},
    "atr": {
        "order_type",
        "order_end_on",
        "operational_end_on",
        "supervision_end_on",
        "atr_end_on",
        "treatment_team_id",
        "dependency_assessed",
        "consent_recorded",
    },
    "custody": {"basis", "establishment_team_id", "sentence_start_on", "release_dates"},
    "licence": {"supervision_end_on", "supervision_type"},
    "closed": {"reason", "note"},
}
REQUIRED_FIELDS: dict[str, set[str]] = {
    "court": {"court"},
    "atr": {"order_type", "atr_end_on", "treatment_team_id"},
    "custody": {"basis", "establishment_team_id"},
    "closed": {"reason"},
}
# atr_exit_reason: how the ATR this stage ends came to an end (only when the current stage is an ATR).
COMMON_STAGE_FIELDS = {"kind", "start_on", "team_id", "expected_end_on", "atr_exit_reason"}


class PersonIn(InputSchema):
    given_name = fields.String(required=True, validate=validate.Length(1, 100))
    family_name = fields.String(required=True, validate=validate.Length(1, 100))
    date_of_birth = BoundedDate(BIRTH, allow_none=True)
    crn = fields.String(
        allow_none=True,
        validate=validate.Regexp(r"^[A-Z]\d{6}$", error="A CRN is a letter and six digits, like X123456."),
    )
    prison_number = fields.String(
        allow_none=True,
        validate=validate.Regexp(r"^[A-Z]\d{4}[A-Z]{2}$", error="A prison number is like A1234BC."),
    )
    mobile = fields.String(allow_none=True)
    sms_consent = fields.Boolean()
    language = fields.String(validate=validate.OneOf(LANGUAGES))
    alcohol_need = fields.Boolean()
    offender_manager_id = Id()
    sex = fields.String(allow_none=True, validate=validate.OneOf(("female", "male", "other", "not_stated")))
    ethnic_group = fields.String(
        allow_none=True,
        validate=validate.OneOf(tuple(ETHNIC_GROUPS)),
        metadata={"description": "An ONS 2021 ethnic group code, or not_stated."},
    )


class PersonPatch(PersonIn):
    """The same fields as PersonIn, every one optional (used with partial=True)."""


class PersonQuery(InputSchema):
    stage = fields.String(validate=validate.OneOf(KINDS), metadata={"description": "Current stage kind."})
    q = fields.String(
        validate=validate.Length(1, 100), metadata={"description": "Name, CRN or prison number."}
    )


class ConsentChangeOut(Schema):
    consent = fields.Boolean()
    how = fields.String()
    changed_at = fields.AwareDateTime()
    changed_by_id = fields.Integer(allow_none=True)


class PersonOut(PlainOutput, Schema):
    id = fields.Integer()
    given_name = fields.String()
    family_name = fields.String()
    date_of_birth = fields.Date(allow_none=True)
    crn = fields.String(allow_none=True)
    prison_number = fields.String(allow_none=True)
    mobile = fields.String(allow_none=True)
    sms_consent = fields.Boolean()
    language = fields.String()
    alcohol_need = fields.Boolean()
    offender_manager_id = fields.Integer(allow_none=True)
    holding_team_id = fields.Integer(
        allow_none=True, metadata={"description": "The treatment team holding the person, before probation."}
    )
    sex = fields.String(allow_none=True)
    ethnic_group = fields.String(allow_none=True)
    stage_kind = fields.String(allow_none=True)
    updated_at = fields.AwareDateTime()


class PersonDetailOut(PersonOut):
    consent_changes = fields.List(fields.Nested(ConsentChangeOut))


class ReleaseDatesIn(InputSchema):
    source = fields.String(load_default="manual entry", validate=validate.Length(1, 60))
    crd = BoundedDate(FAR, allow_none=True, metadata={"description": "Conditional release date."})
    ard = BoundedDate(FAR, allow_none=True, metadata={"description": "Automatic release date."})
    ped = BoundedDate(FAR, allow_none=True, metadata={"description": "Parole eligibility date."})
    hdced = BoundedDate(FAR, allow_none=True, metadata={"description": "HDC eligibility date."})
    hdcad = BoundedDate(FAR, allow_none=True, metadata={"description": "HDC approved date."})
    led = BoundedDate(FAR, allow_none=True, metadata={"description": "Licence expiry date."})
    sed = BoundedDate(FAR, allow_none=True, metadata={"description": "Sentence expiry date."})
    tused = BoundedDate(FAR, allow_none=True, metadata={"description": "Top-up supervision expiry date."})
    confirmed = BoundedDate(FAR, allow_none=True, metadata={"description": "Confirmed release date."})


class StageIn(InputSchema):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    start_on = BoundedDate(NEAR, required=True)
    # A custody stage may be expected to end with a long sentence, decades ahead.
    expected_end_on = BoundedDate(FAR, allow_none=True)
    team_id = Id(allow_none=True)
    referrer_team_id = Id()
    custody_suite = fields.String(validate=validate.Length(1, 120))
    arrest_referral = fields.Boolean()
    court = fields.String(validate=validate.Length(1, 120))
    next_hearing_at = BoundedDateTime(NEAR)
    remanded = fields.Boolean(
        metadata={"description": "Held on remand; false straight after remand custody records a release."}
    )
    order_type = fields.String(validate=validate.OneOf(("community_order", "suspended_sentence")))
    # An order, its operational period and supervision after a long sentence may end decades ahead.
    order_end_on = BoundedDate(FAR)
    operational_end_on = BoundedDate(FAR)
    supervision_end_on = BoundedDate(FAR)
    atr_end_on = BoundedDate(NEAR)
    treatment_team_id = Id()
    dependency_assessed = fields.Boolean()
    consent_recorded = fields.Boolean()
    basis = fields.String(validate=validate.OneOf(("remand", "sentenced")))
    establishment_team_id = Id()
    sentence_start_on = BoundedDate(NEAR)
    release_dates = fields.Nested(ReleaseDatesIn)
    supervision_type = fields.String(validate=validate.OneOf(SUPERVISION_TYPES))
    reason = fields.String(validate=validate.OneOf(CLOSED_REASONS))
    note = fields.String(validate=validate.Length(1, 2000), metadata={"free_text": True})
    atr_exit_reason = fields.String(
        validate=validate.OneOf(ATR_EXIT_REASONS),
        metadata={"description": "When this stage ends an ATR: how the ATR ended (kept on the ATR stage)."},
    )

    @validates_schema
    def fields_fit_kind(self, data: dict, **kwargs) -> None:
        kind = data.get("kind")
        if kind not in KIND_FIELDS:
            return
        errors = {
            name: f"Not a field of a {kind} stage."
            for name in data
            if name not in COMMON_STAGE_FIELDS | KIND_FIELDS[kind]
        }
        errors |= {
            name: f"Required for a {kind} stage."
            for name in REQUIRED_FIELDS.get(kind, ())
            if data.get(name) is None
        }
        if errors:
            raise ValidationError(errors)


class StagePatch(InputSchema):
    release_dates = fields.Nested(ReleaseDatesIn, required=True)


class ReleaseDateOut(PlainOutput, Schema):
    on = fields.Date(attribute="value_on")
    source = fields.String()
    recorded_at = fields.AwareDateTime()


class StageOut(PlainOutput, Schema):
    id = fields.Integer()
    person_id = fields.Integer()
    pathway_id = fields.Integer()
    kind = fields.String()
    start_on = fields.Date()
    expected_end_on = fields.Date(allow_none=True)
    end_on = fields.Date(allow_none=True)
    team_id = fields.Integer(allow_none=True)
    referrer_team_id = fields.Integer(allow_none=True)
    custody_suite = fields.String(allow_none=True)
    arrest_referral = fields.Boolean(allow_none=True)
    court = fields.String(allow_none=True)
    remanded = fields.Boolean(allow_none=True)
    order_type = fields.String(allow_none=True)
    order_end_on = fields.Date(allow_none=True)
    operational_end_on = fields.Date(allow_none=True)
    supervision_end_on = fields.Date(allow_none=True)
    atr_end_on = fields.Date(allow_none=True)
    treatment_team_id = fields.Integer(allow_none=True)
    dependency_assessed = fields.Boolean(allow_none=True)
    consent_recorded = fields.Boolean(allow_none=True)
    basis = fields.String(allow_none=True)
    establishment_team_id = fields.Integer(allow_none=True)
    sentence_start_on = fields.Date(allow_none=True)
    release_on = fields.Date(allow_none=True)
    release_dates = fields.Method("dump_release_dates")
    supervision_type = fields.String(allow_none=True)
    exit_reason = fields.String(allow_none=True, metadata={"description": "How an ended ATR ended."})
    reason = fields.String(allow_none=True)
    note = fields.String(allow_none=True)

    def dump_release_dates(self, stage) -> dict:
        return {r.kind: release_date_out.dump(r) for r in stage.release_dates}


release_date_out = ReleaseDateOut()


class PathwayOut(Schema):
    id = fields.Integer()
    person_id = fields.Integer()
    opened_on = fields.Date()
    closed_on = fields.Date(allow_none=True)
    stages = fields.List(fields.Nested(StageOut))
    current_stage = fields.Nested(StageOut, allow_none=True)
    allowed_next = fields.List(fields.String())
    key_dates = fields.Dict(keys=fields.String())
    flags = fields.Dict(keys=fields.String(), values=fields.Boolean())
    release_note = fields.String(
        allow_none=True, metadata={"description": "Says when the planned date is parole eligibility only."}
    )


class AppointmentIn(InputSchema):
    kind = fields.String(required=True, validate=validate.OneOf(APPOINTMENT_KINDS))
    starts_at = BoundedDateTime(NEAR, required=True)
    location_label = fields.String(allow_none=True, validate=validate.Length(1, 120))
    team_id = Id(allow_none=True)


class AppointmentPatch(InputSchema):
    outcome = fields.String(validate=validate.OneOf(OUTCOMES))
    absence = fields.String(
        validate=validate.OneOf(ABSENCES),
        metadata={"description": "With outcome missed (default pending), or alone to settle a pending one."},
    )
    starts_at = BoundedDateTime(NEAR)

    @validates_schema
    def one_change(self, data: dict, **kwargs) -> None:
        if "absence" in data and (data.get("outcome", "missed") != "missed" or "starts_at" in data):
            raise ValidationError("Only a missed appointment has an absence.", "absence")
        if len(data.keys() - {"absence"} or data.keys()) != 1:
            raise ValidationError("Send either an outcome, an absence or a new starts_at.", "_schema")


class AppointmentOut(Schema):
    id = fields.Integer()
    person_id = fields.Integer()
    stage_id = fields.Integer(allow_none=True)
    kind = fields.String()
    starts_at = fields.AwareDateTime()
    location_label = fields.String(allow_none=True)
    team_id = fields.Integer(allow_none=True)
    outcome = fields.String(allow_none=True)
    outcome_at = fields.AwareDateTime(allow_none=True)
    absence = fields.String(allow_none=True)
    warned_on = fields.Date(allow_none=True)
    warned_by_id = fields.Integer(allow_none=True)


class ReferralIn(InputSchema):
    to_team_id = Id(required=True)
    kind = fields.String(
        validate=validate.OneOf(referrals.KINDS),
        metadata={"description": "Default: structured_alcohol_treatment to a treatment team, else other."},
    )
    reason = fields.String(required=True, validate=validate.Length(1, 2000), metadata={"free_text": True})


class ReferralPatch(InputSchema):
    status = fields.String(validate=validate.OneOf(REFERRAL_STATUSES))
    kind = fields.String(validate=validate.OneOf(referrals.KINDS))
    treatment_started_on = BoundedDate(NEAR)
    decline_reason = fields.String(
        validate=validate.OneOf(referrals.DECLINE_REASONS),
        metadata={"description": "Required with status declined: why it was declined."},
    )

    @validates_schema
    def start_date_when_started(self, data: dict, **kwargs) -> None:
        if "status" not in data and "kind" not in data:
            message = "Send a new status, a corrected kind, or both."
            raise ValidationError({"status": [message], "kind": [message]})
        if data.get("status") == "started" and not data.get("treatment_started_on"):
            raise ValidationError("Give the date treatment started.", "treatment_started_on")
        if data.get("status") != "started" and "treatment_started_on" in data:
            raise ValidationError("Only with status started.", "treatment_started_on")


class ReferralOut(Schema):
    id = fields.Integer()
    person_id = fields.Integer()
    to_team_id = fields.Integer()
    kind = fields.String()
    reason = fields.String()
    status = fields.String()
    decline_reason = fields.String(allow_none=True)
    treatment_started_on = fields.Date(allow_none=True)
    made_at = fields.AwareDateTime()
    made_by_id = fields.Integer(allow_none=True)


class ScreeningIn(InputSchema):
    tool = fields.String(required=True, validate=validate.OneOf(TOOLS))
    answers = fields.List(fields.Raw(), required=True, metadata={"description": "Item scores, in order."})
    intervention = fields.String(
        required=True,
        validate=validate.OneOf(INTERVENTIONS),
        metadata={"description": "What was done; zone IV accepts only referred or declined."},
    )


class ScreeningOut(Schema):
    id = fields.Integer()
    person_id = fields.Integer()
    tool = fields.String()
    answers = fields.List(fields.Integer())
    score = fields.Integer()
    zone = fields.Integer(allow_none=True)
    positive = fields.Boolean()
    action = fields.String()
    need = fields.Function(lambda s: need_label(s.tool, s.zone, s.positive))
    intervention = fields.String(allow_none=True)
    screened_at = fields.AwareDateTime()


# What a caller without a care relationship sees (tracker/privacy.py): the need, never the answers,
# score, zone, action text or reasons. The full schemas above are for a care relationship.


class ReferralNeedOut(Schema):
    """A referral as prison and resettlement staff see it: where it went, its kind and status."""

    id = fields.Integer()
    person_id = fields.Integer()
    to_team_id = fields.Integer()
    kind = fields.String()
    status = fields.String()
    decline_reason = fields.String(allow_none=True)
    treatment_started_on = fields.Date(allow_none=True)
    made_at = fields.AwareDateTime()
    made_by_id = fields.Integer(allow_none=True)


class ScreeningNeedOut(Schema):
    """A screening as prison and resettlement staff see it: whether positive, the need, what was done."""

    id = fields.Integer()
    person_id = fields.Integer()
    tool = fields.String()
    positive = fields.Boolean()
    need = fields.Function(
        lambda s: need_label(s.tool, s.zone, s.positive),
        metadata={"description": "The need in words, e.g. 'Specialist alcohol referral needed'."},
    )
    intervention = fields.String(allow_none=True)
    screened_at = fields.AwareDateTime()
