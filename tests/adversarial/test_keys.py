"""Key handling under attack or accident: a clear `KeyProblem`, and the seeds untouched.

No seed is ever readable without its key, and none is silently re-encrypted with a
new one: after every refusal the database file is byte-for-byte what it was.
"""

from __future__ import annotations

import base64
import hashlib
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from mfalab import FrozenClock, UserStore, errors
from mfalab.keys import new_key_text

from ..conftest import PASSWORD, START, enroll, make_auth


def _fingerprint(db: Path) -> str:
    digest = hashlib.sha256()
    for suffix in ("", "-wal"):
        part = Path(f"{db}{suffix}")
        if part.exists():
            digest.update(part.read_bytes())
    return digest.hexdigest()


@pytest.fixture
def seeded(db_path: Path) -> Path:
    clock = FrozenClock(START)
    with UserStore(db_path) as store:
        enroll(make_auth(store, clock), clock)
    return db_path


def _write_key(text: str, mode: int = 0o600) -> Callable[[Path, pytest.MonkeyPatch], None]:
    def setup(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        key = db.with_suffix(".key")
        key.write_text(text)
        os.chmod(key, mode)

    return setup


def _remove_key(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db.with_suffix(".key").unlink()


def _env(text: str) -> Callable[[Path, pytest.MonkeyPatch], None]:
    def setup(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("MFALAB_KEY", text)

    return setup


def _loosen(mode: int) -> Callable[[Path, pytest.MonkeyPatch], None]:
    def setup(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        os.chmod(db.with_suffix(".key"), mode)

    return setup


ACCIDENTS = {
    "key-file-missing": (_remove_key, "missing"),
    "key-file-other-key": (_write_key(new_key_text()), "cannot be decrypted"),
    "key-file-garbage": (_write_key("not a key at all!"), "base64"),
    "key-file-short": (_write_key(base64.urlsafe_b64encode(b"k" * 16).decode()), "32 bytes"),
    "key-file-empty": (_write_key(""), "32 bytes"),
    "key-file-group-readable": (_loosen(0o640), "chmod 600"),
    "key-file-world-readable": (_loosen(0o604), "chmod 600"),
    "key-file-world-writable": (_loosen(0o602), "chmod 600"),
    "env-other-key": (_env(new_key_text()), "cannot be decrypted"),
    "env-other-key-unpadded": (_env(new_key_text().rstrip("=")), "cannot be decrypted"),
    "env-too-long": (_env(base64.urlsafe_b64encode(b"k" * 48).decode()), "32 bytes"),
    "env-not-base64": (_env("%%%%"), "base64"),
    "env-empty": (_env(""), "set but empty"),
    "env-blank": (_env("  \n"), "set but empty"),
}


def _drop_key_check(db: Path) -> None:
    """Delete the key-check row of a database that holds seeds (and give it another key)."""
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("DELETE FROM meta WHERE name = 'key_check'")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    db.with_suffix(".key").write_text(new_key_text())


@pytest.mark.parametrize("accident", sorted(ACCIDENTS))
def test_a_key_problem_is_clear_and_leaves_every_seed_untouched(
    seeded: Path, monkeypatch: pytest.MonkeyPatch, accident: str
):
    setup, message = ACCIDENTS[accident]
    before = _fingerprint(seeded)
    setup(seeded, monkeypatch)
    with pytest.raises(errors.KeyProblem, match=message):
        UserStore(seeded)
    assert _fingerprint(seeded) == before


def test_the_right_key_still_opens_after_every_refusal(seeded: Path):
    key = seeded.with_suffix(".key")
    original = key.read_text()
    key.write_text(new_key_text())
    with pytest.raises(errors.KeyProblem):
        UserStore(seeded)
    key.write_text(original)
    clock = FrozenClock(START + 600)
    with UserStore(seeded) as store:
        auth = make_auth(store, clock)
        assert auth.login("alice", PASSWORD).username == "alice"
        assert store.get_user("alice").seed  # type: ignore[union-attr]


def test_a_database_without_seeds_may_get_a_new_key(db_path: Path):
    """Documented: nothing is lost, so a fresh key file is made beside it."""
    with UserStore(db_path) as store:
        make_auth(store, FrozenClock(START)).register("alice", PASSWORD)
    db_path.with_suffix(".key").unlink()
    UserStore(db_path).close()
    assert db_path.with_suffix(".key").exists()


@pytest.mark.parametrize("value", ["", "   ", "\t\n"])
def test_an_empty_mfalab_key_never_falls_back_to_a_new_key_file(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
):
    """MFALAB_KEY set but blank is a mistake to report, not a reason to make a key file."""
    monkeypatch.setenv("MFALAB_KEY", value)
    with pytest.raises(errors.KeyProblem, match="set but empty"):
        UserStore(db_path)
    assert not db_path.with_suffix(".key").exists()
    with pytest.raises(errors.KeyProblem, match="set but empty"):
        UserStore(":memory:")


def test_the_key_file_and_its_folder_are_fsynced_before_any_seed_uses_it(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """After a power cut the database must never hold seeds whose key file is gone."""
    synced: list[str] = []
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    store = UserStore(db_path)
    store.close()
    key = db_path.with_suffix(".key")
    assert str(key.resolve()) in synced, synced
    assert str(db_path.parent.resolve()) in synced, synced
    assert synced.index(str(key.resolve())) < synced.index(str(db_path.parent.resolve()))


def test_seeds_without_a_key_check_row_refuse_any_key_and_change_nothing(seeded: Path):
    """Without the key-check row a wrong key could not be told from the right one: refuse,
    rather than accept it and re-key the database."""
    _drop_key_check(seeded)
    before = _fingerprint(seeded)
    with pytest.raises(errors.KeyProblem, match="no key check"):
        UserStore(seeded)
    assert _fingerprint(seeded) == before
