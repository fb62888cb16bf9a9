"""Clinical detail in the pages: the person page, the screening page and the board, per role, audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from tests.web.helpers import text
from tracker.audit import AuditEntry, disclosed
from tracker.types import utcnow

ZONE_IV = {"tool": "audit", "answers": [4, 4, 4, 4, 0, 0, 0, 0, 2, 2], "intervention": "referred"}
REASON = "Drinks from waking; withdrawal fits in 2025"
# What a page without a care relationship must never show.
CLINICAL_TEXT = (
    REASON,
    "score 20",
    "20 out of 40",
    "Zone IV",
    "zone IV",
    "Referral to specialist for diagnostic evaluation",
    "AUDIT score",
)


@dataclass
class Case:
    person: Any
    screening: Any
    declined: Any  # a treatment worker whose team declined its referral
    ended: Any  # a treatment worker whose team's treatment has ended


def treatment_worker(db, name: str):
    from tests.web.helpers import PASSWORD
    from tracker.auth import service

    team = service.create_team(name, "treatment")
    worker = service.create_staff(
        f"{team.id}@example.org", "treatment", team.name, PASSWORD, f"{name} worker"
    )
    db.session.commit()
    return worker


@pytest.fixture
def case(world, make_case, db, today) -> Case:
    """A person held at HMP Bristol: a zone IV AUDIT, a live referral, a declined and an ended one."""
    from tracker.pathway import care

    person = make_case(world.om, "court", "custody", release_in=20)
    screening = care.record_screening(person, dict(ZONE_IV), by=world.om, now=utcnow())
    declined, ended = treatment_worker(db, "Declining Service"), treatment_worker(db, "Ended Service")
    for team_id in (world.treatment_team.id, declined.team_id, ended.team_id):
        care.make_referral(person, {"to_team_id": team_id, "reason": REASON}, by=world.om, now=utcnow())
    db.session.flush()
    referrals = {r.to_team_id: r for r in care_referrals(db, person.id)}
    care.update_referral(
        referrals[declined.team_id],
        {"status": "declined", "decline_reason": "no_capacity"},
        world.om,
        utcnow(),
    )
    started = {"status": "started", "treatment_started_on": today}
    care.update_referral(referrals[ended.team_id], started, world.om, utcnow())
    care.update_referral(referrals[ended.team_id], {"status": "ended"}, world.om, utcnow())
    db.session.commit()
    return Case(person, screening, declined, ended)


def care_referrals(db, person_id: int) -> list:
    from tracker.pathway.models import Referral

    return list(db.session.scalars(select(Referral).where(Referral.person_id == person_id)))


def views_of(db, staff, person_id: int) -> list[AuditEntry]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.actor_id == staff.id,
                disclosed(person_id),
                AuditEntry.action == "view",
            )
        )
    )


def assert_need_only(page: str) -> None:
    assert "Specialist alcohol referral needed" in page
    for secret in CLINICAL_TEXT:
        assert secret not in page, secret


VIEWERS = {
    "offender manager": ("om", True),
    "same-team offender manager": ("om2", True),
    "treatment team with a live referral": ("treatment", True),
    "treatment team with only a declined referral": ("declined", False),
    "treatment team with only an ended referral": ("ended", False),
    "resettlement team of the holding establishment": ("resettlement", False),
}


def viewer(world, case: Case, who: str):
    return getattr(case, who, None) or getattr(world, who)


@pytest.mark.parametrize(("who", "clinical"), VIEWERS.values(), ids=VIEWERS.keys())
def test_the_person_page_shows_scores_and_reasons_only_for_a_care_relationship(
    world, case, signed_in, db, who, clinical
):
    staff = viewer(world, case, who)

    page = text(signed_in(staff).get(f"/people/{case.person.id}"))

    if clinical:
        assert "AUDIT screening: score 20, Zone IV" in page
        assert f"Reason: {REASON}" in page
    else:
        assert "AUDIT screening: Specialist alcohol referral needed" in page
        assert "Kind: Structured alcohol treatment" in page
        assert "Result: positive" in page
        assert_need_only(page)
    [entry] = views_of(db, staff, case.person.id)
    assert entry.subject_type == "people"
    assert entry.detail == {"via": "person page"} | ({"clinical": True} if clinical else {})


@pytest.mark.parametrize(("who", "clinical"), VIEWERS.values(), ids=VIEWERS.keys())
def test_the_screening_page_shows_the_score_only_for_a_care_relationship(
    world, case, signed_in, db, who, clinical
):
    staff = viewer(world, case, who)

    response = signed_in(staff).get(f"/people/{case.person.id}/screenings/{case.screening.id}")

    assert response.status_code == 200
    page = text(response)
    if clinical:
        assert "AUDIT score 20" in page and "Zone IV" in page
    else:
        assert_need_only(page)
        assert "Referred to a specialist alcohol service" in page  # what was done
    [entry] = views_of(db, staff, case.person.id)
    assert (entry.subject_type, entry.subject_id) == ("screenings", case.screening.id)
    assert entry.detail == ({"clinical": True} if clinical else None)


def test_the_board_names_the_need_not_the_zone(world, case, signed_in):
    page = text(signed_in(world.resettlement).get("/board"))

    assert case.person.family_name in page
    assert "Specialist alcohol referral needed" in page
    assert "zone IV" not in page and "Zone IV" not in page


# An ATR's treatment team, for the order's length.


@pytest.fixture
def on_order(world, db, today):
    """on_order(order_end_on): a person on an ATR with the Bristol service, ending that day, screened."""
    from tracker.pathway import care, service

    def make(order_end_on: date):
        person = service.create_person(
            {"given_name": "Ari", "family_name": "Order", "date_of_birth": date(1980, 1, 1)},
            by=world.om,
            now=utcnow(),
        )
        start = today - timedelta(days=200)
        service.add_stage(
            person, {"kind": "court", "start_on": start, "court": "Bristol"}, by=world.om, now=utcnow()
        )
        atr = {
            "kind": "atr",
            "start_on": start + timedelta(days=7),
            "order_type": "community_order",
            "order_end_on": order_end_on,
            "atr_end_on": order_end_on,
            "treatment_team_id": world.treatment_team.id,
            "dependency_assessed": True,
            "consent_recorded": True,
        }
        service.add_stage(person, atr, by=world.om, now=utcnow())
        screening = care.record_screening(person, dict(ZONE_IV), by=world.om, now=utcnow())
        db.session.commit()
        return person, screening

    return make


@pytest.mark.parametrize(
    ("days_to_order_end", "clinical"),
    [(100, True), (0, True), (-1, False)],
    ids=["during the order", "on order_end_on", "the day after order_end_on"],
)
def test_an_atr_treatment_team_sees_scores_for_the_orders_length(
    world, on_order, signed_in, db, today, days_to_order_end, clinical
):
    person, screening = on_order(today + timedelta(days=days_to_order_end))
    client = signed_in(world.treatment)

    person_page = text(client.get(f"/people/{person.id}"))
    screening_page = text(client.get(f"/people/{person.id}/screenings/{screening.id}"))

    if clinical:
        assert "AUDIT screening: score 20, Zone IV" in person_page
        assert "AUDIT score 20" in screening_page
    else:
        assert_need_only(person_page)
        assert_need_only(screening_page)
    marked = [bool((e.detail or {}).get("clinical")) for e in views_of(db, world.treatment, person.id)]
    assert marked == [clinical, clinical]
