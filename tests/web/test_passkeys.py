"""Passkeys in the web app, through the Flask test client: the JSON a page's script posts,
the buttons, removal, and the phishing case (an answer made on another origin)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask

from mfalab import AuthService, FrozenClock, UserStore, VirtualPasskey
from mfalab.web import create_app

from ..conftest import PASSWORD, make_auth
from .conftest import Browser, Member, enroll, log_in

ORIGIN = "http://localhost"  # the test client's own origin


@pytest.fixture
def auth(clock: FrozenClock) -> AuthService:
    return make_auth(UserStore(":memory:"), clock, origins=(ORIGIN,))


@pytest.fixture
def app(auth: AuthService) -> Flask:
    return create_app(auth, secret_key=b"tests" * 8)


def post_json(browser: Browser, path: str, body: object = None,
              csrf: bool = True) -> tuple[int, dict[str, Any]]:
    """What passkeys.js does: a JSON POST with the page's CSRF token in X-CSRFToken."""
    assert browser.page is not None
    headers = {"X-CSRFToken": browser.page.csrf_token or ""} if csrf else {}
    answer = browser.client.post(path, data=json.dumps(body or {}), headers=headers,
                                 content_type="application/json",
                                 environ_base=browser.environ, base_url=browser.base_url)
    status = answer.status_code
    data = answer.get_json(silent=True) or {"html": answer.get_data(as_text=True)}
    answer.close()
    return status, data


def add_passkey(member: Member, key: VirtualPasskey) -> tuple[int, dict[str, Any]]:
    member.browser.get("/account")
    status, options = post_json(member.browser, "/account/passkeys/options")
    assert status == 200, options
    return post_json(member.browser, "/account/passkeys", key.create(options))


@pytest.fixture
def key() -> VirtualPasskey:
    return VirtualPasskey(origin=ORIGIN, seed=b"web test")


@pytest.fixture
def with_passkey(signed_in: Member, key: VirtualPasskey) -> Member:
    status, answer = add_passkey(signed_in, key)
    assert status == 200 and answer["message"].startswith("Passkey added"), answer
    signed_in.browser.post("/logout")
    return signed_in


def test_the_account_page_offers_to_add_a_passkey_with_its_script(signed_in: Member):
    page = signed_in.browser.get("/account")
    assert 'id="add-passkey"' in page.html and "Passkeys" in page.html
    assert '<script src="/static/passkeys.js" defer></script>' in page.html
    script = signed_in.browser.get("/static/passkeys.js")
    assert script.status == 200 and "navigator.credentials.create" in script.html


def test_a_passkey_added_on_the_account_page_signs_in_at_the_second_step(
    with_passkey: Member, key: VirtualPasskey
):
    browser = with_passkey.browser
    browser.get("/login")
    page = browser.post("/login", {"username": "alice", "password": PASSWORD})
    assert page.path == "/login/code" and 'id="use-passkey"' in page.html
    before = browser.cookie
    status, options = post_json(browser, "/login/passkey/options")
    assert status == 200 and options["rpId"] == "localhost"
    status, answer = post_json(browser, "/login/passkey", key.get(options))
    assert (status, answer) == (200, {"redirect": "/account"})
    assert browser.cookie != before  # a new value at every step
    account = browser.get("/account")
    assert account.path == "/account" and "a passkey" in account.html


def test_the_code_page_offers_no_passkey_to_an_account_without_one(member: Member):
    member.browser.get("/login")
    page = member.browser.post("/login", {"username": "alice", "password": PASSWORD})
    assert page.path == "/login/code" and "use-passkey" not in page.html
    assert "passkeys.js" not in page.html


def test_an_answer_made_on_a_phishing_origin_is_refused_with_the_services_sentence(
    with_passkey: Member, key: VirtualPasskey
):
    browser = with_passkey.browser
    browser.get("/login")
    browser.post("/login", {"username": "alice", "password": PASSWORD})
    status, options = post_json(browser, "/login/passkey/options")
    status, answer = post_json(browser, "/login/passkey",
                               key.get(options, origin="http://localhost:5001"))
    assert status == 400
    assert "made for the page at 'http://localhost:5001'" in answer["error"]
    assert browser.get("/account").status == 401  # not signed in: the login page, saying why


def test_json_posts_need_the_csrf_token(signed_in: Member):
    signed_in.browser.get("/account")
    status, answer = post_json(signed_in.browser, "/account/passkeys/options", csrf=False)
    assert status == 400 and "did not come from this site" in answer["html"]


def test_passkey_steps_without_a_session_or_login_are_401(browser: Browser):
    browser.get("/login")
    for path in ("/account/passkeys/options", "/account/passkeys", "/login/passkey/options",
                 "/login/passkey"):
        status, answer = post_json(browser, path)
        assert status == 401 and answer["error"], path


def test_a_stale_login_cannot_add_a_passkey(signed_in: Member, clock: FrozenClock):
    clock.advance(5 * 60 + 1)
    signed_in.browser.get("/account")
    status, answer = post_json(signed_in.browser, "/account/passkeys/options")
    assert status == 401 and "fresh login" in answer["error"]


def test_a_passkey_is_listed_and_removed_from_the_account_page(
    signed_in: Member, key: VirtualPasskey, auth: AuthService
):
    add_passkey(signed_in, key)
    page = signed_in.browser.get("/account")
    [listed] = auth.passkeys(auth.session(signed_in.browser.cookie or ""))
    assert f"Remove passkey {listed.credential_id[:8]}" in page.html
    page = signed_in.browser.post("/account/passkeys/remove",
                                  {"credential_id": listed.credential_id})
    assert "Passkey removed" in (page.message or "") and "None yet" in page.html
    assert auth.store.passkeys("alice") == []


def test_removing_an_unknown_passkey_is_a_sentence(signed_in: Member):
    signed_in.browser.get("/account")
    page = signed_in.browser.post("/account/passkeys/remove", {"credential_id": "bm9uZQ"})
    assert page.status == 400 and "no passkey with that ID" in (page.message or "")


def test_a_passkey_login_is_rate_limited_per_address(clock: FrozenClock):
    auth = make_auth(UserStore(":memory:"), clock, origins=(ORIGIN,))
    app = create_app(auth, secret_key=b"tests" * 8, rate_limits={"second_factor": "2 per minute"})
    browser = Browser(app)
    enroll(browser, clock)
    log_in(browser)
    codes = [post_json(browser, "/login/passkey")[0] for _ in range(3)]
    assert codes[-1] == 429
