"""AuthService: the login flow — register, enroll, password, then a code or a passkey.

NIST SP 800-63B-4 (§2.2: AAL2 is two factors, and an AAL2 verifier SHALL offer at least one
phishing-resistant option — a TOTP code typed by hand is not one, §3.2.5, so a deployment
pairs it with passkeys) and OWASP ASVS 5.0 V6 (authentication). The service holds the
rules; the store holds the state; widgets, web pages and notebooks only call the service
and show its answers.

- First factor: the same `LoginFailed` for an unknown user and a wrong password, with the
  same argon2 work either way (a weaker stored hash is topped up to the current cost),
  throttled per normalized username, keyed by a pseudonym (§3.2.2). The password step is
  never disabled, a deliberate deviation from §3.2.2's 100-failure cap: disabling it
  would let anyone lock anyone out; its lock schedule bounds the rate instead.
- Second factor: the window and drift of RFC 6238 §5.2 / §6 (and NIST §3.1.4.2: a
  lifetime set by expected drift and entry time), replay refused by time step with an
  atomic compare-and-set, every refusal counted by the throttle.
- Every flow runs as one unit of work (`attempts`): refusals committed, notifications
  sent once after the commit.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TypeVar

from argon2 import Parameters

from . import otp, passkeys, passwords, recovery, usernames
from .admin import AdminFlows
from .attempts import Attempt, UnitOfWork
from .clock import Clock, SystemClock, require_clock
from .enrollments import ENROLLMENT_SECONDS, EnrollmentFlows
from .errors import (
    ChallengeExpired,
    CodeReused,
    EnrollmentRequired,
    InvalidChallenge,
    InvalidCode,
    InvalidSetting,
    LoginFailed,
    WeakPassword,
)
from .events import Check, Event, ThrottleKind
from .models import AccountStatus, AuditEvent, Challenge, Enrollment, Passkey, Session, token_hash
from .passkey_flows import PasskeyFlows
from .sessions import SessionFlows
from .store import PendingFactor, UserRecord, UserStore

__all__ = [
    "ENROLLMENT_SECONDS",
    "AccountStatus",
    "AuditEvent",
    "AuthService",
    "Challenge",
    "Enrollment",
    "Passkey",
    "Session",
]

CHALLENGE_SECONDS = 5 * 60
MAX_DRIFT_STEPS = 1
_PASSWORD, _FACTOR = ThrottleKind.PASSWORD, ThrottleKind.FACTOR
_T = TypeVar("_T")


class AuthService(EnrollmentFlows, SessionFlows, PasskeyFlows, AdminFlows):
    """The whole login flow on one `UserStore`.

    `clock` is injected (a `FrozenClock` in lessons and tests). `password_profile`
    defaults to the real argon2id parameters; tests pass `passwords.CHEAP_FOR_TESTS_ONLY`.
    `digits`, `period` and `digest` are the settings of new enrollments; each factor keeps
    the settings it was enrolled with. `notify(event)` is called once per security event
    (`events.NOTIFIED`), after the transaction that recorded it commits. `rp_id` and
    `origins` are the passkey settings: the site's domain (an IP address cannot be an RP
    ID) and the origins its pages are served from, never taken from a request.
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
        session_idle_seconds: float = 30 * 60,
        session_lifetime_seconds: float = 12 * 3600,
        rp_id: str = "localhost",
        origins: tuple[str, ...] = ("http://localhost:5000",),
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
        for what, seconds in (("idle", session_idle_seconds),
                              ("lifetime", session_lifetime_seconds)):
            if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or \
                    not 0 < seconds <= 30 * 86400:
                raise InvalidSetting(f"The session {what} is a number of seconds up to 30 days.")
        self.rp_id = passkeys.check_rp_id(rp_id)
        self.origins = passkeys.check_origins(origins, self.rp_id)
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
        self.session_idle_seconds = float(session_idle_seconds)
        self.session_lifetime_seconds = float(session_lifetime_seconds)
        self._work = UnitOfWork(store, self.clock, notify)

    def __repr__(self) -> str:
        return f"AuthService({self.store!r}, clock={self.clock!r}, issuer={self.issuer!r})"

    def _now(self) -> float:
        return float(self.clock.now())

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
        with self._work.attempt(None, name) as attempt:
            self.store.add_user(name, encoded, self._now())
            attempt.audit(Event.REGISTERED)

    def _check_password(self, username: str, password: str) -> UserRecord:
        """The first factor (NIST SP 800-63B-4 §3.1.1.2), throttled per username (§3.2.2)."""
        name = usernames.normalize(username)
        key = self.store.pseudonym(name)  # known or not, the name is never a throttle key
        user = self.store.get_user(name)
        account = name if user is not None else key
        self._work.refuse_if_locked(_PASSWORD, key, account)
        # Unknown users cost the same argon2 work as known ones, and get the same answer.
        stored = user.password_hash if user else passwords.dummy_hash(self.password_profile)
        matched = passwords.is_match(stored, password) and user is not None
        upgrade = user is not None and passwords.needs_rehash(stored, self.password_profile)
        if upgrade and not matched:
            passwords.harden_runtime(stored, self.password_profile)
        # Hashed before the transaction, so no write lock waits on argon2.
        upgraded = passwords.hash(password, self.password_profile) if upgrade and matched \
            else None
        with self._work.attempt(_PASSWORD, key, account) as attempt:
            if not matched or user is None:
                attempt.fail(Event.PASSWORD_FAILED, LoginFailed())
            attempt.succeed()
            if upgraded is not None:
                self.store.set_password_hash(name, upgraded)
                attempt.audit(Event.PASSWORD_REHASHED, "stronger argon2 parameters")
            attempt.audit(Event.PASSWORD_OK)
        return user

    def login(self, username: str, password: str) -> Challenge:
        """Check the password; return a `Challenge` for the second factor.

        Raises `LoginFailed` (unknown user or wrong password, alike), `TooManyAttempts`,
        or `EnrollmentRequired` when the account has no active second factor (an
        authenticator app or a passkey).
        """
        user = self._check_password(username, password)
        if user.seed is None and not self._has_passkey(user.username):
            raise EnrollmentRequired(
                "This account has no second factor yet: finish enrollment (scan the QR "
                "code and confirm a code) before logging in."
            )
        token = secrets.token_urlsafe(32)
        now = self._now()
        with self.store.transaction():
            self.store.add_challenge(token_hash(token), user.username, now)
        return Challenge(user.username, now, now + CHALLENGE_SECONDS, token)

    def challenge(self, token: str) -> Challenge:
        """The pending login that `token` stands for (what a web page keeps in a cookie).

        Raises `InvalidChallenge` (never issued) or `ChallengeExpired` (used or too old).
        """
        if not isinstance(token, str) or not 0 < len(token) <= 256:
            raise InvalidChallenge("That is not a login challenge: log in with your password.")
        found = self.store.get_challenge(token_hash(token))
        if found is None:
            raise InvalidChallenge(
                "This server never issued that challenge: log in with your password first."
            )
        challenge = Challenge(found.username, found.created_at,
                              found.created_at + CHALLENGE_SECONDS, token)
        self._open_challenge(challenge)
        return challenge

    # -- second factor ----------------------------------------------------------------

    def _open_challenge(self, challenge: object) -> tuple[str, str]:
        """(token hash, username) of a live challenge, or the reason it is not one."""
        if not isinstance(challenge, Challenge) or not isinstance(challenge.token, str):
            raise InvalidChallenge("That is not a login challenge: call login() first.")
        hashed = token_hash(challenge.token)
        found = self.store.get_challenge(hashed)
        if found is None or found.username != challenge.username:
            raise InvalidChallenge(
                "This server never issued that challenge: log in with your password first."
            )
        if found.ended:
            raise ChallengeExpired("This login has already been completed: log in again.")
        if self._now() - found.created_at > CHALLENGE_SECONDS:
            raise ChallengeExpired(
                f"This login took longer than {CHALLENGE_SECONDS // 60} minutes: log in again."
            )
        return hashed, found.username

    def _finish_login(
        self, challenge: Challenge, method: str, codes_left: int | None = None
    ) -> Session:
        """Inside the attempt's transaction: end the challenge (once) and issue a session."""
        hashed, username = self._open_challenge(challenge)
        if not self.store.end_challenge(hashed):
            raise ChallengeExpired("This login has already been completed: log in again.")
        return self._new_session(username, method, codes_left)

    def _check_code(
        self, attempt: Attempt, user: UserRecord, code: object,
        pending: PendingFactor | None = None,
    ) -> int:
        """Inside an attempt: check a TOTP code, with the factor's own settings.

        With `pending`, the enrollment's seed and settings (no drift or used step yet) are
        checked and activated; otherwise the active factor, with its drift and replay state.
        Returns the accepted time step; a refusal is counted and raised by the attempt.
        """
        if pending is not None:
            seed, digits, period, digest = (pending.secret, pending.digits, pending.period,
                                            pending.digest)
            drift, last_step = 0, None
        elif user.seed is not None:
            seed, digits, period, digest = user.seed, user.digits, user.period, user.digest
            drift, last_step = user.drift, user.last_step
        else:
            raise EnrollmentRequired("This account has no second factor any more.")
        try:
            typed = otp.normalize_code(code, digits)
        except InvalidCode as malformed:
            attempt.fail(Event.CODE_MALFORMED, malformed)
        now = self._now()
        step = otp.verify(seed, typed, now, self.window, digits, period, digest, drift=drift)
        if step is None:
            attempt.fail(Event.CODE_REJECTED, InvalidCode(
                "That code is not right: check the account in your app and type the code "
                "it shows now.", Check.WINDOW))
        offset = step - otp.time_step(now, period)
        learned = max(-MAX_DRIFT_STEPS, min(MAX_DRIFT_STEPS, offset))
        if pending is not None:
            won = self.store.activate_pending_factor(user.username, pending.token_hash, step,
                                                     learned)
        else:
            won = (last_step is None or step > last_step) and \
                self.store.accept_step(user.username, step, learned)
        if not won:
            attempt.fail(Event.CODE_REUSED, CodeReused(
                "That code was already used: wait for your app to show a new one."))
        attempt.succeed()
        attempt.audit(Event.CODE_ACCEPTED, f"time step offset {offset:+d}")
        return step

    def _with_code(self, name: str, code: object, then: Callable[[], _T]) -> _T:
        """Check a code of the active factor; on success run `then` in the same transaction."""
        with self._work.attempt(_FACTOR, name) as attempt:
            user = self.store.get_user(name)
            if user is None or user.seed is None:
                raise EnrollmentRequired("This account has no second factor any more.")
            self._check_code(attempt, user, code)
            result = then()
        return result

    def _with_recovery_code(
        self, name: str, code: object, then: Callable[[int], _T]
    ) -> _T:
        """Use a recovery code (single use, atomic); on success run `then(codes_left)`."""
        self._work.refuse_if_locked(_FACTOR, name, name)  # no argon2 work while locked
        malformed: InvalidCode | None = None
        try:
            recovery.normalize(code)
        except InvalidCode as refused:
            malformed = refused
        unused = [] if malformed else self.store.unused_recovery_codes(name)
        index = None if malformed else recovery.matching_index(  # argon2: no lock held
            code, [r.code_hash for r in unused])
        with self._work.attempt(_FACTOR, name) as attempt:
            if malformed is not None:
                attempt.fail(Event.RECOVERY_CODE_MALFORMED, malformed)
            if index is None or not self.store.use_recovery_code(unused[index].id, self._now()):
                attempt.fail(Event.RECOVERY_CODE_REJECTED, InvalidCode(
                    "That recovery code is not right, or it was already used.",
                    Check.RECOVERY_CODE))
            attempt.succeed()
            left = len(self.store.unused_recovery_codes(name))
            attempt.audit(Event.RECOVERY_CODE_USED, f"{left} left")
            result = then(left)
        return result

    def verify(self, challenge: Challenge, code: str) -> Session:
        """Check the one-time code for a challenge; return a `Session`.

        Raises `InvalidCode` (wrong or malformed), `CodeReused`, `TooManyAttempts`,
        `SecondFactorDisabled`, `ChallengeExpired` or `InvalidChallenge`; `.check` on the
        error says which check refused it.
        """
        _, name = self._open_challenge(challenge)
        return self._with_code(name, code, lambda: self._finish_login(challenge, "totp"))

    def recover(self, challenge: Challenge, recovery_code: str) -> Session:
        """Use a recovery code instead of the phone (once); return a `Session`.

        The session's `recovery_codes_left` says how many remain: offer a fresh set
        (`regenerate_recovery_codes`) after one is used (NIST SP 800-63B-4 §4.2.1.1).
        """
        _, name = self._open_challenge(challenge)
        return self._with_recovery_code(
            name, recovery_code, lambda left: self._finish_login(challenge, "recovery code",
                                                                 left))
