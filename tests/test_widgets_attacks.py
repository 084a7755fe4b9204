"""Lesson 05's widgets: the verifier inspector and the brute-force simulator."""

from __future__ import annotations

import pytest

from mfalab import AuthService, FrozenClock, UserStore, lab, passwords, throttle
from mfalab.errors import InvalidCode
from mfalab.events import Check
from mfalab.widgets import attacks
from mfalab.widgets.attacks import BruteForceSimulator, VerifierInspector

from .widget_support import FALLBACK, images, press_enter, text_of


@pytest.fixture
def inspector() -> VerifierInspector:
    return VerifierInspector(password_profile=passwords.CHEAP_FOR_TESTS_ONLY)


def check(inspector: VerifierInspector, code: str) -> str:
    inspector.code.value = code
    inspector.check_button.click()
    value: str = inspector.result.value
    return value


def test_the_phones_code_passes_every_step(inspector: VerifierInspector) -> None:
    """The phone's current code passes the whole checklist and signs in."""
    inspector.phone_button.click()
    result = check(inspector, inspector.code.value)
    assert "Signed in" in result
    assert "⛔" not in result
    assert "code_accepted: time step offset +0" in result


def test_a_replayed_code_fails_the_replay_step(inspector: VerifierInspector) -> None:
    """The same code twice in one step: the second is refused as a replay (CodeReused)."""
    inspector.phone_button.click()
    code = inspector.code.value
    check(inspector, code)
    result = check(inspector, code)
    assert "Refused (CodeReused)" in result
    assert "already used" in result
    assert "code_reused" in result


def test_the_fullwidth_twin_of_a_used_code_fails_the_shape_step(
    inspector: VerifierInspector,
) -> None:
    """A used code retyped in fullwidth digits is not a new code: it is not a code at all."""
    inspector.phone_button.click()
    check(inspector, inspector.code.value)
    inspector.fullwidth_button.click()
    result = check(inspector, inspector.code.value)
    assert "Refused (InvalidCode)" in result
    assert "exactly 6 digits" in result
    assert "code_malformed" in result
    assert "not reached" in result


def test_arabic_indic_digits_are_refused_as_malformed(inspector: VerifierInspector) -> None:
    """Arabic-Indic digits (which int() accepts) are refused at the shape step."""
    inspector.phone_button.click()
    inspector.arabic_button.click()
    assert "code_malformed" in check(inspector, inspector.code.value)


def test_ascii_spaces_are_allowed(inspector: VerifierInspector) -> None:
    """'123 456' is the code 123456: only ASCII spaces are removed."""
    inspector.phone_button.click()
    code = inspector.code.value
    assert "Signed in" in check(inspector, f"{code[:3]} {code[3:]}")


def test_a_wrong_code_fails_the_window_step(inspector: VerifierInspector) -> None:
    """A well-formed code that is not the phone's fails the window step."""
    totp = inspector.phone.accounts[-1].totp
    now = inspector.auth.clock.now()
    window_codes = {totp.at(now + 30 * offset) for offset in (-1, 0, 1)}
    wrong = next(c for c in ("000000", "111111", "222222", "333333") if c not in window_codes)
    result = check(inspector, wrong)
    assert "code_rejected" in result
    assert "not right" in result


@pytest.mark.parametrize(
    "typed", ["abcdef", "12345", "+12345", "123456\n", "9" * 100_000], ids=repr
)
def test_bad_input_shows_a_friendly_message(inspector: VerifierInspector, typed: str) -> None:
    """Letters, short codes, signs, newlines and huge pastes are refused in words."""
    result = check(inspector, typed)
    assert "Refused (InvalidCode)" in result
    assert "Traceback" not in result
    assert len(result) < 5_000


def test_an_empty_field_asks_for_a_code(inspector: VerifierInspector) -> None:
    """Pressing Check with nothing typed asks for a code and counts nothing."""
    result = check(inspector, "")
    assert "Type a code first" in result
    assert inspector.auth.status("alice").failures == 0


def test_the_fifth_failure_locks_even_the_right_code_out(inspector: VerifierInspector) -> None:
    """After 5 failures the throttle step refuses even the phone's right code."""
    for _ in range(5):
        check(inspector, "abcdef")
    inspector.phone_button.click()
    result = check(inspector, inspector.code.value)
    assert "Refused (TooManyAttempts)" in result
    assert "wait 30 s" in result
    assert "locked for 30 s" in inspector.clock_line.value


def test_waiting_moves_the_frozen_clock_on(inspector: VerifierInspector) -> None:
    """'Wait 30 s' advances the server's clock one step, so a new code can be used."""
    inspector.phone_button.click()
    first = inspector.code.value
    check(inspector, first)
    inspector.wait_button.click()
    inspector.phone_button.click()
    assert "Signed in" in check(inspector, inspector.code.value)


def test_the_simulator_widget_runs_and_fills_its_bar() -> None:
    """Clicking Run fills the progress bar and shows the report and a plot."""
    simulator = BruteForceSimulator(days=5)
    simulator.run_button.click()
    assert simulator.progress.value == 1.0
    assert "100 attempts" in simulator.report.value
    assert "switched off" in simulator.report.value
    assert images(simulator.picture.value)[0][0].startswith(b"\x89PNG")
    assert repr(simulator) == "BruteForceSimulator(days=5, window=±1, cap=True)"


def test_the_inspector_repr_is_stable(inspector: VerifierInspector) -> None:
    """The text repr (compared by nbval) is short and holds no memory address."""
    assert repr(inspector) == "VerifierInspector(account='alice')"


def test_lesson_05_solutions_give_the_expected_answers(capsys: pytest.CaptureFixture[str]) -> None:
    """The loadable solutions of lesson 05 compute what its check cells accept."""
    import runpy
    from pathlib import Path

    folder = Path(__file__).parent.parent / "notebooks" / "solutions"
    first = runpy.run_path(str(folder / "05_exercise1.py"))
    second = runpy.run_path(str(folder / "05_exercise2.py"))
    from mfalab.exercises import check

    assert first["answer_1"] == {"123456", "123 456", " 123456"}
    assert check("05.2", second).correct
    capsys.readouterr()



def test_enter_in_the_code_field_checks_it(inspector: VerifierInspector) -> None:
    inspector.phone_button.click()
    press_enter(inspector.code)
    assert "Signed in" in inspector.result.value


def test_the_refused_step_comes_from_the_refusals_check(
    inspector: VerifierInspector, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The row that refused is the one the error's `check` names (the audit log is not read
    to find it): here a refusal that claims the replay check, with no audit row at all."""

    def refuse(*_args: object) -> None:
        raise InvalidCode("refused for the test", Check.REPLAY)

    monkeypatch.setattr(inspector.auth, "verify", refuse)
    text = text_of(check(inspector, "123456"))
    assert "✅ passed Throttle" in text and "✅ passed Shape" in text
    assert "✅ passed Window" in text
    assert "⛔ refused Replay (RFC 6238 §5.2) that time step was already used" in text
    assert "refused for the test" in text
    assert "not reached" not in text


def test_a_lock_is_not_shown_as_a_failed_not_locked(inspector: VerifierInspector) -> None:
    """When the throttle refuses, its row says it is locked (never 'not locked', refused)."""
    for _ in range(throttle.LOCK_AFTER):
        check(inspector, "abcdef")
    inspector.phone_button.click()
    text = text_of(check(inspector, inspector.code.value))
    assert "⛔ refused Throttle (NIST SP 800-63B-4 §3.2.2) locked (or switched off)" in text
    assert "not locked" not in text
    assert text.count("not reached") == 3


def test_the_lock_message_goes_when_the_wait_ends_it(inspector: VerifierInspector) -> None:
    """After 'Wait 30 s' ends the lock, the result no longer says to wait."""
    for _ in range(throttle.LOCK_AFTER + 1):
        check(inspector, "abcdef")
    assert "wait 30 s" in inspector.result.value
    inspector.wait_button.click()
    assert "wait 30 s" not in inspector.result.value
    assert "The lock is over" in inspector.result.value


def test_the_checklist_states_the_services_digits() -> None:
    """On an 8-digit service the shape step says 8 digits, not 6."""
    clock = FrozenClock(lab.EXAMPLE_START)
    with UserStore(":memory:") as store:
        auth = AuthService(store, clock=clock, digits=8,
                           password_profile=passwords.CHEAP_FOR_TESTS_ONLY)
        account = lab.enrolled_account(auth)
        inspector = VerifierInspector(auth, account.phone)
        result = check(inspector, "12345678x")
        assert "not exactly 8 ASCII digits" in result
        inspector.phone_button.click()
        assert "exactly 8 ASCII digits once spaces are removed" in check(
            inspector, inspector.code.value)


def test_the_clock_line_states_when_a_lock_starts(inspector: VerifierInspector) -> None:
    assert f"a lock starts at {throttle.LOCK_AFTER}" in inspector.clock_line.value


def test_inspector_and_simulator_save_the_same_text_form(inspector: VerifierInspector) -> None:
    for widget in (inspector, BruteForceSimulator(days=1)):
        assert widget._repr_mimebundle_()["text/plain"] == f"{type(widget).__name__} {FALLBACK}"


def test_the_cap_checkbox_states_the_cap_and_is_not_cut_off() -> None:
    simulator = BruteForceSimulator()
    assert str(throttle.DISABLE_AFTER) in simulator.cap_box.description
    assert simulator.cap_box.layout.width == "auto"
    assert f"after {throttle.LOCK_AFTER} failures" in simulator.report.value


def test_the_plot_has_a_text_alternative_and_a_caption() -> None:
    simulator = BruteForceSimulator(days=1)
    report = simulator.run()
    assert report is not None
    [(picture, alt)] = images(simulator.picture.value)
    assert picture.startswith(b"\x89PNG")
    assert alt == report.summary()
    assert "<figcaption" in simulator.picture.value
    assert "What the plot shows: the guesses made" in simulator.picture.value
    assert "1 simulated day " in simulator.report.value


def test_the_simulations_are_still_importable_from_the_widget_module() -> None:
    for name in ("simulate_guessing", "fullwidth", "naive_readings", "to_arabic_indic",
                 "GuessingReport"):
        assert getattr(attacks, name) is getattr(lab, name)
