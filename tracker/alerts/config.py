"""config/alerts.toml: rule offsets, severities and recipients, read once per process."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from tracker.alerts import rules
from tracker.alerts.models import SEVERITIES
from tracker.pathway.continuity import CONTINUITY_DAYS

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
        counted = rule.get("working_days")
        if (rule_id in rules.WORKING_DAY_RULES) != isinstance(counted, int) or (counted or 0) < 0:
            raise AlertConfigError(
                f"{path.name}: {rule_id} working_days must be a whole number of days "
                f"for {sorted(rules.WORKING_DAY_RULES)} and is not used by any other rule"
            )
    if not DATA_PROBLEM_RECIPIENTS <= set(config["rules"]["data_problem"]["recipients"]):
        raise AlertConfigError(f"{path.name}: data_problem must reach {sorted(DATA_PROBLEM_RECIPIENTS)}")
    _continuity_window(config["rules"], path)
    return config


# The continuity window (indicator C20) is one number for the rules, the sweep, the board and the reports,
# so the file may not set it: a value here would move the alerts and nothing else.
WINDOW_SETTINGS = (("continuity_outcome", "offset_days"), ("first_appointment_missing", "within_days"))


def _continuity_window(rules_config: dict[str, Any], path: Path) -> None:
    for rule_id, setting in WINDOW_SETTINGS:
        if setting in rules_config[rule_id]:
            raise AlertConfigError(
                f"{path.name}: {rule_id} {setting} is the continuity window, "
                "CONTINUITY_DAYS in tracker/pathway/continuity.py; remove it here"
            )
    # A+21: the outcome is fixed on the window's last day.
    rules_config["continuity_outcome"]["offset_days"] = CONTINUITY_DAYS
