"""Races: 8 processes × 4 threads (32 attempts at once) on one database, on both backends.

The same valid code, then the same recovery code: exactly one success each time, the
rest refused — and every refusal audited; the throttle never loses an increment (the
failures it counted equal the `InvalidCode` answers given).
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections import Counter
from collections.abc import Callable

import pytest

from mfalab import Challenge, FrozenClock, UserStore, errors
from mfalab.events import ThrottleKind
from mfalab.models import token_hash
from mfalab.passkeys import credential_id_text
from mfalab.throttle import Throttle

from ..conftest import ALL_BACKENDS, START, Account, enroll, make_auth

BACKENDS = ALL_BACKENDS  # one SQLite file, or one PostgreSQL database
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


def _race(location: str, account: Account, kind: str, code: str) -> Counter[str]:
    challenges = [account.challenge() for _ in range(PROCESSES * THREADS_EACH)]
    start_at = time.time() + 3.0  # after every child has imported mfalab
    jobs = [
        (location, account.clock.now(), start_at, kind,
         [(c.token, c.created_at) for c in challenges[p::PROCESSES]], code)
        for p in range(PROCESSES)
    ]
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        results = pool.map(_worker, jobs)
    return Counter(outcome for batch in results for outcome in batch)


@pytest.fixture
def account(location: str) -> Account:
    clock = FrozenClock(START)
    account = enroll(make_auth(UserStore(location), clock), clock)
    clock.advance(30)
    return account


@pytest.mark.parametrize("kind", ["totp", "recovery"])
def test_one_code_32_attempts_8_processes_exactly_one_wins(
    location: str, account: Account, kind: str
):
    code = account.phone.code() if kind == "totp" else account.codes[0]
    before = len(account.auth.audit_log("alice"))
    outcomes = _race(location, account, kind, code)
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


def test_the_throttle_never_loses_an_increment(location: str, account: Account):
    """32 wrong codes at once: the count equals the InvalidCode answers, exactly."""
    wrong = "000000" if account.phone.code() != "000000" else "111111"
    outcomes = _race(location, account, "totp", wrong)
    assert outcomes["Session"] == 0
    status = account.auth.status("alice")
    assert status.failures == outcomes["InvalidCode"] == 5, outcomes
    assert outcomes["TooManyAttempts"] == PROCESSES * THREADS_EACH - 5


# -- the store's own compare-and-sets, with no service around them ---------------------


def _together(calls: list[Callable[[], object]]) -> list[object]:
    """Run the calls in threads released together by a barrier; return their results."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


RACERS = PROCESSES * THREADS_EACH


def test_each_compare_and_set_of_the_store_has_exactly_one_winner(
    location: str, account: Account
):
    """32 stores at once: one accepted step, one used recovery code, one ended challenge."""
    stores = [UserStore(location) for _ in range(RACERS)]
    last = stores[0].get_user("alice").last_step  # type: ignore[union-attr]
    assert last is not None
    code_id = stores[0].unused_recovery_codes("alice")[0].id
    hashed = token_hash(account.challenge().token)
    for race in (
        [lambda s=s: s.accept_step("alice", last + 1, 0) for s in stores],
        [lambda s=s: s.use_recovery_code(code_id, START) for s in stores],
        [lambda s=s: s.end_challenge(hashed) for s in stores],
    ):
        assert _together(race).count(True) == 1
    for s in stores:
        s.close()


def test_concurrent_throttle_updates_are_never_lost(location: str):
    """32 read-modify-writes at once, on a key with no throttle row yet: 32 counted."""
    stores = [UserStore(location) for _ in range(RACERS)]

    def one_more(store: UserStore) -> None:
        with store.transaction():
            state = store.get_throttle(ThrottleKind.PASSWORD, "a new key")
            store.set_throttle(ThrottleKind.PASSWORD, "a new key",
                               Throttle(failures=state.failures + 1))

    _together([lambda s=s: one_more(s) for s in stores])
    assert stores[0].get_throttle(ThrottleKind.PASSWORD, "a new key").failures == RACERS
    for s in stores:
        s.close()


def test_concurrent_replacements_of_recovery_codes_leave_one_set(
    location: str, account: Account
):
    """Two new sets at once must not both stay valid: the old set is void, one new set is."""
    stores = [UserStore(location) for _ in range(RACERS)]
    _together([lambda s=s, i=i: s.replace_recovery_codes(
        "alice", [f"set{i}-{n}" for n in range(10)]) for i, s in enumerate(stores)])
    left = {r.code_hash.split("-")[0] for r in stores[0].unused_recovery_codes("alice")}
    assert len(stores[0].unused_recovery_codes("alice")) == 10 and len(left) == 1
    for s in stores:
        s.close()


def test_two_removals_at_once_never_leave_an_account_without_a_second_factor(
    location: str, clock: FrozenClock
):
    """Two passkeys, no app: removing both at once must leave one (the decision on the set
    is made under the account's lock, not on what each removal saw before the other)."""
    from mfalab import VirtualPasskey

    store = UserStore(location)
    auth = make_auth(store, clock)
    account = enroll(auth, clock)
    for seed in (b"laptop", b"phone"):
        session = auth.verify(account.challenge(), account.phone.code())
        clock.advance(30)
        key = VirtualPasskey(seed=seed)
        auth.finish_passkey_registration(session, key.create(
            auth.begin_passkey_registration(session)))
    with store.transaction():
        store.clear_second_factor("alice")  # the app is gone: the passkeys are all that is left
    held = [p.credential_id for p in store.passkeys("alice")]
    assert len(held) == 2
    services = [make_auth(UserStore(location), clock) for _ in held]

    def remove(service: object, credential: bytes) -> str:
        try:
            service.remove_passkey(  # type: ignore[attr-defined]
                session, credential_id_text(credential))
        except errors.AuthError as refused:
            return type(refused).__name__
        return "removed"

    outcomes = _together([lambda s=s, c=c: remove(s, c)
                          for s, c in zip(services, held, strict=True)])
    assert sorted(map(str, outcomes)) == ["SecondFactorRequired", "removed"], outcomes
    assert len(store.passkeys("alice")) == 1
