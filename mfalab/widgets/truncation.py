"""Dynamic truncation, step by step (RFC 4226 §5.3–5.4), for lesson 03.

`TruncationExplorer` shows, for the counter on a slider, every value `otp.trace` returns:
the 8-byte counter, the HMAC bytes as a row with the offset nibble and the four chosen
bytes highlighted, the 31-bit integer, the remainder mod 10^digits and the code.
The widget computes nothing itself: it draws what `otp.trace` returns.
"""

from __future__ import annotations

import ipywidgets as widgets

from .. import otp
from ..errors import AuthError
from ..lab import EXAMPLE_SECRET
from ._common import LabWidget, friendly_error, message_html
from .slider import Slider

__all__ = ["TruncationExplorer", "hmac_row_html", "steps_html"]

#: RFC 4226 Appendix D's key, the ASCII bytes "12345678901234567890", in base32.
RFC_4226_SECRET = EXAMPLE_SECRET
_MAX_SECRET = 1024

_CELL = (
    "display:inline-block;min-width:2.4em;margin:1px;padding:2px 0;text-align:center;"
    "font-family:monospace;border:1px solid #bbb;border-radius:3px;"
)
# Colour is never the only cue: the chosen bytes also have a thick solid border and bold
# text, the last byte a dashed border and its offset nibble an underline (WCAG 2.1 1.4.1).
_CHOSEN = "background:#ffe08a;border:3px solid #b07d00;font-weight:bold;"
_OFFSET = "background:#cfe3ff;border:2px dashed #1f4e79;"
_NIBBLE = "color:#b71c1c;font-weight:bold;text-decoration:underline;"


def hmac_row_html(trace: otp.HotpTrace) -> str:
    """The HMAC bytes as a row of cells, index above value.

    The last byte's low nibble (the offset, RFC 4226 §5.4) is underlined in red; the
    four bytes at the offset are highlighted in yellow.
    """
    last = len(trace.hmac) - 1
    cells = []
    for index, byte in enumerate(trace.hmac):
        style = _CELL
        if trace.offset <= index < trace.offset + 4:
            style += _CHOSEN
        elif index == last:
            style += _OFFSET
        text = f"{byte:02x}"
        if index == last:
            text = f'{text[0]}<span style="{_NIBBLE}">{text[1]}</span>'
        cells.append(
            f'<div class="mfalab-byte" style="{style}">'
            f'<div style="font-size:0.7em;color:#555">{index}</div>{text}</div>'
        )
    legend = (
        f'<div style="font-size:0.85em">'
        f'<span style="{_CELL}{_CHOSEN}">&nbsp;</span> the 4 chosen bytes (thick border) '
        f'&nbsp; <span style="{_CELL}{_OFFSET}"><span style="{_NIBBLE}">x</span></span> '
        f"the last byte (dashed border); its low nibble, underlined, is the offset</div>"
    )
    return f'<div class="mfalab-hmac-row">{"".join(cells)}</div>{legend}'


def steps_html(trace: otp.HotpTrace, digest: str = "sha1") -> str:
    """The truncation as numbered steps, each value as `otp.trace` computed it."""
    last = trace.hmac[-1]
    chosen = " ".join(f"{b:02x}" for b in trace.chosen)
    raw = int.from_bytes(trace.chosen, "big")
    modulus = 10**trace.digits
    steps = [
        f"Counter C = {trace.counter} as 8 bytes, big-endian: "
        f"<code>{trace.counter_bytes.hex(' ')}</code>",
        f"HMAC-{digest.upper()}(K, C): {len(trace.hmac)} bytes (the row above)",
        f"offset = last byte 0x{last:02x} &amp; 0x0f = <b>{trace.offset}</b>",
        f"bytes {trace.offset}…{trace.offset + 3}: <code>{chosen}</code> = 0x{raw:08x}",
        f"clear the top bit (&amp; 0x7fffffff): 0x{trace.integer:08x} = "
        f"<b>{trace.integer:,}</b>, a 31-bit integer",
        f"{trace.integer:,} mod 10^{trace.digits} = {trace.integer % modulus:,}",
        f'code (zero-padded to {trace.digits} digits): <b style="font-size:1.3em">'
        f"{trace.code}</b>",
    ]
    items = "".join(f"<li>{step}</li>" for step in steps)
    return f'<ol class="mfalab-truncation-steps">{items}</ol>'


class TruncationExplorer(LabWidget):
    """A counter slider over HOTP's dynamic truncation (RFC 4226 §5.3), every step shown.

    The secret is base32 text (default: RFC 4226's key); a secret that is not base32 or
    too short gets a friendly message instead of a table.
    """

    def __init__(
        self,
        secret: str = RFC_4226_SECRET,
        counter: int = 0,
        digits: int = 6,
        digest: str = "sha1",
        max_counter: int = 99,
    ) -> None:
        self.secret = widgets.Text(value=secret, description="Secret",
                                   layout=widgets.Layout(width="36em", max_width="100%"))
        self.counter = Slider(
            value=counter, min=0, max=max_counter, description="Counter C"
        )
        self.digest = widgets.Dropdown(
            options=[("SHA1", "sha1"), ("SHA256", "sha256"), ("SHA512", "sha512")],
            value=digest,
            description="HMAC",
        )
        self.digits = widgets.Dropdown(options=[6, 7, 8], value=digits, description="Digits")
        self.message = widgets.HTML()
        self.row = widgets.HTML()
        self.steps = widgets.HTML()
        self.trace: otp.HotpTrace | None = None
        for control in (self.secret, self.counter, self.digest, self.digits):
            control.observe(self._on_change, names="value")
        super().__init__(
            [
                self.secret,
                widgets.HBox([self.counter, self.digest, self.digits],
                             layout=widgets.Layout(flex_flow="row wrap")),
                self.message,
                self.row,
                self.steps,
            ]
        )
        self.update()

    def _on_change(self, _change: object) -> None:
        self.update()

    def update(self) -> None:
        """Recompute the trace for the current inputs and redraw."""
        secret = str(self.secret.value)
        digest = str(self.digest.value)
        trace: otp.HotpTrace | None = None
        problem: str | None = None
        if len(secret) > _MAX_SECRET:
            problem = "That is far too long for a secret: paste the base32 secret only."
        elif not secret.strip():
            problem = "Type a base32 secret, such as " + RFC_4226_SECRET + "."
        else:
            try:
                trace = otp.trace(secret, int(self.counter.value), int(self.digits.value), digest)
            except AuthError as exc:
                problem = friendly_error(exc)
        self.trace = trace
        if trace is None:
            self.message.value = message_html(problem or "", "error")
            self.row.value = ""
            self.steps.value = ""
            return
        self.message.value = ""
        self.row.value = hmac_row_html(trace)
        self.steps.value = steps_html(trace, digest)
