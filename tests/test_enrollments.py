"""Looking a pending enrollment up by its token (what the web page keeps between the QR
code and its confirmation): the same handle back, or the same refusal for any name."""

from __future__ import annotations

import pytest

from mfalab import AuthService, FrozenClock, VirtualAuthenticator, errors

from .conftest import PASSWORD, Account


def test_the_token_gives_back_the_handle_begin_enrollment_gave(auth: AuthService):
    auth.register("alice", PASSWORD)
    begun = auth.begin_enrollment("Alice", PASSWORD)
    found = auth.enrollment("ALICE", begun.token)
    assert found == begun  # secret, URI, settings, expiry and token alike
    phone = VirtualAuthenticator(clock=auth.clock)
    phone.scan(found.uri)
    assert len(auth.confirm_enrollment(found, phone.code())) == 10


def test_a_wrong_token_or_name_gets_one_refusal_for_everyone(auth: AuthService):
    auth.register("alice", PASSWORD)
    auth.register("bob", PASSWORD)
    begun = auth.begin_enrollment("alice", PASSWORD)
    refusals = set()
    for name, token in [("alice", begun.token[:-1] + "x"), ("bob", begun.token),
                        ("nobody", begun.token), ("alice", "")]:
        with pytest.raises(errors.EnrollmentRequired) as refused:
            auth.enrollment(name, token)
        assert not isinstance(refused.value, errors.EnrollmentExpired)
        refusals.add(str(refused.value))
    assert len(refusals) == 1


def test_a_confirmed_or_replaced_enrollment_is_not_found_again(alice: Account):
    with pytest.raises(errors.EnrollmentRequired):  # confirmed in the fixture: no longer pending
        alice.auth.enrollment("alice", "any-token-at-all")
    first = alice.auth.begin_enrollment("alice", PASSWORD, code=alice.codes[0])
    second = alice.auth.begin_enrollment("alice", PASSWORD, code=alice.codes[1])
    with pytest.raises(errors.EnrollmentRequired):
        alice.auth.enrollment("alice", first.token)
    assert alice.auth.enrollment("alice", second.token).secret == second.secret


def test_an_old_enrollment_has_expired(auth: AuthService, clock: FrozenClock):
    auth.register("alice", PASSWORD)
    begun = auth.begin_enrollment("alice", PASSWORD)
    clock.advance(10 * 60 + 1)
    with pytest.raises(errors.EnrollmentExpired):
        auth.enrollment("alice", begun.token)


@pytest.mark.parametrize("token", [None, 123, "x" * 257], ids=["none", "int", "too-long"])
def test_a_token_that_is_not_text_is_refused_clearly(auth: AuthService, token: object):
    auth.register("alice", PASSWORD)
    with pytest.raises(errors.EnrollmentRequired):
        auth.enrollment("alice", token)  # type: ignore[arg-type]
