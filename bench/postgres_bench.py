"""The PostgreSQL part of `make bench`: the store, and the web app on 4 gunicorn workers.

It starts the tests' throwaway server (`tests/postgres_server.py`: initdb + pg_ctl in a
temporary folder, a Unix socket, `fsync=off`), so the figures show the cost of a server
round trip per statement, not of a disk. Reported, never asserted: the machine is shared.

- `AuthService.verify` in one process, one after another (as `service_verify` on SQLite);
- `POST /login/code` on gunicorn with 4 workers (`mfalab.web.wsgi`), 8 concurrent clients,
  each request a different account's challenge: throughput, p50 and p99 of its latency.
  The clients pass through a pretend proxy (`MFALAB_TRUSTED_PROXIES=1`, one address
  each), as a deployment behind HTTPS does, so the per-address limit stays out of the way.
"""

from __future__ import annotations

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mfalab import AuthService, UserStore, passwords  # noqa: E402
from mfalab.keys import new_key_text  # noqa: E402
from mfalab.web.client import Visitor  # noqa: E402
from mfalab.web.handles import COOKIE  # noqa: E402
from tests.postgres_server import PostgresServer, find_bindir  # noqa: E402

__all__ = ["gunicorn", "rows", "run", "server", "web_code_step"]

PASSWORD = "violet anchor tundra 58"
WORKERS = 4
Accounts = Callable[[AuthService, int], dict[str, str]]
FreshCode = Callable[[UserStore, str, str], str]


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


@contextlib.contextmanager
def gunicorn(database_url: str, workers: int = WORKERS) -> Iterator[str]:
    """`gunicorn 'mfalab.web.wsgi:app'` on a free loopback port; yields its URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = Path(tempfile.mkdtemp(prefix="mfalab-bench-gunicorn-")) / "gunicorn.log"
    with log.open("wb") as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(workers),
             "--bind", f"127.0.0.1:{port}", "mfalab.web.wsgi:app"],
            env={**os.environ, "MFALAB_DATABASE_URL": database_url,
                 "MFALAB_TRUSTED_PROXIES": "1"},
            stdout=subprocess.DEVNULL, stderr=errors)
        url = f"http://127.0.0.1:{port}/"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(url + "login", timeout=5).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"gunicorn did not start:\n{log.read_text()}")
                time.sleep(0.1)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=30)
    log.unlink()
    log.parent.rmdir()


def web_code_step(pg: PostgresServer, accounts: Accounts, fresh_code: FreshCode,
                  clients: int = 8, each: int = 40) -> dict[str, float]:
    """`POST /login/code` on 4 gunicorn workers and PostgreSQL, `clients` at a time."""
    database = pg.url(pg.new_database())
    auth = AuthService(UserStore(database), password_profile=passwords.CHEAP_FOR_TESTS_ONLY)
    found = accounts(auth, clients * each)
    with gunicorn(database) as url:
        jobs: list[tuple[str, str, str, str]] = []  # (cookie, CSRF token, code, address)
        for i, (name, secret) in enumerate(found.items()):
            with Visitor(url, cookie=auth.login(name, PASSWORD).token) as visitor:
                token = visitor.get("/login/code").csrf_token
                assert token is not None and visitor.cookie is not None
                jobs.append((visitor.cookie, token, fresh_code(auth.store, name, secret),
                             f"10.0.{i // 256}.{i % 256}"))
        seconds: list[float] = []
        accepted: list[bool] = []

        def client(share: list[tuple[str, str, str, str]]) -> None:
            with httpx.Client(timeout=30) as http:
                for cookie, token, code, address in share:
                    start = time.perf_counter()
                    answer = http.post(url + "login/code",
                                       data={"csrf_token": token, "code": code},
                                       headers={"Cookie": f"{COOKIE}={cookie}",
                                                "X-Forwarded-For": address})
                    seconds.append(time.perf_counter() - start)
                    accepted.append(answer.status_code == 302)

        threads = [threading.Thread(target=client, args=(jobs[i::clients],))
                   for i in range(clients)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        spent = time.perf_counter() - began
    auth.store.close()
    assert all(accepted), "every code should be accepted, once"
    ordered = sorted(seconds)
    return {"workers": WORKERS, "clients": clients, "requests": len(ordered),
            "per_second": len(ordered) / spent, "p50_ms": statistics.median(ordered) * 1e3,
            "p99_ms": statistics.quantiles(ordered, n=100)[98] * 1e3}


def run(verify: Callable[[str], dict[str, float]], accounts: Accounts,
        fresh_code: FreshCode) -> dict[str, object]:
    """Every PostgreSQL measure, keyed as in results.json."""
    with server() as pg:
        return {"service_verify_postgres": verify(pg.url(pg.new_database())),
                "web_code_step_workers": web_code_step(pg, accounts, fresh_code)}


def rows(r: dict[str, object]) -> list[tuple[str, str, str]]:
    """The README table's rows for the PostgreSQL measures (none if they were not run)."""
    found: list[tuple[str, str, str]] = []
    v = r.get("service_verify_postgres")
    if isinstance(v, dict):
        found.append(("`AuthService.verify`, PostgreSQL (Unix socket), one core",
                      f"**{v['per_second']:,.0f}/s** ({v['ms_each']:.2f} ms each)",
                      "reported"))
    w = r.get("web_code_step_workers")
    if isinstance(w, dict):
        found.append((f"`POST /login/code`, gunicorn × {w['workers']} workers + PostgreSQL, "
                      f"{w['clients']} clients",
                      f"**{w['per_second']:,.0f}/s**, p50 {w['p50_ms']:.1f} ms, "
                      f"p99 {w['p99_ms']:.1f} ms", "reported"))
    return found
