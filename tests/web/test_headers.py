"""Response headers on every page, the QR page above all; and redirects to this site only."""

from __future__ import annotations

import pytest

from mfalab import FrozenClock
from mfalab.web.client import Page
from mfalab.web.safety import safe_path

from ..conftest import PASSWORD
from .conftest import Browser, Member, begin, log_in, register

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def assert_protected(page: Page) -> None:
    csp = page.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    for name, value in SECURITY_HEADERS.items():
        assert page.headers[name] == value, name
    assert page.headers["Cache-Control"] == "no-store"


def every_page(browser: Browser, clock: FrozenClock) -> list[Page]:
    pages = [browser.get(p) for p in ("/register", "/login", "/enroll", "/nowhere")]
    pages.append(register(browser))
    pages.append(qr := begin(browser))
    assert qr.secret is not None
    from .conftest import confirm, phone_for

    phone = phone_for(qr, clock)
    pages.append(confirm(browser, phone.code()))  # the recovery codes
    clock.advance(30)
    pages.append(log_in(browser, code="000000" if phone.code() != "000000" else "1"))
    pages.append(browser.post("/login/code", {"code": phone.code()}))  # the account page
    pages.append(browser.post("/account/recovery-codes"))
    pages.append(browser.post("/logout", csrf=False))  # a CSRF refusal
    return pages


def test_every_page_has_the_security_headers_and_no_store(browser: Browser,
                                                          clock: FrozenClock):
    pages = every_page(browser, clock)
    titles = {p.title for p in pages}
    assert {"Scan this QR code", "Your second factor is on", "Your account",
            "Your new recovery codes", "This form has expired", "Not Found"} <= titles
    for page in pages:
        assert_protected(page)


def test_the_qr_page_is_never_stored(browser: Browser):
    register(browser)
    page = begin(browser)
    assert page.title == "Scan this QR code" and page.secret
    assert page.headers["Cache-Control"] == "no-store"
    assert "Expires" not in page.headers and "ETag" not in page.headers
    assert_protected(page)


def test_the_qr_code_is_inline_and_its_text_alternative_is_the_secret(browser: Browser):
    register(browser)
    page = begin(browser)
    assert '<div role="img" aria-labelledby="qr-caption"><svg' in page.html
    caption = page.html.split('id="qr-caption">', 1)[1].split("</figcaption>", 1)[0]
    assert page.secret and page.secret in " ".join(caption.replace("<", " <").split())
    assert "<img" not in page.html  # nothing fetched: the secret never leaves in a URL


def test_no_page_loads_anything_from_another_site(signed_in: Member):
    for path in ("/account", "/enroll", "/login", "/register"):
        html = signed_in.browser.get(path).html
        assert "http://" not in html and "https://" not in html and "//" not in html.replace(
            "<!doctype html>", "")


def test_the_stylesheet_is_protected_but_may_be_cached(browser: Browser):
    page = browser.get("/static/style.css")
    assert page.status == 200 and page.headers["Content-Type"].startswith("text/css")
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers.get("Cache-Control") != "no-store"


def test_strict_transport_security_only_over_https(browser: Browser):
    assert "Strict-Transport-Security" not in browser.get("/login").headers
    response = browser.client.get("/login", base_url="https://lab.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


# -- redirects ------------------------------------------------------------------------------

EVIL = ["https://evil.example/", "//evil.example/account", "/\\evil.example", "\\\\evil.example",
        "javascript:alert(1)", "/account/../../evil", "http:/evil.example", " /account",
        "/account\r\nSet-Cookie: x=1", "/%0d%0aSet-Cookie:x=1", "evil.example", "/" + "a" * 600,
        "///evil.example"]


@pytest.mark.parametrize("target", EVIL)
def test_only_a_path_of_this_app_is_a_place_to_go(target: str):
    assert safe_path(target, "/", "/account") == "/account"
    assert safe_path(target, "/lab", "/lab/account") == "/lab/account"


@pytest.mark.parametrize("target", ["/account", "/enroll", "/login/code"])
def test_a_path_of_this_app_is_kept(target: str):
    assert safe_path(target, "/", "/account") == target
    assert safe_path("/lab" + target, "/lab", "/lab/account") == "/lab" + target
    assert safe_path(target, "/lab", "/lab/account") == "/lab/account"  # not under the prefix


@pytest.mark.parametrize("target", EVIL[:6])
def test_after_the_login_the_app_never_leaves_the_site(member: Member, target: str):
    browser = member.browser
    browser.get("/login")
    browser.post("/login", {"username": "alice", "password": PASSWORD, "next": target})
    browser.post("/login/code", {"code": member.phone.code()}, follow=False)
    assert browser.response is not None
    assert browser.response.headers["Location"] == "/account"


def test_after_the_login_the_app_goes_back_where_the_visitor_was(member: Member):
    browser = member.browser
    page = browser.get("/login?next=/enroll")
    assert page.field("next") == "/enroll"
    browser.post("/login", {"username": "alice", "password": PASSWORD, "next": "/enroll"})
    page = browser.post("/login/code", {"code": member.phone.code()})
    assert (page.path, page.title) == ("/enroll", "Replace your second factor")
