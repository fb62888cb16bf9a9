"""Demo data: teams, one account per role and about 40 people spread over every stage."""

from __future__ import annotations

import random
import secrets
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import current_app

from tracker.auth import service as auth
from tracker.auth.models import Staff
from tracker.clock import local_today, zone
from tracker.pathway import arrest_referral, care, dates, screening, service
from tracker.pathway.models import Person

TEAMS = [
    ("Bristol Probation", "probation", None),
    ("HMP Bristol", "prison", "BCI"),
    ("HMP Eastwood Park", "prison", "EWI"),
    ("Bristol Community Alcohol Service", "treatment", None),
    ("Avon and Somerset Police Custody", "police", None),
    ("Bristol Magistrates", "court", None),
]
ACCOUNTS = [
    ("om@example.org", "Olivia Mensah", "offender_manager", "Bristol Probation"),
    ("om2@example.org", "Tom Price", "offender_manager", "Bristol Probation"),
    ("resettlement@example.org", "Rhys Evans", "resettlement", "HMP Bristol"),
    ("treatment@example.org", "Tara Singh", "treatment", "Bristol Community Alcohol Service"),
    ("commissioner@example.org", "Chris Hall", "commissioner", "Bristol Probation"),
    ("admin@example.org", "Ada Brown", "admin", "Bristol Probation"),
]
GIVEN = [
    "Aled",
    "Bethan",
    "Callum",
    "Dylan",
    "Ellie",
    "Fatima",
    "Gareth",
    "Hannah",
    "Imran",
    "Jade",
    "Kieran",
    "Leah",
    "Marcus",
    "Nia",
    "Owen",
    "Priya",
    "Quinn",
    "Rhian",
    "Sean",
    "Tanya",
]
FAMILY = [
    "Ahmed",
    "Baker",
    "Clarke",
    "Davies",
    "Edwards",
    "Foster",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nash",
    "Owens",
    "Patel",
    "Roberts",
    "Shaw",
    "Thomas",
    "Walsh",
]
# What a practitioner does after an AUDIT in each zone (zone IV: refer).
DEMO_INTERVENTIONS = {1: "education", 2: "simple_advice", 3: "brief_intervention", 4: "referred"}
# How many people end their walk at each stage: every kind appears, most of them in custody.
WALKS = (
    [("identified",)] * 3
    + [("arrest",)] * 4
    + [("arrest", "court")] * 6
    + [("arrest", "court", "atr")] * 6
    + [("court", "custody:remand")] * 3
    + [("court", "custody")] * 12
    + [("court", "custody", "licence")] * 5
    + [("court", "atr", "closed")] * 1
)


def seed(now: datetime) -> dict[str, str]:
    """Create the demo teams, accounts and caseload; returns each account's new password."""
    teams = {name: auth.create_team(name, kind, code) for name, kind, code in TEAMS}
    passwords = {email: secrets.token_urlsafe(12) for email, *_ in ACCOUNTS}
    staff = {
        email: auth.create_staff(email, role, team, passwords[email], name)
        for email, name, role, team in ACCOUNTS
    }
    rng = random.Random(2026)
    managers = [staff["om@example.org"], staff["om2@example.org"]]
    ids = {name: team.id for name, team in teams.items()}
    for n, walk in enumerate(WALKS):
        manager = managers[0] if n % 3 else managers[1]
        _walk_person(n, walk, manager, ids, now, rng)
    _held_by_treatment(staff["treatment@example.org"], managers[0], ids, local_today(now))
    return passwords


# People the treatment team met in police custody or were referred before any offence: no CRN, no
# offender manager, held by the team. (given, family, first stage, consent to share, days ago)
HELD = [
    ("Bryn", "Hopkins", "arrest", True, 2),
    ("Chloe", "Marsh", "arrest", False, 5),
    ("Dan", "Price", "identified", True, 9),
    ("Erin", "Webb", "identified", None, 14),
]


def _held_by_treatment(worker: Staff, manager: Staff, teams: dict[str, int], today: date) -> None:
    """Arrest referrals the demo treatment team holds; an offender manager has asked for the first."""
    now = datetime.combine(today, time(12), zone())
    held = []
    for n, (given, family, kind, consent, days_ago) in enumerate(HELD):
        on = today - timedelta(days=days_ago)
        stage: dict[str, Any] = {"kind": kind, "start_on": on}
        if kind == "arrest":
            stage |= {"custody_suite": "Patchway custody suite", "arrest_referral": True}
        else:
            stage["referrer_team_id"] = teams["Avon and Somerset Police Custody"]
        data: dict[str, Any] = {
            "given_name": given,
            "family_name": family,
            "date_of_birth": date(1980 + n * 3, 1 + n * 2, 10 + n),
            "alcohol_need": True,
            "stage": stage,
            "referral_reason": "Drinking most days; asked for help.",
        }
        if consent is not None:
            data["share_consent"] = {
                "consent": consent,
                "given_on": on,
                "how": "signed form in the custody suite",
            }
        held.append(arrest_referral.identify(data, by=worker, now=now))
    first = held[0]
    arrest_referral.held_matches(manager, None, first.given_name, first.family_name, first.date_of_birth)
    arrest_referral.request_case(first, by=manager, now=now)


def _walk_person(
    n: int, walk: tuple[str, ...], by: Staff, teams: dict[str, int], now: datetime, rng: random.Random
) -> None:
    today = local_today(now)
    person = service.create_person(
        {
            "given_name": GIVEN[n % len(GIVEN)],
            "family_name": FAMILY[(n * 7) % len(FAMILY)],
            "date_of_birth": date(1970 + n % 35, 1 + n % 12, 1 + n % 28),
            "crn": f"X{100000 + n}",
            "prison_number": f"A{1000 + n}BC" if any(k.startswith("custody") for k in walk) else None,
            "mobile": f"07700 900{n:03d}",
            "sms_consent": n % 4 != 0,
            "language": "cy" if n % 9 == 0 else "en",
            "alcohol_need": n % 3 != 2,
            "offender_manager_id": by.id,
            "sex": "female" if n % 4 == 1 else "male",
        },
        by=by,
        now=now,
    )
    start = today - timedelta(days=len(walk) * 40 + rng.randint(0, 20))
    sentence: dict[str, Any] = {}
    for step, kind in enumerate(walk):
        start_on = start + timedelta(days=step * 40)
        if kind == "licence":
            # Released on a working day, the day custody ended: that recorded day is A.
            start_on = sentence["release_on"]
            fields = _stage_fields(kind, start_on, n, teams, today, sentence)
        else:
            # Someone in custody now is released on a working day ahead (or just overdue).
            release_on = (
                start_on + timedelta(days=40)
                if step + 1 < len(walk)
                else today + timedelta(days=(n * 11) % 110 - 10)
            )
            sentence = _sentence(start_on, dates.effective_release_on(release_on), n)
            fields = _stage_fields(kind, start_on, n, teams, today, sentence)
        service.add_stage(person, fields, by=by, now=now)
    if person.alcohol_need:
        _screen_and_refer(person, n, by, teams, now, rng)
    if walk[-1] in ("licence", "atr") or n % 5 == 0:
        at = datetime.combine(today + timedelta(days=1 + n % 10), time(10, 30), zone())
        care.book_appointment(
            person,
            {
                "kind": "probation",
                "starts_at": at,
                "location_label": "Station Road office",
                "team_id": teams["Bristol Probation"],
            },
            by=by,
            now=now,
        )


def _sentence(start_on: date, release_on: date, n: int) -> dict[str, Any]:
    """Sentence dates that fit a release: CRD at the halfway point (40% for some), SED and LED at the end."""
    share = 0.4 if n % 3 == 0 else 0.5
    length = timedelta(days=round((release_on - start_on).days / share))
    sed = start_on + length - timedelta(days=1)
    release_dates: dict[str, Any] = {"source": "demo data", "crd": release_on, "sed": sed, "led": sed}
    if length < timedelta(days=730):  # under two years: top-up supervision for 12 months after release
        release_dates["tused"] = release_on + timedelta(days=365)
    if n % 2:
        release_dates["confirmed"] = release_on
    return {"release_on": release_on, "release_dates": release_dates, "sed": sed}


def _screen_and_refer(
    person: Person, n: int, by: Staff, teams: dict[str, int], now: datetime, rng: random.Random
) -> None:
    """An AUDIT with what was done about it; zone IV and every other need referred to treatment."""
    answers = [rng.randint(1, 4) for _ in range(8)] + [rng.choice([0, 2, 4]) for _ in range(2)]
    result = screening.score("audit", answers)
    intervention = DEMO_INTERVENTIONS[result.zone or 1]
    care.record_screening(
        person, {"tool": "audit", "answers": answers, "intervention": intervention}, by=by, now=now
    )
    if result.zone == 4 or n % 2 == 0:
        care.make_referral(
            person,
            {
                "to_team_id": teams["Bristol Community Alcohol Service"],
                "kind": "structured_alcohol_treatment",
                "reason": f"AUDIT {result.score}: specialist assessment and treatment.",
            },
            by=by,
            now=now,
        )


def _stage_fields(
    kind: str, start_on: date, n: int, teams: dict[str, int], today: date, sentence: dict[str, Any]
) -> dict[str, Any]:
    fields: dict[str, Any] = {"kind": kind.split(":")[0], "start_on": start_on}
    if kind == "identified":
        fields["referrer_team_id"] = teams["Avon and Somerset Police Custody"]
    elif kind == "arrest":
        fields |= {"custody_suite": "Patchway custody suite", "arrest_referral": n % 2 == 0}
    elif kind == "court":
        hearing = datetime.combine(today + timedelta(days=3 + n % 20), time(10), zone())
        fields |= {"court": "Bristol Magistrates", "next_hearing_at": hearing}
    elif kind == "atr":
        fields |= {
            "order_type": "community_order",
            "order_end_on": start_on + timedelta(days=365),
            "atr_end_on": start_on + timedelta(days=180),
            "dependency_assessed": True,
            "consent_recorded": True,
            "treatment_team_id": teams["Bristol Community Alcohol Service"],
        }
    elif kind == "custody:remand":
        fields |= {"basis": "remand", "establishment_team_id": teams["HMP Bristol"]}
    elif kind == "custody":
        fields |= {
            "basis": "sentenced",
            "sentence_start_on": start_on,
            "establishment_team_id": teams["HMP Bristol" if n % 4 else "HMP Eastwood Park"],
            "release_dates": dict(sentence["release_dates"]),
        }
    elif kind == "licence":
        fields |= {
            "supervision_type": "licence",
            "supervision_end_on": sentence["sed"],
            "team_id": teams["Bristol Probation"],
        }
    elif kind == "closed":
        fields |= {"reason": "sentence_completed", "note": "Order completed."}
    return fields


def allowed() -> bool:
    """Demo data never goes into production."""
    return current_app.config["ENV_NAME"] != "production"
