"""Lesson 05's widgets: the verifier inspector and the brute-force simulator."""

from __future__ import annotations

import pytest

from mfalab import passwords, throttle
from mfalab.widgets.attacks import (
    BruteForceSimulator,
    VerifierInspector,
    fullwidth,
    naive_readings,
    simulate_guessing,
    to_arabic_indic,
)


@pytest.fixture
def inspector() -> VerifierInspector:
    return VerifierInspector(password_profile=passwords.CHEAP_FOR_TESTS_ONLY)


def check(inspector: VerifierInspector, code: str) -> str:
    inspector.code.value = code
    inspector.check_button.click()
    value: str = inspector.result.value
    return value


def test_digit_twins_are_made_from_ascii_digits() -> None:
    """fullwidth() and to_arabic_indic() change only the digits 0–9."""
    assert fullwidth("081 804") == "０８１ ８０４"
    assert to_arabic_indic("081804") == "٠٨١٨٠٤"


def test_naive_readings_show_what_int_and_nfkc_make_of_twins() -> None:
    """int() reads Arabic-Indic digits (losing the leading zero); NFKC folds fullwidth ones."""
    readings = dict(naive_readings("٠٨١٨٠٤"))
    assert readings["int(code)"] == "81804"
    assert readings["code.isdigit()"] == "True"
    assert dict(naive_readings("１２３４５６"))["NFKC, as pyotp does"] == "'123456'"
    assert dict(naive_readings("abc"))["int(code)"].startswith("ValueError")


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


def test_a_guesser_is_stopped_by_the_cap_of_100() -> None:
    """With the cap, 100 wrong guesses switch the factor off after about 3.7 days."""
    report = simulate_guessing(30)
    assert report.attempts == throttle.DISABLE_AFTER
    assert report.disabled_at is not None
    assert 3.7 < report.disabled_at / 86400 < 3.72
    assert report.chance == pytest.approx(1 - (1 - 3e-6) ** 100)


def test_without_the_cap_the_guesser_settles_at_one_guess_an_hour() -> None:
    """Without the cap the lock tops out at one hour: about 24 guesses a day."""
    report = simulate_guessing(10, cap=False)
    assert report.disabled_at is None
    assert 10 * 24 - 20 < report.attempts < 10 * 24 + 20


def test_the_simulation_is_reproducible_and_reports_progress() -> None:
    """The same seed gives the same run; progress goes from 0 to 1."""
    seen: list[float] = []
    first = simulate_guessing(2, progress=seen.append)
    assert first == simulate_guessing(2)
    assert seen[0] == 0 and seen[-1] == 1.0


def test_the_simulation_refuses_nonsense_days() -> None:
    """Days must be a positive number (up to ten years)."""
    with pytest.raises(ValueError, match="days"):
        simulate_guessing(0)


def test_the_simulator_widget_runs_and_fills_its_bar() -> None:
    """Clicking Run fills the progress bar and shows the report and a plot."""
    simulator = BruteForceSimulator(days=5)
    simulator.run_button.click()
    assert simulator.progress.value == 1.0
    assert "100 attempts" in simulator.report.value
    assert "switched off" in simulator.report.value
    assert bytes(simulator.picture.value).startswith(b"\x89PNG")
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
