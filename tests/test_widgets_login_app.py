"""LoginApp, driven without a browser: set `.value` on the fields, click, read the answer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import ipywidgets as widgets
import pytest

from mfalab import (
    AuthService,
    FrozenClock,
    SystemClock,
    UserStore,
    VirtualAuthenticator,
    passwords,
    recovery,
)
from mfalab.widgets.login_app import LoginApp, wrong_code

from .widget_support import FALLBACK, PNG_MAGIC, images

PASSWORD = "violet anchor tundra 58"
START = 1_700_000_000  # 2023-11-14T22:13:20Z
HUGE = "7" * 100_000


@dataclass
class Lab:
    app: LoginApp
    auth: AuthService
    clock: FrozenClock

    def fill(self, **fields: str) -> None:
        for name, value in fields.items():
            getattr(self.app, name).value = value

    def click(self, button: str, **fields: str) -> str:
        """Fill the fields, click `button` and return what the app says."""
        self.fill(**fields)
        getattr(self.app, f"{button}_button").click()
        return self.app.message_text

    def enroll(self, name: str = "alice") -> tuple[str, ...]:
        """Register and enroll `name` through the widget; return the recovery codes."""
        self.click("register", username=name, password=PASSWORD)
        self.click("enroll", password=PASSWORD)
        self.click("scan")
        self.click("confirm", code=self.app.phone.code())
        codes = self.app.codes_on_screen
        self.clock.advance(30)  # the confirming step counts as used
        return codes

    def log_in(self) -> str:
        return self.click("login", password=PASSWORD)


def make_lab(store: UserStore, clock: FrozenClock, phone: VirtualAuthenticator | None = None,
             *, instructor_view: bool = False) -> Lab:
    auth = AuthService(store, clock=clock, password_profile=passwords.CHEAP_FOR_TESTS_ONLY)
    return Lab(LoginApp(auth, phone=phone, instructor_view=instructor_view), auth, clock)


@pytest.fixture
def lab() -> Iterator[Lab]:
    """The app as a student meets it: the account panel shows the signed-in account only."""
    store = UserStore(":memory:")
    yield make_lab(store, FrozenClock(START))
    store.close()


@pytest.fixture
def teacher() -> Iterator[Lab]:
    """The app with the instructor's view on: the panel shows the typed account."""
    store = UserStore(":memory:")
    yield make_lab(store, FrozenClock(START), instructor_view=True)
    store.close()


@pytest.fixture
def enrolled(lab: Lab) -> tuple[Lab, tuple[str, ...]]:
    return lab, lab.enroll()


@pytest.fixture
def taught(teacher: Lab) -> tuple[Lab, tuple[str, ...]]:
    """Alice enrolled, in the instructor's view."""
    return teacher, teacher.enroll()


def html_text(value: str) -> str:
    return re.sub(r"<[^>]+>", " ", value)


# -- the happy path ------------------------------------------------------------------------


def test_a_new_app_invites_the_learner_to_register(lab: Lab) -> None:
    """Before any click the app says what to do and shows the server clock."""
    assert "Register an account" in html_text(lab.app.message.value)
    assert "Server clock: 2023-11-14 22:13:20 UTC" in lab.app.status_text
    assert lab.app.session is None


def test_the_display_has_a_short_stable_text_form(lab: Lab) -> None:
    """Its text/plain form has no live values (nbval compares it) and it shows as a widget."""
    bundle = lab.app._repr_mimebundle_()
    assert bundle["text/plain"] == "LoginApp " + FALLBACK
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert isinstance(lab.app, widgets.VBox)
    assert repr(lab.app) == "LoginApp(issuer='MFA Lab')"


def test_register_enroll_confirm_log_in_and_access_is_granted(lab: Lab) -> None:
    """The full happy path, by clicking buttons only."""
    assert lab.click("register", username="alice", password=PASSWORD).startswith(
        "Welcome, alice: your account is created."
    )
    assert lab.app.password.value == ""  # typed secrets do not linger
    assert "Scan the QR code" in lab.click("enroll", password=PASSWORD)
    assert lab.app.password.value == ""
    [(png, alt)] = images(lab.app.qr.value)
    assert png.startswith(PNG_MAGIC)
    grouped = re.search(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", lab.app.secret.value)
    assert grouped and grouped[0] in alt  # the QR code's text alternative: the secret
    assert "virtual phone scanned" in lab.click("scan")
    shown = lab.app.phone.code()
    assert f"{shown[:3]} {shown[3:]}" in lab.app.phone_screen.value
    assert "Enrollment confirmed" in lab.click("confirm", code=shown)
    assert lab.app.qr.value == "" and lab.app.secret.value == ""  # the seed is off screen
    lab.clock.advance(30)
    assert "Password accepted" in lab.log_in()
    answer = lab.click("verify", code=lab.app.phone.code())
    assert answer == "Access granted: welcome, alice (signed in with your app's code)."
    assert lab.app.session is not None and lab.app.session.method == "totp"
    assert "second factor on" in lab.app.status_text


def test_recovery_codes_are_shown_once_right_after_confirmation(lab: Lab) -> None:
    """Ten well-formed codes appear after confirming; the next click hides them for good."""
    codes = lab.enroll()
    assert len(codes) == 10 and all(recovery.looks_like(c) for c in codes)
    lab.click("register", username="alice", password=PASSWORD)  # any click at all
    assert lab.app.codes_on_screen == ()
    assert lab.app.recovery_codes.value == ""


def test_the_recovery_codes_are_on_screen_until_the_next_click(lab: Lab) -> None:
    lab.click("register", username="alice", password=PASSWORD)
    lab.click("enroll", password=PASSWORD)
    lab.click("scan")
    lab.click("confirm", code=lab.app.phone.code())
    for code in lab.app.codes_on_screen:
        assert code in lab.app.recovery_codes.value
    assert "shown only this once" in lab.app.recovery_codes.value


# -- refusals shown as "access denied" -----------------------------------------------------


def test_a_wrong_code_is_denied_with_the_reason(taught: tuple[Lab, tuple[str, ...]]) -> None:
    lab, _ = taught
    lab.log_in()
    right = lab.app.phone.code()
    answer = lab.click("verify", code=wrong_code(lab.app.phone))
    assert answer.startswith("Access denied: That code is not right")
    assert lab.app.session is None
    assert "failed codes in a row: 1" in lab.app.status_text
    assert lab.click("verify", code=right).startswith("Access granted")  # challenge lives on


def test_a_reused_code_is_refused(taught: tuple[Lab, tuple[str, ...]]) -> None:
    """The same code twice in one time step: the second login is refused as a replay."""
    lab, _ = taught
    lab.log_in()
    code = lab.app.phone.code()
    assert lab.click("verify", code=code).startswith("Access granted")
    lab.log_in()
    assert lab.click("verify", code=code) == (
        "Access denied: That code was already used: wait for your app to show a new one."
    )
    assert "code_reused" in lab.app.audit.value


def test_the_code_that_confirmed_enrollment_cannot_log_in(lab: Lab) -> None:
    """The confirming step counts as used (RFC 6238 §5.2)."""
    lab.click("register", username="alice", password=PASSWORD)
    lab.click("enroll", password=PASSWORD)
    lab.click("scan")
    code = lab.app.phone.code()
    lab.click("confirm", code=code)
    lab.log_in()
    assert "already used" in lab.click("verify", code=code)


def test_logging_in_before_enrollment_says_to_finish_it(lab: Lab) -> None:
    lab.click("register", username="alice", password=PASSWORD)
    assert "no second factor yet" in lab.log_in()


def test_a_wrong_password_gets_the_same_answer_as_an_unknown_user(lab: Lab) -> None:
    lab.enroll()
    wrong = lab.click("login", username="alice", password="not my password at all")
    unknown = lab.click("login", username="mallory", password=PASSWORD)
    assert wrong == unknown == "The username or password is not right."


# -- lockout and its countdown -------------------------------------------------------------


def fail_five_times(lab: Lab) -> str:
    lab.log_in()
    answer = ""
    for _ in range(5):
        answer = lab.click("verify", code=wrong_code(lab.app.phone))
    return answer


def test_a_lockout_is_shown_with_its_countdown(taught: tuple[Lab, tuple[str, ...]]) -> None:
    """Five wrong codes lock for 30 s; the countdown moves with the clock and a refresh."""
    lab, _ = taught
    fail_five_times(lab)
    assert "locked: try again in 30 s" in lab.app.status_text
    assert lab.click("verify", code=lab.app.phone.code()) == (
        "Access denied: Too many failed attempts: wait 30 s before trying again."
    )
    lab.clock.advance(12)
    assert lab.click("refresh") == "Still locked: try again in 18 s."
    assert "locked: try again in 18 s" in lab.app.status_text
    assert lab.app.locked_for == pytest.approx(18)
    lab.clock.advance(18)
    assert lab.click("refresh") == "The lock is over: you may try again."
    assert "locked" not in lab.app.status_text
    assert lab.click("verify", code=lab.app.phone.code()).startswith("Access granted")


def test_the_wait_button_moves_the_frozen_clock(taught: tuple[Lab, tuple[str, ...]]) -> None:
    lab, _ = taught
    fail_five_times(lab)
    before = lab.clock.now()
    assert lab.click("wait").startswith("The lock is over")
    assert lab.clock.now() == before + 30


def test_a_system_clock_app_has_no_wait_button() -> None:
    """Real time cannot be moved: the button is left out of the view."""
    with UserStore(":memory:") as store:
        auth = AuthService(store, clock=SystemClock(),
                           password_profile=passwords.CHEAP_FOR_TESTS_ONLY)
        app = LoginApp(auth)
        time_row = app.lab_controls
        assert app.refresh_button in time_row.children
        assert app.wait_button not in time_row.children
        assert "Real clock" in time_row.children[0].value
        assert "simulated" not in app.status_text
        app.wait_button.click()
        assert app.message_text == (
            "This app runs on the real clock, which the lab cannot move: wait for it.")


def test_the_lockout_shows_in_the_audit_panel(taught: tuple[Lab, tuple[str, ...]]) -> None:
    lab, _ = taught
    fail_five_times(lab)
    assert "lockout" in lab.app.audit.value
    assert "factor locked for 30 s" in lab.app.audit.value


def test_the_password_step_lock_is_counted_down_too(lab: Lab) -> None:
    lab.enroll()
    for _ in range(5):
        lab.click("login", password="not my password at all")
    assert lab.log_in() == "Too many failed attempts: wait 30 s before trying again."
    assert "locked: try again in 30 s" in lab.app.status_text
    lab.clock.advance(30)
    assert lab.click("refresh") == "The lock is over: you may try again."
    assert lab.log_in().startswith("Password accepted")


def test_a_lock_is_shown_for_its_own_account_only(lab: Lab) -> None:
    lab.enroll("alice")
    for _ in range(6):
        lab.click("login", password="not my password at all")
    assert "locked" in lab.app.status_text
    lab.click("refresh", username="bob")
    assert "locked" not in lab.app.status_text
    lab.click("refresh", username="ALICE")  # the same account, once normalized
    assert "locked: try again in 30 s" in lab.app.status_text


# -- recovery codes --------------------------------------------------------------------------


def test_a_recovery_code_works_once(enrolled: tuple[Lab, tuple[str, ...]]) -> None:
    lab, codes = enrolled
    lab.log_in()
    answer = lab.click("recovery", code=codes[0].lower())  # case and hyphens are ignored
    assert answer.startswith("Access granted: welcome, alice (signed in with a recovery code).")
    assert "9 left" in answer
    assert lab.app.session is not None and lab.app.session.method == "recovery code"
    lab.log_in()
    assert lab.click("recovery", code=codes[0]) == (
        "Access denied: That recovery code is not right, or it was already used."
    )
    assert lab.click("recovery", code=codes[1]).startswith("Access granted")
    assert "recovery codes left: 8" in lab.app.status_text


def test_a_throttle_lock_refuses_recovery_codes_too(
    enrolled: tuple[Lab, tuple[str, ...]],
) -> None:
    """Locked out by the throttle: wait it out, then a recovery code works."""
    lab, codes = enrolled
    fail_five_times(lab)
    assert lab.click("recovery", code=codes[0]).startswith("Access denied: Too many failed")
    lab.clock.advance(30)
    assert lab.click("recovery", code=codes[0]).startswith("Access granted")


def test_a_new_phone_needs_a_recovery_code_to_replace_the_old_one(
    enrolled: tuple[Lab, tuple[str, ...]],
) -> None:
    """Re-enrollment asks for the password and a code (ASVS 5.0 7.5.1)."""
    lab, codes = enrolled
    assert "already has a second factor" in lab.click("enroll", password=PASSWORD, code="")
    assert "Scan the QR code" in lab.click("enroll", password=PASSWORD, code=codes[2])
    new_phone = VirtualAuthenticator(clock=lab.clock)
    lab.app.phone = new_phone
    lab.click("scan")
    assert "Enrollment confirmed" in lab.click("confirm", code=new_phone.code())


# -- bad input gets a friendly message ------------------------------------------------------


@pytest.mark.parametrize(
    ("button", "expected"),
    [
        ("register", "Type a username first."),
        ("enroll", "Type your username first."),
        ("login", "Type your username first."),
        ("confirm", "There is no enrollment on screen: press 'Set up my phone' first."),
    ],
)
def test_empty_fields_are_asked_for_kindly(lab: Lab, button: str, expected: str) -> None:
    assert lab.click(button, username="", password="", code="") == expected


def test_an_empty_password_or_code_is_asked_for_kindly(
    taught: tuple[Lab, tuple[str, ...]],
) -> None:
    lab, _ = taught
    assert lab.click("login", password="") == "Type your password first."
    lab.log_in()
    assert lab.click("verify", code="") == "Type the code from your app first."
    assert lab.click("recovery", code="") == "Type one of your recovery codes first."
    assert "failed codes" not in lab.app.status_text  # an empty click is not an attempt


def test_the_second_factor_needs_a_login_first(enrolled: tuple[Lab, tuple[str, ...]]) -> None:
    lab, codes = enrolled
    assert lab.click("verify", code="123456") == "Log in with your username and password first."
    assert lab.click("recovery", code=codes[0]) == (
        "Log in with your username and password first."
    )


def test_scanning_without_a_qr_code_on_screen_says_what_to_do(lab: Lab) -> None:
    assert lab.click("scan") == "There is no QR code on screen: press 'Set up my phone' first."


def test_a_weak_password_lists_every_reason_kindly(lab: Lab) -> None:
    answer = lab.click("register", username="alice", password="alice")
    assert answer.startswith("Please choose another password:")
    assert "at least 8 characters" in answer
    assert "cannot be the same as 'alice'" in answer
    assert lab.app.message.value.count("<li>") == 2  # one item per reason, none twice
    assert "random words" in lab.app.message.value
    lab.click("login", password="alice")
    assert lab.app.message_text == "The username or password is not right."  # no account


@pytest.mark.parametrize(
    ("fields", "button", "expected"),
    [
        ({"username": HUGE, "password": PASSWORD}, "register", "at most 64 characters"),
        ({"username": "alice", "password": HUGE}, "register", "at most 1,024 characters"),
        ({"username": HUGE, "password": PASSWORD}, "login", "at most 64 characters"),
        ({"username": "bob", "password": HUGE}, "login", "The username or password is not"),
    ],
)
def test_a_huge_paste_in_a_field_gets_a_friendly_answer(
    lab: Lab, fields: dict[str, str], button: str, expected: str
) -> None:
    assert expected in lab.click(button, **fields)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (HUGE, "That is far too long for a code: a code has 6 digits."),
        ("12345a", "A code is exactly 6 digits 0–9, like '123456'."),
        ("abcdef", "A code is exactly 6 digits 0–9, like '123456'."),
        ("１２３４５６", "A code is exactly 6 digits 0–9, like '123456'."),  # fullwidth
        ("12345", "A code is exactly 6 digits 0–9, like '123456'."),
    ],
)
def test_a_malformed_code_is_denied_kindly(
    enrolled: tuple[Lab, tuple[str, ...]], typed: str, expected: str
) -> None:
    lab, _ = enrolled
    lab.log_in()
    assert lab.click("verify", code=typed) == "Access denied: " + expected


def test_a_malformed_code_at_confirmation_is_explained(lab: Lab) -> None:
    lab.click("register", username="alice", password=PASSWORD)
    lab.click("enroll", password=PASSWORD)
    assert lab.click("confirm", code="letters") == "A code is exactly 6 digits 0–9, like '123456'."
    assert lab.click("confirm", code=HUGE).startswith("That is far too long for a code")


def test_a_huge_paste_as_a_recovery_code_is_denied_kindly(
    enrolled: tuple[Lab, tuple[str, ...]],
) -> None:
    lab, _ = enrolled
    lab.log_in()
    assert lab.click("recovery", code=HUGE) == (
        "Access denied: That is far too long for a recovery code."
    )


def test_a_bug_is_not_turned_into_a_message(
    enrolled: tuple[Lab, tuple[str, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the package's refusals (AuthError) become messages: a bug in our code fails
    loudly (a test, or the notebook's log), never "that input cannot be used"."""
    lab, _ = enrolled
    lab.log_in()

    def broken(*_args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(lab.auth, "verify", broken)
    with pytest.raises(RuntimeError, match="boom"):
        lab.click("verify", code="123456")
    assert "cannot be used here" not in lab.app.message.value


def test_a_failing_service_is_not_hidden_behind_the_status_line(
    taught: tuple[Lab, tuple[str, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    lab, _ = taught

    def broken(*_args: object) -> None:
        raise RuntimeError("the database is on fire")

    monkeypatch.setattr(lab.auth, "status", broken)
    with pytest.raises(RuntimeError, match="fire"):
        lab.click("refresh")


# -- persistence ---------------------------------------------------------------------------


def test_accounts_survive_a_restart_of_the_service(tmp_path: Path) -> None:
    """A new AuthService on the same SQLite file knows the account, its seed and its log."""
    path = tmp_path / "users.db"
    clock = FrozenClock(START)
    store = UserStore(path)
    first = make_lab(store, clock)
    first.enroll()
    store.close()

    store = UserStore(path)  # the "restarted" service: same file, same key file beside it
    second = make_lab(store, clock, phone=first.app.phone)
    assert second.click("login", username="alice", password=PASSWORD).startswith(
        "Password accepted"
    )
    assert second.click("verify", code=second.app.phone.code()).startswith("Access granted")
    events = [e.event for e in second.auth.audit_log("alice")]
    assert events[0] == "registered"
    assert "enrollment_confirmed" in events
    store.close()


def test_the_lesson_helpers_are_still_importable_from_the_login_app() -> None:
    """Lesson 06 imports them from here; they live in mfalab.lab now."""
    from mfalab import lab as helpers
    from mfalab.widgets import login_app

    for name in ("event_counts", "simulate_attack", "wrong_code"):
        assert getattr(login_app, name) is getattr(helpers, name)
