"""Fixtures for the web app's tests: the app on the cheap argon2 profile and a frozen clock,
and `Browser`, the Flask test client with the page it shows (its CSRF token, its texts)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from mfalab import AuthService, FrozenClock, VirtualAuthenticator
from mfalab.web import create_app
from mfalab.web.client import Page
from mfalab.web.handles import COOKIE

from ..conftest import PASSWORD

NEW_PASSWORD = "copper meadow lantern 91"


def to_page(response: TestResponse) -> Page:
    history = [(r.status_code, r.request.script_root + r.request.path)
               for r in response.history]
    page = Page(response.status_code, response.request.script_root + response.request.path,
                httpx.Headers(response.headers.to_wsgi_list()),
                response.get_data(as_text=True), history)
    response.close()  # a static file's response holds the file open until closed
    return page


class Browser:
    """One visitor through the Flask test client: cookies kept, redirects followed."""

    def __init__(self, app: Flask, address: str = "192.0.2.10", prefix: str = "") -> None:
        self.client: FlaskClient = app.test_client()
        self.environ = {"REMOTE_ADDR": address}
        self.base_url = f"http://localhost{prefix}/"  # its path is the SCRIPT_NAME
        self.page: Page | None = None
        self.response: TestResponse | None = None

    def get(self, path: str) -> Page:
        self.response = self.client.get(path, follow_redirects=True, environ_base=self.environ,
                                        base_url=self.base_url)
        self.page = to_page(self.response)
        return self.page

    def post(self, path: str, fields: dict[str, str] | None = None, *,
             csrf: bool = True, follow: bool = True) -> Page:
        action = self.base_url.removeprefix("http://localhost").rstrip("/") + path
        data = self.page.hidden_fields(action) if self.page is not None else {}
        if self.page is not None and "csrf_token" not in data and self.page.csrf_token:
            data["csrf_token"] = self.page.csrf_token
        if not csrf:
            data.pop("csrf_token", None)
        data.update(fields or {})
        self.response = self.client.post(path, data=data, follow_redirects=follow,
                                         environ_base=self.environ, base_url=self.base_url)
        self.page = to_page(self.response)
        return self.page

    @property
    def cookie(self) -> str | None:
        found = self.client.get_cookie(COOKIE)
        return found.value if found is not None else None

    @cookie.setter
    def cookie(self, value: str) -> None:
        self.client.set_cookie(COOKIE, value)

    def set_cookie_headers(self) -> list[str]:
        """Every Set-Cookie of the last navigation, redirects included."""
        assert self.response is not None
        chain = [*self.response.history, self.response]
        return [h for r in chain for h in r.headers.getlist("Set-Cookie")]


@dataclass
class Member:
    """A registered and enrolled account, seen from its browser."""

    browser: Browser
    phone: VirtualAuthenticator
    codes: list[str]
    name: str = "alice"
    password: str = PASSWORD


@pytest.fixture
def app(auth: AuthService) -> Flask:
    return create_app(auth, secret_key=b"tests" * 8)


@pytest.fixture
def browser(app: Flask) -> Browser:
    return Browser(app)


def register(browser: Browser, name: str = "alice", password: str = PASSWORD) -> Page:
    browser.get("/register")
    return browser.post("/register", {"username": name, "new_password": password})


def begin(browser: Browser, name: str = "alice", password: str = PASSWORD,
          code: str = "") -> Page:
    browser.get("/enroll")
    fields = {"password": password, "code": code}
    if browser.page is not None and browser.page.field("username") is not None:
        fields["username"] = name
    return browser.post("/enroll", fields)


def confirm(browser: Browser, code: str) -> Page:
    """Type `code` into the QR page's form (its hidden enrollment handle goes along)."""
    assert browser.page is not None and browser.page.field("enrollment")
    return browser.post("/enroll/confirm", {"code": code})


def phone_for(page: Page, clock: FrozenClock, name: str = "alice") -> VirtualAuthenticator:
    """A virtual phone that types the secret shown on the QR page (no camera needed)."""
    assert page.secret is not None
    phone = VirtualAuthenticator(clock=clock)
    phone.scan(f"otpauth://totp/MFA%20Lab:{name}?secret={page.secret.replace(' ', '')}"
               "&issuer=MFA%20Lab")
    return phone


def enroll(browser: Browser, clock: FrozenClock, name: str = "alice") -> Member:
    """Register and enroll `name` in `browser`; the clock then moves past the confirming step."""
    register(browser, name)
    phone = phone_for(begin(browser, name), clock, name)
    codes = confirm(browser, phone.code()).recovery_codes
    assert len(codes) == 10
    clock.advance(30)
    return Member(browser, phone, codes, name)


def log_in(browser: Browser, name: str = "alice", password: str = PASSWORD,
           code: str | None = None, phone: VirtualAuthenticator | None = None) -> Page:
    browser.get("/login")
    page = browser.post("/login", {"username": name, "password": password})
    if not page.path.endswith("/login/code"):
        return page
    typed = code if code is not None else (phone.code() if phone else "")
    return browser.post("/login/code", {"code": typed})


@pytest.fixture
def member(browser: Browser, clock: FrozenClock) -> Member:
    """alice, registered and enrolled through the pages, not yet signed in."""
    return enroll(browser, clock)


@pytest.fixture
def signed_in(member: Member) -> Iterator[Member]:
    """alice, signed in with a code from her phone."""
    page = log_in(member.browser, phone=member.phone)
    assert page.path == "/account", page.message
    yield member
