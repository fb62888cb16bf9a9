"""PATCH /api/v1/appointments/{id}: a missed appointment's absence, and the warning the first one records."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tracker.pathway.enforcement import months_before


def stage_steps(kind: str, today: date, alcohol_service, prison) -> list[dict]:
    """The stages, through the API's fields, that put a person on `kind` now."""
    court = {"kind": "court", "court": "Bristol Magistrates", "start_on": today - timedelta(days=200)}
    if kind == "court":
        return [court]
    if kind == "atr":
        start = today - timedelta(days=100)
        return [
            court,
            {
                "kind": "atr",
                "start_on": start,
                "order_type": "community_order",
                "order_end_on": start + timedelta(days=365),
                "atr_end_on": start + timedelta(days=180),
                "treatment_team_id": alcohol_service.id,
                "dependency_assessed": True,
                "consent_recorded": True,
            },
        ]
    custody_start = today - timedelta(days=150)
    return [
        court,
        {
            "kind": "custody",
            "start_on": custody_start,
            "basis": "sentenced",
            "establishment_team_id": prison.id,
            "sentence_start_on": custody_start,
            "release_dates": {"crd": today - timedelta(days=50), "sed": today + timedelta(days=300)},
        },
        {
            "kind": "licence",
            "start_on": today - timedelta(days=50),
            "supervision_end_on": today + timedelta(days=200),
        },
    ]


@pytest.fixture
def person_on(api, make_person, om, today, alcohol_service, make_team):
    """person_on(stage_kind): the id of a new person whose current stage is of that kind."""
    prison = make_team("HMP Bristol", "prison", "BCI")

    def make(kind: str) -> int:
        person = make_person(om)
        for step in stage_steps(kind, today, alcohol_service, prison):
            body = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in step.items()}
            if "release_dates" in body:
                body["release_dates"] = {k: v.isoformat() for k, v in step["release_dates"].items()}
            response = api.post(f"/people/{person['id']}/stages", body)
            assert response.status_code == 201, response.json
        return person["id"]

    return make


@pytest.fixture
def on_licence(person_on):
    return person_on("licence")


@pytest.fixture
def on_order(person_on):
    return person_on("atr")


@pytest.fixture
def book(api, today):
    """book(person_id, days_ago, kind="probation", **fields): an appointment at 10:00 that day."""

    def make(person_id: int, days_ago: int = 1, kind: str = "probation", on: date | None = None, **fields):
        on = on or today - timedelta(days=days_ago)
        body = {"kind": kind, "starts_at": f"{on.isoformat()}T10:00:00+00:00"} | fields
        response = api.post(f"/people/{person_id}/appointments", body)
        assert response.status_code == 201, response.json
        return response.json

    return make


def miss(api, appointment, **fields):
    return api.patch(f"/appointments/{appointment['id']}", {"outcome": "missed"} | fields)


def test_a_missed_appointment_without_an_absence_is_pending(api, book, on_licence):
    response = miss(api, book(on_licence))

    assert response.status_code == 200, response.json
    assert (response.json["outcome"], response.json["absence"]) == ("missed", "pending")
    assert response.json["warned_on"] is None


@pytest.mark.parametrize("absence", ["acceptable", "unacceptable", "pending"])
def test_the_absence_is_recorded_with_the_missed_outcome(api, book, on_order, absence):
    response = miss(api, book(on_order), absence=absence)

    assert response.status_code == 200, response.json
    assert response.json["absence"] == absence


@pytest.mark.parametrize("outcome", ["attended", "cancelled"])
def test_an_absence_with_any_other_outcome_is_refused_naming_it(api, book, on_order, outcome):
    appointment = book(on_order)

    response = api.patch(f"/appointments/{appointment['id']}", {"outcome": outcome, "absence": "acceptable"})

    assert response.status_code == 422
    assert "absence" in response.json["errors"]
    assert api.get(f"/people/{on_order}/appointments").json[0]["outcome"] is None


def test_an_absence_with_a_move_is_refused_naming_it(api, book, on_order):
    appointment = book(on_order, days_ago=-3)

    response = api.patch(
        f"/appointments/{appointment['id']}", {"starts_at": "2030-01-07T10:00:00+00:00", "absence": "pending"}
    )

    assert response.status_code == 422
    assert "absence" in response.json["errors"]


def test_an_unknown_absence_is_refused_naming_it(api, book, on_order):
    response = miss(api, book(on_order), absence="excused")

    assert response.status_code == 422
    assert "absence" in response.json["errors"]


# The first unacceptable absence records a warning.


@pytest.mark.parametrize("appointment_kind", ["probation", "treatment_assessment", "treatment_session"])
@pytest.mark.parametrize("stage_kind", ["atr", "licence"])
def test_the_first_counting_unacceptable_absence_records_a_warning(
    api, book, person_on, om, today, appointment_kind, stage_kind
):
    person_id = person_on(stage_kind)
    appointment = book(person_id, days_ago=3, kind=appointment_kind)

    response = miss(api, appointment, absence="unacceptable")

    assert response.status_code == 200, response.json
    assert response.json["warned_on"] == (today - timedelta(days=3)).isoformat()
    assert response.json["warned_by_id"] == om.id
    [listed] = api.get(f"/people/{person_id}/appointments").json
    assert (listed["absence"], listed["warned_on"]) == (
        "unacceptable",
        (today - timedelta(days=3)).isoformat(),
    )


@pytest.mark.parametrize(
    ("stage_kind", "appointment_kind"),
    [("atr", "court_hearing"), ("licence", "court_hearing"), ("court", "probation")],
    ids=["court hearing on an order", "court hearing on licence", "probation before sentence"],
)
def test_an_absence_that_does_not_count_records_no_warning(
    api, book, person_on, stage_kind, appointment_kind
):
    appointment = book(person_on(stage_kind), kind=appointment_kind)

    response = miss(api, appointment, absence="unacceptable")

    assert response.status_code == 200, response.json
    assert response.json["warned_on"] is None


def test_an_acceptable_absence_records_no_warning(api, book, on_licence):
    response = miss(api, book(on_licence), absence="acceptable")

    assert response.json["warned_on"] is None


def test_a_treatment_service_reports_a_missed_session_and_the_offender_manager_judges_it(
    make_staff, api, api_as, book, on_order, alcohol_service, om, db
):
    worker = make_staff("treatment", team=alcohol_service)
    appointment = book(on_order, kind="treatment_session", team_id=alcohol_service.id)

    judged = miss(api_as(worker), appointment, absence="unacceptable")
    assert judged.status_code == 403 and "absence" in judged.json["errors"]
    reported = miss(api_as(worker), appointment)
    assert (reported.status_code, reported.json["absence"]) == (200, "pending")

    settled = api.patch(f"/appointments/{appointment['id']}", {"absence": "unacceptable"})

    assert settled.status_code == 200, settled.json
    assert settled.json["warned_by_id"] == om.id


@pytest.mark.parametrize(
    ("back", "warns_again"),
    [(0, False), (1, True)],
    ids=["warning exactly 12 months before", "warning 12 months and a day before"],
)
def test_a_further_absence_within_12_months_of_a_warning_records_no_new_one(
    api, book, on_licence, today, back, warns_again
):
    second_on = today - timedelta(days=10)
    first_on = months_before(second_on, 12) - timedelta(days=back)
    first = miss(api, book(on_licence, on=first_on), absence="unacceptable").json
    assert first["warned_on"] == first_on.isoformat()

    second = miss(api, book(on_licence, on=second_on), absence="unacceptable")

    assert second.status_code == 200, second.json
    assert second.json["warned_on"] == (second_on.isoformat() if warns_again else None)


def test_another_persons_warning_does_not_count(api, book, person_on):
    first, second = person_on("licence"), person_on("licence")
    miss(api, book(first, days_ago=5), absence="unacceptable")

    response = miss(api, book(second, days_ago=2), absence="unacceptable")

    assert response.json["warned_on"] is not None


# A pending absence is settled later, once.


def test_a_pending_absence_settled_unacceptable_records_the_warning(api, book, on_order, om, today):
    appointment = miss(api, book(on_order, days_ago=4)).json

    response = api.patch(f"/appointments/{appointment['id']}", {"absence": "unacceptable"})

    assert response.status_code == 200, response.json
    assert (response.json["outcome"], response.json["absence"]) == ("missed", "unacceptable")
    assert (response.json["warned_on"], response.json["warned_by_id"]) == (
        (today - timedelta(days=4)).isoformat(),
        om.id,
    )


def test_a_missed_appointment_from_before_absences_can_be_settled(db, api, book, on_order):
    from tracker.pathway.models import Appointment

    appointment = miss(api, book(on_order)).json
    db.session.get(Appointment, appointment["id"]).absence = None
    db.session.commit()

    response = api.patch(f"/appointments/{appointment['id']}", {"absence": "acceptable"})

    assert response.status_code == 200, response.json
    assert response.json["absence"] == "acceptable"


@pytest.mark.parametrize("settled", ["acceptable", "unacceptable"])
@pytest.mark.parametrize("change", ["acceptable", "unacceptable", "pending"])
def test_a_settled_absence_cannot_be_changed(api, book, on_order, settled, change):
    appointment = miss(api, book(on_order), absence=settled).json

    response = api.patch(f"/appointments/{appointment['id']}", {"absence": change})

    if change == settled:
        assert response.status_code == 200, response.json
    else:
        assert response.status_code == 409
        assert "absence" in response.json["errors"]
    [kept] = api.get(f"/people/{on_order}/appointments").json
    assert kept["absence"] == settled
    assert (kept["warned_on"] is not None) is (settled == "unacceptable")


@pytest.mark.parametrize("outcome", [None, "attended", "cancelled"])
def test_only_a_missed_appointment_has_an_absence_to_settle(api, book, on_order, outcome):
    appointment = book(on_order)
    if outcome:
        api.patch(f"/appointments/{appointment['id']}", {"outcome": outcome})

    response = api.patch(f"/appointments/{appointment['id']}", {"absence": "unacceptable"})

    assert response.status_code == 409
    assert "absence" in response.json["errors"]
    assert api.get(f"/people/{on_order}/appointments").json[0]["absence"] is None


def test_an_empty_patch_is_refused(api, book, on_order):
    assert api.patch(f"/appointments/{book(on_order)['id']}", {}).status_code == 422


def test_each_change_is_audited_with_the_absence_and_the_warning(db, api, book, on_order, om):
    from tracker.audit import AuditEntry

    appointment = miss(api, book(on_order)).json
    api.patch(f"/appointments/{appointment['id']}", {"absence": "unacceptable"})

    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.subject_type == "appointments", AuditEntry.action == "update")
        .order_by(AuditEntry.id)
    ).all()
    assert [(e.actor_id, e.detail.get("absence"), e.detail.get("warning")) for e in entries] == [
        (om.id, "pending", None),
        (om.id, "unacceptable", "recorded"),
    ]


def test_listing_appointments_stays_constant_in_queries(api, book, on_order, count_queries):
    for days_ago in (1, 2):
        miss(api, book(on_order, days_ago=days_ago), absence="unacceptable")
    with count_queries() as few:
        api.get(f"/people/{on_order}/appointments")
    for days_ago in range(3, 9):
        miss(api, book(on_order, days_ago=days_ago), absence="unacceptable")
    with count_queries() as many:
        api.get(f"/people/{on_order}/appointments")

    assert len(many) == len(few)
