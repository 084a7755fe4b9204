"""While locked, refused attempts cost no argon2 work, so their audit rows must be bounded."""

from __future__ import annotations

import pytest

from mfalab import errors
from mfalab.events import Event

from .conftest import Account


def _lock(alice: Account) -> None:
    challenge = alice.challenge()
    for _ in range(5):
        with pytest.raises(errors.InvalidCode):
            alice.auth.verify(challenge, "000000" if alice.phone.code() != "000000" else "111111")


def test_a_flood_while_locked_is_one_audit_row_with_a_count(alice: Account):
    _lock(alice)
    live = alice.auth.login("alice", alice.password)  # the password step is not locked
    start = len(alice.auth.audit_log("alice"))
    for _ in range(2000):
        with pytest.raises(errors.TooManyAttempts):
            alice.auth.verify(live, alice.phone.code())
    log = alice.auth.audit_log("alice")
    assert len(log) - start == 1
    assert log[-1].event == Event.REFUSED_WHILE_LOCKED
    assert log[-1].repeats == 2000


def test_a_new_lock_starts_a_new_row(alice: Account):
    _lock(alice)
    live = alice.auth.login("alice", alice.password)
    for _ in range(3):
        with pytest.raises(errors.TooManyAttempts):
            alice.auth.verify(live, alice.phone.code())
    alice.clock.advance(31)
    with pytest.raises(errors.InvalidCode):
        alice.auth.verify(live, "000000" if alice.phone.code() != "000000" else "111111")
    for _ in range(4):
        with pytest.raises(errors.TooManyAttempts):
            alice.auth.verify(live, alice.phone.code())
    rows = [e for e in alice.auth.audit_log("alice") if e.event == Event.REFUSED_WHILE_LOCKED]
    assert [r.repeats for r in rows] == [3, 4]
