"""The pure reading of a release list (tracker/pathway/release_rows.py): no app, no database."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from tracker.pathway import release_rows
from tracker.pathway.release_rows import CLEAR, Reject, Row, Unreadable

TODAY = date(2026, 11, 30)
HEADER = "prison_number,crn,crd\r\n"


def rows_of(text: str) -> list[tuple[int, dict[str, str]]]:
    return list(release_rows.read(text)[1])


def parse(**cells: str) -> Row | list[Reject]:
    return release_rows.parse(2, {"prison_number": "A1234BC"} | cells, TODAY)


def test_a_byte_order_mark_is_allowed_and_other_encodings_are_unreadable():
    assert release_rows.decode("\ufeffprison_number\n".encode()) == "prison_number\n"
    with pytest.raises(Unreadable, match=r"Not UTF-8 \(line 2\)"):
        release_rows.decode("prison_number\nJos\u00e9".encode("latin-1"))


def test_columns_come_in_any_order_and_any_case():
    columns, cells = release_rows.read("CRD, Prison_Number\r\n2027-01-01,A1234BC\r\n")
    assert columns == ["crd", "prison_number"]
    assert list(cells) == [(2, {"crd": "2027-01-01", "prison_number": "A1234BC"})]


@pytest.mark.parametrize(
    ("header", "why"),
    [
        ("", "empty"),
        ("prison_number,crd,crd", "appears twice"),
        ("prison_number,release", "Unknown column 'release'"),
        ("given_name,crd", "prison_number or a crn"),
    ],
)
def test_a_header_we_cannot_trust_makes_the_file_unreadable(header, why):
    with pytest.raises(Unreadable, match=why):
        release_rows.read(header + "\n")


def test_blank_lines_are_skipped_and_line_numbers_count_them():
    assert [line for line, _ in rows_of(HEADER + "\r\nA1234BC,,\r\n")] == [3]


@pytest.mark.parametrize(
    ("text", "day"), [("2027-03-15", date(2027, 3, 15)), ("15/03/2027", date(2027, 3, 15))]
)
def test_dates_are_iso_or_day_month_year(text, day):
    assert parse(crd=text).release_dates == {"crd": day}


@pytest.mark.parametrize("text", ["15-03-2027", "2027-02-30", "3/15/2027", "tomorrow", "31/02/2027"])
def test_anything_else_is_not_a_date(text):
    assert parse(crd=text) == [Reject(2, "crd", "Not a date: write YYYY-MM-DD or DD/MM/YYYY.")]


def test_dates_keep_to_their_bounds():
    assert parse(crd="2199-01-01") == [Reject(2, "crd", "Cannot be after 2150-12-31.")]
    assert parse(date_of_birth="2027-01-01") == [Reject(2, "date_of_birth", "Cannot be after 2026-11-30.")]


def test_an_empty_cell_leaves_a_date_and_a_dash_clears_it():
    row = parse(crd="", ard=CLEAR)
    assert row.release_dates == {"ard": None}


def test_ids_are_checked_and_read_in_capitals():
    row = parse(prison_number="a1234bc", crn="x123456")
    assert (row.prison_number, row.crn) == ("A1234BC", "X123456")
    assert parse(prison_number="", crn="") == [
        Reject(2, "prison_number", "A prison number or a CRN is needed.")
    ]
    assert parse(crn="123") == [Reject(2, "crn", "A CRN is a letter and six digits, like X123456.")]


def test_control_characters_and_extra_cells_are_refused():
    assert parse(given_name="Sam\x00") == [Reject(2, "given_name", "Contains a control character (U+0000).")]
    assert parse(_extra="x") == [Reject(2, "", "More cells than the header has columns.")]


def test_a_person_named_twice_is_refused_the_second_time():
    seen = release_rows.SeenRows()
    first, second = parse(crn="X123456"), release_rows.parse(5, {"crn": "X123456"}, TODAY)
    assert seen.repeat(first) is None
    assert seen.repeat(second) == Reject(5, "crn", "The same person as line 2; one row per person.")


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_rejects_escape_every_cell_a_spreadsheet_would_run(start):
    value = f'{start}HYPERLINK("http://evil")'
    text = release_rows.rejects_csv([Reject(2, "crd", "Bad.")], {2: {"crd": value}}, ["crd"])
    assert list(csv.reader(io.StringIO(text))) == [
        ["line", "column", "reason", "crd"],
        ["2", "crd", "Bad.", "'" + value],
    ]


def test_a_nul_byte_is_a_rejected_cell_or_an_unreadable_file_never_a_crash():
    try:
        rows = rows_of(HEADER + "A1234BC,X12\x003456,\r\n")
    except Unreadable:
        return
    assert release_rows.parse(*rows[0], TODAY) == [Reject(2, "crn", "Contains a control character (U+0000).")]


def test_a_cell_larger_than_the_csv_module_takes_makes_the_file_unreadable():
    with pytest.raises(Unreadable, match="Line 2"):
        rows_of(HEADER + "A1234BC," + "x" * 200_000 + ",\r\n")
