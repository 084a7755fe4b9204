"""Sessions: looked up by token, revoked on sign-out and password change, timed out."""

from __future__ import annotations

import pytest

from mfalab import AuthService, FrozenClock, Session, UserStore, errors
from mfalab.events import Event

from .conftest import PASSWORD, Account, enroll, make_auth


def _signed_in(alice: Account) -> Session:
    return alice.auth.verify(alice.challenge(), alice.phone.code())


def test_a_session_is_found_by_its_token(alice: Account):
    session = _signed_in(alice)
    assert alice.auth.session(session.token) == session


@pytest.mark.parametrize("token", ["", "forged", "A" * 43, "x" * 10_000, None, 42])
def test_an_unknown_token_is_session_expired(alice: Account, token: object):
    with pytest.raises(errors.SessionExpired):
        alice.auth.session(token)  # type: ignore[arg-type]


def test_logout_revokes_server_side(alice: Account):
    session = _signed_in(alice)
    alice.auth.logout(session.token)
    with pytest.raises(errors.SessionExpired, match="ended"):
        alice.auth.session(session.token)
    assert alice.auth.audit_log("alice")[-1].event == Event.SIGNED_OUT


def test_the_idle_timeout_ends_a_session_and_activity_keeps_it(clock: FrozenClock):
    auth = make_auth(UserStore(":memory:"), clock, session_idle_seconds=600)
    alice = enroll(auth, clock)
    session = _signed_in(alice)
    for _ in range(5):
        clock.advance(500)
        auth.session(session.token)  # activity within 10 minutes
    clock.advance(601)
    with pytest.raises(errors.SessionExpired, match="idle"):
        auth.session(session.token)


def test_the_absolute_lifetime_ends_even_an_active_session(alice: Account):
    session = _signed_in(alice)
    for _ in range(12 * 2 + 1):
        alice.clock.advance(30 * 60 - 1)
        if alice.clock.now() - session.created_at > 12 * 3600:
            break
        alice.auth.session(session.token)
    with pytest.raises(errors.SessionExpired, match="12 hours"):
        alice.auth.session(session.token)


def test_change_password_revokes_every_session_and_issues_a_new_one(alice: Account):
    one, two = _signed_in(alice), None
    alice.clock.advance(30)
    two = _signed_in(alice)
    new_password = "granite harbor lantern 71"
    renewed = alice.auth.change_password(two, PASSWORD, new_password)
    assert renewed.token not in (one.token, two.token)
    for old in (one, two):
        with pytest.raises(errors.SessionExpired):
            alice.auth.session(old.token)
    assert alice.auth.session(renewed.token).username == "alice"
    assert renewed.created_at == two.created_at  # a renewal is not a fresh login
    with pytest.raises(errors.LoginFailed):
        alice.auth.login("alice", PASSWORD)
    assert alice.auth.login("alice", new_password)


def test_change_password_needs_the_old_one_and_the_policy(alice: Account):
    session = _signed_in(alice)
    with pytest.raises(errors.LoginFailed):
        alice.auth.change_password(session, "not the password", "granite harbor lantern 71")
    with pytest.raises(errors.WeakPassword):
        alice.auth.change_password(session, PASSWORD, "alice2024!")
    assert alice.auth.session(session.token)  # nothing was revoked


def test_change_password_is_notified(clock: FrozenClock):
    sent: list[object] = []
    auth = make_auth(UserStore(":memory:"), clock, notify=sent.append)
    alice = enroll(auth, clock)
    sent.clear()
    auth.change_password(_signed_in(alice), PASSWORD, "granite harbor lantern 71")
    assert [e.event for e in sent] == [Event.PASSWORD_CHANGED]  # type: ignore[attr-defined]


def test_a_challenge_is_found_by_its_token(alice: Account):
    challenge = alice.challenge()
    assert alice.auth.challenge(challenge.token) == challenge
    alice.auth.verify(challenge, alice.phone.code())
    with pytest.raises(errors.ChallengeExpired):
        alice.auth.challenge(challenge.token)
    with pytest.raises(errors.InvalidChallenge):
        alice.auth.challenge("forged")


def test_status_reports_the_password_lock(auth: AuthService):
    auth.register("alice", PASSWORD)
    for _ in range(5):
        with pytest.raises(errors.LoginFailed):
            auth.login("alice", "wrong password here")
    status = auth.status("alice")
    assert status.password_failures == 5 and status.password_retry_after == 30
