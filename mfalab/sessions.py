"""Sessions: issue, look up by token, time out, revoke, and the steps that need a session.

OWASP ASVS 5.0 V7 (session management) and NIST SP 800-63B-4 §5 (session management):
a session is an opaque random token whose state lives in the store; it ends when revoked
(sign-out, a changed password), after an idle time (30 minutes by default) and after an
absolute lifetime (12 hours by default). Sensitive steps (new recovery codes, a passkey)
need a fresh session, at most 5 minutes old (reauthentication, §5.2).
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from argon2 import Parameters

from . import passwords, recovery
from .attempts import UnitOfWork
from .errors import SessionExpired, WeakPassword
from .events import Event
from .models import Session, token_hash
from .store import SessionRecord, UserRecord, UserStore

__all__ = ["FRESH_SESSION_SECONDS", "SessionFlows"]

FRESH_SESSION_SECONDS = 5 * 60


class SessionFlows:
    """The session half of `AuthService` (a base class: it shares the service's state)."""

    store: UserStore
    issuer: str
    password_profile: Parameters
    session_idle_seconds: float
    session_lifetime_seconds: float
    _work: UnitOfWork

    if TYPE_CHECKING:
        def _check_password(self, username: str, password: str) -> UserRecord: ...

    def _new_session(
        self, username: str, method: str, codes_left: int | None = None,
        created_at: float | None = None,
    ) -> Session:
        """Inside a transaction: issue a new session token (`created_at` carries a session's
        age over to its renewed token, so a renewal never makes a session fresh or young)."""
        token = secrets.token_urlsafe(32)
        now = self._work.now()
        born = now if created_at is None else created_at
        self.store.add_session(token_hash(token), username, born, method)
        if created_at is not None:
            self.store.touch_session(token_hash(token), now)
        return Session(username, born, method, token, codes_left)

    def _live_session(self, session: object) -> tuple[str, SessionRecord]:
        """(token hash, record) of a live session, or `SessionExpired` saying why not."""
        token = session.token if isinstance(session, Session) else session
        if not isinstance(token, str) or not 0 < len(token) <= 256:
            raise SessionExpired("That is not a session: log in first.")
        hashed = token_hash(token)
        found = self.store.get_session(hashed)
        if found is None or (isinstance(session, Session) and session.username != found.username):
            raise SessionExpired("This server never issued that session: log in first.")
        now = self._work.now()
        if found.revoked:
            raise SessionExpired("This session has ended (signed out): log in again.")
        if now - found.created_at > self.session_lifetime_seconds:
            hours = self.session_lifetime_seconds / 3600
            raise SessionExpired(f"This session is older than {hours:g} hours: log in again.")
        if now - found.last_seen > self.session_idle_seconds:
            minutes = self.session_idle_seconds / 60
            raise SessionExpired(
                f"This session was idle for more than {minutes:g} minutes: log in again."
            )
        return hashed, found

    def session(self, token: str) -> Session:
        """The live session `token` stands for (what a web page keeps in a cookie).

        Counts as activity for the idle timeout. Raises `SessionExpired` when the token is
        unknown, revoked, idle too long or too old.
        """
        hashed, found = self._live_session(token)
        with self.store.transaction():
            self.store.touch_session(hashed, self._work.now())
        return Session(found.username, found.created_at, found.method, token)

    def logout(self, session: Session | str) -> None:
        """Revoke a session server-side: its token stops working at once."""
        hashed, found = self._live_session(session)
        with self._work.attempt(None, found.username) as attempt:
            self.store.revoke_sessions(found.username, hashed)
            attempt.audit(Event.SIGNED_OUT)

    def _fresh(self, session: object) -> SessionRecord:
        _, found = self._live_session(session)
        if self._work.now() - found.created_at > FRESH_SESSION_SECONDS:
            raise SessionExpired(
                f"This step needs a fresh login (within {FRESH_SESSION_SECONDS // 60} "
                "minutes): log in again."
            )
        return found

    def regenerate_recovery_codes(self, session: Session) -> list[str]:
        """New recovery codes for a fresh session (≤ 5 minutes old); the old set is void.

        Notified to the owner (NIST SP 800-63B-4 §4.2: an account-recovery event).
        """
        name = self._fresh(session).username
        codes = recovery.generate()
        hashes = [recovery.hash_code(c, self.password_profile) for c in codes]
        with self._work.attempt(None, name) as attempt:
            self.store.replace_recovery_codes(name, hashes)
            attempt.audit(Event.RECOVERY_CODES_REGENERATED, "old codes void")
        return codes

    def change_password(self, session: Session, password: str, new_password: str) -> Session:
        """Replace the password: needs a live session and the current password.

        The policy applies to the new one; every session of the account (this one too) is
        revoked, and a new session is returned (a new token at every step); notified.
        Raises `SessionExpired`, `LoginFailed`, `TooManyAttempts` or `WeakPassword`.
        """
        found = self._live_session(session)[1]
        name = found.username
        self._check_password(name, password)
        reasons = passwords.check(new_password, context=(name, self.issuer))
        if reasons:
            raise WeakPassword(reasons)
        encoded = passwords.hash(new_password, self.password_profile)
        with self._work.attempt(None, name) as attempt:
            self.store.set_password_hash(name, encoded)
            self.store.revoke_sessions(name)
            renewed = self._new_session(name, found.method, created_at=found.created_at)
            attempt.audit(Event.PASSWORD_CHANGED, "every other session signed out")
        return renewed
