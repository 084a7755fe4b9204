"""Hypothesis: any string as a code is refused with InvalidCode unless it is the valid code."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mfalab import AuthService, FrozenClock, UserStore, errors, otp

from .conftest import PASSWORD, RFC_SECRET, START, enroll, make_auth

codes = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(categories=["Nd"]), min_size=6, max_size=6),
    st.from_regex(r"\A[0-9 ]{5,9}\Z"),
    st.integers(),
    st.none(),
    st.binary(max_size=10),
)


@given(code=codes)
def test_normalize_code_either_returns_six_ascii_digits_or_raises_invalid_code(code: object):
    try:
        result = otp.normalize_code(code)
    except errors.InvalidCode:
        return
    assert isinstance(code, str)
    assert len(result) == 6 and all(c in "0123456789" for c in result)
    assert result == code.replace(" ", "")


@given(code=codes)
def test_otp_verify_accepts_only_the_codes_of_the_window(code: object):
    at = START
    valid = {otp.hotp(RFC_SECRET, at // 30 + d) for d in (-1, 0, 1)}
    try:
        step = otp.verify(RFC_SECRET, code, at)
    except errors.InvalidCode:
        return
    assert isinstance(code, str)
    if code.replace(" ", "") in valid:
        assert step is not None
    else:
        assert step is None


@pytest.fixture(scope="module")
def service() -> tuple[AuthService, FrozenClock]:
    clock = FrozenClock(START)
    auth = make_auth(UserStore(":memory:"), clock)
    enroll(auth, clock)
    return auth, clock


@settings(deadline=None, max_examples=150,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=codes)
def test_the_service_refuses_any_input_with_invalid_code_unless_it_is_the_current_code(
    service: tuple[AuthService, FrozenClock], code: object
):
    auth, clock = service
    clock.advance(30)  # a fresh time step every example
    seed = auth.store.get_user("alice").seed  # type: ignore[union-attr]
    current = otp.totp(seed or "", clock.now())
    if isinstance(code, str) and code.replace(" ", "") == current:
        assert auth.verify(auth.login("alice", PASSWORD), code).username == "alice"
        return
    with pytest.raises(errors.InvalidCode):
        auth.verify(auth.login("alice", PASSWORD), code)  # type: ignore[arg-type]
    # The right code still works (and resets the count, so no lock builds up).
    assert auth.verify(auth.login("alice", PASSWORD), current).username == "alice"
