"""Enrollment widgets for lesson 02: build the otpauth:// URI and its QR code, then confirm.

- `UriBuilder`: issuer and account in, the live URI (field by field, read by
  `mfalab.lab.uri_fields`) and its QR code out, drawn on this machine by `mfalab.qr` (a
  web QR service would see the secret). The URI follows Google's Key URI Format, which
  `otp.provisioning_uri` implements; the secret is base32 (RFC 4648 §6), the settings
  those of RFC 6238 §1.2 and §4.
- `EnrollmentConfirmer`: type the code the app shows, the service confirms the pending
  secret (`AuthService.confirm_enrollment`) and returns the recovery codes, shown once
  (NIST SP 800-63B-4 §4.2.1.1), or a friendly refusal.

Wherever a QR code is shown, "Use the virtual phone" scans it without a phone. No security
decision is taken here: the widgets call the package and show its answers.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from .. import otp
from ..clock import SystemClock
from ..enrollments import ENROLLMENT_SECONDS
from ..errors import AuthError, InvalidInput
from ..lab import EXAMPLE_SECRET, uri_fields
from ..models import Enrollment
from ..phone import VirtualAuthenticator
from ..service import AuthService
from ._common import WRAP, LabWidget, button, friendly_error, live, message_html, on_enter
from .parts import enrollment_card, phone_html, qr_html, qr_png, recovery_codes_html

__all__ = [
    "EXAMPLE_SECRET",
    "EnrollmentConfirmer",
    "UriBuilder",
    "enrollment_card",
    "qr_png",
    "uri_fields_html",
]

_MAX_FIELD = 256  # longer input is refused before any other work
_PAD = "padding:2px 8px 2px 0"


def uri_fields_html(uri: str) -> str:
    """An HTML table that reads an otpauth:// URI field by field, as an app would.

    Parameters left out (algorithm, digits, period) are shown with the default an app
    assumes: SHA1, 6 digits, 30 seconds (Key URI Format; RFC 6238 §4.1).
    """
    rows = []
    for field in uri_fields(uri):
        value = f"(left out: {field.value})" if field.left_out else field.value
        if field.left_out and not field.value:
            value = "(left out)"
        rows.append(
            f'<tr><th scope="row" style="text-align:left;{_PAD}">{html.escape(field.name)}</th>'
            f'<td style="{_PAD}"><code style="{WRAP}">{html.escape(value)}</code></td>'
            f'<td style="{_PAD}">{html.escape(field.meaning)}</td></tr>'
        )
    return (
        '<table class="mfalab-uri-fields" style="border-collapse:collapse">'
        '<tr><th scope="col">field</th><th scope="col">value</th>'
        f'<th scope="col">what it means</th></tr>{"".join(rows)}</table>'
    )


class UriBuilder(LabWidget):
    """Issuer and account in; the otpauth:// URI, its fields and its QR code out, live.

    Empty fields, an issuer with ':' (the label's separator) and overlong input get a
    friendly message instead of a URI (and no QR code). The secret is fixed when the
    widget is built. "Use the virtual phone" scans the current QR code into `phone`.
    """

    def __init__(
        self,
        secret: str = EXAMPLE_SECRET,
        issuer: str = "MFA Lab",
        account: str = "alice@example.com",
    ) -> None:
        self.secret = secret
        self.issuer = widgets.Text(value=issuer, description="Issuer")
        self.account = widgets.Text(value=account, description="Account")
        self.algorithm = widgets.Dropdown(
            options=[("SHA1", "sha1"), ("SHA256", "sha256"), ("SHA512", "sha512")],
            value="sha1",
            description="Algorithm",
        )
        self.digits = widgets.Dropdown(options=[6, 7, 8], value=6, description="Digits")
        self.period = widgets.Dropdown(options=[30, 60], value=30, description="Period (s)")
        self.message = widgets.HTML()
        self.uri = widgets.HTML()
        self.fields = widgets.HTML()
        self.qr = widgets.HTML(layout=widgets.Layout(flex="0 0 auto"))
        self.phone = VirtualAuthenticator(clock=SystemClock())
        self.scan_button = button("Use the virtual phone", icon="mobile")
        self.phone_screen = widgets.HTML()
        self.current_uri: str | None = None
        for control in (self.issuer, self.account, self.algorithm, self.digits, self.period):
            control.observe(self._on_change, names="value")
        self.scan_button.on_click(lambda _: self.scan())
        settings = widgets.HBox([self.algorithm, self.digits, self.period],
                                layout=widgets.Layout(flex_flow="row wrap"))
        details = widgets.VBox([self.message, self.uri, self.fields],
                               layout=widgets.Layout(flex="1 1 0%", min_width="0"))
        picture = widgets.VBox([self.qr, self.scan_button, self.phone_screen],
                               layout=widgets.Layout(flex="0 0 auto"))
        super().__init__([self.issuer, self.account, settings,
                          widgets.HBox([picture, details],
                                       layout=widgets.Layout(align_items="flex-start"))])
        self.update()

    def _on_change(self, _change: object) -> None:
        self.update()

    def _problem(self, issuer: str, account: str) -> str | None:
        """A friendly reason the fields cannot make a URI yet, or None."""
        if len(issuer) > _MAX_FIELD or len(account) > _MAX_FIELD:
            return "That is far too long: an issuer or account name is a short piece of text."
        if not issuer.strip():
            return "Type an issuer: the name of the service, such as 'MFA Lab'."
        if not account.strip():
            return "Type an account name, such as 'alice@example.com'."
        return None

    def update(self) -> None:
        """Rebuild the URI, its fields and the QR code from the current inputs."""
        issuer, account = str(self.issuer.value), str(self.account.value)
        problem = self._problem(issuer, account)
        uri: str | None = None
        if problem is None:
            try:
                uri = otp.provisioning_uri(
                    self.secret,
                    account,
                    issuer,
                    digits=int(self.digits.value),
                    period=int(self.period.value),
                    digest=str(self.algorithm.value),
                )
            except AuthError as exc:
                problem = friendly_error(exc)
        self.current_uri = uri
        self.phone_screen.value = ""
        if uri is None:
            self.message.value = message_html(problem or "", "error")
            self.uri.value = ""
            self.fields.value = ""
            self.qr.value = ""  # no picture at all: never a broken image
            self.scan_button.layout.display = "none"
            return
        if ":" in account:
            self.message.value = message_html(
                "The Key URI Format says an account name should not contain ':' either: "
                "it is escaped as %3A here, but some apps may still split the label there.",
                "warn",
            )
        else:
            self.message.value = message_html("A URI an authenticator app can scan.", "ok")
        self.uri.value = f"<code style='{WRAP}'>{html.escape(uri)}</code>"
        self.fields.value = uri_fields_html(uri)
        self.qr.value = qr_html(uri, self.secret)
        self.scan_button.layout.display = None

    def scan(self) -> None:
        """Scan the URI on screen with the virtual phone, and show its screen."""
        if self.current_uri is None:
            self.phone_screen.value = message_html(
                "There is no QR code on screen: fix the fields above first.", "warn")
            return
        self.phone.accounts.clear()  # one account at a time: the one on screen
        self.phone.scan(self.current_uri)
        self.phone_screen.value = phone_html(self.phone)


class EnrollmentConfirmer(LabWidget):
    """Type the code your app shows; the service switches the factor on, or says why not.

    On success the ten recovery codes are shown, once (NIST SP 800-63B-4 §4.2.1.1); the
    store keeps only their argon2id hashes. `enrollment` is the handle `begin_enrollment`
    returned (only its holder may confirm); with `show_qr`, the QR code and secret are
    shown above the code field, with "Use the virtual phone" for learners without one,
    and hidden again once confirmed. Enter in the code field confirms.
    """

    def __init__(
        self, auth: AuthService, enrollment: Enrollment, *, show_qr: bool = True
    ) -> None:
        if not isinstance(enrollment, Enrollment):
            raise InvalidInput(
                "EnrollmentConfirmer takes the Enrollment that auth.begin_enrollment returned."
            )
        self.auth = auth
        self.enrollment = enrollment
        self.username = enrollment.username
        self.phone = VirtualAuthenticator(clock=auth.clock)
        self.code = widgets.Text(placeholder="123456789"[: enrollment.digits], description="Code")
        self.button = button("Confirm", button_style="primary", icon="check")
        self.scan_button = button("Use the virtual phone", icon="mobile")
        self.phone_screen = widgets.HTML()
        self.result = widgets.HTML(value=message_html(
            "Type the code your app shows, then press Confirm. This QR code works for "
            f"{ENROLLMENT_SECONDS // 60} minutes.", "info"))
        self.recovery_codes: list[str] = []
        self.button.on_click(self._on_click)
        self.scan_button.on_click(lambda _: self.scan())
        on_enter(self.code, self.confirm)
        self.card: widgets.HBox | None = None
        parts: list[widgets.Widget] = []
        if show_qr:
            self.card = enrollment_card(enrollment)
            parts += [self.card, widgets.HBox([self.scan_button, self.phone_screen])]
        parts += [widgets.HBox([self.code, self.button]), self.result]
        super().__init__(parts)

    def _on_click(self, _button: object) -> None:
        self.confirm()

    def scan(self) -> None:
        """Scan the enrollment's QR code with the virtual phone, and show its screen."""
        if not self.phone.accounts:
            self.phone.scan(self.enrollment.uri)
        self.phone_screen.value = phone_html(self.phone)

    def _hide_card(self) -> None:
        """The seed leaves the screen once the factor is on (it is never needed again)."""
        if self.card is not None:
            for child in self.card.children:
                child.value = ""
            self.card.layout.display = "none"
            self.scan_button.layout.display = "none"
        self.phone_screen.value = ""

    def confirm(self) -> None:
        """Ask the service to confirm the pending enrollment with the typed code."""
        typed = self.code.value
        if self.phone.accounts:
            self.phone_screen.value = phone_html(self.phone)
        if not typed.strip():
            self.result.value = message_html(
                f"Type the {self.enrollment.digits}-digit code your authenticator app shows "
                "for this account.", "error",
            )
            return
        try:
            codes = self.auth.confirm_enrollment(self.enrollment, typed)
        except AuthError as exc:
            self.result.value = message_html(friendly_error(exc), "error")
            return
        self.recovery_codes = codes
        self._hide_card()
        self.result.value = live(
            message_html(
                "Confirmed: the second factor is switched on. Your recovery codes are below, "
                "shown once: keep them somewhere safe, away from your phone.",
                "ok", region=False,
            )
            + recovery_codes_html(codes)
        )
