"""Secrets at rest: TOTP seeds encrypted with AES-256-GCM, the account name bound to each.

OWASP ASVS 5.0 V11 / V13 and NIST SP 800-38D (GCM): a 96-bit random nonce per message,
the normalized account name as associated data, so a seed copied to another account's
row fails to decrypt. From the same key, HKDF (RFC 5869) derives a second key for
pseudonyms: names that are not accounts are stored as an HMAC-SHA256 of the name, never
in clear. Where the key comes from is `keys`; it never lives in the database.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .errors import KeyProblem

__all__ = ["KEY_BYTES", "PSEUDONYM_PREFIX", "SeedCipher"]

KEY_BYTES = 32
_NONCE_BYTES = 12
#: Pseudonyms start with text no username can hold (usernames refuse spaces).
PSEUDONYM_PREFIX = "not an account "


class SeedCipher:
    """AES-256-GCM over seeds, with the account name as associated data; and pseudonyms."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise KeyProblem(f"A seed key has {KEY_BYTES} bytes.")
        self._aead = AESGCM(key)
        self._pseudonym_key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"mfalab pseudonyms"
        ).derive(key)

    def encrypt(self, account: str, plaintext: str) -> bytes:
        """Encrypt `plaintext` for `account`: nonce ‖ ciphertext ‖ tag."""
        nonce = secrets.token_bytes(_NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext.encode("utf-8"), account.encode())

    def decrypt(self, account: str, blob: bytes) -> str:
        """Decrypt what `encrypt` made for `account`; `KeyProblem` if key or account differ."""
        try:
            data = self._aead.decrypt(
                blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], account.encode()
            )
        except (InvalidTag, ValueError):
            raise KeyProblem(
                "A stored seed cannot be decrypted: either the key is not the one it was "
                "stored with (check MFALAB_KEY or the key file), or the seed was moved "
                "from another account (each seed is bound to its account's name)."
            ) from None
        return data.decode("utf-8")

    def pseudonym(self, name: str) -> str:
        """A stable keyed hash of `name`, for names that must not be stored in clear."""
        digest = hmac.new(self._pseudonym_key, name.encode("utf-8", "surrogatepass"),
                          hashlib.sha256).hexdigest()
        return PSEUDONYM_PREFIX + digest[:32]
