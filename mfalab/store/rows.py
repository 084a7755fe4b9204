"""What every backend shares about rows: the account's columns and how a row becomes a record.

One column list and one conversion, so the backends cannot drift apart (the OTP-settings
bug hid at this seam): the active factor's settings and the pending factor's own settings
(digits, period, digest) are read in one place, and seeds are decrypted with the account's
name as associated data (`crypto.SeedCipher`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..crypto import SeedCipher
from .base import PendingFactor, UserRecord

__all__ = ["USER_COLUMNS", "user_record"]

#: The columns `user_record` reads, in its order.
USER_COLUMNS = (
    "username, password_hash, created_at, seed, digits, period, digest, last_step, drift,"
    " pending_seed, pending_digits, pending_period, pending_digest, pending_token_hash,"
    " pending_created_at"
)


def user_record(row: Sequence[Any], cipher: SeedCipher) -> UserRecord:
    """The account in `row` (the columns of `USER_COLUMNS`), its seeds decrypted."""
    username = str(row[0])
    seed = None if row[3] is None else cipher.decrypt(username, bytes(row[3]))
    pending = None
    if row[9] is not None:
        pending = PendingFactor(
            secret=cipher.decrypt(username, bytes(row[9])), digits=row[10],
            period=row[11], digest=row[12], token_hash=row[13], created_at=row[14],
        )
    return UserRecord(
        username=username, password_hash=row[1], created_at=row[2], seed=seed,
        digits=row[4], period=row[5], digest=row[6], last_step=row[7], drift=row[8],
        pending=pending,
    )
