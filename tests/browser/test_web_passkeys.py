"""Passkeys in the web login, in Debian's Chromium with its virtual authenticator (CDP):
add a passkey on the account page, sign out, sign in with it; then the same through a
phishing relay: on a look-alike name Chromium refuses to ask for the site's passkey, and
on the site's own host name (another port) the real site refuses the answer, audited.

The web app runs in this process (`mfalab.web.background.start`) on the service the test
holds, so the test reads the audit log the relay's attempt left. The authenticator is
Chromium's own (`WebAuthn.addVirtualAuthenticator`: CTAP2, internal, user verification):
the browser, not Python, writes the origin into what it signs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import CDPSession, Page, expect

from mfalab import AuthService, SystemClock, UserStore, VirtualAuthenticator
from mfalab.web import create_app
from mfalab.web.background import BackgroundServer, start
from mfalab.web.relay import relay_app

from .a11y import WCAG_21_AA, assert_no_violations
from .conftest import _free_port

USERNAME = "frank"
PASSWORD = "saffron glacier kettle 64"  # a test-only passphrase


@dataclass
class Site:
    auth: AuthService
    phone: VirtualAuthenticator
    url: str  # the real site, as the browser opens it
    look_alike: str  # a phishing relay on another name (evil.localhost)
    shared_host: str  # the same relay on the site's host name, another port


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    port = _free_port()
    store = UserStore(":memory:")
    auth = AuthService(store, clock=SystemClock(), rp_id="localhost",
                       origins=(f"http://localhost:{port}",))
    auth.register(USERNAME, PASSWORD)
    enrollment = auth.begin_enrollment(USERNAME, PASSWORD)
    phone = VirtualAuthenticator(clock=SystemClock())
    phone.scan(enrollment.uri)
    auth.confirm_enrollment(enrollment, phone.code())
    real: BackgroundServer = start(create_app(auth), port=port)
    relay = start(relay_app(f"http://127.0.0.1:{port}"))
    try:
        yield Site(auth, phone, f"http://localhost:{port}", f"http://evil.localhost:{relay.port}",
                   f"http://localhost:{relay.port}")
    finally:
        relay.stop()
        real.stop()
        store.close()


def _authenticator(page: Page) -> CDPSession:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True}})
    return cdp


def _password(page: Page, base: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Type your code")


def _fresh_code(site: Site) -> str:
    """A code of a step not used yet (each step is accepted once)."""
    ahead = VirtualAuthenticator(clock=SystemClock(), skew=30)
    ahead.accounts = site.phone.accounts
    return ahead.code()


def test_a_passkey_added_in_chromium_signs_in_and_a_relay_cannot_use_it(
    page: Page, site: Site, screenshots: Path
) -> None:
    page.context.clear_cookies()
    _authenticator(page)
    heading = page.locator("h1")

    # Signed in with a code, add a passkey (Chromium's virtual authenticator makes it).
    _password(page, site.url)
    expect(page.get_by_role("button", name="Use a passkey instead")).to_have_count(0)
    page.get_by_label("Code from your app").fill(_fresh_code(site))
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(heading).to_have_text("Your account")
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.locator("#passkey-notice")).to_contain_text("Passkey added.")
    assert_no_violations(page, "/account, a passkey added", options=WCAG_21_AA, impacts=None)
    assert len(site.auth.store.passkeys(USERNAME)) == 1
    page.reload()
    expect(page.get_by_role("button", name="Remove passkey")).to_have_count(1)
    page.locator("#h-passkeys").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "web-passkeys.png"))

    # Sign out; the password, then the passkey instead of a code.
    page.locator("#sign-out").click()
    _password(page, site.url)
    assert_no_violations(page, "/login/code with a passkey", options=WCAG_21_AA, impacts=None)
    page.get_by_role("button", name="Use a passkey instead").click()
    expect(heading).to_have_text("Your account")
    expect(page.locator("dd", has_text="a passkey")).to_be_visible()
    assert [e.event for e in site.auth.audit_log(USERNAME)][-1] == "passkey_accepted"
    page.locator("#sign-out").click()

    # The relay on a look-alike name: Chromium itself refuses to ask for localhost's passkey.
    page.context.clear_cookies()
    _password(page, site.look_alike)  # the password is relayed, and works
    page.get_by_role("button", name="Use a passkey instead").click()
    error = page.locator("#passkey-error")
    expect(error).to_contain_text("relying party ID is not a registrable domain suffix")
    expect(heading).to_have_text("Type your code")  # not signed in
    assert [e.event for e in site.auth.audit_log(USERNAME)][-1] == "password_ok"

    # The relay on the site's own host name, another port: Chromium lets it ask, writes its
    # origin into what the passkey signs, and the real site refuses that, audited.
    page.context.clear_cookies()
    _password(page, site.shared_host)
    page.get_by_role("button", name="Use a passkey instead").click()
    expect(error).to_contain_text(f"made for the page at '{site.shared_host}', not for this site")
    assert_no_violations(page, "/login/code, a passkey refused", options=WCAG_21_AA,
                         impacts=None)
    page.screenshot(path=str(screenshots / "web-passkey-relay.png"))
    expect(heading).to_have_text("Type your code")
    last = site.auth.audit_log(USERNAME)[-1]
    assert last.event == "passkey_rejected" and site.shared_host in last.detail
