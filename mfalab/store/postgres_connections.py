"""Connections for `PostgresStore`: the URL, a small pool, and errors a person can act on.

- The URL is checked before anything connects, and shown only with its password
  replaced by `***` (OWASP ASVS 5.0 V16.2: no credentials in logs or messages).
- Each transaction takes one connection from a small pool and gives it back after
  COMMIT or ROLLBACK, so a web server with a thread per request needs only as many
  connections as requests run at once. Every connection runs READ COMMITTED (the
  compare-and-set statements of the store rely on its re-check of a row after waiting
  for its lock), waits at most `LOCK_TIMEOUT` for a row lock, and is ended by the server
  if it idles inside a transaction (a frozen client cannot hold a lock for ever).
- A forked child (a web server's worker) never touches its parent's connections: it
  opens its own, and leaves the inherited ones alone (closing them would end the parent's).
- Every psycopg error becomes an `InvalidSetting` saying what happened and what to do.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..errors import InvalidSetting

try:
    import psycopg
    from psycopg import errors as pg_errors
    from psycopg.conninfo import conninfo_to_dict
    from psycopg.pq import TransactionStatus
except ImportError:  # the extra is not installed: say how to get it, not a traceback
    raise InvalidSetting(
        "A postgresql:// database needs psycopg: pip install 'mfalab[postgres]'."
    ) from None

if TYPE_CHECKING:  # SQL text is a literal in the code, never text built from values
    from typing_extensions import LiteralString

__all__ = ["CONNECT_TIMEOUT", "LOCK_TIMEOUT", "Connection", "ConnectionPool", "Database",
           "Result", "checked_url", "refusal", "shown_url"]

Connection = psycopg.Connection[tuple[Any, ...]]
CONNECT_TIMEOUT = 5  # seconds to reach the server before giving up
LOCK_TIMEOUT = "10s"  # the longest wait for a row lock (SQLite's busy timeout, here)
IDLE_IN_TRANSACTION_TIMEOUT = "60s"
IDLE_CONNECTIONS = 4  # kept open for the next transaction; more are closed after use
_FORMAT = "postgresql://user@host:5432/database (percent-encode special characters)"
# Connections inherited through fork(): kept referenced, so that garbage collection in
# the child never sends a goodbye on a socket the parent still uses.
_INHERITED: list[Connection] = []


def shown_url(url: str) -> str:
    """The URL with any password replaced by `***`, fit for messages and logs."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "postgresql://…"
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        if ":" in userinfo:
            userinfo = userinfo.split(":", 1)[0] + ":***"
        netloc = f"{userinfo}@{host}"
    query = "&".join(
        "password=***" if item.lower().startswith("password=") else item
        for item in parts.query.split("&")
    ) if parts.query else ""
    return f"{parts.scheme}://{netloc}{parts.path}" + (f"?{query}" if query else "")


def checked_url(location: object) -> tuple[str, dict[str, Any]]:
    """The URL and the connection settings it holds, or `InvalidSetting` saying why not.

    The reason libpq gives is left out on purpose: it can quote the password.
    """
    if not isinstance(location, str) or "\x00" in location:
        raise InvalidSetting(f"A PostgreSQL location is a URL like {_FORMAT}.")
    try:
        settings = conninfo_to_dict(location)
    except psycopg.Error:
        raise InvalidSetting(
            f"That PostgreSQL URL cannot be read: write it like {_FORMAT}."
        ) from None
    settings.setdefault("connect_timeout", CONNECT_TIMEOUT)
    settings.setdefault("application_name", "mfalab")
    return location, settings


def _reason(exc: psycopg.Error) -> str:
    primary = exc.diag.message_primary if isinstance(exc, psycopg.DatabaseError) else None
    text = primary or str(exc) or type(exc).__name__
    return " ".join(text.split())[:300]


def refusal(exc: psycopg.Error, shown: str) -> InvalidSetting:
    """The `InvalidSetting` to raise for a psycopg error (never the raw exception)."""
    reason = _reason(exc)
    if isinstance(exc, (pg_errors.DeadlockDetected, pg_errors.SerializationFailure,
                        pg_errors.LockNotAvailable)):
        return InvalidSetting(
            f"The database was too busy with concurrent requests to finish this one "
            f"({reason}); nothing was changed: try again."
        )
    if isinstance(exc, pg_errors.InsufficientPrivilege):
        return InvalidSetting(
            f"The database user of {shown} may not do this ({reason}): it needs to own the "
            "database, or the right to create tables in it."
        )
    if isinstance(exc, psycopg.OperationalError):
        return InvalidSetting(
            f"Lost the connection to the PostgreSQL server at {shown} ({reason}): "
            "nothing was changed by the unfinished step; try again."
        )
    return InvalidSetting(f"The PostgreSQL server at {shown} refused a query ({reason}).")


class ConnectionPool:
    """Connections to one database, one per transaction at a time, reused when idle."""

    def __init__(self, settings: dict[str, Any], shown: str) -> None:
        self._settings = settings
        self.shown = shown
        self._lock = threading.Lock()
        self._idle: list[Connection] = []
        self._open: list[Connection] = []  # every connection of this process, idle or not
        self._pid = os.getpid()
        self.closed = False

    def _forget_if_forked(self) -> None:
        """In a forked child: leave the parent's connections alone, start afresh."""
        if self._pid != os.getpid():
            _INHERITED.extend(self._open)
            self._idle, self._open, self._pid = [], [], os.getpid()

    def connect(self) -> Connection:
        """A new connection, with the store's session settings."""
        try:
            conn: Connection = psycopg.connect(autocommit=True, **self._settings)
        except psycopg.Error as exc:
            raise InvalidSetting(
                f"Cannot reach the PostgreSQL server at {self.shown} ({_reason(exc)}): check "
                "the URL, and that the server runs and lets this user in."
            ) from None
        try:
            conn.execute(
                "SELECT set_config('lock_timeout', %s, false),"
                " set_config('idle_in_transaction_session_timeout', %s, false)",
                (LOCK_TIMEOUT, IDLE_IN_TRANSACTION_TIMEOUT),
            )
        except psycopg.Error as exc:
            conn.close()
            raise refusal(exc, self.shown) from None
        with self._lock:
            self._open.append(conn)
        return conn

    def acquire(self) -> tuple[Connection, bool]:
        """A connection for one transaction or statement, and whether it was idle before."""
        with self._lock:
            if self.closed:
                raise InvalidSetting("This UserStore is closed: open a new one to go on.")
            self._forget_if_forked()
            while self._idle:
                conn = self._idle.pop()
                if not (conn.closed or conn.broken):
                    return conn, True
                self._open.remove(conn)
        return self.connect(), False

    def release(self, conn: Connection) -> None:
        """Give a connection back: kept for reuse if healthy and idle, else closed."""
        with self._lock:
            self._forget_if_forked()
            if conn not in self._open:
                return  # a connection of the parent process, or one already closed
            healthy = not (conn.closed or conn.broken) and \
                conn.info.transaction_status == TransactionStatus.IDLE
            if healthy and not self.closed and len(self._idle) < IDLE_CONNECTIONS:
                self._idle.append(conn)
                return
            self._open.remove(conn)
        conn.close()

    def discard(self, conn: Connection) -> None:
        """Close a connection that failed; the next transaction opens a new one."""
        with self._lock:
            if conn in self._open:
                self._open.remove(conn)
            else:
                return
        conn.close()

    def close(self) -> None:
        """Close every connection this process opened (a forked child's parent's: never)."""
        with self._lock:
            self.closed = True
            self._forget_if_forked()
            connections, self._idle, self._open = self._open, [], []
        for conn in connections:
            conn.close()


@dataclass(frozen=True)
class Result:
    """What one statement gave: its rows (all fetched) and how many rows it changed."""

    rows: list[tuple[Any, ...]]
    rowcount: int


class Database:
    """Transactions on a pool: one connection per transaction and thread, re-entrant."""

    def __init__(self, settings: dict[str, Any], shown: str) -> None:
        self.shown = shown
        self._pool = ConnectionPool(settings, shown)
        self._local = threading.local()

    def _current(self) -> Connection | None:
        conn: Connection | None = getattr(self._local, "conn", None)
        return conn

    def in_transaction(self) -> bool:
        """Whether this thread is inside `transaction()`."""
        return self._current() is not None

    def _begin(self) -> Connection:
        """A pooled connection inside a new transaction (a stale idle one is replaced)."""
        while True:
            conn, reused = self._pool.acquire()
            try:
                conn.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
                return conn
            except psycopg.Error as exc:
                self._pool.discard(conn)
                if not (reused and conn.broken):  # else: closed by the server while idle
                    raise refusal(exc, self.shown) from None

    def _end(self, conn: Connection, commit: bool) -> None:
        """COMMIT (or ROLLBACK) and give the connection back; a failed one is closed."""
        failed = conn.info.transaction_status == TransactionStatus.INERROR
        try:
            conn.execute("COMMIT" if commit and not failed else "ROLLBACK")
        except psycopg.Error as exc:
            self._pool.discard(conn)
            if commit:
                raise refusal(exc, self.shown) from None
            return
        self._pool.release(conn)
        if commit and failed:  # the server would answer COMMIT with a silent ROLLBACK
            raise InvalidSetting(
                "A statement inside this transaction failed, so none of it was saved."
            )

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block as one READ COMMITTED transaction (re-entrant per thread)."""
        if self._current() is not None:
            yield
            return
        conn = self._begin()
        self._local.conn = conn
        try:
            yield
        except BaseException:
            self._local.conn = None
            self._end(conn, commit=False)
            raise
        self._local.conn = None
        self._end(conn, commit=True)

    def run(self, sql: LiteralString, params: tuple[object, ...] = ()) -> Result:
        """Execute one parameterized statement, in the thread's transaction if there is one.

        Outside a transaction, a pooled connection that the server closed while it was idle
        (a restart, an idle timeout) is replaced and the statement sent again. Inside one,
        nothing is retried: the error ends the transaction, and the caller decides. (The
        service makes every write inside a transaction.)
        """
        conn = self._current()
        if conn is not None:
            try:
                return _execute(conn, sql, params)
            except psycopg.Error as exc:
                raise refusal(exc, self.shown) from None
        while True:
            conn, reused = self._pool.acquire()
            try:
                return _execute(conn, sql, params)
            except psycopg.Error as exc:
                if not (reused and conn.broken):
                    raise refusal(exc, self.shown) from None
            finally:
                self._pool.release(conn)

    def close(self) -> None:
        """Close every connection of this process (a forked child's parent's: never)."""
        self._pool.close()
        self._local = threading.local()


def _execute(conn: Connection, sql: LiteralString, params: tuple[object, ...]) -> Result:
    cursor = conn.execute(sql, params)
    rows = cursor.fetchall() if cursor.description is not None else []
    return Result(rows, cursor.rowcount)
