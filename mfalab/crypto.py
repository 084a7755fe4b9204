"""Secrets at rest: TOTP seeds encrypted with AES-256-GCM, the account name bound to each.

OWASP ASVS 5.0 V11 / V13 and NIST SP 800-38D (GCM): a 96-bit random nonce per message,
the normalized account name as associated data, so a seed copied to another account's
row fails to decrypt. The 32-byte key comes from `MFALAB_KEY` (URL-safe base64) or from
a key file beside the database, created with mode 0600; it never lives in the database.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
import stat
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .errors import KeyProblem

__all__ = ["ENV_VAR", "KEY_BYTES", "SeedCipher", "decode_key", "key_path_for", "new_key_text"]

ENV_VAR = "MFALAB_KEY"
KEY_BYTES = 32
_NONCE_BYTES = 12


def new_key_text() -> str:
    """A new key as `MFALAB_KEY` expects it (what `secrets.token_urlsafe(32)` makes)."""
    return secrets.token_urlsafe(KEY_BYTES)


def decode_key(text: str, source: str) -> bytes:
    """The 32 key bytes from URL-safe base64 (padding optional), or `KeyProblem`."""
    cleaned = text.strip()
    if not re.fullmatch(r"[A-Za-z0-9_-]*={0,2}", cleaned, re.ASCII):
        raise KeyProblem(f"The key in {source} is not URL-safe base64 (A–Z a–z 0–9 - _).")
    try:
        key = base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))
    except (binascii.Error, ValueError):
        raise KeyProblem(f"The key in {source} is not URL-safe base64.") from None
    if len(key) != KEY_BYTES:
        raise KeyProblem(
            f"The key in {source} must decode to {KEY_BYTES} bytes, not {len(key)}; "
            "make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    return key


def key_path_for(database: Path) -> Path:
    """The key file beside a database: `users.db` → `users.key`."""
    return database.with_suffix(".key")


def read_key_file(path: Path) -> bytes:
    """Read a key file, refusing one that others can read (it must be mode 0600)."""
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyProblem(
            f"The key file {path.name} can be read by other users "
            f"(mode {stat.S_IMODE(mode):04o}); run: chmod 600 {path.name}"
        )
    return decode_key(path.read_text(encoding="ascii", errors="replace"), f"the file {path.name}")


def create_key_file(path: Path) -> bytes:
    """Create a new key file with mode 0600 (never overwriting one) and return its key."""
    text = new_key_text()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return read_key_file(path)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text + "\n")
    return decode_key(text, f"the file {path.name}")


class SeedCipher:
    """AES-256-GCM over seeds, with the account name as associated data."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise KeyProblem(f"A seed key has {KEY_BYTES} bytes.")
        self._aead = AESGCM(key)

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
