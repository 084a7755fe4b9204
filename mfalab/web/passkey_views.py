"""Passkeys on the web: JSON for the browser's WebAuthn API (removing one is a form, in
`account`).

The page's script (`static/passkeys.js`, served by this app: no CDN) asks for options,
hands them to `navigator.credentials.create()` or `.get()` — the browser writes the
page's origin into what the authenticator signs — and posts the answer back. Every check
is the service's (`AuthService.finish_passkey_registration`, `.verify_passkey`: W3C
WebAuthn Level 3 §7.1, §7.2); the RP ID and origins are the service's settings, never
this request's Host header. JSON POSTs carry the CSRF token in `X-CSRFToken` (Flask-WTF).
A refusal is `{"error": sentence}` with the status a page would get; after a passkey
login the cookie takes the session token, as after a code (a new value at every step).
"""

from __future__ import annotations

import math

from flask import jsonify, request
from flask.wrappers import Response

from ..errors import (
    AuthError,
    ChallengeExpired,
    InvalidChallenge,
    SessionExpired,
    TooManyAttempts,
)
from .pages import auth, blueprint, handle, log, next_path, path, signed_in

__all__ = ["add_passkey", "passkey_login", "passkey_login_options", "passkey_options"]


def _refusal(error: AuthError) -> Response:
    """The service's sentence as JSON: 401 when signed out, 429 while locked, else 400."""
    log.info("refused %s on %s (%s)", type(error).__name__, path(),
             error.check.value if error.check is not None else "-")
    response = jsonify(error=str(error))
    response.status_code = 400
    if isinstance(error, (SessionExpired, InvalidChallenge, ChallengeExpired)):
        response.status_code = 401
    if isinstance(error, TooManyAttempts):
        response.status_code = 429
        response.headers["Retry-After"] = str(max(1, math.ceil(error.retry_after)))
    return response


def _answer() -> str:
    """The browser's JSON as text (the service parses it, bounded in size)."""
    return request.get_data(cache=False, as_text=True)


@blueprint.post("/account/passkeys/options")
def passkey_options() -> Response:
    """Creation options for a new passkey (needs a login from the last 5 minutes)."""
    try:
        return jsonify(auth().begin_passkey_registration(signed_in()))
    except AuthError as error:
        return _refusal(error)


@blueprint.post("/account/passkeys")
def add_passkey() -> Response:
    """Register the passkey in the browser's answer to those options."""
    try:
        added = auth().finish_passkey_registration(signed_in(), _answer())
    except AuthError as error:
        return _refusal(error)
    return jsonify(message="Passkey added. Next time, sign in with it after your password.",
                   credential_id=added.credential_id)


@blueprint.post("/login/passkey/options")
def passkey_login_options() -> Response:
    """Request options for this login's passkey (after the password step)."""
    try:
        return jsonify(auth().begin_passkey_login(auth().challenge(handle().handle)))
    except AuthError as error:
        return _refusal(error)


@blueprint.post("/login/passkey")
def passkey_login() -> Response:
    """Check the passkey's answer; signed in: the cookie takes the session's token."""
    try:
        challenge = auth().challenge(handle().handle)
        session = auth().verify_passkey(challenge, _answer())
    except AuthError as error:
        return _refusal(error)
    handle().rotate(session.token)
    return jsonify(redirect=next_path())
