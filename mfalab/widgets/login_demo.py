"""Lesson 00 widget: a login form with two factors, next to a simulated phone.

The learner types the password (something you know) and the code the phone shows
(something you have), then clicks *Log in*. The widget calls `AuthService.login` and
`AuthService.verify` and shows their answer: access granted, or the error's own
sentence (NIST SP 800-63B-4 §2.2: AAL2 needs two different factors). With a
`FrozenClock`, *Wait 30 s* moves time on so the phone shows a new code — a code's time
step can be used only once (RFC 6238 §5.2). No security decision is made here.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from ..phone import VirtualAuthenticator
from ..service import AuthService
from ._common import friendly_error, message_html

__all__ = ["LoginDemo"]


class LoginDemo(widgets.VBox):  # type: ignore[misc]
    """A two-factor login form (`auth`) beside the simulated phone that holds the code."""

    def __init__(
        self, auth: AuthService, phone: VirtualAuthenticator, username: str = "alice"
    ) -> None:
        self.auth = auth
        self.phone = phone
        self.username = widgets.Text(value=username, description="Username")
        self.password = widgets.Password(description="Password",
                                         placeholder="something you know")
        self.code = widgets.Text(description="Code", placeholder="something you have")
        self.button = widgets.Button(description="Log in", button_style="primary",
                                     icon="sign-in")
        self.wait = widgets.Button(description="Wait 30 s", icon="clock-o",
                                   tooltip="Move the lab's frozen clock on by 30 seconds")
        self.screen = widgets.HTML()
        self.result = widgets.HTML(
            message_html("Type the password and the code the phone shows, then log in.")
        )
        self.button.on_click(self._on_login)
        self.wait.on_click(self._on_wait)
        advance = getattr(auth.clock, "advance", None)
        self.wait.layout.display = None if callable(advance) else "none"
        self._show_phone()
        form = widgets.VBox([self.username, self.password, self.code,
                             widgets.HBox([self.button, self.wait])])
        phone_box = widgets.VBox(
            [widgets.HTML("<b>📱 Phone</b>"), self.screen],
            layout=widgets.Layout(border="2px solid #888", padding="6px", margin="0 0 0 16px",
                                  width="200px"),
        )
        super().__init__([widgets.HBox([form, phone_box]), self.result])

    def __repr__(self) -> str:
        return "LoginDemo()"

    def _show_phone(self) -> None:
        """Show what the phone's screen shows now: its account label and current code."""
        try:
            code = self.phone.code()
            label = self.phone.accounts[-1].label
        except Exception as exc:  # an empty phone says so, kindly
            self.screen.value = message_html(friendly_error(exc), "warn")
            return
        seconds = int(self.phone.seconds_left())
        self.screen.value = (
            f"<div>{html.escape(label)}</div>"
            f'<div style="font-size:1.8em;font-family:monospace;letter-spacing:2px">'
            f"{code[:3]} {code[3:]}</div><small>new code in {seconds} s</small>"
        )

    def _on_wait(self, _button: Any = None) -> None:
        advance = getattr(self.auth.clock, "advance", None)
        if callable(advance):
            advance(30)
        self._show_phone()

    def _on_login(self, _button: Any = None) -> None:
        if not self.password.value or not self.code.value.strip():
            self.result.value = message_html(
                "Both factors are needed: type the password and the code.", "warn"
            )
            self._show_phone()
            return
        try:
            challenge = self.auth.login(self.username.value, self.password.value)
        except Exception as exc:  # every refusal is a sentence, never a traceback
            self.result.value = message_html(f"Access denied: {friendly_error(exc)}", "error")
            self._show_phone()
            return
        try:
            session = self.auth.verify(challenge, self.code.value)
        except Exception as exc:
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
