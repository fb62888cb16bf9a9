"""Schemathesis hooks for `make fuzz` (SCHEMATHESIS_HOOKS=tests.fuzz.hooks): real ids in most paths.

The launcher (tests/fuzz/run.py) writes the ids of the seeded records to FUZZ_KNOWN_IDS as JSON.
"""

from __future__ import annotations

import json
import os
from typing import Any

import schemathesis

from tests.fuzz.world import with_real_ids

KNOWN = json.loads(os.environ.get("FUZZ_KNOWN_IDS", "{}"))


@schemathesis.hook
def map_path_parameters(context: Any, path_parameters: dict[str, Any]) -> dict[str, Any]:
    return with_real_ids(path_parameters, KNOWN)
