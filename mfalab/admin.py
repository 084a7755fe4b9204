"""Administration and inspection: reset a second factor, read an account's state and trail.

For administrators, widgets in an explicitly labelled instructor's view, and lessons —
never for a front end to show an anonymous caller (what the service would not tell one).
An administrator's reset is an account-recovery event, notified to the owner (NIST SP
800-63B-4 §4.2); the password step's lock is reported with the factor's, so no front end
keeps a shadow copy of lock state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import throttle, usernames
from .attempts import UnitOfWork
from .errors import UnknownUser
from .events import Event, ThrottleKind
from .models import AccountStatus, AuditEvent
from .store import UserStore

__all__ = ["AdminFlows"]

_PASSWORD, _FACTOR = ThrottleKind.PASSWORD, ThrottleKind.FACTOR


class AdminFlows:
    """The administration half of `AuthService` (a base class: it shares the service's state)."""

    store: UserStore
    _work: UnitOfWork

    if TYPE_CHECKING:
        def _now(self) -> float: ...
        def _remove_all_passkeys(self, username: str) -> int: ...

    # -- administration and inspection ---------------------------------------------

    def reset_second_factor(self, username: str) -> None:
        """Administrator: remove the account's second factors, passkeys too (back to not
        enrolled).

        Notified to the account's owner: an account-recovery event (NIST SP 800-63B-4 §4.2).
        """
        name = usernames.normalize(username)
        with self._work.attempt(None, name) as attempt:
            if self.store.get_user(name) is None:
                raise UnknownUser(f"There is no account named {name!r}.")
            self.store.clear_second_factor(name)
            removed = self._remove_all_passkeys(name)
            attempt.audit(Event.SECOND_FACTOR_RESET, "by an administrator" + (
                f"; {removed} passkey{'s' * (removed != 1)} removed" if removed else ""))

    def status(self, username: str) -> AccountStatus:
        """Administrator: the account's state — factor, failures, locks, codes left."""
        name = usernames.normalize(username)
        user = self.store.get_user(name)
        if user is None:
            raise UnknownUser(f"There is no account named {name!r}.")
        now = self._now()
        factor = self.store.get_throttle(_FACTOR, name)
        password = self.store.get_throttle(_PASSWORD, self.store.pseudonym(name))
        return AccountStatus(
            username=name,
            enrolled=user.seed is not None,
            pending=user.pending is not None,
            failures=factor.failures,
            retry_after=throttle.retry_after(factor, now),
            disabled=factor.disabled,
            recovery_codes_left=len(self.store.unused_recovery_codes(name)),
            password_failures=password.failures,
            password_retry_after=throttle.retry_after(password, now),
        )

    def audit_log(self, username: str) -> list[AuditEvent]:
        """Administrator: every audit event of the name, oldest first (for a name that is
        not an account, the events stored under its pseudonym)."""
        name = usernames.normalize(username)
        key = name if self.store.get_user(name) is not None else self.store.pseudonym(name)
        return [AuditEvent(r.at, r.username, r.event, r.detail, r.repeats)
                for r in self.store.audit(key)]
