"""A phishing relay, for tests and lesson 08 only: another origin that forwards everything.

`relay_app(target)` is a WSGI app that passes each request — method, path, query, body,
cookies, headers — to the real site at `target` and hands back its answer unchanged (a
reverse proxy, which is all a real-time phishing kit is). Served on another loopback
origin (`http://evil.localhost:PORT`), it shows both outcomes in a real browser: a code
typed into it works for the attacker (NIST SP 800-63B-4 §3.2.5: manual OTPs are not
phishing-resistant), and a passkey does not, because the browser writes *this* origin
into what the passkey signs, and the real site refuses it (W3C WebAuthn Level 3 §7.2).
Never started by the app itself.
"""

from __future__ import annotations

import http.client
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from ..errors import InvalidSetting

__all__ = ["relay_app"]

_HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate",
                         "proxy-authorization", "te", "trailers", "transfer-encoding",
                         "upgrade", "host", "content-length"})
_MAX_BODY = 64 * 1024


def relay_app(target: str) -> Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]:
    """A WSGI app forwarding every request to `target` (`http://127.0.0.1:PORT`, loopback)."""
    parts = urlsplit(target)
    if parts.scheme != "http" or parts.hostname not in ("127.0.0.1", "localhost"):
        raise InvalidSetting("The relay forwards to a site on this machine, like "
                             "'http://127.0.0.1:5000'.")
    host, port = parts.hostname, parts.port or 80

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        length = min(int(environ.get("CONTENT_LENGTH") or 0), _MAX_BODY)
        body = environ["wsgi.input"].read(length) if length else None
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "/")
        if environ.get("QUERY_STRING"):
            path += "?" + environ["QUERY_STRING"]
        headers = {key[5:].replace("_", "-").title(): str(value)
                   for key, value in environ.items()
                   if key.startswith("HTTP_") and key[5:].replace("_", "-").lower()
                   not in _HOP_BY_HOP}
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        connection = http.client.HTTPConnection(host, port, timeout=30)
        try:
            connection.request(environ["REQUEST_METHOD"], path, body=body, headers=headers)
            answer = connection.getresponse()
            data = answer.read()
            kept = [(name, value) for name, value in answer.getheaders()
                    if name.lower() not in _HOP_BY_HOP]
            start_response(f"{answer.status} {answer.reason}", kept)
        finally:
            connection.close()
        return [data]

    return app
