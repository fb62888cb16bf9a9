"""The report pages: each role in scope sees a chart and its table, a print view and a CSV; admin none."""

from __future__ import annotations

import pytest

from tests.web.helpers import text


@pytest.mark.parametrize("role", ["commissioner", "resettlement", "om", "treatment"])
def test_each_role_with_a_scope_sees_the_report_page(world, signed_in, role):
    browser = signed_in(getattr(world, role))

    page = browser.get("/reports/continuity?by=month")

    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert 'id="report-chart"' in body and 'id="report-chart-data"' in body
    assert "What this shows" in body and "Download this table as CSV" in body
    assert "England 2023-24: 53%" in body  # the trend's reference lines


def test_admin_sees_no_report_page(world, signed_in):
    assert signed_in(world.admin).get("/reports/continuity").status_code == 403


def test_the_index_lists_every_report(world, signed_in):
    page = text(signed_in(world.commissioner).get("/reports"))

    assert "Continuity of care (C20)" in page


def test_the_print_view_and_the_csv(world, signed_in):
    browser = signed_in(world.commissioner)

    assert "print command" in text(browser.get("/reports/continuity/print?by=sex"))
    csv = browser.get("/reports/continuity/csv?by=sex")
    assert csv.mimetype == "text/csv" and csv.get_data(as_text=True).startswith("sex,released,started,share")


def test_a_bad_breakdown_on_a_page_is_refused(world, signed_in):
    assert signed_in(world.commissioner).get("/reports/continuity?by=postcode").status_code == 422


def test_each_page_print_view_and_csv_is_audited_and_names_no_person(world, signed_in, db):
    from sqlalchemy import select

    from tracker.audit import AuditEntry

    browser = signed_in(world.commissioner)
    browser.get("/reports/referrals?by=month")
    browser.get("/reports/referrals/print")
    browser.get("/reports/referrals/csv")
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.subject_type == "report")).all()

    assert [(e.action, e.detail["report"], e.detail["by"], e.detail["how"]) for e in entries] == [
        ("view", "referrals", "month", "page"),
        ("view", "referrals", "service", "print"),
        ("export", "referrals", "service", "csv"),
    ]
    assert all(e.person_id is None and e.actor_id == world.commissioner.id for e in entries)


def test_the_referrals_page_shows_each_services_demand_by_month(world, signed_in):
    page = text(signed_in(world.commissioner).get("/reports/referrals"))

    assert "Referrals made: " in page  # a column per month of the year: Referrals made: 2026-04, ...
