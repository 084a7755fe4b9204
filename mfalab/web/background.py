"""Run the web app in the background, on a free loopback port: for lesson 07, tests and
benchmarks (`python -m mfalab web` serves the same way in the foreground).

`start(app)` binds 127.0.0.1 on a port the system picks, serves from a thread, and
returns a `BackgroundServer` to `stop()` (or use it as a context manager). `mount` puts an
app under a path prefix (SCRIPT_NAME), as a reverse proxy such as jupyter-server-proxy
does; `jupyter_proxy_prefix` is the prefix under which a JupyterHub (Binder) user's
jupyter-server-proxy forwards a loopback port unchanged (`…/proxy/absolute/PORT`).

Access logs name the method, the path (never the query string) and the status.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from ..errors import InvalidSetting

__all__ = ["AccessLog", "BackgroundServer", "jupyter_proxy_prefix", "mount", "normalize_prefix",
           "start"]

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
access = logging.getLogger("mfalab.web.access")


class AccessLog(WSGIRequestHandler):
    """Werkzeug's request handler, logging `METHOD /path STATUS` to `mfalab.web.access`."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        path = self.path.split("?", 1)[0]
        access.info("%s %s %s", self.command, path, code)

    def log(self, type: str, message: str, *args: Any) -> None:
        # Werkzeug's own messages (errors while serving) go to the same logger, quietly.
        access.debug("%s: %s", type, message % args if args else message)


def normalize_prefix(prefix: str) -> str:
    """A path prefix as SCRIPT_NAME wants it: '' or '/like/this' (no trailing slash)."""
    if not isinstance(prefix, str) or any(c in prefix for c in "?#\\ \t\r\n"):
        raise InvalidSetting("A path prefix is a plain path, like /user/alice/mfalab-web.")
    stripped = prefix.strip("/")
    return f"/{stripped}" if stripped else ""


def mount(app: WSGIApp, prefix: str) -> WSGIApp:
    """`app` under `prefix`: /prefix/login reaches the app's /login; anything else is 404."""
    prefix = normalize_prefix(prefix)
    if not prefix:
        return app
    mounted: WSGIApp = DispatcherMiddleware(NotFound(), {prefix: app})
    return mounted


def jupyter_proxy_prefix(port: int) -> str:
    """On a JupyterHub (Binder) with jupyter-server-proxy: the path forwarding `port`
    unchanged; elsewhere '' (the app is opened on localhost directly)."""
    hub = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "")
    return normalize_prefix(f"{hub}proxy/absolute/{port}") if hub else ""


@dataclass
class BackgroundServer:
    """A running server: `url` for HTTP clients on this machine, `link` for a person."""

    port: int
    prefix: str
    _server: BaseWSGIServer = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    @property
    def url(self) -> str:
        """The app's address on this machine, e.g. http://127.0.0.1:PORT/ ."""
        return f"http://127.0.0.1:{self.port}{self.prefix}/"

    @property
    def link(self) -> str:
        """Where a browser opens the app: through the Jupyter proxy when there is one,
        else http://localhost:PORT/ (a secure context, so `Secure` cookies work)."""
        if os.environ.get("JUPYTERHUB_SERVICE_PREFIX") and self.prefix:
            return f"{self.prefix}/"
        return f"http://localhost:{self.port}{self.prefix}/"

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def stop(self) -> None:
        """Stop serving and close the socket (idempotent)."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=10)
        self._server.server_close()

    def __enter__(self) -> BackgroundServer:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"BackgroundServer(loopback, {state})"


def start(app: WSGIApp, *, port: int = 0,
          prefix: str | Callable[[int], str] = "") -> BackgroundServer:
    """Serve `app` on 127.0.0.1 from a daemon thread (one thread per request).

    `port` 0 lets the system pick a free one. `prefix` is a path prefix, or a function of
    the port that gives one (like `jupyter_proxy_prefix`).
    """
    target: dict[str, WSGIApp] = {}

    def dispatch(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        return target["app"](environ, start_response)

    server = make_server("127.0.0.1", port, dispatch, threaded=True,
                         request_handler=AccessLog)
    chosen = normalize_prefix(prefix(server.port) if callable(prefix) else prefix)
    target["app"] = mount(app, chosen)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              name=f"mfalab-web-{server.port}", daemon=True)
    thread.start()
    return BackgroundServer(server.port, chosen, server, thread)
