"""Equality monitoring codes and the bands a person falls in on a given day, used only in aggregate reports.

Standard library only: the codes, not the records.
"""

from __future__ import annotations

from datetime import date

# ONS 2021 census ethnic groups (England and Wales): each code and the top-level group it reports in.
ETHNIC_GROUPS: dict[str, str] = {
    "asian_bangladeshi": "asian",
    "asian_chinese": "asian",
    "asian_indian": "asian",
    "asian_pakistani": "asian",
    "asian_other": "asian",
    "black_african": "black",
    "black_caribbean": "black",
    "black_other": "black",
    "mixed_white_asian": "mixed",
    "mixed_white_black_african": "mixed",
    "mixed_white_black_caribbean": "mixed",
    "mixed_other": "mixed",
    "white_british": "white",
    "white_irish": "white",
    "white_gypsy_irish_traveller": "white",
    "white_roma": "white",
    "white_other": "white",
    "other_arab": "other",
    "other_any": "other",
    "not_stated": "not_stated",
}
ETHNIC_TOP_LEVEL: tuple[str, ...] = ("asian", "black", "mixed", "white", "other", "not_stated")
SEXES: tuple[str, ...] = ("female", "male", "other", "not_stated")
# Adults only: C20 counts people 18 or over on the day of release.
AGE_BANDS: tuple[str, ...] = ("under_18", "18_24", "25_34", "35_44", "45_54", "55_plus", "unknown")
SENTENCE_BANDS: tuple[str, ...] = ("under_12_months", "12_months_or_more", "remand", "unknown")


def age_on(date_of_birth: date, day: date) -> int:
    """Whole years of age on `day`."""
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def age_band(date_of_birth: date | None, day: date) -> str:
    """The age band a person was in on `day`."""
    if date_of_birth is None:
        return "unknown"
    age = age_on(date_of_birth, day)
    if age < 18:
        return "under_18"
    for upper, band in ((24, "18_24"), (34, "25_34"), (44, "35_44"), (54, "45_54")):
        if age <= upper:
            return band
    return "55_plus"


def sentence_band(basis: str | None, sentence_start_on: date | None, expiry_on: date | None) -> str:
    """Under 12 months, 12 months or more (sentence start to expiry), remand, or unknown: the cliff edge."""
    if basis == "remand":
        return "remand"
    if sentence_start_on is None or expiry_on is None:
        return "unknown"
    months = (expiry_on.year - sentence_start_on.year) * 12 + expiry_on.month - sentence_start_on.month
    if expiry_on.day < sentence_start_on.day:
        months -= 1
    return "under_12_months" if months < 12 else "12_months_or_more"
