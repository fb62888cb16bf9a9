"""Stage kinds, the transitions between them, and the rules on each kind's fields.

PURE: standard library only (plus dates.py); nothing here reads the clock.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from tracker.pathway.dates import add_months

KINDS: tuple[str, ...] = (
    "identified",
    "arrest",
    "court",
    "atr",
    "custody",
    "licence",
    "closed",
)

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "identified": ("arrest", "closed"),
    "arrest": ("court", "closed"),
    "court": ("atr", "custody", "closed"),
    "atr": ("court", "custody", "closed"),
    "custody": ("court", "licence", "closed"),
    "licence": ("custody", "closed"),
    "closed": (),
}

ORDER_TYPES: tuple[str, ...] = ("community_order", "suspended_sentence")
# Why a pathway closed; `released` is an actual release when it closes custody.
CLOSED_REASONS: tuple[str, ...] = (
    "released",
    "sentence_completed",
    "died",
    "deported",
    "transferred_out",
    "other",
)
SUPERVISION_TYPES: tuple[str, ...] = ("licence", "post_sentence_supervision")
# How an ATR ended, recorded on the ATR stage by the transition that ends it.
ATR_EXIT_REASONS: tuple[str, ...] = (
    "completed",
    "revoked_breach",
    "revoked_new_offence",
    "transferred",
    "other",
)

# A pathway cannot open already closed; any other kind may start one.
_OPENING_KINDS: tuple[str, ...] = tuple(kind for kind in KINDS if kind != "closed")


class TransitionRefused(Exception):
    """A stage kind that may not follow the current one."""

    def __init__(self, current: str | None, kind: str, allowed: tuple[str, ...]) -> None:
        self.current = current
        self.kind = kind
        self.allowed = allowed
        super().__init__(self._message())

    def _message(self) -> str:
        allowed = ", ".join(self.allowed) or "none"
        if opens_new_pathway(self.current):
            return f"A pathway cannot start with a {self.kind} stage. Allowed first: {allowed}."
        return f"A {self.kind} stage cannot follow {self.current}. Allowed next: {allowed}."


class StageDateRefused(Exception):
    """A stage date that contradicts the stages before it."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(message)


def opens_new_pathway(current: str | None) -> bool:
    """Whether a stage after `current` starts a new pathway rather than continuing one."""
    return current is None or current == "closed"


def allowed_next(current: str | None) -> tuple[str, ...]:
    """The kinds allowed after `current` (None when the person has no open pathway)."""
    if opens_new_pathway(current):
        return _OPENING_KINDS
    if current not in TRANSITIONS:
        raise ValueError(f"Unknown stage kind: {current!r}.")
    return TRANSITIONS[current]


def check_transition(current: str | None, kind: str) -> None:
    """Refuse a `kind` stage that may not follow `current`."""
    if kind not in KINDS:
        raise ValueError(f"Unknown stage kind: {kind!r}.")
    allowed = allowed_next(current)
    if kind not in allowed:
        raise TransitionRefused(current, kind, allowed)


def check_start_on(previous_start_on: date | None, start_on: date) -> None:
    """Refuse a stage that starts before the stage it closes started."""
    if previous_start_on is not None and start_on < previous_start_on:
        raise StageDateRefused(
            field="start_on",
            message=(
                f"A stage cannot start before the previous stage started ({previous_start_on.isoformat()})."
            ),
        )


def ends_custody_in_release(
    previous: str | None, previous_basis: str | None, kind: str, fields: Mapping[str, Any]
) -> bool:
    """Whether a `kind` stage after a `previous` stage is an actual release from custody.

    A licence stage; a closure coded `released`; or a court stage with `remanded: false` straight
    after remand custody (bail, or the case ended). Any other end of custody is not a release.
    """
    if previous != "custody":
        return False
    if kind == "licence":
        return True
    if kind == "closed":
        return fields.get("reason") == "released"
    return kind == "court" and previous_basis == "remand" and fields.get("remanded") is False


def expected_end_on(kind: str, fields: Mapping[str, Any]) -> date | None:
    """When a stage of `kind` is expected to end, if its fields say so."""
    key = {"atr": "atr_end_on", "licence": "supervision_end_on"}.get(kind)
    value = fields.get(key) if key else None
    return value if isinstance(value, date) else None


@dataclass(frozen=True)
class AtrLimits:
    """Statutory limits on ATR orders; configurable because the Sentencing Act 2026 raises them."""

    community_order_max_months: int = 36
    sso_supervision_min_months: int = 6
    sso_supervision_max_months: int = 24
    sso_operational_min_months: int = 6
    sso_operational_max_months: int = 24


def atr_errors(fields: Mapping[str, Any], start_on: date, limits: AtrLimits = AtrLimits()) -> dict[str, str]:
    """Every reason an ATR stage is invalid, by field name; empty when it is valid."""
    errors = _consent_errors(fields)
    order_type = fields.get("order_type")
    order_end_on: date | None = None
    if order_type == "community_order":
        order_end_on = _community_order_errors(fields, start_on, limits, errors)
    elif order_type == "suspended_sentence":
        order_end_on = _suspended_sentence_errors(fields, start_on, limits, errors)
    else:
        errors["order_type"] = f"The order type must be {' or '.join(ORDER_TYPES)}."
    _atr_end_errors(fields, start_on, order_end_on, errors)
    return errors


def _consent_errors(fields: Mapping[str, Any]) -> dict[str, str]:
    # Sch 9 paras 23-24: no ATR without a dependency assessment, treatment and consent.
    errors: dict[str, str] = {}
    if fields.get("dependency_assessed") is not True:
        errors["dependency_assessed"] = (
            "An ATR needs a dependency assessment showing the person is dependent on "
            "alcohol and that the dependency may be treated."
        )
    if fields.get("consent_recorded") is not True:
        errors["consent_recorded"] = "An ATR needs the person's consent to it."
    if fields.get("treatment_team_id") is None:
        errors["treatment_team_id"] = "An ATR needs treatment arranged with a provider."
    return errors


_SUBJECTS = {
    "order_end_on": "The order",
    "operational_end_on": "The operational period",
    "supervision_end_on": "The supervision period",
    "atr_end_on": "The ATR",
}


def _end_on(fields: Mapping[str, Any], name: str, errors: dict[str, str]) -> date | None:
    # Records a missing or malformed date once, so the checks after it see real dates only.
    value = fields.get(name)
    if isinstance(value, date):
        return value
    problem = "is required" if value is None else "must be a date"
    errors[name] = f"{_SUBJECTS[name]} end date {problem}."
    return None


def _period_error(end_on: date, start_on: date, months: tuple[int, int], subject: str) -> str | None:
    # Every period here starts with the order, so its bounds are whole months from start_on.
    earliest, latest = add_months(start_on, months[0]), add_months(start_on, months[1])
    if end_on < start_on:
        return f"{subject} cannot end before it starts ({start_on.isoformat()})."
    if end_on < earliest:
        return (
            f"{subject} ends at least {months[0]} months after it starts (earliest {earliest.isoformat()})."
        )
    if end_on > latest:
        return f"{subject} ends at most {months[1]} months after it starts (latest {latest.isoformat()})."
    return None


def _check(errors: dict[str, str], name: str, message: str | None) -> None:
    # The first problem with a field is the one worth reading; later ones follow from it.
    if message is not None:
        errors.setdefault(name, message)


def _community_order_errors(
    fields: Mapping[str, Any], start_on: date, limits: AtrLimits, errors: dict[str, str]
) -> date | None:
    order_end_on = _end_on(fields, "order_end_on", errors)
    if order_end_on is not None:
        months = (0, limits.community_order_max_months)
        message = _period_error(order_end_on, start_on, months, "A community order")
        _check(errors, "order_end_on", message)
    return order_end_on


def _suspended_sentence_errors(
    fields: Mapping[str, Any], start_on: date, limits: AtrLimits, errors: dict[str, str]
) -> date | None:
    operational = _end_on(fields, "operational_end_on", errors)
    supervision = _end_on(fields, "supervision_end_on", errors)
    if operational is not None:
        months = (limits.sso_operational_min_months, limits.sso_operational_max_months)
        message = _period_error(operational, start_on, months, "The operational period")
        _check(errors, "operational_end_on", message)
    if supervision is not None:
        months = (limits.sso_supervision_min_months, limits.sso_supervision_max_months)
        message = _period_error(supervision, start_on, months, "The supervision period")
        _check(errors, "supervision_end_on", message)
    if supervision is not None and operational is not None and supervision > operational:
        message = f"The supervision period cannot end after the operational period ({operational})."
        _check(errors, "supervision_end_on", message)
    # The sentence can be activated until the operational period ends, so that is the order's
    # end; a different recorded order end is a mistake, not a second date to trust.
    recorded = fields.get("order_end_on")
    if recorded is not None and operational is not None and recorded != operational:
        message = f"A suspended sentence order ends with its operational period ({operational})."
        _check(errors, "order_end_on", message)
    return operational


def _atr_end_errors(
    fields: Mapping[str, Any],
    start_on: date,
    order_end_on: date | None,
    errors: dict[str, str],
) -> None:
    atr_end_on = _end_on(fields, "atr_end_on", errors)
    if atr_end_on is None:
        return
    if atr_end_on < start_on:
        _check(errors, "atr_end_on", f"The ATR cannot end before it starts ({start_on}).")
    if order_end_on is not None and atr_end_on > order_end_on:
        _check(
            errors,
            "atr_end_on",
            f"The ATR cannot end after the order ends ({order_end_on}).",
        )
    # Community requirements of a suspended sentence bind only during its supervision period.
    supervision = fields.get("supervision_end_on")
    on_sso = fields.get("order_type") == "suspended_sentence"
    if on_sso and isinstance(supervision, date) and atr_end_on > supervision:
        message = f"The ATR cannot end after the supervision period ends ({supervision})."
        _check(errors, "atr_end_on", message)


ADULT_AGE = 18


def age_on(date_of_birth: date, day: date) -> int:
    """Whole years of age on `day`."""
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def atr_age_error(date_of_birth: date | None, start_on: date) -> str | None:
    """An ATR is for adults: 18 or over on the order's start (Sentencing Act 2020 s.208 and Sch 9)."""
    if date_of_birth is None:
        return "An ATR is for adults: record the date of birth first."
    if age_on(date_of_birth, start_on) < ADULT_AGE:
        return f"An ATR is for adults: the person is under {ADULT_AGE} on {start_on.isoformat()}."
    return None


def supervision_errors(
    fields: Mapping[str, Any],
    start_on: date,
    release_dates: Mapping[str, date],
    pss_ends_on: date | None,
) -> dict[str, str]:
    """Licence supervision ends by LED (else SED); post-sentence supervision by TUSED, while PSS exists."""
    kind = fields.get("supervision_type") or "licence"
    end_on = fields.get("supervision_end_on")
    if kind == "post_sentence_supervision":
        if pss_ends_on is not None and start_on >= pss_ends_on:
            ended = pss_ends_on.isoformat()
            return {
                "supervision_type": f"Post-sentence supervision ended on {ended}; record a licence instead."
            }
        limit, name = release_dates.get("tused"), "the top-up supervision expiry date (TUSED)"
    else:
        limit, name = release_dates.get("led"), "the licence expiry date (LED)"
        if limit is None:
            limit, name = release_dates.get("sed"), "the sentence expiry date (SED)"
    if isinstance(end_on, date) and limit is not None and end_on > limit:
        return {"supervision_end_on": f"Supervision cannot end after {name}, {limit.isoformat()}."}
    return {}
