"""Bad input anywhere in the public API: a specific mfalab error, never a bare one.

Every public entry point is called with the same junk; each must answer with an
`errors.AuthError` subclass (or accept the value where that is documented), never an
AttributeError, TypeError, UnicodeEncodeError or IndexError from deep inside a library.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import pytest

from mfalab import (
    AuthService,
    Enrollment,
    FrozenClock,
    UserStore,
    VirtualAuthenticator,
    errors,
    otp,
    passwords,
    qr,
    recovery,
)

from .conftest import PASSWORD, RFC_SECRET, make_auth

JUNK = [None, 1, 1.5, b"x", "x" * 100_000, "", ["a"], object(), "\ud800", True]
CHEAP = passwords.CHEAP_FOR_TESTS_ONLY


def _auth() -> AuthService:
    auth = make_auth(UserStore(":memory:"), FrozenClock())
    auth.register("alice", PASSWORD)
    return auth


_PENDING: list[Enrollment] = []


def _pending() -> AuthService:
    """An account with an enrollment waiting; its handle is `_PENDING[-1]`."""
    auth = _auth()
    _PENDING.append(auth.begin_enrollment("alice", PASSWORD))
    return auth


ENTRY_POINTS: dict[str, Callable[[object], object]] = {
    "passwords.hash": lambda j: passwords.hash(j, CHEAP),  # type: ignore[arg-type]
    "passwords.verify-hash": lambda j: passwords.verify(j, "pw"),  # type: ignore[arg-type]
    "passwords.verify-password": lambda j: passwords.verify(
        passwords.hash("abcdefghij", CHEAP), j),
    "passwords.needs_rehash": lambda j: passwords.needs_rehash(j),  # type: ignore[arg-type]
    "passwords.check": lambda j: passwords.check(j, context=(j,)),  # type: ignore[arg-type]
    "passwords.estimate": lambda j: passwords.estimate(j),  # type: ignore[arg-type]
    "passwords.is_common": lambda j: passwords.is_common(j),  # type: ignore[arg-type]
    "otp.verify-secret": lambda j: otp.verify(j, "123456", 0),  # type: ignore[arg-type]
    "otp.verify-code": lambda j: otp.verify(RFC_SECRET, j, 0),
    "otp.verify-time": lambda j: otp.verify(RFC_SECRET, "123456", j),  # type: ignore[arg-type]
    "otp.totp": lambda j: otp.totp(RFC_SECRET, j),  # type: ignore[arg-type]
    "otp.trace": lambda j: otp.trace(RFC_SECRET, j),  # type: ignore[arg-type]
    "otp.group_secret": lambda j: otp.group_secret(j),  # type: ignore[arg-type]
    "otp.uri-secret": lambda j: otp.provisioning_uri(j, "a", "b"),  # type: ignore[arg-type]
    "otp.uri-account": lambda j: otp.provisioning_uri(RFC_SECRET, j, "b"),  # type: ignore[arg-type]
    "otp.uri-issuer": lambda j: otp.provisioning_uri(RFC_SECRET, "a", j),  # type: ignore[arg-type]
    "qr.image": lambda j: qr.image(j),  # type: ignore[arg-type]
    "qr.svg": lambda j: qr.svg(j),  # type: ignore[arg-type]
    "qr.text": lambda j: qr.text(j),  # type: ignore[arg-type]
    "recovery.normalize": lambda j: recovery.normalize(j),
    "recovery.hash_code": lambda j: recovery.hash_code(j, CHEAP),  # type: ignore[arg-type]
    "recovery.matching_index": lambda j: recovery.matching_index("ABCD-EFGH-JKMN-PQRS", j),  # type: ignore[arg-type]
    "FrozenClock": lambda j: FrozenClock(j),  # type: ignore[arg-type]
    "FrozenClock.advance": lambda j: FrozenClock().advance(j),  # type: ignore[arg-type]
    "UserStore": lambda j: UserStore(j),  # type: ignore[arg-type]
    "AuthService-clock": lambda j: AuthService(UserStore(), clock=j),  # type: ignore[arg-type]
    "AuthService-issuer": lambda j: AuthService(UserStore(), issuer=j),  # type: ignore[arg-type]
    "AuthService-profile": lambda j: AuthService(UserStore(), password_profile=j),  # type: ignore[arg-type]
    "AuthService-notify": lambda j: AuthService(UserStore(), notify=j),  # type: ignore[arg-type]
    "AuthService-window": lambda j: AuthService(UserStore(), window=j),  # type: ignore[arg-type]
    "phone-clock": lambda j: VirtualAuthenticator(clock=j),  # type: ignore[arg-type]
    "phone-skew": lambda j: VirtualAuthenticator(skew=j),  # type: ignore[arg-type]
    "phone.scan": lambda j: VirtualAuthenticator().scan(j),  # type: ignore[arg-type]
    "phone.code": lambda j: VirtualAuthenticator().code(j),  # type: ignore[arg-type]
    "auth.register-name": lambda j: _auth().register(j, PASSWORD),  # type: ignore[arg-type]
    "auth.register-password": lambda j: _auth().register("bob", j),  # type: ignore[arg-type]
    "auth.login-name": lambda j: _auth().login(j, PASSWORD),  # type: ignore[arg-type]
    "auth.login-password": lambda j: _auth().login("alice", j),  # type: ignore[arg-type]
    "auth.begin_enrollment-code": lambda j: _auth().begin_enrollment("alice", PASSWORD, j),  # type: ignore[arg-type]
    "auth.confirm_enrollment": lambda j: _pending().confirm_enrollment(  # type: ignore[arg-type]
        _PENDING[-1], j),
    "auth.confirm_enrollment-handle": lambda j: _pending().confirm_enrollment(j, "123456"),  # type: ignore[arg-type]
    "auth.verify": lambda j: _auth().verify(j, "123456"),  # type: ignore[arg-type]
    "auth.recover": lambda j: _auth().recover(j, "ABCD-EFGH-JKMN-PQRS"),  # type: ignore[arg-type]
    "auth.regenerate_recovery_codes": lambda j: _auth().regenerate_recovery_codes(j),  # type: ignore[arg-type]
    "auth.status": lambda j: _auth().status(j),  # type: ignore[arg-type]
    "auth.audit_log": lambda j: _auth().audit_log(j),  # type: ignore[arg-type]
    "auth.reset_second_factor": lambda j: _auth().reset_second_factor(j),  # type: ignore[arg-type]
}


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_junk_gets_an_mfalab_error_or_a_documented_acceptance(entry: str):
    call = ENTRY_POINTS[entry]
    for junk in JUNK:
        try:
            call(junk)
        except errors.AuthError as refused:
            assert str(refused), f"{entry}({junk!r:.20}) raised an error without a message"
        except Exception as other:  # pragma: no cover - the failure message says it all
            pytest.fail(f"{entry}({junk!r:.20}) raised {type(other).__name__}: {other}")


def test_a_failing_notify_callback_does_not_undo_the_login(clock: FrozenClock):
    def broken(event: object) -> None:
        raise OSError("mail server down")

    auth = make_auth(UserStore(":memory:"), clock, notify=broken)
    auth.register("alice", PASSWORD)
    phone = VirtualAuthenticator(clock=clock)
    enrollment = auth.begin_enrollment("alice", PASSWORD)
    phone.scan(enrollment.uri)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        codes = auth.confirm_enrollment(enrollment, phone.code())
    assert len(codes) == 10 and auth.status("alice").enrolled
    assert any("notify callback failed" in str(w.message) for w in caught)
    assert "notification_failed" in [e.event for e in auth.audit_log("alice")]


@pytest.mark.parametrize("path", ["a\x00b.db", "\x00", "dir/\x00/users.db"])
def test_a_nul_in_a_database_path_is_an_invalid_setting(path: str):
    with pytest.raises(errors.InvalidSetting):
        UserStore(path)
