"""Recovery codes: the way back in when the phone is lost.

NIST SP 800-63B-4 §4.2.1.1 (saved recovery codes): at least 64 bits each from a random
bit generator (`secrets`) — ours have 80 — a fresh set offered after one is used, and a
recovery notification. Like look-up secrets under 112 bits (§3.1.2.2), they are stored
salted and hashed with a password hashing scheme (argon2id here). Each is
used at most once; the service marks it used atomically and counts wrong ones in the
throttle (§3.2.2).
"""

from __future__ import annotations

import re
import secrets

from argon2 import Parameters

from . import passwords
from .errors import InvalidCode, InvalidInput, InvalidSetting

__all__ = [
    "ALPHABET",
    "BITS",
    "COUNT",
    "generate",
    "hash_code",
    "looks_like",
    "matching_index",
    "normalize",
]

#: Crockford's base32: no I, L, O or U, so nothing is misread when typed.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 16  # characters: 16 × 5 = 80 bits
BITS = LENGTH * 5
COUNT = 10
_GROUP = 4
_TYPO_FIXES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SCAN_LIMIT = 64


def generate(count: int = COUNT) -> list[str]:
    """`count` new codes, 80 random bits each, written `XXXX-XXXX-XXXX-XXXX`."""
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 50:
        raise InvalidSetting("Ask for between 1 and 50 recovery codes.")
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        codes.append("-".join(raw[i : i + _GROUP] for i in range(0, LENGTH, _GROUP)))
    return codes


def normalize(code: object) -> str:
    """The canonical form of a typed recovery code, or `InvalidCode`.

    Hyphens, ASCII spaces and case are ignored, and O/I/L read as 0/1 (Crockford).
    """
    if not isinstance(code, str):
        raise InvalidCode("A recovery code is typed as text, like 'ABCD-EFGH-JKMN-PQRS'.")
    if len(code) > _SCAN_LIMIT:
        raise InvalidCode("That is far too long for a recovery code.")
    compact = code.replace("-", "").replace(" ", "")
    if not compact.isascii():  # before upper(): Unicode maps 'ſ' to 'S', 'ı' to 'I', 'ß' to 'SS'
        raise InvalidCode(
            f"A recovery code has {LENGTH} letters A–Z and digits 0–9, like 'ABCD-EFGH-JKMN-PQRS'."
        )
    compact = compact.upper().translate(_TYPO_FIXES)
    if not re.fullmatch(f"[{ALPHABET}]{{{LENGTH}}}", compact, re.ASCII):
        raise InvalidCode(
            f"A recovery code has {LENGTH} letters and digits, like 'ABCD-EFGH-JKMN-PQRS'."
        )
    return compact


def looks_like(code: object) -> bool:
    """Whether `code` has the shape of a recovery code (it may still be wrong)."""
    try:
        normalize(code)
    except InvalidCode:
        return False
    return True


def hash_code(code: str, profile: Parameters = passwords.DEFAULT_PROFILE) -> str:
    """The argon2id hash of a recovery code's canonical form (what the store keeps)."""
    return passwords.hash(normalize(code), profile)


def matching_index(code: object, hashes: list[str]) -> int | None:
    """The index of the hash `code` matches, or None (`InvalidCode` when malformed)."""
    canonical = normalize(code)
    if not isinstance(hashes, list) or not all(isinstance(h, str) for h in hashes):
        raise InvalidInput("Recovery code hashes are a list of argon2 strings.")
    for index, encoded in enumerate(hashes):
        if passwords.is_match(encoded, canonical):
            return index
    return None
