"""Lesson 00 widget: a login form with two factors, next to a simulated phone.

The learner types the password (something you know) and the code the phone shows
(something you have), then clicks *Log in* (or presses Enter). The widget calls
`AuthService.login` and `AuthService.verify` and shows their answer: access granted, or
the error's own sentence (NIST SP 800-63B-4 §2.2: AAL2 needs two different factors). On a
clock that can move (`FrozenClock`, `LabClock`), *Wait 30 s* moves the simulated time on
so the phone shows a new code — a code's time step can be used only once (RFC 6238 §5.2).
No security decision is made here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ..errors import AuthError, TooManyAttempts
from ..phone import VirtualAuthenticator
from ..service import AuthService
from ._common import LabWidget, button, friendly_error, message_html, on_enter
from .parts import phone_html

__all__ = ["LoginDemo"]


class LoginDemo(LabWidget):
    """A two-factor login form (`auth`) beside the simulated phone that holds the code."""

    def __init__(
        self, auth: AuthService, phone: VirtualAuthenticator, username: str = "alice"
    ) -> None:
        self.auth = auth
        self.phone = phone
        self._locked_until: float | None = None  # from the service's last TooManyAttempts
        self.username = widgets.Text(value=username, description="Username")
        self.password = widgets.Password(description="Password",
                                         placeholder="something you know")
        self.code = widgets.Text(description="Code", placeholder="something you have")
        self.button = button("Log in", button_style="primary", icon="sign-in")
        self.wait = button(f"Wait {auth.period} s", icon="clock-o",
                           tooltip=f"Move the lab's simulated clock on by {auth.period} s")
        self.screen = widgets.HTML()
        self.result = widgets.HTML(
            message_html("Type the password and the code the phone shows, then log in.")
        )
        self.button.on_click(self._on_login)
        for field in (self.username, self.password, self.code):
            on_enter(field, self._on_login)
        self.wait.on_click(self._on_wait)
        self._advance: Callable[[float], object] | None = getattr(auth.clock, "advance", None)
        self.wait.layout.display = None if callable(self._advance) else "none"
        self._show_phone()
        form = widgets.VBox([self.username, self.password, self.code,
                             widgets.HBox([self.button, self.wait])])
        phone_box = widgets.VBox(
            [widgets.HTML("<b>📱 Phone</b>"), self.screen],
            layout=widgets.Layout(border="2px solid #888", padding="6px", margin="0 0 0 16px",
                                  width="200px"),
        )
        super().__init__([widgets.HBox([form, phone_box],
                                       layout=widgets.Layout(flex_flow="row wrap")),
                          self.result])

    def __repr__(self) -> str:
        return "LoginDemo()"

    def _show_phone(self) -> None:
        """Show what the phone's screen shows now: its account label and current code."""
        self.screen.value = phone_html(self.phone)

    def _on_wait(self, _button: Any = None) -> None:
        if callable(self._advance):
            self._advance(self.auth.period)
        self._show_phone()
        if self._locked_until is not None and self.auth.clock.now() >= self._locked_until:
            self._locked_until = None
            self.result.value = message_html("The lock is over: you may try again.", "info")

    def _on_login(self, _button: Any = None) -> None:
        if not self.password.value or not self.code.value.strip():
            self.result.value = message_html(
                "Both factors are needed: type the password and the code.", "warn"
            )
            self._show_phone()
            return
        self._locked_until = None
        try:
            challenge = self.auth.login(self.username.value, self.password.value)
        except AuthError as exc:  # every refusal is the package's own sentence
            self._remember_lock(exc)
            self.result.value = message_html(f"Access denied: {friendly_error(exc)}", "error")
            self._show_phone()
            return
        try:
            session = self.auth.verify(challenge, self.code.value)
        except AuthError as exc:
            self._remember_lock(exc)
            self.result.value = message_html(
                f"Password right, code refused — access denied: {friendly_error(exc)}",
                "error",
            )
        else:
            self.result.value = message_html(
                f"Access granted: welcome, {session.username}! (password + {session.method})",
                "ok",
            )
        self.code.value = ""
        self._show_phone()

    def _remember_lock(self, error: AuthError) -> None:
        """Keep the service's own countdown, to say when its lock is over."""
        if isinstance(error, TooManyAttempts):
            self._locked_until = self.auth.clock.now() + error.retry_after
