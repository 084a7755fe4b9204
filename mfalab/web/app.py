"""`create_app(auth)`: the login as a small web app, on the same `AuthService`.

The pages call the service and show its answers; every security decision stays in the
service (DESIGN.md, "Layers"). What this layer adds is what only the web needs, each
with a test in `tests/web/`:

- the cookie (`handles`): `__Host-`, `Secure`, `HttpOnly`, `SameSite=Lax`, one opaque
  handle, a new value at every step;
- CSRF tokens on every POST (Flask-WTF's `CSRFProtect`; OWASP CSRF Prevention Cheat Sheet);
- response headers and same-site redirects (`safety`);
- a per-address rate limit (Flask-Limiter, OWASP Authentication Cheat Sheet, "Protect
  against automated attacks") on top of the service's per-account throttle, generous
  enough for a class behind one NAT;
- friendly error pages: no traceback, no debugger, nothing secret in logs (OWASP Logging
  Cheat Sheet: never passwords, codes, secrets or session tokens).
"""

from __future__ import annotations

import logging
import secrets
import time
import traceback
from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

from flask import Flask, render_template
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from ..errors import InvalidSetting
from ..service import AuthService

if TYPE_CHECKING:
    from flask.typing import RouteCallable
from . import account, pages, passkey_views, steps  # noqa: F401 (they add the views)
from .handles import HandleSessionInterface
from .safety import add_headers

__all__ = ["LIMITED", "RATE_LIMITS", "create_app"]

log = logging.getLogger("mfalab.web")

# Per client address: 60 password attempts a minute, and 60 codes, are plenty for a class
# behind one NAT and far too few for guessing (the per-account throttle bounds that too).
RATE_LIMITS = {"first_factor": "60 per minute", "second_factor": "60 per minute"}
# Which POSTs count against which limit: the steps that check a password, and those that
# check a code.
LIMITED = {
    "first_factor": ("web.register", "web.enroll", "web.login", "web.change_password"),
    "second_factor": ("web.confirm", "web.code", "web.passkey_login", "web.add_passkey"),
}


def create_app(
    auth: AuthService,
    *,
    secret_key: bytes | str | None = None,
    rate_limits: Mapping[str, str] | None = None,
    limiter_storage: str = "memory://",
) -> Flask:
    """The web app for `auth`: /register, /enroll, /login, /login/code, /account, /logout,
    and the passkey steps (`passkey_views`: JSON for the browser's WebAuthn API).

    `secret_key` signs CSRF tokens (a random one per app when None: a restart then only
    asks for a reload). `rate_limits` overrides `RATE_LIMITS`, the Flask-Limiter rates per
    client address of the password steps and of the code steps; `limiter_storage` is where
    the counts live (`memory://` per process; `redis://…` to share them between workers).
    Mount it under a path prefix with SCRIPT_NAME (a proxy, or werkzeug's
    `DispatcherMiddleware`): every link and redirect follows the prefix.
    """
    if not isinstance(auth, AuthService):
        raise InvalidSetting("create_app needs an AuthService, like AuthService(UserStore(...)).")
    unknown = set(rate_limits or {}) - set(RATE_LIMITS)
    if unknown:
        raise InvalidSetting(
            f"Rate limits are set for {sorted(RATE_LIMITS)}, not {sorted(unknown)}.")
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret_key if secret_key is not None else secrets.token_bytes(32),
        MAX_CONTENT_LENGTH=16 * 1024,  # a login form is small; anything bigger is refused
        WTF_CSRF_TIME_LIMIT=3600,
        TEMPLATES_AUTO_RELOAD=False,
    )
    app.extensions["mfalab.auth"] = auth
    app.session_interface = HandleSessionInterface()
    CSRFProtect(app)
    app.register_blueprint(pages.blueprint)  # with the views of `steps` and `account`

    # No X-RateLimit headers: Retry-After on a refusal says what a visitor needs.
    limiter = Limiter(get_remote_address, app=app, storage_uri=limiter_storage,
                      headers_enabled=False)
    limits = {**RATE_LIMITS, **(rate_limits or {})}
    for scope, endpoints in LIMITED.items():
        shared = limiter.shared_limit(limits[scope], scope=scope, methods=["POST"])
        for endpoint in endpoints:
            app.view_functions[endpoint] = cast("RouteCallable",
                                                shared(app.view_functions[endpoint]))
    app.extensions["mfalab.limiter"] = limiter

    app.after_request(add_headers)
    _error_pages(app, limiter)
    return app


def _error_pages(app: Flask, limiter: Limiter) -> None:
    """Every error is a page with a sentence (and the status it deserves), never a traceback."""

    @app.errorhandler(CSRFError)
    def csrf_refused(error: CSRFError) -> tuple[str, int]:
        log.info("refused a POST to %s: CSRF token missing or wrong", pages.path())
        return render_template(
            "error.html", title="This form has expired",
            error=("This form has expired or did not come from this site. Go back, reload "
                   "the page and try again."),
        ), 400

    @app.errorhandler(RateLimitExceeded)
    def too_many(error: RateLimitExceeded) -> tuple[str, int, dict[str, str]]:
        current = limiter.current_limit
        wait = max(1, int(current.reset_at - time.time())) if current else 60
        log.info("refused a POST to %s: per-address limit %s", pages.path(), error.limit.limit)
        page = render_template(
            "error.html", title="Too many attempts from your network",
            error=(f"Too many attempts from your network address: wait {wait} s before "
                   "trying again."),
        )
        return page, 429, {"Retry-After": str(wait)}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        return render_template("error.html", title=error.name,
                               error=error.description), error.code or 500

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[str, int]:
        # The type and where, not the text: an exception's text may quote what was typed.
        frames = [f for f in traceback.extract_tb(error.__traceback__)
                  if "mfalab" in f.filename] or traceback.extract_tb(error.__traceback__)
        where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
        log.error("unexpected %s at %s on %s", type(error).__name__, where, pages.path())
        return render_template(
            "error.html", title="Something went wrong",
            error="Something went wrong on our side. Please try again.",
        ), 500
