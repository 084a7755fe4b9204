"""Fixtures for the browser tests: JupyterLab, Voilà, the web login and Debian's Chromium,
all isolated.

Each server runs on 127.0.0.1, on a free port, from a temporary COPY of `notebooks/`
(running cells never touches the repository's notebooks, and nothing saves over them),
with every Jupyter and IPython directory in a temporary folder (a restored workspace once
raised a "Select Kernel" dialog). Servers are started in their own process group and
stopped by that group's id, never by name. The browser is Debian's Chromium
(`apt-get install -y chromium`), driven by Playwright; Playwright's own browsers are never
downloaded.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect, sync_playwright

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
SCREENSHOTS = REPO / "docs" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
VIEWPORT = {"width": 1280, "height": 900}
DEFAULT_TIMEOUT_MS = 30_000  # any single wait on the page
SERVER_START_TIMEOUT = 60  # seconds; both servers answer in about 3 s here
BIN = Path(sys.executable).parent  # the virtual environment's bin/: jupyter, voila


@dataclass(frozen=True)
class Server:
    """A running server: where it answers, its token (if any) and the folder it serves."""

    url: str
    token: str
    root: Path


def shut_down_sessions(server: Server) -> None:
    """End every notebook session (and its kernel) of a JupyterLab server, by the REST API."""

    def call(method: str, path: str) -> bytes:
        request = urllib.request.Request(  # noqa: S310 (http://127.0.0.1 only)
            f"{server.url}{path}", method=method,
            headers={"Authorization": f"token {server.token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            body: bytes = answer.read()
            return body

    for session in json.loads(call("GET", "/api/sessions")):
        call("DELETE", f"/api/sessions/{session['id']}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _isolated_env(home: Path) -> dict[str, str]:
    """The environment for a server: every Jupyter/IPython directory inside `home`."""
    env = dict(os.environ)
    config = home / "jupyter-config"
    for name, folder in {
        "JUPYTER_CONFIG_DIR": config,
        "JUPYTER_DATA_DIR": home / "jupyter-data",
        "JUPYTER_RUNTIME_DIR": home / "jupyter-runtime",
        "JUPYTERLAB_WORKSPACES_DIR": home / "lab-workspaces",
        "JUPYTERLAB_SETTINGS_DIR": config / "lab" / "user-settings",
        "IPYTHONDIR": home / "ipython",
        "MPLCONFIGDIR": home / "matplotlib",
    }.items():
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = str(folder)
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    env.pop("MFALAB_KEY", None)
    # No notebook cell blocks a test for want of a browser, and no news banner covers the page.
    settings = config / "lab" / "user-settings" / "@jupyterlab"
    _write_json(
        settings / "notebook-extension" / "tracker.jupyterlab-settings",
        # Every cell in the DOM, so each error output can be matched to its cell.
        {"windowingMode": "none"},
    )
    _write_json(
        settings / "apputils-extension" / "notification.jupyterlab-settings",
        {"fetchNews": "false", "checkForUpdates": False},
    )
    return env


def _write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


def _answers(url: str, any_status: bool) -> bool:
    """Whether `url` answers: with 200, or (`any_status`) with any HTTP status at all."""
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 (http://127.0.0.1)
            return bool(answer.status == 200)
    except urllib.error.HTTPError:
        return any_status
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _wait_until_up(
    proc: subprocess.Popen[bytes], url: str, log: Path, any_status: bool
) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"the server exited with {proc.returncode} before answering; its log:\n"
                + log.read_text(encoding="utf-8", errors="replace")[-4000:]
            )
        if _answers(url, any_status):
            return
        time.sleep(0.2)  # polling a server that is starting up, not waiting on a page
    raise RuntimeError(
        f"the server did not answer {url} within {SERVER_START_TIMEOUT} s; its log:\n"
        + log.read_text(encoding="utf-8", errors="replace")[-4000:]
    )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server's process group (the server and its kernels) by its id."""
    for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break  # the whole group is gone
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
        if sig == signal.SIGTERM:
            # the server is down; a kernel of its group may linger: end it too
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            break


@contextlib.contextmanager
def _serve(
    command: list[str], cwd: Path, home: Path, up_url: str, *, any_status: bool = False
) -> Iterator[subprocess.Popen[bytes]]:
    """Run `command` in its own session until the `with` block ends; its log is in `home`."""
    log = home / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command,
            cwd=cwd,
            env=_isolated_env(home),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_until_up(proc, up_url, log, any_status)
            yield proc
        finally:
            _stop(proc)


def _copy_notebooks(destination: Path) -> Path:
    root = destination / "notebooks"
    shutil.copytree(NOTEBOOKS, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return root


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """JupyterLab on a temporary copy of the lessons: 127.0.0.1, a free port, a random token."""
    home = tmp_path_factory.mktemp("lab-home")
    root = _copy_notebooks(tmp_path_factory.mktemp("lab-root"))
    port, token = _free_port(), secrets.token_hex(24)
    command = [
        str(BIN / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        "--ServerApp.port_retries=0", "--allow-root", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}", "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    url = f"http://127.0.0.1:{port}"
    with _serve(command, root, home, f"{url}/api/status?token={token}"):
        yield Server(url, token, root)


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Voilà serving `app.ipynb` from a temporary copy of `notebooks/`, on 127.0.0.1."""
    home = tmp_path_factory.mktemp("voila-home")
    root = _copy_notebooks(tmp_path_factory.mktemp("voila-root"))
    port = _free_port()
    command = [
        str(BIN / "voila"), "app.ipynb", "--no-browser", f"--port={port}",
        "--Voila.port_retries=0", "--Voila.ip=127.0.0.1", f"--Voila.root_dir={root}",
    ]
    url = f"http://127.0.0.1:{port}"
    # Voilà has no status API, and its page runs the notebook: any answer from a static
    # route (even 404) proves it is listening.
    with _serve(command, root, home, f"{url}/voila/static/", any_status=True):
        yield Server(url, "", root)


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    """Debian's Chromium, headless, on a fresh profile; fails clearly when it is missing.

    Playwright takes the profile folder as `user_data_dir` (it refuses a `--user-data-dir`
    argument), which makes this a persistent context: one per session, a page per test.
    """
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"{CHROMIUM} not found: the browser tests need Debian's Chromium. "
            "Install it with `apt-get install -y chromium` (never `playwright install`).",
            pytrace=False,
        )
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=VIEWPORT,
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser: BrowserContext) -> Iterator[Page]:
    """A new 1280×900 page per test, closed afterwards."""
    new_page = browser.new_page()
    try:
        yield new_page
    finally:
        new_page.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where the screenshots go: docs/screenshots/ (for the README), or $MFALAB_SCREENSHOTS_DIR.

    They change at every run (codes, clocks): set MFALAB_SCREENSHOTS_DIR to a scratch
    folder to keep the working tree clean.
    """
    folder = Path(os.environ.get("MFALAB_SCREENSHOTS_DIR") or SCREENSHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# The web login (`python -m mfalab web`), shared by test_web.py and test_a11y_web.py: each
# test uses accounts of its own.
@pytest.fixture(scope="session")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`python -m mfalab web` on a free port, its database in a temporary folder."""
    home = tmp_path_factory.mktemp("web-home")
    port = _free_port()
    command = [sys.executable, "-m", "mfalab", "web", "--port", str(port),
               "--db", str(home / "web.db")]
    with _serve(command, home, home, f"http://127.0.0.1:{port}/login"):
        # localhost, as the command prints: a secure context, so the Secure cookie is kept.
        yield Server(f"http://localhost:{port}", "", home)


@pytest.fixture
def fresh(browser: BrowserContext, page: Page) -> Page:
    """A page in a browser that holds no cookie yet."""
    browser.clear_cookies()
    return page
