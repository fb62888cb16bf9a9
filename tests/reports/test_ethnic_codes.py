"""The migration that codes free-text ethnic groups: ONS 2021 codes where the words match, else not_stated."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tracker.pathway.equality import ETHNIC_GROUPS

MIGRATION = next(
    (Path(__file__).parents[2] / "tracker" / "migrations" / "versions").glob("7365f64e469d_*.py")
)


@pytest.fixture(scope="module")
def code():
    spec = importlib.util.spec_from_file_location("coding_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert set(module.ETHNIC_CODES) == set(ETHNIC_GROUPS), "the migration's codes are the app's"
    return module._code


@pytest.mark.parametrize(
    "text, expected",
    [
        ("White: Welsh", "white_british"),
        ("Indian", "asian_indian"),
        ("Mixed: White and Black Caribbean", "mixed_white_black_caribbean"),
        ("Gypsy or Irish Traveller", "white_gypsy_irish_traveller"),
        ("Any other White background", "white_other"),
        ("white_british", "white_british"),
        ("Prefer not to say", "not_stated"),
        ("Martian", "not_stated"),
        (None, None),
    ],
)
def test_free_text_becomes_a_code(code, text, expected):
    assert code(text) == expected
