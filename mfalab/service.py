"""AuthService: the login flow — register, enroll, password, then a one-time code.

NIST SP 800-63B-4 (AAL2: a password and an OTP device, §2.2 and §3.1.4) and OWASP
ASVS 5.0 V6 (authentication). The service holds the rules; the store holds the state;
widgets and notebooks only call the service and show its answers.

- First factor: the same `LoginFailed` for an unknown user and a wrong password, with
  argon2 work either way, throttled per normalized username (§3.2.2).
- Second factor: the window and drift of RFC 6238 §5.2 / §6, replay refused by time
  step with an atomic compare-and-set, every refusal counted by the throttle.
- Enrollment needs the password again, and a current code or recovery code when a
  factor is already active (ASVS 5.0 7.5.1); it is pending until a code confirms it.
"""

from __future__ import annotations

import hashlib
import secrets
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TypeVar

from argon2 import Parameters
from PIL import Image

from . import otp, passwords, qr, recovery, throttle, usernames
from .clock import Clock, SystemClock, require_clock
from .errors import (
    AuthError,
    ChallengeExpired,
    CodeReused,
    EnrollmentExpired,
    EnrollmentRequired,
    InvalidChallenge,
    InvalidCode,
    InvalidSetting,
    LoginFailed,
    SecondFactorDisabled,
    SecondFactorRequired,
    SessionExpired,
    TooManyAttempts,
    UnknownUser,
    WeakPassword,
)
from .store import Throttle, UserRecord, UserStore

__all__ = ["AccountStatus", "AuditEvent", "AuthService", "Challenge", "Enrollment", "Session"]

CHALLENGE_SECONDS = 5 * 60
ENROLLMENT_SECONDS = 10 * 60
FRESH_SESSION_SECONDS = 5 * 60
MAX_DRIFT_STEPS = 1
#: Events that also call the `notify` callback (security notifications, ASVS 5.0 V6.3.7).
NOTIFIED_EVENTS = frozenset(
    {"enrollment_confirmed", "recovery_code_used", "code_reused", "lockout",
     "second_factor_disabled"}
)
_PASSWORD, _FACTOR = "password", "factor"
_T = TypeVar("_T")


def _token_hash(token: str) -> str:
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
    """A signed-in session (both factors passed)."""

    username: str
    created_at: float
    method: str  # "totp" or "recovery code"
    token: str = field(repr=False)


@dataclass(frozen=True)
class AuditEvent:
    """One entry of the audit trail; never holds a password, seed or code."""

    at: float
    username: str
    event: str
    detail: str = ""

    @property
    def when(self) -> str:
        """The time as ISO-8601 UTC, for people."""
        return datetime.fromtimestamp(self.at, timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class AccountStatus:
    """What an account's second factor looks like now (for widgets and lessons)."""

    username: str
    enrolled: bool
    pending: bool
    failures: int
    retry_after: float
    disabled: bool
    recovery_codes_left: int


@dataclass(frozen=True)
class Enrollment:
    """A new shared secret awaiting confirmation; shown once, as a QR code and as text."""

    username: str
    issuer: str
    expires_at: float
    digits: int
    period: int
    digest: str
    secret: str = field(repr=False)
    uri: str = field(repr=False)

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


class AuthService:
    """The whole login flow on one `UserStore`.

    `clock` is injected (a `FrozenClock` in lessons and tests). `password_profile`
    defaults to the real argon2id parameters; tests pass `passwords.CHEAP_FOR_TESTS_ONLY`.
    `notify(event)` is called after enrollment confirmed, recovery code used, code reused,
    lockout, and second factor disabled.
    """

    def __init__(
        self,
        store: UserStore,
        clock: Clock | None = None,
        issuer: str = "MFA Lab",
        *,
        window: int = 1,
        digits: int = 6,
        period: int = 30,
        digest: str = "sha1",
        password_profile: Parameters = passwords.DEFAULT_PROFILE,
        notify: Callable[[AuditEvent], None] | None = None,
    ) -> None:
        if not isinstance(store, UserStore):
            raise InvalidSetting("AuthService needs a UserStore, like UserStore(':memory:').")
        if isinstance(window, bool) or not isinstance(window, int):
            raise InvalidSetting("The window is a whole number of steps.")
        if not 0 <= window <= otp.MAX_WINDOW:
            raise InvalidSetting(f"The window is from 0 to {otp.MAX_WINDOW} steps.")
        otp.provisioning_uri(otp.new_secret(), "check", issuer, digits, period, digest)
        if notify is not None and not callable(notify):
            raise InvalidSetting("notify is a function that takes an AuditEvent, or None.")
        passwords.dummy_hash(password_profile)  # checks the profile, and warms the cache
        self.store = store
        self.clock: Clock = require_clock(clock) if clock is not None else SystemClock()
        self.issuer = issuer
        self.window = window
        self.digits = digits
        self.period = period
        self.digest = digest
        self.password_profile = password_profile
        self.notify = notify

    def __repr__(self) -> str:
        return f"AuthService({self.store!r}, clock={self.clock!r}, issuer={self.issuer!r})"

    # -- helpers ------------------------------------------------------------------------

    def _now(self) -> float:
        return float(self.clock.now())

    def _audit(self, username: str, event: str, detail: str, outbox: list[AuditEvent]) -> None:
        record = AuditEvent(self._now(), username, event, detail)
        self.store.add_audit(username, record.at, event, detail)
        if event in NOTIFIED_EVENTS:
            outbox.append(record)

    def _send(self, outbox: list[AuditEvent]) -> None:
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
                self.store.add_audit(event.username, self._now(), "notification_failed",
                                     f"{event.event}: {type(failed).__name__}")
                warnings.warn(f"The notify callback failed for {event.event!r}: {failed!r}",
                              RuntimeWarning, stacklevel=3)

    def _locked(self, kind: str, username: str) -> AuthError | None:
        """The refusal for a locked or disabled account, audited but not counted."""
        state = self.store.get_throttle(kind, username)
        wait = throttle.retry_after(state, self._now())
        if state.disabled:
            self.store.add_audit(username, self._now(), "refused_while_disabled", kind)
            return SecondFactorDisabled(
                "The second factor of this account is switched off after too many failed "
                "codes: an administrator must reset it."
            )
        if wait > 0:
            self.store.add_audit(
                username, self._now(), "refused_while_locked", f"{kind}, {wait:.0f} s left"
            )
            return TooManyAttempts(wait)
        return None

    def _count_failure(
        self, kind: str, username: str, event: str, outbox: list[AuditEvent]
    ) -> None:
        """Count one refused attempt (inside a transaction) and audit it and any lock."""
        before = self.store.get_throttle(kind, username)
        after = throttle.after_failure(before, self._now(), can_disable=kind == _FACTOR)
        self.store.set_throttle(kind, username, after)
        self._audit(username, event, f"{kind} failure {after.failures} in a row", outbox)
        if after.locked_until > before.locked_until:
            seconds = throttle.lock_seconds(after.failures)
            self._audit(username, "lockout", f"{kind} locked for {seconds:.0f} s", outbox)
        if after.disabled and not before.disabled:
            self._audit(username, "second_factor_disabled", "after 100 failures", outbox)

    def _reset_failures(self, kind: str, username: str) -> None:
        if self.store.get_throttle(kind, username).failures:
            self.store.set_throttle(kind, username, Throttle())

    # -- first factor ---------------------------------------------------------------------

    def register(self, username: str, password: str) -> None:
        """Create an account (no second factor yet).

        Raises `InvalidUsername`, `WeakPassword` (with `reasons`) or `UserExists`.
        """
        name = usernames.normalize(username)
        reasons = passwords.check(password, context=(name, username, self.issuer))
        if reasons:
            raise WeakPassword(reasons)
        encoded = passwords.hash(password, self.password_profile)
        outbox: list[AuditEvent] = []
        with self.store.transaction():
            self.store.add_user(name, encoded, self._now())
            self._audit(name, "registered", "", outbox)

    def _check_password(self, username: str, password: str) -> UserRecord:
        """The first factor (NIST SP 800-63B-4 §3.1.1.2), throttled per username (§3.2.2)."""
        name = usernames.normalize(username)
        refusal = self._locked(_PASSWORD, name)
        if refusal is not None:
            raise refusal
        user = self.store.get_user(name)
        # Unknown users cost the same argon2 work as known ones, and get the same answer.
        stored = user.password_hash if user else passwords.dummy_hash(self.password_profile)
        matched = passwords.is_match(stored, password) and user is not None
        upgraded = None  # hashed before the transaction, so no write lock waits on argon2
        if matched and user and passwords.needs_rehash(user.password_hash, self.password_profile):
            upgraded = passwords.hash(password, self.password_profile)
        outbox: list[AuditEvent] = []
        with self.store.transaction():
            refusal = self._locked(_PASSWORD, name)
            if refusal is None and not matched:
                self._count_failure(_PASSWORD, name, "password_failed", outbox)
            elif refusal is None:
                self._reset_failures(_PASSWORD, name)
                if upgraded is not None:
                    self.store.set_password_hash(name, upgraded)
                    self._audit(name, "password_rehashed", "stronger argon2 parameters", outbox)
                self._audit(name, "password_ok", "", outbox)
        self._send(outbox)
        if refusal is not None:
            raise refusal
        if not matched or user is None:
            raise LoginFailed()
        return user

    def login(self, username: str, password: str) -> Challenge:
        """Check the password; return a `Challenge` for the second factor.

        Raises `LoginFailed` (unknown user or wrong password, alike), `TooManyAttempts`,
        or `EnrollmentRequired` when the account has no active second factor.
        """
        user = self._check_password(username, password)
        if user.seed is None:
            raise EnrollmentRequired(
                "This account has no second factor yet: finish enrollment (scan the QR "
                "code and confirm a code) before logging in."
            )
        token = secrets.token_urlsafe(32)
        now = self._now()
        self.store.add_challenge(_token_hash(token), user.username, now)
        return Challenge(user.username, now, now + CHALLENGE_SECONDS, token)

    # -- second factor ----------------------------------------------------------------

    def _open_challenge(self, challenge: object) -> tuple[str, str]:
        """(token hash, username) of a live challenge, or the reason it is not one."""
        if not isinstance(challenge, Challenge) or not isinstance(challenge.token, str):
            raise InvalidChallenge("That is not a login challenge: call login() first.")
        token_hash = _token_hash(challenge.token)
        found = self.store.get_challenge(token_hash)
        if found is None or found[0] != challenge.username:
            raise InvalidChallenge(
                "This server never issued that challenge: log in with your password first."
            )
        username, created_at, ended = found
        if ended:
            raise ChallengeExpired("This login has already been completed: log in again.")
        if self._now() - created_at > CHALLENGE_SECONDS:
            raise ChallengeExpired("This login took longer than 5 minutes: log in again.")
        return token_hash, username

    def _finish_login(self, token_hash: str, username: str, method: str) -> Session:
        """Inside a transaction: end the challenge (once) and issue a session."""
        if not self.store.end_challenge(token_hash):
            raise ChallengeExpired("This login has already been completed: log in again.")
        token = secrets.token_urlsafe(32)
        now = self._now()
        self.store.add_session(_token_hash(token), username, now, method)
        return Session(username, now, method, token)

    def _try_code(
        self, user: UserRecord, code: object, outbox: list[AuditEvent], *, confirming: bool
    ) -> AuthError | int:
        """Inside a transaction: check a TOTP code; count and audit a refusal.

        `confirming` checks the pending seed of an enrollment (no drift or used step yet)
        and activates it; otherwise the active seed, with its drift and replay state.
        Returns the accepted step, or the error to raise once the failure is committed.
        """
        username = user.username
        seed = user.pending_seed if confirming else user.seed
        drift = 0 if confirming else user.drift
        last_step = None if confirming else user.last_step
        if seed is None:
            raise EnrollmentRequired("This account has no second factor to check.")
        try:
            typed = otp.normalize_code(code, user.digits)
        except InvalidCode as malformed:
            self._count_failure(_FACTOR, username, "code_malformed", outbox)
            return malformed
        now = self._now()
        step = otp.verify(
            seed, typed, now, self.window, user.digits, user.period, user.digest, drift=drift
        )
        if step is None:
            self._count_failure(_FACTOR, username, "code_rejected", outbox)
            return InvalidCode(
                "That code is not right: check the account in your app and type the code "
                "it shows now."
            )
        offset = step - otp.time_step(now, user.period)
        learned = max(-MAX_DRIFT_STEPS, min(MAX_DRIFT_STEPS, offset))
        if confirming:
            won = self.store.activate_pending_seed(
                username, user.digits, user.period, user.digest, step, learned
            )
        else:
            won = last_step is None or step > last_step
            won = won and self.store.accept_step(username, step, learned)
        if not won:
            self._count_failure(_FACTOR, username, "code_reused", outbox)
            return CodeReused(
                "That code was already used: wait for your app to show a new one."
            )
        self._reset_failures(_FACTOR, username)
        self._audit(username, "code_accepted", f"time step offset {offset:+d}", outbox)
        return step

    def _totp_factor(self, username: str, code: object, finish: Callable[[], _T]) -> _T:
        """Check a TOTP code for an active factor; on success run `finish` in the same
        transaction. Every refusal is committed before it is raised."""
        outbox: list[AuditEvent] = []
        with self.store.transaction():
            refusal = self._locked(_FACTOR, username)
            if refusal is None:
                user = self.store.get_user(username)
                if user is None or user.seed is None:
                    raise EnrollmentRequired("This account has no second factor any more.")
                result = self._try_code(user, code, outbox, confirming=False)
                if isinstance(result, AuthError):
                    refusal = result
                else:
                    outcome = finish()
        self._send(outbox)
        if refusal is not None:
            raise refusal
        return outcome

    def _recovery_factor(self, username: str, code: object, finish: Callable[[], _T]) -> _T:
        """Check a recovery code (single use, atomic); on success run `finish` too."""
        refusal = self._locked(_FACTOR, username)
        if refusal is not None:
            raise refusal
        outbox: list[AuditEvent] = []
        try:
            canonical = recovery.normalize(code)
        except InvalidCode as malformed:
            with self.store.transaction():
                refusal = self._locked(_FACTOR, username)
                if refusal is None:
                    self._count_failure(_FACTOR, username, "recovery_code_malformed", outbox)
            self._send(outbox)
            raise refusal or malformed from None
        unused = self.store.unused_recovery_codes(username)
        index = recovery.matching_index(canonical, [h for _, h in unused])  # argon2: no lock
        with self.store.transaction():
            refusal = self._locked(_FACTOR, username)
            if refusal is None:
                if index is None or not self.store.use_recovery_code(
                    unused[index][0], self._now()
                ):
                    self._count_failure(_FACTOR, username, "recovery_code_rejected", outbox)
                    refusal = InvalidCode(
                        "That recovery code is not right, or it was already used."
                    )
                else:
                    self._reset_failures(_FACTOR, username)
                    left = len(self.store.unused_recovery_codes(username))
                    self._audit(username, "recovery_code_used", f"{left} left", outbox)
                    outcome = finish()
        self._send(outbox)
        if refusal is not None:
            raise refusal
        return outcome

    def verify(self, challenge: Challenge, code: str) -> Session:
        """Check the one-time code for a challenge; return a `Session`.

        Raises `InvalidCode` (wrong or malformed), `CodeReused`, `TooManyAttempts`,
        `SecondFactorDisabled`, `ChallengeExpired` or `InvalidChallenge`.
        """
        token_hash, username = self._open_challenge(challenge)

        def finish() -> Session:
            self._open_challenge(challenge)
            return self._finish_login(token_hash, username, "totp")

        return self._totp_factor(username, code, finish)

    def recover(self, challenge: Challenge, recovery_code: str) -> Session:
        """Use a recovery code instead of the phone (once); return a `Session`."""
        token_hash, username = self._open_challenge(challenge)

        def finish() -> Session:
            self._open_challenge(challenge)
            return self._finish_login(token_hash, username, "recovery code")

        return self._recovery_factor(username, recovery_code, finish)

    # -- enrollment -----------------------------------------------------------------------

    def begin_enrollment(
        self, username: str, password: str, code: str | None = None
    ) -> Enrollment:
        """Start (or restart) enrollment: a new secret, pending until confirmed.

        Needs the password; when a factor is already active, also a current code or an
        unused recovery code (ASVS 5.0 7.5.1), else `SecondFactorRequired`. The old
        factor stays active until the new one is confirmed.
        """
        user = self._check_password(username, password)
        name = user.username
        if user.seed is not None:
            if code is None:
                raise SecondFactorRequired(
                    "This account already has a second factor: to replace it, give a current "
                    "code from your app (or an unused recovery code) too."
                )
            if recovery.looks_like(code):
                self._recovery_factor(name, code, lambda: None)
            else:
                self._totp_factor(name, code, lambda: None)
        secret = otp.new_secret()
        now = self._now()
        outbox: list[AuditEvent] = []
        with self.store.transaction():
            self.store.set_pending_seed(name, secret, now)
            self._audit(name, "enrollment_started", "", outbox)
        uri = otp.provisioning_uri(secret, name, self.issuer, self.digits, self.period,
                                   self.digest)
        return Enrollment(name, self.issuer, now + ENROLLMENT_SECONDS, self.digits,
                          self.period, self.digest, secret, uri)

    def confirm_enrollment(self, username: str, code: str) -> list[str]:
        """Activate the pending factor with a code from the app; return 10 recovery codes.

        The confirming code's time step counts as used. Shown once: the store keeps only
        argon2id hashes of the recovery codes. Raises `EnrollmentRequired` (none pending),
        `EnrollmentExpired` (older than 10 minutes), `InvalidCode`, `TooManyAttempts`.
        """
        name = usernames.normalize(username)
        user = self.store.get_user(name)
        if user is None or user.pending_seed is None or user.pending_created_at is None:
            raise EnrollmentRequired(
                "No enrollment is waiting for a code: begin enrollment first."
            )
        if self._now() - user.pending_created_at > ENROLLMENT_SECONDS:
            with self.store.transaction():
                self.store.set_pending_seed(name, None, None)
            raise EnrollmentExpired(
                "This enrollment was not confirmed within 10 minutes: begin again."
            )
        refusal = self._locked(_FACTOR, name)
        if refusal is not None:
            raise refusal
        codes = recovery.generate()
        hashes = [recovery.hash_code(c, self.password_profile) for c in codes]  # no lock held
        outbox: list[AuditEvent] = []
        with self.store.transaction():
            refusal = self._locked(_FACTOR, name)
            current = self.store.get_user(name)
            if current is None or current.pending_seed != user.pending_seed:
                raise EnrollmentRequired("This enrollment was replaced: use the newest QR code.")
            if refusal is None:
                result = self._try_code(user, code, outbox, confirming=True)
                if isinstance(result, AuthError):
                    refusal = result
                else:
                    self.store.replace_recovery_codes(name, hashes)
                    self._audit(name, "enrollment_confirmed", "", outbox)
        self._send(outbox)
        if refusal is not None:
            raise refusal
        return codes

    def regenerate_recovery_codes(self, session: Session) -> list[str]:
        """New recovery codes for a fresh session (≤ 5 minutes old); the old set is void."""
        if not isinstance(session, Session) or not isinstance(session.token, str):
            raise SessionExpired("That is not a session: log in first.")
        found = self.store.get_session(_token_hash(session.token))
        if found is None or found[0] != session.username:
            raise SessionExpired("This server never issued that session: log in first.")
        if self._now() - found[1] > FRESH_SESSION_SECONDS:
            raise SessionExpired(
                "New recovery codes need a fresh login (within 5 minutes): log in again."
            )
        codes = recovery.generate()
        hashes = [recovery.hash_code(c, self.password_profile) for c in codes]
        outbox: list[AuditEvent] = []
        with self.store.transaction():
            self.store.replace_recovery_codes(found[0], hashes)
            self._audit(found[0], "recovery_codes_regenerated", "old codes void", outbox)
        return codes

    # -- administration and inspection ---------------------------------------------

    def reset_second_factor(self, username: str) -> None:
        """Administrator: remove the account's second factor (back to not enrolled)."""
        name = usernames.normalize(username)
        outbox: list[AuditEvent] = []
        with self.store.transaction():
            if self.store.get_user(name) is None:
                raise UnknownUser(f"There is no account named {name!r}.")
            self.store.clear_second_factor(name)
            self._audit(name, "second_factor_reset", "by an administrator", outbox)

    def status(self, username: str) -> AccountStatus:
        """The second factor's state: enrolled, pending, failures, lock, codes left."""
        name = usernames.normalize(username)
        user = self.store.get_user(name)
        if user is None:
            raise UnknownUser(f"There is no account named {name!r}.")
        state = self.store.get_throttle(_FACTOR, name)
        return AccountStatus(
            username=name,
            enrolled=user.seed is not None,
            pending=user.pending_seed is not None,
            failures=state.failures,
            retry_after=throttle.retry_after(state, self._now()),
            disabled=state.disabled,
            recovery_codes_left=len(self.store.unused_recovery_codes(name)),
        )

    def audit_log(self, username: str) -> list[AuditEvent]:
        """Every audit event of the account, oldest first."""
        name = usernames.normalize(username)
        return [AuditEvent(r.at, r.username, r.event, r.detail) for r in self.store.audit(name)]
