"""What every view shares: the service, the cookie's handle, and pages with a sentence.

A refusal is the service's own sentence (`str(error)`), shown on the page it came from
with the status it deserves: 429 and `Retry-After` for the throttle's lock (RFC 6585 §4),
400 for the rest. Logs name the refusal and the path, never what was typed (OWASP
Logging Cheat Sheet: no passwords, codes, secrets or session tokens; not even the
username of a failed login, which is sometimes a password typed in the wrong box).
"""

from __future__ import annotations

import logging
import math
from typing import Any, cast

from flask import Blueprint, current_app, render_template, request, session, url_for
from flask.wrappers import Response

from ..errors import AuthError, SessionExpired, TooManyAttempts
from ..models import Session
from ..service import AuthService
from .handles import Handle
from .safety import safe_path

__all__ = ["NOTICES", "auth", "blueprint", "current_session", "field", "handle", "next_args",
           "next_path", "path", "refused", "show", "signed_in"]

log = logging.getLogger("mfalab.web")
blueprint = Blueprint("web", __name__)  # the views of `steps` and `account`

# Notices a redirect may ask for by name (never free text from the address bar).
NOTICES = {
    "registered": "Account created. Now set up your second factor: type your password again.",
    "enrolled": "Your second factor is on. Log in with your password, then a code.",
    "signed-out": "You are signed out. Your session has ended on the server too.",
    "password-changed": "Password changed. Every other session of this account was signed out.",
    "passkey-removed": "Passkey removed: it no longer signs in to this account.",
    "recovery-code": ("You signed in with a recovery code, which is now used up. Generate a "
                      "new set below if you are running low."),
}


def auth() -> AuthService:
    """The service this app was created with."""
    return cast(AuthService, current_app.extensions["mfalab.auth"])


def handle() -> Handle:
    """This visitor's cookie (see `handles`)."""
    return cast(Handle, session._get_current_object())  # type: ignore[attr-defined]


def path() -> str:
    """The request's path, for logs: never its query string or body."""
    return request.path


def field(name: str) -> str:
    """A form field as typed (the service normalizes and judges it), or ''."""
    value = request.form.get(name, "")
    return value if isinstance(value, str) else ""


def signed_in() -> Session:
    """The live session behind the cookie; `SessionExpired` (with its reason) if none."""
    return auth().session(handle().handle)


def current_session() -> Session | None:
    """The live session behind the cookie, or None."""
    try:
        return signed_in()
    except SessionExpired:
        return None


def next_path() -> str:
    """Where to go after a login: the `next` path if it is one of this app's, else /account."""
    return safe_path(request.values.get("next"), request.script_root or "/",
                     url_for("web.account"))


def next_args() -> dict[str, Any]:
    """`next` for a redirect's query string, when it is not the account page anyway."""
    target = next_path()
    return {} if target == url_for("web.account") else {"next": target}


def show(template: str, status: int = 200, headers: dict[str, str] | None = None, /,
         **context: object) -> Response:
    """Render `template`; a `notice` named in the query string is looked up in NOTICES."""
    context.setdefault("notice", NOTICES.get(request.args.get("notice", "")))
    response = current_app.make_response((render_template(template, **context), status))
    response.headers.update(headers or {})
    return response


def refused(template: str, error: AuthError, **context: object) -> Response:
    """The page again, with the service's sentence; 429 and Retry-After while locked."""
    log.info("refused %s on %s (%s)", type(error).__name__, path(),
             error.check.value if error.check is not None else "-")
    if isinstance(error, TooManyAttempts):
        wait = str(max(1, math.ceil(error.retry_after)))
        return show(template, 429, {"Retry-After": wait}, error=str(error), **context)
    return show(template, 400, error=str(error), **context)
