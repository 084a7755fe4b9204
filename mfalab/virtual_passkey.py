"""VirtualPasskey: a software authenticator and the browser in front of it, for lessons.

It answers WebAuthn creation and request options the way a browser plus a platform
authenticator would (W3C Web Authentication Level 3 §5.1.3 / §5.1.4 for the browser's
part, §6.1 and §6.3 for the authenticator's): EC P-256 keys (COSE ES256) made with
`cryptography`, `none` attestation, the user-present and user-verified flags set, and a
signature counter. The browser's part is what defeats phishing: it writes the page's
origin into `clientDataJSON`, and lets a page ask only for an RP ID that is its own host
or a registrable parent domain of it (so `evil.localhost` may not ask for `localhost`'s
passkeys, as Chromium refuses too: a single label is no registrable domain); the
authenticator signs the SHA-256 of that RP ID, and holds each passkey for one RP ID only.
So a phishing page is simply the same key asked from another origin:
`key.get(options, origin="http://evil.localhost:5001")` is refused by the browser, and
`key.get(options, origin="http://localhost:5001")` (the site's host, another port) gets an
answer that names its own origin, which the site refuses.

A fixed `seed` makes keys, credential IDs and (deterministic, RFC 6979) signatures the
same on every run, for lessons whose outputs are checked. Never a real authenticator.
"""

from __future__ import annotations

import copy
import hashlib
import json
import secrets
import struct
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url, encode_cbor

from .errors import InvalidSetting, PasskeyUnavailable

__all__ = ["StoredPasskey", "VirtualPasskey"]

_UP, _UV, _BE, _BS, _AT = 0x01, 0x04, 0x08, 0x10, 0x40  # authenticator data flags (§6.1)
_ES256 = -7
_P256_ORDER = int("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16)
_AAGUID = bytes(16)  # "none" attestation: an all-zero AAGUID (§6.5.1)


@dataclass
class StoredPasskey:
    """One passkey inside the authenticator: its RP ID, ID, private key and counter."""

    rp_id: str
    credential_id: bytes
    private_key: ec.EllipticCurvePrivateKey
    user_handle: bytes
    user_name: str
    sign_count: int = 0

    def __repr__(self) -> str:
        return (f"StoredPasskey(rp_id={self.rp_id!r}, user_name={self.user_name!r}, "
                f"sign_count={self.sign_count})")


def _b64(data: bytes) -> str:
    return bytes_to_base64url(data)


def _field(options: dict[str, Any], *path: str) -> Any:
    value: Any = options
    for key in path:
        if not isinstance(value, dict) or key not in value:
            raise PasskeyUnavailable(f"These options have no {'.'.join(path)}: the browser "
                                     "would refuse them (TypeError).")
        value = value[key]
    return value


def _options(options: object) -> dict[str, Any]:
    if isinstance(options, str):
        try:
            options = json.loads(options)
        except ValueError:
            raise PasskeyUnavailable("These options are not JSON.") from None
    if not isinstance(options, dict):
        raise PasskeyUnavailable("Give the options the site sent (a dict, or its JSON text).")
    return options


def _check_origin(origin: object) -> tuple[str, str]:
    """(origin, host) of a page that may use WebAuthn: a secure context (§5.1.3)."""
    parts = urlsplit(origin) if isinstance(origin, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidSetting("An origin is like 'http://localhost:5000' or 'https://example.org'.")
    host = parts.hostname
    if parts.scheme == "http" and host != "localhost" and not host.endswith(".localhost"):
        raise PasskeyUnavailable(f"{origin!r} is not a secure context: no passkeys on plain http.")
    return str(origin), host


class VirtualPasskey:
    """A simulated browser + authenticator with passkeys: `create(options)`, `get(options)`.

    `origin` is the page the browser is on (override it per call to play a phishing
    page). `user_verification=False` plays an authenticator without a PIN or biometric;
    `counter=False` one that always reports 0 (many synced passkeys do); `synced=True`
    sets the backup flags (a multi-device passkey).

    >>> key = VirtualPasskey(seed=b"lesson 08")
    >>> key
    VirtualPasskey(origin='http://localhost:5000', passkeys=0)
    """

    def __init__(
        self, origin: str = "http://localhost:5000", *, seed: bytes | None = None,
        user_verification: bool = True, counter: bool = True, synced: bool = False,
    ) -> None:
        self.origin, _ = _check_origin(origin)
        if seed is not None and not isinstance(seed, bytes):
            raise InvalidSetting("The seed is bytes, like b'lesson 08' (or None: random keys).")
        self._seed = seed
        self.user_verification = bool(user_verification)
        self.counter = bool(counter)
        self.synced = bool(synced)
        self.passkeys: list[StoredPasskey] = []
        self._made = 0

    def __repr__(self) -> str:
        return f"VirtualPasskey(origin={self.origin!r}, passkeys={len(self.passkeys)})"

    def clone(self) -> VirtualPasskey:
        """A copy with the same private keys and counters: what malware that copied the
        keys would hold (a server sees it when the counters diverge)."""
        twin = copy.copy(self)
        twin.passkeys = [copy.copy(p) for p in self.passkeys]
        return twin

    # -- the pieces ---------------------------------------------------------------------

    def _new_key(self) -> tuple[bytes, ec.EllipticCurvePrivateKey]:
        self._made += 1
        if self._seed is None:
            return secrets.token_bytes(32), ec.generate_private_key(ec.SECP256R1())
        material = hashlib.sha256(self._seed + struct.pack(">I", self._made)).digest()
        scalar = int.from_bytes(hashlib.sha256(b"key" + material).digest(), "big")
        private = ec.derive_private_key(scalar % (_P256_ORDER - 1) + 1, ec.SECP256R1())
        return hashlib.sha256(b"id" + material).digest(), private

    def _flags(self, attested: bool) -> int:
        flags = _UP | (_UV if self.user_verification else 0)
        flags |= (_BE | _BS) if self.synced else 0
        return flags | (_AT if attested else 0)

    @staticmethod
    def _cose_key(private: ec.EllipticCurvePrivateKey) -> bytes:
        numbers = private.public_key().public_numbers()
        return encode_cbor({1: 2, 3: _ES256, -1: 1, -2: numbers.x.to_bytes(32, "big"),
                            -3: numbers.y.to_bytes(32, "big")})

    def _client_data(self, kind: str, challenge: object, origin: str) -> bytes:
        if not isinstance(challenge, str) or not challenge:
            raise PasskeyUnavailable("These options have no challenge (TypeError).")
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin,
                           "crossOrigin": False}, separators=(",", ":")).encode()

    def _page(self, origin: str | None, rp_id: object) -> tuple[str, str]:
        """The browser's checks (§5.1.3, §5.1.4): the origin, and an RP ID that is the
        page's host, or a parent domain of it that is registrable (HTML's "is a registrable
        domain suffix of or is equal to": a single label such as `localhost` or `com` is
        not, so only that very host may use it)."""
        page, host = _check_origin(self.origin if origin is None else origin)
        rp = host if rp_id is None else rp_id
        parent = isinstance(rp, str) and "." in rp and host.endswith("." + rp)
        if not isinstance(rp, str) or not (host == rp or parent):
            raise PasskeyUnavailable(
                f"The page at {page} may not ask for passkeys of {rp!r}: the browser refuses "
                "(SecurityError), so the authenticator is never asked.")
        return page, rp

    # -- what the browser returns -----------------------------------------------------------

    def create(self, options: dict[str, Any] | str, origin: str | None = None) -> dict[str, Any]:
        """Make a passkey for `navigator.credentials.create(options)`; return the
        registration credential JSON (what the page sends back to the site)."""
        opts = _options(options)
        page, rp_id = self._page(origin, _field(opts, "rp").get("id"))
        algorithms = [p.get("alg") for p in _field(opts, "pubKeyCredParams")
                      if isinstance(p, dict)]
        if _ES256 not in algorithms:
            raise PasskeyUnavailable(
                "This authenticator only makes ES256 keys (NotSupportedError).")
        user_handle = base64url_to_bytes(str(_field(opts, "user", "id")))
        excluded = {str(c.get("id")) for c in opts.get("excludeCredentials") or []
                    if isinstance(c, dict)}
        if any(p.rp_id == rp_id and _b64(p.credential_id) in excluded for p in self.passkeys):
            raise PasskeyUnavailable("This authenticator already holds a passkey for this "
                                     "account (InvalidStateError).")
        credential_id, private = self._new_key()
        stored = StoredPasskey(rp_id, credential_id, private, user_handle,
                               str(_field(opts, "user", "name")))
        auth_data = (hashlib.sha256(rp_id.encode()).digest() + bytes([self._flags(True)])
                     + struct.pack(">I", stored.sign_count) + _AAGUID
                     + struct.pack(">H", len(credential_id)) + credential_id
                     + self._cose_key(private))
        attestation = encode_cbor({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", opts.get("challenge"), page)
        self.passkeys = [p for p in self.passkeys
                         if (p.rp_id, p.user_handle) != (rp_id, user_handle)] + [stored]
        return {
            "id": _b64(credential_id), "rawId": _b64(credential_id), "type": "public-key",
            "response": {"clientDataJSON": _b64(client_data),
                         "attestationObject": _b64(attestation), "transports": ["internal"]},
            "clientExtensionResults": {}, "authenticatorAttachment": "platform",
        }

    def get(self, options: dict[str, Any] | str, origin: str | None = None) -> dict[str, Any]:
        """Sign in for `navigator.credentials.get(options)` from the page at `origin`
        (default: this key's own); return the assertion JSON. `PasskeyUnavailable` when
        the page may not ask for that RP ID or the authenticator holds no passkey for it."""
        opts = _options(options)
        page, rp_id = self._page(origin, opts.get("rpId"))
        allowed = {str(c.get("id")) for c in opts.get("allowCredentials") or []
                   if isinstance(c, dict)}
        usable = [p for p in self.passkeys if p.rp_id == rp_id
                  and (not allowed or _b64(p.credential_id) in allowed)]
        if not usable:
            raise PasskeyUnavailable(
                f"This authenticator holds no passkey for {rp_id!r} (NotAllowedError): "
                "nothing is signed.")
        stored = usable[-1]
        if self.counter:
            stored.sign_count += 1
        auth_data = (hashlib.sha256(rp_id.encode()).digest() + bytes([self._flags(False)])
                     + struct.pack(">I", stored.sign_count))
        client_data = self._client_data("webauthn.get", opts.get("challenge"), page)
        signature = stored.private_key.sign(
            auth_data + hashlib.sha256(client_data).digest(),
            ec.ECDSA(hashes.SHA256(), deterministic_signing=self._seed is not None))
        return {
            "id": _b64(stored.credential_id), "rawId": _b64(stored.credential_id),
            "type": "public-key",
            "response": {"clientDataJSON": _b64(client_data),
                         "authenticatorData": _b64(auth_data), "signature": _b64(signature),
                         "userHandle": _b64(stored.user_handle)},
            "clientExtensionResults": {}, "authenticatorAttachment": "platform",
        }
