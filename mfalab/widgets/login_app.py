"""LoginApp: the whole login flow — register, enroll, password, code — as one widget.

The capstone of the lessons. Every button calls `AuthService` and shows its answer; the
widget makes no security decision of its own (the throttle, the window, replay refusal,
recovery codes and the audit trail all live in the service, as NIST SP 800-63B-4 §3.1.4
and §3.2.2 and OWASP ASVS 5.0 V6 ask). What the widget adds is the user interface:

- a QR code to scan with a real phone, or a "use the virtual phone" button;
- recovery codes shown once, right after confirmation (NIST SP 800-63B-4 §3.1.2);
- "access granted" / "access denied" with the service's own friendly reason;
- the lock's countdown, refreshed when the clock moves (no background threads);
- the account's audit trail as a table (`audit_table`).

Tests and notebooks drive it without a browser: set `.value` on `username`, `password`
and `code`, call `register_button.click()` and so on, then read `message_text`.
"""

from __future__ import annotations

import contextlib
import html
import io
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone
from typing import Any

import ipywidgets as widgets

from .. import otp, usernames
from ..clock import FrozenClock
from ..errors import AuthError, EnrollmentRequired, TooManyAttempts, UnknownUser, WeakPassword
from ..phone import VirtualAuthenticator
from ..service import AccountStatus, AuditEvent, AuthService, Challenge, Enrollment, Session
from ._common import friendly_error, message_html

__all__ = [
    "EVENT_NOTES",
    "LoginApp",
    "audit_table",
    "event_counts",
    "simulate_attack",
    "wrong_code",
]

#: What each audit event means, in a few words (the third column of `audit_table`).
# A list of pairs rather than a dict literal: bandit reads keys such as 'password_ok' as
# hard-coded passwords (B105). They are event names.
EVENT_NOTES: dict[str, str] = dict([
    ("registered", "account created"),
    ("password_ok", "right password (first factor passed)"),
    ("password_failed", "wrong password"),
    ("password_rehashed", "stored hash upgraded"),
    ("enrollment_started", "new QR code issued"),
    ("enrollment_confirmed", "second factor switched on"),
    ("code_accepted", "right code (second factor passed)"),
    ("code_rejected", "wrong code"),
    ("code_malformed", "not a code at all"),
    ("code_reused", "replayed code refused"),
    ("recovery_code_used", "recovery code used"),
    ("recovery_code_rejected", "wrong recovery code"),
    ("recovery_code_malformed", "not a recovery code at all"),
    ("recovery_codes_regenerated", "new recovery codes"),
    ("lockout", "account locked for a while"),
    ("second_factor_disabled", "second factor switched off"),
    ("second_factor_reset", "administrator reset"),
    ("refused_while_locked", "refused during a lock (not counted)"),
    ("refused_while_disabled", "refused: second factor switched off"),
    ("notification_failed", "the owner could not be notified"),
])
#: Row colours: failures amber, alarms red, refusals that are not counted grey, the way
#: back in blue, successes green.
_ROW_COLOURS: dict[str, str] = dict([
    ("password_failed", "#fff4e5"),
    ("code_rejected", "#fff4e5"),
    ("code_malformed", "#fff4e5"),
    ("recovery_code_rejected", "#fff4e5"),
    ("recovery_code_malformed", "#fff4e5"),
    ("code_reused", "#fde2e2"),
    ("lockout", "#fde2e2"),
    ("second_factor_disabled", "#fde2e2"),
    ("notification_failed", "#fde2e2"),
    ("refused_while_locked", "#eeeeee"),
    ("refused_while_disabled", "#eeeeee"),
    ("recovery_code_used", "#e3f0fb"),
    ("code_accepted", "#e8f5e9"),
    ("enrollment_confirmed", "#e8f5e9"),
])
_AUDIT_ROWS_SHOWN = 12


def _utc(at: float) -> str:
    """`at` (unix seconds) as 'YYYY-MM-DD HH:MM:SS' UTC."""
    return datetime.fromtimestamp(at, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def audit_table(events: Iterable[AuditEvent], last: int | None = None) -> str:
    """An HTML table of audit events, oldest first: time (UTC), account, event, meaning.

    `last` keeps only the newest `last` rows (and says how many were left out). The audit
    trail never holds a password, seed or code (OWASP ASVS 5.0 V16, logging), so every
    cell is safe to show; each is still HTML-escaped.
    """
    rows = sorted(events, key=lambda e: e.at)
    hidden = 0
    if last is not None and len(rows) > last:
        hidden = len(rows) - last
        rows = rows[-last:]
    cell = 'style="padding:2px 8px;text-align:left;border-bottom:1px solid #ddd"'
    head = "".join(
        f"<th {cell}>{title}</th>" for title in ("time (UTC)", "account", "event", "detail")
    )
    body = []
    for event in rows:
        colour = _ROW_COLOURS.get(event.event)
        # Coloured rows set their own dark text, so they stay readable in a dark theme.
        style = f"background:{colour};color:#1a1a1a" if colour else "background:transparent"
        note = EVENT_NOTES.get(event.event, "")
        detail = "; ".join(part for part in (note, event.detail) if part)
        values = (_utc(event.at), event.username, event.event, detail)
        tds = "".join(f"<td {cell}>{html.escape(v)}</td>" for v in values)
        body.append(f'<tr style="{style}">{tds}</tr>')
    if not body:
        body.append(f'<tr><td {cell} colspan="4"><i>no events yet</i></td></tr>')
    caption = (
        f'<caption style="caption-side:bottom;text-align:left"><i>{hidden} earlier '
        f"event{'s' if hidden != 1 else ''} not shown</i></caption>"
        if hidden
        else ""
    )
    return (
        '<table class="mfalab-audit" style="border-collapse:collapse;font-size:90%">'
        f"{caption}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _png(image: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _spaced(code: str) -> str:
    """'123456' as '123 456', the way authenticator apps show it."""
    return f"{code[:3]} {code[3:]}" if len(code) == 6 else code


class LoginApp:
    """A small login app on an `AuthService`, built from ipywidgets.

    `phone` is the virtual authenticator behind "Use the virtual phone" (by default a
    new `VirtualAuthenticator` on the service's clock); a real phone scans the QR code
    instead. Child widgets are attributes, so tests and lessons can drive the app:

        app = LoginApp(auth)
        app.username.value = "alice"
        app.password.value = "violet anchor tundra 58"
        app.register_button.click()
        app.message_text  # 'Welcome, alice: your account is created. …'
    """

    def __init__(self, auth: AuthService, phone: VirtualAuthenticator | None = None) -> None:
        self.auth = auth
        self.phone = phone if phone is not None else VirtualAuthenticator(clock=auth.clock)
        #: The last session this app opened (None until access is granted).
        self.session: Session | None = None
        #: The plain text of the app's last answer (what `message` shows).
        self.message_text = ""
        self._challenge: Challenge | None = None
        self._enrollment: Enrollment | None = None
        self._codes_on_screen: tuple[str, ...] = ()
        self._locked_until = 0.0  # from the last TooManyAttempts, for the countdown …
        self._locked_name: str | None = None  # … of this account
        self._lock_seen: str | None = None  # whose lock was on screen: say when it ends

        layout = widgets.Layout(width="340px")
        self.username = widgets.Text(
            description="Username", placeholder="alice", layout=layout
        )
        self.password = widgets.Password(
            description="Password", placeholder="a long phrase", layout=layout
        )
        self.code = widgets.Text(
            description="Code", placeholder="123456, or a recovery code", layout=layout
        )
        self.register_button = widgets.Button(description="Register", icon="user-plus")
        self.enroll_button = widgets.Button(description="Set up my phone", icon="qrcode")
        self.scan_button = widgets.Button(
            description="Use the virtual phone", icon="mobile",
            layout=widgets.Layout(width="auto"),
        )
        self.confirm_button = widgets.Button(description="Confirm code", icon="check")
        self.login_button = widgets.Button(
            description="Log in", icon="sign-in", button_style="primary"
        )
        self.verify_button = widgets.Button(description="Check code", icon="key")
        self.recovery_button = widgets.Button(
            description="Use a recovery code instead", icon="life-ring",
            layout=widgets.Layout(width="auto"),
        )
        self.refresh_button = widgets.Button(description="Refresh", icon="refresh")
        self.wait_button = widgets.Button(
            description="Let 30 s pass", icon="forward",
            tooltip="Move the lab's frozen clock forward by 30 seconds",
        )
        self.message = widgets.HTML(
            message_html("Register an account, or log in if you have one.", "info")
        )
        self.qr = widgets.Image(format="png", layout=widgets.Layout(width="200px"))
        self.qr.layout.display = "none"
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
            (self.refresh_button, self._check_lock, False),
            (self.wait_button, self._wait, False),
        ]
        for button, action, is_second_factor in actions:
            button.on_click(self._handler(action, is_second_factor))

        clock_can_move = callable(getattr(self.auth.clock, "advance", None))
        time_row = [self.refresh_button] + ([self.wait_button] if clock_can_move else [])
        self.view = widgets.VBox(
            [
                widgets.HTML(f"<h3>{html.escape(self.auth.issuer)}: log in with a password "
                             "and a one-time code</h3>"),
                self.username,
                self.password,
                widgets.HBox([self.register_button, self.enroll_button, self.login_button]),
                widgets.HBox([self.qr, widgets.VBox([self.secret, self.scan_button,
                                                     self.phone_screen])]),
                self.code,
                widgets.HBox([self.confirm_button, self.verify_button, self.recovery_button]),
                self.message,
                self.recovery_codes,
                widgets.HBox(time_row),
                self.status,
                self.audit,
            ]
        )
        self._refresh()

    # -- display ----------------------------------------------------------------------

    def __repr__(self) -> str:
        return f"LoginApp(issuer={self.auth.issuer!r})"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        """Display the widget; its text form stays short and stable (no live values)."""
        bundle: dict[str, Any] = self.view._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)
        return bundle

    @property
    def codes_on_screen(self) -> tuple[str, ...]:
        """The recovery codes the screen shows right now: only just after confirmation.

        The next click hides them for good (the service keeps only their hashes), so
        copy them now — on paper, in a real app.
        """
        return self._codes_on_screen

    @property
    def locked_for(self) -> float:
        """Seconds until the current lock ends (0 when none is known)."""
        name = self._name()
        wait = 0.0
        if name is not None and name == self._locked_name:
            wait = max(0.0, self._locked_until - self.auth.clock.now())
        status = self._account_status()
        if status is not None:
            wait = max(wait, status.retry_after)
        return wait

    # -- plumbing ---------------------------------------------------------------------

    def _handler(
        self, action: Callable[[], None], second_factor: bool
    ) -> Callable[[widgets.Button], None]:
        """Wrap a button's action: hide codes shown once, turn errors into friendly
        messages ("Access denied: …" at the second factor), refresh the side panels."""
        prefix = "Access denied: " if second_factor else ""

        def on_click(_button: widgets.Button) -> None:
            self._hide_recovery_codes()
            try:
                action()
            except TooManyAttempts as locked:
                self._locked_until = self.auth.clock.now() + locked.retry_after
                self._locked_name = self._name()
                self._say(prefix + friendly_error(locked), "error")
            except AuthError as refused:
                self._say(prefix + friendly_error(refused), "error")
            except Exception as unexpected:  # a learner never sees a traceback
                self._say(friendly_error(unexpected), "error")
            self._refresh()

        return on_click

    def _refresh(self) -> None:
        """Update the side panels; if the service cannot answer, say so in the status line."""
        try:
            self._draw_panels()
        except Exception:  # a learner never sees a traceback
            self.status.value = message_html(
                "The service did not answer just now: press Refresh to try again.", "error"
            )

    def _say(self, text: str, kind: str = "info") -> None:
        self.message_text = text
        self.message.value = message_html(text, kind)

    def _say_html(self, text: str, inner_html: str) -> None:
        self.message_text = text
        self.message.value = inner_html

    def _field(self, widget: widgets.Text, what: str) -> str | None:
        """The field's text, or None after saying kindly what is missing or wrong."""
        value: str = widget.value
        if not value:
            self._say(f"Type {what} first.", "warn")
            return None
        return value  # anything else (too long, letters in a code …) the service judges

    def _hide_recovery_codes(self) -> None:
        self._codes_on_screen = ()
        self.recovery_codes.value = ""

    def _hide_enrollment(self) -> None:
        self._enrollment = None
        self.qr.value = b""
        self.qr.layout.display = "none"
        self.secret.value = ""

    def _name(self) -> str | None:
        """The normalized username in the field, or None when it is not a valid one."""
        try:
            return usernames.normalize(self.username.value)
        except AuthError:
            return None

    def _account_status(self) -> AccountStatus | None:
        name = self._name()
        if name is None:
            return None
        try:
            return self.auth.status(name)
        except UnknownUser:
            return None

    # -- the actions (each calls the service and shows its answer) --------------------

    def _register(self) -> None:
        name = self._field(self.username, "a username")
        password = self._field(self.password, "a password") if name else None
        if name is None or password is None:
            return
        self._challenge = None
        try:
            self.auth.register(name, password)
        except WeakPassword as weak:
            reasons = list(dict.fromkeys(weak.reasons))  # the same reason once
            items = "".join(f"<li>{html.escape(r)}</li>" for r in reasons)
            text = "Please choose another password: " + " ".join(reasons)
            self._say_html(
                text,
                message_html("Please choose another password:", "warn")
                + f'<ul style="margin-top:0">{items}</ul>'
                + message_html(
                    "Tip: a phrase of four or more random words is long and easy to "
                    "remember. No need for symbols (NIST SP 800-63B-4).", "info"
                ),
            )
            return
        self.password.value = ""
        self._say(
            f"Welcome, {usernames.normalize(name)}: your account is created. "
            "Next: type your password again and press 'Set up my phone'.", "ok",
        )

    def _enroll(self) -> None:
        name = self._field(self.username, "your username")
        password = self._field(self.password, "your password") if name else None
        if name is None or password is None:
            return
        self._challenge = None
        self._hide_enrollment()
        extra = self.code.value.strip() or None
        enrollment = self.auth.begin_enrollment(name, password, code=extra)
        self._enrollment = enrollment
        self.password.value = ""  # typed secrets do not linger on screen
        self.code.value = ""
        self.qr.value = _png(enrollment.qr_image())
        self.qr.layout.display = None
        self.secret.value = (
            "<b>Scan this QR code</b> with an authenticator app,<br>or type this key:<br>"
            f"<code>{html.escape(enrollment.grouped_secret)}</code><br>"
            "<small>Shown until you confirm; the code expires in 10 minutes.</small>"
        )
        self._say(
            "Scan the QR code with your phone, or press 'Use the virtual phone'. Then type "
            "the 6-digit code the app shows and press 'Confirm code'.", "info",
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
        self._codes_on_screen = tuple(codes)
        items = "".join(f"<li><code>{html.escape(c)}</code></li>" for c in codes)
        self.recovery_codes.value = (
            '<div style="border:2px dashed #8a5300;padding:4px 8px;margin:4px 0">'
            "<b>Your recovery codes — shown only this once.</b> Write them down and keep "
            "them away from your phone. Each one lets you in once if the phone is lost."
            f'<ol style="columns:2;margin:4px 0">{items}</ol></div>'
        )
        self._say(
            "Enrollment confirmed: your second factor is on. Save the recovery codes below "
            "now; then log in with your password and a code.", "ok",
        )

    def _login(self) -> None:
        name = self._field(self.username, "your username")
        password = self._field(self.password, "your password") if name else None
        if name is None or password is None:
            return
        self._challenge = None
        self.session = None
        self._hide_enrollment()
        self._challenge = self.auth.login(name, password)
        self.password.value = ""
        self._say(
            "Password accepted (step 1 of 2). Now type the code your authenticator app "
            "shows and press 'Check code'.", "info",
        )

    def _challenge_or_say(self) -> Challenge | None:
        if self._challenge is None:
            self._say("Log in with your username and password first.", "warn")
        return self._challenge

    def _granted(self, session: Session, extra: str = "") -> None:
        self.session = session
        self._challenge = None
        self._locked_until = 0.0
        self._lock_seen = None
        how = "a recovery code" if session.method == "recovery code" else "your app's code"
        text = f"Access granted: welcome, {session.username} (signed in with {how}).{extra}"
        self._say_html(
            text,
            '<div style="font-size:130%;padding:4px 0">'
            + message_html(text, "ok")
            + "</div>",
        )

    def _verify(self) -> None:
        challenge = self._challenge_or_say()
        typed = self._field(self.code, "the code from your app") if challenge else None
        if challenge is None or typed is None:
            return
        self.code.value = ""
        self._granted(self.auth.verify(challenge, typed), "")

    def _recover(self) -> None:
        challenge = self._challenge_or_say()
        typed = self._field(self.code, "one of your recovery codes") if challenge else None
        if challenge is None or typed is None:
            return
        self.code.value = ""
        session = self.auth.recover(challenge, typed)
        left = self.auth.status(session.username).recovery_codes_left
        self._granted(
            session,
            f" That recovery code is now used up; {left} left. Lost your phone? Set up a new "
            "one now: 'Set up my phone' with your password and an unused recovery code.",
        )

    def _check_lock(self) -> None:
        """Refresh: say how long a lock still lasts, or that it is over."""
        wait = self.locked_for
        if wait > 0:
            self._say(f"Still locked: try again in {max(1, round(wait))} s.", "warn")
        elif self._lock_seen is not None and self._lock_seen == self._name():
            self._lock_seen = None
            self._say("The lock is over: you may try again.", "info")

    def _wait(self) -> None:
        advance: Callable[[float], object] = self.auth.clock.advance  # type: ignore[attr-defined]
        advance(30)
        self._say("Thirty seconds passed on the lab's clock.", "info")
        self._check_lock()

    # -- what the side panels show ----------------------------------------------------

    def _draw_panels(self) -> None:
        """Update the phone screen, the account status with its countdown, and the audit."""
        now = self.auth.clock.now()
        if self.phone.accounts:
            account = self.phone.accounts[-1]
            self.phone_screen.value = (
                '<div style="border:1px solid #999;border-radius:8px;padding:4px 8px;'
                'display:inline-block">📱 ' + html.escape(account.label) + "<br>"
                f'<span style="font-size:160%;font-family:monospace">'
                f"{_spaced(self.phone.code())}</span> "
                f"<small>{self.phone.seconds_left():.0f} s left</small></div>"
            )
        else:
            self.phone_screen.value = ""
        parts = [f"Server clock: {_utc(now)} UTC"]
        status = self._account_status()
        if status is not None:
            factor = (
                "switched off (ask an administrator)" if status.disabled
                else "on" if status.enrolled
                else "waiting for confirmation" if status.pending
                else "not set up yet"
            )
            parts.append(f"{status.username}: second factor {factor}")
            if status.enrolled:
                parts.append(f"recovery codes left: {status.recovery_codes_left}")
            if status.failures:
                parts.append(f"failed codes in a row: {status.failures}")
        wait = self.locked_for
        if wait > 0:
            self._lock_seen = self._name()
            parts.append(f"🔒 locked: try again in {max(1, round(wait))} s")
        self.status.value = (
            '<div class="mfalab-status" style="opacity:0.8">'
            + html.escape(" · ".join(parts))
            + "</div>"
        )
        if status is not None:
            self.audit.value = (
                "<details><summary>Audit log of this account</summary>"
                + audit_table(self.auth.audit_log(status.username), last=_AUDIT_ROWS_SHOWN)
                + "</details>"
            )
        else:
            self.audit.value = ""

    @property
    def status_text(self) -> str:
        """The plain text of the status line (server clock, account, countdown)."""
        return html.unescape(re.sub(r"<[^>]+>", "", self.status.value))


def event_counts(events: Sequence[AuditEvent]) -> dict[str, int]:
    """How many of each event a log holds, most frequent first (for reading a log)."""
    counts: dict[str, int] = {}
    for event in events:
        counts[event.event] = counts.get(event.event, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _code_missing(code_at: Callable[[float], str], at: float, period: int, digits: int) -> str:
    """A well-formed code that `code_at` gives at no time step near `at`.

    It avoids every step a service could accept, even at the widest window and drift
    (`otp.MAX_WINDOW` steps each way), so a demonstration of a wrong code never passes by
    a one-in-a-million chance.
    """
    reach = 2 * otp.MAX_WINDOW + 1
    near = {code_at(max(0.0, at + period * k)) for k in range(-reach, reach + 1)}
    return next(c for c in (f"{n:0{digits}d}" for n in range(10**digits)) if c not in near)


def wrong_code(phone: VirtualAuthenticator) -> str:
    """A well-formed code for the phone's newest account that is surely not right now.

    For lessons and tests: a mistyped code that cannot match by a one-in-a-million chance.
    """
    if not phone.accounts:
        raise EnrollmentRequired(
            "This authenticator holds no account yet: scan an enrollment QR code first."
        )
    account = phone.accounts[-1]

    def code_at(at: float) -> str:
        code: str = account.totp.at(at)
        return code

    return _code_missing(code_at, phone.now(), account.period, account.digits)


def simulate_attack(auth: AuthService, clock: FrozenClock) -> list[str]:
    """Replay a morning at the lab on `auth`, for a lesson on reading audit logs.

    Three people enroll and log in; an attacker sprays wrong passwords at one account,
    knows another account's password and guesses its codes until the throttle locks it
    (NIST SP 800-63B-4 §3.2.2), then relays a code phished in real time (refused as a
    replay: RFC 6238 §5.2). Returns the usernames, in the order they enrolled.
    """
    passwords_of = {
        "alice": "heron copper lantern 41",
        "carol": "maple quartz ribbon 77",
        "dave": "tulip basalt comet 19",
    }
    secrets_of: dict[str, str] = {}

    def code_of(secret: str, at: float | None = None) -> str:
        when = clock.now() if at is None else at
        return otp.totp(secret, when, auth.digits, auth.period, auth.digest)

    def now_code(name: str) -> str:
        return code_of(secrets_of[name])

    for name, password in passwords_of.items():
        auth.register(name, password)
        enrollment = auth.begin_enrollment(name, password)
        secrets_of[name] = enrollment.secret
        clock.advance(20)
        auth.confirm_enrollment(enrollment, code_of(enrollment.secret))
        clock.advance(40)


    def log_in(name: str, password: str, code: str | None = None) -> None:
        with contextlib.suppress(AuthError):  # the audit trail records what happened
            auth.verify(auth.login(name, password), code or now_code(name))

    clock.advance(130)
    log_in("dave", passwords_of["dave"])  # an ordinary login
    clock.advance(227)
    for guess in ("alice2023", "Summer2023!", "letmein123", "qwerty12345", "alice1990",
                  "password1!"):
        log_in("alice", guess)  # a password spray: the password step locks after 5
        clock.advance(2)
    clock.advance(251)
    challenge = auth.login("carol", passwords_of["carol"])  # her password had leaked
    for pause in (3, 3, 3, 3, 3, 3, 30):
        clock.advance(pause)
        with contextlib.suppress(AuthError):
            guess = _code_missing(
                lambda at: code_of(secrets_of["carol"], at), clock.now(), auth.period,
                auth.digits,
            )
            auth.verify(challenge, guess)
    clock.advance(467)
    phished = now_code("carol")
    log_in("carol", passwords_of["carol"], phished)  # carol herself, on a phishing page
    clock.advance(4)
    log_in("carol", passwords_of["carol"], phished)  # the attacker relays her code
    clock.advance(296)
    log_in("alice", passwords_of["alice"])  # alice, unaware, logs in as usual
    return list(passwords_of)
