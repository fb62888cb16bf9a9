"""/api/v1/people/{id}/screenings: what was done after each screening (the intervention)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

INTERVENTIONS = ("education", "simple_advice", "brief_intervention", "referred", "declined")
ZONE_IV = [4, 4, 4, 2, 2, 2, 2, 0, 0, 0]  # total 20
ZONE_IV_RAISED = [4, 4, 4, 2, 1, 1, 0, 0, 0, 0]  # total 17 (zone III), raised by item 4
ZONE_III = [4, 4, 4, 1, 1, 1, 2, 2, 0, 0]  # total 19, nothing raises it


def stored(db) -> int:
    from tracker.pathway.models import Screening

    return db.session.scalar(select(func.count()).select_from(Screening))


def post(api, path, tool: str, answers: list, **fields):
    return api.post(f"{path}/screenings", {"tool": tool, "answers": answers} | fields)


def test_a_screening_without_an_intervention_is_refused_naming_it(db, api, path):
    response = post(api, path, "audit_c", [1, 1, 1])

    assert response.status_code == 422
    assert "intervention" in response.json["errors"]
    assert stored(db) == 0


@pytest.mark.parametrize("intervention", ["counselling", "", None, "Referred"])
def test_an_unknown_intervention_is_refused_naming_it(db, api, path, intervention):
    response = post(api, path, "audit_c", [1, 1, 1], intervention=intervention)

    assert response.status_code == 422
    assert "intervention" in response.json["errors"]
    assert stored(db) == 0


@pytest.mark.parametrize("intervention", INTERVENTIONS)
def test_each_intervention_is_kept_and_returned(api, path, intervention):
    response = post(api, path, "audit", [1] * 8 + [0, 0], intervention=intervention)

    assert response.status_code == 201, response.json
    assert response.json["intervention"] == intervention
    [kept] = api.get(f"{path}/screenings").json
    assert kept["intervention"] == intervention


@pytest.mark.parametrize(
    ("intervention", "accepted"),
    [
        ("education", False),
        ("simple_advice", False),
        ("brief_intervention", False),
        ("referred", True),
        ("declined", True),
    ],
)
@pytest.mark.parametrize("answers", [ZONE_IV, ZONE_IV_RAISED], ids=["total 20", "raised from zone III"])
def test_zone_iv_accepts_only_referred_or_declined(db, api, path, answers, intervention, accepted):
    response = post(api, path, "audit", answers, intervention=intervention)

    if accepted:
        assert response.status_code == 201, response.json
        assert (response.json["zone"], response.json["intervention"]) == (4, intervention)
        assert stored(db) == 1
    else:
        assert response.status_code == 422
        assert "specialist" in response.json["errors"]["intervention"][0]
        assert stored(db) == 0


def test_zone_iii_at_19_still_accepts_a_brief_intervention(api, path):
    response = post(api, path, "audit", ZONE_III, intervention="brief_intervention")

    assert response.status_code == 201, response.json
    assert response.json["zone"] == 3


def test_a_positive_audit_c_accepts_simple_advice(api, path):
    response = post(api, path, "audit_c", [4, 4, 4], intervention="simple_advice")

    assert response.status_code == 201, response.json
    assert response.json["positive"] is True


def test_bad_answers_are_named_before_the_intervention(api, path):
    response = post(api, path, "audit", [9] + [0] * 9, intervention="education")

    assert response.status_code == 422
    assert "answers.1" in response.json["errors"]


def test_a_screening_from_before_interventions_lists_with_none(db, api, path):
    from tracker.pathway.models import Screening

    person_id = int(path.rsplit("/", 1)[1])
    db.session.add(
        Screening(person_id=person_id, tool="audit_c", answers=[1, 1, 1], score=3, positive=False, action="x")
    )
    db.session.commit()

    [kept] = api.get(f"{path}/screenings").json

    assert kept["intervention"] is None


def test_the_intervention_is_audited(db, api, path, om):
    from tracker.audit import AuditEntry

    post(api, path, "audit_c", [1, 1, 1], intervention="declined")

    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "create")).all()[-1]
    assert (entry.actor_id, entry.subject_type) == (om.id, "screenings")
    assert entry.detail["intervention"] == "declined"
