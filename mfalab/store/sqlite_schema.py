"""The SQLite schema and its migrations (`PRAGMA user_version` counts the steps taken)."""

from __future__ import annotations

__all__ = ["MIGRATIONS", "SCHEMA_VERSION"]

_SCHEMA_V1 = """
CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
CREATE TABLE users (
    username           TEXT PRIMARY KEY,
    password_hash      TEXT NOT NULL,
    created_at         REAL NOT NULL,
    seed               BLOB,
    digits             INTEGER NOT NULL DEFAULT 6,
    period             INTEGER NOT NULL DEFAULT 30,
    digest             TEXT NOT NULL DEFAULT 'sha1',
    last_step          INTEGER,
    drift              INTEGER NOT NULL DEFAULT 0,
    pending_seed       BLOB,
    pending_created_at REAL
);
CREATE TABLE throttle (
    kind         TEXT NOT NULL,
    username     TEXT NOT NULL,
    failures     INTEGER NOT NULL DEFAULT 0,
    locked_until REAL NOT NULL DEFAULT 0,
    disabled     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, username)
);
CREATE TABLE challenges (
    token_hash TEXT PRIMARY KEY,
    username   TEXT NOT NULL,
    created_at REAL NOT NULL,
    ended      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    username   TEXT NOT NULL,
    created_at REAL NOT NULL,
    method     TEXT NOT NULL
);
CREATE TABLE recovery_codes (
    id        INTEGER PRIMARY KEY,
    username  TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    used_at   REAL
);
CREATE INDEX recovery_codes_by_user ON recovery_codes (username);
CREATE TABLE audit (
    id       INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    at       REAL NOT NULL,
    event    TEXT NOT NULL,
    detail   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_by_user ON audit (username, id);
"""

_SCHEMA_V2 = """
ALTER TABLE users ADD COLUMN pending_digits INTEGER;
ALTER TABLE users ADD COLUMN pending_period INTEGER;
ALTER TABLE users ADD COLUMN pending_digest TEXT;
ALTER TABLE users ADD COLUMN pending_token_hash TEXT;
UPDATE users SET pending_seed = NULL, pending_created_at = NULL;
ALTER TABLE sessions ADD COLUMN last_seen REAL;
ALTER TABLE sessions ADD COLUMN revoked INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen = created_at;
CREATE INDEX sessions_by_user ON sessions (username);
ALTER TABLE audit ADD COLUMN repeats INTEGER NOT NULL DEFAULT 1;
DELETE FROM throttle WHERE kind = 'password'
"""

_SCHEMA_V3 = """
CREATE TABLE passkeys (
    id            INTEGER PRIMARY KEY,
    credential_id BLOB NOT NULL UNIQUE,
    username      TEXT NOT NULL,
    public_key    BLOB NOT NULL,
    sign_count    INTEGER NOT NULL DEFAULT 0,
    aaguid        TEXT NOT NULL DEFAULT '',
    synced        INTEGER NOT NULL DEFAULT 0,
    created_at    REAL NOT NULL,
    last_used_at  REAL
);
CREATE INDEX passkeys_by_user ON passkeys (username, id);
CREATE TABLE webauthn_challenges (
    challenge_hash TEXT PRIMARY KEY,
    username       TEXT NOT NULL,
    purpose        TEXT NOT NULL,
    bound_to       TEXT NOT NULL,
    created_at     REAL NOT NULL,
    ended          INTEGER NOT NULL DEFAULT 0
)
"""

#: MIGRATIONS[n] takes the schema from version n to n + 1 (`PRAGMA user_version`).
#: Version 2: a pending enrollment keeps its own OTP settings and the hash of its handle
#: (pending enrollments of version 1 had no handle, so they end: begin again); sessions
#: can be revoked and time out when idle; repeated refusals merge into one audit row;
#: the password throttle is keyed by pseudonyms (old rows, keyed in clear, are dropped).
#: Version 3: passkeys (public keys and signature counters; credential IDs unique) and
#: issued WebAuthn challenges (by hash, single use).
MIGRATIONS: tuple[str, ...] = (_SCHEMA_V1, _SCHEMA_V2, _SCHEMA_V3)
SCHEMA_VERSION = len(MIGRATIONS)
