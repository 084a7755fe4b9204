"""Names that are not accounts are never stored in clear (a password typed as a username)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mfalab import FrozenClock, UserStore, errors

from .conftest import PASSWORD, START, enroll, make_auth

TYPED_AS_NAME = "hunter2-correct-horse"  # a password typed into the username field


def _all_text(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        rows = [repr(row) for table in ("throttle", "audit", "users", "challenges", "sessions")
                for row in conn.execute(f"SELECT * FROM {table}")]  # noqa: S608
    finally:
        conn.close()
    return "\n".join(rows)


def test_a_password_typed_as_a_username_is_stored_only_as_a_keyed_hash(db_path: Path):
    clock = FrozenClock(START)
    with UserStore(db_path) as store:
        auth = make_auth(store, clock)
        enroll(auth, clock)
        for _ in range(6):
            with pytest.raises((errors.LoginFailed, errors.TooManyAttempts)):
                auth.login(TYPED_AS_NAME, PASSWORD)
        assert auth.audit_log(TYPED_AS_NAME)  # the attempts are audited, under a pseudonym
        assert all(e.username.startswith("not an account ") for e in
                   auth.audit_log(TYPED_AS_NAME))
    text = _all_text(db_path)
    assert TYPED_AS_NAME not in text
    assert "not an account " in text


def test_the_password_throttle_is_keyed_by_pseudonym_for_accounts_too(db_path: Path):
    """Known or not, the throttle's key is the same kind of value: no table tells which
    names are accounts."""
    clock = FrozenClock(START)
    with UserStore(db_path) as store:
        auth = make_auth(store, clock)
        enroll(auth, clock)
        with pytest.raises(errors.LoginFailed):
            auth.login("alice", "wrong password here")
        assert auth.status("alice").password_failures == 1
    conn = sqlite3.connect(db_path)
    query = "SELECT username FROM throttle WHERE kind = 'password'"
    keys = [row[0] for row in conn.execute(query)]
    conn.close()
    assert keys and all(k.startswith("not an account ") for k in keys)


def test_pseudonyms_are_stable_across_reopening_and_differ_between_keys(db_path: Path):
    with UserStore(db_path) as store:
        first = store.pseudonym("mallory")
    with UserStore(db_path) as store:
        assert store.pseudonym("mallory") == first
        assert store.pseudonym("mallory2") != first
    with UserStore(":memory:") as other:
        assert other.pseudonym("mallory") != first


def test_the_throttle_still_locks_an_unknown_name(db_path: Path):
    clock = FrozenClock(START)
    with UserStore(db_path) as store:
        auth = make_auth(store, clock)
        for _ in range(5):
            with pytest.raises(errors.LoginFailed):
                auth.login("mallory", "wrong password here")
        with pytest.raises(errors.TooManyAttempts):
            auth.login("mallory", "wrong password here")
