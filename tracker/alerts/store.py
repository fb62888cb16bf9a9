"""Writing alerts: insert under the unique key, skipping any that exist, on SQLite and PostgreSQL.

One statement for a whole chunk of alerts. On PostgreSQL the rows travel as one array per column and
unnest() turns them back into rows: a multi-row VALUES list of thousands of rows cost more to build and
parse on the client than the insert cost the server.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, text, update
from sqlalchemy.dialects import postgresql, sqlite

from tracker.alerts.models import Alert
from tracker.extensions import among, array_literal, db

TEAM_RECIPIENTS = ("establishment", "probation", "treatment", "owning_team")
ALERT_KEY = ["rule", "subject_type", "subject_id", "checkpoint_on"]
# Each column of a new alert with its PostgreSQL array type; status and raised_at are the same for all.
ARRAYS = {
    "rule": "varchar[]",
    "subject_type": "varchar[]",
    "subject_id": "integer[]",
    "checkpoint_on": "date[]",
    "person_id": "integer[]",
    "team_id": "integer[]",
    "staff_id": "integer[]",
    "severity": "varchar[]",
    "message": "text[]",
}
UNNEST_INSERT = text(
    f"INSERT INTO alerts ({', '.join(ARRAYS)}, status, raised_at)"
    f" SELECT {', '.join(ARRAYS)}, 'open', :raised_at"
    f" FROM unnest({', '.join(f'CAST(:{c} AS {t})' for c, t in ARRAYS.items())}) AS new ({', '.join(ARRAYS)})"
    f" ON CONFLICT ({', '.join(ALERT_KEY)}) DO NOTHING RETURNING id"
)


def recipients(subject: Any, rule_config: dict[str, Any]) -> tuple[int | None, int | None]:
    """The team and the offender manager who hear of this rule's alerts on this subject."""
    wanted = rule_config["recipients"]
    team_id = next(
        (subject.teams.get(r) for r in wanted if r in TEAM_RECIPIENTS and subject.teams.get(r)), None
    )
    staff_id = subject.offender_manager_id if "offender_manager" in wanted else None
    return team_id, staff_id


def insert_new_alerts(due: list, rule_configs: dict[str, Any], now: datetime) -> int:
    """Insert each due alert unless its key exists; returns how many were new."""
    rows = []
    for rule_id, subject, finding in due:
        team_id, staff_id = recipients(subject, rule_configs[rule_id])
        rows.append(
            {
                "rule": rule_id,
                "subject_type": subject.subject_type,
                "subject_id": subject.subject_id,
                "checkpoint_on": finding.checkpoint_on,
                "person_id": subject.person_id,
                "team_id": team_id,
                "staff_id": staff_id,
                "severity": rule_configs[rule_id]["severity"],
                "message": finding.message,
                "status": "open",
                "raised_at": now,
            }
        )
    if not rows:
        return 0
    if db.engine.dialect.name == "postgresql":
        columns = {c: array_literal([row[c] for row in rows]) for c in ARRAYS}
        return len(db.session.execute(UNNEST_INSERT, columns | {"raised_at": now}).all())
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(Alert).on_conflict_do_nothing(index_elements=ALERT_KEY).returning(Alert.id)
    return len(db.session.execute(statement, rows).all())


# On PostgreSQL, each alert's own resolution travels in an array beside its id.
UNNEST_RESOLVE = text(
    "UPDATE alerts SET status = 'resolved', resolved_at = :now, resolution = gone.resolution"
    " FROM unnest(CAST(:ids AS integer[]), CAST(:resolutions AS text[])) AS gone (id, resolution)"
    " WHERE alerts.id = gone.id"
)


def resolve_alerts(resolutions: dict[int, str], now: datetime) -> None:
    """Resolve these alerts, each with its own resolution, in one statement."""
    if not resolutions:
        return
    if db.engine.dialect.name == "postgresql":
        ids = list(resolutions)
        why = array_literal([resolutions[i] for i in ids])
        values = {"ids": array_literal(ids), "resolutions": why, "now": now}
        db.session.execute(UNNEST_RESOLVE, values)
    else:
        table = cast(Table, Alert.__table__)
        db.session.execute(
            update(table)
            .where(table.c.id == bindparam("alert_id"))
            .values(status="resolved", resolved_at=now, resolution=bindparam("why")),
            [{"alert_id": alert_id, "why": why} for alert_id, why in resolutions.items()],
        )
    _expire_loaded(set(resolutions))


def reopen_alerts(ids: list[int]) -> None:
    """Open these resolved alerts again, in one statement."""
    if ids:
        table = cast(Table, Alert.__table__)
        reopened = update(table).where(among(table.c.id, ids))
        db.session.execute(reopened.values(status="open", resolved_at=None, resolution=None))
        _expire_loaded(set(ids))


def _expire_loaded(ids: set[int]) -> None:
    # These statements bypass the ORM: any of these alerts the session holds is read again when next used.
    for loaded in list(db.session.identity_map.values()):
        if isinstance(loaded, Alert) and loaded.id in ids:
            db.session.expire(loaded)
