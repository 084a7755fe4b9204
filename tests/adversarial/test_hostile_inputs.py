"""Hostile inputs: each gets a specific mfalab error or a documented acceptance — never a
crash, never access, and never slow (a 1 MB input is refused in well under a second).

The table is the documentation: `ACCEPT` rows are inputs the package deliberately takes
(ASCII spaces inside a code; any Unicode in a password; quotes in a username, since every
query is parameterized). Codes are written by transforming the *currently valid* code, so
a refusal is the normalization working, not a wrong guess.
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from mfalab import AuthService, FrozenClock, UserStore, VirtualAuthenticator, errors

from ..conftest import PASSWORD, RFC_SECRET, START, enroll, make_auth

ACCEPT = "accept"
ACCENTED = "crème brûlée au four"
MB = 1_000_000
TIME_LIMIT = 1.0  # seconds: generous; slowness itself is the bug being looked for


def _digits(code: str, zero: int) -> str:
    """The code written with another script's digits 0–9 starting at code point `zero`."""
    return "".join(chr(zero + int(d)) for d in code)


@dataclass(frozen=True)
class Case:
    id: str
    target: str  # code, register-password, login-password, twin-login, register-name, …
    value: Callable[[str], object]  # from the valid code (or nothing) to the hostile input
    expected: type[BaseException] | str


C = errors.InvalidCode
CASES = [
    # -- one-time codes: the valid code, disguised --------------------------------------
    Case("code-arabic-indic", "code", lambda c: _digits(c, 0x0660), C),
    Case("code-extended-arabic-indic", "code", lambda c: _digits(c, 0x06F0), C),
    Case("code-devanagari", "code", lambda c: _digits(c, 0x0966), C),
    Case("code-bengali", "code", lambda c: _digits(c, 0x09E6), C),
    Case("code-thai", "code", lambda c: _digits(c, 0x0E50), C),
    Case("code-fullwidth", "code", lambda c: _digits(c, 0xFF10), C),
    Case("code-math-bold", "code", lambda c: _digits(c, 0x1D7CE), C),
    Case("code-math-double-struck", "code", lambda c: _digits(c, 0x1D7D8), C),
    Case("code-math-monospace", "code", lambda c: _digits(c, 0x1D7F6), C),
    Case("code-superscripts", "code",
         lambda c: c.translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")), C),
    Case("code-subscripts", "code",
         lambda c: c.translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")), C),
    Case("code-one-fullwidth-digit", "code", lambda c: _digits(c[0], 0xFF10) + c[1:], C),
    Case("code-plus-sign", "code", lambda c: "+" + c, C),
    Case("code-minus-sign", "code", lambda c: "-" + c, C),
    Case("code-ascii-space-inside", "code", lambda c: f"{c[:3]} {c[3:]}", ACCEPT),
    Case("code-ascii-spaces-around", "code", lambda c: f"  {c}  ", ACCEPT),
    Case("code-tab", "code", lambda c: "\t" + c, C),
    Case("code-newline", "code", lambda c: c + "\n", C),
    Case("code-crlf", "code", lambda c: c + "\r\n", C),
    Case("code-nbsp", "code", lambda c: f"{c[:3]}\u00a0{c[3:]}", C),
    Case("code-ideographic-space", "code", lambda c: f"{c[:3]}\u3000{c[3:]}", C),
    Case("code-zero-width-space", "code", lambda c: f"{c[:3]}\u200b{c[3:]}", C),
    Case("code-nul", "code", lambda c: c + "\x00", C),
    Case("code-hyphen", "code", lambda c: f"{c[:3]}-{c[3:]}", C),
    Case("code-five-digits", "code", lambda c: c[:5], C),
    Case("code-seven-digits", "code", lambda c: c + "0", C),
    Case("code-empty", "code", lambda c: "", C),
    Case("code-1mb", "code", lambda c: c * (MB // 6), C),
    Case("code-1mb-spaces", "code", lambda c: " " * MB + c, C),
    Case("code-int", "code", lambda c: int(c), C),
    Case("code-float", "code", lambda c: float(c), C),
    Case("code-none", "code", lambda c: None, C),
    Case("code-bytes", "code", lambda c: c.encode(), C),
    Case("code-bytearray", "code", lambda c: bytearray(c.encode()), C),
    Case("code-list", "code", lambda c: [c], C),
    Case("code-hex", "code", lambda c: "0x" + c[2:], C),
    Case("code-exponent", "code", lambda c: "1e5", C),
    Case("code-lone-surrogate", "code", lambda c: c[:5] + "\ud800", C),
    # -- passwords ------------------------------------------------------------------------
    Case("password-empty", "register-password", lambda c: "", errors.WeakPassword),
    Case("password-1mb", "register-password", lambda c: "p" * MB, errors.WeakPassword),
    Case("password-none", "register-password", lambda c: None, errors.WeakPassword),
    Case("password-lone-surrogate", "register-password",
         lambda c: "violet \ud800 anchor", errors.WeakPassword),
    Case("password-common", "register-password", lambda c: "Password1", errors.WeakPassword),
    Case("password-nul-inside", "register-password", lambda c: "violet\x00anchor 58", ACCEPT),
    Case("password-combining-marks", "register-password",
         lambda c: "e\u0301" * 4 + " tundra", ACCEPT),
    Case("password-rtl-marks", "register-password", lambda c: "\u202eviolet anchor", ACCEPT),
    Case("password-emoji", "register-password", lambda c: "🔐🦊🌋🎻 tundra", ACCEPT),
    Case("password-1024-chars", "register-password", lambda c: ("violet " * 147)[:1024],
         ACCEPT),
    Case("login-password-1mb", "login-password", lambda c: "p" * MB, errors.LoginFailed),
    Case("login-password-none", "login-password", lambda c: None, errors.LoginFailed),
    Case("login-password-bytes", "login-password", lambda c: PASSWORD.encode(),
         errors.LoginFailed),
    Case("login-password-surrogate", "login-password", lambda c: PASSWORD + "\udfff",
         errors.LoginFailed),
    Case("login-password-case-twin", "login-password", lambda c: PASSWORD.upper(),
         errors.LoginFailed),
    # Registered in NFC, typed in NFD: the same password (EnrollmentRequired = it passed).
    Case("login-password-nfd-twin", "twin-login",
         lambda c: unicodedata.normalize("NFD", ACCENTED), errors.EnrollmentRequired),
    Case("login-password-nfc-twin", "twin-login",
         lambda c: unicodedata.normalize("NFC", ACCENTED), errors.EnrollmentRequired),
    Case("login-password-unaccented", "twin-login", lambda c: "creme brulee au four",
         errors.LoginFailed),
    # -- usernames ------------------------------------------------------------------------
    Case("name-sql-quote", "register-name", lambda c: "alice'--", ACCEPT),
    Case("name-sql-or", "register-name", lambda c: "x'OR'1'='1", ACCEPT),
    Case("name-sql-drop", "register-name", lambda c: "x');DROP/**/TABLE/**/users;--", ACCEPT),
    Case("name-sql-with-spaces", "register-name", lambda c: "alice' OR '1'='1",
         errors.InvalidUsername),
    Case("name-double-quote", "register-name", lambda c: 'al"ice', ACCEPT),
    Case("name-case-twin", "register-name", lambda c: "ALICE", errors.UserExists),
    Case("name-fullwidth-twin", "register-name", lambda c: "ａｌｉｃｅ", errors.UserExists),
    Case("name-circled-twin", "register-name", lambda c: "ⓐⓛⓘⓒⓔ", errors.UserExists),
    Case("name-math-twin", "register-name", lambda c: "𝐚𝐥𝐢𝐜𝐞", errors.UserExists),
    Case("name-zero-width", "register-name", lambda c: "ali\u200bce", errors.InvalidUsername),
    Case("name-rtl-override", "register-name", lambda c: "\u202eecila", errors.InvalidUsername),
    Case("name-nul", "register-name", lambda c: "alice\x00", errors.InvalidUsername),
    Case("name-control", "register-name", lambda c: "ali\x1bce", errors.InvalidUsername),
    Case("name-newline", "register-name", lambda c: "alice\nroot", errors.InvalidUsername),
    Case("name-65-chars", "register-name", lambda c: "a" * 65, errors.InvalidUsername),
    Case("name-1mb", "register-name", lambda c: "a" * MB, errors.InvalidUsername),
    Case("name-empty", "register-name", lambda c: "", errors.InvalidUsername),
    Case("name-int", "register-name", lambda c: 7, errors.InvalidUsername),
    Case("login-name-case-twin", "login-name", lambda c: "Alice", ACCEPT),
    Case("login-name-fullwidth-twin", "login-name", lambda c: "ＡＬＩＣＥ", ACCEPT),
    Case("login-name-sql", "login-name", lambda c: "alice'--", errors.LoginFailed),
    Case("login-name-1mb", "login-name", lambda c: "a" * MB, errors.InvalidUsername),
    # -- otpauth URIs (what the virtual phone scans) -------------------------------------
    Case("uri-missing-secret", "uri", lambda c: "otpauth://totp/Lab:alice?issuer=Lab",
         errors.InvalidURI),
    Case("uri-empty-secret", "uri", lambda c: "otpauth://totp/Lab:alice?secret=",
         errors.InvalidURI),
    Case("uri-padded-secret", "uri",
         lambda c: "otpauth://totp/Lab:alice?secret=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOU======",
         ACCEPT),
    Case("uri-80-bit-secret", "uri", lambda c: "otpauth://totp/Lab:a?secret=JBSWY3DPEHPK3PXP",
         errors.InvalidURI),
    Case("uri-colons-in-label", "uri",
         lambda c: f"otpauth://totp/Lab:alice:extra?secret={RFC_SECRET}", ACCEPT),
    Case("uri-encoded-colon", "uri",
         lambda c: f"otpauth://totp/Lab%3AEvil:alice?secret={RFC_SECRET}", ACCEPT),
    Case("uri-duplicate-secret", "uri",
         lambda c: f"otpauth://totp/L:a?secret={RFC_SECRET}&secret=MFRGGZDFMZTWQ2LKNNWG23TP",
         errors.InvalidURI),
    Case("uri-duplicate-digits", "uri",
         lambda c: f"otpauth://totp/L:a?secret={RFC_SECRET}&digits=6&digits=8",
         errors.InvalidURI),
    Case("uri-unknown-algorithm", "uri",
         lambda c: f"otpauth://totp/L:a?secret={RFC_SECRET}&algorithm=MD5", errors.InvalidURI),
    Case("uri-digits-10", "uri", lambda c: f"otpauth://totp/L:a?secret={RFC_SECRET}&digits=10",
         errors.InvalidURI),
    Case("uri-period-negative", "uri",
         lambda c: f"otpauth://totp/L:a?secret={RFC_SECRET}&period=-30", errors.InvalidURI),
    Case("uri-period-word", "uri",
         lambda c: f"otpauth://totp/L:a?secret={RFC_SECRET}&period=soon", errors.InvalidURI),
    Case("uri-hotp", "uri", lambda c: f"otpauth://hotp/L:a?secret={RFC_SECRET}&counter=0",
         errors.InvalidURI),
    Case("uri-https", "uri", lambda c: f"https://evil.example/totp?secret={RFC_SECRET}",
         errors.InvalidURI),
    Case("uri-javascript", "uri", lambda c: "javascript:alert(1)", errors.InvalidURI),
    Case("uri-1mb", "uri", lambda c: "otpauth://totp/L:a?secret=" + "A" * MB, errors.InvalidURI),
    Case("uri-not-text", "uri", lambda c: b"otpauth://totp/L:a", errors.InvalidURI),
]


@pytest.fixture
def world() -> tuple[AuthService, FrozenClock, VirtualAuthenticator]:
    clock = FrozenClock(START)
    auth = make_auth(UserStore(":memory:"), clock)
    account = enroll(auth, clock)
    clock.advance(30)
    return auth, clock, account.phone


def _attempt(case: Case, auth: AuthService, phone: VirtualAuthenticator) -> object:
    code = phone.code()
    value = case.value(code)
    if case.target == "code":
        challenge = auth.login("alice", PASSWORD)
        return auth.verify(challenge, value)  # type: ignore[arg-type]
    if case.target == "register-password":
        return auth.register("bob", value)  # type: ignore[arg-type]
    if case.target == "login-password":
        return auth.login("alice", value)  # type: ignore[arg-type]
    if case.target == "register-name":
        return auth.register(value, PASSWORD)  # type: ignore[arg-type]
    if case.target == "twin-login":
        auth.register("carol", unicodedata.normalize("NFC", ACCENTED))
        return auth.login("carol", value)  # type: ignore[arg-type]
    if case.target == "login-name":
        return auth.login(value, PASSWORD)  # type: ignore[arg-type]
    if case.target == "uri":
        return VirtualAuthenticator(clock=phone.clock).scan(value)  # type: ignore[arg-type]
    raise AssertionError(case.target)


def test_the_table_is_large_and_its_ids_unique():
    assert len(CASES) >= 60
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input(case: Case, world: tuple[AuthService, FrozenClock, VirtualAuthenticator]):
    auth, _, phone = world
    start = time.perf_counter()
    if case.expected == ACCEPT:
        _attempt(case, auth, phone)
    else:
        assert isinstance(case.expected, type)
        with pytest.raises(case.expected) as raised:
            _attempt(case, auth, phone)
        assert isinstance(raised.value, errors.AuthError)
        assert str(raised.value)
    assert time.perf_counter() - start < TIME_LIMIT
    # Never access: the users table is intact and alice's factor is unchanged.
    assert auth.status("alice").enrolled
    assert auth.store.get_user("alice") is not None


def test_a_quoted_username_is_its_own_account_and_reads_back_literally(
    world: tuple[AuthService, FrozenClock, VirtualAuthenticator],
):
    auth, _, _ = world
    auth.register("x');DROP/**/TABLE/**/users;--", PASSWORD)
    assert auth.store.get_user("x');drop/**/table/**/users;--") is not None
    assert auth.store.get_user("alice") is not None
