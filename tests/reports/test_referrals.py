"""The referrals report against a fixture small enough to count on paper."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

REASONS = (
    "not_eligible",
    "declined_by_person",
    "no_capacity",
    "referred_elsewhere",
    "did_not_engage",
    "other",
)


@pytest.fixture
def refer(db, places):
    """refer(team, on, status="made", started=days after or None, reason=None, by=om): one referral."""
    from tracker.pathway.models import Person, Referral

    def make(team, on: date, status: str = "made", started: int | None = None, reason=None, by=None):
        person = Person(given_name="P", family_name="Test")
        db.session.add(person)
        db.session.flush()
        db.session.add(
            Referral(
                person_id=person.id,
                to_team_id=team.id,
                kind="structured_alcohol_treatment",
                reason="need",
                status=status,
                decline_reason=reason,
                treatment_started_on=on + timedelta(days=started) if started is not None else None,
                made_at=datetime.combine(on, time(12), UTC),
                made_by_id=(by or places.om).id,
            )
        )

    return make


@pytest.fixture
def alcohol_service(db, places, refer, last_year):
    """Bristol's service, 10 April: 52 referrals: 12 started (1 to 12 days after), 5 accepted only,
    35 declined (5 for each reason and 5 with none recorded)."""
    april = last_year.start_on + timedelta(days=9)
    team = places.treatment_team
    for days in range(1, 13):
        refer(team, april, "started", started=days)
    for _ in range(5):
        refer(team, april, "accepted")
    for reason in (*REASONS, None):
        for _ in range(5):
            refer(team, april, "declined", reason=reason)
    db.session.commit()
    return last_year


def row_of(body, group):
    [row] = [r for r in body["rows"] if r["group"] == group]
    return row


def test_made_accepted_declined_by_reason_and_started_by_service(alcohol_service, api_as, places):
    body = api_as(places.commissioner).get(f"/reports/referrals?period={alcohol_service.name}").json

    assert body["by"] == "service"
    row = row_of(body, "Bristol Community Alcohol Service")
    assert (row["made"], row["accepted"], row["declined"], row["started"]) == (52, 17, 35, 12)
    assert [row[f"declined_{r}"] for r in (*REASONS, "not_recorded")] == [5] * 7
    assert row["suppressed"] == []
    assert body["total"]["made"] == 52


def test_days_to_start_median_and_90th_percentile(alcohol_service, api_as, places):
    body = api_as(places.commissioner).get(f"/reports/referrals?period={alcohol_service.name}").json

    # 1..12 days: the middle two are 6 and 7; the 90th percentile is the 11th of 12 (ceil 10.8).
    row = row_of(body, "Bristol Community Alcohol Service")
    assert (row["median_days"], row["p90_days"]) == (6.5, 11)
    assert (body["total"]["median_days"], body["total"]["p90_days"]) == (6.5, 11)


@pytest.fixture
def two_services(alcohol_service, db, places, refer):
    """And Cardiff's, 10 July: 15 referrals: 10 started (0, 2, ... 18 days after), 5 declined not eligible."""
    july = alcohol_service.start_on + timedelta(days=100)
    for days in range(0, 20, 2):
        refer(places.other_treatment, july, "started", started=days)
    for _ in range(5):
        refer(places.other_treatment, july, "declined", reason="not_eligible")
    db.session.commit()
    return alcohol_service


def test_a_service_with_one_decline_reason_hides_its_reasons_and_the_ones_they_would_give_away(
    two_services, api_as, places
):
    body = api_as(places.commissioner).get(f"/reports/referrals?period={two_services.name}").json

    cardiff = row_of(body, "Cardiff Alcohol Service")
    assert (cardiff["made"], cardiff["accepted"], cardiff["declined"], cardiff["started"]) == (15, 10, 5, 10)
    assert (cardiff["median_days"], cardiff["p90_days"]) == (9.0, 16)
    # "5 of 5 not eligible" says why each was declined; with it hidden, so must Bristol's be beside it.
    reasons = [f"declined_{r}" for r in (*REASONS, "not_recorded")]
    assert all(cardiff[r] is None for r in reasons)
    total = body["total"]
    assert (total["made"], total["declined"], total["declined_not_eligible"]) == (67, 40, 10)
    # All 22 started: 0 1 2 2 3 4 4 5 6 6 7 8 8 9 10 10 11 12 12 14 16 18; the 20th of 22 is 14.
    assert (total["median_days"], total["p90_days"]) == (7.5, 14)
    bristol = row_of(body, "Bristol Community Alcohol Service")
    for r in reasons:
        shown = [row[r] for row in (bristol, cardiff) if row[r] is not None]
        assert len(shown) != 1, f"{r} could be worked out from the total"


def test_a_quarter_and_the_monthly_demand(two_services, api_as, places):
    api = api_as(places.commissioner)

    q2 = api.get(f"/reports/referrals?period={two_services.name}-Q2").json
    months = api.get(f"/reports/referrals?period={two_services.name}&by=month").json

    assert {r["group"]: r["made"] for r in q2["rows"]} == {
        "Bristol Community Alcohol Service": 0,
        "Cardiff Alcohol Service": 15,
    }
    made = {r["group"]: r["made"] for r in months["rows"]}
    start = two_services.start_on
    assert made[start.strftime("%Y-04")] == 52 and made[start.strftime("%Y-07")] == 15
    assert sum(made.values()) == 67


def test_a_treatment_service_sees_only_the_referrals_made_to_it(two_services, api_as, places):
    body = api_as(places.treatment).get(f"/reports/referrals?period={two_services.name}").json

    assert [r["group"] for r in body["rows"]] == ["Bristol Community Alcohol Service"]
    assert body["total"]["made"] == 52


def test_csv_reads_c_for_a_hidden_reason(two_services, api_as, places):
    response = api_as(places.commissioner).get(f"/reports/referrals?period={two_services.name}&format=csv")

    lines = response.get_data(as_text=True).splitlines()
    assert lines[0].startswith("service,made,accepted,declined,declined_not_eligible,")
    assert "[c]" in lines[2]


def test_demand_per_service_by_month_is_one_table_with_its_year(db, places, refer, last_year, api_as):
    """Bristol: 8, 6 and 5 in April, May and June; Cardiff: 7, 3 and 6. Cardiff's May (3) is hidden, so
    is its June beside it in its quarter, Bristol's June beside that in June's total, and Bristol's May
    beside that in Bristol's quarter; April is shown."""
    months = [last_year.start_on + timedelta(days=d) for d in (9, 40, 70)]
    for team, counts in ((places.treatment_team, (8, 6, 5)), (places.other_treatment, (7, 3, 6))):
        for on, count in zip(months, counts, strict=True):
            for _ in range(count):
                refer(team, on, "accepted")
    db.session.commit()
    api = api_as(places.commissioner)

    q1 = api.get(f"/reports/referrals?period={last_year.name}-Q1").json
    year_csv = api.get(f"/reports/referrals?period={last_year.name}&format=csv").get_data(as_text=True)

    apr, may, jun = (on.strftime("%Y-%m") for on in months)
    assert q1["months"] == [apr, may, jun]
    bristol, cardiff = row_of(q1, "Bristol Community Alcohol Service"), row_of(q1, "Cardiff Alcohol Service")
    demand = [[row[f"made_{m}"] for m in (apr, may, jun)] for row in (bristol, cardiff, q1["total"])]
    assert demand == [[8, None, None], [7, None, None], [15, 9, 11]]
    assert {f"made_{may}", f"made_{jun}"} <= set(cardiff["suppressed"])
    assert (bristol["made"], cardiff["made"]) == (19, 16)
    header = year_csv.splitlines()[0].split(",")
    assert header[-12:] == [
        f"made_{last_year.start_on.year + (m < 4)}-{m:02}" for m in (*range(4, 13), 1, 2, 3)
    ]
