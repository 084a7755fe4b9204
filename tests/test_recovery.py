"""recovery: random 80-bit codes, grouped for typing, normalized on entry, hashed."""

from __future__ import annotations

import re

import pytest

from mfalab import errors, passwords, recovery


def test_ten_distinct_codes_of_at_least_64_bits():
    codes = recovery.generate()
    assert len(codes) == 10 == len(set(codes))
    assert recovery.BITS >= 64
    for code in codes:
        assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)


def test_entry_ignores_separators_case_and_crockford_confusables():
    code = "ABCD-EFGH-JKMN-PQ01"
    for typed in ("abcd-efgh-jkmn-pq01", "ABCD EFGH JKMN PQ01", "ABCDEFGHJKMNPQ01",
                  "abcd-efgh-jkmn-pqoi"):
        assert recovery.normalize(typed) == recovery.normalize(code)


@pytest.mark.parametrize("bad", ["", "ABCD", "ABCD-EFGH-JKMN-PQR", "ABCD-EFGH-JKMN-PQRS-T",
                                 "ÀBCD-EFGH-JKMN-PQRS", "ABCD_EFGH_JKMN_PQRS", None, 1234,
                                 "A" * 100_000])
def test_malformed_codes_are_invalid_code(bad: object):
    with pytest.raises(errors.InvalidCode):
        recovery.normalize(bad)


def test_hash_matches_only_its_own_code():
    codes = recovery.generate(3)
    hashes = [recovery.hash_code(c, passwords.CHEAP_FOR_TESTS_ONLY) for c in codes]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert recovery.matching_index(codes[1].lower(), hashes) == 1
    assert recovery.matching_index(recovery.generate(1)[0], hashes) is None


@pytest.mark.parametrize(
    "typed",
    ["ABCD-EFGH-JKMN-PQſſ", "ABCD-EFGH-JKMN-PQRı", "ABCD-EFGH-JKMN-PQß", "ABCD-EFGH-JKMN-PQRﬆ",
     "ABCD-EFGH-JKMN-PQRＳ"],
    ids=["long-s", "dotless-i", "sharp-s", "ligature-st", "fullwidth-s"],
)
def test_unicode_that_upper_cases_to_ascii_is_refused(typed: str):
    """ASCII is checked before case mapping: 'ſ'.upper() == 'S' must not pass as S."""
    with pytest.raises(errors.InvalidCode, match="letters A–Z"):
        recovery.normalize(typed)
