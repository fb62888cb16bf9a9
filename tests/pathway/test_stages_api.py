"""/api/v1/people/{id}/stages and /api/v1/stages/{id}: transitions, kind fields, ATR rules, release dates."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

# DESIGN's transition table, written out here so the test does not trust the code's copy of it.
ALLOWED_NEXT = {
    "identified": ("arrest", "closed"),
    "arrest": ("court", "closed"),
    "court": ("atr", "custody", "closed"),
    "atr": ("court", "custody", "closed"),
    "custody": ("court", "licence", "closed"),
    "licence": ("custody", "closed"),
}
KINDS = ("identified", "arrest", "court", "atr", "custody", "licence", "closed")
REFUSED = [
    (current, kind) for current, allowed in ALLOWED_NEXT.items() for kind in KINDS if kind not in allowed
]


@pytest.fixture
def probation(make_team):
    return make_team("Avon Probation", "probation")


@pytest.fixture
def stage_of(prison, alcohol_service):
    """stage_of(kind, start_on): a valid stage of that kind."""

    def make(kind: str, start_on: str) -> dict:
        fields = {
            "identified": {},
            "arrest": {"custody_suite": "Patchway"},
            "court": {"court": "Bristol Magistrates"},
            "atr": {
                "order_type": "community_order",
                "order_end_on": "2028-01-01",
                "atr_end_on": "2027-06-01",
                "treatment_team_id": alcohol_service.id,
                "dependency_assessed": True,
                "consent_recorded": True,
            },
            "custody": {"basis": "remand", "establishment_team_id": prison.id},
            "licence": {"supervision_end_on": "2028-01-01"},
            "closed": {"reason": "other", "note": "Case ended"},
        }[kind]
        return {"kind": kind, "start_on": start_on} | fields

    return make


def stored(db) -> dict[str, int]:
    """How many rows of each pathway table the database holds."""
    from tracker.pathway.models import Appointment, Pathway, Person, ReleaseDate, Stage

    return {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Person, Pathway, Stage, ReleaseDate, Appointment)
    }


# Transitions


@pytest.mark.parametrize(("current", "kind"), REFUSED)
def test_a_refused_transition_answers_409_naming_the_kinds_allowed_next(
    api, db, path, stage_of, current, kind
):
    assert api.post(f"{path}/stages", stage_of(current, "2026-03-02")).status_code == 201
    before = stored(db)

    response = api.post(f"{path}/stages", stage_of(kind, "2026-03-09"))

    assert response.status_code == 409, response.json
    assert f"Allowed next: {', '.join(ALLOWED_NEXT[current])}" in response.json["message"]
    assert stored(db) == before


def test_custody_straight_after_arrest_says_court_or_closed(api, path, stage_of):
    api.post(f"{path}/stages", stage_of("arrest", "2026-03-02"))

    response = api.post(f"{path}/stages", stage_of("custody", "2026-03-03"))

    assert response.status_code == 409
    assert "court, closed" in response.json["message"]


def test_a_pathway_cannot_start_closed(api, db, path, stage_of):
    response = api.post(f"{path}/stages", stage_of("closed", "2026-03-02"))

    assert response.status_code == 409
    assert "identified, arrest, court, atr, custody, licence" in response.json["message"]
    assert stored(db)["pathways"] == 0


def test_closed_cannot_follow_closed(api, db, path, stage_of):
    api.post(f"{path}/stages", stage_of("arrest", "2026-03-02"))
    api.post(f"{path}/stages", stage_of("closed", "2026-03-03"))
    before = stored(db)

    response = api.post(f"{path}/stages", stage_of("closed", "2026-03-04"))

    assert response.status_code == 409
    assert stored(db) == before


def test_a_stage_starting_before_the_previous_one_is_refused_and_nothing_is_written(api, db, path, stage_of):
    api.post(f"{path}/stages", stage_of("arrest", "2026-03-02"))
    pathway_before, before = api.get(f"{path}/pathway").json, stored(db)

    response = api.post(f"{path}/stages", stage_of("court", "2026-03-01"))

    assert response.status_code == 409
    assert "start_on" in response.json["errors"]
    assert stored(db) == before
    assert api.get(f"{path}/pathway").json == pathway_before


def test_a_stage_may_start_the_same_day_as_the_previous_one(api, path, stage_of):
    api.post(f"{path}/stages", stage_of("arrest", "2026-03-02"))

    response = api.post(f"{path}/stages", stage_of("court", "2026-03-02"))

    assert response.status_code == 201, response.json


def test_a_transition_closes_the_previous_stage_on_the_new_start(api, path, stage_of):
    api.post(f"{path}/stages", stage_of("arrest", "2026-03-02"))

    api.post(f"{path}/stages", stage_of("court", "2026-03-03"))

    arrest, court = api.get(f"{path}/pathway").json["stages"]
    assert arrest["end_on"] == "2026-03-03"
    assert court["end_on"] is None


# Kind fields


def test_a_court_stage_without_a_court_is_refused_naming_it(api, db, path):
    response = api.post(f"{path}/stages", {"kind": "court", "start_on": "2026-03-02"})

    assert response.status_code == 422
    assert "court" in response.json["errors"]
    assert stored(db)["stages"] == 0


def test_a_custody_stage_without_basis_or_establishment_is_refused_naming_both(api, db, path):
    response = api.post(f"{path}/stages", {"kind": "custody", "start_on": "2026-03-02"})

    assert response.status_code == 422
    assert {"basis", "establishment_team_id"} <= set(response.json["errors"])
    assert stored(db)["stages"] == 0


def test_a_field_of_another_kind_is_refused_naming_it(api, db, path):
    response = api.post(
        f"{path}/stages", {"kind": "arrest", "start_on": "2026-03-02", "court": "Bristol Crown"}
    )

    assert response.status_code == 422
    assert list(response.json["errors"]) == ["court"]
    assert stored(db)["stages"] == 0


def test_an_unknown_kind_is_refused_naming_kind(api, path):
    response = api.post(f"{path}/stages", {"kind": "bail", "start_on": "2026-03-02"})

    assert response.status_code == 422
    assert "kind" in response.json["errors"]


def test_an_establishment_that_is_not_a_prison_is_refused(api, db, path, probation):
    response = api.post(
        f"{path}/stages",
        {
            "kind": "custody",
            "start_on": "2026-03-02",
            "basis": "remand",
            "establishment_team_id": probation.id,
        },
    )

    assert response.status_code == 422
    assert "establishment_team_id" in response.json["errors"]
    assert stored(db)["stages"] == 0


def test_a_court_stage_with_a_next_hearing_books_a_court_hearing(api, path):
    court = api.post(
        f"{path}/stages",
        {
            "kind": "court",
            "start_on": "2026-03-02",
            "court": "Bristol Crown",
            "next_hearing_at": "2026-03-30T10:00:00+01:00",
        },
    ).json

    [hearing] = api.get(f"{path}/appointments").json

    assert hearing["kind"] == "court_hearing"
    assert hearing["starts_at"] == "2026-03-30T09:00:00+00:00"
    assert hearing["stage_id"] == court["id"]


@pytest.mark.parametrize(
    ("stage", "field"),
    [
        ({"kind": "licence", "supervision_end_on": "2026-03-01"}, "supervision_end_on"),
        ({"kind": "arrest", "expected_end_on": "2026-03-01"}, "expected_end_on"),
    ],
    ids=["licence supervision", "expected end"],
)
def test_a_stage_cannot_be_expected_to_end_before_it_starts(api, db, path, stage, field):
    response = api.post(f"{path}/stages", {"start_on": "2026-03-02"} | stage)

    assert response.status_code == 422
    assert field in response.json["errors"]
    assert stored(db)["stages"] == 0


# ATR rules


@pytest.fixture
def at_court(api, path, stage_of):
    """A person at court, about to be sentenced to an order with an ATR."""
    api.post(f"{path}/stages", stage_of("court", "2026-03-02"))
    return path


@pytest.fixture
def atr(alcohol_service):
    """atr(**changes): a valid community order ATR from 2026-03-16, changed (None leaves a field out)."""

    def make(**changes) -> dict:
        stage = {
            "kind": "atr",
            "start_on": "2026-03-16",
            "order_type": "community_order",
            "order_end_on": "2027-03-15",
            "atr_end_on": "2026-09-15",
            "treatment_team_id": alcohol_service.id,
            "dependency_assessed": True,
            "consent_recorded": True,
        } | changes
        return {k: v for k, v in stage.items() if v is not None}

    return make


def sso(**changes) -> dict:
    """A suspended sentence order with a 12-month supervision and 18-month operational period."""
    return {
        "order_type": "suspended_sentence",
        "order_end_on": None,
        "operational_end_on": "2027-09-16",
        "supervision_end_on": "2027-03-16",
        "atr_end_on": "2026-09-15",
    } | changes


def refused_atr(api, db, path, stage: dict):
    """Post an ATR expecting 422, checking that nothing was written."""
    before, pathway_before = stored(db), api.get(f"{path}/pathway").json
    response = api.post(f"{path}/stages", stage)
    assert response.status_code == 422, response.json
    assert stored(db) == before
    assert api.get(f"{path}/pathway").json == pathway_before
    return response.json


def test_a_valid_community_order_atr_is_accepted(api, at_court, atr):
    response = api.post(f"{at_court}/stages", atr())

    assert response.status_code == 201, response.json
    assert response.json["expected_end_on"] == "2026-09-15"


def test_a_valid_suspended_sentence_atr_ends_its_order_with_the_operational_period(api, at_court, atr):
    response = api.post(f"{at_court}/stages", atr(**sso()))

    assert response.status_code == 201, response.json
    assert response.json["order_end_on"] == "2027-09-16"


@pytest.mark.parametrize("missing", ["dependency_assessed", "consent_recorded", "treatment_team_id"])
def test_an_atr_without_assessment_consent_or_treatment_is_refused_naming_it(api, db, at_court, atr, missing):
    body = refused_atr(api, db, at_court, atr(**{missing: None}))

    assert missing in body["errors"]


@pytest.mark.parametrize("refused", ["dependency_assessed", "consent_recorded"])
def test_an_atr_with_assessment_or_consent_false_is_refused_naming_it(api, db, at_court, atr, refused):
    body = refused_atr(api, db, at_court, atr(**{refused: False}))

    assert refused in body["errors"]


def test_a_treatment_team_that_is_a_probation_team_is_refused(api, db, at_court, atr, probation):
    body = refused_atr(api, db, at_court, atr(treatment_team_id=probation.id))

    assert "treatment_team_id" in body["errors"]


def test_a_community_order_over_36_months_is_refused_on_order_end_on(api, db, at_court, atr):
    body = refused_atr(api, db, at_court, atr(order_end_on="2029-03-17"))

    assert "36 months" in " ".join(body["errors"]["order_end_on"])


def test_a_community_order_of_exactly_36_months_is_accepted(api, at_court, atr):
    response = api.post(f"{at_court}/stages", atr(order_end_on="2029-03-16"))

    assert response.status_code == 201, response.json


@pytest.mark.parametrize(
    ("supervision_end_on", "operational_end_on"),
    [("2026-08-16", "2027-09-16"), ("2028-04-16", "2028-03-16")],
    ids=["5 months", "25 months"],
)
def test_a_suspended_sentence_supervision_outside_6_to_24_months_is_refused(
    api, db, at_court, atr, supervision_end_on, operational_end_on
):
    stage = atr(
        **sso(
            supervision_end_on=supervision_end_on,
            operational_end_on=operational_end_on,
            atr_end_on="2026-07-15",
        )
    )

    body = refused_atr(api, db, at_court, stage)

    assert "supervision_end_on" in body["errors"]


def test_a_supervision_period_ending_after_the_operational_period_is_refused(api, db, at_court, atr):
    stage = atr(**sso(supervision_end_on="2027-03-16", operational_end_on="2026-12-16"))

    body = refused_atr(api, db, at_court, stage)

    assert "operational" in " ".join(body["errors"]["supervision_end_on"])


def test_an_atr_ending_after_its_order_is_refused(api, db, at_court, atr):
    body = refused_atr(api, db, at_court, atr(atr_end_on="2027-04-01"))

    assert "atr_end_on" in body["errors"]


# Release dates


@pytest.fixture
def in_custody(api, path, prison):
    """in_custody(release_dates, **fields): a sentenced person's custody stage, as the API returned it."""

    def make(release_dates: dict, **fields) -> dict:
        response = api.post(
            f"{path}/stages",
            {
                "kind": "custody",
                "start_on": "2026-02-02",
                "basis": "sentenced",
                "establishment_team_id": prison.id,
                "sentence_start_on": "2026-02-02",
                "release_dates": release_dates,
            }
            | fields,
        )
        assert response.status_code == 201, response.json
        return response.json

    return make


def test_release_is_the_earlier_of_crd_and_ard(in_custody):
    stage = in_custody({"crd": "2026-08-03", "ard": "2026-07-30"})

    assert stage["release_on"] == "2026-07-30"
    assert stage["expected_end_on"] == "2026-07-30"


def test_crd_wins_over_ped_which_is_only_eligibility(in_custody):
    stage = in_custody({"crd": "2026-08-03", "ped": "2026-09-01"})

    assert stage["release_on"] == "2026-08-03"


def test_a_ped_alone_is_the_plan_but_shown_as_parole_eligibility(api, path, in_custody):
    stage = in_custody({"ped": "2026-09-01"})

    pathway = api.get(f"{path}/pathway").json
    assert stage["release_on"] == "2026-09-01" and stage["expected_end_on"] is None
    assert pathway["key_dates"]["planned_release_on"] == "2026-09-01"
    assert pathway["release_note"] == "parole eligibility: release only on the Parole Board's direction"


def test_an_hdc_approved_date_wins_over_crd(in_custody):
    stage = in_custody({"crd": "2026-08-03", "hdced": "2026-05-01", "hdcad": "2026-05-20"})

    assert stage["release_on"] == "2026-05-20"


def test_a_confirmed_date_wins(in_custody):
    stage = in_custody({"crd": "2026-08-03", "ped": "2026-09-01", "confirmed": "2026-08-05"})

    assert stage["release_on"] == "2026-08-05"


def test_release_dates_keep_their_source_and_when_recorded(in_custody):
    stage = in_custody({"crd": "2026-08-03", "sed": "2027-02-01", "source": "NOMIS"})

    assert stage["release_dates"]["crd"]["on"] == "2026-08-03"
    assert stage["release_dates"]["crd"]["source"] == "NOMIS"
    assert stage["release_dates"]["sed"]["recorded_at"]


def test_patching_release_dates_moves_release_and_expected_end(api, in_custody):
    stage = in_custody({"crd": "2026-08-03", "ard": "2026-08-10", "source": "NOMIS"})

    response = api.patch(
        f"/stages/{stage['id']}", {"release_dates": {"crd": "2026-08-20", "source": "Delius"}}
    )

    assert response.status_code == 200, response.json
    assert response.json["release_on"] == "2026-08-10"
    assert response.json["expected_end_on"] == "2026-08-10"


def test_patching_one_release_date_keeps_the_others_source_and_recorded_at(api, in_custody):
    stage = in_custody({"crd": "2026-08-03", "ard": "2026-08-10", "source": "NOMIS"})

    patched = api.patch(
        f"/stages/{stage['id']}", {"release_dates": {"crd": "2026-08-20", "source": "Delius"}}
    ).json

    assert patched["release_dates"]["ard"] == stage["release_dates"]["ard"]
    assert patched["release_dates"]["crd"]["source"] == "Delius"
    assert patched["release_dates"]["crd"]["recorded_at"] > stage["release_dates"]["crd"]["recorded_at"]


def test_patching_a_release_date_to_null_removes_it(api, db, in_custody):
    stage = in_custody({"crd": "2026-08-03", "ard": "2026-07-30"})

    response = api.patch(f"/stages/{stage['id']}", {"release_dates": {"ard": None}})

    assert response.status_code == 200, response.json
    assert set(response.json["release_dates"]) == {"crd"}
    assert response.json["release_on"] == "2026-08-03"
    assert stored(db)["release_dates"] == 1


def test_patching_release_dates_on_a_stage_that_is_not_custody_is_refused(api, db, path, stage_of):
    court = api.post(f"{path}/stages", stage_of("court", "2026-03-02")).json
    before = stored(db)

    response = api.patch(f"/stages/{court['id']}", {"release_dates": {"crd": "2026-08-03"}})

    assert response.status_code == 409
    assert stored(db) == before


def test_a_saturday_crd_without_a_confirmed_date_is_flagged(api, path, in_custody):
    in_custody({"crd": "2026-08-01"})

    pathway = api.get(f"{path}/pathway").json

    assert pathway["flags"]["non_working_day_release"] is True
    assert pathway["key_dates"]["crd"] == "2026-08-01"


def test_a_saturday_crd_confirmed_on_the_friday_before_is_not_flagged(api, path, in_custody):
    in_custody({"crd": "2026-08-01", "confirmed": "2026-07-31"})

    assert api.get(f"{path}/pathway").json["flags"]["non_working_day_release"] is False


def test_a_confirmed_friday_release_is_flagged_for_a_person_with_an_alcohol_need(api, path, in_custody):
    in_custody({"crd": "2026-08-03", "confirmed": "2026-08-07"})

    pathway = api.get(f"{path}/pathway").json

    assert pathway["flags"]["friday_release"] is True
    assert pathway["key_dates"]["planned_release_on"] == "2026-08-07"


def test_a_confirmed_friday_release_is_not_flagged_without_an_alcohol_need(api, path, in_custody):
    api.patch(path, {"alcohol_need": False})
    in_custody({"crd": "2026-08-03", "confirmed": "2026-08-07"})

    assert api.get(f"{path}/pathway").json["flags"]["friday_release"] is False


def test_on_a_long_sentence_community_responsibility_starts_8_months_and_14_days_before_crd(
    api, path, in_custody
):
    in_custody({"crd": "2027-08-02"})

    key_dates = api.get(f"{path}/pathway").json["key_dates"]

    # CRD 2027-08-02, less 8 months is 2026-12-02, less 14 days is 2026-11-18.
    assert key_dates["planned_release_on"] == "2027-08-02"
    assert key_dates["community_responsibility_on"] == "2026-11-18"


def test_on_a_short_sentence_community_responsibility_starts_with_the_sentence(api, path, in_custody):
    in_custody({"crd": "2026-08-03"})

    assert api.get(f"{path}/pathway").json["key_dates"]["community_responsibility_on"] == "2026-02-02"


def test_a_patched_release_date_moves_the_pathways_key_dates(api, path, in_custody):
    stage = in_custody({"crd": "2026-08-03"})

    api.patch(f"/stages/{stage['id']}", {"release_dates": {"crd": "2026-08-01"}})

    pathway = api.get(f"{path}/pathway").json
    assert pathway["key_dates"]["planned_release_on"] == "2026-08-01"
    assert pathway["flags"]["non_working_day_release"] is True


def test_a_crd_on_a_bank_holiday_is_flagged(api, path, in_custody):
    in_custody({"crd": "2026-08-31"})  # the summer bank holiday

    assert api.get(f"{path}/pathway").json["flags"]["non_working_day_release"] is True


def test_a_confirmed_release_before_a_bank_holiday_is_flagged_for_a_person_with_an_alcohol_need(
    api, path, in_custody
):
    in_custody({"crd": "2026-12-24", "confirmed": "2026-12-24"})  # a Thursday, the day before Christmas

    assert api.get(f"{path}/pathway").json["flags"]["friday_release"] is True


def test_the_release_dates_of_an_ended_custody_stage_are_history(api, db, path, in_custody, stage_of):
    stage = in_custody({"crd": "2026-08-03"})
    api.post(f"{path}/stages", stage_of("licence", "2026-08-03"))
    before = stored(db)

    response = api.patch(f"/stages/{stage['id']}", {"release_dates": {"crd": "2026-08-10"}})

    assert response.status_code == 409
    assert stored(db) == before
