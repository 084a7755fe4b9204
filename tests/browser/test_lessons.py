"""Every lesson, run in JupyterLab in a real browser, then its main widget used as a student would.

For each notebook: open it (a fresh workspace), clear all outputs, Run All from the Run
menu, wait for the kernel to be idle and every code cell to show its execution count,
check that error output appears only in cells tagged `raises-exception` and that every
widget rendered, then type, slide and click in the lesson's widget and check what the
page shows. A screenshot of the widget goes to `docs/screenshots/lesson-NN.png`.

Every wait is on the page's own state (the kernel indicator, prompts, an element's text),
never a fixed sleep.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from .a11y import LESSON_CONTENT, WCAG_21_AA, assert_no_violations
from .conftest import NOTEBOOKS, Server, shut_down_sessions

RUN_ALL_TIMEOUT_MS = 150_000  # lesson 01 times argon2 at up to 128 MiB; ~10 s here
PASSWORD = "violet anchor tundra 58"  # the lessons' public example password
STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
RUN_ALL_FINISHED = """() => {
    // Run All is over when the first cell has its number, no cell is queued or running
    // ("[*]"), and the kernel is idle. (An unexpected error stops the run: later cells
    // then keep an empty prompt, which the test reports.)
    const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
        .map(p => p.textContent.trim());
    const indicator = document.querySelector('.jp-Notebook-ExecutionIndicator');
    return prompts.length > 0 && /^\\[\\d+\\]:$/.test(prompts[0])
        && !prompts.some(p => p.includes('*'))
        && indicator !== null && indicator.dataset.status === 'idle';
}"""
NO_OUTPUTS_LEFT = """() => {
    const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
    return prompts.length > 0
        && document.querySelectorAll('.jp-Notebook .jp-OutputArea-output').length === 0
        && prompts.every(p => /^\\[ ?\\]:$/.test(p.textContent.trim()));
}"""


# Cells whose picture is a bare PNG output, which JupyterLab shows as an `<img>` with no
# `alt` at all (axe: image-alt, critical). Each must display it as
# `mfalab.widgets.picture.Picture(figure, alt=..., caption=...)`; until then axe leaves
# exactly these images out, and `test_bare_images_are_listed_exactly` keeps the list true.
BARE_IMAGES: dict[str, tuple[int, ...]] = {}


def check_accessibility(page: Page, notebook: str, state: str) -> None:
    """axe-core over the lesson's own content: no serious or critical violation of any
    rule, and no violation at all of the WCAG 2.1 A and AA rules."""
    context = dict(LESSON_CONTENT)
    context["exclude"] = LESSON_CONTENT["exclude"] + [
        [f'.jp-Cell[data-windowed-list-index="{i}"] .jp-RenderedImage > img']
        for i in BARE_IMAGES.get(notebook, ())
    ]
    assert_no_violations(page, f"{notebook} {state}", context=context)
    assert_no_violations(page, f"{notebook} {state} (WCAG 2.1 AA)", context=context,
                         options=WCAG_21_AA, impacts=None)


@pytest.fixture
def lab(lab_server: Server) -> Iterator[Server]:
    """The session's JupyterLab; each lesson's kernel is shut down after its test."""
    yield lab_server
    shut_down_sessions(lab_server)


def _tagged_cells(notebook: str, tag: str = "raises-exception") -> set[int]:
    cells = json.loads((NOTEBOOKS / notebook).read_text(encoding="utf-8"))["cells"]
    return {i for i, cell in enumerate(cells) if tag in cell.get("metadata", {}).get("tags", [])}


def _cells_with_output(notebook: str, mime: str) -> list[int]:
    cells = json.loads((NOTEBOOKS / notebook).read_text(encoding="utf-8"))["cells"]
    return [
        i for i, cell in enumerate(cells)
        if any(mime in output.get("data", {}) for output in cell.get("outputs", []))
    ]


def _cell_count(notebook: str) -> int:
    return len(json.loads((NOTEBOOKS / notebook).read_text(encoding="utf-8"))["cells"])


def _menu(page: Page, menu: str, item: str) -> None:
    """Click `menu` in JupyterLab's menu bar, then its entry `item`."""
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text=re.compile(f"^{menu}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).click()


def run_lesson(page: Page, lab: Server, notebook: str, *, widgets: bool = True) -> None:
    """Open `notebook` in JupyterLab, clear its outputs, Run All, wait for every cell.

    Then check: every error output belongs to a cell tagged `raises-exception` (and each
    such cell did raise), and no widget failed to display. A lesson with `widgets` displays
    at least one; lesson 07 drives a web app instead, and displays none.
    """
    # Any dialog (a kernel choice, say) is accepted whenever it shows up.
    page.add_locator_handler(
        page.locator(".jp-Dialog"),
        lambda dialog: dialog.locator(".jp-Dialog-button.jp-mod-accept").click(),
    )
    page.goto(f"{lab.url}/lab/tree/{notebook}?reset&token={lab.token}")
    cells = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell")
    expect(cells).to_have_count(_cell_count(notebook))
    expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")).to_be_visible()
    # Fold the file browser away (click its open tab), leaving the page to the lesson.
    page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").click()
    expect(page.locator("#jp-left-stack")).to_be_hidden()

    _menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function(NO_OUTPUTS_LEFT)
    _menu(page, "Run", "Run All Cells")
    page.wait_for_function(RUN_ALL_FINISHED, timeout=RUN_ALL_TIMEOUT_MS)

    expected = _tagged_cells(notebook)
    with_errors = set(
        cells.evaluate_all(
            f"cells => cells.flatMap((cell, i) => cell.querySelector('{STDERR}') ? [i] : [])"
        )
    )
    unexpected = {
        i: cells.nth(i).locator(STDERR).first.inner_text()[:2000]
        for i in sorted(with_errors - expected)
    }
    assert not unexpected, f"{notebook}: error output in untagged cells: {unexpected}"
    assert with_errors == expected, (
        f"{notebook}: cells tagged raises-exception without an error: {expected - with_errors}"
    )
    prompts = page.locator(".jp-Notebook .jp-CodeCell .jp-InputPrompt").all_inner_texts()
    not_run = [i for i, text in enumerate(prompts) if not re.fullmatch(r"\[\d+\]:", text.strip())]
    assert not not_run, f"{notebook}: code cells left unrun (numbered among code cells): {not_run}"
    # Every cell that displays a widget (in the committed notebook) renders it in the page.
    widget_cells = _cells_with_output(notebook, WIDGET_VIEW)
    assert bool(widget_cells) == widgets, f"{notebook}: widget cells {widget_cells}"
    for i in widget_cells:
        expect(cells.nth(i).locator(".jp-OutputArea .jupyter-widgets").first).to_be_visible()
    expect(page.locator(".jp-Notebook")).not_to_contain_text("Error displaying widget")
    check_accessibility(page, notebook, "after Run All")


def widget_output(page: Page, button: str) -> Locator:
    """The cell outputs holding a widget with a button labelled `button` (`.last`: the last)."""
    return page.locator(".jp-OutputArea-output").filter(
        has=page.locator("button.jupyter-button", has_text=button)
    )


def screenshot(page: Page, target: Locator, path: Path) -> None:
    """Scroll the cell of `target` (its code, then the widget) to the top, save the viewport."""
    target.evaluate("element => element.closest('.jp-Cell').scrollIntoView({block: 'start'})")
    page.screenshot(path=str(path))


def _code_on_screen(screen: Locator) -> str:
    """The six digits a phone widget shows as '123 456'."""
    match = re.search(r"\b(\d{3}) (\d{3})\b", screen.inner_text())
    assert match, f"no code on the phone's screen: {screen.inner_text()!r}"
    return match[1] + match[2]


def test_lesson_00_login_demo(lab: Server, page: Page, screenshots: Path) -> None:
    run_lesson(page, lab, "00_start_here.ipynb")
    demo = widget_output(page, "Log in").last
    phone = demo.locator(".widget-html-content", has_text="new code in")
    result = demo.locator(".mfalab-message").last

    # The lesson already used the current code: wait for the next one, as the text says.
    before = _code_on_screen(phone)
    demo.locator("button.jupyter-button", has_text="Wait 30 s").click()
    expect(phone).not_to_contain_text(f"{before[:3]} {before[3:]}")
    demo.get_by_placeholder("something you know").fill(PASSWORD)
    demo.get_by_placeholder("something you have").fill(_code_on_screen(phone))
    demo.locator("button.jupyter-button", has_text="Log in").click()
    expect(result).to_contain_text("Access granted: welcome, alice!")
    screenshot(page, demo, screenshots / "lesson-00.png")

    # The same code again is a replay: refused with a sentence, not a traceback.
    demo.get_by_placeholder("something you know").fill(PASSWORD)
    demo.get_by_placeholder("something you have").fill(_code_on_screen(phone))
    demo.locator("button.jupyter-button", has_text="Log in").click()
    expect(result).to_contain_text("code refused — access denied")


def test_lesson_01_hash_explorer(lab: Server, page: Page, screenshots: Path) -> None:
    run_lesson(page, lab, "01_password_hashing.ipynb")
    explorer = widget_output(page, "Hash it").last
    explorer.get_by_placeholder("any password (not one you use!)").fill("correct horse battery")
    explorer.locator("button.jupyter-button", has_text="Hash it").click()
    table = explorer.locator("table.mfalab-phc")
    expect(table).to_contain_text("argon2id")

    def row(field: str) -> Locator:
        return table.locator("tr", has=page.locator("td b", has_text=re.compile(f"^{field}$")))

    for field, value in [("m", "19456"), ("t", "2"), ("p", "1"), ("version", "19")]:
        expect(row(field)).to_contain_text(value)
    expect(row("salt")).to_contain_text("16 bytes")
    # Hash the same password again: a new salt, so a new hash; the widget says so.
    first = explorer.locator(".widget-html-content").first.inner_text()
    explorer.locator("button.jupyter-button", has_text="Hash it").click()
    expect(explorer).to_contain_text("Same password as last time, yet a new salt")
    assert explorer.locator(".widget-html-content").first.inner_text() != first
    screenshot(page, explorer, screenshots / "lesson-01.png")

    checker = widget_output(page, "Check").last
    checker.get_by_placeholder("try one (not a password you use!)").fill("password")
    expect(checker).to_contain_text("8 characters. Refused by the policy")
    checker.get_by_placeholder("try one (not a password you use!)").fill(PASSWORD)
    expect(checker).to_contain_text("23 characters. Accepted by the policy")


def test_lesson_02_uri_builder(lab: Server, page: Page, screenshots: Path) -> None:
    run_lesson(page, lab, "02_shared_secret_and_qr.ipynb")
    builder = (
        page.locator(".jp-OutputArea-output")
        .filter(has=page.locator(".widget-dropdown", has_text="Period (s)")).first
    )
    account = builder.locator(".widget-text", has_text="Account").locator("input")
    account.fill("bob@example.com")
    expect(builder.locator("code").first).to_contain_text(
        "otpauth://totp/MFA%20Lab:bob%40example.com?secret="
    )
    fields = builder.locator("table.mfalab-uri-fields")
    expect(fields.locator("tr", has_text="label: account")).to_contain_text("bob@example.com")
    issuer = builder.locator(".widget-text", has_text="Issuer").locator("input")
    issuer.fill("")
    expect(builder).to_contain_text("Type an issuer")
    issuer.fill("Example Bank")
    expect(fields.locator("tr", has_text="label: issuer")).to_contain_text("Example Bank")
    qr = builder.locator("img").first
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 100")
    screenshot(page, builder, screenshots / "lesson-02.png")

    # The practice confirmer (the one with a QR code): a typo'd code is refused kindly.
    confirmer = widget_output(page, "Confirm").filter(has=page.locator("img")).first
    expect(confirmer).to_contain_text("Type the code your app shows, then press Confirm.")
    confirmer.get_by_placeholder("123456").fill("12345O")
    confirmer.locator("button.jupyter-button", has_text="Confirm").click()
    expect(confirmer.locator(".mfalab-error")).to_contain_text(
        "A code is exactly 6 digits 0–9, like '123456'."
    )


def test_lesson_03_truncation(lab: Server, page: Page, screenshots: Path) -> None:
    run_lesson(page, lab, "03_inside_totp.ipynb")
    explorer = (
        page.locator(".jp-OutputArea-output").filter(has=page.locator(".mfalab-hmac-row")).first
    )
    steps = explorer.locator("ol.mfalab-truncation-steps")
    expect(steps).to_contain_text("755224")  # RFC 4226 Appendix D, counter 0
    # Move the counter slider one step to the right with the keyboard.
    explorer.get_by_role("slider", name="Counter C").focus()
    page.keyboard.press("ArrowRight")
    expect(explorer.get_by_role("spinbutton", name="Counter C, typed")).to_have_value("1")
    expect(steps).to_contain_text("287082")  # RFC 4226 Appendix D, counter 1
    expect(steps).to_contain_text("offset = last byte 0xab & 0x0f = 11")
    chosen = explorer.locator(".mfalab-byte[style*='#ffe08a']")
    expect(chosen).to_have_count(4)
    assert [text.split()[-1] for text in chosen.all_inner_texts()] == ["c1", "39", "7e", "ea"]
    screenshot(page, explorer, screenshots / "lesson-03.png")


def _set_slider(slider: Locator, value: int) -> None:
    """Type `value` into the box beside a slider and press Enter, as a student can."""
    typed = slider.get_by_role("spinbutton")
    typed.click()
    typed.press("Control+A")
    typed.press_sequentially(str(value))
    typed.press("Enter")
    expect(slider.get_by_role("slider")).to_have_value(str(value))


def test_lesson_04_time_window(lab: Server, page: Page, screenshots: Path) -> None:
    run_lesson(page, lab, "04_the_time_window.ipynb")
    explorer = (
        page.locator(".jp-OutputArea-output")
        .filter(has=page.locator(".mfalab-slider", has_text="phone skew")).first
    )
    verdict = explorer.locator(".mfalab-message")
    expect(verdict).to_contain_text("accepted: step T−1")
    picture = explorer.locator("img")
    src = picture.get_attribute("src")

    _set_slider(explorer.locator(".mfalab-slider", has_text="phone skew"), -90)
    expect(verdict).to_contain_text("refused: the phone shows 254961, the code of step T−3")
    expect(picture).not_to_have_attribute("src", src or "")
    _set_slider(explorer.locator(".mfalab-slider", has_text="window"), 3)
    expect(verdict).to_contain_text("accepted: step T−3")
    expect(verdict).to_contain_text("the server accepts T−3 … T+3")
    assert picture.evaluate("img => img.complete && img.naturalWidth > 500")
    screenshot(page, explorer, screenshots / "lesson-04.png")

    # LiveCode: press ▶ and the countdown ticks, driven by the browser (no kernel loop).
    live = page.locator(".jp-OutputArea-output").filter(has=page.locator(".widget-play")).first
    screen = live.locator(".widget-html-content")
    expect(screen).to_contain_text("s left (step")
    before = screen.inner_text()
    live.locator("button.jupyter-button", has_text="Start the countdown").click()
    expect(screen).not_to_have_text(before)


def test_lesson_05_verifier_inspector(lab: Server, page: Page, screenshots: Path) -> None:
    run_lesson(page, lab, "05_verification_and_attacks.ipynb")
    inspector = widget_output(page, "Phone's code").last
    code = inspector.get_by_placeholder("type a code, e.g. 123456")
    result = inspector.locator(".widget-html-content").last

    def press(label: str) -> None:
        inspector.locator("button.jupyter-button", has_text=label).click()

    press("Phone's code")
    expect(code).to_have_value(re.compile(r"^\d{6}$"))
    phone_code = code.input_value()
    press("Check")
    expect(result).to_contain_text("Signed in: the service issued a session.")
    # The same code in fullwidth digits: one code, one spelling, so refused at the shape.
    press("Make it fullwidth")
    expect(code).to_have_value(re.compile(r"^[０-９]{6}$"))
    press("Check")
    expect(result).to_contain_text("Refused (InvalidCode)")
    expect(result.locator("tr", has_text="Shape")).to_contain_text("⛔")
    expect(result.locator("tr", has_text="Window")).to_contain_text("not reached")
    # The same code again, in ASCII: a replay, refused at the last step of the checklist.
    press("Phone's code")
    expect(code).to_have_value(phone_code)
    press("Check")
    expect(result).to_contain_text("Refused (CodeReused)")
    expect(result.locator("tr", has_text="Shape")).to_contain_text("✅")
    expect(result.locator("tr", has_text="Replay")).to_contain_text("⛔")
    expect(inspector).to_contain_text("failures in a row: 2")
    screenshot(page, inspector, screenshots / "lesson-05.png")


def test_lesson_06_login_app(lab: Server, page: Page, screenshots: Path) -> None:
    run_lesson(page, lab, "06_the_complete_login.ipynb")
    # The last app of the lesson is the learner's own, on the real clock.
    app = widget_output(page, "Use the virtual phone").last
    message = app.locator(".mfalab-message").first

    def press(label: str) -> None:
        app.locator("button.jupyter-button", has_text=label).click()

    app.get_by_placeholder("alice").fill("erin")
    app.get_by_placeholder("a long phrase").fill("password123")
    press("Register")
    expect(app).to_contain_text("Please choose another password")
    app.get_by_placeholder("a long phrase").fill("saffron glacier piano 64")
    press("Register")
    expect(message).to_contain_text("Welcome, erin: your account is created.")
    app.get_by_placeholder("a long phrase").fill("saffron glacier piano 64")
    press("Set up my phone")
    expect(app.locator("img")).to_be_visible()
    press("Use the virtual phone")
    expect(message).to_contain_text("The virtual phone scanned the QR code")
    phone = app.locator(".widget-html-content", has_text="📱")
    app.get_by_placeholder("123456, or a recovery code").fill(_code_on_screen(phone))
    press("Confirm code")
    expect(message).to_contain_text("Enrollment confirmed: your second factor is on.")
    expect(app.locator("ol li")).to_have_count(10)
    first_code = app.locator("ol li").first.inner_text()
    expect(app).to_contain_text("sign in to see your account's state")  # not signed in
    screenshot(page, app, screenshots / "lesson-06.png")

    # On the real clock the confirming step is used for up to 30 s: sign in with a
    # recovery code instead; the app says so and offers a fresh set.
    app.get_by_placeholder("a long phrase").fill("saffron glacier piano 64")
    press("Log in")
    expect(message).to_contain_text("Password accepted (step 1 of 2).")
    app.get_by_placeholder("123456, or a recovery code").fill(first_code)
    press("Use a recovery code instead")
    expect(message).to_contain_text("That recovery code is now used up; 9 left.")
    expect(app).to_contain_text("Signed in as erin: second factor on · recovery codes left: 9")
    press("Get a fresh set of recovery codes")
    expect(message).to_contain_text("Here are 10 new recovery codes")
    expect(app.locator("ol li")).to_have_count(10)


def test_lesson_07_web_defenses(lab: Server, page: Page, screenshots: Path) -> None:
    run_lesson(page, lab, "07_put_it_on_the_web.ipynb", widgets=False)
    notebook = page.locator(".jp-Notebook")
    link = notebook.get_by_role("link", name="Open the web login")
    expect(link).to_have_attribute("href", re.compile(r"^http://localhost:\d+/$"))
    for shown in ("Challenge(username='alice'", "'__Host-mfalab'",
                  "This form has expired or did not come from this site.",
                  "(401, 'This session has ended (signed out): log in again.')",
                  "Content-Security-Policy: default-src 'self';",
                  "(429, '30', 'Too many failed attempts: wait 30 s before trying again.')",
                  "Not answered yet", "BackgroundServer(loopback, stopped)"):
        expect(notebook).to_contain_text(shown)
    stolen = page.locator(".jp-Cell", has_text="thief = Visitor(server.url, cookie=stolen)")
    screenshot(page, stolen.first, screenshots / "lesson-07.png")


def test_lesson_08_phishing_and_passkeys(lab: Server, page: Page, screenshots: Path) -> None:
    """The relay wins against the code and fails against the passkey, in the page itself."""
    run_lesson(page, lab, "08_phishing_and_passkeys.ipynb", widgets=False)
    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
    expect(notebook).to_contain_text("The relay won: the attacker holds a session for 'alice'")
    expect(notebook).to_contain_text("CodeReused: That code was already used")
    expect(notebook).to_contain_text("PasskeyUnavailable: The page at http://evil.localhost:5001 "
                                     "may not ask for passkeys of 'localhost'")
    refused = page.locator(".jp-OutputArea-output", has_text="made for the page at "
                           "'http://localhost:5001', not for this site").first
    expect(refused).to_be_visible()
    expect(notebook).to_contain_text("origin     http://localhost:5001")
    expect(notebook).to_contain_text("passkey_clone_warning  counter: 5 after 5")
    expect(notebook).to_contain_text("Not answered yet: set answer_1")
    screenshot(page, refused, screenshots / "lesson-08.png")


def _bare_image_cells(notebook: str) -> tuple[int, ...]:
    """Cells with a PNG output and no HTML beside it (shown with no text alternative)."""
    cells = json.loads((NOTEBOOKS / notebook).read_text(encoding="utf-8"))["cells"]
    return tuple(
        i for i, cell in enumerate(cells)
        if any("image/png" in out.get("data", {}) and "text/html" not in out.get("data", {})
               for out in cell.get("outputs", []))
    )


@pytest.mark.parametrize("notebook", sorted(p.name for p in NOTEBOOKS.glob("0*.ipynb")))
def test_bare_images_are_listed_exactly(notebook: str) -> None:
    """Every bare PNG output is a known one, and a fixed cell leaves the list."""
    assert _bare_image_cells(notebook) == BARE_IMAGES.get(notebook, ())


@pytest.mark.parametrize("notebook", sorted(p.name for p in NOTEBOOKS.glob("0*.ipynb")))
def test_every_lesson_is_covered(notebook: str) -> None:
    """A new lesson needs its own browser test here."""
    number = notebook[:2]
    assert f"test_lesson_{number}_" in Path(__file__).read_text(encoding="utf-8")
