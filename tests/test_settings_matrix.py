"""Non-default OTP settings work end to end: digits × digest × period (RFC 4226 §5.3, RFC 6238).

Every combination goes the whole way: register → begin_enrollment → the otpauth URI carries
the settings (Key URI Format: `digits`, `algorithm`, `period`) → the phone computes the code
→ confirm_enrollment → login → verify → the same code again is refused. The settings travel
with the pending seed and then with the factor: a service reopened on the same database with
other defaults still checks the factor with its own.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from mfalab import AuthService, FrozenClock, UserStore, VirtualAuthenticator, errors
from mfalab.events import Check

from .conftest import DIGESTS, OTP_SETTINGS, PASSWORD, make_auth


def uri_settings(uri: str) -> tuple[int, str, int]:
    """(digits, digest, period) as an app reads them from the URI; absent means the
    Key URI Format's defaults (6, SHA1, 30)."""
    query = parse_qs(urlsplit(uri).query)
    return (int(query.get("digits", ["6"])[0]), query.get("algorithm", ["SHA1"])[0].lower(),
            int(query.get("period", ["30"])[0]))


def other_settings(digits: int, digest: str, period: int) -> tuple[int, str, int]:
    """Service defaults that differ from (digits, digest, period) in every setting."""
    return (6 if digits != 6 else 8, DIGESTS[(DIGESTS.index(digest) + 1) % len(DIGESTS)],
            60 if period == 30 else 30)


def wrong_code(phone: VirtualAuthenticator, digits: int, period: int) -> str:
    """A well-formed code that no step near the phone's time has (the window is ±1 step and
    the drift at most ±1 more), so only the window check can refuse it."""
    totp = phone.accounts[-1].totp
    nearby = {totp.at(phone.now() + k * period) for k in range(-3, 4)}
    return next(c for c in (str(d) * digits for d in range(10)) if c not in nearby)


def enrolling(auth: AuthService, clock: FrozenClock, digits: int, digest: str, period: int):
    """Register alice, begin enrollment and scan the URI; check what the URI says."""
    auth.register("alice", PASSWORD)
    enrollment = auth.begin_enrollment("alice", PASSWORD)
    assert (enrollment.digits, enrollment.digest, enrollment.period) == (digits, digest, period)
    assert uri_settings(enrollment.uri) == (digits, digest, period)
    phone = VirtualAuthenticator(clock=clock)
    phone.scan(enrollment.uri)
    assert (phone.accounts[-1].digits, phone.accounts[-1].period) == (digits, period)
    assert len(phone.code()) == digits
    return enrollment, phone


@pytest.mark.parametrize(("digits", "digest", "period"), OTP_SETTINGS)
def test_the_whole_flow_works_with_these_settings(
    clock: FrozenClock, digits: int, digest: str, period: int
):
    """The phone's own codes are accepted; a wrong one is refused by the window, a reused
    one as reused."""
    with UserStore(":memory:") as store:
        auth = make_auth(store, clock, digits=digits, digest=digest, period=period)
        enrollment, phone = enrolling(auth, clock, digits, digest, period)

        with pytest.raises(errors.InvalidCode) as refused:
            auth.confirm_enrollment(enrollment, wrong_code(phone, digits, period))
        assert refused.value.check is Check.WINDOW
        confirming = phone.code()
        assert len(auth.confirm_enrollment(enrollment, confirming)) == 10

        with pytest.raises(errors.CodeReused):  # the confirming step counts as used
            auth.verify(auth.login("alice", PASSWORD), confirming)
        clock.advance(period)
        challenge = auth.login("alice", PASSWORD)
        with pytest.raises(errors.InvalidCode) as refused:
            auth.verify(challenge, wrong_code(phone, digits, period))
        assert refused.value.check is Check.WINDOW
        code = phone.code()
        assert code != confirming
        session = auth.verify(challenge, code)
        assert (session.username, session.method) == ("alice", "totp")

        with pytest.raises(errors.CodeReused) as reused:
            auth.verify(auth.login("alice", PASSWORD), code)
        assert reused.value.check is Check.REPLAY
        clock.advance(period)
        auth.verify(auth.login("alice", PASSWORD), phone.code())  # the next step passes
        assert auth.status("alice").failures == 0


@pytest.mark.parametrize(("digits", "digest", "period"), OTP_SETTINGS)
def test_settings_travel_with_the_factor_across_a_reopened_service(
    clock: FrozenClock, db_path: Path, digits: int, digest: str, period: int
):
    """Begun with one service's defaults, confirmed and used on services reopened on the
    same database with other defaults: the pending seed and then the factor keep theirs."""
    other_digits, other_digest, other_period = other = other_settings(digits, digest, period)
    with UserStore(db_path) as store:
        auth = make_auth(store, clock, digits=digits, digest=digest, period=period)
        enrollment, phone = enrolling(auth, clock, digits, digest, period)

    with UserStore(db_path) as store:
        reopened = make_auth(store, clock, digits=other_digits, digest=other_digest,
                             period=other_period)
        assert len(reopened.confirm_enrollment(enrollment, phone.code())) == 10
    clock.advance(period)

    with UserStore(db_path) as store:
        reopened = make_auth(store, clock, digits=other_digits, digest=other_digest,
                             period=other_period)
        challenge = reopened.login("alice", PASSWORD)
        with pytest.raises(errors.InvalidCode) as refused:  # the default length, not its own
            reopened.verify(challenge, "1" * other_digits)
        assert refused.value.check is Check.SHAPE
        with pytest.raises(errors.InvalidCode) as refused:
            reopened.verify(challenge, wrong_code(phone, digits, period))
        assert refused.value.check is Check.WINDOW
        code = phone.code()
        assert reopened.verify(challenge, code).method == "totp"
        with pytest.raises(errors.CodeReused):
            reopened.verify(reopened.login("alice", PASSWORD), code)

        reopened.register("bob", PASSWORD)  # the defaults are for new enrollments
        new = reopened.begin_enrollment("bob", PASSWORD)
        assert uri_settings(new.uri) == other
