"""Races: 8 processes × 4 threads (32 attempts at once) on one SQLite file.

The same valid code, then the same recovery code: exactly one success each time, the
rest refused — and every refusal audited; the throttle never loses an increment (the
failures it counted equal the `InvalidCode` answers given).
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from mfalab import Challenge, FrozenClock, UserStore, errors

from ..conftest import START, Account, enroll, make_auth

PROCESSES = 8
THREADS_EACH = 4


def _worker(args: tuple[str, float, float, str, list[tuple[str, float]], str]) -> list[str]:
    """In a child process: start THREADS_EACH attempts at wall-clock `start_at`."""
    db, now, start_at, kind, challenges, code = args
    clock = FrozenClock(now)
    outcomes: list[str] = [""] * len(challenges)

    def attempt(i: int) -> None:
        auth = make_auth(UserStore(db), clock)
        token, created = challenges[i]
        challenge = Challenge("alice", created, created + 300, token)
        while time.time() < start_at:
            time.sleep(0.001)
        try:
            if kind == "totp":
                auth.verify(challenge, code)
            else:
                auth.recover(challenge, code)
            outcomes[i] = "Session"
        except errors.AuthError as refused:
            outcomes[i] = type(refused).__name__

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(challenges))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def _race(db_path: Path, account: Account, kind: str, code: str) -> Counter[str]:
    challenges = [account.challenge() for _ in range(PROCESSES * THREADS_EACH)]
    start_at = time.time() + 3.0  # after every child has imported mfalab
    jobs = [
        (str(db_path), account.clock.now(), start_at, kind,
         [(c.token, c.created_at) for c in challenges[p::PROCESSES]], code)
        for p in range(PROCESSES)
    ]
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        results = pool.map(_worker, jobs)
    return Counter(outcome for batch in results for outcome in batch)


@pytest.fixture
def account(db_path: Path) -> Account:
    clock = FrozenClock(START)
    account = enroll(make_auth(UserStore(db_path), clock), clock)
    clock.advance(30)
    return account


@pytest.mark.parametrize("kind", ["totp", "recovery"])
def test_one_code_32_attempts_8_processes_exactly_one_wins(
    db_path: Path, account: Account, kind: str
):
    code = account.phone.code() if kind == "totp" else account.codes[0]
    before = len(account.auth.audit_log("alice"))
    outcomes = _race(db_path, account, kind, code)
    assert outcomes["Session"] == 1, outcomes
    refused = sum(outcomes.values()) - 1
    assert set(outcomes) <= {"Session", "CodeReused", "InvalidCode", "TooManyAttempts"}
    new_events: Counter[str] = Counter()
    for e in account.auth.audit_log("alice")[before:]:  # refusals while locked merge into
        new_events[e.event] += e.repeats               # one row that counts its repeats
    refusal_events = (new_events["code_reused"] + new_events["recovery_code_rejected"]
                      + new_events["code_rejected"] + new_events["refused_while_locked"])
    assert refusal_events == refused, (outcomes, new_events)
    # No lost increment: the success reset the count, and the count now equals the
    # counted refusals the audit trail records after the success.
    log = [e.event for e in account.auth.audit_log("alice")[before:]]
    success = "code_accepted" if kind == "totp" else "recovery_code_used"
    after = log[log.index(success) + 1 :]
    counted_after = sum(e in {"code_reused", "recovery_code_rejected", "code_rejected"}
                        for e in after)
    assert account.auth.status("alice").failures == counted_after
    assert "database is locked" not in str(outcomes)


def test_the_throttle_never_loses_an_increment(db_path: Path, account: Account):
    """32 wrong codes at once: the count equals the InvalidCode answers, exactly."""
    wrong = "000000" if account.phone.code() != "000000" else "111111"
    outcomes = _race(db_path, account, "totp", wrong)
    assert outcomes["Session"] == 0
    status = account.auth.status("alice")
    assert status.failures == outcomes["InvalidCode"] == 5, outcomes
    assert outcomes["TooManyAttempts"] == PROCESSES * THREADS_EACH - 5
