"""Enrollment: a new shared secret, pending until a code from the app confirms it.

OWASP ASVS 5.0 7.5.1 (re-enrollment needs the existing factor: a stolen password alone
must not replace it) and NIST SP 800-63B-4 §3.1.4.1 (the shared secret). Enrollment
needs the password again; it stays pending until a valid code confirms it (that step
then counts as used) and expires if unconfirmed (10 minutes). The pending factor keeps
the digits, period and digest it was shown with, and the hash of the handle
`begin_enrollment` gave: only whoever holds that handle may confirm it, and an outsider
learns nothing (the same refusal for every name) and counts nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from argon2 import Parameters

from . import otp, recovery, usernames
from .attempts import Attempt, UnitOfWork
from .errors import (
    EnrollmentExpired,
    EnrollmentRequired,
    InvalidInput,
    SecondFactorRequired,
)
from .events import Event, ThrottleKind
from .models import Enrollment, token_hash
from .store import PendingFactor, UserRecord, UserStore

__all__ = ["ENROLLMENT_SECONDS", "EnrollmentFlows"]

ENROLLMENT_SECONDS = 10 * 60
_FACTOR = ThrottleKind.FACTOR
_T = TypeVar("_T")


class EnrollmentFlows:
    """The enrollment half of `AuthService` (a base class: it shares the service's state)."""

    store: UserStore
    issuer: str
    digits: int
    period: int
    digest: str
    password_profile: Parameters
    _work: UnitOfWork

    if TYPE_CHECKING:
        def _now(self) -> float: ...
        def _check_password(self, username: str, password: str) -> UserRecord: ...
        def _has_passkey(self, username: str) -> bool: ...
        def _check_code(self, attempt: Attempt, user: UserRecord, code: object,
                        pending: PendingFactor | None = None) -> int: ...
        def _with_code(self, name: str, code: object, then: Callable[[], _T]) -> _T: ...
        def _with_recovery_code(self, name: str, code: object,
                                then: Callable[[int], _T]) -> _T: ...

    # -- enrollment -----------------------------------------------------------------------

    def begin_enrollment(
        self, username: str, password: str, code: str | None = None
    ) -> Enrollment:
        """Start (or restart) enrollment: a new secret, pending until confirmed.

        Needs the password; when a factor is already active, also a current code or an
        unused recovery code (ASVS 5.0 7.5.1), else `SecondFactorRequired`. The old
        factor stays active until the new one is confirmed. The returned `Enrollment` is
        the handle `confirm_enrollment` needs.
        """
        user = self._check_password(username, password)
        name = user.username
        if user.seed is not None or self._has_passkey(name):  # a passkey is a factor too
            if code is None:
                raise SecondFactorRequired(
                    "This account already has a second factor: to replace it, give a current "
                    "code from your app (or an unused recovery code) too."
                )
            if recovery.looks_like(code):
                self._with_recovery_code(name, code, lambda left: None)
            else:
                self._with_code(name, code, lambda: None)
        secret, token, now = otp.new_secret(), secrets.token_urlsafe(32), self._now()
        pending = PendingFactor(secret, self.digits, self.period, self.digest,
                                token_hash(token), now)
        with self._work.attempt(None, name) as attempt:
            self.store.set_pending_factor(name, pending)
            attempt.audit(Event.ENROLLMENT_STARTED,
                          f"{self.digits} digits, {self.period} s, {self.digest}")
        uri = otp.provisioning_uri(secret, name, self.issuer, self.digits, self.period,
                                   self.digest)
        return Enrollment(name, self.issuer, now + ENROLLMENT_SECONDS, self.digits,
                          self.period, self.digest, secret, uri, token)

    def enrollment(self, username: str, token: str) -> Enrollment:
        """The pending enrollment `token` stands for: the handle `begin_enrollment` gave,
        rebuilt (what a web page keeps between showing the QR code and its confirmation).

        Raises `EnrollmentRequired` when no enrollment of that account waits for this
        token (the same refusal for any name, enrolling or not) and `EnrollmentExpired`
        when it is older than 10 minutes.
        """
        name = usernames.normalize(username)
        nobody = EnrollmentRequired(
            "No enrollment is waiting for this handle: begin enrollment first."
        )
        if not isinstance(token, str) or not 0 < len(token) <= 256:
            raise nobody
        user = self.store.get_user(name)
        pending = None if user is None else user.pending
        if pending is None or not secrets.compare_digest(pending.token_hash, token_hash(token)):
            raise nobody
        if self._now() - pending.created_at > ENROLLMENT_SECONDS:
            raise EnrollmentExpired(
                f"This enrollment was not confirmed within {ENROLLMENT_SECONDS // 60} "
                "minutes: begin again."
            )
        uri = otp.provisioning_uri(pending.secret, name, self.issuer, pending.digits,
                                   pending.period, pending.digest)
        return Enrollment(name, self.issuer, pending.created_at + ENROLLMENT_SECONDS,
                          pending.digits, pending.period, pending.digest, pending.secret, uri,
                          token)

    def _pending_for(self, enrollment: object) -> tuple[str, PendingFactor]:
        """The account and pending factor `enrollment` is the handle of, or a refusal that
        tells an outsider nothing (the same for any name, enrolling or not)."""
        if not isinstance(enrollment, Enrollment):
            raise InvalidInput(
                "confirm_enrollment takes the Enrollment that begin_enrollment returned."
            )
        nobody = EnrollmentRequired(
            "No enrollment is waiting for this handle: begin enrollment first."
        )
        if not isinstance(enrollment.token, str) or not enrollment.token:
            raise nobody
        name = usernames.normalize(enrollment.username)
        user = self.store.get_user(name)
        pending = None if user is None else user.pending
        if pending is None or not secrets.compare_digest(
                pending.token_hash, token_hash(enrollment.token)):
            raise nobody
        return name, pending

    def confirm_enrollment(self, enrollment: Enrollment, code: str) -> list[str]:
        """Activate the pending factor with a code from the app; return 10 recovery codes.

        Only the holder of the `Enrollment` handle can confirm it. The confirming code's
        time step counts as used. Shown once: the store keeps only argon2id hashes of the
        recovery codes. Raises `EnrollmentRequired` (none pending for this handle),
        `EnrollmentExpired` (older than 10 minutes), `InvalidCode`, `TooManyAttempts`.
        """
        name, pending = self._pending_for(enrollment)
        if self._now() - pending.created_at > ENROLLMENT_SECONDS:
            with self.store.transaction():
                current = self.store.get_user(name)
                if current is not None and current.pending == pending:
                    self.store.set_pending_factor(name, None)
            raise EnrollmentExpired(
                f"This enrollment was not confirmed within {ENROLLMENT_SECONDS // 60} "
                "minutes: begin again."
            )
        self._work.refuse_if_locked(_FACTOR, name, name)
        codes = recovery.generate()
        hashes = [recovery.hash_code(c, self.password_profile) for c in codes]  # no lock held
        with self._work.attempt(_FACTOR, name) as attempt:
            current = self.store.get_user(name)
            if current is None or current.pending is None or \
                    current.pending.token_hash != pending.token_hash:
                raise EnrollmentRequired("This enrollment was replaced: use the newest QR code.")
            self._check_code(attempt, current, code, pending=current.pending)
            self.store.replace_recovery_codes(name, hashes)
            attempt.audit(Event.ENROLLMENT_CONFIRMED)
        return codes
