"""The PostgreSQL schema and its migrations (the `schema_version` table counts the steps taken).

The same concepts as the SQLite schema (`sqlite_schema`), in PostgreSQL's types: seeds
as `bytea` (AES-GCM ciphertext, never plaintext), times as unix seconds in `double
precision`, flags as `boolean`, row ids as identity columns. Every step runs inside one
transaction (PostgreSQL's DDL is transactional), under an advisory lock, so several
processes opening a new database at once migrate it exactly once.
"""

from __future__ import annotations

__all__ = ["CREATE_VERSION_TABLE", "MIGRATIONS", "MIGRATION_LOCK", "SCHEMA_VERSION"]

#: The advisory lock that serializes migrations (and the key check) of one database:
#: the bytes of "mfalab" as a number, so it is unlikely to collide with another program's.
MIGRATION_LOCK = int.from_bytes(b"mfalab", "big")

_SCHEMA_V1 = (
    """CREATE TABLE meta (
        name  text PRIMARY KEY,
        value bytea NOT NULL
    )""",
    """CREATE TABLE users (
        username           text PRIMARY KEY,
        password_hash      text NOT NULL,
        created_at         double precision NOT NULL,
        seed               bytea,
        digits             integer NOT NULL DEFAULT 6,
        period             integer NOT NULL DEFAULT 30,
        digest             text NOT NULL DEFAULT 'sha1',
        last_step          bigint,
        drift              integer NOT NULL DEFAULT 0,
        pending_seed       bytea,
        pending_digits     integer,
        pending_period     integer,
        pending_digest     text,
        pending_token_hash text,
        pending_created_at double precision
    )""",
    """CREATE TABLE throttle (
        kind         text NOT NULL,
        username     text NOT NULL,
        failures     integer NOT NULL DEFAULT 0,
        locked_until double precision NOT NULL DEFAULT 0,
        disabled     boolean NOT NULL DEFAULT false,
        PRIMARY KEY (kind, username)
    )""",
    """CREATE TABLE challenges (
        token_hash text PRIMARY KEY,
        username   text NOT NULL,
        created_at double precision NOT NULL,
        ended      boolean NOT NULL DEFAULT false
    )""",
    """CREATE TABLE sessions (
        token_hash text PRIMARY KEY,
        username   text NOT NULL,
        created_at double precision NOT NULL,
        last_seen  double precision NOT NULL,
        method     text NOT NULL,
        revoked    boolean NOT NULL DEFAULT false
    )""",
    "CREATE INDEX sessions_by_user ON sessions (username)",
    """CREATE TABLE recovery_codes (
        id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        username  text NOT NULL,
        code_hash text NOT NULL,
        used_at   double precision
    )""",
    "CREATE INDEX recovery_codes_by_user ON recovery_codes (username)",
    """CREATE TABLE audit (
        id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        username text NOT NULL,
        at       double precision NOT NULL,
        event    text NOT NULL,
        detail   text NOT NULL DEFAULT '',
        repeats  integer NOT NULL DEFAULT 1
    )""",
    "CREATE INDEX audit_by_user ON audit (username, id)",
)

_SCHEMA_V2 = (
    """CREATE TABLE passkeys (
        id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        credential_id bytea NOT NULL UNIQUE,
        username      text NOT NULL,
        public_key    bytea NOT NULL,
        sign_count    bigint NOT NULL DEFAULT 0,
        aaguid        text NOT NULL DEFAULT '',
        synced        boolean NOT NULL DEFAULT false,
        created_at    double precision NOT NULL,
        last_used_at  double precision
    )""",
    "CREATE INDEX passkeys_by_user ON passkeys (username, id)",
    """CREATE TABLE webauthn_challenges (
        challenge_hash text PRIMARY KEY,
        username       text NOT NULL,
        purpose        text NOT NULL,
        bound_to       text NOT NULL,
        created_at     double precision NOT NULL,
        ended          boolean NOT NULL DEFAULT false
    )""",
)

#: MIGRATIONS[n] takes the schema from version n to n + 1: a tuple of statements, run in
#: order inside one transaction; a row (version, applied_at) in `schema_version` records
#: each step. The backends share the store interface, not version numbers.
#: Version 1: everything SQLite's version 2 holds (accounts, factors, throttle,
#: challenges, sessions, recovery codes, the audit trail).
#: Version 2: passkeys (public keys and signature counters; credential IDs unique) and
#: issued WebAuthn challenges (by hash, single use), as SQLite's version 3.
MIGRATIONS: tuple[tuple[str, ...], ...] = (_SCHEMA_V1, _SCHEMA_V2)
SCHEMA_VERSION = len(MIGRATIONS)

#: The bookkeeping table itself, created before the first step.
CREATE_VERSION_TABLE = (
    "CREATE TABLE schema_version ("
    " version    integer PRIMARY KEY,"
    " applied_at timestamptz NOT NULL DEFAULT now())"
)
