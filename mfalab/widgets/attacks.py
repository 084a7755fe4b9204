"""Lesson 05's widgets: the verifier's checklist, and a brute-force attack on the throttle.

`VerifierInspector` logs in to a demonstration account (`mfalab.lab.enrolled_account`)
and sends whatever the learner types to `AuthService.verify`; the refusal's own `check`
attribute (`mfalab.events.Check`) says which step of the checklist stopped the code: the
throttle (NIST SP 800-63B-4 §3.2.2), the shape of the input (one code, one spelling),
the window (RFC 6238 §5.2) or replay (RFC 6238 §5.2: a code is accepted at most once).

`BruteForceSimulator` (in `brute_force`, importable from here too) wraps
`mfalab.lab.simulate_guessing`, an online guesser against the real throttle schedule.

The widgets decide nothing themselves: every verdict is the package's.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as widgets
from argon2 import Parameters

from .. import otp, passwords, throttle
from ..errors import AuthError
from ..events import Check
from ..lab import (
    EXAMPLE_PASSWORD,
    GuessingReport,
    enrolled_account,
    fullwidth,
    naive_readings,
    shown,
    simulate_guessing,
    to_arabic_indic,
)
from ..models import AccountStatus, AuditEvent
from ..phone import VirtualAuthenticator
from ..service import AuthService
from ._common import (
    LabWidget,
    button,
    friendly_error,
    live,
    message_html,
    on_enter,
)
from .brute_force import BruteForceSimulator

__all__ = [
    "CHECKLIST",
    "BruteForceSimulator",
    "ChecklistStep",
    "GuessingReport",
    "VerifierInspector",
    "checklist",
    "fullwidth",
    "naive_readings",
    "simulate_guessing",
    "to_arabic_indic",
]

DEMO_PASSWORD = EXAMPLE_PASSWORD


@dataclass(frozen=True)
class ChecklistStep:
    """One step of the verifier's checklist: the checks it stands for, and its outcomes."""

    checks: frozenset[Check]
    name: str
    passed: str
    refused: str


def checklist(digits: int = 6) -> tuple[ChecklistStep, ...]:
    """The verifier's checklist, in the order `AuthService.verify` runs it."""
    return (
        ChecklistStep(frozenset({Check.THROTTLE, Check.DISABLED}),
                      "Throttle (NIST SP 800-63B-4 §3.2.2)",
                      "not locked, so this attempt counts",
                      "locked (or switched off): refused without being counted"),
        ChecklistStep(frozenset({Check.SHAPE}), "Shape (one code, one spelling)",
                      f"exactly {digits} ASCII digits once spaces are removed",
                      f"not exactly {digits} ASCII digits"),
        ChecklistStep(frozenset({Check.WINDOW}), "Window (RFC 6238 §5.2)",
                      "the code of a step the server accepts",
                      "no step the server accepts has this code"),
        ChecklistStep(frozenset({Check.REPLAY}), "Replay (RFC 6238 §5.2)",
                      "a step newer than the last accepted one",
                      "that time step was already used"),
    )


#: The checklist for the default 6-digit codes.
CHECKLIST = checklist()
_MARKS = {"passed": "✅", "refused": "⛔", "not reached": "·"}


def _new_events(before: list[AuditEvent], after: list[AuditEvent]) -> list[AuditEvent]:
    """The audit rows an attempt wrote: new rows, and a merged row whose count grew."""
    grown = [after[i] for i in range(min(len(before), len(after)))
             if after[i].repeats != before[i].repeats]
    return grown + after[len(before):]


class VerifierInspector(LabWidget):
    """Type a code and see each step of the verifier's checklist pass or fail.

    Builds its own demonstration account ('alice', enrolled on a `VirtualAuthenticator`
    on a `FrozenClock`: `mfalab.lab.enrolled_account`), unless given `auth` and `phone`
    for an enrolled account. Each "Check" (or Enter) logs in with the password and calls
    `auth.verify`; the refusal's `check` attribute says which step refused the code.
    "Wait 30 s" advances the service's clock when it can move (a real clock moves by
    itself). The line under the code field is the server's side of the demonstration
    account, for the lesson: a real login page shows no one its failure count.
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
            account = enrolled_account(username=username, password=password,
                                       password_profile=password_profile)
            auth, phone = account.auth, account.phone
        self.auth = auth
        self.phone = phone
        self.username = username
        self.password = password
        self.steps = checklist(auth.digits)
        self._lock_on_screen = False  # the result shows a throttle refusal
        self.code = widgets.Text(
            placeholder="type a code, e.g. 123456", description="code",
            layout=widgets.Layout(width="320px"),
        )
        self.check_button = button("Check", button_style="primary")
        self.phone_button = button("Phone's code")
        self.fullwidth_button = button("Make it fullwidth")
        self.arabic_button = button("Make it Arabic-Indic")
        self.wait_button = button(f"Wait {auth.period} s", icon="forward",
                                  tooltip="Move the lab's simulated clock on by one step")
        self.clock_line = widgets.HTML()
        self.result = widgets.HTML(message_html("Type a code and press Check.", "info"))
        self.check_button.on_click(lambda _: self.check())
        on_enter(self.code, self.check)
        self.phone_button.on_click(lambda _: self._fill_phone_code())
        self.fullwidth_button.on_click(lambda _: self._set_code(fullwidth(self.code.value)))
        self.arabic_button.on_click(lambda _: self._set_code(to_arabic_indic(self.code.value)))
        self.wait_button.on_click(lambda _: self._wait())
        advance = getattr(auth.clock, "advance", None)
        self.wait_button.layout.display = None if callable(advance) else "none"
        buttons = widgets.HBox(
            [self.check_button, self.phone_button, self.fullwidth_button, self.arabic_button,
             self.wait_button], layout=widgets.Layout(flex_flow="row wrap"),
        )
        super().__init__([widgets.HBox([self.code, self.clock_line],
                                       layout=widgets.Layout(flex_flow="row wrap")),
                          buttons, self.result])
        self._show_clock()

    def __repr__(self) -> str:
        return f"VerifierInspector(account={self.username!r})"

    def _set_code(self, text: str) -> None:
        self.code.value = text

    def _fill_phone_code(self) -> None:
        try:
            self.code.value = self.phone.code()
        except AuthError as exc:
            self.result.value = message_html(friendly_error(exc), "error")

    def _wait(self) -> None:
        advance: Callable[[float], object] | None = getattr(self.auth.clock, "advance", None)
        if callable(advance):
            advance(self.auth.period)
        status = self._show_clock()
        if self._lock_on_screen and status.retry_after == 0 and not status.disabled:
            self._lock_on_screen = False
            self.result.value = message_html(
                "The lock is over: press Check to try a code again.", "info")

    def _show_clock(self) -> AccountStatus:
        now = self.auth.clock.now()
        step = otp.time_step(now, self.auth.period)
        status = self.auth.status(self.username)
        lock = f"; locked for {status.retry_after:.0f} s" if status.retry_after else ""
        if status.disabled:
            lock = "; second factor switched off"
        self.clock_line.value = (
            '<span style="color:#555">The server\'s side: step T = '
            f"{step}, failures in a row: {status.failures} (a lock starts at "
            f"{throttle.LOCK_AFTER}){html.escape(lock)}</span>"
        )
        return status

    def check(self) -> None:
        """Log in, send the typed code to `auth.verify`, and show the checklist."""
        typed = self.code.value
        if typed == "":
            self.result.value = message_html("Type a code first (or press Phone's code).", "warn")
            return
        before = self.auth.audit_log(self.username)
        refusal: AuthError | None = None
        try:
            challenge = self.auth.login(self.username, self.password)
            self.auth.verify(challenge, typed)
        except AuthError as exc:
            refusal = exc
        failed = None if refusal is None else refusal.check
        if refusal is not None and not any(failed in step.checks for step in self.steps):
            self.result.value = message_html(friendly_error(refusal), "error")
            return  # refused before the second factor (not a step of this checklist)
        events = _new_events(before, self.auth.audit_log(self.username))
        self._lock_on_screen = failed in (Check.THROTTLE, Check.DISABLED)
        self.result.value = self._render(typed, refusal, [
            f"{e.event}: {e.detail}" if e.detail else str(e.event) for e in events
            if e.event != "password_ok"
        ])
        self._show_clock()

    def _render(self, typed: str, refusal: AuthError | None, events: list[str]) -> str:
        rows = []
        reached = True
        for step in self.steps:
            if not reached:
                outcome, note = "not reached", ""
            elif refusal is not None and refusal.check in step.checks:
                outcome, note, reached = "refused", step.refused, False
            else:
                outcome, note = "passed", step.passed
            said = (f'<div style="color:#b71c1c">{html.escape(friendly_error(refusal))}</div>'
                    if outcome == "refused" and refusal is not None else "")
            rows.append(
                f'<tr><td><span aria-hidden="true">{_MARKS[outcome]}</span> {outcome}</td>'
                f'<th scope="row" style="text-align:left">{html.escape(step.name)}</th>'
                f"<td>{html.escape(note)}{said}</td></tr>"
            )
        if refusal is None:
            verdict = message_html("Signed in: the service issued a session.", "ok",
                                   region=False)
        else:
            verdict = message_html(
                f"Refused ({type(refusal).__name__}): the {refusal.check} check.", "error",
                region=False)
        naive = "".join(
            f"<li><code>{html.escape(name)}</code> → {html.escape(value)}</li>"
            for name, value in naive_readings(typed)
        )
        audit = "".join(f"<li>{html.escape(line)}</li>" for line in events)
        return (
            f"<div>You typed {html.escape(shown(typed))}</div>"
            f'<table style="border-collapse:collapse">{"".join(rows)}</table>{live(verdict)}'
            f'<details><summary>What a naive verifier would read</summary><ul>{naive}</ul>'
            f"</details><div>What the audit trail recorded:</div><ul>{audit}</ul>"
        )
