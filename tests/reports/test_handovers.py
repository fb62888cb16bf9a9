"""The handovers report against a fixture small enough to count on paper (all in June of last year)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from tracker.pathway.checklist import RELEASE_ITEMS

ALL_DONE = dict.fromkeys(RELEASE_ITEMS, "done")
ONLY_ACCOMMODATION = dict.fromkeys(RELEASE_ITEMS, "not_started") | {"accommodation": "done"}
NOTHING = dict.fromkeys(RELEASE_ITEMS, "not_started")


@pytest.fixture
def released(db, release):
    """released(on, crd, hdcad=None, checklist=None, appointment=None, housed=None): one release, with its
    CRD, its checklist at P-7, a community appointment `appointment` = (days after, kind, outcome), and
    its accommodation item marked done `housed` days after release."""
    from sqlalchemy import select

    from tracker.pathway.models import Appointment, Handover, HandoverItem, ReleaseDate

    def make(on: date, crd: date, hdcad=None, checklist=None, appointment=None, housed=None):
        kept = {"checklist_at_p7": checklist, "checklist_at_p7_on": crd - timedelta(days=7)}
        person = release(on, **(kept if checklist else {}))
        handover = db.session.scalar(select(Handover).where(Handover.person_id == person.id))
        for kind, value in (("crd", crd), ("hdcad", hdcad)):
            if value:
                db.session.add(ReleaseDate(stage_id=handover.stage_id, kind=kind, value_on=value, source="t"))
        if appointment:
            days, kind, outcome = appointment
            starts_at = datetime.combine(on + timedelta(days=days), time(11), UTC)
            db.session.add(Appointment(person_id=person.id, kind=kind, starts_at=starts_at, outcome=outcome))
        if housed is not None:
            done_at = datetime.combine(on + timedelta(days=housed), time(11), UTC)
            db.session.add(
                HandoverItem(handover_id=handover.id, item="accommodation", status="done", updated_at=done_at)
            )
        db.session.flush()

    return make


@pytest.fixture
def counted(db, released, last_year):
    """25 releases in June:
    10 with CRD on Wednesday 11 June, released that day: 5 with everything done at P-7, 5 with only
    accommodation; 5 seen by probation on day 21, 5 on day 22; 5 housed the day before, 5 the day after.
    10 with CRD on Friday 13 June: 5 released on the 12th, 5 on the 13th; no checklist kept at P-7;
    5 with an appointment on day 1 cancelled, 5 with a treatment session on day 2.
    5 on home detention curfew from Tuesday 10 June (CRD Friday 13th): nothing done at P-7."""
    year = last_year.start_on.year
    wednesday, friday = date(year, 6, 11), date(year, 6, 13)
    assert (wednesday.weekday(), friday.weekday()) == (2, 4)
    for n in range(10):
        released(
            wednesday,
            wednesday,
            checklist=ALL_DONE if n < 5 else ONLY_ACCOMMODATION,
            appointment=(21 if n % 2 else 22, "probation", None),
            housed=-1 if n % 2 else 1,
        )
    for n in range(10):
        released(
            friday - timedelta(days=1) if n < 5 else friday,
            friday,
            appointment=(1, "probation", "cancelled") if n % 2 else (2, "treatment_session", "attended"),
        )
    for _ in range(5):
        released(date(year, 6, 10), friday, hdcad=date(year, 6, 10), checklist=NOTHING)
    db.session.commit()
    return last_year


def test_the_year_by_establishment(counted, api_as, places):
    body = api_as(places.commissioner).get(f"/reports/handovers?period={counted.name}").json

    [row] = body["rows"]
    assert row["group"] == "HMP Bristol"
    assert (row["released"], row["checked_at_p7"]) == (25, 15)
    assert row["p7_accommodation"] == 10
    assert [row[f"p7_{item}"] for item in RELEASE_ITEMS if item != "accommodation"] == [5] * 8
    assert (row["appointment_21"], row["appointment_21_share"]) == (10, 40.0)
    assert (row["friday_or_pre_holiday"], row["brought_forward"]) == (10, 5)
    assert row["no_accommodation"] == 20
    assert row["suppressed"] == []
    assert body["total"]["released"] == 25


@pytest.mark.parametrize(
    ("role", "seen"),
    [("commissioner", 25), ("resettlement", 25), ("om", 25), ("treatment", 0)],
)
def test_each_role_sees_its_own_releases(counted, api_as, places, role, seen):
    body = api_as(getattr(places, role)).get(f"/reports/handovers?period={counted.name}").json

    assert body["total"]["released"] == seen


def test_another_establishment_sees_none_of_them(counted, api_as, places, make_staff):
    elsewhere = make_staff("resettlement", places.eastwood)

    body = api_as(elsewhere).get(f"/reports/handovers?period={counted.name}").json

    assert (body["rows"], body["total"]["released"]) == ([], 0)
