"""Binder: what repo2docker installs, and that it is enough to run the lab and the app.

- `repo2docker --no-build --debug` (a dry run: no Docker engine needed) shows that
  `binder/requirements.txt` is what gets installed, on the Python of `binder/runtime.txt`.
- A fresh virtual environment built from `binder/requirements.txt` alone imports mfalab,
  ipywidgets and voila, executes `00_start_here` and `app.ipynb`, and serves the app with
  Voilà on 127.0.0.1 (started and stopped by its process id).
- In that environment, jupyter-server-proxy starts the web login behind a Jupyter server
  with a JupyterHub-like base URL, at `…/mfalab-web/`, and every link keeps that prefix.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def test_repo2docker_installs_binder_requirements_on_the_runtime_python(tmp_path: Path):
    result = subprocess.run(
        [str(BIN / "repo2docker"), "--no-build", "--debug", str(ROOT)],
        capture_output=True, text=True, timeout=120, check=False, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    dockerfile = result.stdout + result.stderr
    assert 'pip install --no-cache-dir -r "binder/requirements.txt"' in dockerfile
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()  # e.g. python-3.11
    assert f"python={runtime.removeprefix('python-')}" in dockerfile
    for ignored in ("environment.yml", "setup.py", "Pipfile", "install.R"):
        assert ignored not in dockerfile


def test_binder_requirements_install_the_package_with_bounded_versions():
    lines = [ln.strip() for ln in (ROOT / "binder" / "requirements.txt").read_text().splitlines()
             if ln.strip() and not ln.startswith("#")]
    assert "-c ../constraints.txt" in lines  # every version pinned to a tested one
    assert any(ln.startswith(".[") or ln == "." for ln in lines)  # the package itself
    assert any(ln.startswith("voila") for ln in lines)
    assert any(ln.startswith("jupyter-server-proxy") for ln in lines)  # the web login


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def binder_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """A fresh venv with only binder/requirements.txt installed (from the repository root,
    as repo2docker runs it), and Jupyter's folders isolated from this machine's."""
    home = tmp_path_factory.mktemp("binder")
    venv = home / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"),
           "JUPYTER_DATA_DIR": str(home / "data"), "JUPYTER_RUNTIME_DIR": str(home / "run"),
           "IPYTHONDIR": str(home / "ipython"), "PYTHONNOUSERSITE": "1"}
    env.pop("PYTHONPATH", None)
    env.pop("MFALAB_KEY", None)
    install = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
         "-r", "binder/requirements.txt"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    # The notebooks run from a copy, as a learner's Binder session would (no repo on sys.path).
    shutil.copytree(ROOT / "notebooks", home / "notebooks")
    yield venv, env


def test_the_binder_environment_imports_the_lab(binder_env: tuple[Path, dict[str, str]]):
    venv, env = binder_env
    probe = ("import mfalab, ipywidgets, voila, pathlib; "
             "print(pathlib.Path(mfalab.__file__).parent.parent.name)")
    result = subprocess.run([str(venv / "bin" / "python"), "-c", probe], env=env,
                            capture_output=True, text=True, timeout=120, check=False, cwd="/")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "site-packages"  # the installed package, not the source


@pytest.mark.parametrize("notebook", ["00_start_here.ipynb", "app.ipynb"])
def test_the_binder_environment_executes(binder_env: tuple[Path, dict[str, str]],
                                         notebook: str):
    venv, env = binder_env
    folder = venv.parent / "notebooks"
    result = subprocess.run(
        # nbclient lets only cells tagged raises-exception fail; any other error fails here.
        [str(venv / "bin" / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
         "--ExecutePreprocessor.timeout=120", "--output", f"executed-{notebook}", notebook],
        cwd=folder, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    executed = (folder / f"executed-{notebook}").read_text()
    errors = executed.count('"output_type": "error"')
    planned = executed.count('"raises-exception"')
    assert errors <= planned, f"{errors} errors in {notebook}, {planned} planned"


def test_voila_serves_the_app_on_loopback(binder_env: tuple[Path, dict[str, str]]):
    venv, env = binder_env
    port = _free_port()
    server = subprocess.Popen(
        [str(venv / "bin" / "voila"), "app.ipynb", "--no-browser", f"--port={port}",
         "--Voila.ip=127.0.0.1"],
        cwd=venv.parent / "notebooks", env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        page = ""
        while time.monotonic() < deadline and "MFA Lab" not in page:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as answer:
                    page = answer.read().decode("utf-8", "replace")
            except OSError:
                assert server.poll() is None, "voila exited"
                time.sleep(0.2)
        assert "MFA Lab" in page
        assert "Traceback" not in page
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=20)


def test_jupyter_server_proxy_serves_the_web_login(binder_env: tuple[Path, dict[str, str]],
                                                   tmp_path: Path):
    venv, env = binder_env
    port, token, base = _free_port(), "binder-test-token", "/user/learner/"
    env = {**env, "XDG_DATA_HOME": str(tmp_path / "data")}  # the app's database goes here
    server = subprocess.Popen(
        [str(venv / "bin" / "jupyter"), "server", "--no-browser", "--ip=127.0.0.1",
         f"--port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
         f"--ServerApp.base_url={base}", f"--ServerApp.root_dir={tmp_path}", "--allow-root"],
        cwd=tmp_path, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    auth = {"Authorization": f"token {token}"}
    root = f"http://127.0.0.1:{port}{base}"

    def call(path: str, data: bytes | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        request = urllib.request.Request(  # noqa: S310 (http://127.0.0.1 only)
            root + path, data=data, headers={**auth, **(headers or {})})
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=60) as answer:
                return answer.status, dict(answer.headers), answer.read().decode()
        except urllib.error.HTTPError as refused:
            return refused.code, dict(refused.headers), refused.read().decode()

    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                status, _, info = call("server-proxy/servers-info")
                break
            except OSError:
                assert server.poll() is None, "jupyter server exited"
                assert time.monotonic() < deadline, "jupyter server did not answer"
                time.sleep(0.2)
        assert status == 200 and "mfalab-web" in info  # the launcher's tile
        status, headers, page = call("mfalab-web/login")  # starts `python -m mfalab web`
        assert status == 200, page[:500]
        assert f'action="{base}mfalab-web/login"' in page
        assert f'href="{base}mfalab-web/static/style.css"' in page
        cookie = headers["Set-Cookie"].split(";", 1)[0]
        assert cookie.startswith("__Host-mfalab=") and "Secure" in headers["Set-Cookie"]
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert csrf is not None
        form = urllib.parse.urlencode({"csrf_token": csrf.group(1), "username": "learner",
                                       "new_password": "violet anchor tundra 58"}).encode()
        status, headers, _ = call("mfalab-web/register", form, {"Cookie": cookie})
        assert status == 302
        assert headers["Location"] == f"{base}mfalab-web/enroll?notice=registered"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)  # the web app the proxy started, if left


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Keep a redirect as the answer, to read its Location."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None
