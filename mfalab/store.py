"""UserStore: accounts, factors, throttles, challenges and the audit trail in SQLite.

Parameterized queries only. Files use WAL and a busy timeout, and every read-modify-write
runs inside `transaction()` (`BEGIN IMMEDIATE`), so concurrent writers — threads or
processes on one file — wait their turn instead of losing updates. The last accepted
time step is set by one compare-and-set `UPDATE … WHERE last_step < ?` (RFC 6238 §5.2:
a code is accepted at most once). Seeds are stored AES-GCM encrypted (see `crypto`).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import crypto
from .errors import InvalidSetting, KeyProblem, UserExists

__all__ = ["AuditRecord", "Throttle", "UserRecord", "UserStore"]

BUSY_TIMEOUT_SECONDS = 5.0
_KEY_CHECK_ACCOUNT = "\x00key-check"  # usernames cannot contain control characters
_KEY_CHECK_TEXT = "mfalab key check"

_SCHEMA_V1 = """
CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
CREATE TABLE users (
    username           TEXT PRIMARY KEY,
    password_hash      TEXT NOT NULL,
    created_at         REAL NOT NULL,
    seed               BLOB,
    digits             INTEGER NOT NULL DEFAULT 6,
    period             INTEGER NOT NULL DEFAULT 30,
    digest             TEXT NOT NULL DEFAULT 'sha1',
    last_step          INTEGER,
    drift              INTEGER NOT NULL DEFAULT 0,
    pending_seed       BLOB,
    pending_created_at REAL
);
CREATE TABLE throttle (
    kind         TEXT NOT NULL,
    username     TEXT NOT NULL,
    failures     INTEGER NOT NULL DEFAULT 0,
    locked_until REAL NOT NULL DEFAULT 0,
    disabled     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, username)
);
CREATE TABLE challenges (
    token_hash TEXT PRIMARY KEY,
    username   TEXT NOT NULL,
    created_at REAL NOT NULL,
    ended      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    username   TEXT NOT NULL,
    created_at REAL NOT NULL,
    method     TEXT NOT NULL
);
CREATE TABLE recovery_codes (
    id        INTEGER PRIMARY KEY,
    username  TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    used_at   REAL
);
CREATE INDEX recovery_codes_by_user ON recovery_codes (username);
CREATE TABLE audit (
    id       INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    at       REAL NOT NULL,
    event    TEXT NOT NULL,
    detail   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_by_user ON audit (username, id);
"""

#: MIGRATIONS[n] takes the schema from version n to n + 1 (`PRAGMA user_version`).
MIGRATIONS: tuple[str, ...] = (_SCHEMA_V1,)
SCHEMA_VERSION = len(MIGRATIONS)


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
    pending_seed: str | None
    pending_created_at: float | None


@dataclass(frozen=True)
class Throttle:
    """Consecutive failures of one kind ('password' or 'factor') for one username."""

    failures: int = 0
    locked_until: float = 0.0
    disabled: bool = False


@dataclass(frozen=True)
class AuditRecord:
    """A row of the audit trail."""

    username: str
    at: float
    event: str
    detail: str


class UserStore:
    """The lab's persistence: `UserStore(":memory:")` or `UserStore("users.db")`.

    The seed key is `MFALAB_KEY` when set; otherwise, for a file, `<stem>.key` beside it
    (created with mode 0600 while the database holds no seeds; a missing or wrong key for
    a database with seeds raises `KeyProblem`); for `:memory:`, a random key.
    """

    def __init__(self, path: str | os.PathLike[str] = ":memory:") -> None:
        if not isinstance(path, (str, os.PathLike)):
            raise InvalidSetting("A UserStore takes ':memory:' or the path of a database file.")
        self.path = os.fspath(path)
        try:
            os.fsencode(self.path)
        except UnicodeEncodeError:
            raise InvalidSetting("That database path holds broken characters.") from None
        if not self.path.strip() or (self.path != ":memory:" and Path(self.path).name == ""):
            raise InvalidSetting("A UserStore takes ':memory:' or the path of a database file.")
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
        self._cipher = crypto.SeedCipher(self._load_key())

    # -- connections and transactions -------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT_SECONDS,
                isolation_level=None,
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
                conn.execute("BEGIN IMMEDIATE")
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

    def __enter__(self) -> UserStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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

    def _holds_seeds(self) -> bool:
        row = self._execute(
            "SELECT 1 FROM users WHERE seed IS NOT NULL OR pending_seed IS NOT NULL LIMIT 1"
        ).fetchone()
        return row is not None

    def _load_key(self) -> bytes:
        env = os.environ.get(crypto.ENV_VAR)
        with self.transaction():
            holds_seeds = self._holds_seeds()
            if env:
                key = crypto.decode_key(env, crypto.ENV_VAR)
            elif self.in_memory:
                key = os.urandom(crypto.KEY_BYTES)
            else:
                key_path = crypto.key_path_for(Path(self.path))
                if key_path.exists():
                    key = crypto.read_key_file(key_path)
                elif holds_seeds:
                    raise KeyProblem(
                        f"The database {Path(self.path).name} holds encrypted seeds but its key "
                        f"file {key_path.name} is missing (and MFALAB_KEY is not set): "
                        "restore the key; a new one cannot read the seeds."
                    )
                else:
                    key = crypto.create_key_file(key_path)
            cipher = crypto.SeedCipher(key)
            row = self._execute("SELECT value FROM meta WHERE name = 'key_check'").fetchone()
            if row is not None and holds_seeds:
                cipher.decrypt(_KEY_CHECK_ACCOUNT, bytes(row[0]))  # KeyProblem if wrong
            elif row is None or not holds_seeds:
                self._execute(
                    "INSERT OR REPLACE INTO meta (name, value) VALUES ('key_check', ?)",
                    (cipher.encrypt(_KEY_CHECK_ACCOUNT, _KEY_CHECK_TEXT),),
                )
        return key

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
        row = self._execute(
            "SELECT username, password_hash, created_at, seed, digits, period, digest,"
            " last_step, drift, pending_seed, pending_created_at FROM users WHERE username = ?",
            (username,),
        ).fetchone()
        if row is None:
            return None
        seed = None if row[3] is None else self._cipher.decrypt(username, bytes(row[3]))
        pending = None if row[9] is None else self._cipher.decrypt(username, bytes(row[9]))
        return UserRecord(
            username=row[0], password_hash=row[1], created_at=row[2], seed=seed,
            digits=row[4], period=row[5], digest=row[6], last_step=row[7], drift=row[8],
            pending_seed=pending, pending_created_at=row[10],
        )

    def set_password_hash(self, username: str, password_hash: str) -> None:
        """Replace the stored password hash (rehash on login)."""
        self._execute(
            "UPDATE users SET password_hash = ? WHERE username = ?", (password_hash, username)
        )

    def set_pending_seed(self, username: str, secret: str | None, at: float | None) -> None:
        """Store (encrypted) or clear the seed of an enrollment awaiting confirmation."""
        blob = None if secret is None else self._cipher.encrypt(username, secret)
        self._execute(
            "UPDATE users SET pending_seed = ?, pending_created_at = ? WHERE username = ?",
            (blob, at, username),
        )

    def activate_pending_seed(
        self, username: str, digits: int, period: int, digest: str, step: int, drift: int
    ) -> bool:
        """Make the pending seed the active one, with its confirming step as used."""
        cursor = self._execute(
            "UPDATE users SET seed = pending_seed, pending_seed = NULL,"
            " pending_created_at = NULL, digits = ?, period = ?, digest = ?,"
            " last_step = ?, drift = ? WHERE username = ? AND pending_seed IS NOT NULL",
            (digits, period, digest, step, drift, username),
        )
        return cursor.rowcount == 1

    def accept_step(self, username: str, step: int, drift: int) -> bool:
        """Compare-and-set: record `step` as used only if it is newer than the last one.

        Returns whether this call won; of concurrent calls for one step, exactly one does.
        """
        cursor = self._execute(
            "UPDATE users SET last_step = ?, drift = ?"
            " WHERE username = ? AND seed IS NOT NULL AND (last_step IS NULL OR last_step < ?)",
            (step, drift, username, step),
        )
        return cursor.rowcount == 1

    def clear_second_factor(self, username: str) -> None:
        """Remove the seed, any pending enrollment, the recovery codes and the factor throttle."""
        self._execute(
            "UPDATE users SET seed = NULL, pending_seed = NULL, pending_created_at = NULL,"
            " last_step = NULL, drift = 0 WHERE username = ?",
            (username,),
        )
        self._execute("DELETE FROM recovery_codes WHERE username = ?", (username,))
        self._execute(
            "DELETE FROM throttle WHERE kind = 'factor' AND username = ?", (username,)
        )

    # -- throttle -------------------------------------------------------------------------

    def get_throttle(self, kind: str, username: str) -> Throttle:
        """The throttle state of one kind for one (normalized) username."""
        row = self._execute(
            "SELECT failures, locked_until, disabled FROM throttle"
            " WHERE kind = ? AND username = ?",
            (kind, username),
        ).fetchone()
        if row is None:
            return Throttle()
        return Throttle(failures=row[0], locked_until=row[1], disabled=bool(row[2]))

    def set_throttle(self, kind: str, username: str, state: Throttle) -> None:
        """Write the throttle state (call inside `transaction()` after reading it)."""
        self._execute(
            "INSERT INTO throttle (kind, username, failures, locked_until, disabled)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, username) DO UPDATE SET"
            " failures = excluded.failures, locked_until = excluded.locked_until,"
            " disabled = excluded.disabled",
            (kind, username, state.failures, state.locked_until, int(state.disabled)),
        )

    # -- challenges and sessions --------------------------------------------------------

    def add_challenge(self, token_hash: str, username: str, at: float) -> None:
        """Remember an issued challenge (by the hash of its token)."""
        self._execute(
            "INSERT INTO challenges (token_hash, username, created_at) VALUES (?, ?, ?)",
            (token_hash, username, at),
        )

    def get_challenge(self, token_hash: str) -> tuple[str, float, bool] | None:
        """(username, created_at, ended) of an issued challenge, or None."""
        row = self._execute(
            "SELECT username, created_at, ended FROM challenges WHERE token_hash = ?",
            (token_hash,),
        ).fetchone()
        return None if row is None else (row[0], row[1], bool(row[2]))

    def end_challenge(self, token_hash: str) -> bool:
        """Compare-and-set: end a challenge; returns whether this call ended it."""
        cursor = self._execute(
            "UPDATE challenges SET ended = 1 WHERE token_hash = ? AND ended = 0", (token_hash,)
        )
        return cursor.rowcount == 1

    def add_session(self, token_hash: str, username: str, at: float, method: str) -> None:
        """Remember an issued session."""
        self._execute(
            "INSERT INTO sessions (token_hash, username, created_at, method) VALUES (?, ?, ?, ?)",
            (token_hash, username, at, method),
        )

    def get_session(self, token_hash: str) -> tuple[str, float] | None:
        """(username, created_at) of an issued session, or None."""
        row = self._execute(
            "SELECT username, created_at FROM sessions WHERE token_hash = ?", (token_hash,)
        ).fetchone()
        return None if row is None else (row[0], row[1])

    # -- recovery codes -------------------------------------------------------------------

    def replace_recovery_codes(self, username: str, hashes: list[str]) -> None:
        """Void every recovery code of `username` and store the new hashes."""
        self._execute("DELETE FROM recovery_codes WHERE username = ?", (username,))
        for code_hash in hashes:
            self._execute(
                "INSERT INTO recovery_codes (username, code_hash) VALUES (?, ?)",
                (username, code_hash),
            )

    def unused_recovery_codes(self, username: str) -> list[tuple[int, str]]:
        """(id, hash) of every unused recovery code of `username`."""
        rows = self._execute(
            "SELECT id, code_hash FROM recovery_codes WHERE username = ? AND used_at IS NULL"
            " ORDER BY id",
            (username,),
        ).fetchall()
        return [(int(r[0]), str(r[1])) for r in rows]

    def use_recovery_code(self, code_id: int, at: float) -> bool:
        """Compare-and-set: mark a recovery code used; returns whether this call did."""
        cursor = self._execute(
            "UPDATE recovery_codes SET used_at = ? WHERE id = ? AND used_at IS NULL",
            (at, code_id),
        )
        return cursor.rowcount == 1

    # -- audit ----------------------------------------------------------------------------

    def add_audit(self, username: str, at: float, event: str, detail: str = "") -> None:
        """Append an event to the audit trail (never a secret in `detail`)."""
        self._execute(
            "INSERT INTO audit (username, at, event, detail) VALUES (?, ?, ?, ?)",
            (username, at, event, detail),
        )

    def audit(self, username: str) -> list[AuditRecord]:
        """Every audit event of `username`, oldest first."""
        rows = self._execute(
            "SELECT username, at, event, detail FROM audit WHERE username = ? ORDER BY id",
            (username,),
        ).fetchall()
        return [AuditRecord(*row) for row in rows]


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def _close_all(connections: list[sqlite3.Connection]) -> None:
    for conn in connections:
        conn.close()
    connections.clear()
