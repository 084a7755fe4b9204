"""Lesson 04's widgets: the TOTP time window on a timeline, and a live code countdown.

`TimeWindowExplorer` puts time steps on a timeline (RFC 6238 §4.2: T = floor(t / 30)),
marks the steps the server accepts (T − w … T + w, RFC 6238 §5.2: green with a ✓; the
refused ones grey and hatched, so colour is never the only cue) and the step a phone
with a skewed clock is showing (the drift of RFC 6238 §6). The picture has a text
alternative and a caption. The verdict comes from `otp.verify`, the same function the
server uses; the widget decides nothing.

`LiveCode` shows the current code of a secret and the seconds it has left. It ticks
with an `ipywidgets.Play` control, which counts in the browser: no thread, no loop, so
the cell never blocks.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .. import otp
from ..clock import Clock, FrozenClock, SystemClock
from ..errors import AuthError
from ..lab import EXAMPLE_SECRET, EXAMPLE_START, spaced_code, step_label
from ..phone import VirtualAuthenticator
from ._common import LabWidget, button, friendly_error, message_html, picture_html, png
from .slider import Slider

__all__ = ["EXAMPLE_SECRET", "EXAMPLE_START", "LiveCode", "TimeWindowExplorer", "step_label"]

_SHOWN_STEPS = 7  # the timeline shows T − 7 … T + 7
_COLOURS = {"accepted": "#c8e6c9", "refused": "#eeeeee", "server": "#1f4e79", "phone": "#e65100"}
_PICTURE_WIDTH = 780
_START, _PAUSE = "Start the countdown", "Pause the countdown"
_CAPTION = (
    "What the picture shows: {period}-second time steps around the server's step T. The "
    "steps the server accepts are green and marked ✓; the refused ones are grey and "
    "hatched. The solid blue line is the server's clock, the dashed orange line (and the "
    "orange box, with its code) the phone's."
)


class TimeWindowExplorer(LabWidget):
    """Sliders for the server's time, its window ±w and the phone's clock skew.

    The picture shows steps T − 7 … T + 7; green steps marked ✓ are those the server
    accepts (RFC 6238 §5.2), the blue line is the server's clock and the orange one the
    phone's. `picture` is an HTML widget: the image, its text alternative and a caption.
    `verdict` (an HTML widget) says "accepted: step T−1" or why the code is refused.
    """

    def __init__(
        self,
        secret: str = EXAMPLE_SECRET,
        start: float = EXAMPLE_START,
        *,
        window: int = 1,
        skew: int = 0,
        period: int = 30,
    ) -> None:
        self.secret = secret
        self.start = float(start)
        self.period = period
        self.uri = otp.provisioning_uri(secret, "alice", "MFA Lab", period=period)
        style = {"description_width": "150px"}
        layout = widgets.Layout(width="520px")
        self.time_slider = Slider(
            value=0, min=-90, max=90, step=1, description="server time (s)",
            continuous_update=False, style=style, layout=layout,
        )
        self.window_slider = Slider(
            value=window, min=0, max=4, description="window ±w (steps)",
            continuous_update=False, style=style, layout=layout,
        )
        self.skew_slider = Slider(
            value=skew, min=-180, max=180, step=5, description="phone skew (s)",
            continuous_update=False, style=style, layout=layout,
        )
        self.picture = widgets.HTML()
        self.png = b""  # the picture's PNG bytes, as last drawn
        self.verdict = widgets.HTML()
        self.verdict_text = ""  # the verdict as plain text, for print() and tests
        for slider in (self.time_slider, self.window_slider, self.skew_slider):
            slider.observe(self._changed, names="value")
        super().__init__(
            [self.time_slider, self.window_slider, self.skew_slider, self.picture, self.verdict]
        )
        self.refresh()

    def __repr__(self) -> str:
        return (
            f"TimeWindowExplorer(window=±{self.window_slider.value}, "
            f"skew={self.skew_slider.value:+d} s)"
        )

    def _changed(self, change: object) -> None:
        self.refresh()

    @property
    def server_time(self) -> float:
        """The server's clock: the start plus the time slider, in unix seconds."""
        return self.start + float(self.time_slider.value)

    def phone_code(self) -> str:
        """The code a phone whose clock is `skew` seconds off shows at the server's time."""
        phone = VirtualAuthenticator(
            clock=FrozenClock(self.server_time), skew=self.skew_slider.value
        )
        phone.scan(self.uri)
        return phone.code()

    def refresh(self) -> None:
        """Recompute the verdict (with `otp.verify`) and redraw the timeline."""
        try:
            now = self.server_time
            window = int(self.window_slider.value)
            code = self.phone_code()
            server_step = otp.time_step(now, self.period)
            phone_now = max(0.0, now + self.skew_slider.value)
            phone_offset = otp.time_step(phone_now, self.period) - server_step
            matched = otp.verify(self.secret, code, now, window=window, period=self.period)
        except AuthError as exc:
            self.verdict_text = friendly_error(exc)
            self.verdict.value = message_html(self.verdict_text, "error")
            self.png, self.picture.value = b"", ""
            return
        accepted = f"{step_label(-window)} … {step_label(window)}" if window else "T only"
        if matched is None:
            text = (
                f"refused: the phone shows {code}, the code of step {step_label(phone_offset)}; "
                f"the server accepts {accepted}."
            )
        else:
            text = (
                f"accepted: step {step_label(matched - server_step)} "
                f"(the phone shows {code}; the server accepts {accepted})."
            )
        self.png = png(self.timeline())
        alt = f"Timeline of time steps {step_label(-_SHOWN_STEPS)} to " \
            f"{step_label(_SHOWN_STEPS)}: {text}"
        self.picture.value = picture_html(
            self.png, alt, width=_PICTURE_WIDTH, caption=_CAPTION.format(period=self.period))
        # The verdict last: when it is announced (and shown), the picture already matches it.
        self.verdict_text = text
        self.verdict.value = message_html(text, "error" if matched is None else "ok")

    def timeline(self) -> Figure:
        """The picture for the current sliders, as a matplotlib `Figure` (no pyplot)."""
        now = self.server_time
        window = int(self.window_slider.value)
        phone_now = max(0.0, now + self.skew_slider.value)
        code = self.phone_code()
        period = self.period
        server_step = otp.time_step(now, period)
        origin = server_step * period  # the start of step T, drawn at x = 0
        figure = Figure(figsize=(10, 2.4))
        axes = figure.add_subplot()
        for offset in range(-_SHOWN_STEPS, _SHOWN_STEPS + 1):
            inside = abs(offset) <= window
            colour = _COLOURS["accepted"] if inside else _COLOURS["refused"]
            axes.add_patch(
                Rectangle((offset * period, 0), period, 1, facecolor=colour,
                          edgecolor="#9e9e9e", linewidth=1, hatch=None if inside else "///")
            )
            axes.text(offset * period + period / 2, 0.78, step_label(offset),
                      ha="center", fontsize=9,
                      bbox={"facecolor": colour, "edgecolor": "none", "pad": 1})
            if inside:
                axes.text(offset * period + period / 2, 0.1, "✓", ha="center", fontsize=11,
                          color="#1b5e20")
        phone_offset = otp.time_step(phone_now, period) - server_step
        lowest, highest = -_SHOWN_STEPS * period, (_SHOWN_STEPS + 1) * period
        phone_x = phone_now - origin
        axes.axvline(now - origin, color=_COLOURS["server"], linewidth=2.5)
        axes.text(now - origin, 1.05, "server", color=_COLOURS["server"], ha="center",
                  fontsize=9)
        if lowest <= phone_x <= highest:
            axes.axvline(phone_x, color=_COLOURS["phone"], linewidth=2.5, linestyle="--")
            axes.text(phone_x, -0.22, "phone", color=_COLOURS["phone"], ha="center",
                      fontsize=9)
            axes.add_patch(
                Rectangle((phone_offset * period, 0), period, 1, fill=False,
                          edgecolor=_COLOURS["phone"], linewidth=2.5)
            )
            axes.text(phone_offset * period + period / 2, 0.35, code, ha="center",
                      fontsize=8, family="monospace", color=_COLOURS["phone"],
                      bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
        else:
            x, anchor = (lowest + 4, "left") if phone_x < lowest else (highest - 4, "right")
            axes.text(x, 0.4, f"phone: step {step_label(phone_offset)}, off the chart",
                      ha=anchor, fontsize=9, color=_COLOURS["phone"])
        axes.set_xlim(lowest, highest)
        axes.set_ylim(-0.35, 1.25)
        axes.set_yticks([])
        axes.set_xlabel(f"seconds from the start of the server's step T ({period} s steps)")
        for edge in ("left", "right", "top"):
            axes.spines[edge].set_visible(False)
        figure.tight_layout()
        return figure


class LiveCode(LabWidget):
    """The current code of `secret` and the seconds it has left, on a (real) clock.

    Press "Start the countdown" to let it tick: a hidden `Play` control counts in the
    browser once a second and each tick redraws the code, so nothing in the kernel loops
    or sleeps. The same button pauses it.
    """

    def __init__(self, secret: str = EXAMPLE_SECRET, clock: Clock | None = None,
                 period: int = 30) -> None:
        otp.secret_bytes(secret)  # a bad secret fails here, with InvalidSecret
        self.secret = secret
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.period = period
        # The Play control counts in the browser; it stays hidden because its own buttons
        # are bare icons with no name a screen reader could say (WCAG 2.1 4.1.2): a named
        # button starts and pauses it instead.
        self.ticker = widgets.Play(
            value=0, min=0, max=1_000_000, step=1, interval=1000, repeat=True,
            description="tick", layout=widgets.Layout(display="none"),
        )
        self.play_button = button(_START, icon="play")
        self.play_button.on_click(self._start_or_pause)
        self.screen = widgets.HTML()
        self.ticker.observe(self._tick, names="value")
        self.ticker.observe(self._playing, names="playing")
        super().__init__([widgets.HBox([self.play_button, self.ticker, self.screen],
                                       layout=widgets.Layout(align_items="center"))])
        self.refresh()

    def __repr__(self) -> str:
        return f"LiveCode(period={self.period} s)"

    def _tick(self, change: object) -> None:
        self.refresh()

    def _start_or_pause(self, _button: object = None) -> None:
        self.ticker.playing = not self.ticker.playing

    def _playing(self, change: object) -> None:
        playing = bool(self.ticker.playing)
        self.play_button.description = _PAUSE if playing else _START
        self.play_button.icon = "pause" if playing else "play"

    def refresh(self) -> None:
        """Show the code for the clock's current time and how long it has left."""
        now = self.clock.now()
        code = otp.totp(self.secret, now, period=self.period)
        left = self.period - now % self.period
        share = 100 * left / self.period
        colour = "#b71c1c" if left < 6 else "#1b5e20"
        self.screen.value = (
            '<div style="display:flex;align-items:center;gap:14px">'
            f'<span style="font:bold 28px monospace;letter-spacing:2px">'
            f"{html.escape(spaced_code(code))}</span>"
            f'<span style="display:inline-block;width:160px;height:10px;background:#eee">'
            f'<span style="display:block;height:10px;width:{share:.0f}%;background:{colour}">'
            f"</span></span><span>{left:.0f} s left (step {otp.time_step(now, self.period)})"
            "</span></div>"
        )
