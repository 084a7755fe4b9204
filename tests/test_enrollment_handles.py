"""Only whoever began an enrollment (and holds its handle) may confirm it."""

from __future__ import annotations

import dataclasses

import pytest

from mfalab import AuthService, Enrollment, FrozenClock, VirtualAuthenticator, errors, otp

from .conftest import PASSWORD


def _begin(auth: AuthService, clock: FrozenClock) -> tuple[Enrollment, VirtualAuthenticator]:
    auth.register("alice", PASSWORD)
    enrollment = auth.begin_enrollment("alice", PASSWORD)
    phone = VirtualAuthenticator(clock=clock)
    phone.scan(enrollment.uri)
    return enrollment, phone


def test_the_handle_holder_confirms(auth: AuthService, clock: FrozenClock):
    enrollment, phone = _begin(auth, clock)
    assert len(auth.confirm_enrollment(enrollment, phone.code())) == 10
    assert auth.status("alice").enrolled


@pytest.mark.parametrize("forged_token", ["", "x", "A" * 43])
def test_a_handle_built_by_hand_is_refused_and_counts_nothing(
    auth: AuthService, clock: FrozenClock, forged_token: str
):
    """An outsider who knows the name (even the right code) cannot confirm, and learns
    nothing: the refusal is the same as for a name with nothing pending."""
    enrollment, phone = _begin(auth, clock)
    forged = dataclasses.replace(enrollment, token=forged_token)
    with pytest.raises(errors.EnrollmentRequired) as refused:
        auth.confirm_enrollment(forged, phone.code())
    status = auth.status("alice")
    assert status.pending and not status.enrolled and status.failures == 0
    auth.register("bob", PASSWORD)
    nobody = Enrollment("bob", "MFA Lab", 0.0, 6, 30, "sha1", enrollment.secret,
                        enrollment.uri, forged_token or "y")
    with pytest.raises(errors.EnrollmentRequired) as for_bob:
        auth.confirm_enrollment(nobody, phone.code())
    ghost = dataclasses.replace(nobody, username="nobody-at-all")
    with pytest.raises(errors.EnrollmentRequired) as for_ghost:
        auth.confirm_enrollment(ghost, "123456")
    assert str(refused.value) == str(for_bob.value) == str(for_ghost.value)
    assert auth.confirm_enrollment(enrollment, phone.code())  # the holder still can


def test_an_outsiders_wrong_codes_never_reach_the_throttle(auth: AuthService, clock: FrozenClock):
    enrollment, _ = _begin(auth, clock)
    forged = dataclasses.replace(enrollment, token="guess")
    for _ in range(20):
        with pytest.raises(errors.EnrollmentRequired):
            auth.confirm_enrollment(forged, "000000")
    assert auth.status("alice").failures == 0
    assert auth.status("alice").retry_after == 0


def test_an_older_handle_is_refused_after_a_new_enrollment(auth: AuthService, clock: FrozenClock):
    first, _ = _begin(auth, clock)
    second = auth.begin_enrollment("alice", PASSWORD)
    with pytest.raises(errors.EnrollmentRequired):
        auth.confirm_enrollment(first, otp.totp(first.secret, clock.now()))
    assert auth.confirm_enrollment(second, otp.totp(second.secret, clock.now()))


@pytest.mark.parametrize("junk", ["alice", None, 42, object()])
def test_something_that_is_not_a_handle_is_an_invalid_input(auth: AuthService, junk: object):
    with pytest.raises(errors.InvalidInput, match="Enrollment that begin_enrollment returned"):
        auth.confirm_enrollment(junk, "123456")  # type: ignore[arg-type]


def test_the_handle_token_is_never_shown(auth: AuthService, clock: FrozenClock):
    enrollment, _ = _begin(auth, clock)
    assert enrollment.token not in repr(enrollment)
    assert enrollment.secret not in repr(enrollment)
