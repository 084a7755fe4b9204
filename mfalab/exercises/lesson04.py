"""Graders for lesson 04 · The time window.

The smallest window for a slow phone; what `window=0` costs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Real

from .. import otp
from ._core import RFC_SECRET, START, Grade, grader, probability, whole_number


@grader("04.1", "answer_1", "put your number in place of the ...")
def _smallest_window(answer: object, _ns: Mapping[str, object]) -> Grade:
    code = otp.totp(RFC_SECRET, START - 100)
    smallest = min(w for w in range(otp.MAX_WINDOW + 1)
                   if otp.verify(RFC_SECRET, code, START, window=w) is not None)
    if isinstance(answer, (int, float)) and not isinstance(answer, bool):
        if answer == -smallest:
            return False, ("Almost: w counts steps on either side (T − w … T + w), so it has no "
                           f"sign: write {smallest}.")
        if not float(answer).is_integer():
            return False, ("Not quite: a window is a whole number of steps. Where does "
                           "START − 100 fall?")
        if smallest < answer <= otp.MAX_WINDOW:
            return False, f"Not quite: ±{answer:g} accepts it, but is it the smallest?"
        if 0 <= answer < smallest:
            return False, (f"Not quite: with ±{answer:g} the window does not reach the phone's "
                           "step. Try the widget with skew −100 s.")
    mistake = whole_number(answer, smallest, "window")
    if mistake:
        return False, mistake
    return True, (f"Right: the phone is {smallest} steps behind, so the window must reach "
                  f"T−{smallest}.")


def _slow_typing_failures(seconds: int = 8) -> int:
    start = START - START % 30
    return sum(otp.verify(RFC_SECRET, otp.totp(RFC_SECRET, start + s), start + s + seconds,
                          window=0) is None for s in range(30))


@grader("04.2", "answer_2", "put your fraction in place of the ...")
def _strict_window_cost(answer: object, _ns: Mapping[str, object]) -> Grade:
    fails = _slow_typing_failures()
    if isinstance(answer, int) and not isinstance(answer, bool) and answer == fails:
        return False, (f"Almost: {fails} is how many seconds of 30 fail. As a fraction of "
                       "all logins?")
    if isinstance(answer, Real) and not isinstance(answer, bool) \
            and math.isclose(float(answer), 1 - fails / 30, abs_tol=0.01):
        return False, "Not quite: that is the fraction of logins that succeed. And the others?"
    mistake = probability(answer, fails / 30, "fraction",
                           "For which reading seconds does the step end before s + 8?", tol=0.01)
    if mistake:
        return False, mistake
    return True, (f"Right: {fails} of 30 reading seconds are too late: {fails / 30:.0%} of "
                  "logins fail, before any clock drift.")
