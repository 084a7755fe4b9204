"""The per-address limit (Flask-Limiter), on top of the service's per-account throttle."""

from __future__ import annotations

import pytest

from mfalab import AuthService, FrozenClock
from mfalab.errors import LoginFailed
from mfalab.web import create_app
from mfalab.web.app import RATE_LIMITS

from ..conftest import PASSWORD
from .conftest import Browser, Member, log_in


def test_the_defaults_let_a_class_behind_one_nat_in():
    assert RATE_LIMITS == {"first_factor": "60 per minute", "second_factor": "60 per minute"}


def test_the_61st_password_attempt_in_a_minute_from_one_address_waits(member: Member):
    browser = Browser(member.browser.client.application, "198.51.100.7")
    browser.get("/login")
    for attempt in range(60):
        page = browser.post("/login", {"username": f"user{attempt}", "password": "nope"})
        assert page.status == 400 and page.error == LoginFailed.MESSAGE, attempt
    page = browser.post("/login", {"username": "alice", "password": PASSWORD})
    assert page.status == 429 and page.title == "Too many attempts from your network"
    assert page.error and page.error.startswith("Too many attempts from your network address:")
    assert browser.response is not None
    wait = int(browser.response.headers["Retry-After"])
    assert 1 <= wait <= 60 and f"wait {wait} s" in page.error
    neighbour = Browser(browser.client.application, "192.0.2.99")  # another address
    assert log_in(neighbour, phone=member.phone).path == "/account"


def test_the_password_steps_share_one_limit_and_codes_have_their_own(auth: AuthService,
                                                                     clock: FrozenClock):
    app = create_app(auth, rate_limits={"first_factor": "3 per minute",
                                        "second_factor": "2 per minute"})
    browser = Browser(app)
    browser.get("/register")
    assert browser.post("/register", {"username": "a", "new_password": "x"}).status == 400
    browser.get("/login")
    assert browser.post("/login", {"username": "a", "password": "x"}).status == 400
    browser.get("/enroll")
    assert browser.post("/enroll", {"username": "a", "password": "x"}).status == 400
    assert browser.post("/enroll", {"username": "a", "password": "x"}).status == 429
    browser.get("/login/code")  # no challenge: a login page, not counted
    for expected in (400, 400, 429):
        assert browser.post("/login/code", {"code": "123456"}).status == expected


def test_pages_are_not_limited(auth: AuthService):
    browser = Browser(create_app(auth, rate_limits={"first_factor": "1 per minute"}))
    for _ in range(5):
        assert browser.get("/login").status == 200


@pytest.mark.parametrize("scope", ["first_factor", "second_factor"])
def test_a_limit_can_be_changed_for_a_deployment(auth: AuthService, scope: str):
    browser = Browser(create_app(auth, rate_limits={scope: "1 per hour"}))
    path = "/login" if scope == "first_factor" else "/login/code"
    browser.get("/login")
    browser.post(path, {"username": "a", "password": "x", "code": "1"})
    assert browser.post(path, {"username": "a", "password": "x", "code": "1"}).status == 429


def test_settings_that_cannot_work_are_refused_clearly(auth: AuthService):
    from mfalab.errors import InvalidSetting

    with pytest.raises(InvalidSetting, match="AuthService"):
        create_app("not a service")  # type: ignore[arg-type]
    with pytest.raises(InvalidSetting, match="password"):
        create_app(auth, rate_limits={"password": "1 per minute"})
