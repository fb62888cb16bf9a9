"""config/alerts.toml: rule offsets, severities and recipients, read once per process."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from tracker.alerts import rules
from tracker.alerts.models import SEVERITIES

ALERTS_TOML = Path(__file__).resolve().parent.parent.parent / "config" / "alerts.toml"
KNOWN_RULES = (
    set(rules.RELEASE_RULES)
    | set(rules.CUSTODY_RULES)
    | set(rules.ATR_RULES)
    | set(rules.SCREENING_RULES)
    | set(rules.APPOINTMENT_RULES)
    | {"screening_due", "stage_overdue", "escalated"}
    | {"sms_reply", "sms_opted_out", "sms_failed"}
    | {"data_problem"}
)
# data_problem must reach someone who can fix the record: its owning team and the offender manager.
DATA_PROBLEM_RECIPIENTS = {"owning_team", "offender_manager"}
RECIPIENTS = {"establishment", "probation", "treatment", "owning_team", "offender_manager"}


class AlertConfigError(ValueError):
    """config/alerts.toml does not describe every rule correctly."""


@cache
def alert_config(path: Path = ALERTS_TOML) -> dict[str, Any]:
    """The parsed and checked alert configuration."""
    with path.open("rb") as f:
        config = tomllib.load(f)
    found = set(config.get("rules", {}))
    if found != KNOWN_RULES:
        raise AlertConfigError(
            f"{path.name}: rules missing {sorted(KNOWN_RULES - found)}, unknown {sorted(found - KNOWN_RULES)}"
        )
    for rule_id, rule in config["rules"].items():
        if rule.get("severity") not in SEVERITIES:
            raise AlertConfigError(f"{path.name}: {rule_id} severity must be one of {SEVERITIES}")
        if not set(rule.get("recipients", ())) <= RECIPIENTS or not rule.get("recipients"):
            raise AlertConfigError(f"{path.name}: {rule_id} recipients must be some of {sorted(RECIPIENTS)}")
    if not DATA_PROBLEM_RECIPIENTS <= set(config["rules"]["data_problem"]["recipients"]):
        raise AlertConfigError(f"{path.name}: data_problem must reach {sorted(DATA_PROBLEM_RECIPIENTS)}")
    return config
