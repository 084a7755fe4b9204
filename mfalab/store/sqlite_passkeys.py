"""The SQLite tables of passkeys: WebAuthn credentials (public keys only) and challenges.

A part of `SQLiteStore` (a base class sharing its connection). Credential IDs are UNIQUE
in the schema, so a second registration of one ID is refused by the database itself; the
signature counter moves by one compare-and-set `UPDATE … WHERE sign_count < ?` (WebAuthn
Level 3 §7.2, the signature counter), and a WebAuthn challenge ends by one
`UPDATE … WHERE ended = 0`, so of many concurrent callers exactly one wins each.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from .base import PasskeyRecord, WebAuthnChallengeRecord

__all__ = ["SQLitePasskeys"]

_SELECT = ("SELECT username, credential_id, public_key, sign_count, created_at, last_used_at,"
           " aaguid, synced FROM passkeys")


def _record(row: Any) -> PasskeyRecord:
    username, credential_id, public_key, sign_count, created_at, last_used, aaguid, synced = row
    return PasskeyRecord(
        username=str(username), credential_id=bytes(credential_id),
        public_key=bytes(public_key), sign_count=int(sign_count), created_at=float(created_at),
        last_used_at=None if last_used is None else float(last_used), aaguid=str(aaguid),
        synced=bool(synced),
    )


class SQLitePasskeys:
    """Passkey methods of `SQLiteStore` (documented in `base.UserStore`)."""

    if TYPE_CHECKING:
        def _execute(self, sql: str, params: tuple[object, ...] = ()) -> sqlite3.Cursor: ...

    def add_passkey(self, record: PasskeyRecord) -> bool:
        """Store a new passkey; False when its credential ID is already registered."""
        try:
            self._execute(
                "INSERT INTO passkeys (username, credential_id, public_key, sign_count,"
                " created_at, last_used_at, aaguid, synced) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (record.username, record.credential_id, record.public_key, record.sign_count,
                 record.created_at, record.last_used_at, record.aaguid, int(record.synced)),
            )
        except sqlite3.IntegrityError:
            return False
        return True

    def get_passkey(self, credential_id: bytes) -> PasskeyRecord | None:
        """The passkey with this credential ID, or None."""
        row = self._execute(
            _SELECT + " WHERE credential_id = ?", (credential_id,)
        ).fetchone()
        return None if row is None else _record(row)

    def passkeys(self, username: str) -> list[PasskeyRecord]:
        """Every passkey of `username`, oldest first."""
        rows = self._execute(
            _SELECT + " WHERE username = ? ORDER BY id", (username,)
        ).fetchall()
        return [_record(row) for row in rows]

    def remove_passkey(self, username: str, credential_id: bytes) -> bool:
        """Delete one passkey of `username`; returns whether this call deleted it."""
        cursor = self._execute(
            "DELETE FROM passkeys WHERE username = ? AND credential_id = ?",
            (username, credential_id),
        )
        return cursor.rowcount == 1

    def record_passkey_use(self, credential_id: bytes, sign_count: int, at: float) -> bool:
        """Compare-and-set: a greater counter (or zero twice, no counter) and the time of use."""
        cursor = self._execute(
            "UPDATE passkeys SET sign_count = ?, last_used_at = ? WHERE credential_id = ?"
            " AND (sign_count < ? OR (sign_count = 0 AND ? = 0))",
            (sign_count, at, credential_id, sign_count, sign_count),
        )
        return cursor.rowcount == 1

    def add_webauthn_challenge(
        self, challenge_hash: str, username: str, purpose: str, bound_to: str, at: float
    ) -> None:
        """Remember an issued WebAuthn challenge by its SHA-256."""
        self._execute(
            "INSERT INTO webauthn_challenges (challenge_hash, username, purpose, bound_to,"
            " created_at) VALUES (?, ?, ?, ?, ?)",
            (challenge_hash, username, purpose, bound_to, at),
        )

    def get_webauthn_challenge(self, challenge_hash: str) -> WebAuthnChallengeRecord | None:
        """The issued WebAuthn challenge with this hash, or None."""
        row = self._execute(
            "SELECT username, purpose, bound_to, created_at, ended FROM webauthn_challenges"
            " WHERE challenge_hash = ?", (challenge_hash,)
        ).fetchone()
        if row is None:
            return None
        return WebAuthnChallengeRecord(str(row[0]), str(row[1]), str(row[2]), float(row[3]),
                                       bool(row[4]))

    def end_webauthn_challenge(self, challenge_hash: str) -> bool:
        """Compare-and-set: end a WebAuthn challenge; returns whether this call ended it."""
        cursor = self._execute(
            "UPDATE webauthn_challenges SET ended = 1 WHERE challenge_hash = ? AND ended = 0",
            (challenge_hash,),
        )
        return cursor.rowcount == 1
