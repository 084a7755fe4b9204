"""The web login (`python -m mfalab web`) in Debian's Chromium: a real server process, a
real browser, the whole flow with the virtual phone.

Register → enroll (the secret read from the page; codes from `VirtualAuthenticator` on
the wall clock) → sign out → log in with a code → the same code again, refused → wrong
codes until the throttle locks → a recovery code, refused while locked, accepted after
the wait the page names. Cookies and headers are read from the browser; the browser
itself enforces `frame-ancestors 'none'`; the pages work with the keyboard alone.
Screenshots (the QR code and the secret masked): docs/screenshots/web-*.png.

Every wait is on the page's own state, except the throttle's lock, which is waited out
for the seconds the page says.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from mfalab import SystemClock, VirtualAuthenticator, otp

from .conftest import Server

USERNAME = "erin"
PASSWORD = "quartz heron meadow 27"  # a test-only passphrase
COOKIE = "__Host-mfalab"


def _cookie(context: BrowserContext) -> dict[str, object]:
    (found,) = [c for c in context.cookies() if c["name"] == COOKIE]
    return dict(found)


def _another_code(code: str) -> str:
    return str((int(code[0]) + 5) % 10) + code[1:]


def test_the_whole_web_login_in_a_real_browser(fresh: Page, web_server: Server,
                                               screenshots: Path) -> None:
    page, context = fresh, fresh.context
    heading, error = page.locator("h1"), page.locator("#error")
    notice = page.locator(".notice")

    # Register.
    page.goto(f"{web_server.url}/register")
    expect(heading).to_have_text("Create an account")
    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create the account").click()
    expect(heading).to_have_text("Set up your second factor")
    expect(notice).to_contain_text("Account created.")

    # Enroll: the QR page's headers, read from the browser's own response.
    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Show the QR code").click()
    expect(heading).to_have_text("Scan this QR code")
    headers = answer.value.all_headers()
    assert headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert headers["referrer-policy"] == "same-origin"
    qr = page.get_by_role("img", name=re.compile("QR code for MFA Lab"))
    expect(qr).to_be_visible()
    assert qr.locator("svg").bounding_box()["width"] > 150  # type: ignore[index]
    secret = page.locator("#secret").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", secret)
    page.screenshot(path=str(screenshots / "web-enroll.png"),
                    mask=[qr, page.locator("#secret")], mask_color="#d0d7de")

    # The virtual phone types the secret in, on the wall clock.
    phone = VirtualAuthenticator(clock=SystemClock())
    phone.scan(otp.provisioning_uri(secret.replace(" ", ""), USERNAME, "MFA Lab"))
    page.get_by_label("Code from your app").fill(phone.code())
    page.get_by_role("button", name="Confirm").click()
    expect(heading).to_have_text("Your second factor is on")
    codes = page.locator("ol.codes code")
    expect(codes).to_have_count(10)
    recovery = codes.all_inner_texts()
    assert all(re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", c) for c in recovery)

    # The cookie, as the browser keeps it.
    cookie = _cookie(context)
    assert (cookie["secure"], cookie["httpOnly"], cookie["sameSite"]) == (True, True, "Lax")
    assert (cookie["path"], cookie["domain"], cookie["expires"]) == ("/", "localhost", -1)
    assert USERNAME not in str(cookie["value"])
    seen = [cookie["value"]]

    # Log in: the password, then a code (of the next step: the confirming one is used).
    page.get_by_role("link", name="I saved them: log in").click()
    expect(heading).to_have_text("Log in")
    expect(notice).to_contain_text("Your second factor is on.")
    page.screenshot(path=str(screenshots / "web-login.png"))
    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(heading).to_have_text("Type your code")
    seen.append(_cookie(context)["value"])
    ahead = VirtualAuthenticator(clock=SystemClock(), skew=30)  # one step ahead: in the window
    ahead.accounts = phone.accounts
    used = ahead.code()
    page.get_by_label("Code from your app").fill(used)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(heading).to_have_text("Your account")
    expect(page.locator("#who")).to_have_text(USERNAME)
    expect(page.locator("#codes-left")).to_have_text("10")
    seen.append(_cookie(context)["value"])
    page.screenshot(path=str(screenshots / "web-account.png"))

    # Sign out: the old cookie, pasted back, opens nothing.
    stolen = _cookie(context)
    page.locator("#sign-out").click()
    expect(heading).to_have_text("Log in")
    expect(notice).to_contain_text("You are signed out.")
    seen.append(_cookie(context)["value"])
    assert len(set(seen)) == len(seen) == 4  # a new value at every step
    context.add_cookies([{k: stolen[k] for k in  # type: ignore[misc]
                          ("name", "value", "domain", "path", "secure", "httpOnly",
                           "sameSite")}])
    response = page.goto(f"{web_server.url}/account")
    assert response is not None and response.status == 401
    expect(error).to_have_text("This session has ended (signed out): log in again.")

    # The same code again: a replay, refused.
    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(heading).to_have_text("Type your code")
    code_box = page.get_by_label("Code from your app")
    code_box.fill(used)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(error).to_have_text("That code was already used: wait for your app to show a new one.")
    page.screenshot(path=str(screenshots / "web-code.png"))

    # Wrong codes: the replay was failure 1; failures 2 to 5 answer "not right" (the 5th
    # starts the lock), and the fifth wrong code meets the lock.
    for _ in range(4):
        code_box.fill(_another_code(ahead.code()))
        page.get_by_role("button", name="Log in", exact=True).click()
        expect(error).to_contain_text("That code is not right")
    code_box.fill(_another_code(ahead.code()))
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(error).to_contain_text("Too many failed attempts: wait")

    # A recovery code during the lock is refused too; after the wait it lets erin in, once.
    page.get_by_text("Lost your phone? Use a recovery code").click()
    page.get_by_label("Recovery code").fill(recovery[0])
    page.get_by_role("button", name="Log in with a recovery code").click()
    expect(error).to_contain_text("Too many failed attempts: wait")
    wait = re.search(r"wait (\d+) s", error.inner_text())
    assert wait is not None and 1 <= int(wait[1]) <= 30
    page.wait_for_timeout((int(wait[1]) + 1) * 1000)  # the lock's own length, from the page
    page.get_by_text("Lost your phone? Use a recovery code").click()
    page.get_by_label("Recovery code").fill(recovery[0])
    page.get_by_role("button", name="Log in with a recovery code").click()
    expect(heading).to_have_text("Your account")
    expect(notice).to_contain_text("You signed in with a recovery code")
    expect(page.locator("#codes-left")).to_have_text("9")
    expect(page.locator("body")).not_to_contain_text("Traceback")


def test_the_browser_refuses_to_frame_the_login(fresh: Page, web_server: Server) -> None:
    """`frame-ancestors 'none'`, enforced by Chromium itself: no clickjacking frame."""
    with fresh.expect_console_message(lambda m: "frame-ancestors" in m.text) as refusal:
        fresh.set_content(f'<iframe src="{web_server.url}/login"></iframe>')
    assert "The request has been blocked" in refusal.value.text
    (child,) = fresh.main_frame.child_frames
    assert not child.url.startswith(web_server.url)  # an error page instead of the form
    assert child.locator("#username").count() == 0


def test_the_pages_work_with_the_keyboard_alone(fresh: Page, web_server: Server) -> None:
    page = fresh
    page.goto(f"{web_server.url}/register")
    # autofocus: Chromium applies it when it next renders the page, which on a busy
    # machine can be after the load event, so wait for it
    expect(page.locator("#username")).to_be_focused()
    page.keyboard.type("frank")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "new_password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.tagName, document.activeElement.textContent]")
    assert focused == ["BUTTON", "Create the account"]
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focus is visible
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Set up your second factor")
    # From the top of a page (one without an autofocused field), the first Tab reaches the
    # skip link, and it shows.
    page.goto(f"{web_server.url}/no-such-page")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to the main content")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["x"] >= 0  # type: ignore[index]
    # Every input has a label the keyboard and a screen reader find it by.
    for path in ("/register", "/login", "/enroll"):
        page.goto(f"{web_server.url}{path}")
        unlabelled = page.evaluate("""[...document.querySelectorAll(
            'input:not([type=hidden]):not([hidden])')].filter(i => !i.labels.length)
            .map(i => i.name)""")
        assert unlabelled == [], path
