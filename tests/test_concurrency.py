"""Replay under concurrency: of many simultaneous attempts with one code, exactly one wins.

The compare-and-set `UPDATE … WHERE last_step < ?` inside the store's transaction is what
makes this hold across threads and processes sharing one SQLite file (`BEGIN IMMEDIATE`)
or one PostgreSQL database (READ COMMITTED re-checks the row after its lock) (RFC 6238 §5.2).
"""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest

from mfalab import Challenge, FrozenClock, UserStore, errors

from .conftest import ALL_BACKENDS, PASSWORD, START, enroll, make_auth

BACKENDS = ALL_BACKENDS

THREADS = 32
PROCESSES = 8


def _race(attempts: list[object]) -> list[object]:
    """Run the callables at once (released together by a barrier); collect outcomes."""
    barrier = threading.Barrier(len(attempts))
    results: list[object] = [None] * len(attempts)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = attempts[i]()  # type: ignore[operator]
        except errors.AuthError as refused:
            results[i] = refused

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(attempts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_threads_racing_one_code_on_one_database_exactly_one_wins(location: str):
    clock = FrozenClock(START)
    store = UserStore(location)
    account = enroll(make_auth(store, clock), clock)
    challenges = [account.challenge() for _ in range(THREADS)]
    code = account.phone.code()
    services = [make_auth(UserStore(location), clock) for _ in range(THREADS)]
    results = _race([
        (lambda s=s, c=c: s.verify(c, code)) for s, c in zip(services, challenges, strict=True)
    ])
    winners = [r for r in results if not isinstance(r, errors.AuthError)]
    assert len(winners) == 1, results
    refused = [r for r in results if isinstance(r, errors.AuthError)]
    assert all(isinstance(r, (errors.CodeReused, errors.TooManyAttempts)) for r in refused)
    assert "code_reused" in [e.event for e in account.auth.audit_log("alice")]
    assert "database is locked" not in repr(results)


def test_threads_racing_one_recovery_code_exactly_one_wins(location: str):
    clock = FrozenClock(START)
    account = enroll(make_auth(UserStore(location), clock), clock)
    challenges = [account.challenge() for _ in range(8)]
    services = [make_auth(UserStore(location), clock) for _ in range(8)]
    results = _race([
        (lambda s=s, c=c: s.recover(c, account.codes[0]))
        for s, c in zip(services, challenges, strict=True)
    ])
    winners = [r for r in results if not isinstance(r, errors.AuthError)]
    assert len(winners) == 1, results
    assert account.auth.status("alice").recovery_codes_left == 9


def _process_attempt(args: tuple[str, float, str, str, str]) -> str:
    db, now, token, created, code = args
    clock = FrozenClock(now)
    auth = make_auth(UserStore(db), clock)
    challenge = Challenge("alice", float(created), float(created) + 300, token)
    try:
        auth.verify(challenge, code)
    except errors.AuthError as refused:
        return type(refused).__name__
    return "Session"


def test_processes_racing_one_code_on_one_database_exactly_one_wins(location: str):
    clock = FrozenClock(START)
    account = enroll(make_auth(UserStore(location), clock), clock)
    challenges = [account.challenge() for _ in range(PROCESSES)]
    code = account.phone.code()
    jobs = [(location, clock.now(), c.token, str(c.created_at), code) for c in challenges]
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        outcomes = pool.map(_process_attempt, jobs)
    assert outcomes.count("Session") == 1, outcomes
    assert set(outcomes) <= {"Session", "CodeReused", "TooManyAttempts"}


def test_a_used_step_stays_used_after_reopening_the_database(location: str):
    clock = FrozenClock(START)
    account = enroll(make_auth(UserStore(location), clock), clock)
    code = account.phone.code()
    account.auth.verify(account.challenge(), code)
    fresh = make_auth(UserStore(location), clock)
    with pytest.raises(errors.CodeReused):
        fresh.verify(fresh.login("alice", PASSWORD), code)


def test_a_database_held_too_long_by_another_writer_is_a_clear_store_busy(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Opening (or writing) while another process holds the write lock past the busy
    timeout is an mfalab error with a sentence, never a raw sqlite3 exception."""
    import sqlite3

    from mfalab.store import sqlite as sqlite_store

    UserStore(db_path).close()
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    monkeypatch.setattr(sqlite_store, "BUSY_TIMEOUT_SECONDS", 0.2)
    try:
        with pytest.raises(errors.StoreBusy, match="busy"):
            UserStore(db_path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    UserStore(db_path).close()  # free again, it opens
