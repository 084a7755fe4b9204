"""VirtualAuthenticator: a simulated authenticator app for students without a phone.

It does what a phone app does: scans an otpauth:// URI (parsed by pyotp, an
implementation separate from the server's) and shows the current code on its own
clock, which may run fast or slow by `skew` seconds — the drift of RFC 6238 §6.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import urlparse

import pyotp

from .clock import Clock, SystemClock, require_clock
from .errors import EnrollmentRequired, InvalidSecret, InvalidSetting, InvalidURI
from .otp import secret_bytes

__all__ = ["Account", "VirtualAuthenticator"]

_MAX_URI = 2048


@dataclass(frozen=True)
class Account:
    """One account the app holds, as read from its URI."""

    issuer: str | None
    name: str
    digits: int
    period: int
    totp: pyotp.TOTP

    @property
    def label(self) -> str:
        """What the app shows above the code: 'Issuer (name)'."""
        return f"{self.issuer} ({self.name})" if self.issuer else self.name


class VirtualAuthenticator:
    """A simulated phone app: `scan(uri)`, then `code()`.

    >>> from mfalab import FrozenClock
    >>> phone = VirtualAuthenticator(clock=FrozenClock(59))
    >>> phone.scan("otpauth://totp/Lab:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Lab")
    'Lab (alice)'
    >>> phone.code()
    '287082'
    """

    def __init__(self, clock: Clock | None = None, skew: float = 0) -> None:
        if isinstance(skew, bool) or not isinstance(skew, (int, float)) or not math.isfinite(skew):
            raise InvalidSetting("The skew is a number of seconds (negative: the phone is slow).")
        self.clock: Clock = require_clock(clock) if clock is not None else SystemClock()
        self.skew = float(skew)
        self.accounts: list[Account] = []

    def __repr__(self) -> str:
        return f"VirtualAuthenticator(skew={self.skew:+g} s, accounts={len(self.accounts)})"

    def now(self) -> float:
        """The phone's own time: the clock plus its skew."""
        return max(0.0, self.clock.now() + self.skew)

    def scan(self, uri: str) -> str:
        """Add the account in an otpauth://totp URI, as a phone app would; return its label.

        Raises `InvalidURI` with the reason when the URI is not one an app could use.
        Scanning the same issuer and name again replaces that account (re-enrollment).
        """
        if not isinstance(uri, str) or not uri:
            raise InvalidURI("Scan an otpauth:// URI, given as text.")
        if len(uri) > _MAX_URI:
            raise InvalidURI("That is far too long for an enrollment URI.")
        parsed = urlparse(uri)
        if parsed.scheme != "otpauth":
            raise InvalidURI("An enrollment URI starts with otpauth://.")
        if parsed.netloc != "totp":
            raise InvalidURI("This app only holds time-based codes: otpauth://totp/…")
        try:
            otp = pyotp.parse_uri(uri)
        except (ValueError, TypeError) as exc:
            raise InvalidURI(f"This URI cannot be used: {exc}.") from None
        if not isinstance(otp, pyotp.TOTP):
            raise InvalidURI("This app only holds time-based codes: otpauth://totp/…")
        try:
            secret_bytes(otp.secret)
        except InvalidSecret as exc:
            raise InvalidURI(f"The secret in this URI cannot be used: {exc}") from None
        if not 1 <= otp.interval <= 300:
            raise InvalidURI("The period in this URI must be 1 to 300 seconds.")
        account = Account(otp.issuer, otp.name or "", otp.digits, otp.interval, otp)
        self.accounts = [
            a for a in self.accounts if (a.issuer, a.name) != (account.issuer, account.name)
        ]
        self.accounts.append(account)
        return account.label

    def code(self, label: str | None = None) -> str:
        """The code the app shows now for `label` (default: the account scanned last)."""
        if not self.accounts:
            raise EnrollmentRequired(
                "This authenticator holds no account yet: scan an enrollment QR code first."
            )
        matches = [a for a in self.accounts if label is None or a.label == label]
        if not matches:
            raise EnrollmentRequired(f"This authenticator holds no account {label!r}.")
        code: str = matches[-1].totp.at(self.now())
        return code

    def seconds_left(self) -> float:
        """Seconds until the phone shows the next code (for a countdown)."""
        period = self.accounts[-1].period if self.accounts else 30
        return period - self.now() % period
