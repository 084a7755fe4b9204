"""The unknown-user path does the same argon2 work as the wrong-password path.

Proved by counting argon2 verifications and reading their parameters, not by a
wall-clock assertion (the benchmark reports the times).
"""

from __future__ import annotations

import pytest

from mfalab import AuthService, FrozenClock, UserStore, errors, passwords

from ..conftest import PASSWORD, START, enroll, make_auth


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The argon2 parameters (`m=…,t=…,p=…`) of every verification, in order."""
    seen: list[str] = []
    real = passwords._argon2_verify

    def counting(encoded: str, secret: bytes) -> bool:
        seen.append(encoded.split("$")[3])
        return real(encoded, secret)

    monkeypatch.setattr(passwords, "_argon2_verify", counting)
    return seen


@pytest.fixture
def auth() -> AuthService:
    clock = FrozenClock(START)
    auth = make_auth(UserStore(":memory:"), clock)
    enroll(auth, clock)  # alice, enrolled
    auth.register("bob", PASSWORD)  # bob, not enrolled
    return auth


ATTEMPTS = {
    "wrong-password": ("alice", "not the password"),
    "unknown-user": ("mallory", "not the password"),
    "unknown-user-right-password": ("mallory", PASSWORD),
    "wrong-password-not-enrolled": ("bob", "not the password"),
    "wrong-password-1mb": ("alice", "x" * 1_000_000),
    "unknown-user-1mb": ("mallory", "x" * 1_000_000),
    "wrong-password-not-text": ("alice", None),
    "unknown-user-not-text": ("mallory", None),
}


@pytest.mark.parametrize("attempt", sorted(ATTEMPTS))
def test_every_refused_password_costs_one_argon2_verification_at_the_same_parameters(
    auth: AuthService, counted: list[str], attempt: str
):
    name, password = ATTEMPTS[attempt]
    with pytest.raises(errors.LoginFailed) as refused:
        auth.login(name, password)  # type: ignore[arg-type]
    assert str(refused.value) == errors.LoginFailed.MESSAGE
    stored = auth.store.get_user("alice").password_hash.split("$")[3]  # type: ignore[union-attr]
    assert counted == [stored]


def test_the_right_password_costs_the_same_single_verification(
    auth: AuthService, counted: list[str]
):
    auth.login("alice", PASSWORD)
    assert len(counted) == 1


def test_a_locked_username_costs_no_argon2_work_known_or_not(
    auth: AuthService, counted: list[str]
):
    for name in ("alice", "mallory"):
        for _ in range(5):
            with pytest.raises(errors.LoginFailed):
                auth.login(name, "not the password")
        counted.clear()
        with pytest.raises(errors.TooManyAttempts):
            auth.login(name, PASSWORD)
        assert counted == []
