"""The PostgreSQL part of `make bench`: the same measures on a throwaway server.

It starts the tests' throwaway server (`tests/postgres_server.py`: initdb + pg_ctl in a
temporary folder, a Unix socket, `fsync=off`), so the figures show the cost of a server
round trip per statement, not of a disk. Reported, never asserted.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mfalab.keys import new_key_text  # noqa: E402
from tests.postgres_server import PostgresServer, find_bindir  # noqa: E402

__all__ = ["rows", "run", "server"]


@contextlib.contextmanager
def server() -> Iterator[PostgresServer]:
    """A throwaway server with MFALAB_KEY set, stopped (and its folder removed) at the end."""
    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("PostgreSQL is not installed: `make bench` installs it.")
    started = PostgresServer(bindir).start()
    os.environ.setdefault("MFALAB_KEY", new_key_text())
    try:
        yield started
    finally:
        started.stop()


def run(verify: Callable[[str], dict[str, float]]) -> dict[str, object]:
    """Every PostgreSQL measure, keyed as in results.json."""
    with server() as pg:
        return {"service_verify_postgres": verify(pg.url(pg.new_database()))}


def rows(r: dict[str, object]) -> list[tuple[str, str, str]]:
    """The README table's rows for the PostgreSQL measures (none if they were not run)."""
    found: list[tuple[str, str, str]] = []
    v = r.get("service_verify_postgres")
    if isinstance(v, dict):
        found.append(("`AuthService.verify`, PostgreSQL (Unix socket), one core",
                      f"**{v['per_second']:,.0f}/s** ({v['ms_each']:.2f} ms each)",
                      "reported"))
    return found
