"""LoginApp: the whole login flow — register, enroll, password, code — as one widget.

The capstone of the lessons. Every button calls `AuthService` and shows its answer; the
widget makes no security decision of its own (the throttle, the window, replay refusal,
recovery codes and the audit trail all live in the service, as NIST SP 800-63B-4 §3.1.4
and §3.2.2 and OWASP ASVS 5.0 V6 ask), and passes what was typed to the service
unchanged. What the widget adds is the user interface:

- a QR code to scan with a real phone (its text alternative is the grouped secret), or a
  "Use the virtual phone" button;
- recovery codes shown once, right after confirmation (NIST SP 800-63B-4 §4.2.1.1), and
  a fresh set offered after a recovery-code login;
- "access granted" / "access denied" with the service's own reason, in a status region
  that screen readers announce;
- the account panel (`login_panel`): the signed-in account's state and audit trail, or
  the labelled instructor's view (`instructor_view=True`), never an anonymous caller's;
- lab controls on a simulated clock: "Let 30 s pass" moves the server's clock (a lab
  convenience that ends a lock at once; a real server's clock cannot be moved).

Tests and notebooks drive it without a browser: set `.value` on `username`, `password`
and `code`, call `register_button.click()` and so on, then read `message_text`.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as widgets

from .. import usernames
from ..errors import AuthError, SessionExpired, TooManyAttempts, UnknownUser
from ..lab import event_counts, simulate_attack, wrong_code  # lesson helpers, as before
from ..models import AccountStatus, Challenge, Enrollment, Session
from ..phone import VirtualAuthenticator
from ..service import AuthService
from ._common import LabWidget, button, friendly_error, live, message_html, on_enter
from .audit import EVENT_NOTES, audit_table
from .login_actions import LoginActions
from .login_panel import audit_html, clock_part, lock_part, status_html, status_parts
from .parts import phone_html

__all__ = [
    "EVENT_NOTES",
    "LoginApp",
    "audit_table",
    "event_counts",
    "simulate_attack",
    "wrong_code",
]


class LoginApp(LoginActions, LabWidget):
    """A small login app on an `AuthService`, built from ipywidgets.

    `phone` is the virtual authenticator behind "Use the virtual phone" (by default a
    new `VirtualAuthenticator` on the service's clock); a real phone scans the QR code
    instead. With `instructor_view`, the account panel shows the state and audit trail of
    whatever username is typed, labelled as an instructor's view; without it, only the
    signed-in account's. Child widgets are attributes, so tests and lessons can drive it:

        app = LoginApp(auth)
        app.username.value = "alice"
        app.password.value = "violet anchor tundra 58"
        app.register_button.click()
        app.message_text  # 'Welcome, alice: your account is created. …'
    """

    def __init__(self, auth: AuthService, phone: VirtualAuthenticator | None = None, *,
                 instructor_view: bool = False) -> None:
        self.auth = auth
        self.phone = phone if phone is not None else VirtualAuthenticator(clock=auth.clock)
        self.instructor_view = bool(instructor_view)
        #: The last session this app opened (None until access is granted, or signed out).
        self.session: Session | None = None
        #: The plain text of the app's last answer (what `message` shows).
        self.message_text = ""
        #: The plain text of the status line (server clock, account, countdown).
        self.status_text = ""
        self._challenge: Challenge | None = None
        self._enrollment: Enrollment | None = None
        self._codes_on_screen: tuple[str, ...] = ()
        self._lock: tuple[str, float] | None = None  # (name, until): the service's answer
        self._lock_seen: str | None = None  # whose lock was on screen: say when it ends
        self._lock_said = False  # the message on screen is a lock's
        self._build()
        self._refresh()

    def _build(self) -> None:
        layout = widgets.Layout(width="340px", max_width="100%")
        self.username = widgets.Text(description="Username", placeholder="alice",
                                     layout=layout)
        self.password = widgets.Password(description="Password", placeholder="a long phrase",
                                         layout=layout)
        self.code = widgets.Text(description="Code", placeholder="123456, or a recovery code",
                                 layout=layout)
        self.register_button = button("Register", icon="user-plus")
        self.enroll_button = button("Set up my phone", icon="qrcode")
        self.login_button = button("Log in", icon="sign-in", button_style="primary")
        self.scan_button = button("Use the virtual phone", icon="mobile")
        self.confirm_button = button("Confirm code", icon="check")
        self.verify_button = button("Check code", icon="key")
        self.recovery_button = button("Use a recovery code instead", icon="life-ring")
        self.new_codes_button = button("Get a fresh set of recovery codes", icon="refresh")
        self.logout_button = button("Sign out", icon="sign-out")
        self.refresh_button = button("Refresh", icon="refresh")
        self.wait_button = button(
            f"Let {self.auth.period} s pass", icon="forward",
            tooltip=f"Move the lab's simulated clock forward by {self.auth.period} seconds",
        )
        self.message = widgets.HTML(
            message_html("Register an account, or log in if you have one.", "info")
        )
        self.qr = widgets.HTML(layout=widgets.Layout(flex="0 0 auto"))
        self.secret = widgets.HTML()
        self.phone_screen = widgets.HTML()
        self.recovery_codes = widgets.HTML()
        self.status = widgets.HTML()
        self.audit = widgets.HTML()
        actions: list[tuple[widgets.Button, Callable[[], None], bool]] = [
            (self.register_button, self._register, False),
            (self.enroll_button, self._enroll, False),
            (self.scan_button, self._scan, False),
            (self.confirm_button, self._confirm, False),
            (self.login_button, self._login, False),
            (self.verify_button, self._verify, True),
            (self.recovery_button, self._recover, True),
            (self.new_codes_button, self._new_codes, False),
            (self.logout_button, self._logout, False),
            (self.refresh_button, self._check_lock, False),
            (self.wait_button, self._wait, False),
        ]
        for control, action, is_second_factor in actions:
            control.on_click(self._handler(action, is_second_factor))
        on_enter(self.username, self.login_button.click)
        on_enter(self.password, self.login_button.click)
        on_enter(self.code, self._code_entered)
        for hidden in (self.scan_button, self.new_codes_button, self.logout_button):
            hidden.layout.display = "none"
        clock_can_move = callable(getattr(self.auth.clock, "advance", None))
        label = widgets.HTML(
            "<b>Lab controls, simulated clock:</b>" if clock_can_move
            else "<b>Real clock:</b>"
        )
        self.lab_controls = widgets.HBox(
            [label, self.refresh_button] + ([self.wait_button] if clock_can_move else []),
            layout=widgets.Layout(align_items="center", flex_flow="row wrap"),
        )
        row = widgets.Layout(flex_flow="row wrap")
        super().__init__([
            widgets.HTML(f"<h3>{html.escape(self.auth.issuer)}: log in with a password "
                         "and a one-time code</h3>"),
            self.username,
            self.password,
            widgets.HBox([self.register_button, self.enroll_button, self.login_button],
                         layout=row),
            widgets.HBox([self.qr, widgets.VBox([self.secret, self.scan_button,
                                                 self.phone_screen],
                                                layout=widgets.Layout(align_items="flex-start"))],
                         layout=widgets.Layout(align_items="flex-start", flex_flow="row wrap")),
            self.code,
            widgets.HBox([self.confirm_button, self.verify_button, self.recovery_button],
                         layout=row),
            self.message,
            self.recovery_codes,
            widgets.HBox([self.new_codes_button, self.logout_button], layout=row),
            self.lab_controls,
            self.status,
            self.audit,
        ])

    def __repr__(self) -> str:
        return f"LoginApp(issuer={self.auth.issuer!r})"

    @property
    def codes_on_screen(self) -> tuple[str, ...]:
        """The recovery codes the screen shows right now: only just after they are made.

        The next click hides them for good (the service keeps only their hashes), so
        copy them now — on paper, in a real app.
        """
        return self._codes_on_screen

    @property
    def locked_for(self) -> float:
        """Seconds until the lock on the typed account ends, as far as this app may know:
        the service's last `TooManyAttempts` for it, or the panel's account status."""
        return self._wait_for(self._panel_status())

    def _wait_for(self, status: AccountStatus | None) -> float:
        name = self._name()
        wait = 0.0
        if name is not None and self._lock is not None and self._lock[0] == name:
            wait = max(0.0, self._lock[1] - self.auth.clock.now())
        if status is not None and status.username == name:
            wait = max(wait, status.retry_after, status.password_retry_after)
        return wait

    # -- plumbing ---------------------------------------------------------------------

    def _handler(self, action: Callable[[], None], second_factor: bool
                 ) -> Callable[..., None]:
        """Wrap an action: hide codes shown once, turn the service's refusals into its own
        sentences ("Access denied: …" at the second factor), refresh the side panels."""
        prefix = "Access denied: " if second_factor else ""

        def run(*_ignored: object) -> None:
            self._hide_recovery_codes()
            try:
                action()
            except TooManyAttempts as locked:
                name = self._name()
                if name is not None:
                    self._lock = (name, self.auth.clock.now() + locked.retry_after)
                self._say(prefix + friendly_error(locked), "error")
                self._lock_said = True
            except AuthError as refused:
                self._say(prefix + friendly_error(refused), "error")
            self._refresh()

        return run

    def _say(self, text: str, kind: str = "info") -> None:
        self.message_text = text
        self.message.value = message_html(text, kind)
        self._lock_said = False

    def _say_html(self, text: str, inner_html: str) -> None:
        self.message_text = text
        self.message.value = live(inner_html)
        self._lock_said = False

    def _name(self) -> str | None:
        """The normalized username in the field, or None when it is not a valid one."""
        try:
            return usernames.normalize(self.username.value)
        except AuthError:
            return None

    def _signed_in(self) -> Session | None:
        """The app's session while the service still honours it (else it is dropped)."""
        if self.session is None:
            return None
        try:
            self.auth.session(self.session.token)
        except SessionExpired:
            self.session = None
            self.new_codes_button.layout.display = "none"
            self.logout_button.layout.display = "none"
        return self.session

    def _panel_status(self) -> AccountStatus | None:
        """The account the panel may show: the typed one in the instructor's view, else
        the signed-in one only (an anonymous caller learns nothing about any account)."""
        if self.instructor_view:
            name = self._name()
        else:
            session = self._signed_in()
            name = None if session is None else session.username
        if name is None:
            return None
        try:
            return self.auth.status(name)
        except UnknownUser:
            return None

    def _refresh(self) -> None:
        """Redraw the phone, the status line and the audit trail; end a stale lock message."""
        self.phone_screen.value = phone_html(self.phone) if self.phone.accounts else ""
        status = self._panel_status()
        parts = [clock_part(self.auth.clock)]
        if status is not None:
            heading = "" if self.instructor_view else "Signed in as "
            parts += status_parts(status, heading)
        elif not self.instructor_view:
            parts.append("sign in to see your account's state and audit trail")
        wait = self._wait_for(status)
        if wait > 0:
            self._lock_seen = self._name()
            parts.append(lock_part(wait))
        self.status_text = ("Instructor's view · " if self.instructor_view else "") + \
            " · ".join(parts)
        self.status.value = status_html(parts, self.instructor_view)
        self.audit.value = "" if status is None else audit_html(
            self.auth.audit_log(status.username), status.username, self.instructor_view)
        if self._lock_said and wait == 0:
            self._check_lock()  # the lock on screen is over: say so, not "wait 30 s"

    def _check_lock(self) -> None:
        """Refresh: say how long a lock still lasts, or that it is over."""
        wait = self.locked_for
        if wait > 0:
            self._say(f"Still locked: try again in {max(1, round(wait))} s.", "warn")
            self._lock_said = True
        elif self._lock_seen is not None and self._lock_seen == self._name():
            self._lock_seen = None
            self._say("The lock is over: you may try again.", "info")
