"""Privacy (issue 4, item 3): no revealing word in a template, place label or sender; first names only."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from tests.sms.helpers import london
from tracker.sms import templates
from tracker.sms.policy import RevealingText, check_private, revealing_words_in
from tracker.sms.templates import SMS_CONFIG, TemplateError


@pytest.fixture
def sms_config(tmp_path) -> Path:
    """A copy of config/sms to edit; the template caches are cleared before and after."""
    folder = tmp_path / "sms"
    shutil.copytree(SMS_CONFIG, folder)
    for cached in (templates.templates, templates.revealing_words, templates.schedule):
        cached.cache_clear()
    yield folder
    for cached in (templates.templates, templates.revealing_words, templates.schedule):
        cached.cache_clear()


def set_template(folder: Path, language: str, purpose: str, text: str) -> None:
    path = folder / f"{language}.toml"
    lines = [line for line in path.read_text().splitlines() if not line.startswith(f"{purpose} =")]
    path.write_text("\n".join(lines + [f'{purpose} = "{text}"']) + "\n")


def test_the_shipped_templates_load_and_reveal_nothing():
    loaded = templates.templates()
    words = templates.revealing_words()

    assert set(loaded) == {"en", "cy"}
    for language, texts in loaded.items():
        assert set(templates.PURPOSES) <= set(texts)
        for purpose, text in texts.items():
            assert revealing_words_in(text, words) == [], (language, purpose)


@pytest.mark.parametrize(
    ("language", "text", "word"),
    [
        ("en", "Hi {first_name}, your probation appointment is {date}.", "probation"),
        ("en", "Hi {first_name}, see you at the COURT on {date}.", "court"),
        ("en", "Hi {first_name}, your Alcohol service appointment is {date}.", "alcohol"),
        ("en", "Hi {first_name}, HMP-Bristol says hello.", "hmp"),
        ("cy", "Helo {first_name}, mae eich apwyntiad yn y llys ar {date}.", "llys"),
        (
            "cy",
            "Helo {first_name}, your prison appointment is {date}.",
            "prison",
        ),  # English words in Welsh too
    ],
)
def test_a_template_with_a_revealing_word_is_refused_when_it_loads(sms_config, language, text, word):
    set_template(sms_config, language, "appointment", text)

    with pytest.raises(TemplateError) as refused:
        templates.templates(sms_config)

    assert f"{language}.toml appointment" in str(refused.value)
    assert word in str(refused.value)


def test_a_template_with_an_unknown_placeholder_is_refused(sms_config):
    set_template(sms_config, "en", "missed", "Hi {first_name} {family_name}, we missed you.")

    with pytest.raises(TemplateError, match="unknown placeholder family_name"):
        templates.templates(sms_config)


def test_a_missing_template_is_refused(sms_config):
    path = sms_config / "cy.toml"
    path.write_text(
        "\n".join(line for line in path.read_text().splitlines() if not line.startswith("check_in ="))
    )

    with pytest.raises(TemplateError, match="cy.toml has no template for check_in"):
        templates.templates(sms_config)


def test_a_new_revealing_word_in_the_list_refuses_a_template_that_uses_it(sms_config):
    words = sms_config / "revealing_words.toml"
    words.write_text(words.read_text().replace('"probation",', '"probation", "reminder",', 1))

    with pytest.raises(TemplateError, match="reminder"):
        templates.templates(sms_config)


def test_words_count_whole_and_in_any_case():
    words = ["court", "drug", "parôl"]

    assert revealing_words_in("Be courteous", words) == []
    assert revealing_words_in("COURT at 10", words) == ["court"]
    assert revealing_words_in("drug-free", words) == ["drug"]
    assert revealing_words_in("Dim Parôl", words) == ["parôl"]
    with pytest.raises(
        RevealingText, match="The sender contains a word that could reveal why we text: court"
    ):
        check_private("Court", words, "The sender")


@pytest.mark.parametrize(
    "label",
    ["Bristol Probation Office", "Alcohol Recovery Hub", "Magistrates' Court", "Canolfan Prawf Caerdydd"],
)
def test_a_place_label_with_a_revealing_word_is_refused_at_booking(api, texted_person, today, label, texts):
    person = texted_person()

    response = api.post(
        f"/people/{person['id']}/appointments",
        {
            "kind": "probation",
            "starts_at": london(today + timedelta(days=3), "10:00").isoformat(),
            "location_label": label,
        },
    )

    assert response.status_code == 422, response.json
    [error] = response.json["errors"]["location_label"]
    assert "could reveal why we text" in error
    assert texts(person) == []


def test_a_place_label_made_revealing_later_is_not_sent(
    twilio, texted_person, book, dispatch_at, texts, today, db
):
    from tracker.pathway.models import Appointment

    person = texted_person()
    on = today + timedelta(days=2)
    appointment = db.session.get(Appointment, book(person, london(on, "10:00"))["id"])
    appointment.location_label = "Probation Office"  # as an import or an old record might
    db.session.commit()

    dispatch_at(london(on - timedelta(days=1), "10:00"))

    assert twilio.total == 0
    [reminder] = texts(person)
    assert (reminder.status, reminder.note) == (
        "cancelled",
        "The place label would reveal why we text; fix it to send.",
    )


def test_texts_carry_the_first_name_only(twilio, texted_person, book, dispatch_at, today):
    person = texted_person(given_name="Mary Jane", family_name="Fletcher-Price")
    on = today + timedelta(days=2)
    book(person, london(on, "10:00"))

    dispatch_at(london(on - timedelta(days=1), "10:00"))

    [sent] = twilio.sent_to(person["mobile"])
    assert sent["body"].startswith("Hi Mary, ")
    assert "Jane" not in sent["body"] and "Fletcher" not in sent["body"]


def test_a_revealing_sender_is_refused(app, twilio, monkeypatch):
    from tracker.sms.gateways import gateway_for

    monkeypatch.setitem(app.config, "TWILIO_FROM", "Probation")

    with pytest.raises(
        RevealingText, match="TWILIO_FROM contains a word that could reveal why we text: probation"
    ):
        gateway_for(app)
