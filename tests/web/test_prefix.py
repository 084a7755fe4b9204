"""Under a path prefix (jupyter-server-proxy on Binder): every link, form and redirect
keeps the prefix, and the cookie stays `Path=/` as `__Host-` requires."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from werkzeug.test import Client

from mfalab import AuthService, FrozenClock
from mfalab.errors import InvalidSetting
from mfalab.web.background import jupyter_proxy_prefix, mount, normalize_prefix, start
from mfalab.web.client import Visitor

from ..conftest import PASSWORD
from .conftest import Browser

PREFIX = "/user/alice/mfalab-web"


def test_mounted_with_dispatcher_middleware_every_url_keeps_the_prefix(app: Flask):
    client = Client(mount(app, PREFIX + "/"))
    answer = client.get(f"{PREFIX}/login")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    urls = re.findall(r'(?:href|action|src)="([^"#][^"]*)"', html)
    assert len(urls) >= 6
    assert all(url.startswith(PREFIX + "/") for url in urls), urls
    assert "Path=/;" in answer.headers["Set-Cookie"]
    assert client.get("/login").status_code == 404  # nothing outside the prefix


def test_the_whole_login_works_under_the_prefix_with_script_name(app: Flask, auth: AuthService,
                                                                 clock: FrozenClock):
    from .conftest import enroll, log_in

    browser = Browser(app, prefix=PREFIX)
    member = enroll(browser, clock)
    page = log_in(browser, phone=member.phone)
    assert page.path == f"{PREFIX}/account" and page.text("who") == "alice"
    assert browser.response is not None
    assert all(path.startswith(PREFIX) for _, path in page.history)


def test_over_real_http_under_a_jupyter_like_prefix(app: Flask, clock: FrozenClock):
    with start(app, prefix=lambda port: f"/user/alice/proxy/absolute/{port}") as server:
        assert server.url == f"http://127.0.0.1:{server.port}{server.prefix}/"
        with Visitor(server.url) as visitor:
            page = visitor.get("/register")
            assert page.path == "/register"  # inside the app
            assert f'action="{server.prefix}/register"' in page.html
            page = visitor.post("/register", {"username": "alice", "new_password": PASSWORD})
            assert page.path == "/enroll" and page.message
            assert page.history == [(302, "/register")]


def test_next_must_stay_under_the_prefix(app: Flask, clock: FrozenClock):
    from .conftest import enroll

    browser = Browser(app, prefix=PREFIX)
    member = enroll(browser, clock)
    browser.get("/login")
    browser.post("/login", {"username": "alice", "password": PASSWORD, "next": "/enroll"})
    browser.post("/login/code", {"code": member.phone.code()}, follow=False)
    assert browser.response is not None
    assert browser.response.headers["Location"] == f"{PREFIX}/account"


def test_the_jupyter_proxy_prefix_comes_from_the_hub(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    assert jupyter_proxy_prefix(8123) == ""
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/alice/")
    assert jupyter_proxy_prefix(8123) == "/user/alice/proxy/absolute/8123"


@pytest.mark.parametrize(("given", "normal"), [("", ""), ("/", ""), ("p", "/p"),
                                               ("/a/b/", "/a/b")])
def test_prefixes_are_normalized(given: str, normal: str):
    assert normalize_prefix(given) == normal


@pytest.mark.parametrize("bad", ["/a?b", "/a#b", "/a b", "/a\\b", None])
def test_a_prefix_that_is_not_a_plain_path_is_refused(bad: object):
    with pytest.raises(InvalidSetting):
        normalize_prefix(bad)  # type: ignore[arg-type]
