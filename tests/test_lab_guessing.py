"""mfalab.lab.guessing: an online guesser against the real throttle, on simulated time."""

from __future__ import annotations

import pytest

from mfalab import errors, throttle
from mfalab.lab import plural, simulate_guessing


def test_a_guesser_is_stopped_by_the_cap() -> None:
    """With the cap, 100 wrong guesses switch the factor off after about 3.7 days."""
    report = simulate_guessing(30)
    assert report.attempts == throttle.DISABLE_AFTER
    assert report.disabled_at is not None
    assert 3.7 < report.disabled_at / 86400 < 3.72
    assert report.chance == pytest.approx(1 - (1 - 3e-6) ** 100)
    assert f"switched off after {throttle.DISABLE_AFTER} failures" in report.summary()


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


@pytest.mark.parametrize("days", [0, -1, 3651, True, "7", float("nan")], ids=repr)
def test_the_simulation_refuses_nonsense_days(days: object) -> None:
    """Days must be a positive number (up to ten years): a clear mfalab error."""
    with pytest.raises(errors.InvalidSetting, match="days"):
        simulate_guessing(days)  # type: ignore[arg-type]


def test_one_simulated_day_is_singular() -> None:
    """The summary agrees in number: '1 simulated day', never '1 simulated days'."""
    summary = simulate_guessing(1).summary()
    assert summary.startswith("In 1 simulated day the guesser made")
    assert "1 simulated days" not in summary
    assert simulate_guessing(2).summary().startswith("In 2 simulated days")


@pytest.mark.parametrize(("count", "text"), [(1, "1 day"), (1.0, "1 day"), (0, "0 days"),
                                             (2.5, "2.5 days"), (100, "100 days")])
def test_plural_agrees_with_the_count(count: float, text: str) -> None:
    assert plural(count, "day") == text
