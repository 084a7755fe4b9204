"""`python -m mfalab web`: serve the web login on this machine and print the URL to open.

The accounts live in a SQLite file in the per-user data folder (`platformdirs`, e.g.
~/.local/share/mfalab/web.db, its seed key beside it as web.key) unless `--db` (or else
the `MFALAB_DATABASE_URL` environment variable) names another file or a `postgresql://`
URL. The app listens on 127.0.0.1 by default; on a
loopback host the passkey settings default to RP ID `localhost` and origin
`http://localhost:PORT` (an IP address cannot be an RP ID), and the URL printed is
http://localhost:PORT/, a secure context in browsers, so the `Secure` cookie works
without TLS. Any other host needs HTTPS in front (a reverse proxy), or browsers drop the
cookie. `--prefix` serves under a path prefix, as jupyter-server-proxy needs.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server

from ..errors import AuthError
from ..service import AuthService
from ..store import UserStore
from .app import create_app
from .background import AccessLog, mount, normalize_prefix

__all__ = ["DATABASE_VAR", "add_parser", "database_location", "default_database", "run"]

DEFAULT_PORT = 5000
DATABASE_VAR = "MFALAB_DATABASE_URL"


def default_database() -> Path:
    """web.db in the per-user data folder (created, private to the user)."""
    from platformdirs import user_data_path

    folder = user_data_path("mfalab", appauthor=False)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder / "web.db"


def database_location(db: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The database to serve: `--db`, else `MFALAB_DATABASE_URL`, else `default_database()`."""
    env = os.environ if environ is None else environ
    return db or env.get(DATABASE_VAR) or str(default_database())


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `web` subcommand to the `mfalab` command line."""
    web = commands.add_parser("web", help="serve the web login (Flask) on this machine",
                              description=__doc__,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    web.add_argument("--db", metavar="PATH_OR_URL",
                     help="the accounts' database: a SQLite file or a postgresql:// URL "
                          f"(default: ${DATABASE_VAR}, else web.db in your data folder)")
    web.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    web.add_argument("--port", type=int, default=DEFAULT_PORT,
                     help=f"port to listen on ({DEFAULT_PORT}; 0 picks a free one)")
    web.add_argument("--prefix", default="", help="serve under this path prefix (a proxy's)")
    web.add_argument("--rp-id", help="passkeys: the relying party ID (default: localhost)")
    web.add_argument("--origin", action="append",
                     help="passkeys: an allowed origin (default: http://localhost:PORT)")


def _service(store: UserStore, rp_id: str, origins: tuple[str, ...]) -> AuthService:
    """The service, with the passkey settings (`InvalidSetting` for an IP as RP ID, an origin
    not on it, …)."""
    return AuthService(store, rp_id=rp_id, origins=origins)


def run(args: argparse.Namespace, say: Callable[[str], object] | None = None) -> int:
    """Serve until interrupted; return an exit status. `say` prints (flushed) by default."""
    if say is None:
        def say(text: str) -> None:
            print(text, flush=True)
    try:
        prefix = normalize_prefix(args.prefix)
        location = database_location(args.db)
        store = UserStore(location)
    except AuthError as refused:
        say(f"✗ {refused}")
        return 1
    try:
        server = make_server(args.host, args.port, _not_ready, threaded=True,
                             request_handler=AccessLog)
    except (OSError, SystemExit):  # werkzeug exits when the port is taken
        store.close()
        say(f"✗ Cannot listen on {args.host}:{args.port}: is another server there? "
            "Try another --port (0 picks a free one).")
        return 1
    port = server.port
    origins = tuple(args.origin or (f"http://localhost:{port}",))
    try:
        service = _service(store, args.rp_id or "localhost", origins)
    except AuthError as refused:  # an IP address as RP ID, an origin not on it, …
        server.server_close()
        store.close()
        say(f"✗ {refused}")
        return 1
    server.app = mount(create_app(service), prefix)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s",
                        stream=sys.stderr)
    host = "localhost" if _is_loopback(args.host) else args.host
    shown = location.split("://", 1)[0] + "://…" if "://" in location else location
    say(f"MFA Lab web login: open http://{host}:{port}{prefix}/")
    say(f"Accounts are kept in {shown}. Press Ctrl+C to stop.")
    if not _is_loopback(args.host):
        say("Not a loopback address: browsers keep the Secure cookie only over HTTPS, "
            "so put a TLS proxy in front.")
    try:
        server.serve_forever()  # until Ctrl+C (werkzeug ends it quietly and closes the socket)
    finally:
        store.close()
    say("Stopped.")
    return 0


def _not_ready(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"Starting up.\n"]
