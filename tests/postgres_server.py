"""A throwaway PostgreSQL server for the tests: initdb + pg_ctl in a temporary folder.

The server listens only on a Unix socket in its own folder (no TCP port), runs as the
`postgres` user when the tests run as root (initdb refuses root), and trades durability
for speed (`fsync=off`: the data is thrown away anyway). Tests share one database, emptied
before each (TRUNCATE takes milliseconds; copying a database takes a checkpoint); a test
about migrations gets a new, empty database of its own.

Stopping is guaranteed three ways: the session fixture's finalizer, an `atexit` hook,
and a watchdog process that stops the server and deletes the folder as soon as the
test process is gone, however it ended (even SIGKILL).
"""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
from psycopg import sql

__all__ = ["PostgresServer", "find_bindir"]

MAX_CONNECTIONS = 200  # 32 racing clients, each with its own store, and headroom
_WATCHDOG = """
import shutil, signal, subprocess, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)
sys.stdin.read()  # returns when the test process has gone, whatever the reason
ctl, data, folder, *run_as = sys.argv[1:]
subprocess.run([*run_as, ctl, "-D", data, "-m", "immediate", "-w", "stop"],
               capture_output=True, check=False)
shutil.rmtree(folder, ignore_errors=True)
"""


def find_bindir() -> Path | None:
    """The folder with PostgreSQL's initdb, pg_ctl and postgres, or None if not installed."""
    candidates: list[Path] = []
    if os.environ.get("MFALAB_PG_BINDIR"):
        candidates.append(Path(os.environ["MFALAB_PG_BINDIR"]))
    try:
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True,
                             check=False, timeout=10)
        if out.returncode == 0:
            candidates.append(Path(out.stdout.strip()))
    except (OSError, subprocess.TimeoutExpired):
        pass

    def version(folder: Path) -> tuple[int, ...]:
        return tuple(int(p) for p in folder.parent.name.split(".") if p.isdigit())

    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    found = shutil.which("initdb")
    if found:
        candidates.append(Path(found).resolve().parent)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


class PostgresServer:
    """One server for a test session; `new_database()` gives each test its own database."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.folder = Path(tempfile.mkdtemp(prefix="mfalab-pg-"))
        self.data = self.folder / "data"
        self.run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self._names = itertools.count(1)
        self._shared_made = False
        self._watchdog: subprocess.Popen[bytes] | None = None
        self.running = False

    def _tool(self, name: str, *args: str) -> None:
        result = subprocess.run([*self.run_as, str(self.bindir / name), *args],
                                capture_output=True, text=True, check=False, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{name} failed ({result.returncode}):\n{result.stdout}"
                               f"{result.stderr}")

    def start(self) -> PostgresServer:
        """initdb, start the server, and prepare the template database."""
        if self.run_as:
            shutil.chown(self.folder, user="postgres", group="postgres")
        self._watchdog = subprocess.Popen(
            [sys.executable, "-c", _WATCHDOG, str(self.bindir / "pg_ctl"), str(self.data),
             str(self.folder), *self.run_as],
            stdin=subprocess.PIPE, start_new_session=True,
        )
        atexit.register(self.stop)
        self._tool("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                   "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        options = (f"-k {self.folder} -c listen_addresses='' -c fsync=off"
                   " -c synchronous_commit=off -c full_page_writes=off"
                   f" -c shared_buffers=16MB -c max_connections={MAX_CONNECTIONS}"
                   " -c max_wal_size=64MB -c min_wal_size=32MB")  # small files to read
        self._tool("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"),
                   "-o", options, "-w", "-t", "60", "start")
        self.running = True
        with self.admin() as conn:
            conn.execute("CREATE DATABASE mfalab_template TEMPLATE template0")
        return self

    def url(self, database: str) -> str:
        """The `postgresql://` URL of one of this server's databases."""
        return f"postgresql:///{database}?host={self.folder}&user=postgres"

    def admin(self, database: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        """A superuser connection (autocommit), for setting up and inspecting."""
        return psycopg.connect(host=str(self.folder), user="postgres", dbname=database,
                               autocommit=True)

    def emptied_database(self) -> str:
        """The database the tests share, with every table emptied; returns its name.

        Created on first use, empty: the first store opened on it creates the schema.
        """
        name = "mfalab_tests"
        if not self._shared_made:
            with self.admin() as conn:
                conn.execute(f"CREATE DATABASE {name} TEMPLATE mfalab_template")
            self._shared_made = True
            return name
        with self.admin(name) as conn:
            tables = [row[0] for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                " AND tablename <> 'schema_version'")]
            if tables:
                conn.execute(sql.SQL("TRUNCATE {} RESTART IDENTITY").format(
                    sql.SQL(", ").join(map(sql.Identifier, tables))))
        return name

    def new_database(self) -> str:
        """A new, empty database (no tables: the store migrates it); returns its name."""
        name = f"test_{next(self._names)}"
        with self.admin() as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE mfalab_template STRATEGY FILE_COPY")
        return name

    def drop_database(self, name: str) -> None:
        """Drop a test's database, ending any connection still open on it."""
        with self.admin() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        """Stop the server and delete its folder (safe to call more than once)."""
        if self.running:
            self.running = False
            self._tool("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)
        if self._watchdog is not None:
            assert self._watchdog.stdin is not None
            self._watchdog.stdin.close()  # the watchdog finds nothing left to do
            self._watchdog.wait(timeout=30)
            self._watchdog = None
