"""HOTP and TOTP: RFC 4226 (HMAC-based one-time passwords) and RFC 6238 (time-based).

The server computes codes here with the standard library (`hmac`), so every step of
RFC 4226 §5.3 can be shown in the lessons (`trace`); pyotp, a separate implementation,
runs on the simulated phone and builds provisioning URIs. Codes typed by people pass
through `normalize_code` first: only ASCII digits are a code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import re
import secrets
import struct
from dataclasses import dataclass

import pyotp

from .errors import InvalidCode, InvalidSecret, InvalidSetting

__all__ = [
    "DIGESTS",
    "HotpTrace",
    "group_secret",
    "hotp",
    "new_secret",
    "normalize_code",
    "provisioning_uri",
    "secret_bytes",
    "time_step",
    "totp",
    "trace",
    "verify",
]

DIGESTS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512}
MIN_SECRET_BYTES = 16  # RFC 4226 §4 R6: at least 128 bits; 160 recommended
MAX_WINDOW = 10
_CODE_SCAN_LIMIT = 64  # longer input is refused before any other work
_COUNTER = struct.Struct(">Q")  # RFC 4226 §5.1: the counter as 8 bytes, big-endian
_WORD = struct.Struct(">I")  # §5.3: four bytes from the offset, big-endian
_CODE_PATTERNS = {d: re.compile(f"[0-9]{{{d}}}", re.ASCII) for d in (6, 7, 8)}


def _check_settings(digits: int, digest: str, period: int = 30) -> None:
    if isinstance(digits, bool) or not isinstance(digits, int) or not 6 <= digits <= 8:
        raise InvalidSetting("A code has 6, 7 or 8 digits (RFC 4226 §5.3).")
    if digest not in DIGESTS:
        raise InvalidSetting("The digest must be 'sha1', 'sha256' or 'sha512' (RFC 6238 §1.2).")
    if isinstance(period, bool) or not isinstance(period, int) or not 1 <= period <= 300:
        raise InvalidSetting("The period is a whole number of seconds from 1 to 300.")


def new_secret(bits: int = 160) -> str:
    """A new random shared secret, base32 without padding (RFC 4226 §4: 160 bits advised)."""
    if isinstance(bits, bool) or not isinstance(bits, int) or bits < 160 or bits % 40:
        raise InvalidSetting("A secret has at least 160 bits, in multiples of 40.")
    return base64.b32encode(secrets.token_bytes(bits // 8)).decode("ascii")


_BASE32_AS_INT_DIGITS = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789abcdefghijklmnopqrstuv"
)
_BASE32_TEXT = re.compile("[A-Z2-7]*", re.ASCII)
_BAD_BASE32_LENGTHS = {1, 3, 6}  # characters mod 8 that no whole number of bytes gives


def _base32_decode(text: str) -> bytes:
    """RFC 4648 §6 base32 (no padding) as one big integer: `base64.b32decode`'s result,
    several times faster (the verifier's hot path decodes the seed at every check)."""
    if len(text) % 8 in _BAD_BASE32_LENGTHS:
        raise InvalidSecret("That secret is not valid base32 (check its length).")
    if not text:
        return b""
    size = len(text) * 5 // 8
    value = int(text.translate(_BASE32_AS_INT_DIGITS), 32) >> (len(text) * 5 - size * 8)
    return value.to_bytes(size, "big")


def secret_bytes(secret: str | bytes) -> bytes:
    """The key bytes of a base32 secret (spaces, case and padding ignored), or raw bytes."""
    if isinstance(secret, bytes):
        key = secret
    elif isinstance(secret, str):
        if len(secret) > 1024 or not secret.isascii():  # before upper(): 'ſ'.upper() == 'S'
            raise InvalidSecret("A secret is written in base32: letters A–Z and digits 2–7.")
        text = secret.replace(" ", "").upper().rstrip("=")
        if not _BASE32_TEXT.fullmatch(text):
            raise InvalidSecret("A secret is written in base32: letters A–Z and digits 2–7.")
        key = _base32_decode(text)
    else:
        raise InvalidSecret("A secret is a base32 string, like the one under the QR code.")
    if len(key) < MIN_SECRET_BYTES:
        raise InvalidSecret(
            f"A secret needs at least {MIN_SECRET_BYTES * 8} bits (RFC 4226 §4); "
            f"this one has {len(key) * 8}."
        )
    return key


def group_secret(secret: str) -> str:
    """The secret in groups of four, easier to type into a phone: `ABCD EFGH …`."""
    if not isinstance(secret, str):
        raise InvalidSecret("A secret is a base32 string, like the one under the QR code.")
    text = secret.replace(" ", "").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def time_step(at: float, period: int = 30) -> int:
    """T = floor((unix time − T0) / X) with T0 = 0 (RFC 6238 §4.2)."""
    _check_settings(6, "sha1", period)
    if isinstance(at, bool) or not isinstance(at, (int, float)) or not math.isfinite(at):
        raise InvalidSetting("A time is a finite number of unix seconds.")
    if at < 0:
        raise InvalidSetting("TOTP counts time from 1970: a time cannot be negative.")
    return int(at // period)


@dataclass(frozen=True)
class HotpTrace:
    """Every intermediate value of HOTP (RFC 4226 §5.3–5.4), for the lessons."""

    counter: int
    counter_bytes: bytes  # the 8-byte big-endian counter (the HMAC message)
    hmac: bytes  # HMAC-<digest>(key, counter_bytes): 20, 32 or 64 bytes
    offset: int  # low 4 bits of the last HMAC byte (dynamic truncation)
    chosen: bytes  # the 4 bytes at hmac[offset : offset + 4]
    integer: int  # those bytes with the top bit cleared: a 31-bit integer
    digits: int
    code: str  # integer mod 10^digits, zero-padded


def trace(
    secret: str | bytes, counter: int, digits: int = 6, digest: str = "sha1"
) -> HotpTrace:
    """Compute HOTP(secret, counter) step by step and return every value (RFC 4226 §5.3)."""
    _check_settings(digits, digest)
    if isinstance(counter, bool) or not isinstance(counter, int) or not 0 <= counter < 2**64:
        raise InvalidSetting("The counter is a whole number from 0 to 2^64 − 1 (RFC 4226 §5.1).")
    key = secret_bytes(secret)
    message = counter.to_bytes(8, "big")
    mac = hmac.digest(key, message, digest)
    offset = mac[-1] & 0x0F
    chosen = mac[offset : offset + 4]
    integer = int.from_bytes(chosen, "big") & 0x7FFFFFFF
    code = str(integer % 10**digits).zfill(digits)
    return HotpTrace(counter, message, mac, offset, chosen, integer, digits, code)


def _hotp_code(key: bytes, counter: int, digits: int, digest: str) -> bytes:
    """`trace(...).code` without the record, as ASCII bytes: the verifier's hot path."""
    mac = hmac.digest(key, _COUNTER.pack(counter), digest)
    integer = _WORD.unpack_from(mac, mac[-1] & 0x0F)[0] & 0x7FFFFFFF
    return b"%0*d" % (digits, integer % 10**digits)


def hotp(secret: str | bytes, counter: int, digits: int = 6, digest: str = "sha1") -> str:
    """The HOTP code for `counter` (RFC 4226 §5.3)."""
    return trace(secret, counter, digits, digest).code


def totp(
    secret: str | bytes, at: float, digits: int = 6, period: int = 30, digest: str = "sha1"
) -> str:
    """The TOTP code at unix time `at`: HOTP of T = floor(at / period) (RFC 6238 §4)."""
    return hotp(secret, time_step(at, period), digits, digest)


def normalize_code(code: object, digits: int = 6) -> str:
    """Return `code` as exactly `digits` ASCII digits, or raise `InvalidCode`.

    Only ASCII spaces (U+0020) are removed. Anything else — other digit sets (Arabic-Indic,
    fullwidth), signs, other whitespace, ints, long pastes — is refused, so one code has one
    spelling (the fullwidth twin of a used code is not a new code).
    """
    _check_settings(digits, "sha1")
    if not isinstance(code, str):
        raise InvalidCode(f"A code is typed as text of {digits} digits, like '123456'.")
    if len(code) > _CODE_SCAN_LIMIT:
        raise InvalidCode(f"That is far too long for a code: a code has {digits} digits.")
    compact = code.replace(" ", "")
    if not _CODE_PATTERNS[digits].fullmatch(compact):
        raise InvalidCode(f"A code is exactly {digits} digits 0–9, like '123456'.")
    return compact


def verify(
    secret: str | bytes,
    code: object,
    at: float,
    window: int = 1,
    digits: int = 6,
    period: int = 30,
    digest: str = "sha1",
    *,
    drift: int = 0,
    after: int | None = None,
) -> int | None:
    """Return the time step whose code equals `code`, or None when no step in the window does.

    The window is the steps T + drift − window … T + drift + window (RFC 6238 §5.2; `drift`
    is a learned clock offset, §6). With `after`, only steps greater than it count (replay
    protection, RFC 6238 §5.2). Candidates are compared in constant time, nearest step
    first. A malformed code raises `InvalidCode`; a valid step can be 0, so test with `is None`.
    """
    _check_settings(digits, digest, period)
    for name, value in (("window", window), ("drift", drift)):
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) > MAX_WINDOW:
            raise InvalidSetting(f"The {name} is a whole number of steps from 0 to {MAX_WINDOW}.")
    if window < 0:
        raise InvalidSetting(f"The window is a whole number of steps from 0 to {MAX_WINDOW}.")
    typed = normalize_code(code, digits).encode("ascii")
    key = secret_bytes(secret)
    centre = time_step(at, period) + drift
    nearest_first = [centre]
    for distance in range(1, window + 1):
        nearest_first += (centre - distance, centre + distance)
    matched: int | None = None
    for step in nearest_first:
        if step < 0 or step >= 2**64 or (after is not None and step <= after):
            continue
        expected = _hotp_code(key, step, digits, digest)
        if hmac.compare_digest(expected, typed) and matched is None:
            matched = step
    return matched


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def provisioning_uri(
    secret: str,
    account: str,
    issuer: str,
    digits: int = 6,
    period: int = 30,
    digest: str = "sha1",
) -> str:
    """The otpauth:// URI an authenticator app scans (Google Authenticator Key URI format).

    The issuer appears in the label and as a parameter; a colon in it is refused, since
    the label uses one to separate issuer and account.
    """
    _check_settings(digits, digest, period)
    secret_bytes(secret)
    for what, value in (("account name", account), ("issuer", issuer)):
        if not isinstance(value, str) or not value.strip() or len(value) > 128:
            raise InvalidSetting(f"The {what} is text of 1 to 128 characters.")
        if not value.isprintable() or not _encodable(value):
            raise InvalidSetting(f"The {what} cannot contain control or broken characters.")
    if ":" in issuer:
        raise InvalidSetting("The issuer cannot contain ':' (it separates issuer and account).")
    uri: str = pyotp.TOTP(
        secret.replace(" ", "").upper(), digits=digits, digest=DIGESTS[digest], interval=period
    ).provisioning_uri(name=account, issuer_name=issuer)
    return uri
