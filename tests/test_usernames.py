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


# Issue: invisible characters made twin accounts (`alice` and `alice` + U+FE0F).
INVISIBLE = {
    "variation-selector-16": "alice\ufe0f",
    "variation-selector-1": "ali\ufe00ce",
    "combining-grapheme-joiner": "al\u034fice",
    "hangul-choseong-filler": "alice\u115f",
    "hangul-jungseong-filler": "alice\u1160",
    "hangul-filler": "alice\u3164",
    "halfwidth-hangul-filler": "alice\uffa0",
    "mongolian-fvs1": "alice\u180b",
    "mongolian-vowel-separator": "alice\u180e",
    "mongolian-fvs4": "alice\u180f",
    "khmer-inherent-aq": "alice\u17b4",
    "khmer-inherent-aa": "alice\u17b5",
    "variation-selector-17": "alice\U000e0100",
    "variation-selector-256": "alice\U000e01ef",
    "tag-letter": "alice\U000e0061",
    "soft-hyphen": "ali\u00adce",
    "braille-blank": "alice\u2800",
    "only-a-filler": "\u3164",
    "leading-combining-mark": "\u0301alice",
}


@pytest.mark.parametrize("name", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_invisible_and_blank_look_alikes_are_refused(name: str):
    """Every Default_Ignorable_Code_Point and blank look-alike is an InvalidUsername."""
    with pytest.raises(errors.InvalidUsername) as raised:
        normalize(name)
    assert "U+" in str(raised.value)


def test_every_default_ignorable_code_point_is_refused():
    """The whole Unicode 15.1 Default_Ignorable_Code_Point table, point by point."""
    from mfalab.usernames import DEFAULT_IGNORABLE

    checked = 0
    for low, high in DEFAULT_IGNORABLE:
        for point in range(low, high + 1):
            with pytest.raises(errors.InvalidUsername):
                normalize("alice" + chr(point))
            checked += 1
    assert checked == 4174  # the count DerivedCoreProperties-15.1.0 gives for the property


def test_combining_marks_after_a_letter_are_still_fine():
    """A combining accent on a letter is a real name (NFKC composes it)."""
    assert normalize("Zoe\u0308") == "zoë"
