"""The store interface: what `AuthService` needs from persistence, and the records it gets.

`UserStore` is an abstract base class. Calling it picks a backend by the location:
`UserStore(":memory:")` or `UserStore("users.db")` is SQLite (embedded, the default),
`UserStore("postgresql://…")` is PostgreSQL. Every backend keeps the same guarantees:

- every read-modify-write runs inside `transaction()`, and concurrent writers (threads,
  processes, machines) wait their turn instead of losing an update;
- the accepted time step, a challenge's end and a recovery code's use are each one atomic
  compare-and-set that exactly one of many concurrent callers wins (RFC 6238 §5.2: a code
  is accepted at most once);
- a passkey's signature counter is advanced by one compare-and-set (WebAuthn Level 3
  §7.2, the signature counter), and a WebAuthn challenge is ended by one, so each is
  used at most once; passkeys are stored as public keys only (nothing secret at rest);
- seeds are stored encrypted (`crypto.SeedCipher`, key from `keys`), names that are not
  accounts only as a keyed pseudonym;
- queries are parameterized, always.

The store decides nothing: it holds state. Policy (throttle schedule, window, lifetimes)
lives in the service and the modules it uses.
"""

from __future__ import annotations

import importlib
import os
from contextlib import AbstractContextManager
from dataclasses import dataclass

from ..events import Event, ThrottleKind
from ..throttle import Throttle

__all__ = [
    "AuditRecord",
    "ChallengeRecord",
    "PasskeyRecord",
    "PendingFactor",
    "RecoveryCodeRecord",
    "SessionRecord",
    "UserRecord",
    "UserStore",
    "WebAuthnChallengeRecord",
    "backend_for",
]

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


@dataclass(frozen=True)
class PendingFactor:
    """An enrollment awaiting its confirming code: the seed and the settings it was shown with."""

    secret: str
    digits: int
    period: int
    digest: str
    token_hash: str  # the hash of the handle `begin_enrollment` gave out
    created_at: float


@dataclass(frozen=True)
class UserRecord:
    """One account as stored, with seeds decrypted."""

    username: str
    password_hash: str
    created_at: float
    seed: str | None
    digits: int
    period: int
    digest: str
    last_step: int | None
    drift: int
    pending: PendingFactor | None

    @property
    def pending_seed(self) -> str | None:
        """The seed of the enrollment awaiting confirmation, if any."""
        return None if self.pending is None else self.pending.secret


@dataclass(frozen=True)
class ChallengeRecord:
    """An issued login challenge (the password step passed)."""

    username: str
    created_at: float
    ended: bool


@dataclass(frozen=True)
class SessionRecord:
    """An issued session."""

    username: str
    created_at: float
    last_seen: float
    method: str
    revoked: bool


@dataclass(frozen=True)
class RecoveryCodeRecord:
    """An unused recovery code: its row id and argon2id hash."""

    id: int
    code_hash: str


@dataclass(frozen=True)
class PasskeyRecord:
    """A registered passkey: its credential ID and COSE public key, never a private key.

    `sign_count` is the authenticator's signature counter as last accepted; `synced` is
    whether the authenticator said the credential may be backed up (a multi-device,
    synced passkey: WebAuthn Level 3 §6.1.3, the BE flag).
    """

    username: str
    credential_id: bytes
    public_key: bytes
    sign_count: int
    created_at: float
    last_used_at: float | None = None
    aaguid: str = ""
    synced: bool = False


@dataclass(frozen=True)
class WebAuthnChallengeRecord:
    """An issued WebAuthn challenge (stored by its SHA-256, never the challenge itself).

    `purpose` is "registration" or "login"; `bound_to` is the token hash of the session
    (registration) or of the login challenge (login) it was issued for.
    """

    username: str
    purpose: str
    bound_to: str
    created_at: float
    ended: bool


@dataclass(frozen=True)
class AuditRecord:
    """A row of the audit trail; `repeats` counts identical refusals merged into it."""

    username: str
    at: float
    event: Event | str
    detail: str
    repeats: int = 1


class UserStore:
    """The store interface; `UserStore(location)` opens the backend that `location` names.

    Each method below is implemented by every backend (a test checks that none is left
    to this base class); the base only documents the contract.
    """

    location: str

    def __new__(cls, location: str | os.PathLike[str] = ":memory:") -> UserStore:
        if cls is UserStore:
            cls = backend_for(location)
        instance: UserStore = super().__new__(cls)
        return instance

    # -- lifetime and transactions ----------------------------------------------------

    def transaction(self) -> AbstractContextManager[None]:
        """A write transaction; re-entrant in one thread; rolled back on an exception."""
        raise NotImplementedError

    def close(self) -> None:
        """Close every connection this store opened."""
        raise NotImplementedError

    def __enter__(self) -> UserStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def pseudonym(self, name: str) -> str:
        """A keyed hash standing for `name`, for names that must not be stored in clear."""
        raise NotImplementedError

    # -- users ------------------------------------------------------------------------

    def add_user(self, username: str, password_hash: str, at: float) -> None:
        """Insert a new account; `UserExists` when the name is taken."""
        raise NotImplementedError

    def get_user(self, username: str) -> UserRecord | None:
        """The account stored under `username` (already normalized), or None."""
        raise NotImplementedError

    def set_password_hash(self, username: str, password_hash: str) -> None:
        """Replace the stored password hash (rehash at login, or a changed password)."""
        raise NotImplementedError

    def set_pending_factor(self, username: str, pending: PendingFactor | None) -> None:
        """Store (seed encrypted) or clear the enrollment awaiting confirmation."""
        raise NotImplementedError

    def activate_pending_factor(
        self, username: str, token_hash: str, step: int, drift: int
    ) -> bool:
        """Compare-and-set: make the pending factor (with its own settings) the active one,
        its confirming step used. Returns whether this call did it."""
        raise NotImplementedError

    def accept_step(self, username: str, step: int, drift: int) -> bool:
        """Compare-and-set: record `step` as used only if it is newer than the last one."""
        raise NotImplementedError

    def clear_second_factor(self, username: str) -> None:
        """Remove the seed, any pending enrollment, recovery codes and the factor throttle."""
        raise NotImplementedError

    # -- throttle ---------------------------------------------------------------------

    def get_throttle(self, kind: ThrottleKind, key: str) -> Throttle:
        """The throttle state of one kind for one key (an account name or a pseudonym)."""
        raise NotImplementedError

    def set_throttle(self, kind: ThrottleKind, key: str, state: Throttle) -> None:
        """Write the throttle state (inside `transaction()`, after reading it)."""
        raise NotImplementedError

    # -- challenges and sessions ------------------------------------------------------

    def add_challenge(self, token_hash: str, username: str, at: float) -> None:
        """Remember an issued challenge (by the hash of its token)."""
        raise NotImplementedError

    def get_challenge(self, token_hash: str) -> ChallengeRecord | None:
        """The issued challenge with this token hash, or None."""
        raise NotImplementedError

    def end_challenge(self, token_hash: str) -> bool:
        """Compare-and-set: end a challenge; returns whether this call ended it."""
        raise NotImplementedError

    def add_session(self, token_hash: str, username: str, at: float, method: str) -> None:
        """Remember an issued session."""
        raise NotImplementedError

    def get_session(self, token_hash: str) -> SessionRecord | None:
        """The issued session with this token hash, or None."""
        raise NotImplementedError

    def touch_session(self, token_hash: str, at: float) -> None:
        """Record activity on a session (for the idle timeout)."""
        raise NotImplementedError

    def revoke_sessions(self, username: str, token_hash: str | None = None) -> int:
        """Revoke one session of `username` (by token hash) or, with None, all of them."""
        raise NotImplementedError

    # -- recovery codes ---------------------------------------------------------------

    def replace_recovery_codes(self, username: str, hashes: list[str]) -> None:
        """Void every recovery code of `username` and store the new hashes."""
        raise NotImplementedError

    def unused_recovery_codes(self, username: str) -> list[RecoveryCodeRecord]:
        """Every unused recovery code of `username`, oldest first."""
        raise NotImplementedError

    def use_recovery_code(self, code_id: int, at: float) -> bool:
        """Compare-and-set: mark a recovery code used; returns whether this call did."""
        raise NotImplementedError

    # -- passkeys (WebAuthn credentials and challenges) ---------------------------------

    def add_passkey(self, record: PasskeyRecord) -> bool:
        """Store a new passkey; False (nothing stored) when its credential ID is already
        registered, to this account or any other (credential IDs are unique)."""
        raise NotImplementedError

    def get_passkey(self, credential_id: bytes) -> PasskeyRecord | None:
        """The passkey with this credential ID, whoever holds it, or None."""
        raise NotImplementedError

    def passkeys(self, username: str) -> list[PasskeyRecord]:
        """Every passkey of `username`, oldest first."""
        raise NotImplementedError

    def remove_passkey(self, username: str, credential_id: bytes) -> bool:
        """Delete one passkey of `username`; returns whether this call deleted it."""
        raise NotImplementedError

    def record_passkey_use(self, credential_id: bytes, sign_count: int, at: float) -> bool:
        """Compare-and-set: store the counter of an accepted assertion only if it is greater
        than the stored one (or both are zero: an authenticator without a counter), and
        the time of use. Returns whether this call did it."""
        raise NotImplementedError

    def add_webauthn_challenge(
        self, challenge_hash: str, username: str, purpose: str, bound_to: str, at: float
    ) -> None:
        """Remember an issued WebAuthn challenge by its SHA-256."""
        raise NotImplementedError

    def get_webauthn_challenge(self, challenge_hash: str) -> WebAuthnChallengeRecord | None:
        """The issued WebAuthn challenge with this hash, or None."""
        raise NotImplementedError

    def end_webauthn_challenge(self, challenge_hash: str) -> bool:
        """Compare-and-set: end a WebAuthn challenge; returns whether this call ended it."""
        raise NotImplementedError

    # -- audit ------------------------------------------------------------------------

    def add_audit(
        self, username: str, at: float, event: Event | str, detail: str = "",
        *, merge_repeat: bool = False,
    ) -> None:
        """Append an event to the audit trail (never a secret in `detail`).

        With `merge_repeat`, an event identical to the account's newest row (same event
        and detail) only counts one more repeat there, so a flood of refusals while
        locked cannot grow the trail without bound.
        """
        raise NotImplementedError

    def audit(self, username: str) -> list[AuditRecord]:
        """Every audit row of `username`, oldest first."""
        raise NotImplementedError


#: Backends by name, loaded when first asked for (PostgreSQL needs the `postgres` extra).
BACKENDS = {
    "sqlite": "mfalab.store.sqlite:SQLiteStore",
    "postgres": "mfalab.store.postgres:PostgresStore",
}


def backend_for(location: object) -> type[UserStore]:
    """The store class for a location: PostgreSQL for a `postgresql://` URL, else SQLite."""
    name = "postgres" if isinstance(location, str) and location.startswith(POSTGRES_SCHEMES) \
        else "sqlite"
    module, _, attribute = BACKENDS[name].partition(":")
    backend: type[UserStore] = getattr(importlib.import_module(module), attribute)
    return backend
