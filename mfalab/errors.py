"""The errors mfalab raises: one small hierarchy, every message a sentence a student can act on.

`AuthError` is the base and is never raised by itself. Callers catch the specific
subclass they can handle; errors that carry context expose it as attributes
(`TooManyAttempts.retry_after`, `WeakPassword.reasons`).
"""

from __future__ import annotations

from collections.abc import Sequence

from .events import Check

__all__ = [
    "AuthError",
    "ChallengeExpired",
    "CodeReused",
    "EnrollmentExpired",
    "EnrollmentRequired",
    "InvalidChallenge",
    "InvalidCode",
    "InvalidInput",
    "InvalidSecret",
    "InvalidSetting",
    "InvalidURI",
    "InvalidUsername",
    "KeyProblem",
    "LoginFailed",
    "PasskeyRefused",
    "PasskeyUnavailable",
    "SecondFactorDisabled",
    "SecondFactorRequired",
    "SessionExpired",
    "StoreBusy",
    "TooManyAttempts",
    "UnknownUser",
    "UserExists",
    "WeakPassword",
]


class AuthError(Exception):
    """Base of every mfalab error; never raised by itself.

    `check` names the check that refused an attempt (`events.Check`), or is None for
    errors that are not a refused attempt.
    """

    check: Check | None = None


class InvalidInput(AuthError):
    """An argument the package cannot use (wrong type, shape or range)."""


class InvalidUsername(InvalidInput):
    """A username that is empty, too long, or holds control or invisible characters."""


class InvalidSecret(InvalidInput):
    """A TOTP shared secret that is not base32 or is too short (RFC 4226 §4: ≥ 128 bits)."""


class InvalidSetting(InvalidInput):
    """An OTP or clock setting out of range (digits, digest, period, window, time)."""


class InvalidURI(InvalidInput):
    """An otpauth:// URI an authenticator app could not use."""


class LoginFailed(AuthError):
    """The first factor failed; the same message for an unknown user and a wrong password."""

    MESSAGE = "The username or password is not right."
    check = Check.PASSWORD

    def __init__(self, message: str = MESSAGE) -> None:
        super().__init__(message)


class WeakPassword(AuthError):
    """A new password refused by the policy; `reasons` lists why, one sentence each."""

    def __init__(self, reasons: Sequence[str]) -> None:
        self.reasons: list[str] = list(reasons)
        super().__init__("This password cannot be used: " + " ".join(self.reasons))


class UserExists(AuthError):
    """Registration of a username (after normalization) that is already taken."""


class UnknownUser(AuthError):
    """An administrator operation named an account that does not exist."""


class EnrollmentRequired(AuthError):
    """The account has no active second factor yet (or the step needs one in progress)."""


class EnrollmentExpired(EnrollmentRequired):
    """A pending enrollment was not confirmed in time; begin again."""


class SecondFactorRequired(AuthError):
    """Replacing an active factor needs a current code or an unused recovery code too."""


class InvalidCode(AuthError):
    """A refused one-time code or recovery code (wrong, malformed, or out of the window).

    `check` says which: `Check.SHAPE`, `Check.WINDOW`, `Check.REPLAY` or
    `Check.RECOVERY_CODE`.
    """

    def __init__(self, message: str, check: Check = Check.SHAPE) -> None:
        self.check = check
        super().__init__(message)


class CodeReused(InvalidCode):
    """A code for a time step that was already accepted (a replay)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, Check.REPLAY)


class PasskeyRefused(InvalidCode):
    """A passkey answer the relying party refused (WebAuthn Level 3 §7.1, §7.2).

    `reason` names the rule, in a word or two, for the audit trail and the lessons:
    "malformed", "challenge", "origin", "rp id", "user verification", "signature",
    "unknown passkey", "counter" (a possible clone) or "duplicate". Counted by the
    second factor's throttle like a wrong code; `detail` adds what was seen (the page's
    origin, the counters), for the audit trail.
    """

    def __init__(self, message: str, reason: str, detail: str = "") -> None:
        super().__init__(message, Check.PASSKEY)
        self.reason = reason
        self.detail = detail  # what the audit trail records beside the reason (no secret)


class PasskeyUnavailable(AuthError):
    """The authenticator (or the browser in front of it) gave no answer: it holds no passkey
    for that RP ID, the page's origin may not ask for that RP ID, or the options are not
    ones it can use (the browser's NotAllowedError, SecurityError or InvalidStateError)."""


class TooManyAttempts(AuthError):
    """Attempts are locked for a while; `retry_after` says how many seconds remain."""

    check = Check.THROTTLE

    def __init__(self, retry_after: float, message: str | None = None) -> None:
        self.retry_after = max(0.0, float(retry_after))
        seconds = max(1, round(self.retry_after))
        super().__init__(
            message
            or f"Too many failed attempts: wait {seconds} s before trying again."
        )


class SecondFactorDisabled(AuthError):
    """The second factor was switched off after too many failures; an administrator resets it."""

    check = Check.DISABLED


class ChallengeExpired(AuthError):
    """A login challenge that has ended (used, or older than its lifetime)."""


class InvalidChallenge(AuthError):
    """A challenge the server never issued (for example, one built by hand)."""


class SessionExpired(AuthError):
    """A session too old (or unknown) for a sensitive step; log in again."""


class StoreBusy(AuthError):
    """The database stayed locked by another writer for longer than the busy timeout."""


class KeyProblem(AuthError):
    """The key that encrypts seeds at rest is missing, malformed, wrong or exposed."""
