"""Crash safety: a writer killed with SIGKILL in the middle of registrations and logins.

The database reopens, `PRAGMA integrity_check` says ok, every write the writer saw
acknowledged is there, and no half-enrolled account can log in without a code.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from mfalab import FrozenClock, UserStore, errors

from ..conftest import PASSWORD, START, make_auth

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


@pytest.mark.parametrize("kill_after", [7, 40, 101])
def test_sigkill_mid_write_loses_nothing_acknowledged(tmp_path: Path, kill_after: int):
    db = tmp_path / "users.db"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db)], stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
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

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    clock = FrozenClock(START + 10 * 86400)  # long after: every pending enrollment expired
    with UserStore(db) as store:
        auth = make_auth(store, clock)
        for fact in acked:
            user = store.get_user(fact[1])
            assert user is not None, fact
            if fact[0] == "enrolled":
                assert user.seed == fact[2]
        names = [row[0] for row in sqlite3.connect(db).execute("SELECT username FROM users")]
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
