"""The login app (`notebooks/app.ipynb`) in Voilà, in a real browser, used end to end.

Register, set up the virtual phone, confirm with its code (recovery codes appear), let
30 s pass on the app's `LabClock` (labelled a simulated clock), log in with the phone's
current code (Enter submits), then try a wrong code three times and a used code again:
each refusal is a sentence, nothing about the account shows until its owner is signed
in, and no traceback shows anywhere. Screenshots: `docs/screenshots/app-enroll.png` (QR code and
phone) and `docs/screenshots/app.png` (access granted).

Every wait is on the page's own state (an element's text), never a fixed sleep.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from .conftest import Server

USERNAME = "dana"
PASSWORD = "amber walrus lantern 93"  # a test-only passphrase
APP_LOAD_TIMEOUT_MS = 90_000  # Voilà starts a kernel and runs the notebook first


def _code_on_screen(screen: Locator) -> str:
    """The six digits the virtual phone shows as '123 456'."""
    match = re.search(r"\b(\d{3}) (\d{3})\b", screen.inner_text())
    assert match, f"no code on the phone's screen: {screen.inner_text()!r}"
    return match[1] + match[2]


def _another_code(code: str) -> str:
    """A well-formed code that is not `code` (a typo in its first digit)."""
    return str((int(code[0]) + 5) % 10) + code[1:]


def test_app_register_enroll_login_and_refusals(
    page: Page, voila_server: Server, screenshots: Path
) -> None:
    page.goto(f"{voila_server.url}/")
    body = page.locator("body")
    app = page.locator(".jp-OutputArea-output").filter(
        has=page.locator("button.jupyter-button", has_text="Use the virtual phone")
    )
    expect(app).to_be_visible(timeout=APP_LOAD_TIMEOUT_MS)
    message = app.locator(".mfalab-message").first
    status = app.locator(".mfalab-status")
    phone = app.locator(".widget-html-content", has_text="📱")
    username = app.get_by_placeholder("alice")
    password = app.get_by_placeholder("a long phrase")
    code = app.get_by_placeholder("123456, or a recovery code")
    expect(message).to_contain_text("Register an account, or log in if you have one.")

    def press(label: str) -> None:
        app.locator("button.jupyter-button", has_text=label).click()

    # Register, then set up the phone with the virtual one.
    username.fill(USERNAME)
    password.fill(PASSWORD)
    press("Register")
    expect(message).to_contain_text(f"Welcome, {USERNAME}: your account is created.")
    password.fill(PASSWORD)
    press("Set up my phone")
    qr = app.locator("img")
    expect(qr).to_be_visible()
    expect(message).to_contain_text("Scan the QR code with your phone")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 100")
    expect(app).to_contain_text("or type this key")
    grouped = re.search(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", app.inner_text())
    assert grouped, "the secret in groups of four is on screen"
    expect(qr).to_have_attribute("alt", re.compile(re.escape(grouped[0])))  # its text alternative
    press("Use the virtual phone")
    expect(message).to_contain_text("The virtual phone scanned the QR code")
    expect(phone).to_contain_text(f"MFA Lab ({USERNAME})")
    page.screenshot(path=str(screenshots / "app-enroll.png"))

    code.fill(_code_on_screen(phone))
    press("Confirm code")
    expect(message).to_contain_text("Enrollment confirmed: your second factor is on.")
    expect(app.locator("ol li")).to_have_count(10)
    expect(app.locator("ol li").first).to_have_text(re.compile(r"^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$"))
    # Not signed in yet: the panel says nothing about the account.
    expect(status).to_contain_text("sign in to see your account's state")
    expect(status).not_to_contain_text(USERNAME)

    # The confirming code's step is used: let 30 s pass, then log in with a fresh code.
    expect(app).to_contain_text("Lab controls, simulated clock:")
    expect(status).to_contain_text("(simulated: the lab controls move it)")
    clock_before = status.inner_text()
    press("Let 30 s pass")
    expect(message).to_contain_text("30 seconds passed on the lab's simulated clock.")
    expect(status).not_to_have_text(clock_before)
    expect(app.locator("ol li")).to_have_count(0)  # recovery codes are shown only once
    password.fill(PASSWORD)
    password.press("Enter")  # Enter submits, as in any login form
    expect(message).to_contain_text("Password accepted (step 1 of 2).")
    used = _code_on_screen(phone)
    code.fill(used)
    code.press("Enter")
    expect(message).to_contain_text(
        f"Access granted: welcome, {USERNAME} (signed in with your app's code)."
    )
    expect(app.locator('[role="status"]').first).to_contain_text("Access granted")
    expect(status).to_contain_text(
        f"Signed in as {USERNAME}: second factor on · recovery codes left: 10"
    )
    page.screenshot(path=str(screenshots / "app.png"))

    # A wrong code three times: refused kindly; the panel (a new login forgets the session)
    # tells whoever is typing nothing about the account.
    password.fill(PASSWORD)
    press("Log in")
    expect(message).to_contain_text("Password accepted (step 1 of 2).")
    expect(status).not_to_contain_text(USERNAME)
    for _ in range(3):
        code.fill(_another_code(_code_on_screen(phone)))
        press("Check code")
        expect(message).to_contain_text("Access denied: That code is not right")
        expect(status).not_to_contain_text("failed codes")
    # The code that was accepted a moment ago, again: a replay, refused as such.
    code.fill(used)
    press("Check code")
    expect(message).to_contain_text("Access denied: That code was already used")

    for text in ("Traceback", "Error displaying widget", "There was an error"):
        expect(body).not_to_contain_text(text)
