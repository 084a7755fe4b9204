"""Lesson 04's widgets: the time-window explorer and the live code countdown."""

from __future__ import annotations

import pytest

from mfalab import FrozenClock, otp
from mfalab.errors import InvalidSecret
from mfalab.widgets.time_window import (
    EXAMPLE_SECRET,
    EXAMPLE_START,
    LiveCode,
    TimeWindowExplorer,
    step_label,
)

from .widget_support import FALLBACK, PNG_MAGIC, images, picture


def test_step_labels_use_a_real_minus_sign() -> None:
    """Steps are labelled T, T+1 and T−1 (U+2212), as the lesson prints them."""
    assert [step_label(n) for n in (-2, 0, 3)] == ["T\u22122", "T", "T+3"]


def test_an_accurate_phone_is_accepted_at_step_t() -> None:
    """With no skew the phone's code is the server's step T, accepted even at window 0."""
    explorer = TimeWindowExplorer(window=0)
    assert "accepted: step T " in explorer.verdict.value
    assert picture(explorer.picture.value).startswith(PNG_MAGIC)
    assert picture(explorer.picture.value) == explorer.png


def test_a_phone_45_seconds_slow_needs_a_window_of_one() -> None:
    """A phone 45 s slow shows step T−1 here: refused with window 0, accepted with ±1."""
    explorer = TimeWindowExplorer(window=0, skew=-45)
    assert "refused" in explorer.verdict.value
    assert "step T\u22121" in explorer.verdict.value
    explorer.window_slider.value = 1
    assert "accepted: step T\u22121" in explorer.verdict.value


def test_the_verdict_is_the_same_as_otp_verify() -> None:
    """The widget shows the package's answer: its phone code and verdict match otp.verify."""
    explorer = TimeWindowExplorer(skew=40)
    explorer.time_slider.value = 17
    now = EXAMPLE_START + 17
    assert explorer.phone_code() == otp.totp(EXAMPLE_SECRET, now + 40)
    step = otp.verify(EXAMPLE_SECRET, explorer.phone_code(), now, window=1)
    assert step is not None
    assert f"step {step_label(step - otp.time_step(now))}" in explorer.verdict.value


def test_a_phone_minutes_off_is_refused_even_by_the_widest_window() -> None:
    """Three minutes slow is six steps: outside ±4, so refused; the picture still draws."""
    explorer = TimeWindowExplorer(skew=-180)
    explorer.window_slider.value = 4
    assert "refused" in explorer.verdict.value
    assert picture(explorer.picture.value).startswith(PNG_MAGIC)


def test_moving_the_server_clock_moves_the_verdict() -> None:
    """Sliding the server time changes which step the phone's code belongs to."""
    explorer = TimeWindowExplorer(window=0, skew=-15)
    explorer.time_slider.value = -10  # server 10 s into its step, the phone 5 s before it
    assert "refused" in explorer.verdict.value
    explorer.time_slider.value = 25  # server 15 s into its step, the phone just inside it
    assert "accepted: step T " in explorer.verdict.value


def test_a_bad_secret_is_refused_by_the_package() -> None:
    """A secret that is not base32 fails at construction with the package's InvalidSecret."""
    with pytest.raises(InvalidSecret):
        TimeWindowExplorer(secret="not base32!")


def test_repr_is_stable_and_short() -> None:
    """The text repr (compared by nbval) holds no memory address and no bytes."""
    assert repr(TimeWindowExplorer(skew=-45)) == "TimeWindowExplorer(window=±1, skew=-45 s)"
    assert repr(LiveCode(clock=FrozenClock(EXAMPLE_START))) == "LiveCode(period=30 s)"


def test_live_code_shows_the_code_and_seconds_left() -> None:
    """On a frozen clock 20 s into a step, the countdown shows the code and 10 s left."""
    clock = FrozenClock(EXAMPLE_START)
    live = LiveCode(EXAMPLE_SECRET, clock=clock)
    code = otp.totp(EXAMPLE_SECRET, EXAMPLE_START)
    assert f"{code[:3]} {code[3:]}" in live.screen.value
    assert "10 s left" in live.screen.value


def test_live_code_redraws_on_each_tick() -> None:
    """Each tick of the Play control recomputes the code from the clock."""
    clock = FrozenClock(EXAMPLE_START)
    live = LiveCode(EXAMPLE_SECRET, clock=clock)
    clock.advance(30)
    live.ticker.value = 1
    code = otp.totp(EXAMPLE_SECRET, EXAMPLE_START + 30)
    assert f"{code[:3]} {code[3:]}" in live.screen.value


def test_live_code_starts_and_pauses_with_a_named_button() -> None:
    """A button with a name starts and pauses the countdown; the bare-icon Play is hidden."""
    live = LiveCode(EXAMPLE_SECRET, clock=FrozenClock(EXAMPLE_START))
    assert live.ticker.layout.display == "none"
    assert live.play_button.description == "Start the countdown"
    live.play_button.click()
    assert live.ticker.playing
    assert live.play_button.description == "Pause the countdown"
    live.play_button.click()
    assert not live.ticker.playing
    assert live.play_button.description == "Start the countdown"


def test_live_code_refuses_a_bad_secret() -> None:
    """A secret that is too short is refused with InvalidSecret (RFC 4226 §4)."""
    with pytest.raises(InvalidSecret):
        LiveCode("JBSWY3DPEHPK3PXP")


def test_lesson_04_solutions_give_the_expected_answers(capsys: pytest.CaptureFixture[str]) -> None:
    """The loadable solutions of lesson 04 compute what its check cells accept."""
    import runpy
    from pathlib import Path

    folder = Path(__file__).parent.parent / "notebooks" / "solutions"
    first = runpy.run_path(str(folder / "04_exercise1.py"))
    second = runpy.run_path(str(folder / "04_exercise2.py"))
    assert first["answer_1"] == 3  # START − 100 s falls in step T−3
    assert second["answer_2"] == pytest.approx(8 / 30)
    capsys.readouterr()


def test_the_timeline_has_a_text_alternative_and_a_caption() -> None:
    """The picture says in words what it shows, and the verdict it draws."""
    explorer = TimeWindowExplorer(window=0, skew=-45)
    [(_, alt)] = images(explorer.picture.value)
    assert alt.startswith("Timeline of time steps T\u22127 to T+7: refused")
    assert explorer.verdict_text in alt
    assert "<figcaption" in explorer.picture.value
    assert "marked ✓" in explorer.picture.value and "hatched" in explorer.picture.value


def test_accepted_steps_are_marked_not_only_coloured() -> None:
    """Each accepted step carries a ✓ and each refused one a hatch in the drawing."""
    axes = TimeWindowExplorer(window=2).timeline().axes[0]
    ticks = [t for t in axes.texts if t.get_text() == "✓"]
    assert len(ticks) == 2 * 2 + 1
    hatched = [p for p in axes.patches if p.get_hatch()]
    assert len(hatched) == 2 * 7 + 1 - (2 * 2 + 1)


def test_both_widgets_save_the_same_text_form() -> None:
    for widget in (TimeWindowExplorer(), LiveCode(clock=FrozenClock(EXAMPLE_START))):
        assert widget._repr_mimebundle_()["text/plain"] == f"{type(widget).__name__} {FALLBACK}"


def test_the_countdown_says_it_in_words_too() -> None:
    """The bar turns red near the end; the text says how many seconds are left as well."""
    clock = FrozenClock(EXAMPLE_START + 7)  # 27 s into the step: 3 s left
    live = LiveCode(EXAMPLE_SECRET, clock=clock)
    assert "3 s left" in live.screen.value
