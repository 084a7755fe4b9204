"""A real-time phishing relay, for lessons: the attack TOTP loses to and passkeys defeat.

An attacker's page looks like the real login. Whatever the victim types there, the page
forwards to the real service at once: the password (so the service issues a login
challenge — to the attacker), then the one-time code. A code typed by hand cannot tell
which page it was typed into, so the relay wins inside the code's window: NIST SP
800-63B-4 §3.2.5 (manual OTPs are not phishing-resistant). When the victim then tries
the real site with the same code, it is refused as already used (`CodeReused`): that
symptom means someone else used the code first.

Against a passkey the same relay fails (§3.2.5's phishing resistance by verifier-name
binding). On a look-alike domain the browser will not even ask the authenticator for the
real site's passkeys; a page that asks for its own RP ID gets nothing, because the
passkey is scoped to the real RP ID; and a page the browser does let ask (one on the
site's own host name) gets an answer naming its own origin in `clientDataJSON`, which the
passkey signs, so the real service refuses it (and audits it). `read_assertion` decodes
what was signed, byte by byte.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import AuthError, InvalidInput
from .models import Challenge, Session
from .service import AuthService

__all__ = [
    "PHISHING_ORIGIN",
    "SHARED_HOST_ORIGIN",
    "RelayPage",
    "RelayResult",
    "SignedData",
    "read_assertion",
    "rewrite_origin",
]

PHISHING_ORIGIN = "http://evil.localhost:5001"  # a look-alike name
#: A page on the site's own host name, another port: the browser lets it ask for the site's
#: passkeys (on the web: a page on one of the site's subdomains), and the origin it writes
#: into clientDataJSON gives it away.
SHARED_HOST_ORIGIN = "http://localhost:5001"


@dataclass(frozen=True)
class RelayResult:
    """How a relayed login ended: the attacker's session, or the service's refusal."""

    won: bool
    session: Session | None = None
    refusal: AuthError | None = None

    def __str__(self) -> str:
        if self.won and self.session is not None:
            return (f"The relay won: the attacker holds a session for {self.session.username!r} "
                    f"(method {self.session.method!r}).")
        return f"The relay failed: {type(self.refusal).__name__}: {self.refusal}"


@dataclass
class RelayPage:
    """The attacker's page at `origin`, relaying every step to the real `auth` in real time.

    `steps` narrates what it did, in order; `typed` holds what the victim typed (the
    attacker keeps it too).
    """

    auth: AuthService
    origin: str = PHISHING_ORIGIN
    steps: list[str] = field(default_factory=list)
    typed: dict[str, str] = field(default_factory=dict, repr=False)
    session: Session | None = field(default=None, repr=False)
    _challenge: Challenge | None = field(default=None, repr=False)

    def enter_password(self, username: str, password: str) -> str:
        """The victim types a username and password on the fake page; the page logs in to
        the real service with them and shows the next screen (what it returns)."""
        self.typed.update(username=username, password=password)
        self._challenge = self.auth.login(username, password)  # refusals show as they are
        self.steps.append(f"relayed the password for {self._challenge.username!r}: the real "
                          "service answered with a login challenge, held by the attacker")
        return "Enter the 6-digit code from your authenticator app."

    def _pending(self) -> Challenge:
        if self._challenge is None:
            raise InvalidInput("The fake page has no login in progress: enter_password first.")
        return self._challenge

    def _finish(self, what: str, attempt: Callable[[], Session]) -> RelayResult:
        try:
            self.session = attempt()
        except AuthError as refused:
            self.steps.append(f"relayed the {what}: refused ({type(refused).__name__})")
            return RelayResult(False, refusal=refused)
        self.steps.append(f"relayed the {what}: the attacker is signed in")
        return RelayResult(True, session=self.session)

    def enter_code(self, code: str) -> RelayResult:
        """The victim types the code from their app; the page relays it at once."""
        self.typed["code"] = code
        challenge = self._pending()
        return self._finish("code", lambda: self.auth.verify(challenge, code))

    def passkey_options(self, rp_id: str | None = None) -> dict[str, Any]:
        """Passkey request options fetched from the real service for the attacker's login,
        to hand to the victim's browser on the fake page. With `rp_id`, the page rewrites
        the RP ID (to its own domain, say) before asking."""
        options = self.auth.begin_passkey_login(self._pending())
        self.steps.append("relayed a passkey request from the real service to the victim")
        return options if rp_id is None else {**options, "rpId": rp_id}

    def enter_passkey(self, assertion: dict[str, Any] | str) -> RelayResult:
        """Relay the victim's passkey answer (made on the fake page) to the real service."""
        challenge = self._pending()
        return self._finish("passkey answer",
                            lambda: self.auth.verify_passkey(challenge, assertion))


def _bytes(text: object) -> bytes:
    if not isinstance(text, str):
        raise InvalidInput("That is not a passkey answer: a dict with a 'response'.")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class SignedData:
    """What a passkey answer's signature covers: authenticatorData ‖ SHA-256(clientDataJSON).

    `client_data` is clientDataJSON decoded (type, challenge, origin); `rp_id_hash` is the
    first 32 bytes of authenticatorData, in hex; `flags` names the flag bits set;
    `sign_count` is the signature counter.
    """

    client_data_json: str
    client_data: dict[str, Any]
    authenticator_data: bytes
    rp_id_hash: str
    flags: tuple[str, ...]
    sign_count: int

    def is_for(self, rp_id: str) -> bool:
        """Whether the RP ID hash is the SHA-256 of `rp_id`."""
        return self.rp_id_hash == hashlib.sha256(rp_id.encode()).hexdigest()

    def describe(self, rp_id: str = "localhost") -> str:
        """The signed data as a few lines for people (the random challenge summarized)."""
        client = self.client_data
        challenge = str(client.get("challenge", ""))
        matches = "the SHA-256 of" if self.is_for(rp_id) else "NOT the SHA-256 of"
        return "\n".join([
            "clientDataJSON — written by the browser:",
            f"  type       {client.get('type')}",
            f"  challenge  {len(challenge)} characters: the random bytes the server sent",
            f"  origin     {client.get('origin')}",
            f"authenticatorData — written by the authenticator, {len(self.authenticator_data)}"
            " bytes:",
            f"  bytes 0–31   RP ID hash {self.rp_id_hash[:16]}… ({matches} {rp_id!r})",
            f"  byte 32      flags 0x{self.authenticator_data[32]:02x}: {', '.join(self.flags)}",
            f"  bytes 33–36  signature counter {self.sign_count}",
            "signature — ECDSA P-256 over authenticatorData ‖ SHA-256(clientDataJSON)",
        ])


_FLAG_NAMES = ((0x01, "UP user present"), (0x04, "UV user verified"),
               (0x08, "BE backup eligible"), (0x10, "BS backed up"),
               (0x40, "AT attested credential data"), (0x80, "ED extensions"))


def read_assertion(assertion: dict[str, Any]) -> SignedData:
    """Decode a passkey answer (as `VirtualPasskey.get` or a browser returns it).

    >>> data = read_assertion({"response": {
    ...     "clientDataJSON": "eyJvcmlnaW4iOiJodHRwOi8vbG9jYWxob3N0OjUwMDAifQ",
    ...     "authenticatorData": "SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAAAQ"}})
    >>> data.client_data["origin"], data.is_for("localhost"), data.sign_count
    ('http://localhost:5000', True, 1)
    """
    response = assertion.get("response") if isinstance(assertion, dict) else None
    if not isinstance(response, dict):
        raise InvalidInput("That is not a passkey answer: a dict with a 'response'.")
    raw_client = _bytes(response.get("clientDataJSON"))
    data = _bytes(response.get("authenticatorData"))
    if len(data) < 37:
        raise InvalidInput("authenticatorData is at least 37 bytes: 32 + 1 + 4.")
    try:
        client = json.loads(raw_client)
    except ValueError:
        raise InvalidInput("clientDataJSON is not JSON.") from None
    flags = tuple(name for bit, name in _FLAG_NAMES if data[32] & bit)
    return SignedData(raw_client.decode("utf-8", "replace"), client, data, data[:32].hex(),
                      flags, int.from_bytes(data[33:37], "big"))


def rewrite_origin(assertion: dict[str, Any], origin: str) -> dict[str, Any]:
    """The attacker's edit: a copy of the answer whose clientDataJSON names `origin`.

    The signature still covers the original bytes, so the edit breaks it (WebAuthn §7.2:
    the signature is over authenticatorData and the hash of clientDataJSON).
    """
    data = read_assertion(assertion)
    edited = json.dumps({**data.client_data, "origin": origin}, separators=(",", ":"))
    encoded = base64.urlsafe_b64encode(edited.encode()).decode().rstrip("=")
    return {**assertion, "response": {**assertion["response"], "clientDataJSON": encoded}}
