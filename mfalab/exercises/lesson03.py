"""Graders for lesson 03 · Inside TOTP.

Write `truncate` (RFC 4226 §5.3); turn a date into a step and a code.
"""

from __future__ import annotations

from collections.abc import Mapping

from .. import otp
from ._core import RFC_KEY, Grade, NotAnswered, grader


def _reference(mac: bytes, digits: int, *, mask: bool = True, pad: bool = True) -> str:
    offset = mac[-1] & 0x0F
    integer = int.from_bytes(mac[offset : offset + 4], "big") & (0x7FFFFFFF if mask else ~0)
    text = str(integer % 10**digits)
    return text.zfill(digits) if pad else text


@grader("03.1", "truncate", "write the body of truncate()")
def _truncate(answer: object, _ns: Mapping[str, object]) -> Grade:
    if not callable(answer):
        return False, "Not quite: truncate should be a function: keep its `def` line."
    sha1 = [otp.trace(RFC_KEY, count).hmac for count in range(10)]
    try:
        mine = [answer(mac) for mac in sha1]
    except Exception as error:  # the learner's code may fail in any way: explain, don't crash
        return False, f"Your truncate() stopped with {type(error).__name__}: {error}"
    if all(result is None or result is ... for result in mine):
        raise NotAnswered("truncate() returns nothing. Fill in its body and `return` the "
                          "code; then run that cell and this check again.")
    right = [_reference(mac, 6) for mac in sha1]
    if mine != right:
        first = next(i for i, (a, b) in enumerate(zip(mine, right, strict=True)) if a != b)
        if isinstance(mine[first], int) and not isinstance(mine[first], bool):
            return False, (f"Almost: return the code as a str, like {right[first]!r}, not the "
                           f"int {mine[first]!r}: str(...).zfill(digits).")
        if not isinstance(mine[first], str):
            return False, f"Not quite: return a str of digits, not a {type(mine[first]).__name__}."
        if mine == [_reference(mac, 6, mask=False) for mac in sha1]:
            return False, ("Almost: clear the top bit, & 0x7FFFFFFF, before the remainder. "
                           "Counter 0's first chosen byte, 0xcc, has it set.")
        return False, (f"Not quite: for counter {first} you return {mine[first]!r}; RFC 4226 "
                       f"says {right[first]!r}. Check the offset, the 4 bytes and the mod.")
    checks = [
        (otp.trace(RFC_KEY, 44).hmac, 6,
         "Almost: counter 44 should give '000152': a code keeps its leading zeros. Pad it "
         "with str(...).zfill(digits)."),
        (otp.trace(RFC_KEY, 7, 8).hmac, 8,
         "Almost: truncate(mac, 8) should give 8 digits. Use `digits`, not 6, in the "
         "modulus and in the padding."),
        (otp.trace(RFC_KEY, 7, 8, "sha256").hmac, 8,
         "Almost: a SHA-256 HMAC has 32 bytes. Take the offset from the last byte, mac[-1], "
         "not mac[19]."),
        (otp.trace(RFC_KEY, 7, 8, "sha512").hmac, 8,
         "Almost: a SHA-512 HMAC has 64 bytes. Take the offset from the last byte, mac[-1]."),
    ]
    for mac, digits, mistake in checks:
        try:
            ok = answer(mac, digits) == _reference(mac, digits)
        except Exception as error:  # the learner's code, again
            return False, f"{mistake} (It stopped with {type(error).__name__}: {error}.)"
        if not ok:
            return False, mistake
    return True, ("Right: all 10 codes of RFC 4226 Appendix D, leading zeros kept, 8 digits, "
                  "and SHA-256 and SHA-512 HMACs too.")


@grader("03.2", "answer_2", "replace the ... with (T, code)")
def _date_to_code(answer: object, _ns: Mapping[str, object]) -> Grade:
    when = 1_709_208_000  # 2024-02-29T12:00:00Z
    step = when // 30
    code = otp.hotp(RFC_KEY, step)
    if isinstance(answer, (str, bytes)) or not isinstance(answer, (tuple, list)) \
            or len(answer) != 2:
        return False, "Not quite: give a pair, like answer_2 = (56666666, '123456')."
    t, typed = answer
    if isinstance(t, float) and t == step:
        return False, (f"Almost: T = {t!r} is a float. A counter is an int: int(when // 30), "
                       "and otp.hotp wants an int too.")
    if isinstance(t, (int, float)) and not isinstance(t, bool) and t == when:
        return False, ("Not quite: that is the unix time itself. How many 30-second steps fit "
                       "in it?")
    if isinstance(t, (int, float)) and not isinstance(t, bool) and t == step + 1:
        return False, "Not quite: one step too many. Round down: whole steps only."
    if not (isinstance(t, int) and not isinstance(t, bool) and t == step):
        return False, (f"Not quite: T = {t!r} is not the step. Divide the unix time by 30 and "
                       "round down.")
    if isinstance(typed, int) and not isinstance(typed, bool):
        return False, (f"T = {step:,} is right. The code is a string of 6 digits, like "
                       "'012345': otp.hotp returns it as a str.")
    if typed != code:
        return False, f"T = {step:,} is right. The code is not: it is otp.hotp(KEY, T)."
    return True, f"Right: T = {step:,} and the code is {code}; the next one comes 30 s later."
