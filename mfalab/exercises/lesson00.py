"""Graders for lesson 00 · Start here.

Sort the factors; run the whole flow for bob.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..service import Session
from ._core import Grade, grader, letters

_FACTORS = {
    "a": "a password is something you know",
    "b": "the code proves you hold the phone's secret: something you have",
    "c": "a printed code is a thing you keep (NIST calls it a look-up secret)",
    "d": "a fingerprint is something you are",
    "e": "a pet's name is something you know (and easy to find out)",
    "f": "a security key is a device you hold",
}
_HAVE = {"b", "c", "f"}


@grader("00.1", "answer_1", "replace ... with a set of letters, like {'a', 'e'}")
def _sort_factors(answer: object, _ns: Mapping[str, object]) -> Grade:
    chosen = letters(answer)
    if chosen is None:
        return False, "Not quite: put the letters in a set, like {'a', 'e'}."
    if chosen == _HAVE:
        why = "; ".join(_FACTORS[x] for x in sorted(_HAVE))
        return True, f"Right: b, c and f. {why[0].upper()}{why[1:]}."
    lines = [f"Not {x}: {_FACTORS[x]}." for x in sorted((chosen - _HAVE) & set(_FACTORS))]
    lines += [f"Not {x!r}: the letters are a to f." for x in sorted(chosen - set(_FACTORS))]
    missing = len(_HAVE - chosen)
    if missing:
        lines.append(f"And {missing} more of the six {'is' if missing == 1 else 'are'} "
                     "something you have: which could you lose, or lend?")
    return False, " ".join(lines)


@grader("00.2", "answer_2", "log bob in and put the Session that verify returns in answer_2")
def _bob_flow(answer: object, _ns: Mapping[str, object]) -> Grade:
    if not isinstance(answer, Session):
        return False, (f"Almost: answer_2 holds a {type(answer).__name__}. "
                       "bob_auth.verify(challenge, code) returns the Session.")
    if answer.username != "bob":
        return False, f"Not quite: that session belongs to {answer.username!r}: log in as bob."
    if answer.method != "totp":
        return False, "Not quite: log bob in with his phone's code (auth.verify)."
    return True, "Right: bob is logged in with password + totp. You ran the whole flow."
