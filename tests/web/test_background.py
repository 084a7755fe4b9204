"""The background server (lesson 07, tests, benchmarks) and the visitor that drives it."""

from __future__ import annotations

import logging
import socket

import httpx
import pytest
from flask import Flask

from mfalab import FrozenClock
from mfalab.web.background import start
from mfalab.web.client import Page, Visitor
from mfalab.web.handles import COOKIE

from ..conftest import PASSWORD


def test_it_serves_on_a_free_loopback_port_until_stopped(app: Flask):
    server = start(app)
    try:
        assert server.running and server.port > 0
        assert server.url == f"http://127.0.0.1:{server.port}/"
        assert httpx.get(server.url + "login").status_code == 200
    finally:
        server.stop()
    assert not server.running
    with pytest.raises(httpx.ConnectError):
        httpx.get(server.url + "login")
    server.stop()  # a second stop does nothing
    assert repr(server) == "BackgroundServer(loopback, stopped)"


def test_the_port_is_free_again_after_stopping(app: Flask):
    with start(app) as server:
        port = server.port
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))  # raises if the port were still held


def test_the_link_is_localhost_or_the_hubs_proxy(app: Flask, monkeypatch: pytest.MonkeyPatch):
    from mfalab.web.background import jupyter_proxy_prefix

    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    with start(app, prefix=jupyter_proxy_prefix) as server:
        assert server.link == f"http://localhost:{server.port}/"
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/alice/")
    with start(app, prefix=jupyter_proxy_prefix) as server:
        assert server.link == f"/user/alice/proxy/absolute/{server.port}/"
        assert httpx.get(server.url + "login").status_code == 200


def test_the_access_log_has_method_path_and_status_only(app: Flask,
                                                        caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.INFO, logger="mfalab.web.access")
    with start(app) as server:
        httpx.get(server.url + "login?next=/account&secret=x")
    assert [r.getMessage() for r in caplog.records if r.name == "mfalab.web.access"] == [
        "GET /login 200"]


def test_the_visitor_keeps_the_cookie_and_follows_redirects(app: Flask, clock: FrozenClock):
    with start(app) as server, Visitor(server.url) as visitor:
        assert visitor.cookie is None
        page = visitor.get("/")
        assert (page.path, page.history) == ("/login", [(302, "/")])
        first = visitor.cookie
        assert first is not None
        assert visitor.set_cookies == [{"name": COOKIE, "value": first, "path": "/",
                                        "secure": True, "httponly": True, "samesite": "Lax"}]
        page = visitor.post("/register", {"username": "alice", "new_password": PASSWORD})
        assert page.path == "/enroll" and visitor.cookie not in (None, first)
        page = visitor.post("/enroll", {"username": "alice", "password": PASSWORD})
        assert page.secret and page.hidden_fields("/enroll/confirm").keys() == {
            "csrf_token", "enrollment", "username"}
        forged = visitor.post("/logout", csrf=False)
        assert forged.status == 400 and forged.error
        assert repr(visitor) == "Visitor(with a cookie)"


def test_a_page_reads_its_texts():
    html = ('<h1>Your  new\n recovery codes</h1><p class="notice">Saved.</p>'
            '<ol class="codes"><li><code>AAAA-BBBB</code></li><li><code>CCCC-DDDD</code></li></ol>'
            '<form method="post" action="/x"><input type="hidden" name="csrf_token" value="t">'
            '<input type="hidden" name="h" value="1"><input name="code"></form>'
            '<dl><dd id="who">alice</dd></dl>')
    page = Page(200, "/x", httpx.Headers(), html)
    assert page.title == "Your new recovery codes"
    assert (page.message, page.error) == ("Saved.", None)
    assert page.recovery_codes == ["AAAA-BBBB", "CCCC-DDDD"]
    assert page.csrf_token == "t" and page.hidden_fields("/x") == {"csrf_token": "t", "h": "1"}
    assert page.hidden_fields("/elsewhere") == {} and page.text("who") == "alice"
    assert repr(page) == "<Page 200 /x: 'Your new recovery codes'>"
