"""SQLiteStore: accounts, factors, throttles, challenges and the audit trail in SQLite.

The embedded default (`UserStore(":memory:")`, `UserStore("users.db")`). Parameterized
queries only. Files use WAL and a busy timeout, and every read-modify-write runs inside
`transaction()` (`BEGIN IMMEDIATE`), so concurrent writers — threads or processes on one
file — wait their turn instead of losing updates. The last accepted time step is set by
one compare-and-set `UPDATE … WHERE last_step < ?` (RFC 6238 §5.2: a code is accepted at
most once). Seeds are stored AES-GCM encrypted (`crypto`), with the key from `keys`.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .. import keys
from ..crypto import SeedCipher
from ..errors import InvalidSetting, StoreBusy, UserExists
from ..events import ThrottleKind
from ..throttle import Throttle
from .base import (
    PendingFactor,
    UserRecord,
    UserStore,
)
from .rows import USER_COLUMNS, user_record
from .sqlite_passkeys import SQLitePasskeys
from .sqlite_records import SQLiteRecords
from .sqlite_schema import MIGRATIONS, SCHEMA_VERSION

__all__ = ["SCHEMA_VERSION", "SQLiteStore"]

BUSY_TIMEOUT_SECONDS = 5.0
_SELECT_USER = " ".join(("SELECT", USER_COLUMNS, "FROM users WHERE username = ?"))


def _checked_path(path: object) -> str:
    """The database path as text, or `InvalidSetting` saying why it cannot be one."""
    if not isinstance(path, (str, os.PathLike)):
        raise InvalidSetting("A UserStore takes ':memory:' or the path of a database file.")
    text = os.fspath(path)
    if not isinstance(text, str):
        raise InvalidSetting("A database path is text, like 'users.db'.")
    try:
        os.fsencode(text)
    except UnicodeEncodeError:
        raise InvalidSetting("That database path holds broken characters.") from None
    if "\x00" in text:
        raise InvalidSetting("A database path cannot contain a NUL character.")
    if not text.strip() or (text != ":memory:" and Path(text).name == ""):
        raise InvalidSetting("A UserStore takes ':memory:' or the path of a database file.")
    return text


class SQLiteStore(SQLiteRecords, SQLitePasskeys, UserStore):
    """The SQLite backend: one file (or memory), safe across threads and processes."""

    def __init__(self, location: str | os.PathLike[str] = ":memory:") -> None:
        self.location = self.path = _checked_path(location)
        self.in_memory = self.path == ":memory:"
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._registry_lock = threading.Lock()
        # One shared connection for :memory: (a memory database lives in its connection),
        # serialized by this lock; files get a connection per thread and rely on SQLite.
        self._memory_lock = threading.RLock()
        self._shared: sqlite3.Connection | None = None
        self._closed = False
        # Connections close with the store even if close() is never called.
        weakref.finalize(self, _close_all, self._connections)
        self._migrate()
        self._cipher = self._load_key()

    # -- connections and transactions -------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.OperationalError as exc:
            raise InvalidSetting(f"Cannot open the database {self.path!r}: {exc}.") from None
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        if not self.in_memory:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
        with self._registry_lock:
            self._connections.append(conn)
        return conn

    def _conn(self) -> sqlite3.Connection:
        if self._closed:
            raise InvalidSetting("This UserStore is closed: open a new one to go on.")
        if self.in_memory:
            if self._shared is None:
                self._shared = self._connect()
            return self._shared
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        return conn

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block as one `BEGIN IMMEDIATE` transaction (re-entrant per thread)."""
        with self._memory_lock if self.in_memory else _nothing():
            depth = getattr(self._local, "depth", 0)
            conn = self._conn()
            if depth == 0:
                try:
                    conn.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError as exc:  # the busy timeout ran out
                    raise StoreBusy(
                        f"The database is busy: another process kept it locked for more than "
                        f"{BUSY_TIMEOUT_SECONDS:g} s ({exc}). Try again in a moment."
                    ) from None
            self._local.depth = depth + 1
            try:
                yield
            except BaseException:
                self._local.depth = depth
                if depth == 0:
                    conn.execute("ROLLBACK")
                raise
            self._local.depth = depth
            if depth == 0:
                conn.execute("COMMIT")

    def _execute(self, sql: str, params: tuple[object, ...] = ()) -> sqlite3.Cursor:
        with self._memory_lock if self.in_memory else _nothing():
            return self._conn().execute(sql, params)

    def close(self) -> None:
        """Close every connection this store opened."""
        with self._registry_lock:
            self._closed = True
            _close_all(self._connections)
        self._shared = None
        self._local = threading.local()

    def __repr__(self) -> str:
        return f"UserStore({self.path!r})"

    # -- schema and key -----------------------------------------------------------------

    def _migrate(self) -> None:
        with self.transaction():
            version = int(self._execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise InvalidSetting(
                    f"This database has schema version {version}, newer than this mfalab "
                    f"understands ({SCHEMA_VERSION}); upgrade mfalab."
                )
            for step in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[step].split(";"):
                    if statement.strip():
                        self._execute(statement)
                self._execute(f"PRAGMA user_version = {step + 1}")

    def _load_key(self) -> SeedCipher:
        with self.transaction():
            holds_seeds = self._execute(
                "SELECT 1 FROM users WHERE seed IS NOT NULL OR pending_seed IS NOT NULL LIMIT 1"
            ).fetchone() is not None
            row = self._execute("SELECT value FROM meta WHERE name = 'key_check'").fetchone()
            loaded = keys.load(
                None if self.in_memory else Path(self.path),
                holds_seeds=holds_seeds, key_check=None if row is None else bytes(row[0]),
            )
            if loaded.new_key_check is not None:
                self._execute(
                    "INSERT OR REPLACE INTO meta (name, value) VALUES ('key_check', ?)",
                    (loaded.new_key_check,),
                )
        return loaded.cipher

    def pseudonym(self, name: str) -> str:
        """A keyed hash standing for `name` (HMAC-SHA256 under a key derived from the seed key)."""
        return self._cipher.pseudonym(name)

    # -- users ----------------------------------------------------------------------------

    def add_user(self, username: str, password_hash: str, at: float) -> None:
        """Insert a new account; `UserExists` when the name is taken."""
        try:
            self._execute(
                "INSERT INTO users (username, password_hash, created_at) VALUES (?, ?, ?)",
                (username, password_hash, at),
            )
        except sqlite3.IntegrityError:
            raise UserExists(f"The username {username!r} is already taken.") from None

    def get_user(self, username: str) -> UserRecord | None:
        """The account stored under `username` (already normalized), or None."""
        row = self._execute(_SELECT_USER, (username,)).fetchone()
        if row is None:
            return None
        return user_record(row, self._cipher)

    def set_password_hash(self, username: str, password_hash: str) -> None:
        """Replace the stored password hash."""
        self._execute(
            "UPDATE users SET password_hash = ? WHERE username = ?", (password_hash, username)
        )

    def set_pending_factor(self, username: str, pending: PendingFactor | None) -> None:
        """Store (seed encrypted) or clear the enrollment awaiting confirmation."""
        if pending is None:
            values: tuple[object, ...] = (None,) * 6
        else:
            values = (self._cipher.encrypt(username, pending.secret), pending.digits,
                      pending.period, pending.digest, pending.token_hash, pending.created_at)
        self._execute(
            "UPDATE users SET pending_seed = ?, pending_digits = ?, pending_period = ?,"
            " pending_digest = ?, pending_token_hash = ?, pending_created_at = ?"
            " WHERE username = ?",
            (*values, username),
        )

    def activate_pending_factor(
        self, username: str, token_hash: str, step: int, drift: int
    ) -> bool:
        """Make the pending factor the active one, with its own settings and its step used."""
        cursor = self._execute(
            "UPDATE users SET seed = pending_seed, digits = pending_digits,"
            " period = pending_period, digest = pending_digest, last_step = ?, drift = ?,"
            " pending_seed = NULL, pending_digits = NULL, pending_period = NULL,"
            " pending_digest = NULL, pending_token_hash = NULL, pending_created_at = NULL"
            " WHERE username = ? AND pending_seed IS NOT NULL AND pending_token_hash = ?",
            (step, drift, username, token_hash),
        )
        return cursor.rowcount == 1

    def accept_step(self, username: str, step: int, drift: int) -> bool:
        """Compare-and-set: record `step` as used only if it is newer than the last one."""
        cursor = self._execute(
            "UPDATE users SET last_step = ?, drift = ?"
            " WHERE username = ? AND seed IS NOT NULL AND (last_step IS NULL OR last_step < ?)",
            (step, drift, username, step),
        )
        return cursor.rowcount == 1

    def clear_second_factor(self, username: str) -> None:
        """Remove the seed, any pending enrollment, recovery codes and the factor throttle,
        atomically (one transaction, even when called outside one)."""
        with self.transaction():
            self._execute("UPDATE users SET seed = NULL, last_step = NULL, drift = 0"
                          " WHERE username = ?", (username,))
            self.set_pending_factor(username, None)
            self._execute("DELETE FROM recovery_codes WHERE username = ?", (username,))
            self._execute("DELETE FROM throttle WHERE kind = ? AND username = ?",
                          (str(ThrottleKind.FACTOR), username))

    # -- throttle -------------------------------------------------------------------------

    def get_throttle(self, kind: ThrottleKind, key: str) -> Throttle:
        """The throttle state of one kind for one key."""
        row = self._execute(
            "SELECT failures, locked_until, disabled FROM throttle"
            " WHERE kind = ? AND username = ?",
            (str(kind), key),
        ).fetchone()
        if row is None:
            return Throttle()
        return Throttle(failures=row[0], locked_until=row[1], disabled=bool(row[2]))

    def set_throttle(self, kind: ThrottleKind, key: str, state: Throttle) -> None:
        """Write the throttle state (call inside `transaction()` after reading it)."""
        self._execute(
            "INSERT INTO throttle (kind, username, failures, locked_until, disabled)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, username) DO UPDATE SET"
            " failures = excluded.failures, locked_until = excluded.locked_until,"
            " disabled = excluded.disabled",
            (str(kind), key, state.failures, state.locked_until, int(state.disabled)),
        )


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def _close_all(connections: list[sqlite3.Connection]) -> None:
    for conn in connections:
        conn.close()
    connections.clear()
