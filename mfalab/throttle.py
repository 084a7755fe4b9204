"""The throttle schedule: how long an account is locked after consecutive failures.

NIST SP 800-63B-4 §3.2.2 (rate limiting) and OWASP ASVS 5.0 V6.3: the 5th consecutive
failure starts a 30 s lock, each further failure doubles it (60 s, 120 s, …) up to one
hour, and 100 consecutive failures of the second factor disable it until an
administrator resets it (NIST's cap of 100). While locked, attempts are refused and
not counted; a success resets the count. Pure functions on a `Throttle` value: the
store keeps it, this module decides.

A success resets the count (§3.2.2 allows it), so the 100-failure cap is no bound on an
attacker who stays under it between the owner's logins: the real bound is the lock's
rate, and the real defense beyond it is the lockout notification to the owner.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DISABLE_AFTER",
    "FIRST_LOCK_SECONDS",
    "LOCK_AFTER",
    "MAX_LOCK_SECONDS",
    "Throttle",
    "after_failure",
    "lock_seconds",
    "retry_after",
]

LOCK_AFTER = 5
FIRST_LOCK_SECONDS = 30.0
MAX_LOCK_SECONDS = 3600.0
DISABLE_AFTER = 100


@dataclass(frozen=True)
class Throttle:
    """Consecutive failures of one kind (password or factor) for one account key."""

    failures: int = 0
    locked_until: float = 0.0
    disabled: bool = False


def lock_seconds(failures: int) -> float:
    """The lock that the `failures`-th consecutive failure starts (0 before the 5th)."""
    if failures < LOCK_AFTER:
        return 0.0
    doublings = min(failures - LOCK_AFTER, 20)  # 30 s × 2^20 is far past the cap
    return min(FIRST_LOCK_SECONDS * float(2**doublings), MAX_LOCK_SECONDS)


def retry_after(state: Throttle, now: float) -> float:
    """Seconds until the lock ends (0 when not locked)."""
    return max(0.0, state.locked_until - now)


def after_failure(state: Throttle, now: float, *, can_disable: bool) -> Throttle:
    """The state after one more counted failure.

    `can_disable` is True for the second factor only: the password step is never
    disabled, since that would let anyone lock anyone out.
    """
    failures = state.failures + 1
    lock = lock_seconds(failures)
    return Throttle(
        failures=failures,
        locked_until=now + lock if lock else state.locked_until,
        disabled=state.disabled or (can_disable and failures >= DISABLE_AFTER),
    )
