"""`python -m mfalab web` and the jupyter-server-proxy entry: real processes on loopback,
started in their own session and stopped by their id."""

from __future__ import annotations

import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from mfalab.__main__ import main
from mfalab.web.cli import default_database
from mfalab.web.proxy import NAME, server

URL = re.compile(r"open (http://localhost:\d+\S*/)")


@contextmanager
def serving(args: list[str], home: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`python -m mfalab web ARGS` with its data folder in `home`; yields it and its URL."""
    env = {**os.environ, "XDG_DATA_HOME": str(home), "PYTHONUNBUFFERED": "1"}
    env.pop("MFALAB_KEY", None)
    proc = subprocess.Popen([sys.executable, "-m", "mfalab", "web", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            start_new_session=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        found = URL.search(first)
        assert found, first
        yield proc, found.group(1)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


def wait_for(url: str) -> httpx.Response:
    deadline = time.monotonic() + 30
    while True:
        try:
            return httpx.get(url, timeout=5)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)  # the server is starting up


def test_it_prints_the_url_serves_and_stops_on_ctrl_c(tmp_path: Path):
    with serving(["--port", "0"], tmp_path) as (proc, url):
        assert url.startswith("http://localhost:")
        answer = wait_for(url.replace("localhost", "127.0.0.1") + "login")
        assert answer.status_code == 200 and "Log in" in answer.text
        assert (tmp_path / "mfalab" / "web.db").is_file()  # the per-user data folder
        assert (tmp_path / "mfalab" / "web.key").is_file()
        os.killpg(proc.pid, signal.SIGINT)
        out, _ = proc.communicate(timeout=20)
        assert proc.returncode == 0 and "Stopped." in out


def test_it_serves_under_a_prefix_from_another_database(tmp_path: Path):
    db = tmp_path / "elsewhere.db"
    with serving(["--port", "0", "--db", str(db), "--prefix", "/user/alice/mfalab-web/"],
                 tmp_path) as (_, url):
        assert url.endswith("/user/alice/mfalab-web/")
        answer = wait_for(url.replace("localhost", "127.0.0.1") + "login")
        assert 'action="/user/alice/mfalab-web/login"' in answer.text
    assert db.is_file()


def test_a_busy_port_is_a_sentence(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["web", "--port", str(port), "--db", str(tmp_path / "w.db")]) == 1
    assert f"Cannot listen on 127.0.0.1:{port}" in capsys.readouterr().out


def test_the_default_database_is_in_the_users_data_folder(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    path = default_database()
    assert path == tmp_path / "data" / "mfalab" / "web.db"
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_the_proxy_entry_starts_the_app_under_the_proxys_prefix(tmp_path: Path):
    settings = server()
    assert settings["absolute_url"] is True
    assert settings["launcher_entry"]["title"] == "MFA Lab web login"
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    command = [part.replace("{port}", str(port)).replace("{base_url}", "/user/alice/")
               for part in settings["command"]]
    assert command[:4] == [sys.executable, "-m", "mfalab", "web"]
    with serving(command[4:], tmp_path) as (_, url):
        assert url == f"http://localhost:{port}/user/alice/{NAME}/"
        answer = wait_for(f"http://127.0.0.1:{port}/user/alice/{NAME}/login")
        assert answer.status_code == 200
        assert f'href="/user/alice/{NAME}/register"' in answer.text


def test_the_proxy_entry_is_registered_for_jupyter_server_proxy():
    from importlib.metadata import entry_points

    (entry,) = [e for e in entry_points(group="jupyter_serverproxy_servers") if e.name == NAME]
    assert entry.load() is server


@pytest.mark.parametrize(("args", "says"), [
    (["--rp-id", "127.0.0.1"], "an IP address cannot be an RP ID"),
    (["--origin", "http://example.org:5000"], "not on the RP ID 'localhost'"),
])
def test_passkey_settings_that_cannot_work_are_a_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    args: list[str], says: str,
):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert main(["web", "--port", "0", "--db", str(tmp_path / "w.db"), *args]) == 1
    out = capsys.readouterr().out
    assert out.startswith("✗ ") and says in out
