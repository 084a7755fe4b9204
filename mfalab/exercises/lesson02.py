"""Graders for lesson 02 · The shared secret and the QR code.

Decode the secret; predict each app's code.
"""

from __future__ import annotations

from collections.abc import Mapping

from .. import otp
from ._core import RFC_KEY, RFC_SECRET, START, Grade, grader


@grader("02.1", "answer_1", "replace the ... with your expression")
def _decode_secret(answer: object, _ns: Mapping[str, object]) -> Grade:
    if isinstance(answer, (bytes, bytearray)):
        if bytes(answer) == RFC_KEY:
            return True, f"Right: {bytes(answer)!r}, {len(answer)} bytes, {len(answer) * 8} bits."
        return False, ("Not quite: those are not the secret's bytes. Decode it with "
                       "base64.b32decode.")
    if isinstance(answer, str):
        if answer.replace(" ", "").upper() == RFC_SECRET:
            return False, "Not quite: that is the base32 text itself. Decode it into bytes."
        if answer == RFC_KEY.decode():
            return False, ("Almost: the right characters, but as a str. b32decode returns bytes: "
                           "leave out the .decode().")
        return False, "Not quite: the answer is bytes (b'...'), and this is a str."
    return False, f"Not quite: the answer is bytes, and this is a {type(answer).__name__}."


@grader("02.2", "answer_2", "replace the ... with a pair of codes")
def _predict_codes(answer: object, _ns: Mapping[str, object]) -> Grade:
    honouring = otp.totp(RFC_SECRET, START, digits=8, period=60, digest="sha256")
    ignoring = otp.totp(RFC_SECRET, START)
    if isinstance(answer, (str, bytes)) or not isinstance(answer, (tuple, list)) \
            or len(answer) != 2:
        return False, "Not quite: give two codes, like answer_2 = ('12345678', '123456')."
    first, second = answer
    if (first, second) == (honouring, ignoring):
        return True, (f"Right: the honouring app shows {honouring}, the ignoring one "
                      f"{ignoring}. Only the first confirms the enrollment.")
    if (first, second) == (ignoring, honouring):
        return False, "Almost: both codes are right, in the wrong order: (honouring, ignoring)."
    if any(isinstance(x, int) and not isinstance(x, bool) for x in answer):
        return False, ("Not quite: a code is a string of digits, like '012345' (as an int, a "
                       "leading zero would vanish). otp.totp returns strings.")
    if first == honouring:
        return False, ("The honouring app's code is right; for the other, use the defaults: "
                       "SHA1, 6 digits, 30 s.")
    if second == ignoring:
        return False, ("The ignoring app's code is right; for the other, pass digits=8, "
                       "period=60, digest='sha256'.")
    return False, ("Not quite: compute both with otp.totp, once with the URI's settings and "
                   "once with the defaults.")
