"""Graders for lesson 01 · Password hashing.

Read a hash's memory cost; price a salt; choose a strong password.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .. import passwords
from ._core import CONTEXT, Grade, grader, whole_number

EXERCISE_01_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$O6Fx+q21bYb2NpzYi48wcQ$"
    "ofas9mAQM7i7WRGvI7qxRjjpiXZGb429fwiyt1e4i/Y"
)
_YEAR = 365.25 * 24 * 3600
FAST_HASH_RATE = 1e10  # zxcvbn's "offline, fast hash" attacker: guesses a second


@grader("01.1", "answer_1", "replace ... with a number of MiB")
def _memory_cost(answer: object, _ns: Mapping[str, object]) -> Grade:
    kib = int(re.search(r"m=(\d+)", EXERCISE_01_HASH).group(1))  # type: ignore[union-attr]
    mib = kib // 1024
    hints = {kib: f"Almost: {kib} is in KiB. How many MiB is that (1 MiB = 1024 KiB)?",
             19: "Not quite: 19 MiB is OWASP's minimum. Read this hash's own m= field.",
             3: "Not quite: 3 is t, the number of passes. Memory is m=.",
             4: "Not quite: 4 is p, the lanes. Memory is m=."}
    if isinstance(answer, (int, float)) and not isinstance(answer, bool) and answer in hints:
        return False, hints[int(answer)]
    mistake = whole_number(answer, mib, "number of MiB", "Look at the m= field; it counts KiB.")
    if mistake:
        return False, mistake
    return True, f"Right: m={kib} KiB is {mib} MiB, more than three times OWASP's 19 MiB."


@grader("01.2", "answer_2", "replace ... with a number of SHA-256 computations")
def _salt_cost(answer: object, _ns: Mapping[str, object]) -> Grade:
    guesses, accounts = 30_000, 8
    if answer == guesses and isinstance(answer, int):
        return False, ("Not quite: 30,000 is the unsalted cost. With a different salt per "
                       "account, can one hash of a guess be compared against every account?")
    mistake = whole_number(answer, guesses * accounts, "number of SHA-256 computations",
                            "Think: guesses per account × accounts.")
    if mistake:
        return False, mistake
    return True, ("Right: 240,000. Without salts, 30,000 hashes covered every account at "
                  "once; with them, each account is a separate attack. Still a fraction of a "
                  "second with SHA-256: a salt must come with a slow hash.")


@grader("01.3", "answer_3", 'put a password in quotes, like answer_3 = "..."')
def _strong_password(answer: object, _ns: Mapping[str, object]) -> Grade:
    if not isinstance(answer, str):
        return False, "Not quite: a password is text: put it in quotes."
    reasons = passwords.check(answer, context=CONTEXT)
    if reasons:
        return False, "The policy refuses it: " + " ".join(reasons)
    strength = passwords.estimate(answer)
    years = strength.guesses / FAST_HASH_RATE / _YEAR
    if answer == "Tr0ub4dor&3":
        return False, ("Not quite: that is xkcd's example. zxcvbn scores it 4/4, yet above it "
                       "fell in seconds to a fast hash. Longer, and less predictable?")
    if strength.score < 4:
        return False, (f"The policy accepts it, but zxcvbn scores it {strength.score}/4. "
                       "Longer and less predictable?")
    if years < 1:
        return False, ("The policy accepts it and zxcvbn scores it 4/4, but a fast-hash "
                       f"attacker ({FAST_HASH_RATE:.0e} guesses a second) would need only "
                       f"{strength.crack_times['offline_fast_hashing_1e10_per_second']}. "
                       "Add another unrelated word.")
    return True, ("Right: accepted by the policy, scored 4/4, and about "
                  f"{strength.guesses:.0e} guesses, years even against a fast hash. "
                  "Several unrelated words do it.")
