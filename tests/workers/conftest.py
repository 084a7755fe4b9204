"""gunicorn with 4 workers on loopback, in front of a PostgreSQL database of the tests' server.

The access log names the worker (its pid) that answered each request, so a test can see
that the requests were spread over the workers. gunicorn is stopped after each test, at
exit, and — should the test process be killed — by a watchdog that notices it is gone.
"""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
import pytest

from mfalab.keys import new_key_text

WORKERS = 4
START_SECONDS = 60
_WATCHDOG = """
import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)
sys.stdin.read()  # returns when the test process has gone, whatever the reason
os.kill(int(sys.argv[1]), signal.SIGTERM)
"""


@dataclass
class Gunicorn:
    process: subprocess.Popen[bytes]
    url: str
    access_log: Path
    watchdog: subprocess.Popen[bytes]

    def stop(self) -> None:
        """Stop gunicorn (SIGTERM: it stops its workers; SIGKILL if it lingers)."""
        if self.watchdog.poll() is None:  # first, so it can never signal a reused pid
            self.watchdog.kill()
            self.watchdog.wait(timeout=10)
        if self.watchdog.stdin is not None:
            self.watchdog.stdin.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def answered_by(self, request_line: str) -> list[int]:
        """The worker pids that answered requests starting with `request_line`."""
        pids = []
        for line in self.access_log.read_text().splitlines():
            pid, _, request = line.partition(" ")
            if request.startswith(request_line):
                pids.append(int(pid.strip("<>")))
        return pids


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def gunicorn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[str], Gunicorn]]:
    """Start gunicorn on a database URL; stopped (SIGTERM, then SIGKILL) after the test."""
    monkeypatch.setenv("MFALAB_KEY", new_key_text())
    started: list[Gunicorn] = []
    errors = (tmp_path / "gunicorn.log").open("wb")

    def start(database_url: str) -> Gunicorn:
        port = _free_port()
        log = tmp_path / "access.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS),
             "--bind", f"127.0.0.1:{port}", "--access-logfile", str(log),
             "--access-logformat", "%(p)s %(r)s %(s)s", "--graceful-timeout", "5",
             "mfalab.web.wsgi:app"],
            env={**os.environ, "MFALAB_DATABASE_URL": database_url,
                 "PYTHONPATH": os.pathsep.join(sys.path)},
            stdout=subprocess.DEVNULL, stderr=errors,
        )
        watchdog = subprocess.Popen([sys.executable, "-c", _WATCHDOG, str(process.pid)],
                                    stdin=subprocess.PIPE, start_new_session=True)
        server = Gunicorn(process, f"http://127.0.0.1:{port}/", log, watchdog)
        started.append(server)
        atexit.register(server.stop)
        url = server.url
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
            ready = len(psutil.Process(process.pid).children()) == WORKERS
            try:
                if ready and httpx.get(url + "login", timeout=5).status_code == 200:
                    return server
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError("gunicorn did not answer within a minute:\n"
                             + (tmp_path / "gunicorn.log").read_text())

    yield start
    for server in started:
        server.stop()
    errors.close()
