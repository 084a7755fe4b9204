"""CSRF: every form POST needs the token of a page this site served to this very cookie."""

from __future__ import annotations

import re

import pytest

from mfalab import AuthService

from ..conftest import PASSWORD
from .conftest import NEW_PASSWORD, Browser, Member, log_in, register

EXPIRED = "This form has expired or did not come from this site."
POSTS = ["/register", "/enroll", "/enroll/confirm", "/login", "/login/code",
         "/account/recovery-codes", "/account/password", "/logout",
         "/account/passkeys/options", "/account/passkeys", "/account/passkeys/remove",
         "/login/passkey/options", "/login/passkey"]


def test_every_post_route_of_the_app_is_listed_here(browser: Browser):
    app = browser.client.application
    posts = sorted(str(rule) for rule in app.url_map.iter_rules() if "POST" in rule.methods)
    assert posts == sorted(POSTS)


@pytest.mark.parametrize("path", POSTS)
def test_a_post_without_the_token_is_refused(signed_in: Member, path: str):
    browser = signed_in.browser
    browser.get("/account")
    page = browser.post(path, {"password": PASSWORD, "new_password": NEW_PASSWORD},
                        csrf=False)
    assert page.status == 400 and page.error and page.error.startswith(EXPIRED)
    assert browser.get("/account").text("who") == "alice"  # nothing happened: still signed in


def test_a_forged_sign_out_changes_nothing(signed_in: Member, auth: AuthService):
    browser = signed_in.browser
    cookie = browser.cookie
    assert cookie is not None
    browser.post("/logout", {"csrf_token": "forged"}, csrf=False)
    assert auth.session(cookie).username == "alice"


def test_a_forged_password_change_changes_nothing(signed_in: Member):
    browser = signed_in.browser
    browser.post("/account/password", {"password": PASSWORD, "new_password": NEW_PASSWORD},
                 csrf=False)
    assert log_in(Browser(browser.client.application), password=NEW_PASSWORD).status == 400


def test_a_token_from_another_visitors_page_is_refused(browser: Browser):
    """An attacker's own valid token does not work with the victim's cookie."""
    attacker = Browser(browser.client.application, "198.51.100.7")
    token = attacker.get("/register").csrf_token
    browser.get("/register")
    assert token is not None and token != browser.page.csrf_token  # type: ignore[union-attr]
    page = browser.post("/register", {"csrf_token": token, "username": "bob",
                                      "new_password": PASSWORD})
    assert page.status == 400 and page.error and page.error.startswith(EXPIRED)


def test_the_token_changes_with_the_cookie(member: Member):
    """After the password step the cookie is new, so an earlier page's token is void."""
    browser = member.browser
    before = browser.get("/login").csrf_token
    browser.post("/login", {"username": "alice", "password": PASSWORD})
    assert browser.page is not None and browser.page.csrf_token != before
    page = browser.post("/login/code", {"csrf_token": before or "", "code": "123456"})
    assert page.status == 400 and page.error and page.error.startswith(EXPIRED)


def test_every_form_on_every_page_carries_the_token(signed_in: Member):
    browser = signed_in.browser
    pages = [browser.get(path).html for path in ("/account", "/enroll")]
    browser.get("/account")
    pages.append(browser.post("/account/recovery-codes").html)
    anonymous = Browser(browser.client.application, "192.0.2.40")
    pages += [anonymous.get(path).html for path in ("/register", "/enroll", "/login")]
    pages.append(register(anonymous, "carol").html)
    forms = [form for html in pages for form in re.findall(r"<form\b.*?</form>", html, re.S)]
    assert len(forms) >= 10
    for form in forms:
        assert 'method="post"' in form
        assert re.search(r'name="csrf_token" value="[^"]{20,}"', form), form[:200]


def test_over_https_a_post_must_come_from_this_site(auth: AuthService):
    """Flask-WTF's strict check: over TLS a POST needs a Referer of this very origin."""
    from mfalab.web import create_app

    client = create_app(auth).test_client()
    https = {"base_url": "https://lab.example"}
    page = client.get("/register", **https).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match is not None
    form = {"csrf_token": match.group(1), "username": "dave", "new_password": PASSWORD}
    elsewhere = client.post("/register", data=form, headers={"Referer": "https://evil.example/"},
                            **https)
    assert elsewhere.status_code == 400
    here = client.post("/register", data=form, headers={"Referer": "https://lab.example/register"},
                       **https)
    assert here.status_code == 302
