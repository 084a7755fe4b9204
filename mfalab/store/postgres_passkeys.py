"""The PostgreSQL tables of passkeys: WebAuthn credentials (public keys only) and challenges.

A part of `PostgresStore` (a base class sharing its database). Credential IDs are UNIQUE
in the schema and a new one is inserted with `ON CONFLICT DO NOTHING`, so of two
registrations of one ID exactly one is stored; the signature counter moves by one
compare-and-set `UPDATE … WHERE sign_count < %s` (WebAuthn Level 3 §7.2, the signature
counter), and a WebAuthn challenge ends by one `UPDATE … WHERE NOT ended`. Reading an
account's passkeys inside a transaction locks the account's row, so a decision on the set
(the last second factor may not be removed; at most so many passkeys) cannot be made by
two transactions at once on what each saw before the other's change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import PasskeyRecord, WebAuthnChallengeRecord

if TYPE_CHECKING:
    from typing_extensions import LiteralString

    from .postgres_connections import Database, Result

__all__ = ["PostgresPasskeys"]

_SELECT = ("SELECT username, credential_id, public_key, sign_count, created_at, last_used_at,"
           " aaguid, synced FROM passkeys")
_BY_ID = _SELECT + " WHERE credential_id = %s"
_BY_USER = _SELECT + " WHERE username = %s ORDER BY id"


def _record(row: tuple[Any, ...]) -> PasskeyRecord:
    username, credential_id, public_key, sign_count, created_at, last_used, aaguid, synced = row
    return PasskeyRecord(
        username=str(username), credential_id=bytes(credential_id),
        public_key=bytes(public_key), sign_count=int(sign_count), created_at=float(created_at),
        last_used_at=None if last_used is None else float(last_used), aaguid=str(aaguid),
        synced=bool(synced),
    )


class PostgresPasskeys:
    """Passkey methods of `PostgresStore` (documented in `base.UserStore`)."""

    if TYPE_CHECKING:
        _db: Database

        def _run(self, sql: LiteralString, params: tuple[object, ...] = ()) -> Result: ...
        def _lock_account(self, username: str) -> None: ...

    def add_passkey(self, record: PasskeyRecord) -> bool:
        """Store a new passkey; False when its credential ID is already registered."""
        return self._run(
            "INSERT INTO passkeys (username, credential_id, public_key, sign_count,"
            " created_at, last_used_at, aaguid, synced) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (credential_id) DO NOTHING",
            (record.username, record.credential_id, record.public_key, record.sign_count,
             record.created_at, record.last_used_at, record.aaguid, record.synced),
        ).rowcount == 1

    def get_passkey(self, credential_id: bytes) -> PasskeyRecord | None:
        """The passkey with this credential ID, or None."""
        rows = self._run(_BY_ID, (credential_id,)).rows
        return _record(rows[0]) if rows else None

    def passkeys(self, username: str) -> list[PasskeyRecord]:
        """Every passkey of `username`, oldest first (inside a transaction, the account's
        row stays locked until the commit)."""
        if self._db.in_transaction():
            self._lock_account(username)
        return [_record(row) for row in self._run(_BY_USER, (username,)).rows]

    def remove_passkey(self, username: str, credential_id: bytes) -> bool:
        """Delete one passkey of `username`; returns whether this call deleted it."""
        return self._run("DELETE FROM passkeys WHERE username = %s AND credential_id = %s",
                         (username, credential_id)).rowcount == 1

    def record_passkey_use(self, credential_id: bytes, sign_count: int, at: float) -> bool:
        """Compare-and-set: a greater counter (or zero twice, no counter) and the time of use."""
        return self._run(
            "UPDATE passkeys SET sign_count = %s, last_used_at = %s WHERE credential_id = %s"
            " AND (sign_count < %s OR (sign_count = 0 AND %s = 0))",
            (sign_count, at, credential_id, sign_count, sign_count),
        ).rowcount == 1

    def add_webauthn_challenge(
        self, challenge_hash: str, username: str, purpose: str, bound_to: str, at: float
    ) -> None:
        """Remember an issued WebAuthn challenge by its SHA-256."""
        self._run(
            "INSERT INTO webauthn_challenges (challenge_hash, username, purpose, bound_to,"
            " created_at) VALUES (%s, %s, %s, %s, %s)",
            (challenge_hash, username, purpose, bound_to, at),
        )

    def get_webauthn_challenge(self, challenge_hash: str) -> WebAuthnChallengeRecord | None:
        """The issued WebAuthn challenge with this hash, or None."""
        rows = self._run(
            "SELECT username, purpose, bound_to, created_at, ended FROM webauthn_challenges"
            " WHERE challenge_hash = %s", (challenge_hash,)
        ).rows
        if not rows:
            return None
        username, purpose, bound_to, created_at, ended = rows[0]
        return WebAuthnChallengeRecord(str(username), str(purpose), str(bound_to),
                                       float(created_at), bool(ended))

    def end_webauthn_challenge(self, challenge_hash: str) -> bool:
        """Compare-and-set: end a WebAuthn challenge; returns whether this call ended it."""
        return self._run(
            "UPDATE webauthn_challenges SET ended = true WHERE challenge_hash = %s"
            " AND NOT ended", (challenge_hash,)
        ).rowcount == 1
