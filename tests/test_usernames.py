"""usernames: NFKC + case-fold, 1–64 characters, no control or invisible characters."""

from __future__ import annotations

import pytest

from mfalab import errors
from mfalab.usernames import normalize


@pytest.mark.parametrize(
    ("typed", "key"),
    [("alice", "alice"), ("ALICE", "alice"), ("Alice", "alice"), ("ａｌｉｃｅ", "alice"),
     ("Straße", "strasse"), ("ﬁona", "fiona"), ("bob.smith@example.org", "bob.smith@example.org")],
    ids=["plain", "upper", "title", "fullwidth", "eszett", "ligature", "email"],
)
def test_twins_normalize_to_one_key(typed: str, key: str):
    assert normalize(typed) == key


@pytest.mark.parametrize(
    "bad",
    ["", "a" * 65, "al\x00ice", "al\nice", "al\u200bice", "\u202eecila", "alice smith",
     "al\u2028ice", "\ud800", "a\ue000", 42, None, b"alice", "a" * 100_000],
    ids=["empty", "too-long", "nul", "newline", "zero-width-space", "rtl-override",
         "space", "line-separator", "surrogate", "private-use", "int", "none", "bytes", "huge"],
)
def test_bad_usernames_get_a_clear_invalid_username(bad: object):
    with pytest.raises(errors.InvalidUsername) as raised:
        normalize(bad)
    assert isinstance(raised.value, errors.AuthError)
    assert not isinstance(raised.value, ValueError)
    assert str(raised.value).endswith(".") or ")" in str(raised.value)


def test_sixty_four_characters_is_the_limit():
    assert normalize("a" * 64) == "a" * 64
