"""Crash safety: a writer killed with SIGKILL in the middle of registrations and logins.

On both backends: the database reopens (SQLite: `PRAGMA integrity_check` says ok), every
write the writer saw acknowledged is there, and no half-enrolled account can log in
without a code. A client killed inside a transaction leaves nothing of it behind, and
its locks go with it: the next writer of the same rows does not wait.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import psycopg
import pytest

from mfalab import FrozenClock, UserStore, errors
from mfalab.events import Event, ThrottleKind
from mfalab.throttle import Throttle

from ..conftest import ALL_BACKENDS, PASSWORD, START, make_auth

BACKENDS = ALL_BACKENDS

WRITER = textwrap.dedent(
    """
    import sys
    from mfalab import AuthService, FrozenClock, UserStore, otp, passwords
    clock = FrozenClock({start})
    auth = AuthService(UserStore(sys.argv[1]), clock=clock,
                       password_profile=passwords.CHEAP_FOR_TESTS_ONLY)
    i = 0
    while True:
        name = f"user{{i}}"
        auth.register(name, {password!r})
        print("registered", name, flush=True)
        enrollment = auth.begin_enrollment(name, {password!r})
        print("pending", name, flush=True)
        if i % 3:  # every third account stays half-enrolled
            auth.confirm_enrollment(enrollment, otp.totp(enrollment.secret, clock.now()))
            print("enrolled", name, enrollment.secret, flush=True)
            clock.advance(30)
            challenge = auth.login(name, {password!r})
            auth.verify(challenge, otp.totp(enrollment.secret, clock.now()))
            print("logged-in", name, flush=True)
        i += 1
    """
).format(start=START, password=PASSWORD)


HOLDER = textwrap.dedent(
    """
    import sys, time
    from mfalab import UserStore
    from mfalab.events import Event, ThrottleKind
    from mfalab.throttle import Throttle
    store = UserStore(sys.argv[1])
    with store.transaction():
        store.add_user("mallory", "not a real hash", 0.0)
        store.add_audit("mallory", 0.0, Event.REGISTERED)
        store.get_throttle(ThrottleKind.FACTOR, "alice")
        store.set_throttle(ThrottleKind.FACTOR, "alice", Throttle(failures=99))
        print("inside", flush=True)
        time.sleep(120)
    """
)


def _child(script: str, location: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, location], stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )


def _usernames(backend: str, location: str) -> list[str]:
    if backend == "sqlite":
        conn = sqlite3.connect(location)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        names = [row[0] for row in conn.execute("SELECT username FROM users")]
        conn.close()
        return names
    with psycopg.connect(location) as pg:
        return [row[0] for row in pg.execute("SELECT username FROM users")]


def test_a_client_killed_inside_a_transaction_leaves_nothing_of_it(
    backend: str, location: str
):
    with UserStore(location) as store:  # opened first: opening writes (the schema check)
        holder = _child(HOLDER, location)
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "inside"
        assert store.get_user("mallory") is None  # not visible before the commit either
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
        holder.stdout.close()
        assert store.get_user("mallory") is None
        assert store.audit("mallory") == []
        assert store.get_throttle(ThrottleKind.FACTOR, "alice") == Throttle()
        with store.transaction():  # the killed client's locks are gone: no wait, no error
            store.add_user("mallory", "another hash", 1.0)
            before = store.get_throttle(ThrottleKind.FACTOR, "alice")
            store.set_throttle(ThrottleKind.FACTOR, "alice", Throttle(before.failures + 1))
            store.add_audit("mallory", 1.0, Event.REGISTERED)
    with UserStore(location) as store:
        assert store.get_user("mallory").password_hash == "another hash"  # type: ignore[union-attr]
        assert store.get_throttle(ThrottleKind.FACTOR, "alice").failures == 1
        assert len(store.audit("mallory")) == 1
    assert _usernames(backend, location) == ["mallory"]


@pytest.mark.parametrize("kill_after", [7, 40, 101])
def test_sigkill_mid_write_loses_nothing_acknowledged(
    backend: str, location: str, kill_after: int
):
    writer = _child(WRITER, location)
    acked: list[list[str]] = []
    assert writer.stdout is not None
    deadline = time.monotonic() + 60
    while len(acked) < kill_after and time.monotonic() < deadline:
        line = writer.stdout.readline()
        if not line:
            break
        acked.append(line.split())
    writer.send_signal(signal.SIGKILL)  # mid-write: it was busy with the next step
    writer.wait(timeout=10)
    writer.stdout.close()
    assert len(acked) == kill_after, "the writer stopped before it was killed"

    names = _usernames(backend, location)
    clock = FrozenClock(START + 10 * 86400)  # long after: every pending enrollment expired
    with UserStore(location) as store:
        auth = make_auth(store, clock)
        for fact in acked:
            user = store.get_user(fact[1])
            assert user is not None, fact
            if fact[0] == "enrolled":
                assert user.seed == fact[2]
        for name in names:
            user = store.get_user(name)
            assert user is not None
            try:
                challenge = auth.login(name, PASSWORD)
            except errors.EnrollmentRequired:
                assert user.seed is None  # half-enrolled or only registered: no way in
                continue
            assert user.seed is not None  # a challenge, never a session, without a code
            with pytest.raises(errors.InvalidCode):
                auth.verify(challenge, "")
