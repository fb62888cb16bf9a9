"""PURE: reading a prison release list (CSV) into rows, and each row's cells into checked values.

Nothing here touches the database: a row is checked for what it says on its own (its dates, its ids,
its characters) and against the rows before it (the same person twice); whether the person is known
and what the transition table allows is the applying's business (tracker/pathway/release_import.py).
Rejected rows go back to the user as a CSV, which they open in a spreadsheet, so every cell that a
spreadsheet would run as a formula is escaped.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date

from tracker.pathway.bounds import BIRTH, FAR

RELEASE_DATE_COLUMNS = ("crd", "ard", "ped", "hdced", "hdcad", "led", "sed", "tused", "confirmed")
COLUMNS = (
    "prison_number",
    "crn",
    "given_name",
    "family_name",
    "date_of_birth",
    "establishment_code",
    "sentence_start_on",
    *RELEASE_DATE_COLUMNS,
    "offender_manager_email",
)
# `-` in a date cell clears the stored date; an empty cell leaves it as it is.
CLEAR = "-"
PRISON_NUMBER = re.compile(r"^[A-Z]\d{4}[A-Z]{2}$")
CRN = re.compile(r"^[A-Z]\d{6}$")
ESTABLISHMENT_CODE = re.compile(r"^[A-Z0-9]{2,20}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
UK_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
# The same characters tracker/inputs.py refuses in any request (it imports Flask, so not from there).
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
LENGTHS = {"given_name": 100, "family_name": 100, "offender_manager_email": 254}
# A spreadsheet runs a cell that begins with one of these as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class Unreadable(Exception):
    """The file as a whole cannot be read: not UTF-8, no header, or a header we cannot trust."""


@dataclass(frozen=True)
class Reject:
    """Why one row was not applied: its line in the file, the column at fault, and the reason."""

    line: int
    column: str
    reason: str


@dataclass
class Row:
    """One row's checked values; a date is a day, CLEAR, or absent (left as stored)."""

    line: int
    cells: dict[str, str]
    prison_number: str | None = None
    crn: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    date_of_birth: date | None = None
    establishment_code: str | None = None
    sentence_start_on: date | None = None
    offender_manager_email: str | None = None
    # kind -> a day, or None to clear it; a kind left empty in the file is not here.
    release_dates: dict[str, date | None] = field(default_factory=dict)


def decode(data: bytes) -> str:
    """The file's text: UTF-8, a byte order mark allowed; anything else is Unreadable, naming the line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as bad:
        line = data[: bad.start].count(b"\n") + 1
        raise Unreadable(f"Not UTF-8 (line {line}); save the file as CSV UTF-8 and try again.") from None


def read(text: str) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The header's columns and each row's cells by column, with the row's line number in the file."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise Unreadable("The file is empty; it needs a header row.") from None
    except csv.Error as bad:
        raise Unreadable(f"Line 1: {bad}.") from None
    columns = [name.strip().lower() for name in header]
    if not any(columns):
        raise Unreadable("The first line is empty; it must be the header row.")
    _check_header(columns)
    return columns, _cells(reader, columns)


def _check_header(columns: list[str]) -> None:
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        raise Unreadable(
            f"Unknown column {unknown[0]!r} in the header; the columns are {', '.join(COLUMNS)}."
        )
    repeated = [c for c in columns if columns.count(c) > 1]
    if repeated:
        raise Unreadable(f"Column {repeated[0]!r} appears twice in the header.")
    if "prison_number" not in columns and "crn" not in columns:
        raise Unreadable("The header needs a prison_number or a crn column to find each person.")


def _cells(reader: Iterator[list[str]], columns: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    line = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as bad:
            raise Unreadable(f"Line {line + 1}: {bad}.") from None
        line = reader.line_num  # type: ignore[attr-defined]
        if not any(v.strip() for v in values):
            continue
        cells = {name: value.strip() for name, value in zip(columns, values, strict=False)}
        if len(values) > len(columns):
            cells["_extra"] = ",".join(values[len(columns) :])
        yield line, cells


def parse(line: int, cells: Mapping[str, str], today: date) -> Row | list[Reject]:
    """One row's checked values, or every reason it is refused (each naming its column)."""
    row = Row(line=line, cells=dict(cells))
    rejects: list[Reject] = []
    if "_extra" in cells:
        rejects.append(Reject(line, "", "More cells than the header has columns."))
    for column, value in cells.items():
        if column != "_extra" and CONTROL.search(value):
            found = CONTROL.search(value)
            assert found is not None
            rejects.append(
                Reject(line, column, f"Contains a control character (U+{ord(found.group()):04X}).")
            )
    if rejects:
        return rejects
    checks = (_ids, _names, _dates)
    for check in checks:
        rejects.extend(check(row, cells, today))
    return rejects or row


def _ids(row: Row, cells: Mapping[str, str], today: date) -> list[Reject]:
    rejects = []
    prison_number, crn = cells.get("prison_number", "").upper(), cells.get("crn", "").upper()
    if not prison_number and not crn:
        rejects.append(Reject(row.line, "prison_number", "A prison number or a CRN is needed."))
    if prison_number and not PRISON_NUMBER.match(prison_number):
        rejects.append(Reject(row.line, "prison_number", "A prison number is like A1234BC."))
    if crn and not CRN.match(crn):
        rejects.append(Reject(row.line, "crn", "A CRN is a letter and six digits, like X123456."))
    code = cells.get("establishment_code", "").upper()
    if code and not ESTABLISHMENT_CODE.match(code):
        rejects.append(Reject(row.line, "establishment_code", "An establishment code is letters and digits."))
    email = cells.get("offender_manager_email", "").lower()
    if email and not EMAIL.match(email):
        rejects.append(Reject(row.line, "offender_manager_email", "Not an email address."))
    row.prison_number, row.crn = prison_number or None, crn or None
    row.establishment_code, row.offender_manager_email = code or None, email or None
    return rejects


def _names(row: Row, cells: Mapping[str, str], today: date) -> list[Reject]:
    rejects = [
        Reject(row.line, column, f"At most {most} characters.")
        for column, most in LENGTHS.items()
        if len(cells.get(column, "")) > most
    ]
    row.given_name = cells.get("given_name") or None
    row.family_name = cells.get("family_name") or None
    return rejects


def _dates(row: Row, cells: Mapping[str, str], today: date) -> list[Reject]:
    rejects = []
    for column in ("date_of_birth", "sentence_start_on", *RELEASE_DATE_COLUMNS):
        text = cells.get(column, "")
        if not text:
            continue
        if text == CLEAR and column in RELEASE_DATE_COLUMNS:
            row.release_dates[column] = None
            continue
        day = parse_date(text)
        problem = "Not a date: write YYYY-MM-DD or DD/MM/YYYY." if day is None else None
        if day is not None:
            problem = (BIRTH if column == "date_of_birth" else FAR).error(day, today)
        if problem:
            rejects.append(Reject(row.line, column, problem))
        elif column in RELEASE_DATE_COLUMNS:
            row.release_dates[column] = day
        else:
            setattr(row, column, day)
    return rejects


def parse_date(text: str) -> date | None:
    """A day written YYYY-MM-DD or DD/MM/YYYY, or None when it is neither or no such day."""
    try:
        if ISO_DATE.match(text):
            return date.fromisoformat(text)
        found = UK_DATE.match(text)
        if found:
            return date(int(found[3]), int(found[2]), int(found[1]))
    except ValueError:
        return None
    return None


class SeenRows:
    """Who the rows before this one named, so a person named twice in one file is refused the second time."""

    def __init__(self) -> None:
        self._lines: dict[tuple[str, str], int] = {}

    def repeat(self, row: Row) -> Reject | None:
        """The reject for a row naming a person an earlier row named, or None (and remember this row)."""
        keys = [("prison_number", row.prison_number), ("crn", row.crn)]
        for column, value in keys:
            if value and (column, value) in self._lines:
                earlier = self._lines[(column, value)]
                return Reject(row.line, column, f"The same person as line {earlier}; one row per person.")
        for column, value in keys:
            if value:
                self._lines[(column, value)] = row.line
        return None


def escape_cell(value: str) -> str:
    """The cell as a spreadsheet shows it as text: a leading formula character gets a quote before it."""
    return "'" + value if value.startswith(FORMULA_START) else value


def rejects_csv(
    rejects: list[Reject], cells_by_line: Mapping[int, Mapping[str, str]], columns: list[str]
) -> str:
    """The rejects file: line, column and reason, then the row as it was, every cell escaped."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["line", "column", "reason", *columns])
    for reject in rejects:
        cells = cells_by_line.get(reject.line, {})
        values = [str(reject.line), reject.column, reject.reason, *(cells.get(c, "") for c in columns)]
        writer.writerow([escape_cell(v) for v in values])
    return out.getvalue()
