"""Security notifications: sent once, after the commit, for every security event."""

from __future__ import annotations

import pytest

from mfalab import AuditEvent, FrozenClock, UserStore, errors
from mfalab.events import NOTIFIED, Event

from .conftest import START, Account, enroll, make_auth


@pytest.fixture
def sent() -> list[AuditEvent]:
    return []


def _account(sent: list[AuditEvent]) -> Account:
    clock = FrozenClock(START)
    auth = make_auth(UserStore(":memory:"), clock, notify=sent.append)
    return enroll(auth, clock)


def test_an_administrators_reset_notifies_the_owner(sent: list[AuditEvent]):
    """NIST SP 800-63B-4 §4.2: account recovery is notified."""
    alice = _account(sent)
    sent.clear()
    alice.auth.reset_second_factor("alice")
    assert [e.event for e in sent] == [Event.SECOND_FACTOR_RESET]


def test_regenerated_recovery_codes_notify_the_owner(sent: list[AuditEvent]):
    alice = _account(sent)
    session = alice.auth.verify(alice.challenge(), alice.phone.code())
    sent.clear()
    alice.auth.regenerate_recovery_codes(session)
    assert [e.event for e in sent] == [Event.RECOVERY_CODES_REGENERATED]


def test_a_recovery_login_says_how_many_codes_are_left_and_offers_a_new_set(
    sent: list[AuditEvent],
):
    """§4.2.1.1: after a saved recovery code is used, a new set is offered."""
    alice = _account(sent)
    session = alice.auth.recover(alice.challenge(), alice.codes[0])
    assert session.method == "recovery code"
    assert session.recovery_codes_left == 9
    assert "recovery_codes_left=9" in repr(session)
    fresh = alice.auth.regenerate_recovery_codes(session)
    assert len(fresh) == 10 and alice.auth.status("alice").recovery_codes_left == 10
    totp = alice.auth.verify(alice.challenge(), alice.phone.code())
    assert totp.recovery_codes_left is None and "recovery_codes_left" not in repr(totp)


def test_each_event_is_notified_once_and_only_after_the_commit(sent: list[AuditEvent]):
    alice = _account(sent)
    seen_in_log: list[bool] = []

    def notify(event: AuditEvent) -> None:
        seen_in_log.append(any(e.event == event.event and e.at == event.at
                               for e in alice.auth.audit_log("alice")))

    alice.auth.notify = notify
    alice.auth._work.notify = notify
    alice.auth.reset_second_factor("alice")
    assert seen_in_log == [True]


def test_the_registry_of_notified_events_covers_the_design(sent: list[AuditEvent]):
    assert {Event.ENROLLMENT_CONFIRMED, Event.RECOVERY_CODE_USED, Event.CODE_REUSED,
            Event.LOCKOUT, Event.SECOND_FACTOR_RESET, Event.RECOVERY_CODES_REGENERATED,
            Event.PASSWORD_CHANGED, Event.PASSKEY_ADDED, Event.PASSKEY_REMOVED,
            Event.PASSKEY_CLONE_WARNING} <= NOTIFIED


def test_a_refusal_is_notified_even_though_it_raises(sent: list[AuditEvent]):
    alice = _account(sent)
    code = alice.phone.code()
    alice.auth.verify(alice.challenge(), code)
    sent.clear()
    with pytest.raises(errors.CodeReused):
        alice.auth.verify(alice.challenge(), code)
    assert [e.event for e in sent] == [Event.CODE_REUSED]
