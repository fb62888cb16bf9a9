"""Structured logs for production: one JSON object a line, for a log shipper to read without parsing.

Records are redacted before they get here (tracker/privacy.py RedactPersonalData on our loggers); this
only lays them out. gunicorn's access lines become fields of their own, with the path and never its
query string (a search's words would otherwise land in the logs).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

# gunicorn's access-log atoms (its `safe_atoms`), by the field name they get here.
ACCESS_FIELDS = {
    "remote": "h",
    "method": "m",
    "path": "U",
    "status": "s",
    "bytes": "B",
    "duration_ms": "M",
    "user_agent": "a",
}

NUMBERS = {"status", "bytes", "duration_ms"}


class JsonFormatter(logging.Formatter):
    """A record as one line of JSON: time, level, logger, message, and the exception if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            atoms = record.args
            entry["message"] = "request"
            for name, atom in ACCESS_FIELDS.items():
                value = atoms.get(atom)
                entry[name] = int(str(value)) if name in NUMBERS and str(value).isdigit() else value
        else:
            entry["message"] = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, default=str)


def use_json_logs(level: int = logging.INFO) -> None:
    """Every log line as JSON on stderr: the root's handlers (gunicorn's, if it set any) get the JSON
    layout, or one is added, and Flask's own handler on our logger gives way to the root's."""
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler(sys.stderr))
    for handler in root.handlers:
        handler.setFormatter(JsonFormatter())
    root.setLevel(level)
    ours = logging.getLogger("tracker")
    for handler in list(ours.handlers):
        ours.removeHandler(handler)  # Flask's default handler would write each line a second time, as text
