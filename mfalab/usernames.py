"""Username normalization: one account, one key, however it is typed.

NFKC folds compatibility twins (fullwidth `ａｌｉｃｅ` is `alice`), case-folding removes
case (`ALICE`, `Alice`), and a second NFKC makes the result stable (Unicode's
NFKC_Casefold idea; NIST SP 800-63B-4 §3.1.1.2 asks for the same care with passwords).

Refused, because they let two accounts look the same: control, format, private-use,
unassigned and whitespace characters; every Default_Ignorable_Code_Point (Unicode 15.1.0,
DerivedCoreProperties.txt — variation selectors, the combining grapheme joiner, Hangul
fillers, Mongolian and Khmer invisibles, tag characters …), which Python's `unicodedata`
does not expose; blank look-alikes that are not default-ignorable (U+2800 BRAILLE PATTERN
BLANK); and a name that starts with a combining mark, which has nothing to sit on.
"""

from __future__ import annotations

import unicodedata

from .errors import InvalidUsername

__all__ = ["DEFAULT_IGNORABLE", "MAX_LENGTH", "is_default_ignorable", "normalize"]

MAX_LENGTH = 64
_REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"}

#: Default_Ignorable_Code_Point, from Unicode 15.1.0 DerivedCoreProperties.txt (inclusive).
DEFAULT_IGNORABLE: tuple[tuple[int, int], ...] = (
    (0x00AD, 0x00AD),  # SOFT HYPHEN
    (0x034F, 0x034F),  # COMBINING GRAPHEME JOINER
    (0x061C, 0x061C),  # ARABIC LETTER MARK
    (0x115F, 0x1160),  # HANGUL CHOSEONG FILLER..HANGUL JUNGSEONG FILLER
    (0x17B4, 0x17B5),  # KHMER VOWEL INHERENT AQ..AA
    (0x180B, 0x180F),  # MONGOLIAN FREE VARIATION SELECTORS, VOWEL SEPARATOR
    (0x200B, 0x200F),  # ZERO WIDTH SPACE..RIGHT-TO-LEFT MARK
    (0x202A, 0x202E),  # LEFT-TO-RIGHT EMBEDDING..RIGHT-TO-LEFT OVERRIDE
    (0x2060, 0x206F),  # WORD JOINER..NOMINAL DIGIT SHAPES (2065 reserved)
    (0x3164, 0x3164),  # HANGUL FILLER
    (0xFE00, 0xFE0F),  # VARIATION SELECTOR-1..16
    (0xFEFF, 0xFEFF),  # ZERO WIDTH NO-BREAK SPACE
    (0xFFA0, 0xFFA0),  # HALFWIDTH HANGUL FILLER
    (0xFFF0, 0xFFF8),  # reserved
    (0x1BCA0, 0x1BCA3),  # SHORTHAND FORMAT LETTER OVERLAP..UP STEP
    (0x1D173, 0x1D17A),  # MUSICAL SYMBOL BEGIN BEAM..END PHRASE
    (0xE0000, 0xE0FFF),  # tags, VARIATION SELECTOR-17..256, reserved
)
#: Blank look-alikes that are not default-ignorable.
_BLANK_LOOK_ALIKES = frozenset({0x2800})


def is_default_ignorable(char: str) -> bool:
    """Whether `char` is a Default_Ignorable_Code_Point (rendered as nothing)."""
    point = ord(char)
    return any(low <= point <= high for low, high in DEFAULT_IGNORABLE)


def _refusal(char: str) -> str | None:
    """Why `char` cannot be in a username, or None."""
    point = ord(char)
    if is_default_ignorable(char) or point in _BLANK_LOOK_ALIKES:
        return f"invisible or blank characters (found U+{point:04X})"
    category = unicodedata.category(char)
    if category in _REFUSED_CATEGORIES:
        what = "spaces" if category.startswith("Z") else "control or invisible characters"
        return f"{what} (found U+{point:04X})"
    return None


def normalize(username: object) -> str:
    """Return the account key for `username`: NFKC, case-folded, 1–64 characters.

    Raises `InvalidUsername` with the reason for anything else.
    """
    if not isinstance(username, str):
        raise InvalidUsername("A username must be text, like 'alice'.")
    if len(username) > 4 * MAX_LENGTH:
        raise InvalidUsername(f"A username has at most {MAX_LENGTH} characters.")
    for char in username:  # before NFKC, which folds some fillers into others
        reason = _refusal(char)
        if reason is not None:
            raise InvalidUsername(f"A username cannot contain {reason}.")
    name = unicodedata.normalize("NFKC", username)
    name = unicodedata.normalize("NFKC", name.casefold())
    if not name:
        raise InvalidUsername("A username cannot be empty.")
    if len(name) > MAX_LENGTH:
        raise InvalidUsername(f"A username has at most {MAX_LENGTH} characters.")
    for char in name:
        reason = _refusal(char)
        if reason is not None:
            raise InvalidUsername(f"A username cannot contain {reason}.")
    if unicodedata.category(name[0]).startswith("M"):
        raise InvalidUsername(
            f"A username cannot start with a combining mark (found U+{ord(name[0]):04X})."
        )
    return name
