"""Lesson 05's brute-force simulator: an online guesser against the throttle, plotted.

`BruteForceSimulator` wraps `mfalab.lab.simulate_guessing` (the real throttle schedule of
`mfalab.throttle`, NIST SP 800-63B-4 §3.2.2, on simulated time) in sliders, a progress bar
and a plot with a text alternative and a caption saying what it shows.
"""

from __future__ import annotations

import ipywidgets as widgets

from .. import throttle
from ..errors import AuthError
from ..lab import GuessingReport, plural, simulate_guessing
from ._common import LabWidget, button, friendly_error, message_html, picture_html, png
from .slider import Slider

__all__ = ["BruteForceSimulator"]


class BruteForceSimulator(LabWidget):
    """Sliders (days, window, the cap) around `simulate_guessing`, with a captioned plot."""

    def __init__(self, days: int = 7, window: int = 1, cap: bool = True) -> None:
        style = {"description_width": "130px"}
        self.days_slider = Slider(
            value=days, min=1, max=365, description="simulated days", style=style,
            continuous_update=False, layout=widgets.Layout(width="480px", max_width="100%"),
        )
        self.window_slider = Slider(
            value=window, min=0, max=3, description="window ±w", style=style,
            continuous_update=False,
        )
        self.cap_box = widgets.Checkbox(
            value=cap, indent=False, layout=widgets.Layout(width="auto"),
            description=(f"switch the factor off after {throttle.DISABLE_AFTER} failures "
                         "in a row (NIST's cap)"),
        )
        self.run_button = button("Run the attack", button_style="danger")
        self.progress = widgets.FloatProgress(value=0, min=0, max=1, description="simulated")
        self.report = widgets.HTML(message_html(
            f"The throttle locks the factor for {throttle.FIRST_LOCK_SECONDS:g} s after "
            f"{throttle.LOCK_AFTER} failures in a row, doubling each time up to "
            f"{throttle.MAX_LOCK_SECONDS / 60:g} minutes. Choose the settings and run the "
            "attack.", "info"))
        self.picture = widgets.HTML()
        self.last: GuessingReport | None = None
        self.run_button.on_click(lambda _: self.run())
        super().__init__([
            self.days_slider, self.window_slider, self.cap_box,
            widgets.HBox([self.run_button, self.progress]), self.report, self.picture,
        ])

    def __repr__(self) -> str:
        return (
            f"BruteForceSimulator(days={self.days_slider.value}, "
            f"window=±{self.window_slider.value}, cap={self.cap_box.value})"
        )

    def _set_progress(self, fraction: float) -> None:
        self.progress.value = fraction

    def run(self) -> GuessingReport | None:
        """Run the simulation with the current settings; show and return its report."""
        try:
            report = simulate_guessing(
                self.days_slider.value, window=self.window_slider.value,
                cap=self.cap_box.value, progress=self._set_progress,
            )
        except AuthError as exc:
            self.report.value = message_html(friendly_error(exc), "error")
            return None
        self.last = report
        kind = "error" if report.guessed else "ok"
        self.report.value = message_html(report.summary(), kind)
        caption = (
            f"What the plot shows: the guesses made (up) over {plural(report.days, 'day')} "
            "of simulated time (across); each flat stretch is a lock the guesser waits out"
            + (", and the dotted line is where the factor was switched off."
               if report.disabled_at is not None else ".")
        )
        self.picture.value = picture_html(self._draw(report), report.summary(), width=640,
                                          caption=caption)
        return report

    @staticmethod
    def _draw(report: GuessingReport) -> bytes:
        from matplotlib.figure import Figure

        figure = Figure(figsize=(8, 3))
        axes = figure.add_subplot()
        xs = [t / 86400 for t, _ in report.timeline] + [report.days]
        ys = [n for _, n in report.timeline] + [report.attempts]
        axes.step(xs, ys, where="post", color="#b71c1c")
        if report.disabled_at is not None:
            axes.axvline(report.disabled_at / 86400, color="#555", linestyle=":")
            axes.text(report.disabled_at / 86400, report.attempts * 0.5, " factor switched off",
                      color="#555", fontsize=9)
        axes.set_xlabel("simulated days")
        axes.set_ylabel("guesses made")
        axes.set_title(f"chance of success so far: {report.chance:.4%}", fontsize=10)
        figure.tight_layout()
        return png(figure)
