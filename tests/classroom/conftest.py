"""Fixtures for the classroom test: a real JupyterHub on loopback, and the class's git remote.

`make classroom` installs what these use: JupyterHub and nbgitpuller in .venv (the hub),
configurable-http-proxy from npm in build/node/, and the user image in
build/classroom/image/ — a fresh virtual environment made with the README's command,
`pip install -r binder/requirements.txt -r classroom/requirements.txt`. Each student's
server runs from that image, not from .venv.

Everything lives in one temporary folder: the hub's database and cookie secret, the
proxy, every student's home (with all their Jupyter and IPython folders), and the git
remote the students pull from — a bare clone of this repository's HEAD, with its commit
as branch `main` (uncommitted changes are not in it). Nothing listens beyond 127.0.0.1.

The hub starts the proxy and each student's server in a session of their own, and each
server starts its kernels in one more, so no single process group holds them all: a
watcher notes every process below the hub while the class runs, and at the end, after
the hub has been asked to stop them, whatever is left of them is ended by its id.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from ..browser.conftest import CHROMIUM

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
IMAGE = REPO / "build" / "classroom" / "image"
PROXY = REPO / "build" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
JUPYTERHUB = Path(sys.executable).parent / "jupyterhub"
HUB_START_TIMEOUT = 60  # seconds; the hub and its proxy answer in about 3 s here
HUB_STOP_TIMEOUT = 30  # the hub stops each student's server, then the proxy
GIT_TIMEOUT = 60

REPORT: list[str] = []  # lines for the end of the pytest run: the measured times


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if REPORT:
        terminalreporter.section("classroom timings")
        for line in REPORT:
            terminalreporter.write_line(line)


def git(*args: str, cwd: Path | None = None) -> str:
    """Run git (a fixed identity, no user config), return its output; fail with its message."""
    result = subprocess.run(
        ["git", "-c", "user.name=Instructor", "-c", "user.email=instructor@example.invalid",
         *args],
        cwd=cwd, capture_output=True, text=True, timeout=GIT_TIMEOUT, check=False,
        env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"},
    )
    assert result.returncode == 0, f"git {' '.join(args)} failed:\n{result.stderr}"
    return result.stdout.strip()


@dataclass(frozen=True)
class Upstream:
    """The git remote of the class (bare), and the instructor's working copy of it."""

    bare: Path
    instructor: Path

    @property
    def url(self) -> str:
        return self.bare.as_uri()  # file://…: git clones it like any remote (depth 1 works)

    def head(self) -> str:
        return git("rev-parse", "refs/heads/main", cwd=self.bare)

    def push(self, message: str) -> str:
        """Commit every change in the instructor's copy and push it to `main`; its commit."""
        git("commit", "--quiet", "--all", "--message", message, cwd=self.instructor)
        git("push", "--quiet", "origin", "HEAD:main", cwd=self.instructor)
        return self.head()


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Upstream:
    """A bare clone of this repository whose `main` is the commit checked out here."""
    if not (REPO / ".git").exists():
        pytest.fail("the classroom test clones this repository: run it from a git checkout",
                    pytrace=False)
    folder = tmp_path_factory.mktemp("upstream")
    bare = folder / "mfalab"  # nbgitpuller names the student's folder after the remote
    commit = git("rev-parse", "HEAD", cwd=REPO)
    git("clone", "--quiet", "--bare", "--single-branch", str(REPO), str(bare))
    git("update-ref", "refs/heads/main", commit, cwd=bare)
    git("symbolic-ref", "HEAD", "refs/heads/main", cwd=bare)
    instructor = folder / "instructor"
    git("clone", "--quiet", "--branch", "main", bare.as_uri(), str(instructor))
    return Upstream(bare, instructor)


@dataclass(frozen=True)
class Hub:
    """A running JupyterHub: its public URL (the proxy's) and its temporary folder."""

    url: str
    root: Path
    log: Path

    def home(self, student: str) -> Path:
        return self.root / "home" / student

    def log_tail(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-6000:]


class ProcessWatch:
    """Notes every process below `pid` (proxy, servers, kernels) until `end_all` ends them.

    Each is kept with its start time (psutil checks it), so a reused pid is never touched.
    """

    INTERVAL = 0.25  # seconds between two looks at the process tree

    def __init__(self, pid: int) -> None:
        self._root = psutil.Process(pid)
        self._seen: dict[tuple[int, float], psutil.Process] = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="classroom-watch", daemon=True)
        self._thread.start()

    def _note(self) -> None:
        with contextlib.suppress(psutil.Error):
            for process in [self._root, *self._root.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    self._seen.setdefault((process.pid, process.create_time()), process)

    def _watch(self) -> None:
        while not self._done.wait(self.INTERVAL):
            self._note()

    def alive(self) -> list[psutil.Process]:
        return [process for process in list(self._seen.values()) if process.is_running()]

    def end_all(self) -> list[str]:
        """End every noted process still running (TERM, then KILL); what had to be ended."""
        self._note()
        self._done.set()
        self._thread.join(timeout=5)
        left = self.alive()
        names = []
        for process in left:
            with contextlib.suppress(psutil.Error):
                names.append(f"{process.pid} {' '.join(process.cmdline())[:120]}")
                process.terminate()
        _, still = psutil.wait_procs(left, timeout=10)
        for process in still:
            with contextlib.suppress(psutil.Error):
                process.kill()
        psutil.wait_procs(still, timeout=10)
        return names


def _hub_env(root: Path, ports: dict[str, int]) -> dict[str, str]:
    """The hub's environment: this one, less anything Jupyter or key related, plus the test's."""
    env = {
        name: value for name, value in os.environ.items()
        if not name.startswith(("JUPYTER", "IPYTHON", "MFALAB_", "VIRTUAL_ENV", "PYTHONPATH",
                                "CONFIGPROXY"))
    }
    env.update(
        MFALAB_CLASSROOM_ROOT=str(root),
        MFALAB_CLASSROOM_IMAGE=str(IMAGE),
        MFALAB_CLASSROOM_PROXY=str(PROXY),
        MFALAB_CLASSROOM_PORTS=json.dumps(ports),
        CONFIGPROXY_AUTH_TOKEN=secrets.token_hex(32),
        HOME=str(root / "hub-home"),
    )
    (root / "hub-home").mkdir()
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 (http://127.0.0.1)
            return bool(answer.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _check_installed() -> None:
    missing = [
        str(path.relative_to(REPO) if path.is_relative_to(REPO) else path)
        for path in (JUPYTERHUB, PROXY, IMAGE / "bin" / "jupyterhub-singleuser", CHROMIUM)
        if not path.exists()
    ]
    if missing:
        pytest.fail(f"missing: {', '.join(missing)}. `make classroom` installs them "
                    "(the hub in .venv, the proxy with npm, the user image, Chromium).",
                    pytrace=False)


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """JupyterHub with its proxy on 127.0.0.1, free ports, everything in a temporary folder."""
    _check_installed()
    root = tmp_path_factory.mktemp("hub")
    ports = {"public": _free_port(), "hub": _free_port(), "proxy_api": _free_port()}
    hub = Hub(f"http://127.0.0.1:{ports['public']}", root, root / "jupyterhub.log")
    started = time.monotonic()
    with hub.log.open("wb") as log:
        proc = subprocess.Popen(
            [str(JUPYTERHUB), "--config", str(HERE / "jupyterhub_config.py")],
            cwd=root, env=_hub_env(root, ports), stdin=subprocess.DEVNULL, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )
        watch = ProcessWatch(proc.pid)
        try:
            deadline = time.monotonic() + HUB_START_TIMEOUT
            while not _answers(f"{hub.url}/hub/api"):  # through the proxy: both are up
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"JupyterHub did not answer at {hub.url} within {HUB_START_TIMEOUT} s "
                        f"(exit code {proc.poll()}); its log:\n{hub.log_tail()}"
                    )
                time.sleep(0.2)  # polling a hub that is starting up
            REPORT.append(f"hub and proxy answering after {time.monotonic() - started:.1f} s")
            yield hub
        finally:
            _stop_hub(proc, watch)


def _stop_hub(proc: subprocess.Popen[bytes], watch: ProcessWatch) -> None:
    """Ask the hub to stop (it stops the servers and the proxy), then end whatever is left."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=HUB_STOP_TIMEOUT)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # the hub's own process group, if anything is left
    proc.wait(timeout=10)
    left = watch.end_all()
    if left:
        REPORT.append(f"ended {len(left)} process(es) the hub had left running: {left}")
