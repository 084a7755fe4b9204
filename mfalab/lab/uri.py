"""An otpauth:// URI read field by field, as an authenticator app reads it (lesson 02).

The URI follows Google's Key URI Format, which `otp.provisioning_uri` implements: the
label `issuer:account`, the secret in base32 (RFC 4648 §6), and the settings of RFC 6238
§1.2 and §4 (algorithm, digits, period), which apps assume when they are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlparse

from ..errors import InvalidURI

__all__ = ["DEFAULTS", "UriField", "uri_fields"]

_MAX_URI = 2048
_MEANINGS = dict(
    (
        ("scheme", "always otpauth: phones hand such links to an authenticator"),
        ("type", "totp: time-based (hotp would be counter-based)"),
        ("label: issuer", "before the ':' in the label"),
        ("label: account", "after the ':', the account at that issuer"),
        ("secret", "the shared secret, base32 (RFC 4648 §6): whoever reads it can make codes"),
        ("issuer", "who the account is with; apps show it and use it to tell accounts apart"),
        ("algorithm", "the HMAC hash (RFC 6238 §1.2)"),
        ("digits", "how long a code is (RFC 4226 §5.3)"),
        ("period", "seconds per code, the X of RFC 6238 §4.1"),
    )
)
#: What an app assumes for a setting the URI leaves out (Key URI Format; RFC 6238 §4.1).
DEFAULTS = {"algorithm": "SHA1", "digits": "6", "period": "30"}


@dataclass(frozen=True)
class UriField:
    """One field of an otpauth URI: its name, its value, what it means, and whether the
    URI left it out (then `value` is the default an app assumes)."""

    name: str
    value: str
    meaning: str
    left_out: bool = False


def uri_fields(uri: str) -> list[UriField]:
    """The fields of an otpauth:// URI in the order an app reads them.

    Settings left out (algorithm, digits, period) come back with `left_out=True` and the
    default an app assumes. Raises `InvalidURI` for text that is not an otpauth URI.

    >>> [f.value for f in uri_fields("otpauth://totp/Lab:bob?secret=ABC&issuer=Lab")][:4]
    ['otpauth', 'totp', 'Lab', 'bob']
    """
    if not isinstance(uri, str) or len(uri) > _MAX_URI or not uri.startswith("otpauth://"):
        raise InvalidURI("That is not an otpauth:// URI, like the one inside a QR code.")
    parsed = urlparse(uri)
    label = unquote(parsed.path.lstrip("/"))
    issuer_part, _, account = label.partition(":")
    params = dict(parse_qsl(parsed.query))
    fields = [
        UriField("scheme", parsed.scheme, _MEANINGS["scheme"]),
        UriField("type", parsed.netloc, _MEANINGS["type"]),
        UriField("label: issuer", issuer_part, _MEANINGS["label: issuer"]),
        UriField("label: account", account, _MEANINGS["label: account"]),
    ]
    for name in ("secret", "issuer", "algorithm", "digits", "period"):
        if name in params:
            fields.append(UriField(name, params[name], _MEANINGS[name]))
        else:
            fields.append(UriField(name, DEFAULTS.get(name, ""), _MEANINGS[name], True))
    return fields
