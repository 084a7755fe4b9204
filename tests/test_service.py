"""AuthService: the login flow and every security rule of DESIGN.md, one test each."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from mfalab import (
    AuthService,
    Challenge,
    FrozenClock,
    UserStore,
    VirtualAuthenticator,
    errors,
    otp,
    passwords,
)

from .conftest import PASSWORD, Account, enroll, make_auth

# -- registration and the first factor ---------------------------------------------------


def test_register_refuses_weak_passwords_with_reasons(auth: AuthService):
    with pytest.raises(errors.WeakPassword) as raised:
        auth.register("alice", "password")
    assert any("commonly used" in r for r in raised.value.reasons)
    with pytest.raises(errors.WeakPassword, match="same as"):
        auth.register("alice", "ALICE")  # fewer than 8 too, but also the username
    with pytest.raises(errors.WeakPassword, match="same as"):
        auth.register("mfa-lab-user", "MFA-Lab-User")


def test_usernames_are_one_account_however_typed(auth: AuthService):
    auth.register("Alice", PASSWORD)
    with pytest.raises(errors.UserExists):
        auth.register("ＡＬＩＣＥ", PASSWORD)
    with pytest.raises(errors.EnrollmentRequired):
        auth.login("ALICE", PASSWORD)  # the password step passed for the same account


def test_unknown_user_and_wrong_password_are_answered_identically(
    auth: AuthService, monkeypatch: pytest.MonkeyPatch
):
    """Same exception, same message, one argon2 verification each (counted, not timed)."""
    auth.register("alice", PASSWORD)
    calls: list[str] = []
    real = passwords._argon2_verify

    def counting(encoded: str, secret: bytes) -> bool:
        calls.append(encoded.split("$")[3])  # the parameters, e.g. m=64,t=1,p=1
        return real(encoded, secret)

    monkeypatch.setattr(passwords, "_argon2_verify", counting)
    with pytest.raises(errors.LoginFailed) as wrong:
        auth.login("alice", "not the password")
    with pytest.raises(errors.LoginFailed) as unknown:
        auth.login("mallory", "not the password")
    assert type(wrong.value) is type(unknown.value)
    assert str(wrong.value) == str(unknown.value)
    assert len(calls) == 2 and calls[0] == calls[1]


def test_login_without_an_active_factor_requires_enrollment(auth: AuthService):
    auth.register("alice", PASSWORD)
    with pytest.raises(errors.EnrollmentRequired):
        auth.login("alice", PASSWORD)
    auth.begin_enrollment("alice", PASSWORD)  # pending is not active
    with pytest.raises(errors.EnrollmentRequired):
        auth.login("alice", PASSWORD)


def test_password_is_rehashed_at_the_next_good_login(clock: FrozenClock):
    store = UserStore(":memory:")
    make_auth(store, clock).register("alice", PASSWORD)
    old = store.get_user("alice").password_hash  # type: ignore[union-attr]
    stronger = dataclasses.replace(passwords.CHEAP_FOR_TESTS_ONLY, time_cost=2)
    auth = AuthService(store, clock=clock, password_profile=stronger)
    with pytest.raises(errors.EnrollmentRequired):
        auth.login("alice", PASSWORD)
    new = store.get_user("alice").password_hash  # type: ignore[union-attr]
    assert new != old and ",t=2," in new
    assert not passwords.needs_rehash(new, stronger)
    assert "password_rehashed" in [e.event for e in auth.audit_log("alice")]


@pytest.mark.parametrize("bad", [None, 42, b"alice", "", "al\u200bice", "a" * 100_000])
def test_bad_usernames_at_login_are_invalid_username(auth: AuthService, bad: object):
    with pytest.raises(errors.InvalidUsername):
        auth.login(bad, PASSWORD)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [None, 12345678, "x" * 1_000_000, "abc\ud800defgh"])
def test_hostile_passwords_at_login_are_login_failed(alice: Account, bad: object):
    with pytest.raises(errors.LoginFailed):
        alice.auth.login("alice", bad)  # type: ignore[arg-type]


# -- the second factor -------------------------------------------------------------------


def test_the_whole_flow_grants_a_session(alice: Account):
    session = alice.auth.verify(alice.challenge(), alice.phone.code())
    assert session.username == "alice" and session.method == "totp"
    assert "token" not in repr(session)


def test_a_wrong_code_is_refused_and_does_not_use_up_the_challenge(alice: Account):
    challenge = alice.challenge()
    right = alice.phone.code()
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    with pytest.raises(errors.InvalidCode) as raised:
        alice.auth.verify(challenge, wrong)
    assert not isinstance(raised.value, errors.CodeReused)
    assert alice.auth.verify(challenge, right).username == "alice"


def test_a_challenge_ends_with_its_session(alice: Account):
    challenge = alice.challenge()
    alice.auth.verify(challenge, alice.phone.code())
    alice.clock.advance(30)
    with pytest.raises(errors.ChallengeExpired):
        alice.auth.verify(challenge, alice.phone.code())


def test_a_challenge_expires_after_five_minutes(alice: Account):
    challenge = alice.challenge()
    alice.clock.advance(5 * 60 + 1)
    with pytest.raises(errors.ChallengeExpired):
        alice.auth.verify(challenge, alice.phone.code())


def test_challenges_are_independent(alice: Account):
    first, second = alice.challenge(), alice.challenge()
    alice.auth.verify(second, alice.phone.code())
    alice.clock.advance(30)
    assert alice.auth.verify(first, alice.phone.code()).username == "alice"


def test_a_challenge_built_by_hand_is_refused(alice: Account):
    real = alice.challenge()
    forged = [
        Challenge("alice", real.created_at, real.expires_at, "made-up-token"),
        Challenge("bob", real.created_at, real.expires_at, real.token),
        "alice",
        None,
    ]
    for fake in forged:
        with pytest.raises(errors.InvalidChallenge):
            alice.auth.verify(fake, alice.phone.code())  # type: ignore[arg-type]


def test_the_confirming_step_counts_as_used(auth: AuthService, clock: FrozenClock):
    auth.register("alice", PASSWORD)
    phone = VirtualAuthenticator(clock=clock)
    enrollment = auth.begin_enrollment("alice", PASSWORD)
    phone.scan(enrollment.uri)
    auth.confirm_enrollment(enrollment, phone.code())
    with pytest.raises(errors.CodeReused):
        auth.verify(auth.login("alice", PASSWORD), phone.code())


def test_replay_of_the_same_code_is_refused_even_inside_the_window(alice: Account):
    code = alice.phone.code()
    alice.auth.verify(alice.challenge(), code)
    alice.clock.advance(10)  # same step or the next: still inside the ±1 window
    with pytest.raises(errors.CodeReused):
        alice.auth.verify(alice.challenge(), code)


def test_a_code_of_an_earlier_step_is_refused_after_a_later_one(alice: Account):
    alice.clock.advance(60)  # past the confirming step
    earlier = _phone_with_skew(alice, -30)
    alice.auth.verify(alice.challenge(), alice.phone.code())
    with pytest.raises(errors.CodeReused):
        alice.auth.verify(alice.challenge(), earlier.code())


def test_the_fullwidth_twin_of_a_used_code_is_refused(alice: Account):
    code = alice.phone.code()
    alice.auth.verify(alice.challenge(), code)
    twin = code.translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
    with pytest.raises(errors.InvalidCode):
        alice.auth.verify(alice.challenge(), twin)


@pytest.mark.parametrize(
    "hostile",
    [123456, None, "１２３４５６", "٠١٢٣٤٥", "12345", "1234567", "12 34 5", "123456\n",
     "1" * 10_000, "x" * 1_000_000, b"123456", -1, 1.5],
    ids=lambda v: repr(v)[:16],
)
def test_hostile_codes_are_refused_and_counted(alice: Account, hostile: object):
    challenge = alice.challenge()
    with pytest.raises(errors.InvalidCode):
        alice.auth.verify(challenge, hostile)  # type: ignore[arg-type]
    assert alice.auth.status("alice").failures == 1


def test_a_slow_phone_fails_with_no_window_and_passes_with_one(clock: FrozenClock):
    for window, passes in ((0, False), (1, True)):
        store = UserStore(":memory:")
        auth = make_auth(store, clock, window=window)
        account = enroll(auth, clock)
        clock.advance(60)  # so the slow phone's step is not the confirming one
        slow = VirtualAuthenticator(clock=clock, skew=-45)
        slow.scan(account.phone.accounts[-1].totp.provisioning_uri(name="alice"))
        if passes:
            assert auth.verify(account.challenge(), slow.code())
        else:
            with pytest.raises(errors.InvalidCode):
                auth.verify(account.challenge(), slow.code())


def _phone_with_skew(account: Account, skew: float) -> VirtualAuthenticator:
    phone = VirtualAuthenticator(clock=account.clock, skew=skew)
    phone.scan(account.phone.accounts[-1].totp.provisioning_uri(name="alice"))
    return phone


def test_drift_is_learned_bounded_and_relearned(alice: Account):
    """RFC 6238 §6: a wandering phone keeps working; one minutes off never does."""
    store = alice.auth.store
    alice.clock.advance(60)  # past the confirming step, whatever the skew below
    alice.auth.verify(alice.challenge(), _phone_with_skew(alice, -35).code())  # one step slow
    assert store.get_user("alice").drift == -1  # type: ignore[union-attr]
    alice.clock.advance(60)
    alice.auth.verify(alice.challenge(), _phone_with_skew(alice, -65).code())  # two slow
    assert store.get_user("alice").drift == -1  # type: ignore[union-attr]
    alice.clock.advance(60)
    with pytest.raises(errors.InvalidCode):
        alice.auth.verify(alice.challenge(), _phone_with_skew(alice, -95).code())
    with pytest.raises(errors.InvalidCode):
        alice.auth.verify(alice.challenge(), _phone_with_skew(alice, -300).code())
    alice.auth.verify(alice.challenge(), alice.phone.code())  # back on time: re-learned
    assert store.get_user("alice").drift == 0  # type: ignore[union-attr]
    alice.clock.advance(30)
    with pytest.raises(errors.InvalidCode):
        alice.auth.verify(alice.challenge(), _phone_with_skew(alice, -65).code())


# -- throttling ---------------------------------------------------------------------------


def _fail(account: Account, times: int) -> None:
    for _ in range(times):
        with pytest.raises(errors.InvalidCode):
            account.auth.verify(account.challenge(), "000000" if account.phone.code() != "000000"
                                else "111111")


def test_the_fifth_failure_locks_for_30_seconds_and_refuses_even_the_right_code(alice: Account):
    _fail(alice, 5)
    with pytest.raises(errors.TooManyAttempts) as locked:
        alice.auth.verify(alice.challenge(), alice.phone.code())
    assert locked.value.retry_after == pytest.approx(30)
    assert alice.auth.status("alice").failures == 5  # refused while locked: not counted
    alice.clock.advance(31)
    assert alice.auth.verify(alice.challenge(), alice.phone.code())
    assert alice.auth.status("alice").failures == 0  # a success resets the count


def test_each_further_failure_doubles_the_lock(alice: Account):
    _fail(alice, 5)
    for expected in (60, 120, 240):
        alice.clock.advance(3600)
        _fail(alice, 1)
        with pytest.raises(errors.TooManyAttempts) as locked:
            alice.auth.verify(alice.challenge(), alice.phone.code())
        assert locked.value.retry_after == pytest.approx(expected)


def test_the_lock_refuses_recovery_codes_too(alice: Account):
    _fail(alice, 5)
    with pytest.raises(errors.TooManyAttempts):
        alice.auth.recover(alice.challenge(), alice.codes[0])
    alice.clock.advance(31)
    assert alice.auth.recover(alice.challenge(), alice.codes[0]).method == "recovery code"


def test_the_throttle_persists_across_a_new_service_on_the_same_file(
    db_path: Path, clock: FrozenClock
):
    with UserStore(db_path) as store:
        account = enroll(make_auth(store, clock), clock)
        _fail(account, 5)
    with UserStore(db_path) as store:
        auth = make_auth(store, clock)
        with pytest.raises(errors.TooManyAttempts):
            auth.verify(auth.login("alice", PASSWORD), account.phone.code())


def test_a_hundred_failures_disable_the_factor_until_an_administrator_resets_it(
    alice: Account,
):
    for _ in range(100):
        alice.clock.advance(3601)
        _fail(alice, 1)
    alice.clock.advance(3601)
    with pytest.raises(errors.SecondFactorDisabled):
        alice.auth.verify(alice.challenge(), alice.phone.code())
    with pytest.raises(errors.SecondFactorDisabled):
        alice.auth.recover(alice.challenge(), alice.codes[0])
    alice.auth.reset_second_factor("alice")
    with pytest.raises(errors.EnrollmentRequired):
        alice.challenge()
    enroll_again = alice.auth.begin_enrollment("alice", PASSWORD)
    assert enroll_again.secret != alice.phone.accounts[-1].totp.secret


def test_the_password_step_is_throttled_per_username_known_or_not(alice: Account):
    for name in ("alice", "nobody"):
        for _ in range(5):
            with pytest.raises(errors.LoginFailed):
                alice.auth.login(name, "wrong password!")
        with pytest.raises(errors.TooManyAttempts):
            alice.auth.login(name, PASSWORD)


def test_the_password_step_is_never_disabled(alice: Account):
    for _ in range(105):
        alice.clock.advance(3601)
        with pytest.raises(errors.LoginFailed):
            alice.auth.login("alice", "wrong password!")
    alice.clock.advance(3601)
    assert alice.auth.login("alice", PASSWORD)


# -- enrollment ---------------------------------------------------------------------------


def test_re_enrollment_needs_a_code_as_well_as_the_password(alice: Account):
    with pytest.raises(errors.SecondFactorRequired):
        alice.auth.begin_enrollment("alice", PASSWORD)
    with pytest.raises(errors.InvalidCode):
        alice.auth.begin_enrollment("alice", PASSWORD, code="000000"
                                    if alice.phone.code() != "000000" else "111111")
    with pytest.raises(errors.LoginFailed):
        alice.auth.begin_enrollment("alice", "stolen? no, wrong", code=alice.phone.code())
    assert alice.auth.begin_enrollment("alice", PASSWORD, code=alice.phone.code())


def test_re_enrollment_with_a_recovery_code(alice: Account):
    assert alice.auth.begin_enrollment("alice", PASSWORD, code=alice.codes[3])
    with pytest.raises(errors.InvalidCode):
        alice.auth.recover(alice.challenge(), alice.codes[3])


def test_the_old_factor_stays_until_the_new_one_is_confirmed(alice: Account):
    new = alice.auth.begin_enrollment("alice", PASSWORD, code=alice.phone.code())
    alice.clock.advance(30)
    assert alice.auth.verify(alice.challenge(), alice.phone.code())  # old seed still works
    new_phone = VirtualAuthenticator(clock=alice.clock)
    new_phone.scan(new.uri)
    alice.clock.advance(30)
    new_codes = alice.auth.confirm_enrollment(new, new_phone.code())
    alice.clock.advance(30)
    with pytest.raises(errors.InvalidCode):
        alice.auth.verify(alice.challenge(), alice.phone.code())
    assert alice.auth.verify(alice.challenge(), new_phone.code())
    with pytest.raises(errors.InvalidCode):  # the old recovery codes went with the old seed
        alice.auth.recover(alice.challenge(), alice.codes[0])
    assert alice.auth.recover(alice.challenge(), new_codes[0])


def test_a_pending_enrollment_expires_after_ten_minutes(auth: AuthService, clock: FrozenClock):
    auth.register("alice", PASSWORD)
    phone = VirtualAuthenticator(clock=clock)
    enrollment = auth.begin_enrollment("alice", PASSWORD)
    phone.scan(enrollment.uri)
    clock.advance(10 * 60 + 1)
    with pytest.raises(errors.EnrollmentExpired):
        auth.confirm_enrollment(enrollment, phone.code())
    with pytest.raises(errors.EnrollmentRequired):
        auth.confirm_enrollment(enrollment, phone.code())


def test_a_wrong_confirmation_code_does_not_activate_and_is_counted(
    auth: AuthService, clock: FrozenClock
):
    auth.register("alice", PASSWORD)
    enrollment = auth.begin_enrollment("alice", PASSWORD)
    right = otp.totp(enrollment.secret, clock.now())
    with pytest.raises(errors.InvalidCode):
        auth.confirm_enrollment(enrollment, "000000" if right != "000000" else "111111")
    status = auth.status("alice")
    assert not status.enrolled and status.pending and status.failures == 1
    assert len(auth.confirm_enrollment(enrollment, right)) == 10


def test_confirm_without_a_pending_enrollment(auth: AuthService):
    auth.register("alice", PASSWORD)
    enrollment = auth.begin_enrollment("alice", PASSWORD)
    auth.reset_second_factor("alice")  # the pending enrollment is gone with it
    with pytest.raises(errors.EnrollmentRequired):
        auth.confirm_enrollment(enrollment, "123456")


def test_enrollment_offers_the_secret_in_every_form(auth: AuthService):
    auth.register("alice", PASSWORD)
    enrollment = auth.begin_enrollment("alice", PASSWORD)
    assert len(otp.secret_bytes(enrollment.secret)) >= 20
    assert enrollment.grouped_secret.replace(" ", "") == enrollment.secret
    assert enrollment.qr_image().size[0] > 100
    assert "<svg" in enrollment.qr_svg() and enrollment.qr_text()
    assert enrollment.secret not in repr(enrollment)


# -- recovery codes -------------------------------------------------------------------


def test_a_recovery_code_works_once_whatever_its_spelling(alice: Account):
    code = alice.codes[0]
    assert alice.auth.recover(alice.challenge(), code.lower().replace("-", " "))
    with pytest.raises(errors.InvalidCode):
        alice.auth.recover(alice.challenge(), code)
    assert alice.auth.status("alice").recovery_codes_left == 9


def test_wrong_recovery_codes_are_counted_by_the_throttle(alice: Account):
    for _ in range(5):
        with pytest.raises(errors.InvalidCode):
            alice.auth.recover(alice.challenge(), "AAAA-BBBB-CCCC-DDDD")
    with pytest.raises(errors.TooManyAttempts):
        alice.auth.recover(alice.challenge(), alice.codes[0])


def test_regenerating_recovery_codes_needs_a_fresh_session_and_voids_the_old_set(
    alice: Account,
):
    session = alice.auth.verify(alice.challenge(), alice.phone.code())
    alice.clock.advance(5 * 60 + 1)
    with pytest.raises(errors.SessionExpired):
        alice.auth.regenerate_recovery_codes(session)
    forged = dataclasses.replace(session, token="made-up")
    with pytest.raises(errors.SessionExpired):
        alice.auth.regenerate_recovery_codes(forged)
    fresh = alice.auth.verify(alice.challenge(), alice.phone.code())
    new_codes = alice.auth.regenerate_recovery_codes(fresh)
    assert set(new_codes).isdisjoint(alice.codes)
    with pytest.raises(errors.InvalidCode):
        alice.auth.recover(alice.challenge(), alice.codes[1])
    assert alice.auth.recover(alice.challenge(), new_codes[1])


# -- audit and notifications --------------------------------------------------------------


def test_security_events_are_audited_and_notified_without_secrets(clock: FrozenClock):
    sent: list[str] = []
    auth = make_auth(UserStore(":memory:"), clock, notify=lambda e: sent.append(e.event))
    account = enroll(auth, clock)
    code = account.phone.code()
    auth.verify(account.challenge(), code)
    with pytest.raises(errors.CodeReused):
        auth.verify(account.challenge(), code)
    auth.recover(account.challenge(), account.codes[0])
    _fail(account, 5)
    assert sent == ["enrollment_confirmed", "code_reused", "recovery_code_used", "lockout"]
    log = auth.audit_log("alice")
    events = [e.event for e in log]
    for expected in ("registered", "enrollment_started", "enrollment_confirmed",
                     "code_accepted", "code_reused", "recovery_code_used", "code_rejected",
                     "lockout"):
        assert expected in events
    assert [e.at for e in log] == sorted(e.at for e in log)
    text = repr(log)
    for secret in (PASSWORD, code, *account.codes, account.phone.accounts[-1].totp.secret):
        assert secret not in text
    assert log[0].when == "2023-11-14T22:13:20+00:00"


def test_reset_second_factor_of_an_unknown_account(auth: AuthService):
    with pytest.raises(errors.UnknownUser):
        auth.reset_second_factor("nobody")


@pytest.mark.parametrize(
    "kwargs",
    [{"window": -1}, {"window": 11}, {"digits": 9}, {"digest": "md5"}, {"issuer": "a:b"},
     {"period": 0}, {"window": True}],
    ids=lambda k: next(iter(k)),
)
def test_bad_service_settings_are_refused_clearly(kwargs: dict[str, object]):
    with pytest.raises(errors.InvalidSetting):
        AuthService(UserStore(":memory:"), **kwargs)  # type: ignore[arg-type]


def test_a_store_is_required():
    with pytest.raises(errors.InvalidSetting):
        AuthService(":memory:")  # type: ignore[arg-type]
