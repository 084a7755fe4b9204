"""qr: image, SVG and text of one URI, deterministic, with a white quiet zone."""

from __future__ import annotations

import pytest

from mfalab import errors, qr

URI = "otpauth://totp/MFA%20Lab:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=MFA%20Lab"


def test_same_uri_same_output_in_every_form():
    assert qr.image(URI).tobytes() == qr.image(URI).tobytes()
    assert qr.svg(URI) == qr.svg(URI)
    assert qr.text(URI) == qr.text(URI)
    assert qr.text(URI) != qr.text(URI.replace("alice", "bob"))


def test_image_keeps_a_white_quiet_zone():
    img = qr.image(URI)
    width, height = img.size
    border = qr.QUIET_ZONE * 8  # modules × box size
    for x in range(width):
        for y in (0, border - 1, height - 1):
            assert img.getpixel((x, y)) == (255, 255, 255)


def test_svg_has_a_white_background():
    svg = qr.svg(URI)
    assert svg.lstrip().startswith("<?xml") or "<svg" in svg
    assert 'fill="white"' in svg or "#fff" in svg.lower()


@pytest.mark.parametrize("bad", ["", None, 42, "x" * 5000])
def test_bad_uris_are_refused_clearly(bad: object):
    with pytest.raises(errors.InvalidURI):
        qr.image(bad)  # type: ignore[arg-type]
