"""Username normalization: one account, one key, however it is typed.

NFKC folds compatibility twins (fullwidth `ａｌｉｃｅ` is `alice`), case-folding removes
case (`ALICE`, `Alice`), and a second NFKC makes the result stable (Unicode's
NFKC_Casefold idea; NIST SP 800-63B-4 §3.1.1.2 asks for the same care with passwords).
Control, format (invisible, such as U+200B or RTL marks), private-use, unassigned and
whitespace characters are refused: they let two accounts look the same.
"""

from __future__ import annotations

import unicodedata

from .errors import InvalidUsername

__all__ = ["MAX_LENGTH", "normalize"]

MAX_LENGTH = 64
_REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"}


def normalize(username: object) -> str:
    """Return the account key for `username`: NFKC, case-folded, 1–64 characters.

    Raises `InvalidUsername` with the reason for anything else.
    """
    if not isinstance(username, str):
        raise InvalidUsername("A username must be text, like 'alice'.")
    if len(username) > 4 * MAX_LENGTH:
        raise InvalidUsername(f"A username has at most {MAX_LENGTH} characters.")
    name = unicodedata.normalize("NFKC", username)
    name = unicodedata.normalize("NFKC", name.casefold())
    if not name:
        raise InvalidUsername("A username cannot be empty.")
    if len(name) > MAX_LENGTH:
        raise InvalidUsername(f"A username has at most {MAX_LENGTH} characters.")
    for char in name:
        category = unicodedata.category(char)
        if category in _REFUSED_CATEGORIES:
            what = "spaces" if category.startswith("Z") else "control or invisible characters"
            raise InvalidUsername(
                f"A username cannot contain {what} (found U+{ord(char):04X})."
            )
    return name
