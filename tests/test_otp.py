"""otp: RFC 4226 / RFC 6238 vectors, trace, strict code normalization, verify."""

from __future__ import annotations

import base64

import pyotp
import pytest

from mfalab import errors, otp

RFC4226_KEY = b"12345678901234567890"
# RFC 4226 Appendix D: counter, HMAC-SHA-1, truncated 31-bit integer, HOTP value.
RFC4226_TABLE = [
    (0, "cc93cf18508d94934c64b65d8ba7667fb7cde4b0", 1284755224, "755224"),
    (1, "75a48a19d4cbe100644e8ac1397eea747a2d33ab", 1094287082, "287082"),
    (2, "0bacb7fa082fef30782211938bc1c5e70416ff44", 137359152, "359152"),
    (3, "66c28227d03a2d5529262ff016a1e6ef76557ece", 1726969429, "969429"),
    (4, "a904c900a64b35909874b33e61c5938a8e15ed1c", 1640338314, "338314"),
    (5, "a37e783d7b7233c083d4f62926c7a25f238d0316", 868254676, "254676"),
    (6, "bc9cd28561042c83f219324d3c607256c03272ae", 1918287922, "287922"),
    (7, "a4fb960c0bc06e1eabb804e5b397cdc4b45596fa", 82162583, "162583"),
    (8, "1b3c89f65e6c9e883012052823443f048b4332db", 673399871, "399871"),
    (9, "1637409809a679dc698207310c8c7fc07290d9e5", 645520489, "520489"),
]
RFC6238_KEYS = {
    "sha1": b"12345678901234567890",
    "sha256": b"12345678901234567890123456789012",
    "sha512": b"1234567890" * 6 + b"1234",
}
# RFC 6238 Appendix B: time, digest, 8-digit TOTP (20000000000 is beyond 2^32 seconds).
RFC6238_TABLE = [
    (59, "sha1", "94287082"), (59, "sha256", "46119246"), (59, "sha512", "90693936"),
    (1111111109, "sha1", "07081804"), (1111111109, "sha256", "68084774"),
    (1111111109, "sha512", "25091201"), (1111111111, "sha1", "14050471"),
    (1111111111, "sha256", "67062674"), (1111111111, "sha512", "99943326"),
    (1234567890, "sha1", "89005924"), (1234567890, "sha256", "91819424"),
    (1234567890, "sha512", "93441116"), (2000000000, "sha1", "69279037"),
    (2000000000, "sha256", "90698825"), (2000000000, "sha512", "38618901"),
    (20000000000, "sha1", "65353130"), (20000000000, "sha256", "77737706"),
    (20000000000, "sha512", "47863826"),
]
SECRET = base64.b32encode(RFC4226_KEY).decode()


@pytest.mark.parametrize(("counter", "mac", "integer", "code"), RFC4226_TABLE,
                         ids=[f"counter-{row[0]}" for row in RFC4226_TABLE])
def test_trace_reproduces_rfc4226_appendix_d(counter: int, mac: str, integer: int, code: str):
    """Every intermediate value of RFC 4226 §5.3 matches Appendix D."""
    t = otp.trace(RFC4226_KEY, counter)
    assert t.counter_bytes == counter.to_bytes(8, "big")
    assert t.hmac.hex() == mac
    assert t.offset == t.hmac[-1] & 0x0F
    assert t.chosen == t.hmac[t.offset : t.offset + 4]
    assert t.integer == integer
    assert t.code == code
    assert otp.hotp(SECRET, counter) == code


@pytest.mark.parametrize(("at", "digest", "code"), RFC6238_TABLE,
                         ids=[f"{row[1]}-{row[0]}" for row in RFC6238_TABLE])
def test_totp_reproduces_rfc6238_appendix_b(at: int, digest: str, code: str):
    """TOTP with all three digests and 8 digits, including a time beyond 2^32 s."""
    key = RFC6238_KEYS[digest]
    assert otp.totp(key, at, digits=8, digest=digest) == code
    step = otp.verify(key, code, at, window=0, digits=8, digest=digest)
    assert step == at // 30


@pytest.mark.parametrize("digest", ["sha1", "sha256", "sha512"])
@pytest.mark.parametrize("digits", [6, 7, 8])
def test_trace_agrees_with_pyotp(digest: str, digits: int):
    """Our HOTP and pyotp's, two separate implementations, agree."""
    secret = base64.b32encode(RFC6238_KEYS[digest]).decode()
    theirs = pyotp.HOTP(secret, digits=digits, digest=otp.DIGESTS[digest])
    for counter in (0, 1, 2**31, 2**32 + 5, 2**63):
        assert otp.trace(secret, counter, digits, digest).code == theirs.at(counter)


def test_new_secret_is_random_base32_of_at_least_160_bits():
    """RFC 4226 §4 R6: 160 random bits, base32, no two alike."""
    secrets = {otp.new_secret() for _ in range(50)}
    assert len(secrets) == 50
    for secret in secrets:
        assert len(otp.secret_bytes(secret)) >= 20
    with pytest.raises(errors.InvalidSetting):
        otp.new_secret(80)


@pytest.mark.parametrize("bad", ["JBSWY3DPEHPK3PXP", "not base32!", "", 12345, None, "A" * 2000])
def test_short_or_malformed_secrets_are_refused(bad: object):
    """A secret under 128 bits (RFC 4226 §4) or not base32 is a clear InvalidSecret."""
    with pytest.raises(errors.InvalidSecret):
        otp.secret_bytes(bad)  # type: ignore[arg-type]


def test_secret_reading_ignores_spaces_case_and_padding():
    """The grouped form shown under a QR code reads back to the same key."""
    grouped = otp.group_secret(SECRET)
    assert grouped.split() == [SECRET[i : i + 4] for i in range(0, 32, 4)]
    assert otp.secret_bytes(grouped.lower()) == RFC4226_KEY


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("123456", "123456"), ("123 456", "123456"), (" 123456 ", "123456"), ("000000", "000000")],
    ids=["plain", "grouped", "padded", "zeros"],
)
def test_normalize_code_keeps_ascii_digits_and_drops_ascii_spaces(typed: str, expected: str):
    assert otp.normalize_code(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "١٢٣٤٥٦",  # Arabic-Indic digits: int() accepts them
        "１２３４５６",  # fullwidth: pyotp's NFKC turns them into ASCII
        "𝟏𝟐𝟑𝟒𝟓𝟔",  # mathematical bold
        "¹²³⁴⁵⁶",  # superscripts
        "+12345", "-12345", "12345", "1234567", "12345a", "123456\n", "\t123456",
        "123\u00a0456",  # no-break space is not U+0020
        "123\u3000456", "", "      ", "1" * 10_000, "12.456",
    ],
    ids=lambda s: repr(s)[:20],
)
def test_normalize_code_refuses_everything_but_six_ascii_digits(typed: str):
    with pytest.raises(errors.InvalidCode):
        otp.normalize_code(typed)


@pytest.mark.parametrize("typed", [123456, 123456.0, None, b"123456", ["123456"]],
                         ids=repr)
def test_normalize_code_refuses_non_text(typed: object):
    with pytest.raises(errors.InvalidCode, match="text"):
        otp.normalize_code(typed)


def test_verify_returns_the_matched_step_and_none_outside_the_window():
    at = 1_700_000_000
    step = at // 30
    for offset in (-1, 0, 1):
        code = otp.hotp(SECRET, step + offset)
        assert otp.verify(SECRET, code, at) == step + offset
    assert otp.verify(SECRET, otp.hotp(SECRET, step + 2), at) is None
    assert otp.verify(SECRET, otp.hotp(SECRET, step - 1), at, window=0) is None


def test_verify_can_match_step_zero():
    """Step 0 is a step: the result is tested with `is None`, not truthiness."""
    assert otp.verify(SECRET, otp.hotp(SECRET, 0), 10, window=0) == 0


def test_verify_shifts_its_window_by_the_learned_drift_and_skips_used_steps():
    at = 1_700_000_000
    step = at // 30
    slow = otp.hotp(SECRET, step - 2)
    assert otp.verify(SECRET, slow, at) is None
    assert otp.verify(SECRET, slow, at, drift=-1) == step - 2
    assert otp.verify(SECRET, otp.hotp(SECRET, step), at, after=step) is None


def test_verify_refuses_bad_settings_clearly():
    for kwargs in ({"window": -1}, {"window": 11}, {"digits": 5}, {"digest": "md5"},
                   {"period": 0}, {"window": True}):
        with pytest.raises(errors.InvalidSetting):
            otp.verify(SECRET, "123456", 0, **kwargs)  # type: ignore[arg-type]


def test_provisioning_uri_puts_the_issuer_in_label_and_parameter():
    uri = otp.provisioning_uri(SECRET, "alice", "MFA Lab", digits=8, period=60, digest="sha256")
    assert uri.startswith("otpauth://totp/MFA%20Lab:alice?")
    assert "issuer=MFA%20Lab" in uri and f"secret={SECRET}" in uri
    assert "digits=8" in uri and "period=60" in uri and "algorithm=SHA256" in uri
    parsed = pyotp.parse_uri(uri)
    assert parsed.issuer == "MFA Lab" and parsed.name == "alice" and parsed.digits == 8


def test_provisioning_uri_refuses_a_colon_in_the_issuer():
    with pytest.raises(errors.InvalidSetting, match="':'"):
        otp.provisioning_uri(SECRET, "alice", "Evil:Corp")


@pytest.mark.parametrize(
    "twin", ["\u017f", "\u0131", "\uff33"], ids=["long-s", "dotless-i", "fullwidth-S"]
)
def test_a_secret_is_checked_as_ascii_before_upper_casing(twin: str):
    """'ſ'.upper() == 'S': without the ASCII check first, a look-alike would decode."""
    with pytest.raises(errors.InvalidSecret):
        otp.secret_bytes("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ" + twin)


def test_the_fast_base32_decoder_agrees_with_the_standard_library():
    import secrets

    for size in range(16, 80):
        raw = secrets.token_bytes(size)
        text = base64.b32encode(raw).decode().rstrip("=")
        assert otp.secret_bytes(text) == raw
        assert otp.secret_bytes(text.lower()) == raw
