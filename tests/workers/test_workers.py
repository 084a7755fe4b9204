"""The web login on gunicorn with 4 worker processes and one PostgreSQL database, on loopback.

Bounded load: 32 visitors at a time, every wait capped. What must hold whichever worker
answers a request:

- of 32 visitors submitting the same fresh code at once, exactly one is signed in
  (RFC 6238 §5.2, the accepted time step is a compare-and-set in the database);
- 32 wrong codes at once are all counted: the throttle locks after exactly 5, however the
  requests were spread over the workers (NIST SP 800-63B-4 §3.2.2);
- a session begun through one worker is known to all of them, and a form drawn by one is
  accepted by another (the signing key is shared, derived from MFALAB_KEY).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from mfalab import AuthService, FrozenClock, UserStore, otp, passwords
from mfalab.web.client import Page, Visitor

from ..conftest import PASSWORD
from ..postgres_server import PostgresServer
from .conftest import Gunicorn

VISITORS = 32


@dataclass
class Deployment:
    server: Gunicorn
    database: str
    url: str
    secret: str  # alice's TOTP seed, as her phone holds it


@pytest.fixture
def deployment(postgres_server: PostgresServer, gunicorn: Callable[[str], Gunicorn],
               ) -> Iterator[Deployment]:
    name = postgres_server.new_database()
    url = postgres_server.url(name)
    # Enrolled a minute ago on this machine's clock, so the code of now is fresh.
    clock = FrozenClock(time.time() - 60)
    with UserStore(url) as store:
        auth = AuthService(store, clock=clock, password_profile=passwords.CHEAP_FOR_TESTS_ONLY)
        auth.register("alice", PASSWORD)
        enrollment = auth.begin_enrollment("alice", PASSWORD)
        auth.confirm_enrollment(enrollment, otp.totp(enrollment.secret, clock.now()))
    yield Deployment(gunicorn(url), name, url, enrollment.secret)
    postgres_server.drop_database(name)


def _together(count: int, step: Callable[[int], None]) -> None:
    """Run `step(i)` for i < count in threads released at once; every wait bounded."""
    barrier = threading.Barrier(count)
    failures: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            step(i)
        except BaseException as failed:  # reported by the test's thread below
            failures.append(failed)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    assert not any(t.is_alive() for t in threads), "a request did not finish in time"
    assert not failures, failures


def _at_the_code_step(base: str, count: int) -> list[Visitor]:
    """`count` visitors past the password step at once (forms drawn and posted anywhere)."""
    visitors = [Visitor(base) for _ in range(count)]

    def log_in(i: int) -> None:
        visitors[i].get("/login")
        page = visitors[i].post("/login", {"username": "alice", "password": PASSWORD})
        assert page.path == "/login/code", page

    _together(count, log_in)
    return visitors


def _all_at_once(visitors: list[Visitor], code: str) -> list[Page]:
    pages: list[Page | None] = [None] * len(visitors)

    def submit(i: int) -> None:
        pages[i] = visitors[i].post("/login/code", {"code": code})

    _together(len(visitors), submit)
    return [p for p in pages if p is not None]


def test_of_32_visitors_with_the_same_fresh_code_exactly_one_is_signed_in(
    deployment: Deployment, postgres_server: PostgresServer
):
    visitors = _at_the_code_step(deployment.server.url, VISITORS)
    pages = _all_at_once(visitors, otp.totp(deployment.secret, time.time()))
    assert Counter(p.path for p in pages)["/account"] == 1, [p.status for p in pages]
    assert all(p.status in (400, 429) for p in pages if p.path != "/account")
    with postgres_server.admin(deployment.database) as conn:
        assert conn.execute("SELECT count(*) FROM sessions WHERE username = 'alice'"
                            ).fetchone() == (1,)
        # The requests were spread: several workers hold connections of their own.
        assert conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
                            " AND application_name = 'mfalab'", (deployment.database,)
                            ).fetchone()[0] >= 2  # type: ignore[index]
    for v in visitors:
        v.close()


def test_32_wrong_codes_at_once_are_all_counted(deployment: Deployment):
    visitors = _at_the_code_step(deployment.server.url, VISITORS)
    right = otp.totp(deployment.secret, time.time())
    wrong = "000000" if right != "000000" else "111111"
    pages = _all_at_once(visitors, wrong)
    statuses = Counter(p.status for p in pages)
    with UserStore(deployment.url) as store:
        status = AuthService(store).status("alice")
    assert status.failures == statuses[400] == 5, statuses
    assert statuses[429] == VISITORS - 5
    for v in visitors:
        v.close()


def test_sessions_and_forms_are_shared_by_the_workers(deployment: Deployment):
    """Forms drawn by one worker are accepted by another; a session is known to all."""
    visitors = _at_the_code_step(deployment.server.url, 16)  # no form refused
    assert len(set(deployment.server.answered_by("POST /login "))) >= 2
    pages = _all_at_once(visitors[:1], otp.totp(deployment.secret, time.time()))
    assert pages[0].path == "/account"
    readers = [Visitor(deployment.server.url, visitors[0].cookie) for _ in range(16)]
    paths: list[str] = [""] * len(readers)

    def read(i: int) -> None:
        paths[i] = readers[i].get("/account").path

    _together(len(readers), read)
    assert paths == ["/account"] * len(readers)
    assert len(set(deployment.server.answered_by("GET /account "))) >= 2
    for v in visitors + readers:
        v.close()
