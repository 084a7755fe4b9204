"""Enrollment widgets for lesson 02: build the otpauth:// URI and its QR code, then confirm.

- `UriBuilder`: issuer and account in, the live URI (field by field) and its QR code out,
  drawn on this machine by `mfalab.qr` (a web QR service would see the secret). The URI
  follows Google's Key URI Format, which `otp.provisioning_uri` implements; the secret is
  base32 (RFC 4648 §6), the settings those of RFC 6238 §1.2 and §4.
- `EnrollmentConfirmer`: type the code the app shows, the service confirms the pending
  secret (`AuthService.confirm_enrollment`) and returns the recovery codes, shown once
  (NIST SP 800-63B-4 §3.1.2, look-up secrets), or a friendly refusal.

No security decision is taken here: the widgets call the package and show its answers.
"""

from __future__ import annotations

import base64
import html
import io
from typing import Any
from urllib.parse import parse_qsl, unquote, urlparse

import ipywidgets as widgets

from .. import otp, qr
from ..errors import AuthError, InvalidInput
from ..service import AuthService, Enrollment
from ._common import friendly_error, message_html

__all__ = ["EnrollmentConfirmer", "UriBuilder", "enrollment_card", "qr_png", "uri_fields_html"]

#: RFC 4226's key "12345678901234567890" in base32: a fixed, public example secret.
EXAMPLE_SECRET = base64.b32encode(b"12345678901234567890").decode("ascii")
_MAX_FIELD = 256  # longer input is refused before any other work

_FIELD_NOTES = dict(
    (
        ("secret", "the shared secret, base32 (RFC 4648 §6): whoever reads it can make codes"),
        ("issuer", "who the account is with; apps show it and use it to tell accounts apart"),
        ("algorithm", "the HMAC hash (RFC 6238 §1.2)"),
        ("digits", "how long a code is (RFC 4226 §5.3)"),
        ("period", "seconds per code, the X of RFC 6238 §4.1"),
    )
)
_DEFAULTS = {"algorithm": "SHA1", "digits": "6", "period": "30"}


def qr_png(uri: str) -> bytes:
    """The QR code of `uri` as PNG bytes, for an `ipywidgets.Image` (drawn locally)."""
    buffer = io.BytesIO()
    qr.image(uri).save(buffer, format="PNG")
    return buffer.getvalue()


def uri_fields_html(uri: str) -> str:
    """An HTML table that reads an otpauth:// URI field by field, as an app would.

    Parameters left out (algorithm, digits, period) are shown with the default an app
    assumes: SHA1, 6 digits, 30 seconds (Key URI Format; RFC 6238 §4.1).
    """
    parsed = urlparse(uri)
    label = unquote(parsed.path.lstrip("/"))
    issuer_part, _, account = label.partition(":")
    params = dict(parse_qsl(parsed.query))
    rows = [
        ("scheme", parsed.scheme, "always otpauth: phones hand such links to an authenticator"),
        ("type", parsed.netloc, "totp: time-based (hotp would be counter-based)"),
        ("label: issuer", issuer_part, "before the ':' in the label"),
        ("label: account", account, "after the ':', the account at that issuer"),
    ]
    for name in ("secret", "issuer", "algorithm", "digits", "period"):
        if name in params:
            rows.append((name, params[name], _FIELD_NOTES[name]))
        else:
            rows.append((name, f"(left out: {_DEFAULTS[name]})", _FIELD_NOTES[name]))
    body = "".join(
        f"<tr><td><b>{html.escape(name)}</b></td>"
        f"<td><code>{html.escape(value)}</code></td>"
        f"<td>{html.escape(note)}</td></tr>"
        for name, value, note in rows
    )
    return (
        '<table class="mfalab-uri-fields" style="border-collapse:collapse">'
        "<tr><th>field</th><th>value</th><th>what it means</th></tr>"
        f"{body}</table>"
    )


def enrollment_card(enrollment: Enrollment) -> Any:
    """A box with the enrollment's QR code and its secret in groups of four (shown once)."""
    image = widgets.Image(value=qr_png(enrollment.uri), format="png", width=220, height=220)
    text = widgets.HTML(
        value=(
            "<div>Scan the QR code, or type this secret into your app "
            "(time-based, SHA1, 6 digits, 30 s):<br>"
            f"<code style='font-size:1.1em'>{html.escape(enrollment.grouped_secret)}</code>"
            f"<br>Account: <b>{html.escape(enrollment.issuer)}</b> "
            f"({html.escape(enrollment.username)})</div>"
        )
    )
    return widgets.HBox([image, text])


class _Displayable:
    """Display the composed widget, with a stable text form (nbval compares text/plain)."""

    widget: Any

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle: dict[str, Any] = dict(self.widget._repr_mimebundle_(**kwargs))
        bundle["text/plain"] = (
            f"{type(self).__name__} (an interactive widget: run this notebook in Jupyter)"
        )
        return bundle


class UriBuilder(_Displayable):
    """Issuer and account in; the otpauth:// URI, its fields and its QR code out, live.

    Empty fields, an issuer with ':' (the label's separator) and overlong input get a
    friendly message instead of a URI. The secret is fixed when the widget is built.
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
        self.qr = widgets.Image(format="png", width=220, height=220)
        self.current_uri: str | None = None
        for control in (self.issuer, self.account, self.algorithm, self.digits, self.period):
            control.observe(self._on_change, names="value")
        settings = widgets.HBox([self.algorithm, self.digits, self.period])
        details = widgets.VBox([self.message, self.uri, self.fields])
        self.widget = widgets.VBox(
            [self.issuer, self.account, settings, widgets.HBox([self.qr, details])]
        )
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
        if uri is None:
            self.message.value = message_html(problem or "", "error")
            self.uri.value = ""
            self.fields.value = ""
            self.qr.value = b""
            return
        if ":" in account:
            self.message.value = message_html(
                "The Key URI Format says an account name should not contain ':' either: "
                "it is escaped as %3A here, but some apps may still split the label there.",
                "warn",
            )
        else:
            self.message.value = message_html("A URI an authenticator app can scan.", "ok")
        self.uri.value = f"<code style='word-break:break-all'>{html.escape(uri)}</code>"
        self.fields.value = uri_fields_html(uri)
        self.qr.value = qr_png(uri)


class EnrollmentConfirmer(_Displayable):
    """Type the code your app shows; the service switches the factor on, or says why not.

    On success the ten recovery codes are shown, once (NIST SP 800-63B-4 §4.2.1.1); the
    store keeps only their argon2id hashes. `enrollment` is the handle `begin_enrollment`
    returned (only its holder may confirm); with `show_qr`, the QR code and secret are
    shown above the code field, so a phone can scan them.
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
        self.code = widgets.Text(placeholder="123456", description="Code")
        self.button = widgets.Button(description="Confirm", button_style="primary")
        self.result = widgets.HTML(
            value=message_html("Type the code your app shows, then press Confirm.", "info")
        )
        self.recovery_codes: list[str] = []
        self.button.on_click(self._on_click)
        parts: list[Any] = []
        if show_qr:
            parts.append(enrollment_card(enrollment))
        parts += [widgets.HBox([self.code, self.button]), self.result]
        self.widget = widgets.VBox(parts)

    def _on_click(self, _button: object) -> None:
        self.confirm()

    def confirm(self) -> None:
        """Ask the service to confirm the pending enrollment with the typed code."""
        typed = self.code.value
        if isinstance(typed, str) and not typed.strip():
            self.result.value = message_html(
                "Type the 6-digit code your authenticator app shows for this account.", "error"
            )
            return
        try:
            codes = self.auth.confirm_enrollment(self.enrollment, typed)
        except AuthError as exc:
            self.result.value = message_html(friendly_error(exc), "error")
            return
        self.recovery_codes = codes
        items = "".join(f"<li><code>{html.escape(c)}</code></li>" for c in codes)
        self.result.value = (
            message_html(
                "Confirmed: the second factor is switched on. Here are your recovery codes, "
                "shown once: keep them somewhere safe, away from your phone.",
                "ok",
            )
            + f'<ol class="mfalab-recovery-codes">{items}</ol>'
        )
