"""The one cookie: its attributes, what it holds, a new value at every step, and how it
ends (sign-out, a new password, idle and absolute timeouts), all decided on the server."""

from __future__ import annotations

import re
from http.cookies import SimpleCookie

import pytest

from mfalab import AuthService, FrozenClock, errors
from mfalab.web.handles import COOKIE

from ..conftest import PASSWORD
from .conftest import NEW_PASSWORD, Browser, Member, begin, confirm, log_in, phone_for, register

TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32): 256 random bits


def parse(header: str) -> tuple[str, str, dict[str, str | bool]]:
    jar: SimpleCookie = SimpleCookie()
    jar.load(header)
    ((name, morsel),) = jar.items()
    return name, morsel.value, {k: v for k, v in morsel.items() if v}


def test_the_cookie_is_host_prefixed_secure_httponly_and_lax(browser: Browser):
    browser.get("/login")
    (header,) = browser.set_cookie_headers()
    name, value, attributes = parse(header)
    assert name == COOKIE == "__Host-mfalab"
    assert attributes == {"path": "/", "secure": True, "httponly": True, "samesite": "Lax"}
    assert "domain" not in header.lower() and "expires" not in header.lower()
    assert "max-age" not in header.lower()  # a session cookie: gone when the browser closes
    assert TOKEN.fullmatch(value)


def test_it_holds_the_challenge_token_then_the_session_token_and_nothing_else(
        member: Member, auth: AuthService):
    browser = member.browser
    browser.get("/login")
    browser.post("/login", {"username": "alice", "password": PASSWORD})
    assert browser.cookie is not None and TOKEN.fullmatch(browser.cookie)
    assert auth.challenge(browser.cookie).username == "alice"
    with pytest.raises(errors.SessionExpired):
        auth.session(browser.cookie)
    browser.post("/login/code", {"code": member.phone.code()})
    assert browser.cookie is not None and TOKEN.fullmatch(browser.cookie)
    assert auth.session(browser.cookie).username == "alice"
    assert "alice" not in browser.cookie


def test_the_cookie_gets_a_new_value_at_every_step(browser: Browser, clock: FrozenClock):
    seen = []

    def step() -> None:
        assert browser.cookie is not None
        seen.append(browser.cookie)

    browser.get("/register")
    step()
    register(browser)
    step()
    shown = begin(browser)
    step()
    phone = phone_for(shown, clock)
    confirm(browser, phone.code())
    step()
    clock.advance(30)
    browser.get("/login")
    browser.post("/login", {"username": "alice", "password": PASSWORD})
    step()
    browser.post("/login/code", {"code": phone.code()})
    step()
    browser.post("/account/password", {"password": PASSWORD, "new_password": NEW_PASSWORD})
    step()
    browser.post("/logout")
    step()
    assert len(set(seen)) == len(seen) == 8


def test_a_planted_cookie_is_worth_nothing_after_the_login(member: Member,
                                                           auth: AuthService):
    """Session fixation (OWASP): Mallory plants a value she knows; the login replaces it."""
    mallory = Browser(member.browser.client.application, "198.51.100.7")
    mallory.get("/login")
    planted = mallory.cookie
    assert planted is not None
    member.browser.cookie = planted
    page = log_in(member.browser, phone=member.phone)
    assert page.path == "/account"
    assert member.browser.cookie != planted
    page = mallory.get("/account")
    assert page.status == 401 and page.title == "Log in"


@pytest.mark.parametrize("forged", ["alice", "eyJ1c2VyIjoiYWxpY2UifQ.c2lnbmVk", "x" * 300],
                         ids=["a-username", "a-signed-blob", "too-long"])
def test_a_cookie_of_the_wrong_shape_is_replaced_not_trusted(member: Member, forged: str):
    browser = member.browser
    browser.cookie = forged
    page = browser.get("/account")
    assert (page.path, page.title) == ("/login", "Log in")
    assert browser.cookie != forged and browser.cookie is not None
    assert TOKEN.fullmatch(browser.cookie)


def test_a_well_formed_cookie_the_server_never_issued_opens_nothing(member: Member):
    browser = member.browser
    browser.cookie = "A" * 43
    page = browser.get("/account")
    assert page.status == 401
    assert page.error == "This server never issued that session: log in first."


def test_signing_out_ends_the_session_on_the_server(signed_in: Member, auth: AuthService):
    browser = signed_in.browser
    stolen = browser.cookie
    assert stolen is not None
    browser.get("/account")
    page = browser.post("/logout")
    assert page.path == "/login" and page.message and "signed out" in page.message
    assert browser.cookie != stolen
    thief = Browser(browser.client.application, "198.51.100.7")
    thief.cookie = stolen
    page = thief.get("/account")
    assert page.status == 401
    assert page.error == "This session has ended (signed out): log in again."
    with pytest.raises(errors.SessionExpired):
        auth.session(stolen)


def test_a_new_password_ends_every_session(signed_in: Member, clock: FrozenClock):
    first = signed_in.browser
    other = Browser(first.client.application, "192.0.2.30")
    clock.advance(30)
    assert log_in(other, phone=signed_in.phone).path == "/account"
    old = first.cookie
    first.get("/account")
    first.post("/account/password", {"password": PASSWORD, "new_password": NEW_PASSWORD})
    assert first.get("/account").text("who") == "alice"  # this browser has its new session
    assert other.get("/account").status == 401  # the other one is signed out
    thief = Browser(first.client.application, "198.51.100.7")
    assert old is not None
    thief.cookie = old
    assert thief.get("/account").status == 401


def test_an_idle_session_ends_after_30_minutes(signed_in: Member, clock: FrozenClock):
    browser = signed_in.browser
    for _ in range(3):  # activity keeps it alive
        clock.advance(29 * 60)
        assert browser.get("/account").status == 200
    clock.advance(30 * 60 + 1)
    page = browser.get("/account")
    assert page.status == 401
    assert page.error == "This session was idle for more than 30 minutes: log in again."


def test_any_session_ends_after_12_hours(signed_in: Member, clock: FrozenClock):
    browser = signed_in.browser
    for _ in range(12 * 3):
        clock.advance(20 * 60)
        assert browser.get("/account").status == 200
    clock.advance(20 * 60)
    page = browser.get("/account")
    assert page.status == 401
    assert page.error == "This session is older than 12 hours: log in again."


def test_a_challenge_cookie_does_not_open_the_account(member: Member):
    browser = member.browser
    browser.get("/login")
    browser.post("/login", {"username": "alice", "password": PASSWORD})
    assert browser.get("/account").status == 401  # the password alone is not a session


def test_a_stylesheet_sets_no_cookie(browser: Browser):
    browser.get("/static/style.css")
    assert browser.set_cookie_headers() == []
