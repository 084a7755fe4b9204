"""What each of the login app's buttons does: call the service, show its answer.

A base class of `LoginApp` (it shares the app's widgets and state). Every action passes
what was typed to the service unchanged (the service alone decides what a code, a
recovery code or a username is) and raises the service's refusals, which the app's
handler turns into the service's own sentences.
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as widgets

from .. import usernames
from ..enrollments import ENROLLMENT_SECONDS
from ..errors import SessionExpired, WeakPassword
from ..models import Challenge, Enrollment, Session
from ..phone import VirtualAuthenticator
from ..service import AuthService
from ._common import message_html
from .parts import qr_html, recovery_codes_html, settings_text

__all__ = ["LoginActions"]


class LoginActions:
    """The actions of `LoginApp`'s buttons (a base class: it shares the app's state)."""

    auth: AuthService
    phone: VirtualAuthenticator
    session: Session | None
    _challenge: Challenge | None
    _enrollment: Enrollment | None
    _codes_on_screen: tuple[str, ...]
    username: widgets.Text
    password: widgets.Password
    code: widgets.Text
    qr: widgets.HTML
    secret: widgets.HTML
    recovery_codes: widgets.HTML
    scan_button: widgets.Button
    confirm_button: widgets.Button
    verify_button: widgets.Button
    new_codes_button: widgets.Button
    logout_button: widgets.Button

    if TYPE_CHECKING:
        def _say(self, text: str, kind: str = "info") -> None: ...
        def _say_html(self, text: str, inner_html: str) -> None: ...
        def _check_lock(self) -> None: ...

    # -- small helpers ------------------------------------------------------------------

    def _field(self, widget: widgets.Text, what: str) -> str | None:
        """The field's text, or None after saying kindly what is missing."""
        value: str = widget.value
        if not value:
            self._say(f"Type {what} first.", "warn")
            return None
        return value  # anything else (too long, letters in a code …) the service judges

    def _name_and_password(self, name_what: str, password_what: str) -> tuple[str, str] | None:
        name = self._field(self.username, name_what)
        password = self._field(self.password, password_what) if name else None
        return None if name is None or password is None else (name, password)

    def _hide_recovery_codes(self) -> None:
        self._codes_on_screen = ()
        self.recovery_codes.value = ""

    def _show_recovery_codes(self, codes: list[str]) -> None:
        self._codes_on_screen = tuple(codes)
        self.recovery_codes.value = recovery_codes_html(codes)

    def _hide_enrollment(self) -> None:
        self._enrollment = None
        self.qr.value = ""
        self.secret.value = ""
        self.scan_button.layout.display = "none"

    def _set_session(self, session: Session | None) -> None:
        self.session = session
        self.logout_button.layout.display = None if session is not None else "none"
        spent = session is not None and session.method == "recovery code"
        self.new_codes_button.layout.display = None if spent else "none"

    # -- the actions --------------------------------------------------------------------

    def _code_entered(self) -> None:
        """Enter in the code field: confirm a pending enrollment, else check the code."""
        (self.confirm_button if self._enrollment is not None else self.verify_button).click()

    def _weak(self, weak: WeakPassword) -> None:
        """A refused password: every reason once, as a list, with a tip."""
        reasons = list(dict.fromkeys(weak.reasons))
        items = "".join(f"<li>{html.escape(r)}</li>" for r in reasons)
        self._say_html(
            "Please choose another password: " + " ".join(reasons),
            message_html("Please choose another password:", "warn", region=False)
            + f'<ul style="margin-top:0">{items}</ul>'
            + message_html("Tip: a phrase of four or more random words is long and easy to "
                           "remember. No need for symbols (NIST SP 800-63B-4).", "info",
                           region=False),
        )

    def _register(self) -> None:
        typed = self._name_and_password("a username", "a password")
        if typed is None:
            return
        self._challenge = None
        try:
            self.auth.register(*typed)
        except WeakPassword as weak:
            self._weak(weak)
            return
        self.password.value = ""
        self._say(
            f"Welcome, {usernames.normalize(typed[0])}: your account is created. "
            "Next: type your password again and press 'Set up my phone'.", "ok",
        )

    def _enroll(self) -> None:
        typed = self._name_and_password("your username", "your password")
        if typed is None:
            return
        self._challenge = None
        self._hide_enrollment()
        # A current code or an unused recovery code, exactly as typed (ASVS 5.0 7.5.1):
        # the service alone says what counts as one.
        extra = self.code.value or None
        self.code.value = ""  # a recovery code typed here never lingers, even if refused
        enrollment = self.auth.begin_enrollment(*typed, code=extra)
        self._enrollment = enrollment
        self.password.value = ""  # typed secrets do not linger on screen
        self.qr.value = qr_html(enrollment.uri, enrollment.secret)
        self.scan_button.layout.display = None
        settings = settings_text(enrollment.digits, enrollment.period, enrollment.digest)
        self.secret.value = (
            "<b>Scan this QR code</b> with an authenticator app,<br>or type this key "
            f"({html.escape(settings)}):<br>"
            f"<code>{html.escape(enrollment.grouped_secret)}</code><br>"
            f"<small>Shown until you confirm; it works for {ENROLLMENT_SECONDS // 60} "
            "minutes.</small>"
        )
        self._say(
            "Scan the QR code with your phone, or press 'Use the virtual phone'. Then type "
            f"the {enrollment.digits}-digit code the app shows and press 'Confirm code'.",
            "info",
        )

    def _scan(self) -> None:
        if self._enrollment is None:
            self._say("There is no QR code on screen: press 'Set up my phone' first.", "warn")
            return
        label = self.phone.scan(self._enrollment.uri)
        self._say(
            f"The virtual phone scanned the QR code and now shows codes for {label}. "
            "Type the code it shows.", "info",
        )

    def _confirm(self) -> None:
        if self._enrollment is None:
            self._say("There is no enrollment on screen: press 'Set up my phone' first.", "warn")
            return
        typed = self._field(self.code, "the code from your app")
        if typed is None:
            return
        codes = self.auth.confirm_enrollment(self._enrollment, typed)
        self.code.value = ""
        self._hide_enrollment()
        self._show_recovery_codes(codes)
        self._say(
            "Enrollment confirmed: your second factor is on. Next: log in with your "
            "password and a code.", "ok",
        )

    def _login(self) -> None:
        typed = self._name_and_password("your username", "your password")
        if typed is None:
            return
        self._challenge = None
        self._set_session(None)  # the app forgets it; "Sign out" ends one server-side
        self._hide_enrollment()
        self._challenge = self.auth.login(*typed)
        self.password.value = ""
        self._say(
            "Password accepted (step 1 of 2). Now type the code your authenticator app "
            "shows and press 'Check code'.", "info",
        )

    def _second_factor(self, what: str, check: Callable[[Challenge, str], Session]
                       ) -> Session | None:
        if self._challenge is None:
            self._say("Log in with your username and password first.", "warn")
            return None
        typed = self._field(self.code, what)
        if typed is None:
            return None
        self.code.value = ""
        session = check(self._challenge, typed)
        self._challenge = None
        self._set_session(session)
        return session

    def _granted(self, session: Session, extra: str = "") -> None:
        how = "a recovery code" if session.method == "recovery code" else "your app's code"
        text = f"Access granted: welcome, {session.username} (signed in with {how}).{extra}"
        self._say_html(
            text,
            '<div style="font-size:130%;padding:4px 0">'
            + message_html(text, "ok", region=False) + "</div>",
        )

    def _verify(self) -> None:
        session = self._second_factor("the code from your app", self.auth.verify)
        if session is not None:
            self._granted(session)

    def _recover(self) -> None:
        session = self._second_factor("one of your recovery codes", self.auth.recover)
        if session is None:
            return
        self._granted(
            session,
            f" That recovery code is now used up; {session.recovery_codes_left} left. Press "
            "'Get a fresh set of recovery codes' for a new set (the old codes stop "
            "working). Lost your phone? Set up a new one: 'Set up my phone' with your "
            "password and an unused recovery code.",
        )

    def _new_codes(self) -> None:
        """A fresh set of recovery codes for the signed-in account (NIST §4.2.1.1)."""
        if self.session is None:
            self._say("Sign in first: only the account's owner gets new recovery codes.",
                      "warn")
            return
        codes = self.auth.regenerate_recovery_codes(self.session)
        self.new_codes_button.layout.display = "none"
        self._show_recovery_codes(codes)
        self._say(
            f"Here are {len(codes)} new recovery codes: the old ones no longer work.", "ok"
        )

    def _logout(self) -> None:
        if self.session is not None:
            with contextlib.suppress(SessionExpired):  # already over: nothing to revoke
                self.auth.logout(self.session)
        self._set_session(None)
        self._say("You are signed out.", "info")

    def _wait(self) -> None:
        advance: Callable[[float], object] | None = getattr(self.auth.clock, "advance", None)
        if not callable(advance):
            self._say("This app runs on the real clock, which the lab cannot move: wait for "
                      "it.", "warn")
            return
        advance(self.auth.period)
        self._say(f"{self.auth.period} seconds passed on the lab's simulated clock.", "info")
        self._check_lock()
