"""Errors as pages for people and as JSON for machines; never a stack trace."""

from __future__ import annotations

from tests.web.helpers import text


def test_an_unknown_page_is_a_gov_uk_404(world, signed_in):
    response = signed_in(world.om).get("/no-such-page")

    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "Page not found" in text(response) and "govuk-footer" in text(response)


def test_the_api_keeps_json_errors(client):
    response = client.get("/api/v1/no-such-thing")

    assert response.status_code == 404 and response.is_json


def test_the_api_needs_no_csrf_token(world, api_as):
    response = api_as(world.om).post("/people", json={"given_name": "Api", "family_name": "Person"})

    assert response.status_code == 201


def test_an_unexpected_error_is_a_page_without_a_trace(world, signed_in, app, monkeypatch):
    def broken():
        raise RuntimeError("secret internals")

    client = signed_in(world.om)
    monkeypatch.setitem(app.view_functions, "web.caseload", broken)
    monkeypatch.setattr(app, "testing", False)

    response = client.get("/caseload")

    assert response.status_code == 500
    page = text(response)
    assert "Sorry, there is a problem with the service" in page
    assert "secret internals" not in page and "Traceback" not in page


def test_a_forbidden_change_is_a_403_page(world, signed_in, make_case):
    colleagues = make_case(world.om2, "court")

    response = signed_in(world.om).get(f"/people/{colleagues.id}/consent")

    assert response.status_code == 403
    assert "You cannot do that" in text(response)


def test_pages_carry_a_content_security_policy_with_a_script_nonce(world, signed_in):
    response = signed_in(world.om).get("/caseload")

    policy = response.headers["Content-Security-Policy"]
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.get_data(as_text=True)


def test_a_signed_in_form_post_without_its_token_changes_nothing(world, signed_in, make_case, db):
    person = make_case(world.om, "court")

    response = signed_in(world.om).post_with_token(
        f"/people/{person.id}/consent", {"mobile": "07911 123456", "sms_consent": "yes"}, None
    )

    assert response.status_code == 400
    db.session.refresh(person)
    assert person.mobile is None


def test_a_token_from_another_session_is_refused(world, signed_in, make_case):
    from tests.web.helpers import csrf_token

    person = make_case(world.om, "court")
    theirs = signed_in(world.om2)
    token = csrf_token(theirs.get("/caseload").get_data(as_text=True))

    response = signed_in(world.om).post_with_token(
        f"/people/{person.id}/consent", {"sms_consent": "no"}, token
    )

    assert response.status_code == 400
