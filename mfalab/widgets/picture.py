"""`Picture`: a teaching picture for a notebook cell, with its text alternative and caption.

JupyterLab shows a bare PNG output (a PIL image, a matplotlib figure, `IPython.display.Image`)
as an `<img>` with no `alt` attribute at all, so a screen reader says nothing of what the
picture teaches (WCAG 2.1 1.1.1 Non-text Content). `Picture(figure_or_image, alt, caption)`
displays the same PNG as HTML: an `<img>` with `alt`, in a `<figure>` whose visible
`<figcaption>` says what the picture shows. Its text form names the picture by its `alt`, so
nbval compares a stable sentence, never a memory address.

    display(Picture(qr.image(uri), alt="QR code of the enrollment link for alice"))
"""

from __future__ import annotations

from typing import Any

from ._common import picture_html, png

__all__ = ["Picture"]


class Picture:
    """A PIL image or a matplotlib figure, shown with a text alternative and a caption."""

    def __init__(self, picture: Any, alt: str, caption: str = "", *,
                 width: int | None = None) -> None:
        if not alt.strip():
            raise ValueError("a teaching picture needs a text alternative (alt)")
        self.data = png(picture)
        self.alt = alt
        self.caption = caption
        natural = getattr(picture, "width", None)
        if natural is None and hasattr(picture, "get_size_inches"):
            natural = int(picture.get_size_inches()[0] * 100)  # png() draws at 100 dpi
        self.width = int(width or natural or 640)

    def _repr_html_(self) -> str:
        return picture_html(self.data, self.alt, width=self.width, caption=self.caption)

    def __repr__(self) -> str:
        return f"Picture: {self.alt}"
