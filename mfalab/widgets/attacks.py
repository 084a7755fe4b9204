"""Lesson 05's widgets: the verifier's checklist, and a brute-force attack on the throttle.

`VerifierInspector` logs in to a demonstration account and sends whatever the learner
types to `AuthService.verify`; it then reads the service's answer and the audit trail
to show which step of the checklist stopped the code (or let it through): the throttle
(NIST SP 800-63B-4 §3.2.2), the shape of the input (one code, one spelling), the
window (RFC 6238 §5.2) and replay (RFC 6238 §5.2: a code is accepted at most once).

`simulate_guessing` plays an online guesser against the real throttle schedule of
`mfalab.throttle` on a `FrozenClock`, checking each guess with `otp.verify`;
`BruteForceSimulator` wraps it in sliders, a progress bar and a plot.

The widgets decide nothing themselves: every verdict is the package's.
"""

from __future__ import annotations

import html
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as widgets
from argon2 import Parameters

from .. import otp, passwords, throttle
from ..clock import FrozenClock
from ..errors import AuthError, CodeReused, InvalidCode, SecondFactorDisabled, TooManyAttempts
from ..phone import VirtualAuthenticator
from ..service import AuthService
from ..store import UserStore
from ..throttle import Throttle
from ._common import friendly_error, message_html
from .time_window import EXAMPLE_SECRET, EXAMPLE_START, _png

__all__ = [
    "CHECKLIST",
    "BruteForceSimulator",
    "GuessingReport",
    "VerifierInspector",
    "fullwidth",
    "naive_readings",
    "simulate_guessing",
    "to_arabic_indic",
]

DEMO_PASSWORD = "violet anchor tundra 58"  # a public lesson example  # noqa: S105  # nosec B105
#: The verifier's checklist, in the order `AuthService.verify` runs it.
CHECKLIST: tuple[tuple[str, str], ...] = (
    ("throttle", "Throttle: the account is not locked (NIST SP 800-63B-4 §3.2.2)"),
    ("shape", "Shape: exactly 6 ASCII digits once spaces are removed (one code, one spelling)"),
    ("window", "Window: the code of a step the server accepts (RFC 6238 §5.2)"),
    ("replay", "Replay: a step newer than the last accepted one (RFC 6238 §5.2)"),
)
_FACTOR_EVENTS = {
    "code_malformed": "shape",
    "code_rejected": "window",
    "code_reused": "replay",
    "code_accepted": "",
}
_SHOWN_CHARACTERS = 40


def fullwidth(text: str) -> str:
    """`text` with ASCII digits 0–9 replaced by their fullwidth twins ０–９ (U+FF10…)."""
    return text.translate({ord("0") + i: 0xFF10 + i for i in range(10)})


def to_arabic_indic(text: str) -> str:
    """`text` with ASCII digits 0–9 replaced by Arabic-Indic digits ٠–٩ (U+0660…)."""
    return text.translate({ord("0") + i: 0x0660 + i for i in range(10)})


def _shown(text: str) -> str:
    """A short, printable rendering of any typed text (long pastes are cut)."""
    if len(text) > _SHOWN_CHARACTERS:
        return repr(text[:_SHOWN_CHARACTERS]) + f" … ({len(text):,} characters)"
    return repr(text)


def naive_readings(text: str) -> list[tuple[str, str]]:
    """What careless checks make of `text`: `int()`, `str.isdigit()` and NFKC (pyotp's way).

    For teaching only: these are the readings a strict verifier must not rely on.
    """
    try:
        as_int = str(int(text))
    except ValueError:
        as_int = "ValueError: int() refuses it"
    nfkc = unicodedata.normalize("NFKC", text)
    return [
        ("int(code)", as_int),
        ("code.isdigit()", str(text.isdigit())),
        ("NFKC, as pyotp does", _shown(nfkc)),
    ]


class VerifierInspector(widgets.VBox):  # type: ignore[misc]
    """Type a code and see each step of the verifier's checklist pass or fail.

    Builds its own demonstration account ('alice', enrolled on a `VirtualAuthenticator`)
    on a `FrozenClock`, unless given `auth` and `phone` for an enrolled account. Each
    "Check" logs in with the password and calls `auth.verify`; the result table comes
    from the exception it raises (or the session) and the audit events it wrote.
    "Wait 30 s" advances the service's clock when it is a `FrozenClock` (a real clock
    moves by itself).
    """

    def __init__(
        self,
        auth: AuthService | None = None,
        phone: VirtualAuthenticator | None = None,
        *,
        username: str = "alice",
        password: str = DEMO_PASSWORD,
        password_profile: Parameters = passwords.DEFAULT_PROFILE,
    ) -> None:
        if auth is None or phone is None:
            auth, phone = self._demo_account(username, password, password_profile)
        self.auth = auth
        self.phone = phone
        self.username = username
        self.password = password
        self.code = widgets.Text(
            placeholder="type a code, e.g. 123456", description="code",
            layout=widgets.Layout(width="320px"),
        )
        self.check_button = widgets.Button(description="Check", button_style="primary")
        self.phone_button = widgets.Button(description="Phone's code")
        self.fullwidth_button = widgets.Button(description="Make it fullwidth")
        self.arabic_button = widgets.Button(
            description="Make it Arabic-Indic", layout=widgets.Layout(width="auto")
        )
        self.wait_button = widgets.Button(description="Wait 30 s")
        self.clock_line = widgets.HTML()
        self.result = widgets.HTML(message_html("Type a code and press Check.", "info"))
        self.check_button.on_click(lambda _: self.check())
        self.phone_button.on_click(lambda _: self._fill_phone_code())
        self.fullwidth_button.on_click(lambda _: self._set_code(fullwidth(self.code.value)))
        self.arabic_button.on_click(lambda _: self._set_code(to_arabic_indic(self.code.value)))
        self.wait_button.on_click(lambda _: self._wait())
        buttons = widgets.HBox(
            [self.check_button, self.phone_button, self.fullwidth_button, self.arabic_button,
             self.wait_button]
        )
        super().__init__([widgets.HBox([self.code, self.clock_line]), buttons, self.result])
        self._show_clock()

    def __repr__(self) -> str:
        return f"VerifierInspector(account={self.username!r})"

    @staticmethod
    def _demo_account(
        username: str, password: str, profile: Parameters
    ) -> tuple[AuthService, VirtualAuthenticator]:
        clock = FrozenClock(EXAMPLE_START)
        auth = AuthService(UserStore(":memory:"), clock=clock, password_profile=profile)
        auth.register(username, password)
        enrollment = auth.begin_enrollment(username, password)
        phone = VirtualAuthenticator(clock=clock)
        phone.scan(enrollment.uri)
        auth.confirm_enrollment(enrollment, phone.code())
        clock.advance(30)  # the confirming step counts as used
        return auth, phone

    def _set_code(self, text: str) -> None:
        self.code.value = text

    def _fill_phone_code(self) -> None:
        try:
            self.code.value = self.phone.code()
        except AuthError as exc:
            self.result.value = message_html(friendly_error(exc), "error")

    def _wait(self) -> None:
        clock = self.auth.clock
        if isinstance(clock, FrozenClock):
            clock.advance(self.auth.period)
        self._show_clock()

    def _show_clock(self) -> None:
        now = self.auth.clock.now()
        step = otp.time_step(now, self.auth.period)
        status = self.auth.status(self.username)
        lock = f"; locked for {status.retry_after:.0f} s" if status.retry_after else ""
        self.clock_line.value = (
            f'<span style="color:#555">server step T = {step}, failures in a row: '
            f"{status.failures}{html.escape(lock)}</span>"
        )

    def check(self) -> None:
        """Log in, send the typed code to `auth.verify`, and show the checklist."""
        typed = self.code.value
        if not isinstance(typed, str) or typed == "":
            self.result.value = message_html("Type a code first (or press Phone's code).", "warn")
            return
        before = len(self.auth.audit_log(self.username))
        refusal: AuthError | None = None
        try:
            challenge = self.auth.login(self.username, self.password)
            self.auth.verify(challenge, typed)
        except (TooManyAttempts, SecondFactorDisabled, InvalidCode) as exc:
            refusal = exc
        except AuthError as exc:
            self.result.value = message_html(friendly_error(exc), "error")
            return
        events = self.auth.audit_log(self.username)[before:]
        factor = [e for e in events if e.event in _FACTOR_EVENTS]
        failed = "throttle" if isinstance(refusal, (TooManyAttempts, SecondFactorDisabled)) else (
            _FACTOR_EVENTS[factor[-1].event] if factor else ""
        )
        if isinstance(refusal, CodeReused):
            failed = "replay"
        self.result.value = self._render(typed, failed, refusal, [
            f"{e.event}: {e.detail}" if e.detail else e.event for e in events
            if e.event != "password_ok"
        ])
        self._show_clock()

    def _render(
        self, typed: str, failed: str, refusal: AuthError | None, events: list[str]
    ) -> str:
        rows = []
        reached = True
        for key, label in CHECKLIST:
            if not reached:
                mark, note = "·", "not reached"
            elif key == failed:
                mark, note, reached = "⛔", friendly_error(refusal) if refusal else "", False
            else:
                mark, note = "✅", ""
            rows.append(
                f"<tr><td>{mark}</td><td>{html.escape(label)}</td>"
                f'<td style="color:#b71c1c">{html.escape(note)}</td></tr>'
            )
        if refusal is None:
            verdict = message_html("Signed in: the service issued a session.", "ok")
        else:
            verdict = message_html(f"Refused ({type(refusal).__name__}).", "error")
        naive = "".join(
            f"<li><code>{html.escape(name)}</code> → {html.escape(value)}</li>"
            for name, value in naive_readings(typed)
        )
        audit = "".join(f"<li>{html.escape(line)}</li>" for line in events)
        return (
            f"<div>You typed {html.escape(_shown(typed))}</div>"
            f'<table style="border-collapse:collapse">{"".join(rows)}</table>{verdict}'
            f'<details><summary>What a naive verifier would read</summary><ul>{naive}</ul>'
            f"</details><div>Audit trail of this attempt:</div><ul>{audit}</ul>"
        )


@dataclass(frozen=True)
class GuessingReport:
    """What an online guesser achieved against the throttle in the simulated time."""

    days: float
    window: int
    cap: bool
    attempts: int
    guessed: bool
    disabled_at: float | None  # seconds after the start, when the factor was switched off
    timeline: tuple[tuple[float, int], ...]  # (seconds after the start, attempts so far)

    @property
    def odds_per_guess(self) -> float:
        """The chance one random guess matches: 2w + 1 accepted codes out of 10^6."""
        return (2 * self.window + 1) / 10**6

    @property
    def chance(self) -> float:
        """The chance that `attempts` random guesses find a code: 1 − (1 − p)^n."""
        return 1 - (1 - self.odds_per_guess) ** self.attempts

    def summary(self) -> str:
        """One paragraph, in words."""
        text = (
            f"In {self.days:g} simulated days the guesser made {self.attempts} attempts "
            f"(window ±{self.window}: each guess wins with odds {self.odds_per_guess:.0e}); "
            f"chance of success {self.chance:.4%}."
        )
        if self.guessed:
            text += " A guess matched: the attacker is in."
        if self.disabled_at is not None:
            text += (
                f" The second factor was switched off after {throttle.DISABLE_AFTER} failures, "
                f"{self.disabled_at / 86400:.2f} days in: no more guesses until an "
                "administrator resets it."
            )
        return text


def simulate_guessing(
    days: float,
    *,
    window: int = 1,
    cap: bool = True,
    secret: str = EXAMPLE_SECRET,
    start: float = EXAMPLE_START,
    seed: int = 2026,
    seconds_per_guess: float = 1.0,
    progress: Callable[[float], None] | None = None,
) -> GuessingReport:
    """Play an attacker who knows the password and guesses random codes as fast as allowed.

    Time runs on a `FrozenClock`; after each wrong guess the state moves by
    `throttle.after_failure` (the service's own schedule: a 30 s lock at the 5th failure,
    doubling to one hour), and a locked attacker waits `throttle.retry_after`. With
    `cap`, the 100th failure switches the factor off (NIST SP 800-63B-4 §3.2.2); without
    it the attacker carries on at one hour per guess. Guesses come from `random.Random(seed)`
    so a run is reproducible; each is checked with `otp.verify`. `progress(fraction)` is
    called as simulated time passes.
    """
    if isinstance(days, bool) or not isinstance(days, (int, float)) or not 0 < days <= 3650:
        raise ValueError("days is a number of simulated days from 0 to 3650")
    clock = FrozenClock(start)
    end = start + days * 86400
    state = Throttle()
    rng = random.Random(seed)  # reproducible, not a secret  # noqa: S311  # nosec B311
    attempts, guessed, disabled_at = 0, False, None
    timeline: list[tuple[float, int]] = [(0.0, 0)]
    reported = -1
    while clock.now() < end:
        now = clock.now()
        if progress is not None and int(100 * (now - start) / (end - start)) > reported:
            reported = int(100 * (now - start) / (end - start))
            progress(reported / 100)
        wait = throttle.retry_after(state, now)
        if wait > 0:
            clock.advance(min(wait, end - now))
            continue
        guess = f"{rng.randrange(10**6):06d}"
        attempts += 1
        if otp.verify(secret, guess, now, window=window) is not None:
            guessed = True
            timeline.append((now - start, attempts))
            break
        state = throttle.after_failure(state, now, can_disable=cap)
        timeline.append((now - start, attempts))
        if state.disabled:
            disabled_at = now - start
            break
        clock.advance(seconds_per_guess)
    if progress is not None:
        progress(1.0)
    return GuessingReport(float(days), window, cap, attempts, guessed, disabled_at,
                          tuple(timeline))


class BruteForceSimulator(widgets.VBox):  # type: ignore[misc]
    """Sliders (days, window, the cap of 100) around `simulate_guessing`, with a plot."""

    def __init__(self, days: int = 7, window: int = 1, cap: bool = True) -> None:
        style = {"description_width": "130px"}
        self.days_slider = widgets.IntSlider(
            value=days, min=1, max=365, description="simulated days", style=style,
            continuous_update=False, layout=widgets.Layout(width="480px"),
        )
        self.window_slider = widgets.IntSlider(
            value=window, min=0, max=3, description="window ±w", style=style,
            continuous_update=False,
        )
        self.cap_box = widgets.Checkbox(
            value=cap, description="switch the factor off after 100 failures (NIST cap)",
            indent=False,
        )
        self.run_button = widgets.Button(description="Run the attack", button_style="danger")
        self.progress = widgets.FloatProgress(value=0, min=0, max=1, description="simulated")
        self.report = widgets.HTML(message_html("Choose the settings and run the attack.", "info"))
        self.picture = widgets.Image(format="png", layout=widgets.Layout(width="640px"))
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
        except (ValueError, AuthError) as exc:
            self.report.value = message_html(friendly_error(exc), "error")
            return None
        self.last = report
        kind = "error" if report.guessed else "ok"
        self.report.value = message_html(report.summary(), kind)
        self.picture.value = self._draw(report)
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
        return _png(figure)
