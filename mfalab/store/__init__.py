"""Persistence behind one interface (`base.UserStore`), with SQLite as the embedded default.

`UserStore(":memory:")`, `UserStore("users.db")` (SQLite, `sqlite.SQLiteStore`) or
`UserStore("postgresql://…")` (PostgreSQL, `postgres.PostgresStore`, extra `postgres`).
"""

from .base import (
    AuditRecord,
    ChallengeRecord,
    PasskeyRecord,
    PendingFactor,
    RecoveryCodeRecord,
    SessionRecord,
    UserRecord,
    UserStore,
    WebAuthnChallengeRecord,
)
from .sqlite import SCHEMA_VERSION, SQLiteStore

__all__ = [
    "SCHEMA_VERSION",
    "AuditRecord",
    "ChallengeRecord",
    "PasskeyRecord",
    "PendingFactor",
    "RecoveryCodeRecord",
    "SQLiteStore",
    "SessionRecord",
    "UserRecord",
    "UserStore",
    "WebAuthnChallengeRecord",
]
