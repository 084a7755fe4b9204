"""After the argon2 parameters are raised, an account still on an old, cheaper hash must
not answer a wrong password faster than an unknown user does (a timing oracle)."""

from __future__ import annotations

import time

import argon2
import pytest
from argon2 import Parameters, Type

from mfalab import FrozenClock, UserStore, errors, passwords

from ..conftest import PASSWORD, START

OLD = Parameters(type=Type.ID, version=19, salt_len=16, hash_len=32, time_cost=1,
                 memory_cost=2048, parallelism=1)
NEW = Parameters(type=Type.ID, version=19, salt_len=16, hash_len=32, time_cost=2,
                 memory_cost=12 * 1024, parallelism=1)


@pytest.fixture
def auth():  # type: ignore[no-untyped-def]
    from mfalab import AuthService

    clock = FrozenClock(START)
    store = UserStore(":memory:")
    AuthService(store, clock=clock, password_profile=OLD).register("alice", PASSWORD)
    yield AuthService(store, clock=clock, password_profile=NEW)
    store.close()


def test_a_wrong_password_on_an_old_hash_costs_the_current_work(auth, monkeypatch):  # type: ignore[no-untyped-def]
    """Counted: argon2 memory x passes for an old-hash account equals the unknown user's."""
    work: list[int] = []
    real_verify, real_raw = passwords._argon2_verify, argon2.low_level.hash_secret_raw

    def verify(encoded: str, secret: bytes) -> bool:
        params = argon2.extract_parameters(encoded)
        work.append(params.memory_cost * params.time_cost)
        return real_verify(encoded, secret)

    def raw(secret: bytes, salt: bytes, time_cost: int, memory_cost: int, **kw: object) -> bytes:
        work.append(memory_cost * time_cost)
        return real_raw(secret, salt, time_cost, memory_cost, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(passwords, "_argon2_verify", verify)
    monkeypatch.setattr(argon2.low_level, "hash_secret_raw", raw)
    for name in ("alice", "mallory"):
        work.clear()
        with pytest.raises(errors.LoginFailed):
            auth.login(name, "not the password")
        assert sum(work) == NEW.memory_cost * NEW.time_cost, (name, work)


def _best_times(auth, runs: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """The best of `runs` interleaved wrong-password logins: (old-hash account, unknown)."""
    best = {"alice": float("inf"), "mallory": float("inf")}
    for _ in range(runs):
        for name in ("alice", "mallory"):
            auth.clock.advance(3601)  # past any lock: this measures the password step itself
            start = time.perf_counter()
            with pytest.raises(errors.LoginFailed):
                auth.login(name, "not the password")
            best[name] = min(best[name], time.perf_counter() - start)
    return best["alice"], best["mallory"]


def test_same_time_within_ten_percent_whatever_the_stored_hash(auth):  # type: ignore[no-untyped-def]
    """Timed, because slowness is the point here. The minimum of many interleaved runs is
    what an attacker averaging many tries converges on; other load on the machine only
    adds time, so a round disturbed by it is measured again (up to three rounds) — a real
    gap (the old hash alone is ~10x cheaper here) shows in every round."""
    _best_times(auth, 3)  # warm caches (the dummy hash, zxcvbn's lists)
    rounds = []
    for _ in range(3):
        old_hash, unknown = _best_times(auth, 30)
        rounds.append((old_hash, unknown))
        if abs(old_hash - unknown) / unknown < 0.10:
            return
    pytest.fail(f"an old hash answers in a different time than an unknown user: {rounds}")
