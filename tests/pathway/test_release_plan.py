"""What each row of a release list will do (tracker/pathway/release_plan.py): no app, no database."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.pathway import release_rows
from tracker.pathway.release_plan import NOT_YOURS, Custody, Known, Plan, Stored, Terms, plan
from tracker.pathway.release_rows import Reject, Row

TODAY = date(2026, 11, 30)
BCI, EWI = 7, 8
TERMS = Terms(today=TODAY, source="NOMIS")


def row(**cells: str) -> Row:
    parsed = release_rows.parse(2, {"prison_number": "A1234BC", "establishment_code": "BCI"} | cells, TODAY)
    assert isinstance(parsed, Row), parsed
    return parsed


def stored(*people: Known) -> Stored:
    found = Stored(establishments={"BCI": BCI, "EWI": EWI}, managers={"om@example.org": 3})
    for person in people:
        found.add(person)
    return found


def in_custody(crd: date | None = date(2027, 3, 15), at: int = BCI, **fields) -> Known:
    dates = {"crd": crd} if crd else {}
    custody = Custody(10, date(2026, 1, 12), at, date(2026, 1, 12), dates)
    return Known(
        **{
            "id": 1,
            "prison_number": "A1234BC",
            "crn": "X123456",
            "offender_manager_email": "om@example.org",
            "current_kind": "custody",
            "latest_start_on": date(2026, 1, 12),
            "custody": custody,
        }
        | fields
    )


def planned(found: Plan | Reject | tuple[Plan, list[Reject]]) -> Plan:
    assert isinstance(found, tuple), found
    return found[0]


def test_a_row_for_nobody_known_adds_a_person_in_custody_with_its_dates_worked_out():
    new = planned(
        plan(
            row(
                given_name="Sam",
                family_name="Jones",
                crd="2027-03-15",
                offender_manager_email="om@example.org",
            ),
            stored(),
            TERMS,
        )
    )

    assert new.action == "create" and new.person_fields["offender_manager_id"] == 3
    assert new.custody == {
        "kind": "custody",
        "start_on": TODAY,
        "basis": "sentenced",
        "establishment_team_id": BCI,
        "release_dates": {"crd": date(2027, 3, 15), "source": "NOMIS"},
    }
    assert new.stage_after["release_on"] == new.stage_after["expected_end_on"] == date(2027, 3, 15)


@pytest.mark.parametrize(
    ("cells", "column", "reason"),
    [
        ({}, "offender_manager_email", "Not known here"),
        ({"offender_manager_email": "x@example.org"}, "offender_manager_email", "No active offender manager"),
        ({"offender_manager_email": "om@example.org"}, "given_name", "Needed to add a person."),
        ({"establishment_code": "XYZ"}, "establishment_code", "Unknown establishment code."),
    ],
)
def test_a_person_is_added_only_with_an_offender_manager_and_names(cells, column, reason):
    refused = plan(row(**cells), stored(), TERMS)

    assert isinstance(refused, Reject) and refused.column == column and reason in refused.reason


def test_a_prison_number_and_a_crn_of_two_people_are_refused_and_a_name_never_matches():
    other = in_custody(id=2, prison_number="B2345CD", crn="X222222")

    refused = plan(row(crn="X222222"), stored(in_custody(), other), TERMS)
    by_name = plan(row(prison_number="C3456DE", given_name="Sam", family_name="Jones"), stored(), TERMS)

    assert isinstance(refused, Reject) and refused.column == "crn"
    assert isinstance(by_name, Reject) and by_name.column == "offender_manager_email"


def test_moved_dates_are_an_update_and_the_same_dates_are_unchanged():
    known = stored(in_custody())

    moved = planned(plan(row(crd="-", confirmed="2027-03-10"), known, TERMS))
    same = planned(plan(row(crd="2027-03-15", confirmed="-"), known, TERMS))

    assert moved.action == "update" and moved.changes == {"crd": None, "confirmed": date(2027, 3, 10)}
    assert moved.dates_after == {"confirmed": date(2027, 3, 10)}
    assert moved.stage_after["release_on"] == date(2027, 3, 10)
    assert same.action == "unchanged"  # clearing a date that is not stored changes nothing


def test_a_different_offender_manager_or_establishment_is_a_warning_not_a_change():
    found = plan(
        row(establishment_code="EWI", crd="2027-04-20", offender_manager_email="other@example.org"),
        stored(in_custody()),
        TERMS,
    )

    assert isinstance(found, tuple)
    assert [w.column for w in found[1]] == ["offender_manager_email", "establishment_code"]


def test_from_the_page_a_person_held_at_another_establishment_is_not_yours():
    refused = plan(row(crd="2027-04-20"), stored(in_custody(at=EWI)), Terms(TODAY, "page", BCI))

    assert isinstance(refused, Reject) and refused.reason == NOT_YOURS


@pytest.mark.parametrize(("current", "opens"), [("court", True), ("licence", True), ("arrest", False)])
def test_custody_opens_only_where_the_transition_table_allows(current, opens):
    known = in_custody(current_kind=current, custody=None)

    found = plan(row(crd="2027-04-20"), stored(known), TERMS)

    assert (isinstance(found, tuple) and found[0].action == "open") is opens
    if not opens:
        assert isinstance(found, Reject) and "Allowed next: court, closed." in found.reason


def test_a_date_before_the_custody_stage_starts_is_refused_on_its_column():
    refused = plan(row(crd="2025-12-01"), stored(in_custody()), TERMS)

    assert isinstance(refused, Reject) and refused.column == "crd"
