"""The caller and the teams, as /api/v1/me and /api/v1/teams answer them."""

from __future__ import annotations

from marshmallow import Schema, fields


class TeamOut(Schema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.String()
    code = fields.String(allow_none=True)


class MeOut(Schema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    role = fields.String()
    team = fields.Nested(TeamOut)
