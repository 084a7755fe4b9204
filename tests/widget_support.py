"""Helpers for driving widgets without a browser: the Enter key, pictures, visible text."""

from __future__ import annotations

import base64
import html
import re

import ipywidgets as widgets

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FALLBACK = "(an interactive widget: run this notebook in Jupyter)"


def press_enter(text: widgets.Text) -> None:
    """What the browser sends when Enter is pressed in a text box (a "submit" message)."""
    text._handle_custom_msg({"event": "submit"}, [])


def images(value: str) -> list[tuple[bytes, str]]:
    """(PNG bytes, alt text) of every data-URI `<img>` in an HTML widget's value."""
    found = []
    for tag in re.findall(r"<img [^>]*>", value):
        source = re.search(r'src="data:image/png;base64,([^"]+)"', tag)
        alt = re.search(r'alt="([^"]*)"', tag)
        assert source and alt, f"an image without a PNG source or a text alternative: {tag}"
        found.append((base64.b64decode(source[1]), html.unescape(alt[1])))
    return found


def picture(value: str) -> bytes:
    """The PNG bytes of the one image in an HTML widget's value."""
    found = images(value)
    assert len(found) == 1, f"expected one image, found {len(found)}"
    return found[0][0]


def text_of(value: str) -> str:
    """The visible text of HTML (tags dropped, entities decoded, spaces squeezed)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", value)).split())
