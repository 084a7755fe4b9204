"""Nothing secret in the logs (OWASP Logging Cheat Sheet): no password, code, seed,
recovery code, session or challenge token, CSRF token — not even a failed login's
username, which is sometimes a password typed into the wrong box."""

from __future__ import annotations

import logging

import pytest

from mfalab import AuthService, FrozenClock
from mfalab.web import create_app
from mfalab.web.background import start
from mfalab.web.client import Visitor

from ..conftest import PASSWORD
from .conftest import NEW_PASSWORD, Browser, begin, confirm, log_in, phone_for, register

TYPO = "Violet.Anchor.Tundra.58"  # a password typed into the username box


def walk_everything(browser: Browser | Visitor, clock: FrozenClock) -> set[str]:
    """Every step and refusal once; returns every secret value that went over the wire."""
    secrets: set[str] = {PASSWORD, NEW_PASSWORD, TYPO}
    register(browser)  # type: ignore[arg-type]
    shown = begin(browser)  # type: ignore[arg-type]
    assert shown.secret is not None
    phone = phone_for(shown, clock)
    secrets |= {shown.secret, shown.secret.replace(" ", ""), shown.field("enrollment") or ""}
    secrets.add(phone.code())
    codes = confirm(browser, phone.code()).recovery_codes  # type: ignore[arg-type]
    secrets |= set(codes)
    clock.advance(30)
    log_in(browser, TYPO, "whatever")  # type: ignore[arg-type]
    log_in(browser, code="000000")  # type: ignore[arg-type]
    secrets.add(browser.cookie or "")  # the challenge token
    page = browser.post("/login/code", {"code": phone.code()})
    secrets |= {phone.code(), browser.cookie or "", page.csrf_token or ""}
    browser.post("/account/password", {"password": PASSWORD, "new_password": NEW_PASSWORD})
    secrets.add(browser.cookie or "")
    clock.advance(30)
    page = log_in(browser, password=NEW_PASSWORD, code=codes[1])  # type: ignore[arg-type]
    assert page.text("codes-left") == "9"
    browser.post("/logout", csrf=False)
    browser.get("/account")
    browser.post("/logout")
    return {s for s in secrets if s}


CLIENT_SIDE = ("httpx", "httpcore")  # the visitor's own HTTP library, not the server


def server_lines(records: list[logging.LogRecord]) -> list[str]:
    return [r.getMessage() for r in records if not r.name.startswith(CLIENT_SIDE)]


def assert_clean(lines: list[str], secrets: set[str]) -> None:
    assert lines, "nothing was logged: the test would prove nothing"
    text = "\n".join(lines)
    for secret in secrets:
        assert secret not in text, f"{secret[:3]}… is in the logs"
        assert secret.casefold() not in text.casefold()


def test_the_app_logs_refusals_but_nothing_secret(auth: AuthService, clock: FrozenClock,
                                                  caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.DEBUG)
    browser = Browser(create_app(auth))
    secrets = walk_everything(browser, clock)
    lines = server_lines(caplog.records)
    assert any("LoginFailed" in line for line in lines)
    assert any("CSRF" in line for line in lines)
    assert_clean(lines, secrets)


def test_the_access_log_of_a_real_server_holds_nothing_secret(
        auth: AuthService, clock: FrozenClock, caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.DEBUG)
    with start(create_app(auth)) as server, Visitor(server.url) as visitor:
        secrets = walk_everything(visitor, clock)
    access = [r.getMessage() for r in caplog.records if r.name == "mfalab.web.access"]
    assert any(line.startswith("POST /login/code ") for line in access)
    assert_clean(server_lines(caplog.records), secrets)
