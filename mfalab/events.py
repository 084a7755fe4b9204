"""The service's vocabulary: audit events, throttle kinds and the checks that refuse.

Defined once and used by the service, the stores, the widgets and the lessons. Each is a
string enum stored as its value, so a database written before these enums existed reads
back unchanged, and `Event.CODE_REUSED == "code_reused"`.

Security notifications (NIST SP 800-63B-4 §4.2 and §3.1.7's notifications; OWASP ASVS
5.0 V6.3.7) are the events in `NOTIFIED`: each is an audit row and a call to the
service's `notify` callback, sent once after the transaction that recorded it commits.
"""

from __future__ import annotations

import enum

__all__ = ["NOTIFIED", "Check", "Event", "ThrottleKind"]


class _StrEnum(str, enum.Enum):
    """A string enum (like Python 3.11's `StrEnum`, available on 3.10 too)."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class Event(_StrEnum):
    """What the audit trail records; never a password, seed or code."""

    REGISTERED = "registered"
    PASSWORD_OK = "password_ok"  # an event name  # nosec B105
    PASSWORD_FAILED = "password_failed"  # an event name  # nosec B105
    PASSWORD_REHASHED = "password_rehashed"  # an event name  # nosec B105
    PASSWORD_CHANGED = "password_changed"  # an event name  # nosec B105
    ENROLLMENT_STARTED = "enrollment_started"
    ENROLLMENT_CONFIRMED = "enrollment_confirmed"
    CODE_ACCEPTED = "code_accepted"
    CODE_REJECTED = "code_rejected"
    CODE_MALFORMED = "code_malformed"
    CODE_REUSED = "code_reused"
    RECOVERY_CODE_USED = "recovery_code_used"
    RECOVERY_CODE_REJECTED = "recovery_code_rejected"
    RECOVERY_CODE_MALFORMED = "recovery_code_malformed"
    RECOVERY_CODES_REGENERATED = "recovery_codes_regenerated"
    LOCKOUT = "lockout"
    REFUSED_WHILE_LOCKED = "refused_while_locked"
    REFUSED_WHILE_DISABLED = "refused_while_disabled"
    SECOND_FACTOR_DISABLED = "second_factor_disabled"
    SECOND_FACTOR_RESET = "second_factor_reset"
    SIGNED_OUT = "signed_out"
    NOTIFICATION_FAILED = "notification_failed"
    PASSKEY_ADDED = "passkey_added"
    PASSKEY_REMOVED = "passkey_removed"
    PASSKEY_ACCEPTED = "passkey_accepted"
    PASSKEY_REJECTED = "passkey_rejected"
    PASSKEY_CLONE_WARNING = "passkey_clone_warning"

    @classmethod
    def read(cls, value: str) -> Event | str:
        """The event stored as `value`; an unknown string (a newer version's) stays a string."""
        try:
            return cls(value)
        except ValueError:
            return value


#: Events that also call `notify`: the security notifications.
NOTIFIED = frozenset(
    {
        Event.ENROLLMENT_CONFIRMED,
        Event.RECOVERY_CODE_USED,
        Event.CODE_REUSED,
        Event.LOCKOUT,
        Event.SECOND_FACTOR_DISABLED,
        Event.SECOND_FACTOR_RESET,
        Event.RECOVERY_CODES_REGENERATED,
        Event.PASSWORD_CHANGED,
        Event.PASSKEY_ADDED,
        Event.PASSKEY_REMOVED,
        Event.PASSKEY_CLONE_WARNING,
    }
)


class ThrottleKind(_StrEnum):
    """The two throttled steps (NIST SP 800-63B-4 §3.2.2)."""

    PASSWORD = "password"  # a throttle kind  # nosec B105
    FACTOR = "factor"


class Check(_StrEnum):
    """Which check refused an attempt: the `check` attribute of a refusal."""

    PASSWORD = "password"  # the first factor did not match  # nosec B105
    SHAPE = "shape"  # not exactly `digits` ASCII digits (or not a recovery code's shape)
    WINDOW = "window"  # well formed, but no step in the window has this code
    REPLAY = "replay"  # the code's time step was already accepted
    RECOVERY_CODE = "recovery code"  # no unused recovery code matches
    PASSKEY = "passkey"  # the passkey's signature, origin, RP ID or counter
    THROTTLE = "throttle"  # locked for a while after consecutive failures
    DISABLED = "disabled"  # switched off after 100 failures
