"""Picture: a notebook's teaching picture as HTML, with its text alternative and caption."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

from mfalab import otp, qr
from mfalab.widgets.picture import Picture

from .widget_support import PNG_MAGIC, images, text_of

URI = otp.provisioning_uri("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "alice", "MFA Lab")


def test_a_qr_code_is_shown_with_its_alt_text_at_its_own_size() -> None:
    """The PNG is the QR code's, the `<img>` has the alt text, the width is the image's."""
    image = qr.image(URI)
    picture = Picture(image, alt="QR code of alice's enrollment link")
    [(data, alt)] = images(picture._repr_html_())
    assert data.startswith(PNG_MAGIC)
    assert alt == "QR code of alice's enrollment link"
    assert f'width="{image.width}"' in picture._repr_html_()


def test_a_plot_has_a_visible_caption_saying_what_it_shows() -> None:
    """A matplotlib figure becomes PNG in a figure whose caption is visible text."""
    figure = Figure(figsize=(6, 3))
    figure.add_subplot().plot([0, 1], [0, 1])
    picture = Picture(figure, alt="A rising line", caption="What the plot shows: a line.")
    shown = picture._repr_html_()
    assert "<figcaption" in shown
    assert "What the plot shows: a line." in text_of(shown)
    assert 'width="600"' in shown


def test_the_text_form_is_a_stable_sentence() -> None:
    """nbval compares text/plain: the alt text, never a memory address."""
    assert repr(Picture(qr.image(URI), alt="QR code")) == "Picture: QR code"


def test_a_picture_without_a_text_alternative_is_refused() -> None:
    with pytest.raises(ValueError, match="text alternative"):
        Picture(qr.image(URI), alt="  ")
