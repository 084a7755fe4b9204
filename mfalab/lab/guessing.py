"""An online guesser against the real throttle schedule, on simulated time (lesson 05).

`simulate_guessing` plays an attacker who knows the password and guesses random codes as
fast as `mfalab.throttle` allows (NIST SP 800-63B-4 §3.2.2: a lock after
`throttle.LOCK_AFTER` failures in a row, doubling up to `throttle.MAX_LOCK_SECONDS`; the
second factor switched off after `throttle.DISABLE_AFTER`), checking each guess with
`otp.verify`, on a `FrozenClock`. A success resets the count, so the cap is no bound on an
attacker who stays under it between the owner's logins: the real bound is the lock's rate.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from .. import otp, throttle
from ..clock import FrozenClock
from ..errors import InvalidSetting
from .examples import EXAMPLE_SECRET, EXAMPLE_START

__all__ = ["MAX_DAYS", "GuessingReport", "plural", "simulate_guessing"]

MAX_DAYS = 3650
_DAY = 86400


def plural(count: float, word: str) -> str:
    """'1 simulated day', '2.5 simulated days': the count and the word, agreed.

    >>> plural(1, "simulated day"), plural(2.5, "day"), plural(0, "attempt")
    ('1 simulated day', '2.5 days', '0 attempts')
    """
    return f"{count:g} {word}" if count == 1 else f"{count:g} {word}s"


@dataclass(frozen=True)
class GuessingReport:
    """What an online guesser achieved against the throttle in the simulated time."""

    days: float
    window: int
    cap: bool
    attempts: int
    guessed: bool
    disabled_at: float | None  # seconds after the start, when the factor was switched off
    timeline: tuple[tuple[float, int], ...]  # (seconds after the start, attempts so far)
    digits: int = 6

    @property
    def odds_per_guess(self) -> float:
        """The chance one random guess matches: 2w + 1 accepted codes out of 10^digits."""
        accepted = 2 * self.window + 1
        return accepted / float(10**self.digits)

    @property
    def chance(self) -> float:
        """The chance that `attempts` random guesses find a code: 1 − (1 − p)^n."""
        return 1 - (1 - self.odds_per_guess) ** self.attempts

    def summary(self) -> str:
        """One paragraph, in words."""
        text = (
            f"In {plural(self.days, 'simulated day')} the guesser made "
            f"{plural(self.attempts, 'attempt')} (window ±{self.window}: each guess wins "
            f"with odds {self.odds_per_guess:.0e}); chance of success {self.chance:.4%}."
        )
        if self.guessed:
            text += " A guess matched: the attacker is in."
        if self.disabled_at is not None:
            text += (
                f" The second factor was switched off after {throttle.DISABLE_AFTER} failures, "
                f"{self.disabled_at / _DAY:.2f} days in: no more guesses until an "
                "administrator resets it."
            )
        return text


def simulate_guessing(
    days: float,
    *,
    window: int = 1,
    cap: bool = True,
    secret: str = EXAMPLE_SECRET,
    start: float = EXAMPLE_START,
    seed: int = 2026,
    seconds_per_guess: float = 1.0,
    progress: Callable[[float], None] | None = None,
) -> GuessingReport:
    """Play an attacker who knows the password and guesses random codes as fast as allowed.

    Time runs on a `FrozenClock`; after each wrong guess the state moves by
    `throttle.after_failure` (the service's own schedule), and a locked attacker waits
    `throttle.retry_after`. With `cap`, the `throttle.DISABLE_AFTER`-th failure switches
    the factor off (NIST SP 800-63B-4 §3.2.2); without it the attacker carries on at the
    longest lock per guess. Guesses come from `random.Random(seed)`, so a run is
    reproducible; each is checked with `otp.verify`. `progress(fraction)` is called as
    simulated time passes. Raises `InvalidSetting` for days outside 0 < days ≤ 3650.
    """
    if isinstance(days, bool) or not isinstance(days, (int, float)) or \
            not 0 < days <= MAX_DAYS:
        raise InvalidSetting(f"days is a number of simulated days, more than 0 and at most "
                             f"{MAX_DAYS}.")
    clock = FrozenClock(start)
    end = start + days * _DAY
    state = throttle.Throttle()
    rng = random.Random(seed)  # reproducible, not a secret  # noqa: S311  # nosec B311
    attempts, guessed, disabled_at = 0, False, None
    timeline: list[tuple[float, int]] = [(0.0, 0)]
    reported = -1
    while clock.now() < end:
        now = clock.now()
        if progress is not None and int(100 * (now - start) / (end - start)) > reported:
            reported = int(100 * (now - start) / (end - start))
            progress(reported / 100)
        wait = throttle.retry_after(state, now)
        if wait > 0:
            clock.advance(min(wait, end - now))
            continue
        guess = f"{rng.randrange(10**6):06d}"
        attempts += 1
        if otp.verify(secret, guess, now, window=window) is not None:
            guessed = True
            timeline.append((now - start, attempts))
            break
        state = throttle.after_failure(state, now, can_disable=cap)
        timeline.append((now - start, attempts))
        if state.disabled:
            disabled_at = now - start
            break
        clock.advance(seconds_per_guess)
    if progress is not None:
        progress(1.0)
    return GuessingReport(float(days), window, cap, attempts, guessed, disabled_at,
                          tuple(timeline))
