"""Pieces several widgets show: a QR code with its text alternative, the virtual phone's
screen, and recovery codes shown once.

The QR code is drawn on this machine by `mfalab.qr` (a web QR service would see the
secret); its text alternative is the secret in groups of four, which is also what a
learner types into a phone that cannot scan (WCAG 2.1 1.1.1). Recovery codes are shown
once, right after they are made (NIST SP 800-63B-4 §4.2.1.1): the store keeps only their
argon2id hashes.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import ipywidgets as widgets

from .. import otp, qr
from ..errors import AuthError
from ..lab import spaced_code
from ..models import Enrollment
from ..phone import VirtualAuthenticator
from ._common import message_html, picture_html, png

__all__ = ["QR_WIDTH", "enrollment_card", "phone_html", "qr_html", "qr_png",
           "recovery_codes_html", "settings_text"]

QR_WIDTH = 220  # CSS pixels: scannable from a screen, small enough beside its text


def qr_png(uri: str) -> bytes:
    """The QR code of `uri` as PNG bytes (drawn locally, never by a web service)."""
    return png(qr.image(uri))


def qr_html(uri: str, secret: str) -> str:
    """The QR code of `uri` as an `<img>` whose text alternative is the grouped `secret`."""
    alt = ("QR code of the enrollment link. To type the secret instead: "
           + otp.group_secret(secret))
    return picture_html(qr_png(uri), alt, width=QR_WIDTH)


def settings_text(digits: int, period: int, digest: str) -> str:
    """'time-based, SHA1, 6 digits, 30 s': the settings an app needs when typed by hand."""
    return f"time-based, {digest.upper()}, {digits} digits, {period} s"


def enrollment_card(enrollment: Enrollment) -> widgets.HBox:
    """A box with the enrollment's QR code and its secret in groups of four (shown once)."""
    image = widgets.HTML(value=qr_html(enrollment.uri, enrollment.secret),
                         layout=widgets.Layout(flex="0 0 auto"))
    settings = settings_text(enrollment.digits, enrollment.period, enrollment.digest)
    text = widgets.HTML(
        value=(
            "<div>Scan the QR code, or type this secret into your app "
            f"({html.escape(settings)}):<br>"
            f"<code style='font-size:1.1em'>{html.escape(enrollment.grouped_secret)}</code>"
            f"<br>Account: <b>{html.escape(enrollment.issuer)}</b> "
            f"({html.escape(enrollment.username)})</div>"
        )
    )
    return widgets.HBox([image, text], layout=widgets.Layout(align_items="flex-start"))


def phone_html(phone: VirtualAuthenticator) -> str:
    """The virtual phone's screen: its newest account, the code it shows, the time left.

    A phone that holds no account says so (the package's own sentence).
    """
    try:
        code = phone.code()
    except AuthError as empty:
        return message_html(str(empty), "warn")
    label = phone.accounts[-1].label
    return (
        '<div class="mfalab-phone" style="border:1px solid #999;border-radius:8px;'
        'padding:4px 8px;display:inline-block">'
        f'<span aria-hidden="true">📱</span> {html.escape(label)}<br>'
        '<span style="font-size:160%;font-family:monospace;letter-spacing:2px">'
        f"{html.escape(spaced_code(code))}</span> "
        f"<small>new code in {phone.seconds_left():.0f} s</small></div>"
    )


def recovery_codes_html(codes: Sequence[str]) -> str:
    """The recovery codes in a dashed box that says what they are for (shown only once)."""
    items = "".join(f"<li><code>{html.escape(c)}</code></li>" for c in codes)
    return (
        '<div class="mfalab-recovery" style="border:2px dashed #8a5300;padding:4px 8px;'
        'margin:4px 0"><b>Your recovery codes, shown only this once.</b> Write them down '
        "now and keep them away from your phone: each one lets you in once if the phone is "
        f'lost.<ol class="mfalab-recovery-codes" style="columns:2;margin:4px 0">{items}</ol>'
        "</div>"
    )
