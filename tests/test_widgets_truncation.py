"""TruncationExplorer: HOTP's dynamic truncation (RFC 4226 §5.3) drawn step by step."""

from __future__ import annotations

import re

import pytest

from mfalab import otp
from mfalab.widgets.truncation import RFC_4226_SECRET, TruncationExplorer

#: RFC 4226 Appendix D: HOTP codes for counters 0–9 with the key "12345678901234567890".
RFC_4226_CODES = ["755224", "287082", "359152", "969429", "338314",
                  "254676", "287922", "162583", "399871", "520489"]


def _cells(row_html: str) -> list[str]:
    return re.findall(r'class="mfalab-byte" style="([^"]*)"', row_html)


def test_default_secret_is_the_rfc_4226_key():
    """The explorer starts on RFC 4226's key, in base32."""
    assert otp.secret_bytes(RFC_4226_SECRET) == b"12345678901234567890"


@pytest.mark.parametrize("counter", range(10), ids=[f"C={c}" for c in range(10)])
def test_slider_shows_the_rfc_4226_code(counter: int):
    """Each counter on the slider shows the code of RFC 4226 Appendix D."""
    explorer = TruncationExplorer()
    explorer.counter.value = counter
    assert explorer.trace is not None
    assert explorer.trace.code == RFC_4226_CODES[counter]
    assert RFC_4226_CODES[counter] in explorer.steps.value


def test_row_has_twenty_bytes_with_four_highlighted_at_the_offset():
    """The HMAC-SHA1 row has 20 cells; the 4 at the offset are highlighted."""
    explorer = TruncationExplorer()
    explorer.counter.value = 1
    trace = explorer.trace
    assert trace is not None
    cells = _cells(explorer.row.value)
    assert len(cells) == 20
    chosen = [i for i, style in enumerate(cells) if "#ffe08a" in style]
    assert chosen == list(range(trace.offset, trace.offset + 4))


def test_offset_nibble_of_the_last_byte_is_marked():
    """The last byte's low nibble (the offset) is marked, and the steps state its value."""
    explorer = TruncationExplorer()
    trace = explorer.trace
    assert trace is not None
    last = f"{trace.hmac[-1]:02x}"
    assert f'{last[0]}<span style="color:#b71c1c' in explorer.row.value
    assert f"0x{last} &amp; 0x0f = <b>{trace.offset}</b>" in explorer.steps.value


def test_steps_show_the_31_bit_integer_and_the_remainder():
    """Counter 0: 0x4c93cf18 → 1,284,755,224 → mod 10^6 = 755,224 → 755224 (RFC 4226)."""
    explorer = TruncationExplorer()
    assert "0x4c93cf18" in explorer.steps.value
    assert "1,284,755,224" in explorer.steps.value
    assert "mod 10^6 = 755,224" in explorer.steps.value


@pytest.mark.parametrize(("digest", "size"), [("sha256", 32), ("sha512", 64)])
def test_other_digests_show_longer_hmacs(digest: str, size: int):
    """SHA256 and SHA512 draw 32 and 64 bytes; the code matches otp.hotp."""
    explorer = TruncationExplorer()
    explorer.digest.value = digest
    assert len(_cells(explorer.row.value)) == size
    assert explorer.trace is not None
    assert explorer.trace.code == otp.hotp(RFC_4226_SECRET, 0, digest=digest)


def test_eight_digits_keep_more_of_the_integer():
    """With 8 digits the code is the integer mod 10^8 (RFC 4226 §5.3)."""
    explorer = TruncationExplorer()
    explorer.digits.value = 8
    assert explorer.trace is not None
    assert explorer.trace.code == "84755224"
    assert "mod 10^8" in explorer.steps.value


@pytest.mark.parametrize(
    ("secret", "expected"),
    [
        ("", "Type a base32 secret"),
        ("   ", "Type a base32 secret"),
        ("GEZDGNBV01890", "base32"),
        ("GEZDGNBVGY3TQOJQ", "at least 128 bits"),
        ("A" * 100_000, "far too long"),
    ],
    ids=["empty", "spaces", "not-base32", "too-short", "huge-paste"],
)
def test_bad_secret_gets_a_friendly_message(secret: str, expected: str):
    """A secret that cannot be used shows a sentence, and no table, never a traceback."""
    explorer = TruncationExplorer()
    explorer.secret.value = secret
    assert explorer.trace is None
    assert "mfalab-error" in explorer.message.value
    assert expected in explorer.message.value
    assert explorer.row.value == ""
    assert explorer.steps.value == ""


def test_fixing_the_secret_brings_the_table_back():
    """After a bad secret, a good one redraws the table and clears the message."""
    explorer = TruncationExplorer()
    explorer.secret.value = "not a secret!"
    explorer.secret.value = RFC_4226_SECRET.lower()
    assert explorer.trace is not None
    assert explorer.trace.code == "755224"
    assert explorer.message.value == ""


def test_explorer_displays_with_a_stable_text_form():
    """The text form nbval compares names the widget and holds no memory address."""
    bundle = TruncationExplorer()._repr_mimebundle_()
    assert bundle["text/plain"].startswith("TruncationExplorer")
    assert " at 0x" not in bundle["text/plain"]


def test_the_chosen_bytes_are_marked_by_more_than_colour():
    """The chosen bytes have a thick solid border, the last byte a dashed one (WCAG 1.4.1)."""
    explorer = TruncationExplorer()
    trace = explorer.trace
    assert trace is not None
    cells = _cells(explorer.row.value)
    assert all("border:3px solid" in cells[i] for i in range(trace.offset, trace.offset + 4))
    assert "dashed" in cells[-1]
    assert "thick border" in explorer.row.value and "dashed border" in explorer.row.value


def test_explorer_is_a_widget_that_says_to_run_the_notebook():
    bundle = TruncationExplorer()._repr_mimebundle_()
    assert bundle["text/plain"] == (
        "TruncationExplorer (an interactive widget: run this notebook in Jupyter)")
    assert "application/vnd.jupyter.widget-view+json" in bundle
