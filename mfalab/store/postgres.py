"""PostgresStore: the same store on a PostgreSQL server, for several workers or machines.

`UserStore("postgresql://user@host/database")` (extra `postgres`: psycopg 3). The same
guarantees as `SQLiteStore`, made with PostgreSQL's own tools:

- every query is parameterized (psycopg sends values apart from the SQL text);
- the accepted time step, a challenge's end and a recovery code's use are each one
  conditional `UPDATE … WHERE <still unused>` whose row count says who won: under READ
  COMMITTED a second writer waits for the first one's row lock, then re-checks the
  condition on the row as committed and finds it false (RFC 6238 §5.2: a code is
  accepted at most once, whatever the number of concurrent attempts);
- the throttle's read-modify-write holds the throttle row's lock for the transaction
  (`INSERT … ON CONFLICT DO NOTHING`, so a first failure has a row to lock, then
  `SELECT … FOR UPDATE`), so concurrent failures are counted one after the other and
  none is lost (NIST SP 800-63B-4 §3.2.2);
- every account's multi-row change (new recovery codes, a reset) and every decision on
  its set of passkeys (`postgres_passkeys`) locks the account's row first, in one order
  (throttle row, then account row), so two of them never interleave and never deadlock
  each other;
- seeds are AES-GCM encrypted (`crypto`) under `MFALAB_KEY`, which a server database
  requires (`keys`): no key file lives beside it (OWASP ASVS 5.0 V13.3);
- the schema has migrations of its own (`postgres_schema`), run once under an advisory
  lock however many processes open a new database at once.

A killed client's unfinished transaction is rolled back by the server: nothing is ever
half-written. Every psycopg error reaches the caller as an `InvalidSetting`.
"""

from __future__ import annotations

import weakref
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from .. import keys
from ..crypto import SeedCipher
from ..errors import InvalidSetting, UserExists
from ..events import Event, ThrottleKind
from ..throttle import Throttle
from .base import (
    AuditRecord,
    ChallengeRecord,
    PendingFactor,
    RecoveryCodeRecord,
    SessionRecord,
    UserRecord,
    UserStore,
)
from .postgres_connections import Database, Result, checked_url, shown_url
from .postgres_passkeys import PostgresPasskeys
from .postgres_schema import CREATE_VERSION_TABLE, MIGRATION_LOCK, MIGRATIONS, SCHEMA_VERSION
from .rows import USER_COLUMNS, user_record

if TYPE_CHECKING:
    from typing_extensions import LiteralString

__all__ = ["SCHEMA_VERSION", "PostgresStore"]

_SELECT_USER = " ".join(("SELECT", USER_COLUMNS, "FROM users WHERE username = %s"))
_SELECT_THROTTLE = (
    "SELECT failures, locked_until, disabled FROM throttle WHERE kind = %s AND username = %s"
)
_LOCK_THROTTLE = _SELECT_THROTTLE + " FOR UPDATE"


class PostgresStore(PostgresPasskeys, UserStore):
    """The PostgreSQL backend: one database shared by any number of processes.

    `location` is a `postgresql://` URL; the store shows it (`.location`, `repr`, error
    messages) with the password replaced by `***`. Raises `InvalidSetting` for a URL that
    cannot be read or a server that cannot be reached, `KeyProblem` without `MFALAB_KEY`.
    """

    def __init__(self, location: str) -> None:
        url, settings = checked_url(location)
        self.location = shown_url(url)
        self._db = Database(settings, self.location)
        weakref.finalize(self, self._db.close)  # even if close() is never called
        try:
            self._cipher = self._migrate_and_load_key()
        except BaseException:
            self._db.close()
            raise

    def __repr__(self) -> str:
        return f"UserStore({self.location!r})"

    def _run(self, sql: LiteralString, params: tuple[object, ...] = ()) -> Result:
        """One parameterized statement (in this thread's transaction, if there is one)."""
        return self._db.run(sql, params)

    def transaction(self) -> AbstractContextManager[None]:
        """Run the block as one READ COMMITTED transaction (re-entrant per thread)."""
        return self._db.transaction()

    def close(self) -> None:
        """Close every connection this store opened."""
        self._db.close()

    # -- schema and key -----------------------------------------------------------------

    def _migrate_and_load_key(self) -> SeedCipher:
        """Bring the schema up to date and check the key, in one locked transaction."""
        with self.transaction():
            self._run("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            if self._run("SELECT to_regclass('schema_version') IS NULL").rows[0][0]:
                self._run(CREATE_VERSION_TABLE)
            version = int(self._run("SELECT coalesce(max(version), 0) FROM schema_version")
                          .rows[0][0])
            if version > SCHEMA_VERSION:
                raise InvalidSetting(
                    f"This database has schema version {version}, newer than this mfalab "
                    f"understands ({SCHEMA_VERSION}); upgrade mfalab."
                )
            for step in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[step]:
                    self._run(statement)
                self._run("INSERT INTO schema_version (version) VALUES (%s)", (step + 1,))
            holds_seeds = bool(self._run(
                "SELECT 1 FROM users WHERE seed IS NOT NULL OR pending_seed IS NOT NULL LIMIT 1"
            ).rows)
            row = self._run("SELECT value FROM meta WHERE name = 'key_check'").rows
            loaded = keys.load(None, holds_seeds=holds_seeds,
                               key_check=bytes(row[0][0]) if row else None, server=True)
            if loaded.new_key_check is not None:
                self._run(
                    "INSERT INTO meta (name, value) VALUES ('key_check', %s)"
                    " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    (loaded.new_key_check,),
                )
        return loaded.cipher

    def pseudonym(self, name: str) -> str:
        """A keyed hash standing for `name` (HMAC-SHA256 under a key derived from the seed key)."""
        return self._cipher.pseudonym(name)

    # -- users ----------------------------------------------------------------------------

    def add_user(self, username: str, password_hash: str, at: float) -> None:
        """Insert a new account; `UserExists` when the name is taken."""
        inserted = self._run(
            "INSERT INTO users (username, password_hash, created_at) VALUES (%s, %s, %s)"
            " ON CONFLICT (username) DO NOTHING",
            (username, password_hash, at),
        )
        if inserted.rowcount != 1:
            raise UserExists(f"The username {username!r} is already taken.")

    def get_user(self, username: str) -> UserRecord | None:
        """The account stored under `username` (already normalized), or None."""
        rows = self._run(_SELECT_USER, (username,)).rows
        if not rows:
            return None
        row = rows[0]
        return user_record(row, self._cipher)

    def set_password_hash(self, username: str, password_hash: str) -> None:
        """Replace the stored password hash."""
        self._run("UPDATE users SET password_hash = %s WHERE username = %s",
                  (password_hash, username))

    def set_pending_factor(self, username: str, pending: PendingFactor | None) -> None:
        """Store (seed encrypted) or clear the enrollment awaiting confirmation."""
        if pending is None:
            values: tuple[object, ...] = (None,) * 6
        else:
            values = (self._cipher.encrypt(username, pending.secret), pending.digits,
                      pending.period, pending.digest, pending.token_hash, pending.created_at)
        self._run(
            "UPDATE users SET pending_seed = %s, pending_digits = %s, pending_period = %s,"
            " pending_digest = %s, pending_token_hash = %s, pending_created_at = %s"
            " WHERE username = %s",
            (*values, username),
        )

    def activate_pending_factor(
        self, username: str, token_hash: str, step: int, drift: int
    ) -> bool:
        """Make the pending factor the active one, with its own settings and its step used."""
        return self._run(
            "UPDATE users SET seed = pending_seed, digits = pending_digits,"
            " period = pending_period, digest = pending_digest, last_step = %s, drift = %s,"
            " pending_seed = NULL, pending_digits = NULL, pending_period = NULL,"
            " pending_digest = NULL, pending_token_hash = NULL, pending_created_at = NULL"
            " WHERE username = %s AND pending_seed IS NOT NULL AND pending_token_hash = %s",
            (step, drift, username, token_hash),
        ).rowcount == 1

    def accept_step(self, username: str, step: int, drift: int) -> bool:
        """Compare-and-set: record `step` as used only if it is newer than the last one."""
        return self._run(
            "UPDATE users SET last_step = %s, drift = %s WHERE username = %s"
            " AND seed IS NOT NULL AND (last_step IS NULL OR last_step < %s)",
            (step, drift, username, step),
        ).rowcount == 1

    def _lock_account(self, username: str) -> None:
        self._run("SELECT 1 FROM users WHERE username = %s FOR UPDATE", (username,))

    def clear_second_factor(self, username: str) -> None:
        """Remove the seed, any pending enrollment, recovery codes and the factor throttle."""
        with self.transaction():
            self.get_throttle(ThrottleKind.FACTOR, username)  # the lock order: throttle first
            self._lock_account(username)
            self._run("UPDATE users SET seed = NULL, last_step = NULL, drift = 0"
                      " WHERE username = %s", (username,))
            self.set_pending_factor(username, None)
            self._run("DELETE FROM recovery_codes WHERE username = %s", (username,))
            self._run("DELETE FROM throttle WHERE kind = %s AND username = %s",
                      (str(ThrottleKind.FACTOR), username))

    # -- throttle -------------------------------------------------------------------------

    def get_throttle(self, kind: ThrottleKind, key: str) -> Throttle:
        """The throttle state of one kind for one key; inside `transaction()` its row stays
        locked until the commit, so the `set_throttle` that follows loses no update."""
        if not self._db.in_transaction():
            rows = self._run(_SELECT_THROTTLE, (str(kind), key)).rows
        else:
            self._run("INSERT INTO throttle (kind, username) VALUES (%s, %s)"
                      " ON CONFLICT (kind, username) DO NOTHING", (str(kind), key))
            rows = self._run(_LOCK_THROTTLE, (str(kind), key)).rows
        if not rows:
            return Throttle()
        return Throttle(failures=rows[0][0], locked_until=rows[0][1], disabled=rows[0][2])

    def set_throttle(self, kind: ThrottleKind, key: str, state: Throttle) -> None:
        """Write the throttle state (call inside `transaction()` after reading it)."""
        self._run(
            "INSERT INTO throttle (kind, username, failures, locked_until, disabled)"
            " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (kind, username) DO UPDATE SET"
            " failures = excluded.failures, locked_until = excluded.locked_until,"
            " disabled = excluded.disabled",
            (str(kind), key, state.failures, state.locked_until, state.disabled),
        )

    # -- challenges and sessions --------------------------------------------------------

    def add_challenge(self, token_hash: str, username: str, at: float) -> None:
        """Remember an issued challenge (by the hash of its token)."""
        self._run("INSERT INTO challenges (token_hash, username, created_at)"
                  " VALUES (%s, %s, %s)", (token_hash, username, at))

    def get_challenge(self, token_hash: str) -> ChallengeRecord | None:
        """The issued challenge with this token hash, or None."""
        rows = self._run("SELECT username, created_at, ended FROM challenges"
                         " WHERE token_hash = %s", (token_hash,)).rows
        return ChallengeRecord(rows[0][0], rows[0][1], rows[0][2]) if rows else None

    def end_challenge(self, token_hash: str) -> bool:
        """Compare-and-set: end a challenge; returns whether this call ended it."""
        return self._run("UPDATE challenges SET ended = true WHERE token_hash = %s"
                         " AND NOT ended", (token_hash,)).rowcount == 1

    def add_session(self, token_hash: str, username: str, at: float, method: str) -> None:
        """Remember an issued session."""
        self._run(
            "INSERT INTO sessions (token_hash, username, created_at, last_seen, method)"
            " VALUES (%s, %s, %s, %s, %s)",
            (token_hash, username, at, at, method),
        )

    def get_session(self, token_hash: str) -> SessionRecord | None:
        """The issued session with this token hash, or None."""
        rows = self._run("SELECT username, created_at, last_seen, method, revoked"
                         " FROM sessions WHERE token_hash = %s", (token_hash,)).rows
        return SessionRecord(*rows[0]) if rows else None

    def touch_session(self, token_hash: str, at: float) -> None:
        """Record activity on a session (for the idle timeout)."""
        self._run("UPDATE sessions SET last_seen = greatest(last_seen, %s)"
                  " WHERE token_hash = %s", (at, token_hash))

    def revoke_sessions(self, username: str, token_hash: str | None = None) -> int:
        """Revoke one session of `username` (by token hash) or, with None, all of them."""
        if token_hash is None:
            return self._run("UPDATE sessions SET revoked = true WHERE username = %s"
                             " AND NOT revoked", (username,)).rowcount
        return self._run("UPDATE sessions SET revoked = true WHERE username = %s"
                         " AND token_hash = %s AND NOT revoked", (username, token_hash)).rowcount

    # -- recovery codes -------------------------------------------------------------------

    def replace_recovery_codes(self, username: str, hashes: list[str]) -> None:
        """Void every recovery code of `username` and store the new hashes."""
        with self.transaction():
            self._lock_account(username)  # two replacements never leave both sets
            self._run("DELETE FROM recovery_codes WHERE username = %s", (username,))
            for code_hash in hashes:
                self._run("INSERT INTO recovery_codes (username, code_hash) VALUES (%s, %s)",
                          (username, code_hash))

    def unused_recovery_codes(self, username: str) -> list[RecoveryCodeRecord]:
        """Every unused recovery code of `username`, oldest first."""
        rows = self._run("SELECT id, code_hash FROM recovery_codes WHERE username = %s"
                         " AND used_at IS NULL ORDER BY id", (username,)).rows
        return [RecoveryCodeRecord(int(r[0]), str(r[1])) for r in rows]

    def use_recovery_code(self, code_id: int, at: float) -> bool:
        """Compare-and-set: mark a recovery code used; returns whether this call did."""
        return self._run("UPDATE recovery_codes SET used_at = %s WHERE id = %s"
                         " AND used_at IS NULL", (at, code_id)).rowcount == 1

    # -- audit ----------------------------------------------------------------------------

    def add_audit(
        self, username: str, at: float, event: Event | str, detail: str = "",
        *, merge_repeat: bool = False,
    ) -> None:
        """Append an event to the audit trail, or count a repeat of the newest row."""
        if merge_repeat and self._run(
            "UPDATE audit SET repeats = repeats + 1 WHERE id = (SELECT max(id)"
            " FROM audit WHERE username = %s) AND event = %s AND detail = %s",
            (username, str(event), detail),
        ).rowcount == 1:
            return
        self._run("INSERT INTO audit (username, at, event, detail) VALUES (%s, %s, %s, %s)",
                  (username, at, str(event), detail))

    def audit(self, username: str) -> list[AuditRecord]:
        """Every audit row of `username`, oldest first."""
        rows = self._run("SELECT username, at, event, detail, repeats FROM audit"
                         " WHERE username = %s ORDER BY id", (username,)).rows
        return [AuditRecord(r[0], r[1], Event.read(r[2]), r[3], r[4]) for r in rows]
