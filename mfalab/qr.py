"""QR codes for enrollment URIs, drawn on this machine (never by a web QR service).

A web QR service would see the shared secret inside the URI. The same URI always gives
the same picture; the white quiet zone (4 modules, ISO/IEC 18004 §6.3.8) is kept so a
phone can scan it from a dark-themed screen.
"""

from __future__ import annotations

import io

import qrcode
import qrcode.constants
import qrcode.image.svg
from PIL import Image

from .errors import InvalidURI

__all__ = ["image", "svg", "text"]

MAX_URI_LENGTH = 1024
QUIET_ZONE = 4


def _code(uri: object) -> qrcode.QRCode:
    if not isinstance(uri, str) or not uri:
        raise InvalidURI("A QR code is drawn from a URI given as text.")
    if len(uri) > MAX_URI_LENGTH:
        raise InvalidURI(
            f"That URI is too long for a QR code a phone can scan (> {MAX_URI_LENGTH})."
        )
    try:
        uri.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidURI("That URI holds broken characters (lone surrogates).") from None
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=QUIET_ZONE
    )
    code.add_data(uri)
    code.make(fit=True)
    return code


def image(uri: str) -> Image.Image:
    """The QR code of `uri` as a black-on-white PIL image."""
    img = _code(uri).make_image(fill_color="black", back_color="white")
    pil: Image.Image = img.get_image().convert("RGB")
    return pil


def svg(uri: str) -> str:
    """The QR code of `uri` as SVG text, with a white background."""
    img = _code(uri).make_image(image_factory=qrcode.image.svg.SvgPathFillImage)
    out: str = img.to_string(encoding="unicode")
    return out


def text(uri: str) -> str:
    """The QR code of `uri` drawn with block characters, for a terminal.

    Light modules are printed as blocks, so it scans on the usual light-on-dark terminal.
    """
    buffer = io.StringIO()
    _code(uri).print_ascii(out=buffer, invert=True)
    return buffer.getvalue()
