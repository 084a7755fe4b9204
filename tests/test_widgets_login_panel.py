"""The login app's account panel, and what the app shows an anonymous caller: nothing.

A widget never reveals what the service would not tell an anonymous caller (issue 11,
item 4): the panel shows the signed-in account only, or — switched on by a lesson and
labelled — the instructor's view. Also: the app passes what was typed to the service
unchanged, offers fresh recovery codes after a recovery-code login, submits on Enter,
labels its clock as simulated, and never leaves a stale lock or "codes below" message.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mfalab import AuthService, FrozenClock, UserStore, passwords, throttle
from mfalab.widgets.login_app import LoginApp, wrong_code
from mfalab.widgets.login_panel import INSTRUCTOR_NOTE

from .test_widgets_login_app import PASSWORD, START, Lab, make_lab
from .widget_support import press_enter, text_of


@pytest.fixture
def lab() -> Iterator[Lab]:
    store = UserStore(":memory:")
    yield make_lab(store, FrozenClock(START))
    store.close()


@pytest.fixture
def alice(lab: Lab) -> tuple[Lab, tuple[str, ...]]:
    """Alice, enrolled through the app (the clock moved past the confirming step)."""
    return lab, lab.enroll()


def panel(lab: Lab) -> str:
    """Everything the account panel shows: status line and audit trail."""
    return lab.app.status_text + " " + text_of(lab.app.status.value + lab.app.audit.value)


# -- an anonymous caller learns nothing about any account ---------------------------------


@pytest.mark.parametrize("password", ["", "not my password at all"], ids=["none", "wrong"])
def test_a_username_without_the_password_shows_nothing_of_the_account(
    alice: tuple[Lab, tuple[str, ...]], password: str
) -> None:
    """Typing alice with no password, or a wrong one, shows nothing about her account."""
    lab, _ = alice
    lab.click("refresh", username="alice", password=password)
    if password:
        lab.click("login", password=password)
    shown = panel(lab)
    for fact in ("alice", "second factor", "recovery codes", "failed", "audit log",
                 "registered", "enrollment", "locked"):
        assert fact not in shown, fact
    assert lab.app.audit.value == ""
    assert "sign in to see your account's state" in lab.app.status_text


def test_a_wrong_password_looks_exactly_like_an_unknown_user(
    alice: tuple[Lab, tuple[str, ...]],
) -> None:
    """Everything on screen is the same for alice (wrong password) and for nobody."""

    def screen(name: str) -> tuple[str, str, str, str]:
        lab.click("login", username=name, password="not my password at all")
        return (lab.app.message.value, lab.app.status.value, lab.app.audit.value,
                lab.app.phone_screen.value + lab.app.recovery_codes.value)

    lab, _ = alice
    lab.app.phone.accounts.clear()  # the attacker's own screen: no phone of alice's
    assert screen("alice") == screen("mallory")


def test_the_password_step_alone_shows_nothing_either(
    alice: tuple[Lab, tuple[str, ...]],
) -> None:
    """After the password, before the code, the caller is not signed in yet."""
    lab, _ = alice
    lab.log_in()
    lab.click("verify", code=wrong_code(lab.app.phone))
    assert "failed codes" not in panel(lab)
    assert lab.app.audit.value == ""


def test_the_signed_in_owner_sees_her_own_account_only(
    alice: tuple[Lab, tuple[str, ...]],
) -> None:
    lab, _ = alice
    lab.log_in()
    lab.click("verify", code=lab.app.phone.code())
    assert "Signed in as alice: second factor on · recovery codes left: 10" in lab.app.status_text
    assert "Audit log of your account (alice)" in lab.app.audit.value
    assert "code_accepted" in lab.app.audit.value
    lab.app.auth.register("bob", PASSWORD)
    lab.click("refresh", username="bob")  # another name typed: still alice's panel only
    assert "bob" not in panel(lab)
    assert "Signed in as alice" in lab.app.status_text


def test_signing_out_hides_the_panel_and_ends_the_session(
    alice: tuple[Lab, tuple[str, ...]],
) -> None:
    lab, _ = alice
    lab.log_in()
    lab.click("verify", code=lab.app.phone.code())
    session = lab.app.session
    assert session is not None and lab.app.logout_button.layout.display is None
    assert lab.click("logout") == "You are signed out."
    assert lab.app.session is None
    assert "alice" not in panel(lab)
    assert lab.app.logout_button.layout.display == "none"
    with pytest.raises(Exception, match="signed out"):
        lab.auth.session(session.token)


def test_a_session_ended_elsewhere_hides_the_panel(alice: tuple[Lab, tuple[str, ...]]) -> None:
    lab, _ = alice
    lab.log_in()
    lab.click("verify", code=lab.app.phone.code())
    assert lab.app.session is not None
    lab.auth.logout(lab.app.session)  # revoked server-side (another tab, an admin)
    lab.click("refresh")
    assert lab.app.session is None
    assert "alice" not in panel(lab)


def test_the_instructors_view_is_labelled_as_such() -> None:
    with UserStore(":memory:") as store:
        lab = make_lab(store, FrozenClock(START), instructor_view=True)
        lab.enroll()
        lab.click("refresh", username="alice", password="")
        assert lab.app.status_text.startswith("Instructor's view · Server clock:")
        assert "alice: second factor on · recovery codes left: 10" in lab.app.status_text
        assert INSTRUCTOR_NOTE in text_of(lab.app.status.value)
        assert "Instructor's view: audit log of alice" in text_of(lab.app.audit.value)


def test_the_instructors_view_is_off_unless_asked_for(lab: Lab) -> None:
    assert lab.app.instructor_view is False
    assert "Instructor" not in lab.app.status.value


# -- what was typed goes to the service unchanged -------------------------------------------


@pytest.mark.parametrize("space", ["\u00a0", "\u2003", "\u3000"], ids=["nbsp", "em", "ideo"])
def test_a_code_for_re_enrollment_is_passed_as_typed(
    alice: tuple[Lab, tuple[str, ...]], space: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No Unicode whitespace is stripped by the app: the service judges, and refuses."""
    lab, _ = alice
    seen: list[object] = []
    begin = lab.auth.begin_enrollment

    def spy(name: str, password: str, code: str | None = None) -> object:
        seen.append(code)
        return begin(name, password, code=code)

    monkeypatch.setattr(lab.auth, "begin_enrollment", spy)
    typed = space + lab.app.phone.code() + space
    answer = lab.click("enroll", password=PASSWORD, code=typed)
    assert seen == [typed]
    assert answer == "A code is exactly 6 digits 0–9, like '123456'."
    assert lab.app.qr.value == ""  # no new QR code for a code the service refused


def test_ascii_spaces_are_the_services_to_remove(alice: tuple[Lab, tuple[str, ...]]) -> None:
    lab, _ = alice
    code = lab.app.phone.code()
    assert "Scan the QR code" in lab.click("enroll", password=PASSWORD,
                                           code=f" {code[:3]} {code[3:]} ")


# -- after a recovery code: say so, offer a fresh set ---------------------------------------


def test_a_recovery_code_login_offers_a_fresh_set(alice: tuple[Lab, tuple[str, ...]]) -> None:
    lab, old = alice
    assert lab.app.new_codes_button.layout.display == "none"
    lab.log_in()
    answer = lab.click("recovery", code=old[0])
    assert "That recovery code is now used up; 9 left." in answer
    assert "Get a fresh set of recovery codes" in answer
    assert lab.app.new_codes_button.layout.display is None
    answer = lab.click("new_codes")
    assert answer == "Here are 10 new recovery codes: the old ones no longer work."
    fresh = lab.app.codes_on_screen
    assert len(fresh) == 10 and set(fresh).isdisjoint(old)
    assert all(code in lab.app.recovery_codes.value for code in fresh)
    assert lab.app.new_codes_button.layout.display == "none"
    assert "recovery codes left: 10" in lab.app.status_text
    lab.log_in()
    assert lab.click("recovery", code=old[1]).startswith("Access denied")  # the old set
    assert lab.click("recovery", code=fresh[0]).startswith("Access granted")


def test_a_fresh_set_needs_a_fresh_login(alice: tuple[Lab, tuple[str, ...]]) -> None:
    lab, old = alice
    lab.log_in()
    lab.click("recovery", code=old[0])
    lab.clock.advance(6 * 60)
    answer = lab.click("new_codes")
    assert answer.startswith("This step needs a fresh login")
    assert lab.app.codes_on_screen == ()


def test_a_phone_code_login_offers_no_new_codes(alice: tuple[Lab, tuple[str, ...]]) -> None:
    lab, _ = alice
    lab.log_in()
    lab.click("verify", code=lab.app.phone.code())
    assert lab.app.new_codes_button.layout.display == "none"


# -- Enter submits ---------------------------------------------------------------------------


def test_enter_logs_in_and_then_checks_the_code(alice: tuple[Lab, tuple[str, ...]]) -> None:
    lab, _ = alice
    lab.fill(username="alice", password=PASSWORD)
    press_enter(lab.app.password)
    assert lab.app.message_text.startswith("Password accepted")
    lab.fill(code=lab.app.phone.code())
    press_enter(lab.app.code)
    assert lab.app.message_text.startswith("Access granted")


def test_enter_in_the_code_field_confirms_a_pending_enrollment(lab: Lab) -> None:
    lab.click("register", username="alice", password=PASSWORD)
    lab.click("enroll", password=PASSWORD)
    lab.click("scan")
    lab.fill(code=lab.app.phone.code())
    press_enter(lab.app.code)
    assert lab.app.message_text.startswith("Enrollment confirmed")


def test_enter_in_the_username_field_logs_in(alice: tuple[Lab, tuple[str, ...]]) -> None:
    lab, _ = alice
    lab.fill(username="alice", password=PASSWORD)
    press_enter(lab.app.username)
    assert lab.app.message_text.startswith("Password accepted")


# -- the clock, the lock, and messages that would go stale ----------------------------------


def test_the_lab_controls_say_the_clock_is_simulated(lab: Lab) -> None:
    assert "simulated clock" in lab.app.lab_controls.children[0].value
    assert "simulated clock" in lab.app.wait_button.tooltip
    assert "frozen" not in lab.app.wait_button.tooltip
    assert "(simulated: the lab controls move it)" in lab.app.status_text
    assert lab.click("wait") == "30 seconds passed on the lab's simulated clock."


def test_a_lock_the_service_announced_is_counted_down_and_then_cleared(
    alice: tuple[Lab, tuple[str, ...]],
) -> None:
    """The lock the service told this caller about (TooManyAttempts) is shown; once the
    simulated wait ends it, the message says so instead of "wait 30 s"."""
    lab, _ = alice
    lab.log_in()
    for _ in range(throttle.LOCK_AFTER):
        lab.click("verify", code=wrong_code(lab.app.phone))
    assert "locked" not in lab.app.status_text  # not told yet: the 5th is just "not right"
    answer = lab.click("verify", code=lab.app.phone.code())
    assert answer == "Access denied: Too many failed attempts: wait 30 s before trying again."
    assert "🔒 locked: try again in 30 s" in lab.app.status_text
    assert lab.click("wait") == "The lock is over: you may try again."
    assert "wait 30 s" not in lab.app.message.value


def test_a_lock_message_is_replaced_when_any_refresh_finds_it_over(
    alice: tuple[Lab, tuple[str, ...]],
) -> None:
    lab, _ = alice
    for _ in range(throttle.LOCK_AFTER + 1):
        lab.click("login", username="alice", password="not my password at all")
    assert "wait 30 s" in lab.app.message_text
    lab.clock.advance(30)
    lab.click("scan")  # any click redraws: the old lock message does not linger
    assert "wait 30 s" not in lab.app.message.value


def test_no_message_points_at_codes_that_are_gone(lab: Lab) -> None:
    """The instruction to save the codes sits with the codes, and goes with them."""
    lab.enroll()
    assert "below" not in lab.app.message_text
    lab.click("refresh")
    assert lab.app.recovery_codes.value == ""
    assert "recovery codes" not in lab.app.message_text.lower()


def test_messages_are_announced_to_screen_readers(lab: Lab) -> None:
    assert 'role="status"' in lab.app.message.value
    lab.click("register", username="alice", password="alice")  # a list of reasons
    assert lab.app.message.value.startswith('<div role="status" aria-live="polite">')
    assert lab.app.message.value.count('role="status"') == 1


def test_no_seed_is_left_in_the_widget_state_once_confirmed(lab: Lab) -> None:
    """The QR code and the secret are shown while enrolling, and gone after."""
    lab.click("register", username="alice", password=PASSWORD)
    lab.click("enroll", password=PASSWORD)
    assert lab.app._enrollment is not None
    secret = lab.app._enrollment.secret
    lab.click("scan")
    lab.click("confirm", code=lab.app.phone.code())
    lab.click("refresh")

    def states(widget: object) -> str:
        children = getattr(widget, "children", ())
        return str(widget.get_state()) + "".join(states(c) for c in children)  # type: ignore[attr-defined]

    everything = states(lab.app)
    assert secret not in everything
    assert secret[:4] + " " + secret[4:8] not in everything


def test_an_app_on_a_service_with_8_digit_codes_asks_for_8() -> None:
    with UserStore(":memory:") as store:
        auth = AuthService(store, clock=FrozenClock(START), digits=8,
                           password_profile=passwords.CHEAP_FOR_TESTS_ONLY)
        app = LoginApp(auth)
        app.username.value, app.password.value = "alice", PASSWORD
        app.register_button.click()
        app.password.value = PASSWORD
        app.enroll_button.click()
        assert "type the 8-digit code" in app.message_text
        assert "8 digits" in app.secret.value


def test_a_refused_recovery_code_does_not_linger_in_the_field(
    alice: tuple[Lab, tuple[str, ...]],
) -> None:
    """Even when re-enrollment is refused (here: locked), the typed code leaves the field."""
    lab, codes = alice
    for _ in range(throttle.LOCK_AFTER):
        lab.click("enroll", password=PASSWORD, code="abcdef")
    answer = lab.click("enroll", password=PASSWORD, code=codes[0])
    assert answer.startswith("Too many failed attempts")
    assert lab.app.code.value == ""
