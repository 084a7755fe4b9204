"""How codes and time steps are written, and how careless checks misread them.

`spaced_code` groups a code the way authenticator apps show it; `step_label` names a time
step relative to the server's T (RFC 6238 §4.2). `fullwidth` and `to_arabic_indic` make
the digit look-alikes that a strict verifier refuses (only ASCII digits are a code), and
`naive_readings` shows what `int()`, `str.isdigit()` and NFKC (pyotp's way) make of them.
"""

from __future__ import annotations

import unicodedata

__all__ = ["fullwidth", "naive_readings", "shown", "spaced_code", "step_label",
           "to_arabic_indic"]

_SHOWN_CHARACTERS = 40


def spaced_code(code: str) -> str:
    """A code split in two halves, as authenticator apps show it.

    >>> [spaced_code(c) for c in ("123456", "1234567", "12345678", "12")]
    ['123 456', '123 4567', '1234 5678', '12']
    """
    if len(code) < 6:
        return code
    half = len(code) // 2
    return f"{code[:half]} {code[half:]}"


def step_label(offset: int) -> str:
    """'T', 'T+1' or 'T−2' (with a real minus sign) for a step `offset` from T.

    >>> [step_label(n) for n in (-2, 0, 3)]
    ['T−2', 'T', 'T+3']
    """
    if offset == 0:
        return "T"
    return f"T+{offset}" if offset > 0 else f"T\u2212{-offset}"


def fullwidth(text: str) -> str:
    """`text` with ASCII digits 0–9 replaced by their fullwidth twins ０–９ (U+FF10…)."""
    return text.translate({ord("0") + i: 0xFF10 + i for i in range(10)})


def to_arabic_indic(text: str) -> str:
    """`text` with ASCII digits 0–9 replaced by Arabic-Indic digits ٠–٩ (U+0660…)."""
    return text.translate({ord("0") + i: 0x0660 + i for i in range(10)})


def shown(text: str) -> str:
    """A short, printable rendering of any typed text (long pastes are cut).

    >>> shown("12 34")
    "'12 34'"
    >>> shown("9" * 100)
    "'9999999999999999999999999999999999999999' … (100 characters)"
    """
    if len(text) > _SHOWN_CHARACTERS:
        return repr(text[:_SHOWN_CHARACTERS]) + f" … ({len(text):,} characters)"
    return repr(text)


def naive_readings(text: str) -> list[tuple[str, str]]:
    """What careless checks make of `text`: `int()`, `str.isdigit()` and NFKC (pyotp's way).

    For teaching only: these are the readings a strict verifier must not rely on.
    """
    try:
        as_int = str(int(text))
    except ValueError:
        as_int = "ValueError: int() refuses it"
    nfkc = unicodedata.normalize("NFKC", text)
    return [
        ("int(code)", as_int),
        ("code.isdigit()", str(text.isdigit())),
        ("NFKC, as pyotp does", shown(nfkc)),
    ]
