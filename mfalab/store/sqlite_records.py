"""The SQLite rows of logins in progress and their traces: challenges, sessions, recovery
codes and the audit trail.

A part of `SQLiteStore` (a base class sharing its connection). A challenge's end and a
recovery code's use are each one compare-and-set `UPDATE … WHERE ended = 0` / `used_at IS
NULL` whose `rowcount` says who won (of concurrent callers, exactly one; NIST SP 800-63B-4
§3.1.2: a recovery code is used at most once); repeated refusals merge into the newest
audit row (`repeats`), so a flood while locked cannot grow the trail without bound.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from ..events import Event
from .base import AuditRecord, ChallengeRecord, RecoveryCodeRecord, SessionRecord

__all__ = ["SQLiteRecords"]


class SQLiteRecords:
    """Challenge, session, recovery-code and audit methods of `SQLiteStore` (documented in
    `base.UserStore`)."""

    if TYPE_CHECKING:
        def _execute(self, sql: str, params: tuple[object, ...] = ()) -> sqlite3.Cursor: ...
        def transaction(self) -> AbstractContextManager[None]: ...

    # -- challenges and sessions --------------------------------------------------------

    def add_challenge(self, token_hash: str, username: str, at: float) -> None:
        """Remember an issued challenge (by the hash of its token)."""
        self._execute(
            "INSERT INTO challenges (token_hash, username, created_at) VALUES (?, ?, ?)",
            (token_hash, username, at),
        )

    def get_challenge(self, token_hash: str) -> ChallengeRecord | None:
        """The issued challenge with this token hash, or None."""
        row = self._execute(
            "SELECT username, created_at, ended FROM challenges WHERE token_hash = ?",
            (token_hash,),
        ).fetchone()
        return None if row is None else ChallengeRecord(row[0], row[1], bool(row[2]))

    def end_challenge(self, token_hash: str) -> bool:
        """Compare-and-set: end a challenge; returns whether this call ended it."""
        cursor = self._execute(
            "UPDATE challenges SET ended = 1 WHERE token_hash = ? AND ended = 0", (token_hash,)
        )
        return cursor.rowcount == 1

    def add_session(self, token_hash: str, username: str, at: float, method: str) -> None:
        """Remember an issued session."""
        self._execute(
            "INSERT INTO sessions (token_hash, username, created_at, last_seen, method)"
            " VALUES (?, ?, ?, ?, ?)",
            (token_hash, username, at, at, method),
        )

    def get_session(self, token_hash: str) -> SessionRecord | None:
        """The issued session with this token hash, or None."""
        row = self._execute(
            "SELECT username, created_at, last_seen, method, revoked FROM sessions"
            " WHERE token_hash = ?", (token_hash,)
        ).fetchone()
        return None if row is None else SessionRecord(row[0], row[1], row[2], row[3],
                                                      bool(row[4]))

    def touch_session(self, token_hash: str, at: float) -> None:
        """Record activity on a session (for the idle timeout)."""
        self._execute("UPDATE sessions SET last_seen = max(last_seen, ?) WHERE token_hash = ?",
                      (at, token_hash))

    def revoke_sessions(self, username: str, token_hash: str | None = None) -> int:
        """Revoke one session of `username` (by token hash) or, with None, all of them."""
        if token_hash is None:
            cursor = self._execute(
                "UPDATE sessions SET revoked = 1 WHERE username = ? AND revoked = 0", (username,)
            )
        else:
            cursor = self._execute(
                "UPDATE sessions SET revoked = 1 WHERE username = ? AND token_hash = ?"
                " AND revoked = 0", (username, token_hash)
            )
        return cursor.rowcount

    # -- recovery codes -------------------------------------------------------------------

    def replace_recovery_codes(self, username: str, hashes: list[str]) -> None:
        """Void every recovery code of `username` and store the new hashes, atomically (one
        transaction, even when called outside one: two replacements never interleave)."""
        with self.transaction():
            self._execute("DELETE FROM recovery_codes WHERE username = ?", (username,))
            for code_hash in hashes:
                self._execute(
                    "INSERT INTO recovery_codes (username, code_hash) VALUES (?, ?)",
                    (username, code_hash),
                )

    def unused_recovery_codes(self, username: str) -> list[RecoveryCodeRecord]:
        """Every unused recovery code of `username`, oldest first."""
        rows = self._execute(
            "SELECT id, code_hash FROM recovery_codes WHERE username = ? AND used_at IS NULL"
            " ORDER BY id",
            (username,),
        ).fetchall()
        return [RecoveryCodeRecord(int(r[0]), str(r[1])) for r in rows]

    def use_recovery_code(self, code_id: int, at: float) -> bool:
        """Compare-and-set: mark a recovery code used; returns whether this call did."""
        cursor = self._execute(
            "UPDATE recovery_codes SET used_at = ? WHERE id = ? AND used_at IS NULL",
            (at, code_id),
        )
        return cursor.rowcount == 1

    # -- audit ----------------------------------------------------------------------------

    def add_audit(
        self, username: str, at: float, event: Event | str, detail: str = "",
        *, merge_repeat: bool = False,
    ) -> None:
        """Append an event to the audit trail, or count a repeat of the newest row."""
        if merge_repeat:
            cursor = self._execute(
                "UPDATE audit SET repeats = repeats + 1 WHERE id = (SELECT max(id)"
                " FROM audit WHERE username = ?) AND event = ? AND detail = ?",
                (username, str(event), detail),
            )
            if cursor.rowcount == 1:
                return
        self._execute(
            "INSERT INTO audit (username, at, event, detail) VALUES (?, ?, ?, ?)",
            (username, at, str(event), detail),
        )

    def audit(self, username: str) -> list[AuditRecord]:
        """Every audit row of `username`, oldest first."""
        rows = self._execute(
            "SELECT username, at, event, detail, repeats FROM audit WHERE username = ?"
            " ORDER BY id",
            (username,),
        ).fetchall()
        return [AuditRecord(r[0], r[1], Event.read(r[2]), r[3], r[4]) for r in rows]
