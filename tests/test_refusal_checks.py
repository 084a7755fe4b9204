"""Every refusal names the check that refused it (`error.check`), for widgets and lessons."""

from __future__ import annotations

import pytest

from mfalab import errors
from mfalab.events import Check

from .conftest import Account


def _wrong(alice: Account) -> str:
    return "000000" if alice.phone.code() != "000000" else "111111"


def test_each_refusal_says_which_check_refused_it(alice: Account):
    challenge = alice.challenge()
    with pytest.raises(errors.InvalidCode) as shape:
        alice.auth.verify(challenge, "12345a")
    with pytest.raises(errors.InvalidCode) as window:
        alice.auth.verify(challenge, _wrong(alice))
    code = alice.phone.code()
    alice.auth.verify(challenge, code)
    with pytest.raises(errors.CodeReused) as replay:
        alice.auth.verify(alice.challenge(), code)
    with pytest.raises(errors.InvalidCode) as recovery_code:
        alice.auth.recover(alice.challenge(), "ABCD-EFGH-JKMN-PQRS")
    with pytest.raises(errors.InvalidCode) as recovery_shape:
        alice.auth.recover(alice.challenge(), "ABCD-EFGH")
    for _ in range(2):  # failures 4 and 5 after the success: the fifth starts the lock
        with pytest.raises(errors.InvalidCode):
            alice.auth.verify(alice.challenge(), _wrong(alice))
    with pytest.raises(errors.TooManyAttempts) as throttled:
        alice.auth.verify(alice.challenge(), alice.phone.code())
    with pytest.raises(errors.LoginFailed) as password:
        alice.auth.login("alice", "not the password")
    assert [e.value.check for e in (shape, window, replay, recovery_code, recovery_shape,
                                    throttled, password)] == [
        Check.SHAPE, Check.WINDOW, Check.REPLAY, Check.RECOVERY_CODE, Check.SHAPE,
        Check.THROTTLE, Check.PASSWORD]


def test_a_disabled_factor_says_so(alice: Account):
    challenge = alice.challenge()
    for _ in range(100):
        alice.clock.advance(3601)
        with pytest.raises((errors.InvalidCode, errors.SecondFactorDisabled)):
            alice.auth.verify(challenge if alice.clock.now() - challenge.created_at < 300
                              else (challenge := alice.challenge()), _wrong(alice))
    with pytest.raises(errors.SecondFactorDisabled) as disabled:
        alice.auth.verify(alice.challenge(), alice.phone.code())
    assert disabled.value.check is Check.DISABLED
    assert str(Check.DISABLED) == "disabled" and f"{Check.REPLAY}" == "replay"
