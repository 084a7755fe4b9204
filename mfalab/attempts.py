"""One unit of work for every flow of the service: lock check, transaction, audit, notify.

Every public flow of `AuthService` runs its state change as

    with self._work.attempt(kind, key, account) as attempt:
        ...                      # straight-line code; a refusal is attempt.fail(event, error)

and `attempt` does the whole sequence: re-check the throttle lock inside the write
transaction, collect audit events, commit refusals as well as successes (a refused
attempt must be counted even though it raises), send the security notifications once
after the commit, then raise the refusal. No flow can forget a step.

Throttling is NIST SP 800-63B-4 §3.2.2 with the schedule of `throttle`; while locked,
refusals are not counted, and repeated ones merge into one audit row (bounded growth).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import NoReturn

from . import throttle
from .clock import Clock
from .errors import AuthError, SecondFactorDisabled, TooManyAttempts
from .events import NOTIFIED, Event, ThrottleKind
from .models import AuditEvent
from .store import UserStore
from .throttle import Throttle

__all__ = ["Attempt", "UnitOfWork"]


class _Refusal(Exception):
    """Carries a refusal out of an attempt's body, so the transaction still commits."""

    def __init__(self, error: AuthError) -> None:
        super().__init__(str(error))
        self.error = error


class Attempt:
    """One attempt inside its transaction: audit, count a failure, or reset the count."""

    def __init__(
        self, work: UnitOfWork, kind: ThrottleKind | None, key: str, account: str
    ) -> None:
        self._work = work
        self.kind = kind
        self.key = key  # the throttle's key: the account name, or a pseudonym
        self.account = account  # the audit trail's key
        self.outbox: list[AuditEvent] = []
        self.state = Throttle()  # as read inside this attempt's transaction

    def audit(self, event: Event, detail: str = "") -> None:
        """Record an event; a security event is also notified after the commit."""
        record = AuditEvent(self._work.now(), self.account, event, detail)
        self._work.store.add_audit(self.account, record.at, event, detail)
        if event in NOTIFIED:
            self.outbox.append(record)

    def fail(self, event: Event, error: AuthError, detail: str = "") -> NoReturn:
        """Count one refused attempt, audit it (and any lock it starts), and refuse.

        `detail` (never a secret) says what was refused, before the count.
        """
        if self.kind is not None:
            store, now = self._work.store, self._work.now()
            before = self.state
            after = throttle.after_failure(
                before, now, can_disable=self.kind is ThrottleKind.FACTOR
            )
            store.set_throttle(self.kind, self.key, after)
            self.state = after
            count = f"{self.kind} failure {after.failures} in a row"
            self.audit(event, f"{detail}; {count}" if detail else count)
            if after.locked_until > before.locked_until:
                seconds = throttle.lock_seconds(after.failures)
                self.audit(Event.LOCKOUT, f"{self.kind} locked for {seconds:.0f} s")
            if after.disabled and not before.disabled:
                self.audit(Event.SECOND_FACTOR_DISABLED,
                           f"after {throttle.DISABLE_AFTER} failures in a row")
        else:
            self.audit(event, detail)
        raise _Refusal(error)

    def refuse(self, error: AuthError) -> NoReturn:
        """Refuse without counting (what was recorded so far is still committed)."""
        raise _Refusal(error)

    def succeed(self) -> None:
        """A success resets the count of consecutive failures (§3.2.2)."""
        if self.kind is not None and self.state.failures:
            self.state = Throttle()
            self._work.store.set_throttle(self.kind, self.key, self.state)


class UnitOfWork:
    """The sequence every flow shares, on one store, clock and notify callback."""

    def __init__(
        self, store: UserStore, clock: Clock, notify: Callable[[AuditEvent], None] | None
    ) -> None:
        self.store = store
        self.clock = clock
        self.notify = notify

    def now(self) -> float:
        """The injected clock's time, in unix seconds."""
        return float(self.clock.now())

    def lock_refusal(
        self, kind: ThrottleKind, key: str, account: str, state: Throttle | None = None
    ) -> AuthError | None:
        """The refusal for a locked or disabled key, audited (merged) but not counted."""
        state = self.store.get_throttle(kind, key) if state is None else state
        if state.disabled:
            self.store.add_audit(account, self.now(), Event.REFUSED_WHILE_DISABLED, str(kind),
                                 merge_repeat=True)
            return SecondFactorDisabled(
                "The second factor of this account is switched off after "
                f"{throttle.DISABLE_AFTER} failed codes in a row: an administrator must "
                "reset it."
            )
        wait = throttle.retry_after(state, self.now())
        if wait > 0:
            until = datetime.fromtimestamp(state.locked_until, timezone.utc)
            self.store.add_audit(
                account, self.now(), Event.REFUSED_WHILE_LOCKED,
                f"{kind} locked until {until.isoformat(timespec='seconds')}",
                merge_repeat=True,
            )
            return TooManyAttempts(wait)
        return None

    def refuse_if_locked(self, kind: ThrottleKind, key: str, account: str) -> None:
        """Refuse early, before expensive work (argon2), when the key is locked."""
        state = self.store.get_throttle(kind, key)
        if not state.disabled and throttle.retry_after(state, self.now()) <= 0:
            return
        with self.store.transaction():
            refusal = self.lock_refusal(kind, key, account)
        if refusal is not None:
            raise refusal

    @contextmanager
    def attempt(
        self, kind: ThrottleKind | None, key: str, account: str | None = None
    ) -> Iterator[Attempt]:
        """Run the body as one transaction; commit refusals too; notify; then raise."""
        attempt = Attempt(self, kind, key, key if account is None else account)
        refusal: AuthError | None = None
        with self.store.transaction():
            try:
                if kind is not None:
                    attempt.state = self.store.get_throttle(kind, key)
                    locked = self.lock_refusal(kind, key, attempt.account, attempt.state)
                    if locked is not None:
                        raise _Refusal(locked)
                yield attempt
            except _Refusal as refused:
                refusal = refused.error
        self.send(attempt.outbox)
        if refusal is not None:
            raise refusal from None

    def send(self, outbox: list[AuditEvent]) -> None:
        """Call `notify` for each event, after the transaction that recorded it committed.

        Notifications are best effort: a failing callback must not undo a login or a
        refusal that already happened, so its failure is audited and warned about instead.
        """
        if self.notify is None:
            return
        for event in outbox:
            try:
                self.notify(event)
            except Exception as failed:  # the callback is the caller's code
                with self.store.transaction():
                    self.store.add_audit(event.username, self.now(), Event.NOTIFICATION_FAILED,
                                         f"{event.event}: {type(failed).__name__}")
                warnings.warn(f"The notify callback failed for {str(event.event)!r}: {failed!r}",
                              RuntimeWarning, stacklevel=4)
