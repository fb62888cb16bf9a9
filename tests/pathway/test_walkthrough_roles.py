"""A walk-through per role: one person from arrest to release, and what each role may see and do.

The offender manager records the journey: arrest, court, a zone IV AUDIT, sentenced custody at
HMP Bristol, a structured alcohol treatment referral, and a recorded release on licence on the
planned date P. At each step every role is asked what it may read (and in which shape: clinical
detail only for a care relationship) and what it may change, by status code; after the release the
sweep walks to P+7 and each role's inbox shows the alerts its team receives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import holidays
import pytest
from sqlalchemy import select

from tracker.audit import AuditEntry

DAY = timedelta(days=1)
BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG")
ZONE_IV = {"tool": "audit", "answers": [4, 4, 4, 4, 0, 0, 0, 0, 2, 2], "intervention": "referred"}
REASON = "Drinks from waking; withdrawal fits last winter"
CLINICAL_SCREENING_FIELDS = {"answers", "score", "zone", "action"}
ROLES_WITHOUT_PEOPLE = ("commissioner", "admin")


def quiet_wednesday(today: date) -> date:
    """A Wednesday at least 11 days ahead in a week (Monday to the Monday after) with no bank holiday."""
    day = today + 11 * DAY
    while True:
        day += (2 - day.weekday()) % 7 * DAY
        week = [day - 2 * DAY + n * DAY for n in range(8)]
        if not any(d in BANK_HOLIDAYS for d in week):
            return day
        day += DAY


@dataclass
class Journey:
    """The people, the person and the dates of one walk from arrest to release."""

    api_as: Any
    sweep: Any
    om: Any
    colleague: Any
    other_om: Any
    resettlement: Any
    other_resettlement: Any
    treatment: Any
    other_treatment: Any
    prison: Any
    today: date
    planned: date  # P, a Wednesday clear of bank holidays: no Friday or weekend flag
    person: dict | None = None
    custody: dict | None = None
    referral: dict | None = None
    handover_id: int | None = None

    @property
    def path(self) -> str:
        return f"/people/{self.person['id']}"

    def as_om(self, method: str, path: str, body: dict | None = None, status: int = 201) -> dict:
        api = self.api_as(self.om)
        response = api.get(path) if method == "get" else getattr(api, method)(path, body)
        assert response.status_code == status, (path, response.json)
        return response.json

    def arrested_and_at_court(self) -> None:
        """Arrest, then court on bail, with a zone IV AUDIT recorded."""
        self.person = self.as_om(
            "post",
            "/people",
            {
                "given_name": "Sam",
                "family_name": "Jones",
                "date_of_birth": "1985-04-02",
                "alcohol_need": True,
            },
        )
        arrest = {"kind": "arrest", "start_on": str(self.today - 100 * DAY), "custody_suite": "Patchway"}
        self.as_om("post", f"{self.path}/stages", arrest)
        court = {"kind": "court", "start_on": str(self.today - 99 * DAY), "court": "Bristol Crown"}
        self.as_om("post", f"{self.path}/stages", court | {"remanded": False})
        self.as_om("post", f"{self.path}/screenings", ZONE_IV)

    def sentenced(self) -> None:
        """Sentenced to custody at HMP Bristol with a CRD of P, referred to the alcohol service, swept."""
        start = self.today - 60 * DAY
        self.custody = self.as_om(
            "post",
            f"{self.path}/stages",
            {
                "kind": "custody",
                "start_on": str(start),
                "basis": "sentenced",
                "establishment_team_id": self.prison.id,
                "sentence_start_on": str(start),
                "release_dates": {
                    "crd": str(self.planned),
                    "led": str(self.planned + 180 * DAY),
                    "sed": str(self.planned + 180 * DAY),
                    "source": "NOMIS",
                },
            },
        )
        self.referral = self.as_om(
            "post", f"{self.path}/referrals", {"to_team_id": self.treatment.team_id, "reason": REASON}
        )
        first = datetime.combine(self.planned + DAY, time(10), UTC).isoformat()
        self.as_om("post", f"{self.path}/appointments", {"kind": "probation", "starts_at": first})
        [row] = self.api_as(self.resettlement).get("/handovers").json
        self.handover_id = row["id"]
        self.sweep(datetime.now(UTC))
        self.sweep(self.planned - 7 * DAY)

    def released(self) -> None:
        """Released on licence on P, as planned; the sweep walks to P+7."""
        licence = {
            "kind": "licence",
            "start_on": str(self.planned),
            "supervision_end_on": str(self.planned + 180 * DAY),
        }
        self.as_om("post", f"{self.path}/stages", licence)
        self.sweep(self.planned)
        self.sweep(self.planned + 7 * DAY)

    def alert_rules(self, staff) -> set[str]:
        """The rules of this person's alerts in the staff member's inbox (theirs and their team's)."""
        seen = set()
        for status in ("open", "acknowledged", "resolved"):
            response = self.api_as(staff).get(f"/alerts?status={status}")
            assert response.status_code == 200, response.json
            seen |= {a["rule"] for a in response.json if a["person_id"] == self.person["id"]}
        return seen


@pytest.fixture
def journey(app, make_staff, make_team, api_as, today) -> Journey:
    runner = app.test_cli_runner()

    def sweep(at: date | datetime) -> None:
        instant = at if isinstance(at, datetime) else datetime.combine(at, time(12), UTC)
        result = runner.invoke(args=["alerts", "sweep", "--at", instant.isoformat()])
        assert result.exit_code == 0, result.output

    prison = make_team("HMP Bristol", "prison", "BCI")
    other_prison = make_team("HMP Eastwood Park", "prison", "EWI")
    om = make_staff("offender_manager")
    return Journey(
        api_as=api_as,
        sweep=sweep,
        om=om,
        colleague=make_staff("offender_manager", team=om.team),
        other_om=make_staff("offender_manager"),
        resettlement=make_staff("resettlement", team=prison),
        other_resettlement=make_staff("resettlement", team=other_prison),
        treatment=make_staff("treatment"),
        other_treatment=make_staff("treatment"),
        prison=prison,
        today=today,
        planned=quiet_wednesday(today),
    )


def statuses(api, requests: dict[str, tuple]) -> dict[str, int]:
    """Each named request's status code: name -> (method, path[, body])."""
    codes = {}
    for name, (method, path, *body) in requests.items():
        response = api.get(path) if method == "get" else getattr(api, method)(path, *body)
        codes[name] = response.status_code
    return codes


def reads(j: Journey) -> dict[str, tuple]:
    return {
        "person": ("get", j.path),
        "pathway": ("get", f"{j.path}/pathway"),
        "screenings": ("get", f"{j.path}/screenings"),
        "referrals": ("get", f"{j.path}/referrals"),
        "appointments": ("get", f"{j.path}/appointments"),
        "messages": ("get", f"{j.path}/messages"),
    }


def writes(j: Journey) -> dict[str, tuple]:
    """A valid change of each kind, so that a refusal is about who asks, never about the data."""
    later = datetime.combine(j.planned + 3 * DAY, time(11), UTC).isoformat()
    changes = {
        "change person": ("patch", j.path, {"family_name": "Jonas"}),
        "next stage": (
            "post",
            f"{j.path}/stages",
            {"kind": "closed", "start_on": str(j.today), "reason": "other"},
        ),
        "screening": ("post", f"{j.path}/screenings", ZONE_IV),
        "referral": ("post", f"{j.path}/referrals", {"to_team_id": j.treatment.team_id, "reason": REASON}),
        "appointment": ("post", f"{j.path}/appointments", {"kind": "probation", "starts_at": later}),
    }
    if j.custody:
        confirmed = {"release_dates": {"confirmed": str(j.planned)}}
        changes["release dates"] = ("patch", f"/stages/{j.custody['id']}", confirmed)
    if j.handover_id:
        changes["checklist"] = (
            "patch",
            f"/handovers/{j.handover_id}",
            {"checklist": {"gp_registration": "done"}},
        )
    return changes


def clinical_shapes(api, j: Journey) -> tuple[bool, bool]:
    """(screenings show answers and scores, referrals show their reason) to this caller."""
    screenings = api.get(f"{j.path}/screenings").json
    referrals = api.get(f"{j.path}/referrals").json
    assert screenings and referrals
    shown = {CLINICAL_SCREENING_FIELDS <= set(s) for s in screenings}
    assert all(
        CLINICAL_SCREENING_FIELDS <= set(s) or not CLINICAL_SCREENING_FIELDS & set(s) for s in screenings
    )
    if shown == {False}:
        assert {s["need"] for s in screenings} == {"Specialist alcohol referral needed"}
    reasons = {"reason" in r for r in referrals}
    assert len(shown) == len(reasons) == 1  # the same answer for every row
    return shown.pop(), reasons.pop()


def last_reads_audited_as_clinical(db, staff) -> list[bool]:
    """Whether this staff member's last screenings and referrals reads were audited as clinical."""
    entries = db.session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.actor_id == staff.id,
            AuditEntry.action == "view",
            AuditEntry.subject_type.in_(("screenings", "referrals")),
        )
        .order_by(AuditEntry.id.desc())
        .limit(2)
    ).all()
    assert sorted(e.subject_type for e in entries) == ["referrals", "screenings"]
    return [bool((e.detail or {}).get("clinical")) for e in reversed(entries)]


# --- the offender manager ------------------------------------------------------------------------


def test_the_offender_manager_records_the_whole_journey_and_hears_of_every_checkpoint(journey, db):
    j = journey
    j.arrested_and_at_court()
    j.sentenced()
    api = j.api_as(j.om)
    assert clinical_shapes(api, j) == (True, True)
    # Their own person: every change is theirs to make (the board's checklist included).
    confirmed = {"release_dates": {"confirmed": str(j.planned)}}
    assert api.patch(f"/stages/{j.custody['id']}", confirmed).status_code == 200
    ticked = {"checklist": {"accommodation": "done"}}
    assert api.patch(f"/handovers/{j.handover_id}", ticked).status_code == 200

    j.released()

    pathway = api.get(f"{j.path}/pathway").json
    assert pathway["current_stage"]["kind"] == "licence"
    assert pathway["key_dates"]["released_on"] == str(j.planned)
    assert pathway["key_dates"]["planned_release_on"] == str(j.planned)
    assert {"released", "probation_first_appointment_missed", "not_engaged_7", "pre_release_planning"} <= (
        j.alert_rules(j.om)
    )
    assert last_reads_audited_as_clinical(db, j.om) == [True, True]


def test_another_teams_offender_manager_sees_nothing_of_the_person(journey):
    j = journey
    for step in (j.arrested_and_at_court, j.sentenced, j.released):
        step()
        api = j.api_as(j.other_om)
        assert set(statuses(api, reads(j)).values()) == {404}
        assert set(statuses(api, writes(j)).values()) == {404}
    assert j.alert_rules(j.other_om) == set()


# --- the same team's offender manager ------------------------------------------------------------


def test_a_colleague_in_the_same_team_reads_everything_clinical_included_and_changes_nothing(journey, db):
    j = journey
    for step in (j.arrested_and_at_court, j.sentenced, j.released):
        step()
        api = j.api_as(j.colleague)
        assert set(statuses(api, reads(j)).values()) == {200}
        assert set(statuses(api, writes(j)).values()) == {403}
    assert clinical_shapes(api, j) == (True, True)
    assert last_reads_audited_as_clinical(db, j.colleague) == [True, True]
    # The probation team hears of the release; the prison's and the treatment service's alerts are theirs.
    assert j.alert_rules(j.colleague) == {
        "community_responsibility_due",
        "released",
        "probation_first_appointment_missed",
        "appointment_outcome_missing",
    }


# --- resettlement (the prison) --------------------------------------------------------------------


def test_the_prisons_resettlement_worker_sees_the_need_works_the_handover_and_hears_of_planning(journey, db):
    j = journey
    j.arrested_and_at_court()
    api = j.api_as(j.resettlement)
    assert set(statuses(api, reads(j)).values()) == {404}  # not held by them yet

    j.sentenced()
    assert set(statuses(api, reads(j)).values()) == {200}
    assert clinical_shapes(api, j) == (False, False)
    [row] = api.get("/handovers").json
    assert (row["person"]["id"], row["release_on"], row["planned_basis"]) == (
        j.person["id"],
        str(j.planned),
        "crd",
    )
    assert statuses(api, writes(j)) == {
        "change person": 403,
        "next stage": 403,
        "screening": 201,
        "referral": 201,
        "appointment": 201,
        "release dates": 200,
        "checklist": 200,
    }
    assert api.post("/people", {"given_name": "New", "family_name": "Person"}).status_code == 403

    j.released()
    # Released within 12 weeks: still theirs to read, gone from the board of coming releases.
    assert set(statuses(api, reads(j)).values()) == {200}
    assert api.get("/handovers").json == []
    assert api.get(f"/handovers/{j.handover_id}").json["released_on"] == str(j.planned)
    assert clinical_shapes(api, j) == (False, False)
    assert last_reads_audited_as_clinical(db, j.resettlement) == [False, False]
    # Planning before P is the establishment's; nothing that says the person is out.
    assert j.alert_rules(j.resettlement) == {
        "pre_release_planning",
        "release_date_unconfirmed",
        "accommodation_missing",
        "escalated",
    }


def test_another_prisons_resettlement_worker_never_sees_the_person(journey):
    j = journey
    for step in (j.arrested_and_at_court, j.sentenced, j.released):
        step()
        api = j.api_as(j.other_resettlement)
        assert set(statuses(api, reads(j)).values()) == {404}
        assert set(statuses(api, writes(j)).values()) == {404}
        assert api.get("/handovers").json == []
    assert j.alert_rules(j.other_resettlement) == set()


# --- treatment (the community alcohol service) ----------------------------------------------------


def test_the_treatment_service_referred_to_sees_clinical_detail_while_the_referral_is_live(journey, db):
    j = journey
    j.arrested_and_at_court()
    api = j.api_as(j.treatment)
    assert set(statuses(api, reads(j)).values()) == {404}  # not referred yet

    j.sentenced()
    assert set(statuses(api, reads(j)).values()) == {200}
    assert clinical_shapes(api, j) == (True, True)
    assert last_reads_audited_as_clinical(db, j.treatment) == [True, True]
    changes = writes(j)
    assert statuses(api, {k: changes[k] for k in ("change person", "next stage", "referral")}) == {
        "change person": 403,
        "next stage": 403,
        "referral": 403,
    }
    assert statuses(api, {k: changes[k] for k in ("release dates", "checklist")}) == {
        "release dates": 403,
        "checklist": 403,
    }
    assert api.patch(f"/referrals/{j.referral['id']}", {"status": "accepted"}).status_code == 200

    j.released()
    assert j.alert_rules(j.treatment) == {"not_engaged_7"}

    # Declining ends the care relationship: the need only, from then on.
    declined = {"status": "declined", "decline_reason": "did_not_engage"}
    assert api.patch(f"/referrals/{j.referral['id']}", declined).status_code == 200
    assert api.get(j.path).status_code == 200
    assert clinical_shapes(api, j) == (False, False)
    assert last_reads_audited_as_clinical(db, j.treatment) == [False, False]


def test_a_treatment_service_not_referred_to_sees_nothing(journey):
    j = journey
    for step in (j.arrested_and_at_court, j.sentenced, j.released):
        step()
        api = j.api_as(j.other_treatment)
        assert set(statuses(api, reads(j)).values()) == {404}
        assert set(statuses(api, writes(j)).values()) == {404}
    assert j.alert_rules(j.other_treatment) == set()


# --- commissioner and admin ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES_WITHOUT_PEOPLE)
def test_commissioners_and_admins_never_see_the_person_nor_their_alerts(journey, make_staff, role):
    j = journey
    staff = make_staff(role)
    api = j.api_as(staff)
    for step in (j.arrested_and_at_court, j.sentenced, j.released):
        step()
        assert set(statuses(api, reads(j)).values()) == {404}
        assert set(statuses(api, writes(j)).values()) == {404}
        assert api.get("/people").status_code == 403
        assert api.get("/handovers").status_code == 403
        assert api.get("/alerts").status_code == 403
        assert api.post("/people", {"given_name": "New", "family_name": "Person"}).status_code == 403
    assert api.get("/me").json["role"] == role
