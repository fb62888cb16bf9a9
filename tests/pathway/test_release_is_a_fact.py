"""Issue 8 through the API and the CLI: the actual release A is a recorded fact, the planned P a forecast.

Who records A and who does not, ATR only for adults, how long supervision after release may run,
when a handover ends, the board and the pathway agreeing on P's flags, and texts in custody.
Sweeps and dispatches run through `flask alerts sweep --at` and `flask sms dispatch --at`.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from sqlalchemy import func, select

from tests.sms.helpers import london
from tracker.pathway.models import Handover, Pathway, Person, ReleaseDate, Stage
from tracker.sms.models import Message

DAY = timedelta(days=1)
LONDON = ZoneInfo("Europe/London")
# England and Wales bank holidays, from the package DESIGN names (not the code's copy of it).
BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG")
PAROLE_NOTE = "parole eligibility: release only on the Parole Board's direction"
OTHER_REASONS = ("sentence_completed", "died", "deported", "transferred_out", "other")
MOBILES = iter(f"+4479112{n:05d}" for n in range(100_000))


# --- fixtures and helpers ------------------------------------------------------------------------


@pytest.fixture
def service(make_team):
    return make_team("Bristol Community Alcohol Service", "treatment")


@pytest.fixture
def resettlement(make_staff, prison):
    return make_staff("resettlement", team=prison)


@pytest.fixture
def person(make_person, om):
    """person(**fields): a new person on the offender manager's caseload (alcohol need by default)."""
    return lambda **fields: make_person(om, **fields)


@pytest.fixture
def custody(api, prison):
    """custody(person, start_on, basis="sentenced", **release_dates): the custody stage the API returned."""

    def make(who: dict, start_on: date, basis: str = "sentenced", **release_dates: date) -> dict:
        stage = {
            "kind": "custody",
            "start_on": str(start_on),
            "basis": basis,
            "establishment_team_id": prison.id,
        }
        if basis == "sentenced":
            stage["sentence_start_on"] = str(start_on)
        if release_dates:
            stage["release_dates"] = {k: str(v) for k, v in release_dates.items()} | {"source": "NOMIS"}
        response = api.post(f"/people/{who['id']}/stages", stage)
        assert response.status_code == 201, response.json
        return response.json

    return make


@pytest.fixture
def next_stage(api):
    """next_stage(person, kind, start_on, **fields): post a stage expecting 201; the stage returned."""

    def make(who: dict, kind: str, start_on: date, **fields) -> dict:
        response = api.post(f"/people/{who['id']}/stages", {"kind": kind, "start_on": str(start_on)} | fields)
        assert response.status_code == 201, response.json
        return response.json

    return make


def stored(db) -> dict[str, int]:
    """How many rows each table a stage can write holds."""
    return {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Person, Pathway, Stage, ReleaseDate, Handover, Message)
    }


def handovers_of(db, person_id: int) -> dict[str, list[Handover]]:
    """The person's handovers by kind, oldest first, fresh from the database."""
    rows = db.session.scalars(
        select(Handover)
        .where(Handover.person_id == person_id)
        .order_by(Handover.id)
        .execution_options(populate_existing=True)
    )
    found: dict[str, list[Handover]] = {}
    for h in rows:
        found.setdefault(h.kind, []).append(h)
    return found


def release_handover(db, person_id: int) -> Handover:
    [release] = handovers_of(db, person_id)["release"]
    return release


# --- A is recorded exactly by a release ----------------------------------------------------------

# How custody ends: (custody basis, the next stage's fields, whether that is an actual release).
ENDINGS = [
    pytest.param("sentenced", {"kind": "licence"}, True, id="licence"),
    pytest.param("sentenced", {"kind": "closed", "reason": "released"}, True, id="closed released"),
    pytest.param("remand", {"kind": "court", "court": "Bristol", "remanded": False}, True, id="bailed"),
    *[
        pytest.param("sentenced", {"kind": "closed", "reason": reason}, False, id=f"closed {reason}")
        for reason in OTHER_REASONS
    ],
    pytest.param("remand", {"kind": "court", "court": "Bristol", "remanded": True}, False, id="remanded"),
    pytest.param("remand", {"kind": "court", "court": "Bristol"}, False, id="remand not said"),
    pytest.param(
        "sentenced",
        {"kind": "court", "court": "Bristol", "remanded": False},
        False,
        id="court after sentenced custody",
    ),
]


def released_on_key_date(api, who: dict) -> str | None:
    """key_dates.released_on of the open pathway, else of the latest closed one."""
    response = api.get(f"/people/{who['id']}/pathway")
    pathway = (
        response.json if response.status_code == 200 else api.get(f"/people/{who['id']}/pathways").json[-1]
    )
    return pathway["key_dates"].get("released_on")


@pytest.mark.parametrize(("basis", "ending", "is_release"), ENDINGS)
def test_only_a_release_records_a_and_only_a_raises_the_released_alert(
    api, db, person, custody, next_stage, sweep, alerts, today, basis, ending, is_release
):
    who = person()
    on = today - 10 * DAY  # the day custody ends, within the sweep's late-entry horizon
    dates = {"crd": on} if basis == "sentenced" else {}
    custody(who, today - 60 * DAY, basis, **dates)

    next_stage(who, ending["kind"], on, **{k: v for k, v in ending.items() if k != "kind"})
    sweep(datetime.now(UTC))

    releases = handovers_of(db, who["id"]).get("release", [])
    if is_release:
        # Kept open, even by a closed pathway, until its A+21 outcome is fixed.
        assert [(h.released_on, h.status) for h in releases] == [(on, "open")]
        assert released_on_key_date(api, who) == str(on)
        assert [a.checkpoint_on for a in alerts(rule="released")] == [on]
    else:
        # A sentenced custody's plan ends with it; remand custody had none to end.
        assert [h.released_on for h in releases] == ([None] if basis == "sentenced" else [])
        # Closed with a pathway that closes unreleased; cancelled when custody went back to court.
        ended = "closed" if ending["kind"] == "closed" else "cancelled"
        assert all(h.status == ended for h in releases)
        assert released_on_key_date(api, who) is None
        assert alerts(rule="released") == []
        assert alerts(rule="not_engaged_7") == []


def test_bail_straight_after_remand_custody_with_no_release_dates_still_records_a(
    api, db, person, custody, next_stage, today
):
    who = person()
    remand = custody(who, today - 20 * DAY, "remand")
    assert "release" not in handovers_of(db, who["id"])

    next_stage(who, "court", today - 5 * DAY, court="Bristol Crown", remanded=False)

    release = release_handover(db, who["id"])
    assert (release.stage_id, release.released_on, release.due_on) == (
        remand["id"],
        today - 5 * DAY,
        today - 5 * DAY,
    )
    assert api.get(f"/people/{who['id']}/pathway").json["key_dates"]["released_on"] == str(today - 5 * DAY)


def test_bail_after_a_second_remand_records_a_on_the_custody_it_ends(db, person, custody, next_stage, today):
    who = person()
    custody(who, today - 40 * DAY, "remand")
    next_stage(who, "court", today - 30 * DAY, court="Bristol Crown", remanded=True)
    second = custody(who, today - 30 * DAY, "remand")

    next_stage(who, "court", today - 2 * DAY, court="Bristol Crown", remanded=False)

    [release] = handovers_of(db, who["id"])["release"]
    assert (release.stage_id, release.released_on) == (second["id"], today - 2 * DAY)


@pytest.mark.parametrize("reason", ["released", *OTHER_REASONS])
def test_every_closure_code_is_accepted_and_its_note_kept(api, person, custody, reason, today):
    who = person()
    custody(who, today - 60 * DAY, crd=today - 10 * DAY)

    response = api.post(
        f"/people/{who['id']}/stages",
        {"kind": "closed", "start_on": str(today - 10 * DAY), "reason": reason, "note": "Seen by the Board"},
    )

    assert response.status_code == 201, response.json
    assert (response.json["reason"], response.json["note"]) == (reason, "Seen by the Board")
    [past] = api.get(f"/people/{who['id']}/pathways").json
    assert (past["stages"][-1]["reason"], past["stages"][-1]["note"]) == (reason, "Seen by the Board")


@pytest.mark.parametrize("reason", ["Released on licence", "RELEASED", "", "completed"])
def test_a_free_text_closure_reason_is_refused_naming_reason_and_nothing_is_written(
    api, db, person, custody, today, reason
):
    who = person()
    custody(who, today - 60 * DAY, crd=today - 10 * DAY)
    before = stored(db)

    response = api.post(
        f"/people/{who['id']}/stages", {"kind": "closed", "start_on": str(today - 10 * DAY), "reason": reason}
    )

    assert response.status_code == 422, response.json
    assert "reason" in response.json["errors"]
    assert stored(db) == before
    assert release_handover(db, who["id"]).status == "open"


def test_a_closure_without_a_reason_is_refused_naming_reason(api, db, person, custody, today):
    who = person()
    custody(who, today - 60 * DAY)
    before = stored(db)

    response = api.post(
        f"/people/{who['id']}/stages", {"kind": "closed", "start_on": str(today), "note": "Released"}
    )

    assert response.status_code == 422
    assert "reason" in response.json["errors"]
    assert stored(db) == before


# --- ATR only for adults --------------------------------------------------------------------------


@pytest.fixture
def atr(service):
    """atr(start_on): a valid community order with an ATR, starting that day."""

    def make(start_on: date) -> dict:
        return {
            "kind": "atr",
            "start_on": str(start_on),
            "order_type": "community_order",
            "order_end_on": str(start_on + 360 * DAY),
            "atr_end_on": str(start_on + 180 * DAY),
            "treatment_team_id": service.id,
            "dependency_assessed": True,
            "consent_recorded": True,
        }

    return make


@pytest.mark.parametrize(
    ("date_of_birth", "start_on", "accepted"),
    [
        pytest.param("2008-03-17", "2026-03-16", False, id="17 years 364 days"),
        pytest.param("2008-03-16", "2026-03-16", True, id="18th birthday"),
        pytest.param("2008-03-15", "2026-03-16", True, id="18 years and a day"),
        pytest.param("2010-06-01", "2026-03-16", False, id="15"),
        # Born on 29 February: 18 on 1 March in a year without one, not on 28 February.
        pytest.param("2008-02-29", "2026-02-28", False, id="leap day born, 28 Feb"),
        pytest.param("2008-02-29", "2026-03-01", True, id="leap day born, 1 Mar"),
        pytest.param(None, "2026-03-16", False, id="no date of birth"),
    ],
)
def test_an_atr_is_for_adults_on_the_orders_start(
    api, db, person, atr, next_stage, date_of_birth, start_on, accepted
):
    who = person(date_of_birth=date_of_birth)
    next_stage(who, "court", date(2026, 2, 2), court="Bristol Magistrates")
    before, pathway_before = stored(db), api.get(f"/people/{who['id']}/pathway").json

    response = api.post(f"/people/{who['id']}/stages", atr(date.fromisoformat(start_on)))

    if accepted:
        assert response.status_code == 201, response.json
        assert [h.due_on for h in handovers_of(db, who["id"])["atr_start"]] == [date.fromisoformat(start_on)]
        return
    assert response.status_code == 422, response.json
    assert list(response.json["errors"]) == ["date_of_birth"]
    assert stored(db) == before
    assert api.get(f"/people/{who['id']}/pathway").json == pathway_before


# --- how long supervision after release may run ---------------------------------------------------

SENTENCE_START = date(2026, 1, 5)
RELEASED = date(2026, 7, 6)
LED = date(2027, 1, 4)
SED = date(2027, 7, 5)
TUSED = date(2027, 7, 5)


@pytest.mark.parametrize(
    ("release_dates", "licence", "refused"),
    [
        pytest.param({"led": LED, "sed": SED}, {"supervision_end_on": LED}, None, id="on LED"),
        pytest.param(
            {"led": LED, "sed": SED}, {"supervision_end_on": LED + DAY}, "supervision_end_on", id="LED+1"
        ),
        pytest.param({"sed": SED}, {"supervision_end_on": SED}, None, id="no LED: on SED"),
        pytest.param(
            {"sed": SED}, {"supervision_end_on": SED + DAY}, "supervision_end_on", id="no LED: SED+1"
        ),
        pytest.param(
            {"led": LED, "tused": TUSED},
            {"supervision_type": "post_sentence_supervision", "supervision_end_on": TUSED},
            None,
            id="PSS on TUSED",
        ),
        pytest.param(
            {"led": LED, "tused": TUSED},
            {"supervision_type": "post_sentence_supervision", "supervision_end_on": TUSED + DAY},
            "supervision_end_on",
            id="PSS TUSED+1",
        ),
        pytest.param(
            {"led": LED, "tused": TUSED},
            {"supervision_type": "licence", "supervision_end_on": LED + DAY},
            "supervision_end_on",
            id="licence past LED though TUSED is later",
        ),
    ],
)
def test_supervision_ends_by_led_else_sed_and_post_sentence_supervision_by_tused(
    api, db, person, custody, release_dates, licence, refused
):
    who = person()
    custody(who, SENTENCE_START, crd=RELEASED, **release_dates)
    before = stored(db)
    body = {k: str(v) for k, v in licence.items()}

    response = api.post(f"/people/{who['id']}/stages", {"kind": "licence", "start_on": str(RELEASED)} | body)

    if refused is None:
        assert response.status_code == 201, response.json
        assert response.json["supervision_type"] == licence.get("supervision_type", "licence")
        key_dates = api.get(f"/people/{who['id']}/pathway").json["key_dates"]
        assert key_dates["supervision_end_on"] == body["supervision_end_on"]
        assert key_dates["released_on"] == str(RELEASED)
        return
    assert response.status_code == 422, response.json
    assert list(response.json["errors"]) == [refused]
    assert stored(db) == before
    assert release_handover(db, who["id"]).released_on is None


@pytest.fixture
def pss_ends_on(app, monkeypatch):
    """pss_ends_on(value): PSS_ENDS_ON set for this test only (restored afterwards)."""
    return lambda value: monkeypatch.setitem(app.config, "PSS_ENDS_ON", value)


@pytest.mark.parametrize(
    ("licence_starts", "supervision_type", "refused"),
    [
        pytest.param(-1, "post_sentence_supervision", None, id="PSS the day before PSS ends"),
        pytest.param(0, "post_sentence_supervision", "supervision_type", id="PSS the day PSS ends"),
        pytest.param(30, "post_sentence_supervision", "supervision_type", id="PSS after PSS ends"),
        pytest.param(0, "licence", None, id="licence the day PSS ends"),
    ],
)
@pytest.mark.parametrize("as_text", [True, False], ids=["setting as text", "setting as date"])
def test_post_sentence_supervision_is_refused_once_pss_has_ended(
    api, db, person, custody, pss_ends_on, licence_starts, supervision_type, refused, as_text
):
    pss_ended = date(2026, 9, 1)
    pss_ends_on(str(pss_ended) if as_text else pss_ended)
    who = person()
    start_on = pss_ended + licence_starts * DAY
    custody(who, SENTENCE_START, crd=start_on, led=start_on + 30 * DAY, tused=start_on + 365 * DAY)
    before = stored(db)

    response = api.post(
        f"/people/{who['id']}/stages",
        {
            "kind": "licence",
            "start_on": str(start_on),
            "supervision_type": supervision_type,
            "supervision_end_on": str(start_on + 30 * DAY),
        },
    )

    if refused is None:
        assert response.status_code == 201, response.json
        return
    assert response.status_code == 422, response.json
    assert list(response.json["errors"]) == [refused]
    assert str(pss_ended) in response.json["errors"][refused][0]
    assert stored(db) == before


# --- handovers end at the right time -------------------------------------------------------------


@pytest.fixture
def released(person, custody, next_stage):
    """released(on, **person_fields): a person let out on licence on `on` after 100 days; the person."""

    def make(on: date, **fields) -> dict:
        who = person(**fields)
        custody(who, on - 100 * DAY, crd=on)
        next_stage(who, "licence", on)
        return who

    return make


@pytest.mark.parametrize(
    ("need", "treated", "engaged"),
    [
        pytest.param(True, True, True, id="need, treatment started"),
        pytest.param(True, False, False, id="need, no treatment"),
        pytest.param(False, False, None, id="no need"),
    ],
)
def test_a_release_handover_outlives_its_pathway_until_the_sweep_passes_a_plus_21(
    api, db, released, next_stage, service, sweep, alerts, today, need, treated, engaged
):
    a = today - 10 * DAY  # so that treatment can start today, 10 days after release
    who = released(a, alcohol_need=need)
    next_stage(who, "closed", a + 5 * DAY, reason="sentence_completed")
    if treated:
        referral = api.post(f"/people/{who['id']}/referrals", {"to_team_id": service.id, "reason": "Alcohol"})
        started = {"status": "started", "treatment_started_on": str(today)}
        assert api.patch(f"/referrals/{referral.json['id']}", started).status_code == 200
    assert api.get(f"/people/{who['id']}/pathway").status_code == 404  # the pathway is closed

    sweep(a + 20 * DAY)
    release = release_handover(db, who["id"])
    assert (release.status, release.engaged, release.engaged_fixed_on) == ("open", None, None)

    sweep(a + 21 * DAY)
    release = release_handover(db, who["id"])
    assert (release.status, release.engaged, release.engaged_fixed_on) == ("done", engaged, a + 21 * DAY)
    assert [x.checkpoint_on for x in alerts(rule="continuity_outcome")] == ([a + 21 * DAY] if need else [])


@pytest.mark.parametrize(
    ("back_after", "status"),
    [
        pytest.param(1, "returned_to_custody", id="A+1"),
        pytest.param(20, "returned_to_custody", id="A+20"),
        pytest.param(21, "open", id="A+21: the outcome day itself"),
        pytest.param(22, "open", id="A+22"),
    ],
)
@pytest.mark.parametrize("how", ["recalled on licence", "new pathway after closure"])
def test_a_return_to_custody_within_21_days_fixes_the_release_as_returned_to_custody(
    db, released, custody, next_stage, sweep, alerts, today, back_after, status, how
):
    a = today - 40 * DAY
    who = released(a)
    if how == "new pathway after closure":
        next_stage(who, "closed", a, reason="sentence_completed")
    back_on = a + back_after * DAY

    custody(who, back_on, crd=today + 60 * DAY)

    release = handovers_of(db, who["id"])["release"][0]  # the first release; the new custody has its own
    assert (release.released_on, release.status) == (a, status)
    if status == "returned_to_custody":
        assert release.engaged_fixed_on == back_on
    sweep(a + 22 * DAY)
    release = handovers_of(db, who["id"])["release"][0]
    outcome_fixed = status == "open"  # out for the whole 21 days: the sweep fixes the outcome
    assert release.status == ("done" if outcome_fixed else "returned_to_custody")
    assert release.engaged_fixed_on == (a + 21 * DAY if outcome_fixed else back_on)
    assert [x.checkpoint_on for x in alerts(rule="continuity_outcome")] == (
        [a + 21 * DAY] if outcome_fixed else []
    )


def test_a_pathway_that_closes_without_release_closes_all_its_handovers(
    db, person, custody, next_stage, atr, today
):
    who = person()
    next_stage(who, "court", today - 120 * DAY, court="Bristol Crown")
    started = today - 100 * DAY
    next_stage(
        who, "atr", started, **{k: v for k, v in atr(started).items() if k not in ("kind", "start_on")}
    )
    custody(who, today - 60 * DAY, crd=today + 30 * DAY)
    assert {kind: [h.status for h in rows] for kind, rows in handovers_of(db, who["id"]).items()} == {
        "atr_start": ["open"],
        "custody_reception": ["open"],
        "release": ["open"],
    }

    next_stage(who, "closed", today - 5 * DAY, reason="died", note="Died in custody")

    assert {kind: [h.status for h in rows] for kind, rows in handovers_of(db, who["id"]).items()} == {
        "atr_start": ["closed"],
        "custody_reception": ["closed"],
        "release": ["closed"],
    }
    assert release_handover(db, who["id"]).released_on is None


def test_a_released_handover_is_kept_open_by_a_closure_but_its_pathways_others_close(
    db, released, next_stage, today
):
    who = released(today - 10 * DAY)

    next_stage(who, "closed", today - 5 * DAY, reason="sentence_completed")

    found = handovers_of(db, who["id"])
    assert [h.status for h in found["custody_reception"]] == ["closed"]
    assert [(h.status, h.released_on) for h in found["release"]] == [("open", today - 10 * DAY)]


@pytest.fixture
def caseload_page(app, client):
    """caseload_page(staff): the caseload page as that staff member sees it, by row."""
    from tests.web.helpers import Browser, text
    from tracker.extensions import limiter

    def rows(staff) -> dict[str, str]:
        limiter.reset()
        browser = Browser(app.test_client())
        assert browser.sign_in(staff).status_code == 302
        page = text(browser.get("/caseload?view=team"))
        found = {}
        for row in page.split('<tr class="govuk-table__row">')[1:]:
            name = re.search(r'href="/people/\d+">([^<]+)</a>', row)
            if name:
                found[name.group(1)] = row
        return found

    return rows


def test_the_caseload_never_shows_a_red_amber_green_from_a_past_pathways_handover(
    om, released, person, custody, next_stage, caseload_page, db, today
):
    past = released(today - 10 * DAY, given_name="Past", family_name="Pathway")
    next_stage(past, "closed", today - 5 * DAY, reason="sentence_completed")
    held = person(given_name="Held", family_name="Now")
    custody(held, today - 60 * DAY, crd=today + 20 * DAY)
    assert release_handover(db, past["id"]).status == "open"

    closed_rows = caseload_page(om)
    next_stage(past, "arrest", today, custody_suite="Patchway")  # a new pathway opens
    reopened_rows = caseload_page(om)

    for rows in (closed_rows, reopened_rows):
        assert "govuk-tag" not in rows["Past Pathway"] and "No handover" in rows["Past Pathway"]
        assert "govuk-tag" in rows["Held Now"]  # the control: a live handover shows its state


# --- the board and the pathway agree on P and its flags --------------------------------------------


def quiet_saturday(today: date) -> date:
    """The first Saturday 14 or more days ahead whose week (Monday to the next Monday) has no holiday."""
    day = today + 14 * DAY
    while True:
        day += (5 - day.weekday()) % 7 * DAY
        week = [day - 5 * DAY + n * DAY for n in range(8)]
        if not any(d in BANK_HOLIDAYS for d in week):
            return day
        day += DAY


# (release dates by days from a quiet Saturday S, the person's alcohol need) ->
# (P by days from S, P's basis, non-working-day flag, Friday flag, parole eligibility only)
BOARD_CASES = [
    pytest.param({"crd": 0}, True, (0, "crd", True, True, False), id="Saturday CRD"),
    pytest.param(
        {"crd": 0, "confirmed": -1},
        True,
        (-1, "confirmed", False, True, False),
        id="Saturday CRD, Friday confirmed",
    ),
    pytest.param({"crd": -1}, True, (-1, "crd", False, True, False), id="Friday CRD"),
    pytest.param(
        {"crd": -1, "confirmed": -3},
        True,
        (-3, "confirmed", False, False, False),
        id="Friday CRD, Wednesday confirmed",
    ),
    pytest.param(
        {"hdced": -8, "hdcad": -1, "crd": 16},
        True,
        (-1, "hdcad", False, False, False),
        id="HDCAD on a Friday",
    ),
    pytest.param({"ped": -1}, True, (-1, "ped", False, False, True), id="PED only, a Friday"),
    pytest.param({"ped": 0}, True, (0, "ped", False, False, True), id="PED only, a Saturday"),
    pytest.param({"crd": 0}, False, (0, "crd", True, False, False), id="Saturday CRD, no alcohol need"),
]


@pytest.mark.parametrize(("offsets", "need", "expected"), BOARD_CASES)
def test_the_board_and_the_pathway_agree_on_p_and_its_flags(
    api, api_as, resettlement, person, custody, today, offsets, need, expected
):
    saturday = quiet_saturday(today)
    p_offset, basis, non_working, friday, parole_only = expected
    planned = saturday + p_offset * DAY
    who = person(alcohol_need=need)
    custody(who, today - 100 * DAY, **{k: saturday + d * DAY for k, d in offsets.items()})

    [row] = api_as(resettlement).get("/handovers").json
    pathway = api.get(f"/people/{who['id']}/pathway").json

    flags = {"non_working_day_release": non_working, "friday_release": friday}
    note = PAROLE_NOTE if parole_only else None
    assert row["person"]["id"] == who["id"]
    assert (row["release_on"], row["planned_basis"], row["flags"], row["release_note"]) == (
        str(planned),
        basis,
        flags,
        note,
    )
    assert (pathway["key_dates"]["planned_release_on"], pathway["flags"], pathway["release_note"]) == (
        str(planned),
        flags,
        note,
    )
    assert row["released_on"] is None and "released_on" not in pathway["key_dates"]


def test_a_released_person_leaves_the_board_and_their_handover_says_when(
    api, api_as, resettlement, person, custody, next_stage, today
):
    friday = quiet_saturday(today) - DAY
    who = person()
    custody(who, today - 100 * DAY, crd=friday)
    board = api_as(resettlement)
    [row] = board.get("/handovers").json

    next_stage(who, "licence", today)  # out early, on HDC say

    assert board.get("/handovers").json == []
    handover = board.get(f"/handovers/{row['id']}").json
    assert (handover["released_on"], handover["release_on"], handover["status"]) == (
        str(today),
        str(friday),
        "open",
    )


# --- texts in custody ------------------------------------------------------------------------------


@pytest.fixture
def texted(person):
    """texted(**fields): a person with a mobile who consented to texts."""
    return lambda **fields: person(mobile=next(MOBILES), sms_consent=True, **fields)


@pytest.fixture
def dispatch(app):
    """dispatch(instant): `flask sms dispatch --at` through the default outbox backend."""
    runner = app.test_cli_runner()

    def run(instant: datetime) -> str:
        result = runner.invoke(args=["sms", "dispatch", "--at", instant.isoformat()])
        assert result.exit_code == 0, result.output
        return result.output

    return run


@pytest.fixture
def messages(api):
    """messages(person): GET /people/{id}/messages as the offender manager sees it."""

    def listed(who: dict) -> list[dict]:
        response = api.get(f"/people/{who['id']}/messages")
        assert response.status_code == 200, response.json
        return response.json

    return listed


def utc(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat()


def test_a_parole_eligibility_date_passing_in_custody_sends_no_text_and_raises_no_release(
    texted, custody, dispatch, messages, sweep, alerts, today
):
    who = texted()
    ped = today + 3 * DAY
    custody(who, today - 100 * DAY, ped=ped)
    assert messages(who) == []

    sweep(datetime.now(UTC))
    for day, hhmm in ((ped, "09:00"), (ped, "12:00"), (ped + DAY, "09:00"), (ped + 2 * DAY, "10:00")):
        dispatch(london(day, hhmm))
        sweep(london(day, hhmm))

    assert messages(who) == []
    rules_raised = {a.rule for a in alerts(person_id=who["id"])}
    assert not rules_raised & {
        "released",
        "stage_overdue",
        "not_engaged_7",
        "probation_first_appointment_missed",
    }


@pytest.mark.parametrize(
    ("what_happens", "sent"),
    [
        pytest.param("custody still open", True, id="custody still open on the day"),
        pytest.param("released on the day", True, id="released on the confirmed day"),
        pytest.param("released the day before", False, id="released the day before"),
        pytest.param("back to court", False, id="custody ended at court before the day"),
        pytest.param("not confirmed", False, id="the date was never confirmed"),
    ],
)
def test_the_release_day_text_goes_only_on_the_confirmed_date_at_nine(
    texted, custody, next_stage, dispatch, messages, today, what_happens, sent
):
    saturday = quiet_saturday(today)
    friday = saturday - DAY  # the Saturday CRD brought forward to the Friday
    who = texted(given_name="Sam")
    dates = {"crd": saturday} | ({} if what_happens == "not confirmed" else {"confirmed": friday})
    custody(who, today - 100 * DAY, **dates)
    if what_happens == "released on the day":
        next_stage(who, "licence", friday)
    elif what_happens == "released the day before":
        next_stage(who, "licence", friday - DAY)
    elif what_happens == "back to court":
        next_stage(who, "court", friday - 2 * DAY, court="Bristol Crown")

    dispatch(london(friday, "08:59"))
    assert all(m["status"] != "sent" for m in messages(who))
    for day in (friday, saturday):
        dispatch(london(day, "09:00"))
        dispatch(london(day, "12:00"))

    release_day = [m for m in messages(who) if m["purpose"] == "release_day"]
    if what_happens == "not confirmed":
        assert release_day == []
    elif sent:
        [text] = release_day
        assert (text["status"], text["due_at"]) == ("sent", utc(london(friday, "09:00")))
        assert text["body"].startswith("Hi Sam, today is the day.")
        assert text["sent_at"] == utc(london(friday, "09:00"))
    else:
        assert [m["status"] for m in release_day] == ["cancelled"]
    # Nothing else said "today is the day" (the check-in two days after A is another text).
    sent_purposes = [m["purpose"] for m in messages(who) if m["status"] == "sent"]
    assert [p for p in sent_purposes if p != "check_in"] == (["release_day"] if sent else [])


@pytest.mark.parametrize(
    ("starts", "out_after", "kept"),
    [
        pytest.param("11:00", 0, True, id="appointment later on the day of release"),
        pytest.param("09:30", 0, True, id="appointment at 09:30 on the day of release"),
        pytest.param("08:30", 0, False, id="appointment before 09:00 on the day of release"),
        pytest.param("11:00", 1, False, id="released the day after the appointment"),
    ],
)
def test_a_reminder_due_in_custody_is_held_then_sent_after_release_if_still_ahead_else_dropped(
    api, texted, custody, next_stage, dispatch, messages, today, starts, out_after, kept
):
    who = texted(given_name="Sam")
    custody(who, today - 100 * DAY, crd=today + 30 * DAY)
    on = today + 5 * DAY
    booked = api.post(
        f"/people/{who['id']}/appointments",
        {
            "kind": "probation",
            "starts_at": london(on, starts).isoformat(),
            "location_label": "12 King Street",
        },
    )
    assert booked.status_code == 201, booked.json
    reminder_due = london(on - DAY, "10:00")

    dispatch(reminder_due)
    [held] = messages(who)
    assert (held["purpose"], held["status"], held["body"]) == ("appointment", "held", None)
    assert held["note"] == "Held: due while in custody; sent after release if still ahead."

    released_on = on + out_after * DAY
    next_stage(who, "licence", released_on)
    [reminder] = [m for m in messages(who) if m["purpose"] == "appointment"]
    if kept:
        assert (reminder["status"], reminder["due_at"]) == ("pending", utc(london(released_on, "09:00")))
        assert reminder["note"] == "Held while in custody; sent after release."
    else:
        assert reminder["status"] == "cancelled"
        assert reminder["note"] == "Dropped: it fell due while in custody and its moment has passed."

    dispatch(london(released_on, "09:00"))
    [reminder] = [m for m in messages(who) if m["purpose"] == "appointment"]
    if kept:
        assert reminder["status"] == "sent"
        assert f"{on:%a} {on.day} {on:%b} at {int(starts[:2])}:{starts[3:]}am" in reminder["body"]
    else:
        assert (reminder["status"], reminder["body"]) == ("cancelled", None)
