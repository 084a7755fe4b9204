"""Graders for lesson 05 · Verification and attacks.

Which inputs are codes; a year of guessing under the cap.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Real

from .. import throttle
from ._core import Grade, grader, probability

CANDIDATES = ("123456", "123 456", " 123456", "１２３４５６", "١٢٣٤٥٦", "123456\n", "12345",
              "+12345", "1234567")
_WHY_NOT = {
    "１２３４５６": "fullwidth digits are not 0–9",
    "١٢٣٤٥٦": "Arabic-Indic digits are not 0–9",
    "123456\n": "a newline is not an ASCII space",
    "12345": "five digits are too few",
    "+12345": "a sign is not a digit",
    "1234567": "seven digits are too many",
}


@grader("05.1", "answer_1", "put a set of strings in place of the ...")
def _which_are_codes(answer: object, _ns: Mapping[str, object]) -> Grade:
    if not isinstance(answer, (set, frozenset, list, tuple)):
        return False, "Almost: give a set of the candidate strings, like {'123456'}."
    chosen = set(answer)
    accepted = {c for c in CANDIDATES if c not in _WHY_NOT}
    if chosen == accepted:
        return True, (f"Right: {len(accepted)} of {len(CANDIDATES)} are codes (ASCII spaces are "
                      "removed); the rest are refused with InvalidCode.")
    lines = [f"{c!r} is refused: {_WHY_NOT[c]}." for c in CANDIDATES if c in chosen - accepted]
    strangers = [c for c in chosen if c not in CANDIDATES]
    if strangers:
        lines.append(f"{len(strangers)} of your items are not among the candidates: copy them "
                     "from the list (a number is not a string).")
    if accepted - chosen:
        lines.append(f"And {len(accepted - chosen)} accepted candidate(s) are missing: which "
                     "spaces are removed?")
    return False, "Not quite. " + " ".join(lines)


def guesses_per_night(hours: float = 8.0) -> int:
    """Guesses the throttle allows in `hours` of guessing, starting from no failures.

    The attacker guesses as soon as each lock ends (a second to type), on the schedule of
    `throttle.lock_seconds`; the owner's login the next morning resets the count (NIST SP
    800-63B-4 §3.2.2 allows it), so every night starts again from no failures.
    """
    failures, made, now, locked_until = 0, 0, 0.0, 0.0
    while True:
        now = max(now, locked_until)
        if now >= hours * 3600 or failures >= throttle.DISABLE_AFTER:
            return made
        failures += 1
        made += 1
        lock = throttle.lock_seconds(failures)
        if lock:
            locked_until = now + lock
        now += 1.0


def _year_of_nights(window: int, nights: int = 365) -> float:
    p = (2 * window + 1) / 10**6
    return 1 - (1 - p) ** (guesses_per_night() * nights)


@grader("05.2", "answer_2", "put a probability in place of the ...")
def _a_year_under_the_cap(answer: object, _ns: Mapping[str, object]) -> Grade:
    expected = _year_of_nights(window=2)
    if isinstance(answer, Real) and not isinstance(answer, bool):
        value = float(answer)
        others = {
            _year_of_nights(window=1): "that is the chance with window=1. With window=2 the "
                                       "server accepts 2 × 2 + 1 codes at any moment.",
            _year_of_nights(window=2, nights=1): "that is one night. A year is 365 of them.",
            1 - (1 - 5 / 10**6) ** throttle.DISABLE_AFTER:
                "that is 100 guesses, the cap. But the count starts again every morning, "
                "so the cap never stops her.",
        }
        for other, why in others.items():
            if math.isclose(value, other, rel_tol=0.02) or math.isclose(value / 100, other,
                                                                         rel_tol=0.02):
                return False, f"Not quite: {why}"
    mistake = probability(answer, expected, "probability",
                           "How many guesses a night, times 365 nights, at 5 in 10⁶ each?")
    if mistake:
        return False, mistake
    return True, (f"Right: about {expected:.1%} in a year, {guesses_per_night()} guesses a "
                  "night, and more every year. The cap never fires; the lockout notifications "
                  "every night are what should make Alice act.")
