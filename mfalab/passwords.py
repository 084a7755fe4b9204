"""Password hashing and policy: argon2id, NIST SP 800-63B-4, OWASP Password Storage.

Hashing follows RFC 9106 (argon2id) at no less than the OWASP Password Storage Cheat
Sheet's minimum (m = 19 MiB, t = 2, p = 1). The policy is NIST SP 800-63B-4 §3.1.1.2:
passwords are NFC-normalized before counting and hashing, at least 8 characters, long
ones allowed and never truncated, no composition rules, and refused when found in a
list of commonly used passwords or when it is a context word (username, service name) or
a derivative of one (the word plus digits and punctuation: `alice12345`, `MFA Lab 2024`).

zxcvbn's list is 30,000 passwords: a password missing from it (`P@ssw0rd!`) reflects the
list's size, not NIST's intent — a deployment checks a breach corpus (ASVS 5.0 6.2.12).
"""

from __future__ import annotations

import dataclasses
import functools
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import argon2
import argon2.low_level
from argon2 import Parameters, Type

from .errors import InvalidInput, LoginFailed, WeakPassword

__all__ = [
    "CHEAP_FOR_TESTS_ONLY",
    "DEFAULT_PROFILE",
    "MAX_LENGTH",
    "MIN_LENGTH",
    "OWASP_MINIMUM",
    "RFC_9106_LOW_MEMORY",
    "Strength",
    "check",
    "dummy_hash",
    "estimate",
    "harden_runtime",
    "hash",
    "is_common",
    "is_match",
    "needs_rehash",
    "normalize",
    "verify",
]

MIN_LENGTH = 8
MAX_LENGTH = 1024
_ZXCVBN_LIMIT = 72  # zxcvbn's estimator refuses longer input (ValueError)
_ATTACK_MODELS = (
    "online_throttling_100_per_hour",
    "online_no_throttling_10_per_second",
    "offline_slow_hashing_1e4_per_second",
    "offline_fast_hashing_1e10_per_second",
)

#: OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane.
OWASP_MINIMUM = Parameters(
    type=Type.ID, version=19, salt_len=16, hash_len=32,
    time_cost=2, memory_cost=19 * 1024, parallelism=1,
)
#: RFC 9106 §4, second recommended option (64 MiB, 3 iterations, 4 lanes).
RFC_9106_LOW_MEMORY = Parameters(
    type=Type.ID, version=19, salt_len=16, hash_len=32,
    time_cost=3, memory_cost=64 * 1024, parallelism=4,
)
#: What lessons and `AuthService` use unless told otherwise.
DEFAULT_PROFILE = OWASP_MINIMUM
#: Far too weak to protect anything: only so the test suite runs fast.
CHEAP_FOR_TESTS_ONLY = Parameters(
    type=Type.ID, version=19, salt_len=16, hash_len=16,
    time_cost=1, memory_cost=64, parallelism=1,
)


def normalize(password: str) -> str:
    """NFC-normalize a password, as NIST SP 800-63B-4 §3.1.1.2 asks before hashing."""
    return unicodedata.normalize("NFC", password)


def _hashable(password: object) -> bytes:
    """The UTF-8 bytes that get hashed, or `WeakPassword` saying why there are none."""
    if not isinstance(password, str):
        raise WeakPassword(["A password must be text."])
    if len(password) > 4 * MAX_LENGTH:
        raise WeakPassword([f"A password has at most {MAX_LENGTH:,} characters."])
    text = normalize(password)
    if len(text) > MAX_LENGTH:
        raise WeakPassword([f"A password has at most {MAX_LENGTH:,} characters."])
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise WeakPassword(
            ["A password cannot contain broken characters (lone surrogates)."]
        ) from None


def _hasher(profile: Parameters) -> argon2.PasswordHasher:
    if not isinstance(profile, Parameters) or profile.type is not Type.ID:
        raise InvalidInput("A password profile must be argon2id Parameters.")
    return argon2.PasswordHasher.from_parameters(profile)


def hash(password: str, profile: Parameters = DEFAULT_PROFILE) -> str:
    """Hash `password` with argon2id (RFC 9106) and a fresh random salt; return the PHC string.

    Raises `WeakPassword` when the password is not text, holds lone surrogates, or is
    longer than `MAX_LENGTH` (it is refused, never truncated). The policy itself is
    `check()`; hashing does not repeat it.
    """
    return _hasher(profile).hash(_hashable(password))


def _require_hash(encoded: object) -> str:
    if not isinstance(encoded, str) or not encoded.isascii() or len(encoded) > 512:
        raise InvalidInput("A stored password hash is an argon2 PHC string, like '$argon2id$…'.")
    return encoded


def _argon2_verify(encoded: str, secret: bytes) -> bool:
    """The one place argon2 verification runs (tests count calls here)."""
    try:
        return _VERIFIER.verify(encoded, secret)
    except argon2.exceptions.VerificationError:
        return False
    except argon2.exceptions.InvalidHashError:
        raise InvalidInput("The stored value is not an argon2 hash.") from None


_VERIFIER = argon2.PasswordHasher()


def is_match(encoded: str, password: object) -> bool:
    """Whether `password` matches the argon2 hash `encoded`.

    Input that could never have been hashed (not text, too long, lone surrogates) is
    still checked against the hash, so refusing it costs the same argon2 work.
    """
    _require_hash(encoded)
    try:
        secret = _hashable(password)
    except WeakPassword:
        _argon2_verify(encoded, b"\x00 unhashable password")
        return False
    return _argon2_verify(encoded, secret)


def verify(encoded: str, password: object) -> bool:
    """Return True when `password` matches `encoded`; otherwise raise `LoginFailed`."""
    if not is_match(encoded, password):
        raise LoginFailed()
    return True


def needs_rehash(encoded: str, profile: Parameters = DEFAULT_PROFILE) -> bool:
    """Whether `encoded` was made with other parameters than `profile` (upgrade at login)."""
    _require_hash(encoded)
    try:
        return _hasher(profile).check_needs_rehash(encoded)
    except argon2.exceptions.InvalidHashError:
        raise InvalidInput("The stored value is not an argon2 hash.") from None


def _work(memory_kib: int, passes: int) -> int:
    return memory_kib * passes


def harden_runtime(encoded: str, profile: Parameters = DEFAULT_PROFILE) -> None:
    """Spend the argon2 work that a weaker stored hash saved, up to `profile`'s cost.

    After the parameters are raised, an account still on an old hash would answer a
    wrong password faster than an unknown user (verified against a current-cost dummy
    hash): a timing oracle for which accounts exist. This tops the work up (argon2's cost
    grows with memory × passes, RFC 9106 §3.1), the idea of Django's `harden_runtime`.
    """
    try:
        old = argon2.extract_parameters(_require_hash(encoded))
    except argon2.exceptions.InvalidHashError:
        raise InvalidInput("The stored value is not an argon2 hash.") from None
    missing = _work(profile.memory_cost, profile.time_cost) - _work(old.memory_cost,
                                                                     old.time_cost)
    if missing <= 0:
        return
    passes = profile.time_cost  # the current profile's shape, with the memory that is missing
    memory = max(8 * profile.parallelism, missing // passes)
    argon2.low_level.hash_secret_raw(
        secrets.token_bytes(16), secrets.token_bytes(16), time_cost=passes,
        memory_cost=memory, parallelism=profile.parallelism, hash_len=16, type=Type.ID,
    )


_DUMMY_HASHES: dict[tuple[object, ...], str] = {}


def dummy_hash(profile: Parameters = DEFAULT_PROFILE) -> str:
    """A hash of a random password, verified for unknown users so they cost the same work."""
    hasher = _hasher(profile)
    key = dataclasses.astuple(profile)
    if key not in _DUMMY_HASHES:
        _DUMMY_HASHES[key] = hasher.hash(secrets.token_bytes(32))
    return _DUMMY_HASHES[key]


@functools.cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def is_common(password: str) -> bool:
    """Whether the whole password, case-folded, is in zxcvbn's 30,000 common passwords."""
    if not isinstance(password, str):
        raise InvalidInput("A password must be text.")
    return normalize(password).casefold() in _common_passwords()


def _letters(text: str) -> str:
    """`text` case-folded with everything but letters removed (digits, punctuation, spaces)."""
    return "".join(c for c in normalize(text).casefold() if c.isalpha())


def _made_of(core: str, words: list[str]) -> bool:
    """Whether `core` is nothing but context words, one after another (`alicealice`)."""
    if not core:
        return False
    reachable = [True] + [False] * len(core)
    for end in range(1, len(core) + 1):
        reachable[end] = any(
            reachable[end - len(w)] and core.endswith(w, 0, end)
            for w in words if len(w) <= end
        )
    return reachable[-1]


def check(password: object, context: Iterable[str] = ()) -> list[str]:
    """Return why `password` may not be chosen (an empty list when it is acceptable).

    NIST SP 800-63B-4 §3.1.1.2: length counted after NFC normalization (≥ 8, at most
    1,024), no composition rules, refused when it is a commonly used password, or the
    username, the service's name "and derivatives thereof": a context word with digits,
    punctuation, spaces or case changed around it. One character repeated is refused too.
    Raises `InvalidInput` when `context` is not a collection of words.
    """
    if isinstance(context, (str, bytes)) or not isinstance(context, Iterable):
        raise InvalidInput("The context is a list of words, like ('alice', 'MFA Lab').")
    words = [w for w in context if isinstance(w, str) and w]
    if not isinstance(password, str):
        return ["A password must be text."]
    try:
        _hashable(password)
    except WeakPassword as refused:
        return refused.reasons
    text = normalize(password)
    reasons = []
    if len(text) < MIN_LENGTH:
        reasons.append(
            f"A password needs at least {MIN_LENGTH} characters (this one has {len(text)})."
        )
    if is_common(text):
        reasons.append("This password is on a list of commonly used passwords.")
    if len(text) > 1 and len(set(text)) == 1:
        reasons.append("A password cannot be one character repeated: it is guessed at once.")
    folded = text.casefold()
    matches = [w for w in words if folded == normalize(w).casefold()]
    if matches:  # one reason, however many spellings of the word the context holds
        reasons.append(f"A password cannot be the same as {matches[0]!r}.")
    else:
        cores = [c for c in {_letters(w) for w in words} if len(c) >= 3]
        derived = [w for w in words if _letters(w) in cores and _letters(w) in _letters(text)]
        if derived and _made_of(_letters(text), cores):
            reasons.append(
                f"A password cannot be {derived[0]!r} with digits or punctuation added: "
                "that is the first thing an attacker tries."
            )
    return reasons


@dataclass(frozen=True)
class Strength:
    """zxcvbn's estimate of a password, for feedback only (never a reason to refuse)."""

    score: int  # 0 (too guessable) to 4 (very unguessable)
    guesses: float
    crack_times: dict[str, str]  # attack model -> human-readable time
    warning: str
    suggestions: tuple[str, ...]


def estimate(password: str) -> Strength:
    """Estimate how guessable `password` is with zxcvbn, on its first 72 characters."""
    import zxcvbn

    if not isinstance(password, str):
        raise InvalidInput("A password must be text.")
    text = normalize(password)[:_ZXCVBN_LIMIT]
    if not text:
        return Strength(0, 1.0, dict.fromkeys(_ATTACK_MODELS, "instant"),
                        "An empty password is guessed at the first try.", ())
    result = zxcvbn.zxcvbn(text)
    return Strength(
        score=int(result["score"]),
        guesses=float(result["guesses"]),
        crack_times={k: str(v) for k, v in result["crack_times_display"].items()},
        warning=str(result["feedback"]["warning"]),
        suggestions=tuple(str(s) for s in result["feedback"]["suggestions"]),
    )
