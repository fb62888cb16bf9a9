"""The outcomes report against a fixture small enough to count on paper."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

EXITS = ("completed", "revoked_breach", "revoked_new_offence", "transferred", "other", None)


@pytest.fixture
def stage(db):
    """stage(person_id, kind, start_on, end_on=None, exit_reason=None): a stage on a pathway of its own."""
    from tracker.pathway.models import Pathway, Stage

    def make(person_id: int, kind: str, start_on: date, end_on=None, exit_reason=None):
        pathway = Pathway(person_id=person_id, opened_on=start_on)
        db.session.add(pathway)
        db.session.flush()
        db.session.add(
            Stage(
                pathway_id=pathway.id,
                person_id=person_id,
                position=0,
                kind=kind,
                start_on=start_on,
                end_on=end_on,
                exit_reason=exit_reason,
            )
        )
        db.session.flush()

    return make


@pytest.fixture
def counted(db, release, stage, last_year):
    """10 April: 15 released under 12 months, 5 back on day 91, 5 on day 365, 5 not (day 0 is no return).
    10 January: 10 released for 12 months or more, 5 back on day 20 (12 months not yet passed).
    ATRs: 10 started 10 May; 30 ended 10 October, 5 for each exit reason and 5 with none recorded."""
    from tracker.pathway.models import Person

    start = last_year.start_on
    april, january = start + timedelta(days=9), date(start.year + 1, 1, 10)
    for back in [91] * 5 + [365] * 5 + [0] * 5:  # a custody stage on the day of release is no return
        person = release(april, sentence_band="under_12_months")
        stage(person.id, "custody", april + timedelta(days=back))
    for back in [20] * 5 + [None] * 5:
        person = release(january, sentence_band="12_months_or_more")
        if back is not None:
            stage(person.id, "custody", january + timedelta(days=back))
    for _ in range(10):
        person = Person(given_name="A", family_name="Test")
        db.session.add(person)
        db.session.flush()
        stage(person.id, "atr", start + timedelta(days=39))
    for reason in EXITS:
        for _ in range(5):
            person = Person(given_name="A", family_name="Test")
            db.session.add(person)
            db.session.flush()
            stage(person.id, "atr", start - timedelta(days=30), start + timedelta(days=192), reason)
    db.session.commit()
    return last_year


def test_returns_to_custody_by_sentence_length_and_atr_exits(counted, api_as, places):
    body = api_as(places.commissioner).get(f"/reports/outcomes?period={counted.name}").json

    rows = {
        r["group"]: (r["released_3m"], r["returned_3m"], r["released_12m"], r["returned_12m"])
        for r in body["rows"]
    }
    assert rows["under_12_months"] == (15, 5, 15, 10)
    assert rows["12_months_or_more"] == (10, 5, 0, 0)
    assert rows["atr_order"] == (0, 0, 0, 0)
    shares = {r["group"]: (r["returned_3m_share"], r["returned_12m_share"]) for r in body["rows"]}
    assert shares["under_12_months"] == (33.3, 66.7)
    assert shares["12_months_or_more"] == (50.0, None)
    atr = next(r for r in body["rows"] if r["group"] == "atr_order")
    assert (atr["atr_started"], atr["atr_ended"]) == (10, 30)
    assert [atr[f"atr_{r or 'not_recorded'}"] for r in EXITS] == [5] * 6
    total = body["total"]
    assert (total["released_3m"], total["returned_3m"], total["atr_started"], total["atr_ended"]) == (
        25,
        10,
        10,
        30,
    )


def test_each_event_in_its_month(counted, api_as, places):
    body = api_as(places.commissioner).get(f"/reports/outcomes?period={counted.name}&by=month").json

    months = {r["group"]: r for r in body["rows"]}
    year = counted.start_on.year
    assert months[f"{year}-04"]["released_3m"] == 15
    assert months[f"{year}-05"]["atr_started"] == 10
    assert months[f"{year}-10"]["atr_ended"] == 30
    assert months[f"{year + 1}-01"]["returned_3m"] == 5
