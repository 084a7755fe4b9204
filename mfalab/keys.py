"""Where the seed key comes from: `MFALAB_KEY`, a key file beside the database, or memory.

The key never lives in the database (OWASP ASVS 5.0 V13.3: secrets kept apart from the
data they protect). `MFALAB_KEY` holds 32 bytes as URL-safe base64, padding optional, as
`secrets.token_urlsafe(32)` makes; set but empty is an error, never a reason to fall back.
Otherwise a file database uses `<stem>.key` beside it, created with mode 0600 and
fsynced (file and folder) before any seed is encrypted with it — but only while the
database holds no seeds: then a missing or wrong key is a `KeyProblem`, and no seed is lost
or re-keyed. A database on a server (PostgreSQL) requires `MFALAB_KEY`. An in-memory
database without `MFALAB_KEY` uses a random key for its lifetime.

A key-check row (a known text encrypted with the key) lets a store tell a wrong key from a
right one before it touches a seed; a database with seeds but no key-check row is refused.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .crypto import KEY_BYTES, SeedCipher
from .errors import KeyProblem

__all__ = ["ENV_VAR", "LoadedKey", "decode_key", "key_path_for", "load", "new_key_text"]

ENV_VAR = "MFALAB_KEY"
KEY_CHECK_ACCOUNT = "\x00key-check"  # usernames cannot contain control characters
KEY_CHECK_TEXT = "mfalab key check"


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


def _fsync_folder(folder: Path) -> None:
    """Make a new directory entry durable (POSIX: fsync the folder after creating a file)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # some platforms cannot open a folder; the file itself was synced
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def create_key_file(path: Path) -> bytes:
    """Create a new key file with mode 0600 (never overwriting one) and return its key.

    The file and its folder are fsynced before this returns, so no seed is ever
    committed under a key that a power cut could take away.
    """
    text = new_key_text()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return read_key_file(path)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    _fsync_folder(path.parent if str(path.parent) else Path("."))
    return decode_key(text, f"the file {path.name}")


@dataclass(frozen=True)
class LoadedKey:
    """The cipher for a store, and a new key-check blob to save (None: keep the stored one)."""

    cipher: SeedCipher
    new_key_check: bytes | None


def load(
    database: Path | None,
    *,
    holds_seeds: bool,
    key_check: bytes | None,
    server: bool = False,
    environ: Mapping[str, str] | None = None,
) -> LoadedKey:
    """Find the key for a store and check it against the stored key-check blob.

    `database` is the file beside which a key file may live (None for memory or a
    server). Raises `KeyProblem` for an empty, malformed, missing or wrong key.
    """
    env = (os.environ if environ is None else environ).get(ENV_VAR)
    if env is not None and not env.strip():
        raise KeyProblem(
            f"{ENV_VAR} is set but empty: set it to a key made with "
            "python -c 'import secrets; print(secrets.token_urlsafe(32))', or unset it to "
            "use the key file beside the database."
        )
    if env is not None:
        key = decode_key(env, ENV_VAR)
    elif server:
        raise KeyProblem(
            f"A server database needs {ENV_VAR} (no key file lives beside it): set it from "
            "your secret store; make one with "
            "python -c 'import secrets; print(secrets.token_urlsafe(32))'."
        )
    elif database is None:
        key = os.urandom(KEY_BYTES)
    else:
        key_path = key_path_for(database)
        if key_path.exists():
            key = read_key_file(key_path)
        elif holds_seeds:
            raise KeyProblem(
                f"The database {database.name} holds encrypted seeds but its key "
                f"file {key_path.name} is missing (and {ENV_VAR} is not set): "
                "restore the key; a new one cannot read the seeds."
            )
        else:
            key = create_key_file(key_path)
    cipher = SeedCipher(key)
    if holds_seeds:
        if key_check is None:
            raise KeyProblem(
                "This database holds encrypted seeds but no key check, so mfalab cannot "
                "tell whether this key is the right one: restore the database's key-check "
                "row from a backup (nothing was changed)."
            )
        cipher.decrypt(KEY_CHECK_ACCOUNT, key_check)  # KeyProblem if wrong
        return LoadedKey(cipher, None)
    return LoadedKey(cipher, cipher.encrypt(KEY_CHECK_ACCOUNT, KEY_CHECK_TEXT))
