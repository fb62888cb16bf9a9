"""Importing a release list from a page (issue 12 item 2): upload, check, confirm; own establishment only."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.web.helpers import text
from tracker.audit import AuditEntry
from tracker.pathway.models import Person, ReleaseDate
from tracker.pathway.release_import import sha256
from tracker.pathway.uploads import ReleaseListUpload

HEADER = "prison_number,crn,given_name,family_name,establishment_code,crd,offender_manager_email\r\n"


def csv_file(*rows: str, name: str = "list.csv") -> tuple[io.BytesIO, str]:
    return io.BytesIO((HEADER + "".join(r + "\r\n" for r in rows)).encode()), name


def upload(browser, *rows: str, name: str = "list.csv", raw: bytes | None = None):
    file = (io.BytesIO(raw), name) if raw is not None else csv_file(*rows, name=name)
    return browser.post("/releases/import", {"release_list": file})


NEW = "A1234BC,X123456,Sam,Jones,BCI,2027-03-15,om@example.org"


def test_a_resettlement_user_sees_what_the_file_would_do_then_confirms(world, signed_in, db):
    browser = signed_in(world.resettlement)

    response = upload(browser, NEW, "B2345CD,,Alex,Smith,BCI,2027-13-01,om@example.org")

    assert response.status_code == 302
    check_url = response.headers["Location"]
    page = text(browser.get(check_url))
    assert "2 rows read: 1 people added" in page and "1 rejected" in page
    assert "Not a date: write YYYY-MM-DD or DD/MM/YYYY." in page
    assert db.session.scalar(select(Person)) is None  # checking wrote nothing

    done = browser.post(check_url, {})

    assert done.status_code == 302
    assert "1 people added" in text(browser.get(done.headers["Location"]))
    crd = db.session.scalar(select(ReleaseDate))
    assert crd.source == "release list from HMP Bristol" and crd.recorded_by_id == world.resettlement.id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "import"))
    raw = (HEADER + NEW + "\r\n" + "B2345CD,,Alex,Smith,BCI,2027-13-01,om@example.org\r\n").encode()
    assert entry.actor_id == world.resettlement.id and entry.detail["sha256"] == sha256(raw)
    assert db.session.scalar(select(ReleaseListUpload)) is None


def test_rows_for_another_establishment_are_not_yours_whether_or_not_the_person_is_known(
    world, signed_in, make_case, db
):
    make_case(world.om, "court", prison_number="C3456DE")
    known_elsewhere = make_case(world.om, "court", "custody", prison_number="D4567EF")
    assert known_elsewhere.pathways[-1].stages[-1].establishment_team_id == world.prison.id
    browser = signed_in(world.other_resettlement)

    check_url = upload(
        browser,
        "C3456DE,,Sam,Jones,BCI,2027-03-15,om@example.org",  # known, names another establishment
        "E5678FG,,Pat,Lee,BCI,2027-03-15,om@example.org",  # unknown, names another establishment
        "D4567EF,,Sam,Jones,EWI,2027-03-15,om@example.org",  # known, held at another establishment
    ).headers["Location"]
    page = text(browser.get(check_url))

    assert page.count("Not your establishment.") == 3 and "3 rejected" in page
    assert "Import the valid rows" not in page


def test_only_a_file_ending_csv_and_at_most_5_mb_is_taken(world, signed_in):
    browser = signed_in(world.resettlement)

    not_csv = upload(browser, NEW, name="list.xlsx")
    too_big = upload(browser, raw=HEADER.encode() + b"x" * (5 * 1024 * 1024))
    latin = upload(browser, raw=HEADER.encode() + "Jos\u00e9".encode("latin-1"))

    assert not_csv.status_code == 200 and "The selected file must be a CSV." in text(not_csv)
    assert "smaller than 5 MB" in text(too_big)
    assert "Not UTF-8 (line 2)" in text(latin)
    assert 'class="govuk-error-message"' in text(latin)


def test_the_upload_is_checked_again_at_confirmation(world, signed_in, make_case, db):
    browser = signed_in(world.resettlement)
    check_url = upload(browser, NEW).headers["Location"]
    make_case(world.om, crn="X123456", prison_number="Z9999ZZ")  # the CRN now belongs to someone else

    browser.post(check_url, {})

    assert db.session.scalar(select(ReleaseDate)) is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "import"))
    assert entry.detail["rejected"] == 1


def test_another_user_cannot_see_or_confirm_an_upload_and_it_expires(world, signed_in, db):
    from tracker.types import utcnow

    check_url = upload(signed_in(world.resettlement), NEW).headers["Location"]
    colleague = signed_in(world.other_resettlement)

    assert colleague.get(check_url).status_code == 404
    upload_row = db.session.scalar(select(ReleaseListUpload))
    upload_row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert signed_in(world.resettlement).get(check_url).status_code == 404


@pytest.mark.parametrize("who", ["om", "treatment", "commissioner", "admin"])
def test_only_resettlement_users_import_from_the_page(world, signed_in, who):
    assert signed_in(getattr(world, who)).get("/releases/import").status_code == 403


def test_the_form_is_a_govuk_file_upload(world, signed_in):
    page = text(signed_in(world.resettlement).get("/releases/import"))

    assert re.search(r'<input class="govuk-file-upload[^"]*"[^>]*type="file"', page)
    assert 'enctype="multipart/form-data"' in page
