"""The web's own defenses that are not about the cookie: response headers and redirects.

- OWASP Secure Headers Project and ASVS 5.0 V3.4: a Content Security Policy allowing only
  this site (`default-src 'self'`) and no framing (`frame-ancestors 'none'`: no
  clickjacking of the login form), `X-Content-Type-Options: nosniff`, a `Referrer-Policy`
  that sends the address only to this site, `Cross-Origin-Opener-Policy: same-origin`.
- ASVS 5.0 V3.4 / V14 and OWASP Session Management: `Cache-Control: no-store` on every page
  of the app, so no browser or proxy cache keeps a QR code, a secret or recovery codes.
- OWASP Unvalidated Redirects Cheat Sheet (ASVS 5.0 V3.7.2): after a login, the app goes
  only to a path of this site; anything else (another host, `//host`, `/\\host`, a scheme)
  falls back to the account page.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import request
from flask.wrappers import Response

__all__ = ["HEADERS", "add_headers", "safe_path"]

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers older than CSP level 2
}
_PATH = re.compile(r"/[A-Za-z0-9/_.~%-]*")  # a plain absolute path: no host, query or tricks


def add_headers(response: Response) -> Response:
    """Every response gets the security headers; every page (not the stylesheet) no-store."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
    if request.is_secure:  # only meaningful over HTTPS (RFC 6797 §7.2)
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def safe_path(target: object, root: str, default: str) -> str:
    """`target` when it is a path of this app (under `root`, the app's prefix), else `default`.

    Accepts only a plain absolute path: no scheme, no host, no `//` or backslash, no
    control characters, no `..` segment, at most 512 characters.
    """
    if not isinstance(target, str) or not 0 < len(target) <= 512 or \
            _PATH.fullmatch(target) is None:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//") or \
            ".." in target.split("/"):
        return default
    prefix = root.rstrip("/") + "/"
    return target if target.startswith(prefix) else default
