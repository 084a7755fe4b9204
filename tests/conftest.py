"""Shared fixtures: a frozen clock, the cheap argon2 profile, an enrolled account."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mfalab import AuthService, Challenge, FrozenClock, UserStore, VirtualAuthenticator, passwords

PASSWORD = "violet anchor tundra 58"
START = 1_700_000_000  # 2023-11-14T22:13:20Z, the middle of a 30 s step (step 56666666)
RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # RFC 4226's key "12345678901234567890"
DIGESTS = ("sha1", "sha256", "sha512")
#: Every (digits, digest, period) the service is tested with end to end.
OTP_SETTINGS = [
    pytest.param(digits, digest, period, id=f"{digits}-digits-{digest}-{period}s")
    for digits in (6, 7, 8)
    for digest in DIGESTS
    for period in (30, 60)
]


@pytest.fixture(autouse=True)
def _no_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests choose their key source explicitly."""
    monkeypatch.delenv("MFALAB_KEY", raising=False)


@pytest.fixture(autouse=True)
def _widget_callbacks_raise(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in a widget's click or Enter handler fails the test.

    ipywidgets runs handlers through a `CallbackDispatcher` that only logs what they raise
    (in Jupyter it shows the traceback); in tests the exception must surface.
    """
    from ipywidgets.widgets.widget import CallbackDispatcher

    def call_all(self: CallbackDispatcher, *args: object, **kwargs: object) -> object:
        value = None
        for callback in self.callbacks:
            answer = callback(*args, **kwargs)
            value = answer if answer is not None else value
        return value

    monkeypatch.setattr(CallbackDispatcher, "__call__", call_all)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


def make_auth(store: UserStore, clock: FrozenClock, **kwargs: object) -> AuthService:
    """An AuthService on the cheap argon2 profile (tests only)."""
    return AuthService(
        store, clock=clock, password_profile=passwords.CHEAP_FOR_TESTS_ONLY, **kwargs
    )


@pytest.fixture
def auth(clock: FrozenClock) -> Iterator[AuthService]:
    store = UserStore(":memory:")
    yield make_auth(store, clock)
    store.close()


@dataclass
class Account:
    auth: AuthService
    clock: FrozenClock
    phone: VirtualAuthenticator
    codes: list[str]
    name: str = "alice"
    password: str = PASSWORD

    def challenge(self) -> Challenge:
        return self.auth.login(self.name, self.password)


def enroll(auth: AuthService, clock: FrozenClock, name: str = "alice") -> Account:
    """Register and enroll `name`; the clock is moved past the confirming step."""
    auth.register(name, PASSWORD)
    enrollment = auth.begin_enrollment(name, PASSWORD)
    phone = VirtualAuthenticator(clock=clock)
    phone.scan(enrollment.uri)
    codes = auth.confirm_enrollment(enrollment, phone.code())
    clock.advance(30)
    return Account(auth, clock, phone, codes, name)


@pytest.fixture
def alice(auth: AuthService, clock: FrozenClock) -> Account:
    return enroll(auth, clock)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "users.db"
