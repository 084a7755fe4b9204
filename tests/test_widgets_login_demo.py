"""The lesson 00 login demo: both factors needed, refusals shown as sentences."""

from __future__ import annotations

import pytest

from mfalab import (
    AuthService,
    LabClock,
    SystemClock,
    UserStore,
    VirtualAuthenticator,
    lab,
    passwords,
    throttle,
)
from mfalab.widgets.login_demo import LoginDemo

from .widget_support import FALLBACK, press_enter

PASSWORD = "violet anchor tundra 58"


@pytest.fixture
def demo() -> LoginDemo:
    account = lab.enrolled_account(password_profile=passwords.CHEAP_FOR_TESTS_ONLY)
    return LoginDemo(account.auth, account.phone)


def test_phone_screen_shows_the_current_code(demo: LoginDemo) -> None:
    """The phone panel shows the account and the code the phone shows now."""
    code = demo.phone.code()
    assert f"{code[:3]} {code[3:]}" in demo.screen.value
    assert "MFA Lab (alice)" in demo.screen.value


def test_right_password_and_code_grant_access(demo: LoginDemo) -> None:
    """The right password and the phone's code give 'Access granted'."""
    demo.password.value = PASSWORD
    demo.code.value = demo.phone.code()
    demo.button.click()
    assert "Access granted: welcome, alice" in demo.result.value
    assert demo.code.value == ""


def test_wrong_code_is_denied(demo: LoginDemo) -> None:
    """A wrong code is refused with the service's sentence."""
    demo.password.value = PASSWORD
    demo.code.value = "000000" if demo.phone.code() != "000000" else "111111"
    demo.button.click()
    assert "access denied" in demo.result.value
    assert "not right" in demo.result.value


def test_wrong_password_is_denied_without_saying_which(demo: LoginDemo) -> None:
    """A wrong password gives the same sentence as an unknown user."""
    demo.password.value = "violet anchor tundra 85"
    demo.code.value = demo.phone.code()
    demo.button.click()
    assert "Access denied: The username or password is not right." in demo.result.value


@pytest.mark.parametrize("code", ["", "   ", "abcdef", "1" * 100_000, "１２３４５６"],
                         ids=["empty", "spaces", "letters", "huge", "fullwidth"])
def test_bad_codes_are_friendly(demo: LoginDemo, code: str) -> None:
    """Empty, letters, a 100 000-character paste or fullwidth digits: a sentence, no traceback."""
    demo.password.value = PASSWORD
    demo.code.value = code
    demo.button.click()
    assert "mfalab-message" in demo.result.value
    assert "Access granted" not in demo.result.value
    assert "Traceback" not in demo.result.value


def test_empty_password_asks_for_both_factors(demo: LoginDemo) -> None:
    """Without a password the form asks for both factors and calls nothing."""
    demo.code.value = demo.phone.code()
    demo.button.click()
    assert "Both factors are needed" in demo.result.value


def test_same_code_twice_is_refused_until_the_clock_moves(demo: LoginDemo) -> None:
    """A code works once; after 'Wait 30 s' the phone's new code works again."""
    code = demo.phone.code()
    demo.password.value = PASSWORD
    demo.code.value = code
    demo.button.click()
    demo.code.value = code
    demo.button.click()
    assert "already used" in demo.result.value
    demo.wait.click()
    assert demo.phone.code() != code
    demo.code.value = demo.phone.code()
    demo.button.click()
    assert "Access granted" in demo.result.value


def test_empty_phone_says_so() -> None:
    """A phone that scanned nothing shows a kind message instead of a code."""
    auth = AuthService(UserStore(":memory:"), clock=SystemClock(),
                       password_profile=passwords.CHEAP_FOR_TESTS_ONLY)
    demo = LoginDemo(auth, VirtualAuthenticator(clock=SystemClock()))
    assert "scan an enrollment QR code first" in demo.screen.value
    assert demo.wait.layout.display == "none"
    assert repr(demo) == "LoginDemo()"


@pytest.mark.parametrize("field", ["username", "password", "code"])
def test_enter_in_any_field_logs_in(demo: LoginDemo, field: str) -> None:
    demo.password.value = PASSWORD
    demo.code.value = demo.phone.code()
    press_enter(getattr(demo, field))
    assert "Access granted: welcome, alice" in demo.result.value


def test_the_wait_button_says_the_clock_is_simulated() -> None:
    """On a real clock the lab can move (LabClock) the tooltip does not say 'frozen'."""
    with UserStore(":memory:") as store:
        auth = AuthService(store, clock=LabClock(),
                           password_profile=passwords.CHEAP_FOR_TESTS_ONLY)
        demo = LoginDemo(auth, VirtualAuthenticator(clock=auth.clock))
        assert demo.wait.layout.display is None
        assert "simulated clock" in demo.wait.tooltip
        assert "frozen" not in demo.wait.tooltip


def test_a_lock_message_goes_when_the_wait_ends_the_lock(demo: LoginDemo) -> None:
    demo.password.value = PASSWORD
    for _ in range(throttle.LOCK_AFTER + 1):
        demo.code.value = "abcdef"
        demo.button.click()
    assert "wait 30 s" in demo.result.value
    demo.wait.click()
    assert "wait 30 s" not in demo.result.value
    assert "The lock is over" in demo.result.value


def test_a_bug_in_the_service_is_not_hidden(
    demo: LoginDemo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the package's refusals become 'access denied'; a bug fails loudly."""

    def broken(*_args: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(demo.auth, "verify", broken)
    demo.password.value = PASSWORD
    demo.code.value = demo.phone.code()
    with pytest.raises(RuntimeError, match="a bug"):
        demo.button.click()


def test_the_demo_saves_the_fallback_text(demo: LoginDemo) -> None:
    assert demo._repr_mimebundle_()["text/plain"] == "LoginDemo " + FALLBACK
