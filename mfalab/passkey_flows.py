"""Passkey flows: add, list and remove passkeys; sign in with one after the password.

W3C Web Authentication Level 3 (§7.1, §7.2), NIST SP 800-63B-4 §3.1.7 (multi-factor
cryptographic authenticators; a passkey with user verification) and §2.2.2 (an AAL2
verifier SHALL offer a phishing-resistant option); OWASP ASVS 5.0 V6.3.7 and 7.5.1.

- Adding a passkey needs a session under 5 minutes old (reauthentication, §5.2); its
  creation options are bound to that session.
- Signing in with one needs the password first: the request options are bound to the
  login `Challenge`, and the session it gives has `method="passkey"`.
- Each WebAuthn challenge is random (256 bits), stored only as its SHA-256, single use
  (ended by a compare-and-set whether the answer is accepted or refused) and valid
  5 minutes.
- The origin and RP ID are the configured ones (`AuthService(rp_id=, origins=)`), never a
  request's. The signature counter must grow: a regression is a clone warning (audited,
  notified, refused). Credential IDs are unique. Only public keys are stored.
- Every refusal counts on the second factor's throttle like a wrong code; adding and
  removing are audited and notified.
"""

from __future__ import annotations

import binascii
import hashlib
import secrets
from typing import TYPE_CHECKING, Any, NoReturn

from webauthn.helpers import base64url_to_bytes
from webauthn.helpers.structs import CredentialDeviceType

from . import passkeys
from .attempts import Attempt, UnitOfWork
from .errors import EnrollmentRequired, InvalidInput, PasskeyRefused, SecondFactorRequired
from .events import Event, ThrottleKind
from .models import Challenge, Passkey, Session, token_hash
from .passkeys import CHALLENGE_SECONDS, credential_id_text
from .store import PasskeyRecord, SessionRecord, UserStore

__all__ = ["PasskeyFlows"]

_FACTOR = ThrottleKind.FACTOR
_REGISTRATION, _LOGIN = "registration", "login"


def _challenge_hash(challenge: bytes) -> str:
    return hashlib.sha256(challenge).hexdigest()


def _token_of(session: object) -> str:
    return session.token if isinstance(session, Session) else str(session)


def _public(record: PasskeyRecord) -> Passkey:
    return Passkey(credential_id_text(record.credential_id), record.created_at,
                   record.last_used_at, record.sign_count, record.synced)


class PasskeyFlows:
    """The passkey half of `AuthService` (a base class: it shares the service's state)."""

    store: UserStore
    issuer: str
    rp_id: str
    origins: tuple[str, ...]
    _work: UnitOfWork

    if TYPE_CHECKING:
        def _fresh(self, session: object) -> SessionRecord: ...
        def _live_session(self, session: object) -> tuple[str, SessionRecord]: ...
        def _open_challenge(self, challenge: object) -> tuple[str, str]: ...
        def _finish_login(self, challenge: Challenge, method: str,
                          codes_left: int | None = None) -> Session: ...

    def _has_passkey(self, username: str) -> bool:
        """Whether the account holds a passkey (an active second factor)."""
        return bool(self.store.passkeys(username))

    def _user_handle(self, username: str) -> bytes:
        """The WebAuthn user handle: stable per account, and not the name (WebAuthn §14.6.1:
        a random-looking handle), a keyed hash of it."""
        keyed = self.store.pseudonym("webauthn user handle\x00" + username)
        return hashlib.sha256(keyed.encode()).digest()

    def _new_challenge(self, username: str, purpose: str, bound_to: str) -> bytes:
        challenge = secrets.token_bytes(32)
        with self.store.transaction():
            self.store.add_webauthn_challenge(_challenge_hash(challenge), username, purpose,
                                              bound_to, self._work.now())
        return challenge

    def _use_challenge(
        self, credential: dict[str, Any], purpose: str, username: str, bound_to: str
    ) -> bytes:
        """Inside a transaction: the issued challenge this answer carries, ended now (single
        use, refused or not), or `PasskeyRefused` saying why it cannot be used."""
        sent = passkeys.sent_challenge(credential)
        hashed = _challenge_hash(sent)
        found = self.store.get_webauthn_challenge(hashed)
        if found is None or found.purpose != purpose or found.username != username or \
                not secrets.compare_digest(found.bound_to, bound_to):
            raise PasskeyRefused(
                "This passkey answer does not belong to this step: ask for new options and "
                "try again.", "challenge", "not issued for this step")
        if found.ended or not self.store.end_webauthn_challenge(hashed):
            raise PasskeyRefused(
                "This passkey answer was already used once: ask for new options and try "
                "again.", "challenge", "already used")
        if self._work.now() - found.created_at > CHALLENGE_SECONDS:
            raise PasskeyRefused(
                f"This passkey request is older than {CHALLENGE_SECONDS // 60} minutes: ask "
                "for new options and try again.", "challenge", "expired")
        return sent

    @staticmethod
    def _refuse(attempt: Attempt, refused: PasskeyRefused) -> NoReturn:
        event = Event.PASSKEY_CLONE_WARNING if refused.reason == "counter" \
            else Event.PASSKEY_REJECTED
        detail = f"{refused.reason}: {refused.detail}" if refused.detail else refused.reason
        attempt.fail(event, refused, detail)

    # -- adding, listing, removing --------------------------------------------------------

    def begin_passkey_registration(self, session: Session) -> dict[str, Any]:
        """Creation options for `navigator.credentials.create()`, as a JSON-ready dict.

        Needs a session under 5 minutes old (`SessionExpired` otherwise). The options ask
        for user verification and exclude the account's passkeys; their challenge is bound
        to this session, single use, for 5 minutes.
        """
        found = self._fresh(session)
        name = found.username
        existing = self.store.passkeys(name)
        if len(existing) >= passkeys.MAX_PASSKEYS:
            raise InvalidInput(
                f"This account already has {passkeys.MAX_PASSKEYS} passkeys: remove one first."
            )
        challenge = self._new_challenge(name, _REGISTRATION, token_hash(_token_of(session)))
        return passkeys.creation_options(
            self.rp_id, self.issuer, name, self._user_handle(name), challenge,
            [p.credential_id for p in existing])

    def finish_passkey_registration(self, session: Session, credential: object) -> Passkey:
        """Register the passkey in the browser's answer (its JSON, text or dict).

        Checks (WebAuthn §7.1): the challenge issued to this session, unused and under
        5 minutes old; the origin and RP ID; user verification; a supported algorithm; a
        credential ID no account holds. Stores the public key only; audited and notified.
        Raises `SessionExpired` or `PasskeyRefused` (counted like a wrong code).
        """
        found = self._fresh(session)
        name, bound_to = found.username, token_hash(_token_of(session))
        with self._work.attempt(_FACTOR, name) as attempt:
            try:
                parsed = passkeys.parse_credential(credential)
                sent = self._use_challenge(parsed, _REGISTRATION, name, bound_to)
                verified = passkeys.verify_attestation(parsed, sent, self.rp_id, self.origins)
                if not 16 <= len(verified.credential_id) <= 1023:  # WebAuthn §5.8.3 (≥ 16: §6.1)
                    raise PasskeyRefused("This passkey's ID is not one a browser would make.",
                                         "malformed", "credential ID length")
                record = PasskeyRecord(
                    name, verified.credential_id, verified.credential_public_key,
                    verified.sign_count, self._work.now(), None, verified.aaguid,
                    verified.credential_device_type == CredentialDeviceType.MULTI_DEVICE)
                if len(self.store.passkeys(name)) >= passkeys.MAX_PASSKEYS:
                    raise PasskeyRefused(
                        f"This account already has {passkeys.MAX_PASSKEYS} passkeys.", "limit")
                if not self.store.add_passkey(record):
                    raise PasskeyRefused("This passkey is already registered.", "duplicate")
            except PasskeyRefused as refused:
                self._refuse(attempt, refused)
            synced = ", synced" if record.synced else ""
            attempt.audit(Event.PASSKEY_ADDED,
                          f"passkey {credential_id_text(record.credential_id)[:8]}…{synced}")
        return _public(record)

    def passkeys(self, session: Session) -> list[Passkey]:
        """The signed-in account's passkeys (public facts only), oldest first."""
        _, found = self._live_session(session)
        return [_public(record) for record in self.store.passkeys(found.username)]

    def remove_passkey(self, session: Session, credential_id: str) -> None:
        """Remove one of the account's passkeys (its `credential_id` from `passkeys()`).

        Needs a session under 5 minutes old; audited and notified. The account's only
        second factor cannot be removed (`SecondFactorRequired`): add another one first.
        """
        name = self._fresh(session).username
        try:
            raw = base64url_to_bytes(credential_id) if isinstance(credential_id, str) else b""
        except (binascii.Error, ValueError):
            raw = b""
        with self._work.attempt(None, name) as attempt:
            user = self.store.get_user(name)
            held = [p.credential_id for p in self.store.passkeys(name)]
            if raw not in held:
                raise InvalidInput("This account has no passkey with that ID.")
            if len(held) == 1 and (user is None or user.seed is None):
                raise SecondFactorRequired(
                    "This passkey is the account's only second factor: add another passkey "
                    "(a spare) before removing it."
                )
            self.store.remove_passkey(name, raw)
            attempt.audit(Event.PASSKEY_REMOVED, f"passkey {credential_id_text(raw)[:8]}…")

    def _remove_all_passkeys(self, username: str) -> int:
        """Inside a transaction (an administrator's reset): remove every passkey."""
        held = self.store.passkeys(username)
        for record in held:
            self.store.remove_passkey(username, record.credential_id)
        return len(held)

    # -- signing in -----------------------------------------------------------------------

    def has_passkey(self, challenge: Challenge) -> bool:
        """Whether the account of this login holds a passkey (so a page may offer one).

        Asked only with a live login `Challenge`: the password step has passed, so this
        tells nobody anything new. Raises `InvalidChallenge` or `ChallengeExpired`.
        """
        _, name = self._open_challenge(challenge)
        return self._has_passkey(name)

    def begin_passkey_login(self, challenge: Challenge) -> dict[str, Any]:
        """Request options for `navigator.credentials.get()` after the password step.

        Bound to this login `Challenge` (single use, 5 minutes), for the account's own
        passkeys, user verification required. Raises `InvalidChallenge`,
        `ChallengeExpired`, or `EnrollmentRequired` when the account has no passkey.
        """
        hashed, name = self._open_challenge(challenge)
        held = self.store.passkeys(name)
        if not held:
            raise EnrollmentRequired("This account has no passkey: use a code from your app.")
        sent = self._new_challenge(name, _LOGIN, hashed)
        return passkeys.request_options(self.rp_id, sent, [p.credential_id for p in held])

    def verify_passkey(self, challenge: Challenge, credential: object) -> Session:
        """Check a passkey's answer (the browser's JSON) for a login; return a `Session`.

        Checks (WebAuthn §7.2): the WebAuthn challenge issued for this login, unused and
        under 5 minutes old; a passkey of this account; the origin and RP ID; user
        verification; the signature; a counter that grew (else a clone warning, audited and
        notified). Raises `PasskeyRefused` (counted like a wrong code), `TooManyAttempts`,
        `SecondFactorDisabled`, `ChallengeExpired` or `InvalidChallenge`.
        """
        hashed, name = self._open_challenge(challenge)
        with self._work.attempt(_FACTOR, name) as attempt:
            try:
                parsed = passkeys.parse_credential(credential)
                sent = self._use_challenge(parsed, _LOGIN, name, hashed)
                raw_id = passkeys.credential_id_of(parsed)
                record = self.store.get_passkey(raw_id)
                if record is None or record.username != name:
                    raise PasskeyRefused("That passkey is not registered to this account.",
                                         "unknown passkey")
                verified = passkeys.verify_assertion(parsed, sent, self.rp_id, self.origins,
                                                     record.public_key)
                new = verified.new_sign_count
                if passkeys.counter_regressed(record.sign_count, new) or \
                        not self.store.record_passkey_use(raw_id, new, self._work.now()):
                    raise PasskeyRefused(
                        "This passkey's signature counter went backwards: a copy of it may be "
                        "in use somewhere else. The owner is warned; sign in another way.",
                        "counter", f"{new} after {record.sign_count}")
            except PasskeyRefused as refused:
                self._refuse(attempt, refused)
            attempt.succeed()
            attempt.audit(Event.PASSKEY_ACCEPTED,
                          f"passkey {credential_id_text(raw_id)[:8]}…, counter {new}")
            session = self._finish_login(challenge, "passkey")
        return session
