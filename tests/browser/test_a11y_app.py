"""The login app in Voilà with the keyboard only, checked by axe-core at every state.

The whole login — register, set up the virtual phone, confirm, log in, the code — is done
with Tab, Shift+Tab, Enter and Space (and text typed in) through `page.keyboard`, never a
click;
at every Tab stop inside the app the focused control shows a focus ring (WCAG 2.1 2.4.7).
Then five wrong codes in a row lock the second factor.

axe-core checks the page at each state: the first screen, after registering, the QR code
on screen, signed in, a refusal on screen, locked. The whole page (Voilà's template too)
has no violation of serious or critical impact; the app's own output (the widget area)
passes every WCAG 2.1 A and AA rule. Every message is in a live region and starts with a
word as well as an icon and a colour (WCAG 2.1 1.4.1, 4.1.3).

Screenshots: `app-keyboard.png` (the focus ring on a button, the QR code and its typed
form), `app-refused.png` (a refusal: icon, the word "Refused", the reason) and
`app-locked.png` (the lock, in words, with its countdown).
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from .a11y import WCAG_21_AA, assert_focus_visible, assert_no_violations, tab_to
from .conftest import Server
from .test_app import APP_LOAD_TIMEOUT_MS, _another_code, _code_on_screen

USERNAME = "kai"
PASSWORD = "cobalt heron meadow 71"  # a test-only passphrase
APP = ".jp-OutputArea-output:has(.mfalab-widget)"


def check(page: Page, state: str) -> None:
    """axe-core on the whole page (serious and critical) and on the app (all WCAG 2.1 AA)."""
    assert_no_violations(page, f"Voilà app, {state}")
    assert_no_violations(page, f"Voilà app's widget area, {state}",
                         context={"include": [[APP]]}, options=WCAG_21_AA, impacts=None)


def test_the_login_with_the_keyboard_only_and_axe_at_every_state(
    page: Page, voila_server: Server, screenshots: Path
) -> None:
    page.goto(f"{voila_server.url}/")
    app = page.locator(APP)
    expect(app).to_be_visible(timeout=APP_LOAD_TIMEOUT_MS)
    message = app.locator(".mfalab-message").first
    phone = app.locator(".widget-html-content", has_text="📱")
    username = app.get_by_placeholder("alice")
    password = app.get_by_placeholder("a long phrase")
    code = app.get_by_placeholder("123456, or a recovery code")
    keyboard = page.keyboard

    def type_text(text: str) -> None:
        """Text in as one input event, as a password manager or a paste puts it.

        Key by key, ipywidgets sends a field's updates one at a time (each waits for the
        kernel's answer to the last) but Enter's "submit" at once, so on a busy kernel the
        Enter can overtake the last keys. One input event is one update, sent before it.
        """
        keyboard.insert_text(text)

    def button(label: str) -> Locator:
        return app.locator("button.jupyter-button", has_text=label)

    def tab(target: Locator, *, backwards: bool = False) -> None:
        tab_to(page, target, backwards=backwards, scope=app)

    expect(message).to_contain_text("Register an account, or log in if you have one.")
    check(page, "first screen")

    # Register: Tab to each field, type, Tab to the button, Space.
    tab(username)
    type_text(USERNAME)
    tab(password)
    type_text(PASSWORD)
    tab(button("Register"))
    keyboard.press("Space")
    expect(message).to_contain_text(f"Welcome, {USERNAME}: your account is created.")
    assert_focus_visible(page, "after Register")
    check(page, "after registering")

    # Set up the phone: back to the password (Shift+Tab), then on to "Set up my phone".
    tab(password, backwards=True)
    type_text(PASSWORD)
    tab(button("Set up my phone"))
    keyboard.press("Enter")
    expect(message).to_contain_text("Scan the QR code with your phone")
    qr = app.locator("img")
    expect(qr).to_be_visible()
    grouped = re.search(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", app.inner_text())
    assert grouped, "the secret in groups of four is on screen"
    expect(qr).to_have_attribute("alt", re.compile(re.escape(grouped[0])))
    check(page, "the QR code on screen")
    tab(button("Use the virtual phone"))
    keyboard.press("Enter")
    expect(phone).to_contain_text(f"MFA Lab ({USERNAME})")
    page.screenshot(path=str(screenshots / "app-keyboard.png"))

    # Confirm with the phone's code: Tab to the code field, type, Enter submits.
    tab(code)
    type_text(_code_on_screen(phone))
    keyboard.press("Enter")
    expect(message).to_contain_text("Enrollment confirmed: your second factor is on.")
    expect(app.locator("ol li")).to_have_count(10)

    # The confirming step is used: let 30 s pass (the lab's control), then log in.
    tab(button("Let 30 s pass"))
    keyboard.press("Space")
    expect(message).to_contain_text("30 seconds passed on the lab's simulated clock.")
    tab(password, backwards=True)
    type_text(PASSWORD)
    tab(button("Log in"))
    keyboard.press("Enter")
    expect(message).to_contain_text("Password accepted (step 1 of 2).")
    tab(code)
    type_text(_code_on_screen(phone))
    tab(button("Check code"))
    keyboard.press("Space")
    expect(message).to_contain_text(
        f"Access granted: welcome, {USERNAME} (signed in with your app's code)."
    )
    check(page, "signed in")

    # Log in again, then five wrong codes in a row (Enter in the code field checks it):
    # each refusal says so in words; the fifth starts the lock, the sixth meets it.
    tab(password, backwards=True)
    type_text(PASSWORD)
    keyboard.press("Enter")
    expect(message).to_contain_text("Password accepted (step 1 of 2).")
    tab(code)
    for attempt in range(1, 6):
        type_text(_another_code(_code_on_screen(phone)))
        keyboard.press("Enter")
        expect(code).to_have_value("")  # the app took the code (the same refusal follows)
        expect(message).to_contain_text("Access denied: That code is not right")
        expect(message.locator('[role="img"]')).to_have_attribute("aria-label", "Refused:")
        if attempt == 1:
            check(page, "a refusal on screen")
            page.screenshot(path=str(screenshots / "app-refused.png"))
    type_text(_code_on_screen(phone))
    keyboard.press("Enter")
    expect(message).to_contain_text("Access denied: Too many failed attempts: wait")
    expect(app.locator(".mfalab-status")).to_contain_text("locked: try again in")
    check(page, "locked")
    page.screenshot(path=str(screenshots / "app-locked.png"))
