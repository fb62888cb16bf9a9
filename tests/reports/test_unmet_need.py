"""Unmet need against a fixture small enough to count on paper: each episode, each trigger, each window."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from tracker.reports import unmet_need
from tracker.reports.scope import COMMISSIONER


@pytest.fixture
def episode(db, places):
    """episode(kind, start, need=False, screens=[(day, tool, score, zone, positive, intervention)],
    referrals=[(day, kind)]): one person with one stage episode, screenings and referrals by day."""
    from tracker.pathway.models import Pathway, Person, Referral, Screening, Stage

    def at(day):
        return datetime.combine(day, time(12), UTC)

    def make(kind, start, need=False, screens=(), referrals=()):
        person = Person(given_name="A", family_name="B", alcohol_need=need, sex="male")
        db.session.add(person)
        db.session.flush()
        pathway = Pathway(person_id=person.id, opened_on=start)
        db.session.add(pathway)
        db.session.flush()
        db.session.add(
            Stage(pathway_id=pathway.id, person_id=person.id, position=1, kind=kind, start_on=start)
        )
        for day, tool, score, zone, positive, intervention in screens:
            db.session.add(
                Screening(
                    person_id=person.id,
                    tool=tool,
                    answers=[],
                    score=score,
                    zone=zone,
                    positive=positive,
                    action="-",
                    intervention=intervention,
                    screened_at=at(start + timedelta(days=day)),
                )
            )
        for day, referral_kind in referrals:
            db.session.add(
                Referral(
                    person_id=person.id,
                    to_team_id=places.treatment_team.id,
                    kind=referral_kind,
                    reason="-",
                    made_at=at(start + timedelta(days=day)),
                )
            )
        db.session.flush()

    return make


ZONE_IV = (1, "audit", 22, 4, True, "referred")


@pytest.fixture
def counted(db, episode, last_year):
    start = last_year.start_on + timedelta(days=30)
    structured = "structured_alcohol_treatment"
    episode("court", start, screens=[ZONE_IV], referrals=[(5, structured)])
    episode("court", start, screens=[ZONE_IV], referrals=[(5, structured)])
    episode("court", start, screens=[ZONE_IV], referrals=[(-30, structured)])  # made before: it counts
    episode("court", start, screens=[ZONE_IV], referrals=[(40, structured)])  # 39 days after: unmet
    episode("court", start, screens=[ZONE_IV], referrals=[(5, "housing")])  # not treatment: unmet
    episode("court", start, screens=[ZONE_IV])  # unmet
    episode("court", start)
    episode("court", start, screens=[(20, "audit", 3, 1, False, "education")])  # screened on day 20: late
    episode(
        "arrest",
        start,
        screens=[(2, "audit_c", 6, None, True, None), (20, "audit", 9, 2, True, "simple_advice")],
    )
    episode(
        "arrest",
        start,
        screens=[(2, "audit_c", 6, None, True, None), (40, "audit", 17, 3, True, "education")],
    )
    episode("arrest", start, screens=[(-10, "fast", 4, None, True, None)])  # before: screened only
    episode("custody", start, need=True)
    episode("custody", start, need=True)
    episode("licence", start, need=True)  # not a stage the report counts
    db.session.commit()
    return last_year


def _by_stage(year, today, scope=COMMISSIONER):
    from tracker.extensions import db

    found = {}
    for group, _month, *values in db.session.execute(unmet_need.counts(year, "stage", scope, today)):
        totals = found.setdefault(group, [0] * len(values))
        found[group] = [a + int(b or 0) for a, b in zip(totals, values, strict=True)]
    names = [c.name for c in unmet_need.COUNTS]
    return {group: dict(zip(names, values, strict=True)) for group, values in found.items()}


def test_each_episode_is_counted_on_paper(counted, today):
    rows = _by_stage(counted, today)

    court, arrest, custody = rows["court"], rows["arrest"], rows["custody"]
    assert set(rows) == {"court", "arrest", "custody"}
    assert (court["entered"], court["screened"], court["need"]) == (8, 6, 6)
    assert (court["need_referred"], court["need_unmet"], court["need_pending"]) == (3, 3, 0)
    assert (arrest["entered"], arrest["screened"], arrest["positive"]) == (3, 3, 2)
    assert (arrest["audit_done"], arrest["audit_missing"], arrest["audit_pending"]) == (1, 1, 0)
    assert (arrest["brief_needed"], arrest["brief_missing"]) == (2, 1)
    assert (custody["entered"], custody["screened"], custody["need"], custody["need_unmet"]) == (2, 0, 2, 2)


def test_a_need_whose_28_days_are_running_is_pending(db, episode, today):
    from tracker.reports.periods import financial_year

    episode("atr", today - timedelta(days=10), screens=[(0, "audit", 22, 4, True, "referred")])
    db.session.commit()

    atr = _by_stage(financial_year(today), today)["atr"]
    assert (atr["need"], atr["need_unmet"], atr["need_pending"]) == (1, 0, 1)


def test_the_api_offers_it_by_stage(counted, api_as, places):
    body = api_as(places.commissioner).get(f"/reports/unmet_need?period={counted.name}&by=stage").json

    court = next(r for r in body["rows"] if r["group"] == "court")
    assert court["entered"] == 8 and court["screened"] is None  # 2 not screened would give it away
    assert body["total"]["entered"] == 13


def test_each_role_counts_its_own_episodes(db, episode, places, last_year, today):
    """Resettlement its establishment's custody episodes; offender managers their team's people;
    treatment the people referred to it; a commissioner all."""
    from tracker.pathway.models import Person, Stage
    from tracker.reports.scope import Scope

    start = last_year.start_on + timedelta(days=30)
    episode("custody", start, need=True)
    episode("custody", start, need=True, referrals=[(1, "structured_alcohol_treatment")])
    episode("court", start)
    db.session.flush()
    stages = db.session.query(Stage).order_by(Stage.id).all()
    stages[0].establishment_team_id = places.bristol.id
    db.session.get(Person, stages[2].person_id).offender_manager_id = places.om.id
    db.session.commit()

    def entered(staff):
        return {g: r["entered"] for g, r in _by_stage(last_year, today, Scope.of(staff)).items()}

    assert entered(places.commissioner) == {"custody": 2, "court": 1}
    assert entered(places.resettlement) == {"custody": 1}
    assert entered(places.om) == {"court": 1}
    assert entered(places.treatment) == {"custody": 1}


def test_all_of_a_group_unmet_is_not_given_away_by_bounds(db, episode, api_as, places, last_year):
    """12 court episodes, each with a need and none referred: showing 12 unmet beside 12 started would
    pin the need at 12 and so 0 referred, which is what hiding the 0 was for."""
    start = last_year.start_on + timedelta(days=30)
    for _ in range(12):
        episode("court", start, need=True)
    db.session.commit()

    body = api_as(places.commissioner).get(f"/reports/unmet_need?period={last_year.name}&by=stage").json
    court = next(r for r in body["rows"] if r["group"] == "court")

    assert court["need_referred"] is None
    assert court["need_unmet"] is None or court["need"] is None and court["entered"] is None


def test_an_episode_keeps_the_sex_and_ethnic_group_it_was_recorded_with(
    db, episode, places, last_year, api_as
):
    """Changing a person's record later moves none of their episodes to another group."""
    from sqlalchemy import select

    from tracker.pathway.models import Person

    for _ in range(5):
        episode("court", last_year.start_on + timedelta(days=30))
    db.session.commit()
    for person in db.session.scalars(select(Person)):
        person.sex, person.ethnic_group = "female", "asian_indian"
    db.session.commit()
    api = api_as(places.commissioner)

    by_sex = api.get(f"/reports/unmet_need?period={last_year.name}&by=sex").json
    by_ethnic_group = api.get(f"/reports/unmet_need?period={last_year.name}&by=ethnic_group").json

    assert [(r["group"], r["entered"]) for r in by_sex["rows"]] == [("male", 5)]
    assert [(r["group"], r["entered"]) for r in by_ethnic_group["rows"]] == [("not_stated", 5)]


@pytest.mark.parametrize("by", unmet_need.BREAKDOWNS)
def test_every_breakdown_adds_up_to_the_same_episodes(counted, today, by):
    """Each breakdown counts every episode and every positive short screen once, whichever joins it takes."""
    from tracker.extensions import db

    names = [c.name for c in unmet_need.COUNTS]
    totals = dict.fromkeys(names, 0)
    for _group, _month, *values in db.session.execute(unmet_need.counts(counted, by, COMMISSIONER, today)):
        for name, value in zip(names, values, strict=True):
            totals[name] += int(value or 0)

    assert (totals["entered"], totals["screened"], totals["need"], totals["need_unmet"]) == (13, 9, 8, 5)
    assert (totals["positive"], totals["audit_done"], totals["audit_missing"]) == (2, 1, 1)
    assert (totals["brief_needed"], totals["brief_missing"]) == (2, 1)
