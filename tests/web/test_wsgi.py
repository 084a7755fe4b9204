"""`mfalab.web.wsgi`: the app for several workers, configured by the environment.

Two apps built from the same environment stand for two workers: a form one draws, the
other accepts (the form key is derived from MFALAB_KEY), and neither holds a login the
other cannot see (the database holds them). `tests/workers` runs the real thing: gunicorn
with 4 workers on PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask, request

from mfalab.errors import InvalidSetting, KeyProblem, LoginFailed
from mfalab.keys import decode_key, new_key_text
from mfalab.web import cli, wsgi

from .conftest import Browser
from .test_cli import serving, wait_for

KEY = new_key_text()


def _environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"MFALAB_DATABASE_URL": str(tmp_path / "shared.db"), "MFALAB_KEY": KEY, **extra}


def test_every_worker_derives_the_same_form_key_and_it_is_not_the_seed_key():
    one, two = wsgi.form_key({"MFALAB_KEY": KEY}), wsgi.form_key({"MFALAB_KEY": KEY})
    assert one == two and len(one) == 32
    assert one != decode_key(KEY, "test")
    assert wsgi.form_key({"MFALAB_KEY": new_key_text()}) != one
    own = new_key_text()
    assert wsgi.form_key({"MFALAB_KEY": KEY, "MFALAB_FORM_KEY": own}) == decode_key(own, "t")


def test_without_a_shared_key_the_workers_refuse_to_start(tmp_path: Path):
    with pytest.raises(KeyProblem, match="MFALAB_KEY"):
        wsgi.create_app_from_environment({"MFALAB_DATABASE_URL": str(tmp_path / "x.db")})
    with pytest.raises(KeyProblem, match="MFALAB_FORM_KEY"):
        wsgi.form_key({"MFALAB_FORM_KEY": "too short"})


def _login_form_posted_to(first: Flask, second: Flask) -> Browser:
    """Draw the login form with one worker; post it (cookie and all) to the other."""
    drawn = Browser(first)
    drawn.get("/login")
    posting = Browser(second)
    posting.page = drawn.page
    assert drawn.cookie is not None
    posting.cookie = drawn.cookie
    posting.post("/login", {"username": "alice", "password": "not the password"})
    return posting


def test_a_form_drawn_by_one_worker_is_accepted_by_another(tmp_path: Path):
    env = _environment(tmp_path)
    first = wsgi.create_app_from_environment(env)
    second = wsgi.create_app_from_environment(env)
    page = _login_form_posted_to(first, second).page
    assert page is not None and page.error == LoginFailed.MESSAGE  # past the CSRF check
    stranger = wsgi.create_app_from_environment({**env, "MFALAB_KEY": new_key_text(),
                                                 "MFALAB_DATABASE_URL": str(tmp_path / "o.db")})
    page = _login_form_posted_to(first, stranger).page
    assert page is not None and page.title == "This form has expired"


def _remote_address(app: Flask) -> Browser:
    app.add_url_rule("/address", "address", lambda: request.remote_addr or "")
    return Browser(app, "127.0.0.1")


def test_behind_a_trusted_proxy_the_limit_sees_the_client_s_address(tmp_path: Path):
    app = wsgi.create_app_from_environment(_environment(tmp_path, MFALAB_TRUSTED_PROXIES="1"))
    browser = _remote_address(app)
    browser.environ["HTTP_X_FORWARDED_FOR"] = "203.0.113.5"
    assert browser.get("/address").html == "203.0.113.5"
    direct = _remote_address(wsgi.create_app_from_environment(_environment(tmp_path)))
    direct.environ["HTTP_X_FORWARDED_FOR"] = "203.0.113.5"  # no proxy: a client's claim
    assert direct.get("/address").html == "127.0.0.1"


@pytest.mark.parametrize("proxies", ["x", "-1", "6", "\uff11", ""])
def test_a_proxy_count_that_cannot_work_is_refused(tmp_path: Path, proxies: str):
    with pytest.raises(InvalidSetting, match="MFALAB_TRUSTED_PROXIES"):
        wsgi.create_app_from_environment(_environment(tmp_path,
                                                      MFALAB_TRUSTED_PROXIES=proxies))


def test_the_limiter_storage_comes_from_the_environment(tmp_path: Path):
    assert wsgi.create_app_from_environment(
        _environment(tmp_path, MFALAB_LIMITER_STORAGE="memory://"))
    with pytest.raises(InvalidSetting, match="MFALAB_LIMITER_STORAGE"):
        wsgi.create_app_from_environment(
            _environment(tmp_path, MFALAB_LIMITER_STORAGE="nosuch://cache:6379"))


def test_importing_the_module_opens_nothing_and_app_is_built_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(wsgi, "_built", {})
    with pytest.raises(AttributeError):
        wsgi.not_an_app  # noqa: B018
    assert wsgi._built == {}
    for name, value in _environment(tmp_path).items():
        monkeypatch.setenv(name, value)
    built = wsgi.app
    assert isinstance(built, Flask) and wsgi.app is built
    assert (tmp_path / "shared.db").is_file()


def test_the_database_comes_from_db_then_mfalab_database_url_then_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    url = "postgresql://mfalab@db.internal/mfalab"
    assert cli.database_location("a.db", {"MFALAB_DATABASE_URL": url}) == "a.db"
    assert cli.database_location(None, {"MFALAB_DATABASE_URL": url}) == url
    assert cli.database_location(None, {}) == str(tmp_path / "data" / "mfalab" / "web.db")


def test_python_m_mfalab_web_reads_mfalab_database_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("MFALAB_DATABASE_URL", str(tmp_path / "from-env.db"))
    with serving(["--port", "0"], tmp_path) as (_, url):
        assert wait_for(url.replace("localhost", "127.0.0.1") + "login").status_code == 200
    assert (tmp_path / "from-env.db").is_file()
    assert not (tmp_path / "mfalab" / "web.db").exists()


def test_the_passkey_settings_come_from_the_environment(tmp_path: Path):
    app = wsgi.create_app_from_environment(_environment(
        tmp_path, MFALAB_RP_ID="example.org",
        MFALAB_ORIGINS="https://login.example.org https://example.org"))
    service = app.extensions["mfalab.auth"]
    assert service.rp_id == "example.org"
    assert service.origins == ("https://login.example.org", "https://example.org")
    default = wsgi.create_app_from_environment(_environment(tmp_path)).extensions["mfalab.auth"]
    assert (default.rp_id, default.origins) == ("localhost", ("http://localhost:8000",))
    for bad in ({"MFALAB_RP_ID": "127.0.0.1"},
                {"MFALAB_RP_ID": "example.org", "MFALAB_ORIGINS": "https://evil.example"}):
        with pytest.raises(InvalidSetting):
            wsgi.create_app_from_environment(_environment(tmp_path, **bad))
