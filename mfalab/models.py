"""What the service hands out: handles (challenge, session, enrollment) and read-only facts.

A `Challenge`, a `Session` and an `Enrollment` are server-side handles: each carries a
random token whose state lives in the store (the token itself is never stored, only its
SHA-256), so one built by hand is refused. Their reprs never show the token or a secret.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone

from PIL import Image

from . import otp, qr
from .events import Event

__all__ = [
    "AccountStatus",
    "AuditEvent",
    "Challenge",
    "Enrollment",
    "Passkey",
    "Session",
    "token_hash",
]


def token_hash(token: str) -> str:
    """What the store keeps of a handle's token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Challenge:
    """Proof that the password step passed: a handle whose state lives in the store."""

    username: str
    created_at: float
    expires_at: float
    token: str = field(repr=False)


@dataclass(frozen=True)
class Session:
    """A signed-in session (both factors passed).

    `method` is "totp", "recovery code" or "passkey". After a recovery code,
    `recovery_codes_left` says how many remain, so the app can offer a fresh set
    (NIST SP 800-63B-4 §4.2.1.1).
    """

    username: str
    created_at: float
    method: str
    token: str = field(repr=False)
    recovery_codes_left: int | None = None

    def __repr__(self) -> str:
        extra = ("" if self.recovery_codes_left is None
                 else f", recovery_codes_left={self.recovery_codes_left}")
        return (f"Session(username={self.username!r}, created_at={self.created_at!r}, "
                f"method={self.method!r}{extra})")


@dataclass(frozen=True)
class AuditEvent:
    """One entry of the audit trail; never holds a password, seed or code.

    `repeats` counts identical refusals merged into this entry (a flood of attempts while
    locked is one entry, not thousands).
    """

    at: float
    username: str
    event: Event | str
    detail: str = ""
    repeats: int = 1

    @property
    def when(self) -> str:
        """The time as ISO-8601 UTC, for people."""
        return datetime.fromtimestamp(self.at, timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Passkey:
    """A registered passkey as its owner sees it: public facts only.

    `credential_id` is the base64url text the browser uses (and `remove_passkey` takes);
    `synced` says the authenticator may copy it to the owner's other devices (a synced
    passkey: NIST SP 800-63B-4 §2.3.2 does not count it at AAL3).
    """

    credential_id: str
    created_at: float
    last_used_at: float | None
    sign_count: int
    synced: bool


@dataclass(frozen=True)
class AccountStatus:
    """What an account looks like now (for administrators, widgets and lessons).

    The second factor's state, and the password step's lock too, so no front end needs
    a shadow copy of lock state.
    """

    username: str
    enrolled: bool
    pending: bool
    failures: int
    retry_after: float
    disabled: bool
    recovery_codes_left: int
    password_failures: int = 0
    password_retry_after: float = 0.0


@dataclass(frozen=True)
class Enrollment:
    """A new shared secret awaiting confirmation; shown once, as a QR code and as text.

    The handle to confirm it with: only whoever holds it may confirm the enrollment.
    """

    username: str
    issuer: str
    expires_at: float
    digits: int
    period: int
    digest: str
    secret: str = field(repr=False)
    uri: str = field(repr=False)
    token: str = field(repr=False, default="")

    @property
    def grouped_secret(self) -> str:
        """The secret in groups of four, for typing it into a phone."""
        return otp.group_secret(self.secret)

    def qr_image(self) -> Image.Image:
        """The QR code of the URI as a PIL image."""
        return qr.image(self.uri)

    def qr_svg(self) -> str:
        """The QR code of the URI as SVG text."""
        return qr.svg(self.uri)

    def qr_text(self) -> str:
        """The QR code of the URI in block characters, for a terminal."""
        return qr.text(self.uri)
