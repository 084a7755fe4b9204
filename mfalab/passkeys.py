"""Passkeys: the relying party's rules for WebAuthn, on top of `webauthn` (py_webauthn).

W3C Web Authentication Level 3 (§7.1 registering a credential, §7.2 verifying an
assertion) and NIST SP 800-63B-4 §3.1.7 (multi-factor cryptographic authenticators) and
§2.2.2 (an AAL2 verifier SHALL offer a phishing-resistant option). This module holds the
checks; `passkey_flows` runs them against the store.

- The RP ID and the accepted origins are configured (`check_rp_id`, `check_origins`),
  never taken from a request: an IP address cannot be an RP ID, and plain `http` is only
  a secure context on `localhost`.
- The origin in `clientDataJSON` and the SHA-256 of the RP ID in `authenticatorData` are
  both covered by the authenticator's signature: a phishing page on another origin gets
  an answer that names *its* origin (refused), or no answer at all.
- User verification is required (§2.2.2, §3.1.7: the passkey is then something you have
  and something you are or know).
- Every refusal is a `PasskeyRefused` whose `reason` names the rule.
"""

from __future__ import annotations

import binascii
import hashlib
import ipaddress
import json
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.authentication.verify_authentication_response import VerifiedAuthentication
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    options_to_json_dict,
    parse_authenticator_data,
    parse_client_data_json,
)
from webauthn.helpers.cose import COSEAlgorithmIdentifier
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)
from webauthn.registration.verify_registration_response import VerifiedRegistration

from .errors import InvalidSetting, PasskeyRefused

__all__ = [
    "ALGORITHMS",
    "CHALLENGE_SECONDS",
    "MAX_CREDENTIAL_CHARS",
    "MAX_PASSKEYS",
    "check_origins",
    "check_rp_id",
    "counter_regressed",
    "creation_options",
    "credential_id_of",
    "credential_id_text",
    "parse_credential",
    "request_options",
    "sent_challenge",
    "verify_assertion",
    "verify_attestation",
]

CHALLENGE_SECONDS = 5 * 60  # each WebAuthn challenge: single use, this long
MAX_PASSKEYS = 10  # per account: several (a spare), but bounded
MAX_CREDENTIAL_CHARS = 64 * 1024  # a browser's JSON is a few kB even with attestation
ALGORITHMS = [COSEAlgorithmIdentifier.ECDSA_SHA_256, COSEAlgorithmIdentifier.EDDSA,
              COSEAlgorithmIdentifier.RSASSA_PKCS1_v1_5_SHA_256]
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_TIMEOUT_MS = CHALLENGE_SECONDS * 1000


# -- settings ---------------------------------------------------------------------------


def check_rp_id(rp_id: object) -> str:
    """The RP ID if it is a domain name (WebAuthn §5.1.3: a valid domain string; an IP
    address is not one), else `InvalidSetting`."""
    if not isinstance(rp_id, str) or not rp_id or len(rp_id) > 253:
        raise InvalidSetting("The RP ID is a domain name, like 'localhost' or 'example.org'.")
    try:
        ipaddress.ip_address(rp_id.strip("[]"))
    except ValueError:
        pass
    else:
        raise InvalidSetting(
            f"{rp_id!r} is an IP address, and an IP address cannot be an RP ID: use a name "
            "such as 'localhost'."
        )
    if not all(_LABEL.fullmatch(label) for label in rp_id.split(".")):
        raise InvalidSetting(
            f"{rp_id!r} is not a domain name: lowercase letters, digits and hyphens between "
            "dots, with no scheme, port or path (like 'localhost')."
        )
    return rp_id


def _host_in_rp(host: str, rp_id: str) -> bool:
    return host == rp_id or host.endswith("." + rp_id)


def check_origins(origins: object, rp_id: str) -> tuple[str, ...]:
    """The accepted origins, each `scheme://host[:port]` on the RP ID or a subdomain of it
    (WebAuthn §5.1.3), `https` — or `http` on `localhost`, a secure context too."""
    if isinstance(origins, str) or not isinstance(origins, Sequence) or not origins:
        raise InvalidSetting(
            "origins is a list of the site's origins, like ('http://localhost:5000',)."
        )
    checked = []
    for origin in origins:
        parts = urlsplit(origin) if isinstance(origin, str) else None
        try:
            port = None if parts is None else parts.port
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in ("https", "http") or not parts.hostname or \
                origin != f"{parts.scheme}://{parts.hostname}{'' if port is None else f':{port}'}":
            raise InvalidSetting(
                f"{origin!r} is not an origin: scheme, host and optional port only, like "
                "'https://example.org' or 'http://localhost:5000' (no path, no trailing /)."
            )
        if not _host_in_rp(parts.hostname, rp_id):
            raise InvalidSetting(f"The origin {origin!r} is not on the RP ID {rp_id!r}.")
        if parts.scheme == "http" and not _host_in_rp(parts.hostname, "localhost"):
            raise InvalidSetting(
                f"{origin!r}: passkeys need a secure context, so https (plain http only on "
                "localhost)."
            )
        checked.append(origin)
    return tuple(checked)


# -- options --------------------------------------------------------------------------


def _plain(options: dict[str, Any]) -> dict[str, Any]:
    """Plain JSON values only (the library leaves enum members in), as a page would get."""
    plain: dict[str, Any] = json.loads(json.dumps(options))
    return plain


def _descriptors(credential_ids: Sequence[bytes]) -> list[PublicKeyCredentialDescriptor]:
    return [PublicKeyCredentialDescriptor(id=credential_id) for credential_id in credential_ids]


def creation_options(
    rp_id: str, rp_name: str, username: str, user_handle: bytes, challenge: bytes,
    existing: Sequence[bytes],
) -> dict[str, Any]:
    """JSON-ready options for `navigator.credentials.create()` (WebAuthn §5.4): user
    verification required, no attestation asked for, the account's passkeys excluded."""
    options = generate_registration_options(
        rp_id=rp_id, rp_name=rp_name, user_name=username, user_id=user_handle,
        challenge=challenge, timeout=_TIMEOUT_MS,
        attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=_descriptors(existing), supported_pub_key_algs=ALGORITHMS,
    )
    return _plain(options_to_json_dict(options))


def request_options(rp_id: str, challenge: bytes, allowed: Sequence[bytes]) -> dict[str, Any]:
    """JSON-ready options for `navigator.credentials.get()` (WebAuthn §5.5): the account's
    own passkeys only, user verification required."""
    options = generate_authentication_options(
        rp_id=rp_id, challenge=challenge, timeout=_TIMEOUT_MS,
        allow_credentials=_descriptors(allowed),
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return _plain(options_to_json_dict(options))


# -- reading a browser's answer ---------------------------------------------------------


def _malformed(what: str) -> PasskeyRefused:
    return PasskeyRefused(f"That is not a passkey answer a browser would send: {what}.",
                          "malformed")


def parse_credential(credential: object) -> dict[str, Any]:
    """The browser's JSON (text or a dict) as a dict, bounded in size, or `PasskeyRefused`."""
    if isinstance(credential, dict):
        try:
            text = json.dumps(credential)
        except (TypeError, ValueError):
            raise _malformed("it holds values that are not JSON") from None
    elif isinstance(credential, str):
        text = credential
    else:
        raise _malformed("give the JSON text or dict that the browser returned")
    if len(text) > MAX_CREDENTIAL_CHARS:
        raise _malformed("it is far too long")
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        raise _malformed("it is not JSON") from None
    if not isinstance(parsed, dict) or not isinstance(parsed.get("response"), dict):
        raise _malformed("it has no response")
    return parsed


def _b64(value: object, what: str) -> bytes:
    if not isinstance(value, str) or not value:
        raise _malformed(f"{what} is missing")
    try:
        return base64url_to_bytes(value)
    except (binascii.Error, ValueError):
        raise _malformed(f"{what} is not base64url") from None


def credential_id_of(credential: dict[str, Any]) -> bytes:
    """The credential ID (`rawId`) an answer names."""
    return _b64(credential.get("rawId"), "rawId")


def sent_challenge(credential: dict[str, Any]) -> bytes:
    """The challenge the browser wrote into `clientDataJSON` (checked by the caller against
    the issued ones, by hash)."""
    raw = _b64(credential["response"].get("clientDataJSON"), "clientDataJSON")
    try:
        return parse_client_data_json(raw).challenge
    except (WebAuthnException, binascii.Error, ValueError, TypeError, RecursionError):
        raise _malformed("clientDataJSON is not readable") from None


def _shown(text: str) -> str:
    return repr(text[:80])


def _check_origin_and_rp(credential: dict[str, Any], data_field: str, rp_id: str,
                         origins: Sequence[str]) -> None:
    """The checks a phishing page fails, made first so the refusal names them (WebAuthn
    §7.2): the origin the browser saw, and the RP ID the authenticator signed for."""
    response = credential["response"]
    try:
        client = parse_client_data_json(_b64(response.get("clientDataJSON"), "clientDataJSON"))
    except (WebAuthnException, binascii.Error, ValueError, TypeError, RecursionError):
        raise _malformed("clientDataJSON is not readable") from None
    if client.origin not in origins:
        raise PasskeyRefused(
            f"This passkey answer was made for the page at {_shown(str(client.origin))}, not "
            "for this site: the browser writes the page's origin into what the passkey "
            "signs. Was it a look-alike page?", "origin", _shown(str(client.origin)))
    if client.cross_origin:
        raise PasskeyRefused(
            "This passkey answer was made inside a frame on another site's page: this site "
            "is never framed (crossOrigin, WebAuthn §7.2).", "origin", "cross-origin frame")
    data = _b64(response.get(data_field), data_field)
    if data_field == "attestationObject":
        return  # the RP ID hash inside is checked by the library, below
    try:
        auth_data = parse_authenticator_data(data)
    except (WebAuthnException, ValueError, IndexError, TypeError):
        raise _malformed("authenticatorData is not readable") from None
    if auth_data.rp_id_hash != hashlib.sha256(rp_id.encode()).digest():
        raise PasskeyRefused(
            f"This passkey answer was signed for another RP ID, not {rp_id!r}.", "rp id")
    if not auth_data.flags.uv:
        raise PasskeyRefused(
            "The passkey did not verify you (no PIN, fingerprint or face): this site "
            "requires user verification.", "user verification")


def _reason_of(message: str) -> str:
    lowered = message.lower()
    for word, reason in (("rp id", "rp id"), ("origin", "origin"), ("verification",
                         "user verification"), ("signature", "signature"),
                         ("challenge", "challenge")):
        if word in lowered:
            return reason
    return "malformed"


def verify_attestation(
    credential: dict[str, Any], challenge: bytes, rp_id: str, origins: Sequence[str]
) -> VerifiedRegistration:
    """Verify a new passkey (WebAuthn §7.1); `PasskeyRefused` names the failed rule."""
    _check_origin_and_rp(credential, "attestationObject", rp_id, origins)
    try:
        return verify_registration_response(
            credential=credential, expected_challenge=challenge, expected_rp_id=rp_id,
            expected_origin=list(origins), require_user_verification=True,
            supported_pub_key_algs=ALGORITHMS,
        )
    except (WebAuthnException, binascii.Error, ValueError, TypeError, KeyError,
            IndexError) as refused:
        raise PasskeyRefused(
            f"This passkey cannot be registered: {refused}.", _reason_of(str(refused))
        ) from None


def verify_assertion(
    credential: dict[str, Any], challenge: bytes, rp_id: str, origins: Sequence[str],
    public_key: bytes,
) -> VerifiedAuthentication:
    """Verify a passkey's signature over `authenticatorData` and the hash of
    `clientDataJSON` (WebAuthn §7.2), with user verification required.

    The signature counter is left to `counter_regressed`, after the signature is known to
    be genuine (the library would refuse a regression before checking the signature, and
    a clone warning about a forged answer would be a false alarm).
    """
    _check_origin_and_rp(credential, "authenticatorData", rp_id, origins)
    try:
        return verify_authentication_response(
            credential=credential, expected_challenge=challenge, expected_rp_id=rp_id,
            expected_origin=list(origins), credential_public_key=public_key,
            credential_current_sign_count=0, require_user_verification=True,
        )
    except (WebAuthnException, binascii.Error, ValueError, TypeError, KeyError,
            IndexError) as refused:
        reason = _reason_of(str(refused))
        raise PasskeyRefused(
            "The passkey's signature does not check out: this answer was not signed by the "
            "registered passkey, or it was changed after signing.",
            "signature" if reason == "malformed" else reason, str(refused)[:80]) from None


def counter_regressed(stored: int, new: int) -> bool:
    """WebAuthn §7.2 (the signature counter) and §6.1.1: a counter that did not grow
    (when either is nonzero) signals a possibly cloned authenticator."""
    return (stored != 0 or new != 0) and new <= stored


def credential_id_text(credential_id: bytes) -> str:
    """A credential ID as the browser and the lists show it (base64url, no padding)."""
    return bytes_to_base64url(credential_id)
