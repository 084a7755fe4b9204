"""The one cookie: an opaque random handle, and the CSRF secret derived from it.

OWASP Session Management Cheat Sheet (cookie attributes, "renew the session ID after any
privilege level change") and ASVS 5.0 V7.2 (session tokens are random, server-side
references). The cookie `__Host-mfalab` holds one value and nothing else — never a
username or a flag the server would trust:

- before the password step, a random handle the server keeps nothing about (it only
  anchors the CSRF token of the forms);
- after the password step, the service's challenge token (`AuthService.challenge`);
- after the second factor, the service's session token (`AuthService.session`).

Every step that changes who the visitor is gives the cookie a new value (`rotate`), so a
value planted beforehand (session fixation) is worth nothing afterwards. The `__Host-`
prefix makes the browser refuse the cookie unless it is `Secure`, has `Path=/` and no
`Domain` (RFC 6265bis §4.1.3.2): no sibling site can set or overwrite it.

Flask-WTF keeps its CSRF secret in `flask.session`; here that secret is an HMAC of the
handle under the app's key, so no second cookie is needed and the CSRF token changes
whenever the handle does (OWASP CSRF Prevention Cheat Sheet, "signed double-submit
cookie").
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from flask import Flask, Request, g, request
from flask.sessions import SessionInterface, SessionMixin
from flask.wrappers import Response

from ..errors import InvalidInput

__all__ = ["COOKIE", "CSRF_KEY", "Handle", "HandleSessionInterface"]

COOKIE = "__Host-mfalab"
CSRF_KEY = "csrf_token"  # where Flask-WTF looks for its secret in the session
_SHAPE = re.compile(r"[A-Za-z0-9_-]{32,128}")  # what secrets.token_urlsafe(32) looks like


def _csrf_secret(key: bytes, handle: str) -> str:
    return hmac.new(key, b"csrf\x00" + handle.encode("ascii"), hashlib.sha256).hexdigest()


class Handle(dict[str, str], SessionMixin):
    """`flask.session` for this app: the cookie's handle, and nothing more.

    The only key is Flask-WTF's CSRF secret, derived from the handle; storing anything
    else is a mistake this class refuses loudly (it would be lost: nothing but the handle
    leaves the server).
    """

    def __init__(self, key: bytes, handle: str | None) -> None:
        super().__init__()
        self._key = key
        self.new = handle is None
        self.handle = ""
        self.rotate(handle)
        self.modified = self.new  # a new visitor gets a cookie; a returning one keeps it

    def rotate(self, handle: str | None = None) -> None:
        """Give the cookie a new value: `handle` (a token the service issued) or a random one."""
        self.handle = handle if handle is not None else secrets.token_urlsafe(32)
        dict.__setitem__(self, CSRF_KEY, _csrf_secret(self._key, self.handle))
        self.modified = True
        g.pop(CSRF_KEY, None)  # Flask-WTF caches the signed token per request: sign anew

    def __setitem__(self, key: str, value: str) -> None:
        raise InvalidInput(f"Only the handle lives in the cookie; {key!r} cannot be stored.")


class HandleSessionInterface(SessionInterface):
    """Reads and writes the `__Host-mfalab` cookie: `Secure`, `HttpOnly`, `SameSite=Lax`."""

    def open_session(self, app: Flask, request: Request) -> Handle:
        value = request.cookies.get(COOKIE)
        well_formed = value is not None and _SHAPE.fullmatch(value) is not None
        return Handle(self._key(app), value if well_formed else None)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if not isinstance(session, Handle) or not session.modified or \
                request.endpoint == "static":  # a stylesheet sets no cookie
            return
        response.vary.add("Cookie")
        # A session cookie (no Expires): the browser drops it on closing; the service's idle
        # and absolute timeouts bound it on the server whatever the browser does.
        response.set_cookie(COOKIE, session.handle, path="/", secure=True, httponly=True,
                            samesite="Lax")

    @staticmethod
    def _key(app: Flask) -> bytes:
        key = app.secret_key
        return key if isinstance(key, bytes) else str(key).encode("utf-8")
