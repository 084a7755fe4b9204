"""The web login with the keyboard only; every page passes every WCAG 2.1 A and AA rule.

The whole login — register, enroll with the virtual phone (the secret read from the page),
the recovery codes, log in, the code — is done with Tab, Shift+Tab, Enter and Space (and
text typed in) through `page.keyboard`; at every Tab stop the focused element shows its
focus ring (WCAG 2.1 2.4.7). axe-core checks each page the flow meets and each error state
(a wrong password, a wrong code, the recovery-code form opened, a page that does not exist,
an ended session) with the WCAG 2.0/2.1 A and AA rules: no violation of any impact. Every
message says what it is with a symbol and a word as well as with its colour (1.4.1).

Screenshots: `web-keyboard.png` (the focus ring on a button) and `web-refused.png` (a
refusal: ✖, the reason, the border).
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from mfalab import SystemClock, VirtualAuthenticator, otp

from .a11y import WCAG_21_AA, assert_focus_visible, assert_no_violations, tab_to
from .conftest import Server

USERNAME = "gwen"
PASSWORD = "linen falcon harbour 46"  # a test-only passphrase
CUES = {"error": '"✖ " / "Error:"', "notice": '"✔ " / "Done:"'}  # symbol / what is read out


def cue(message: Locator) -> str:
    """What a message shows before its text (CSS generated content, with its spoken form)."""
    content: str = message.evaluate("element => getComputedStyle(element, '::before').content")
    return content


def check(page: Page, state: str) -> None:
    """axe-core, WCAG 2.1 A and AA rules, the whole page: no violation at all."""
    assert_no_violations(page, f"web login, {state}", options=WCAG_21_AA, impacts=None)


def test_the_web_login_with_the_keyboard_only_and_every_page_passes_wcag_aa(
    fresh: Page, web_server: Server, screenshots: Path
) -> None:
    page = fresh
    keyboard = page.keyboard
    heading = page.locator("h1")

    def tab(target: Locator, *, backwards: bool = False) -> None:
        tab_to(page, target, backwards=backwards)

    def button(name: str) -> Locator:
        return page.get_by_role("button", name=name, exact=True)

    # Register: the username field has the focus already (autofocus).
    page.goto(f"{web_server.url}/register")
    expect(heading).to_have_text("Create an account")
    check(page, "/register")
    expect(page.locator("#username")).to_be_focused()
    keyboard.insert_text(USERNAME)
    tab(page.get_by_label("Password"))
    keyboard.insert_text(PASSWORD)
    tab(button("Create the account"))
    page.screenshot(path=str(screenshots / "web-keyboard.png"))
    keyboard.press("Enter")

    # Enroll, step 1: the username (its field has the focus) and the password again.
    expect(heading).to_have_text("Set up your second factor")
    expect(page.locator(".notice")).to_contain_text("Account created.")
    check(page, "/enroll with the account-created notice")
    expect(page.locator("#username")).to_be_focused()
    keyboard.insert_text(USERNAME)
    tab(page.get_by_label("Password"))
    keyboard.insert_text(PASSWORD)
    tab(button("Show the QR code"))
    keyboard.press("Space")

    # Step 2: the QR code and the secret; the virtual phone types the secret in.
    expect(heading).to_have_text("Scan this QR code")
    check(page, "/enroll, the QR code")
    secret = page.locator("#secret").inner_text()
    phone = VirtualAuthenticator(clock=SystemClock())
    phone.scan(otp.provisioning_uri(secret.replace(" ", ""), USERNAME, "MFA Lab"))
    expect(page.get_by_label("Code from your app")).to_be_focused()
    keyboard.insert_text(phone.code())
    tab(button("Confirm"))
    keyboard.press("Enter")

    # Step 3: the recovery codes, then on to the login by the link (Enter follows it).
    expect(heading).to_have_text("Your second factor is on")
    expect(page.locator("ol.codes code")).to_have_count(10)
    check(page, "/enroll, the recovery codes")
    tab(page.get_by_role("link", name="I saved them: log in"))
    keyboard.press("Enter")

    # Log in: a wrong password first (an error state), then the right one.
    expect(heading).to_have_text("Log in")
    check(page, "/login with the enrolled notice")
    expect(page.locator("#username")).to_be_focused()
    keyboard.insert_text(USERNAME)
    tab(page.get_by_label("Password"))
    keyboard.insert_text("not the password at all")
    keyboard.press("Enter")
    error = page.locator("#error")
    expect(error).to_have_text("The username or password is not right.")
    check(page, "/login, a wrong password")
    assert cue(error) == CUES["error"]
    expect(page.get_by_label("Password")).to_be_focused()  # where to type again
    keyboard.insert_text(PASSWORD)
    tab(button("Continue"))
    keyboard.press("Space")

    # The code: a wrong one first, then the phone's (one step ahead, inside the window:
    # the confirming step is used).
    expect(heading).to_have_text("Type your code")
    check(page, "/login/code")
    ahead = VirtualAuthenticator(clock=SystemClock(), skew=30)
    ahead.accounts = phone.accounts
    right = ahead.code()
    keyboard.insert_text(str((int(right[0]) + 5) % 10) + right[1:])
    keyboard.press("Enter")
    expect(error).to_contain_text("That code is not right")
    check(page, "/login/code, a wrong code")
    page.screenshot(path=str(screenshots / "web-refused.png"))
    # The recovery-code form, opened from its summary with the keyboard.
    tab(page.get_by_text("Lost your phone? Use a recovery code"))
    keyboard.press("Enter")
    expect(page.get_by_label("Recovery code")).to_be_visible()
    check(page, "/login/code, the recovery-code form open")
    tab(page.get_by_label("Code from your app"), backwards=True)
    keyboard.insert_text(right)
    tab(button("Log in"))
    keyboard.press("Enter")

    # Signed in.
    expect(heading).to_have_text("Your account")
    expect(page.locator("#who")).to_have_text(USERNAME)
    check(page, "/account")
    tab(page.locator("#sign-out"))
    assert_focus_visible(page, "the Sign out button")
    keyboard.press("Enter")
    expect(heading).to_have_text("Log in")
    expect(page.locator(".notice")).to_contain_text("You are signed out.")
    assert cue(page.locator(".notice")) == CUES["notice"]
    check(page, "/login after signing out")


def test_the_error_pages_pass_wcag_aa(fresh: Page, web_server: Server) -> None:
    """A refused password, a page that does not exist, an account page without a session."""
    fresh.goto(f"{web_server.url}/register")
    fresh.get_by_label("Username").fill("hana")
    fresh.get_by_label("Password").fill("password")
    fresh.get_by_role("button", name="Create the account").click()
    expect(fresh.locator("#error")).to_contain_text("password")
    assert cue(fresh.locator("#error")) == CUES["error"]
    check(fresh, "/register, a common password refused")
    response = fresh.goto(f"{web_server.url}/no-such-page")
    assert response is not None and response.status == 404
    check(fresh, "a page that does not exist")
    response = fresh.goto(f"{web_server.url}/account")
    assert response is not None
    expect(fresh.locator("h1")).to_have_text(re.compile(r"\S"))
    check(fresh, f"/account without a session (HTTP {response.status})")
