"""passwords: argon2id at OWASP parameters, the NIST SP 800-63B-4 policy, rehash."""

from __future__ import annotations

import unicodedata

import argon2
import pytest

from mfalab import errors, passwords

CHEAP = passwords.CHEAP_FOR_TESTS_ONLY


def test_default_profile_is_argon2id_at_least_owasp():
    """OWASP Password Storage: argon2id, m ≥ 19 MiB, t ≥ 2, p ≥ 1."""
    p = passwords.DEFAULT_PROFILE
    assert p.type is argon2.Type.ID
    assert p.memory_cost >= 19 * 1024 and p.time_cost >= 2 and p.parallelism >= 1


def test_hash_at_the_default_profile_is_a_real_argon2id_phc_string():
    encoded = passwords.hash("violet anchor tundra 58")
    assert encoded.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert passwords.verify(encoded, "violet anchor tundra 58") is True


def test_one_password_two_hashes():
    """A fresh salt each time: the same password never hashes the same."""
    assert passwords.hash("correct horse", CHEAP) != passwords.hash("correct horse", CHEAP)


def test_verify_raises_login_failed_on_a_wrong_password():
    encoded = passwords.hash("violet anchor tundra 58", CHEAP)
    with pytest.raises(errors.LoginFailed):
        passwords.verify(encoded, "violet anchor tundra 59")
    assert passwords.is_match(encoded, "violet anchor tundra 59") is False


def test_nfc_and_nfd_spellings_are_the_same_password():
    """NIST SP 800-63B-4 §3.1.1.2: normalize before hashing."""
    nfc = unicodedata.normalize("NFC", "crème brûlée 42")
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfc != nfd
    assert passwords.is_match(passwords.hash(nfd, CHEAP), nfc)


def test_long_passwords_are_never_truncated():
    long = "x" * 1000
    encoded = passwords.hash(long, CHEAP)
    assert passwords.is_match(encoded, long)
    assert not passwords.is_match(encoded, long[:-1])
    assert not passwords.is_match(encoded, long[:72])


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short", "at least 8"),
        ("password", "commonly used"),
        ("PassWord1", "commonly used"),  # case-folded before the lookup
        ("iloveyou", "commonly used"),
        ("x" * 1025, "at most 1,024"),
        ("abc\ud800defgh", "lone surrogates"),
        (12345678, "text"),
        (None, "text"),
    ],
    ids=["short", "common", "common-case", "common-2", "too-long", "surrogate", "int", "none"],
)
def test_check_gives_a_reason_for_each_refusal(password: object, fragment: str):
    reasons = passwords.check(password)
    assert reasons and any(fragment in r for r in reasons), reasons


def test_check_refuses_context_words_case_folded():
    assert passwords.check("Alice-Wonder", context=("alice-wonder",))
    assert passwords.check("mfa lab server", context=("MFA LAB SERVER",))
    assert passwords.check("alice-wonder-land", context=("alice-wonder",)) == []


@pytest.mark.parametrize(
    "password",
    ["violet anchor tundra 58", "abcdefgh-but-not-common", "éèêëéèêëé", "🔑🗝🔒🔓🔑🗝🔒🔓",
     ("abc" * 342)[:1024], "no composition rules"],
    ids=["passphrase", "plain", "accents", "emoji", "max-length", "lowercase"],
)
def test_check_accepts_without_composition_rules(password: str):
    assert passwords.check(password) == []


def test_length_is_counted_after_nfc():
    """Eight characters as a person sees them (NFC), however they were typed."""
    decomposed = unicodedata.normalize("NFD", "éééé")  # 8 code points, 4 characters
    assert len(decomposed) == 8
    assert any("at least 8" in r for r in passwords.check(decomposed))


def test_a_one_megabyte_password_is_refused_fast():
    import time

    start = time.perf_counter()
    assert passwords.check("a" * 1_000_000)
    with pytest.raises(errors.WeakPassword):
        passwords.hash("a" * 1_000_000, CHEAP)
    assert time.perf_counter() - start < 0.5


def test_needs_rehash_flags_hashes_made_with_other_parameters():
    weak = passwords.hash("violet anchor tundra 58", CHEAP)
    assert passwords.needs_rehash(weak, passwords.DEFAULT_PROFILE)
    assert not passwords.needs_rehash(weak, CHEAP)
    with pytest.raises(errors.InvalidInput):
        passwords.needs_rehash("not a hash")


def test_estimate_uses_only_the_first_72_characters_for_feedback():
    """zxcvbn refuses longer input; the estimate works on any length."""
    strength = passwords.estimate("z" * 500)
    assert 0 <= strength.score <= 4
    assert set(strength.crack_times) >= {"offline_slow_hashing_1e4_per_second"}
    assert passwords.estimate("password").score == 0


def test_a_context_word_given_twice_is_one_reason():
    assert len(passwords.check("alice-wonder", context=("alice-wonder", "Alice-Wonder"))) == 1


CONTEXT = ("alice", "MFA Lab")


@pytest.mark.parametrize(
    "password",
    ["alice12345", "Alice2024!", "MFA Lab 2024", "mfalab!!!!", "ALICE-alice-99",
     "2024 Alice #1", "alice.mfalab.7"],
)
def test_derivatives_of_the_username_and_issuer_are_refused(password: str):
    """NIST SP 800-63B-4 §3.1.1.2: the username "and derivatives thereof"."""
    reasons = passwords.check(password, context=CONTEXT)
    assert any("digits or punctuation added" in r for r in reasons), reasons


@pytest.mark.parametrize(
    "password",
    ["alice in violet tundra", "malice aforethought 9", "violet anchor tundra 58",
     "labrador retriever 4"],
)
def test_a_context_word_inside_a_real_passphrase_is_fine(password: str):
    assert passwords.check(password, context=CONTEXT) == []


@pytest.mark.parametrize("password", ["aaaaaaaa", "........", "11111111111", "ßßßßßßßß"])
def test_one_repeated_character_gets_a_reason(password: str):
    reasons = passwords.check(password)
    assert any("one character repeated" in r for r in reasons), reasons


@pytest.mark.parametrize("context", [None, 42, "alice", b"alice"])
def test_a_context_that_is_not_a_list_of_words_is_an_invalid_input(context: object):
    """A clear mfalab error, never a bare TypeError (and a string is not split into letters)."""
    with pytest.raises(errors.InvalidInput):
        passwords.check("violet anchor tundra 58", context=context)  # type: ignore[arg-type]
