"""Shared fixtures: a frozen clock, the cheap argon2 profile, an enrolled account, stores.

A test module that sets `BACKENDS = ALL_BACKENDS` runs each test that uses `backend`,
`location`, `store`, `auth` or `alice` once per backend: SQLite (in memory, or a file for
`location`) and PostgreSQL (a database of its own on a throwaway server started once for
the session; see `postgres_server`). Other modules use SQLite only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mfalab import AuthService, Challenge, FrozenClock, UserStore, VirtualAuthenticator, passwords
from mfalab.keys import new_key_text

from .postgres_server import PostgresServer, find_bindir

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
    """Tests choose their key source (and the web app's database) explicitly."""
    for name in ("MFALAB_KEY", "MFALAB_DATABASE_URL", "MFALAB_FORM_KEY",
                 "MFALAB_LIMITER_STORAGE", "MFALAB_TRUSTED_PROXIES"):
        monkeypatch.delenv(name, raising=False)


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


ALL_BACKENDS = ("sqlite", "postgres")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize `backend` by the module's BACKENDS (SQLite alone by default)."""
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", getattr(metafunc.module, "BACKENDS", ("sqlite",)))


@pytest.fixture(scope="session")
def postgres_server(request: pytest.FixtureRequest) -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL server for the session, stopped at the end even on failure."""
    bindir = find_bindir()
    if bindir is None:
        pytest.fail("PostgreSQL is not installed: `make unit` installs it "
                    "(apt-get install postgresql), or set MFALAB_PG_BINDIR.")
    server = PostgresServer(bindir)
    request.addfinalizer(server.stop)
    yield server.start()


@pytest.fixture
def location(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[str]:
    """An empty database of the backend: a new file's path, or a PostgreSQL URL.

    PostgreSQL requires MFALAB_KEY, so it is set (to a new key) for those tests.
    """
    if backend == "sqlite":
        yield str(tmp_path / "users.db")
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    monkeypatch.setenv("MFALAB_KEY", new_key_text())
    yield server.url(server.emptied_database())


@pytest.fixture
def store(backend: str, location: str) -> Iterator[UserStore]:
    """A store of the backend: SQLite in memory, or a new PostgreSQL database."""
    opened = UserStore(":memory:" if backend == "sqlite" else location)
    yield opened
    opened.close()


@pytest.fixture
def auth(store: UserStore, clock: FrozenClock) -> AuthService:
    return make_auth(store, clock)


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
