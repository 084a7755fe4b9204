"""The web login for a production WSGI server with several worker processes (gunicorn).

    MFALAB_DATABASE_URL=postgresql://mfalab@db/mfalab MFALAB_KEY=… \\
        gunicorn --workers 4 --bind 127.0.0.1:8000 'mfalab.web.wsgi:app'

(`pip install 'mfalab[server]'` installs the web app, psycopg and gunicorn.)

Every worker builds its own app and store (its own database connections) from the
environment. Whatever a login depends on lives in the database, so any worker can answer
any request: challenges and sessions (the cookie holds only their opaque tokens), the
per-account throttle and the used time steps (NIST SP 800-63B-4 §3.2.2, RFC 6238 §5.2).
Two things would otherwise stay inside one process, and are set here:

- the key that signs forms (CSRF tokens): every worker derives the same one from
  `MFALAB_KEY` (HKDF-SHA256, its own label), or reads `MFALAB_FORM_KEY`; a key per
  worker would refuse every form that another worker drew;
- the per-address limit (Flask-Limiter) counts in each worker's memory unless
  `MFALAB_LIMITER_STORAGE` names a shared storage, e.g. `redis://cache:6379` (OWASP
  Authentication Cheat Sheet, "Protect against automated attacks"): with `memory://`,
  four workers let one address make four times the limit. The per-account throttle does
  not depend on it: it is in the database.

Behind a reverse proxy that terminates HTTPS, set `MFALAB_TRUSTED_PROXIES` to the number
of proxies in front (werkzeug's `ProxyFix`), so that the per-address limit sees the
client's address, not the proxy's. Never set it without a proxy: a client could then
choose its own address.

Passkeys need the site's name, never taken from a request (WebAuthn Level 3 §5.1.3, §7.2):
`MFALAB_RP_ID` (the domain, e.g. `login.example.org`; default `localhost`) and
`MFALAB_ORIGINS` (the origins the pages are served from, separated by spaces, e.g.
`https://login.example.org`; default `http://localhost:8000`, gunicorn's own address).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask
from limits.errors import ConfigurationError
from werkzeug.middleware.proxy_fix import ProxyFix

from ..errors import AuthError, InvalidSetting, KeyProblem
from ..keys import ENV_VAR, decode_key
from ..service import AuthService
from ..store import UserStore
from .app import create_app
from .cli import database_location

__all__ = ["FORM_KEY_VAR", "LIMITER_VAR", "ORIGINS_VAR", "PROXIES_VAR", "RP_ID_VAR",
           "create_app_from_environment", "form_key"]

FORM_KEY_VAR = "MFALAB_FORM_KEY"
LIMITER_VAR = "MFALAB_LIMITER_STORAGE"
PROXIES_VAR = "MFALAB_TRUSTED_PROXIES"
RP_ID_VAR = "MFALAB_RP_ID"
ORIGINS_VAR = "MFALAB_ORIGINS"


def form_key(environ: Mapping[str, str]) -> bytes:
    """The key that signs forms, the same in every worker: `MFALAB_FORM_KEY`, or one
    derived from `MFALAB_KEY` (HKDF, so it reveals nothing about the seed key)."""
    if environ.get(FORM_KEY_VAR):
        return decode_key(environ[FORM_KEY_VAR], FORM_KEY_VAR)
    if not environ.get(ENV_VAR):
        raise KeyProblem(
            f"Several workers must sign forms with one key: set {ENV_VAR} (the seed key, "
            f"from your secret store; the form key is derived from it) or {FORM_KEY_VAR}."
        )
    seed_key = decode_key(environ[ENV_VAR], ENV_VAR)
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"mfalab web: form signing").derive(seed_key)


def create_app_from_environment(environ: Mapping[str, str] | None = None) -> Flask:
    """The app as configured by the environment (see the module's docstring)."""
    env = os.environ if environ is None else environ
    proxies = env.get(PROXIES_VAR, "0").strip()
    if not proxies.isascii() or not proxies.isdigit() or int(proxies) > 5:
        raise InvalidSetting(f"{PROXIES_VAR} is the number of proxies in front, 0 to 5.")
    secret = form_key(env)
    origins = tuple((env.get(ORIGINS_VAR) or "http://localhost:8000").replace(",", " ").split())
    store = UserStore(database_location(None, env))
    try:
        service = AuthService(store, rp_id=env.get(RP_ID_VAR) or "localhost", origins=origins)
        flask_app = create_app(service, secret_key=secret,
                               limiter_storage=env.get(LIMITER_VAR) or "memory://")
    except AuthError:
        store.close()
        raise
    except ConfigurationError as refused:
        store.close()
        raise InvalidSetting(
            f"{LIMITER_VAR} is not a storage Flask-Limiter can use ({refused}): for example "
            "memory:// (each worker alone) or redis://host:6379 (shared)."
        ) from None
    if int(proxies):
        count = int(proxies)
        flask_app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            flask_app.wsgi_app, x_for=count, x_proto=count)
    return flask_app


_built: dict[str, Flask] = {}


def __getattr__(name: str) -> Any:
    """`app`, built on first use (so importing this module opens nothing)."""
    if name != "app":
        raise AttributeError(name)
    if "app" not in _built:
        _built["app"] = create_app_from_environment()
    return _built["app"]
