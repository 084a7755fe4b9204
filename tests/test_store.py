"""store: schema version, WAL, seeds encrypted at rest, key handling, compare-and-set."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from mfalab import FrozenClock, UserStore, errors
from mfalab.crypto import SeedCipher
from mfalab.keys import new_key_text
from mfalab.store import SCHEMA_VERSION

from .conftest import PASSWORD, enroll, make_auth


def test_new_file_database_has_schema_version_wal_and_a_private_key_file(db_path: Path):
    with UserStore(db_path):
        pass
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    key_file = db_path.with_suffix(".key")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_reopening_keeps_the_data_and_the_schema(db_path: Path, clock: FrozenClock):
    with UserStore(db_path) as store:
        account = enroll(make_auth(store, clock), clock)
    with UserStore(db_path) as store:
        auth = make_auth(store, clock)
        assert auth.verify(auth.login("alice", PASSWORD), account.phone.code())


def test_a_database_from_a_newer_mfalab_is_refused(db_path: Path):
    UserStore(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(errors.InvalidSetting, match="newer"):
        UserStore(db_path)


def _all_bytes(db_path: Path) -> bytes:
    data = b""
    for suffix in ("", "-wal", "-shm"):
        part = Path(str(db_path) + suffix)
        if part.exists():
            data += part.read_bytes()
    return data


def test_no_plaintext_secret_in_the_database_file(db_path: Path, clock: FrozenClock):
    """Read the bytes: no seed, password, code or recovery code appears in them."""
    store = UserStore(db_path)
    auth = make_auth(store, clock)
    auth.register("alice", PASSWORD)
    enrollment = auth.begin_enrollment("alice", PASSWORD)
    from mfalab import VirtualAuthenticator

    phone = VirtualAuthenticator(clock=clock)
    phone.scan(enrollment.uri)
    code = phone.code()
    codes = auth.confirm_enrollment(enrollment, code)
    clock.advance(30)
    second = phone.code()
    auth.verify(auth.login("alice", PASSWORD), second)
    auth.recover(auth.login("alice", PASSWORD), codes[0])
    store.close()
    data = _all_bytes(db_path)
    assert b"alice" in data  # the reading works: the username is stored in clear
    for secret in [enrollment.secret, PASSWORD, code, second, *codes,
                   *(c.replace("-", "") for c in codes)]:
        assert secret.encode() not in data, secret
    assert enrollment.secret.lower().encode() not in data


def test_seed_is_bound_to_its_account(db_path: Path, clock: FrozenClock):
    """AES-GCM with the account name as associated data: a seed moved to bob won't open."""
    with UserStore(db_path) as store:
        auth = make_auth(store, clock)
        enroll(auth, clock, "alice")
        enroll(auth, clock, "bob")
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE users SET seed = (SELECT seed FROM users WHERE username = 'alice')"
                 " WHERE username = 'bob'")
    conn.commit()
    conn.close()
    with UserStore(db_path) as store, pytest.raises(errors.KeyProblem):
        store.get_user("bob")


def test_missing_key_file_for_a_database_with_seeds_is_a_clear_error(
    db_path: Path, clock: FrozenClock
):
    with UserStore(db_path) as store:
        enroll(make_auth(store, clock), clock)
    key_file = db_path.with_suffix(".key")
    key_file.unlink()
    with pytest.raises(errors.KeyProblem, match="missing"):
        UserStore(db_path)
    assert not key_file.exists(), "no new key may be made for a database holding seeds"


def test_wrong_key_is_refused_at_open_and_nothing_is_rekeyed(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
):
    with UserStore(db_path) as store:
        enroll(make_auth(store, clock), clock)
    before = sqlite3.connect(db_path).execute("SELECT seed FROM users").fetchall()
    monkeypatch.setenv("MFALAB_KEY", new_key_text())
    with pytest.raises(errors.KeyProblem):
        UserStore(db_path)
    monkeypatch.delenv("MFALAB_KEY")
    after = sqlite3.connect(db_path).execute("SELECT seed FROM users").fetchall()
    assert before == after
    with UserStore(db_path) as store:
        assert store.get_user("alice").seed is not None  # type: ignore[union-attr]


def test_key_file_readable_by_others_is_refused(db_path: Path):
    UserStore(db_path).close()
    key_file = db_path.with_suffix(".key")
    os.chmod(key_file, 0o644)
    with pytest.raises(errors.KeyProblem, match="chmod 600"):
        UserStore(db_path)


def test_key_from_the_environment_is_used_and_no_key_file_made(
    db_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
):
    key = new_key_text().rstrip("=")
    monkeypatch.setenv("MFALAB_KEY", key)
    with UserStore(db_path) as store:
        account = enroll(make_auth(store, clock), clock)
    assert not db_path.with_suffix(".key").exists()
    with UserStore(db_path) as store:
        auth = make_auth(store, clock)
        assert auth.verify(auth.login("alice", PASSWORD), account.phone.code())


@pytest.mark.parametrize("bad", ["short", "not base64 !!", "A" * 60])
def test_malformed_environment_key_is_a_clear_error(
    bad: str, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("MFALAB_KEY", bad)
    with pytest.raises(errors.KeyProblem, match="MFALAB_KEY"):
        UserStore(":memory:")


def test_cipher_uses_a_fresh_nonce_each_time():
    cipher = SeedCipher(os.urandom(32))
    assert cipher.encrypt("alice", "SEED") != cipher.encrypt("alice", "SEED")
    assert cipher.decrypt("alice", cipher.encrypt("alice", "SEED")) == "SEED"


def test_a_missing_folder_is_a_clear_error(tmp_path: Path):
    with pytest.raises(errors.InvalidSetting, match="Cannot open"):
        UserStore(tmp_path / "no" / "such" / "users.db")


def test_accept_step_is_a_compare_and_set(clock: FrozenClock):
    with UserStore(":memory:") as store:
        enroll(make_auth(store, clock), clock)
        last = store.get_user("alice").last_step  # type: ignore[union-attr]
        assert last is not None
        assert store.accept_step("alice", last + 1, 0) is True
        assert store.accept_step("alice", last + 1, 0) is False
        assert store.accept_step("alice", last, 0) is False


def test_a_closed_store_refuses_to_reopen_quietly(clock: FrozenClock):
    store = UserStore(":memory:")
    store.close()
    with pytest.raises(errors.InvalidSetting, match="closed"):
        store.get_user("alice")
