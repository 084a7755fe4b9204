"""mfalab.lab: the lessons' examples, the enrolled-account set-up, codes and audit helpers."""

from __future__ import annotations

import re

import pytest

from mfalab import (
    AuditEvent,
    AuthService,
    FrozenClock,
    UserStore,
    VirtualAuthenticator,
    errors,
    otp,
    passwords,
    recovery,
)
from mfalab.lab import (
    EXAMPLE_PASSWORD,
    EXAMPLE_SECRET,
    EXAMPLE_START,
    enrolled_account,
    event_counts,
    fullwidth,
    naive_readings,
    shown,
    simulate_attack,
    spaced_code,
    step_label,
    to_arabic_indic,
    uri_fields,
    wrong_code,
)

CHEAP = passwords.CHEAP_FOR_TESTS_ONLY
START = 1_700_000_000


# -- the examples and enrolled_account ------------------------------------------------------


def test_the_example_secret_is_rfc_4226s_key_and_long_enough_for_pyotp() -> None:
    """160 bits (pyotp ≥ 2.12 refuses the classic 80-bit example)."""
    assert EXAMPLE_SECRET == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert otp.secret_bytes(EXAMPLE_SECRET) == b"12345678901234567890"
    assert EXAMPLE_START == START


def test_an_enrolled_account_logs_in_with_its_phone() -> None:
    """Register, enroll, scan, confirm: the factor is on and the phone's next code works."""
    account = enrolled_account(password_profile=CHEAP)
    auth = account.auth
    status = auth.status("alice")
    assert status.enrolled and not status.pending
    assert status.recovery_codes_left == 10
    assert account.clock.now() == START + 30  # moved past the confirming step
    events = [e.event for e in auth.audit_log("alice")]
    assert events[:4] == ["registered", "password_ok", "enrollment_started", "code_accepted"]
    assert "enrollment_confirmed" in events
    session = account.sign_in()
    assert (session.username, session.method) == ("alice", "totp")


def test_the_confirming_code_counts_as_used() -> None:
    """Without the wait, the phone still shows the confirming code: a replay."""
    account = enrolled_account(password_profile=CHEAP, wait_after=0)
    assert account.clock.now() == START
    with pytest.raises(errors.CodeReused):
        account.sign_in()


def test_the_recovery_codes_work_and_stay_out_of_the_repr() -> None:
    account = enrolled_account(password_profile=CHEAP)
    assert len(account.recovery_codes) == 10
    assert all(recovery.looks_like(code) for code in account.recovery_codes)
    assert all(code not in repr(account) for code in account.recovery_codes)
    assert EXAMPLE_PASSWORD not in repr(account)
    session = account.auth.recover(account.login(), account.recovery_codes[0])
    assert session.recovery_codes_left == 9


@pytest.mark.parametrize(("digits", "digest", "period"), [(6, "sha1", 30), (8, "sha256", 60)])
def test_enrolled_account_uses_the_services_settings(digits: int, digest: str,
                                                     period: int) -> None:
    """On a service of one's own (here 8 digits, SHA-256, 60 s), with its own clock."""
    clock = FrozenClock(START)
    with UserStore(":memory:") as store:
        auth = AuthService(store, clock=clock, password_profile=CHEAP, digits=digits,
                           digest=digest, period=period)
        account = enrolled_account(auth, username="Bob")
        assert account.username == "bob"  # the normalized name
        assert clock.now() == START + period
        assert len(account.phone.code()) == digits
        assert account.sign_in().username == "bob"


def test_enrolled_account_refuses_a_taken_name() -> None:
    account = enrolled_account(password_profile=CHEAP)
    with pytest.raises(errors.UserExists):
        enrolled_account(account.auth)


def test_enrolled_account_can_use_a_given_phone() -> None:
    account = enrolled_account(password_profile=CHEAP)
    slow = VirtualAuthenticator(clock=account.clock, skew=-30)
    other = enrolled_account(account.auth, username="carol", phone=slow)
    assert other.phone is slow
    assert other.sign_in().username == "carol"  # one step behind: inside the window


# -- wrong_code ---------------------------------------------------------------------------


def test_wrong_code_misses_every_step_a_service_could_accept() -> None:
    clock = FrozenClock(START)
    phone = VirtualAuthenticator(clock=clock)
    phone.scan(f"otpauth://totp/Lab:bob?secret={EXAMPLE_SECRET}&issuer=Lab")
    guess = wrong_code(phone)
    assert re.fullmatch(r"[0-9]{6}", guess)
    steps = range(-otp.MAX_WINDOW * 2, otp.MAX_WINDOW * 2 + 1)
    assert all(otp.totp(EXAMPLE_SECRET, START + 30 * k) != guess for k in steps)
    assert otp.verify(EXAMPLE_SECRET, guess, START, window=otp.MAX_WINDOW) is None


def test_wrong_code_needs_an_account_on_the_phone() -> None:
    with pytest.raises(errors.EnrollmentRequired):
        wrong_code(VirtualAuthenticator(clock=FrozenClock(START)))


def test_wrong_code_follows_the_accounts_digits_and_digest() -> None:
    clock = FrozenClock(START)
    phone = VirtualAuthenticator(clock=clock)
    phone.scan(f"otpauth://totp/Lab:bob?secret={EXAMPLE_SECRET}&issuer=Lab"
               "&algorithm=SHA256&digits=8")
    guess = wrong_code(phone)
    assert re.fullmatch(r"[0-9]{8}", guess)
    assert otp.verify(EXAMPLE_SECRET, guess, START, window=otp.MAX_WINDOW, digits=8,
                      digest="sha256") is None


# -- how codes are written and misread -------------------------------------------------------


def test_digit_twins_are_made_from_ascii_digits() -> None:
    """fullwidth() and to_arabic_indic() change only the digits 0–9."""
    assert fullwidth("081 804") == "０８１ ８０４"
    assert to_arabic_indic("081804") == "٠٨١٨٠٤"


def test_naive_readings_show_what_int_and_nfkc_make_of_twins() -> None:
    """int() reads Arabic-Indic digits (losing the leading zero); NFKC folds fullwidth ones."""
    readings = dict(naive_readings("٠٨١٨٠٤"))
    assert readings["int(code)"] == "81804"
    assert readings["code.isdigit()"] == "True"
    assert dict(naive_readings("１２３４５６"))["NFKC, as pyotp does"] == "'123456'"
    assert dict(naive_readings("abc"))["int(code)"].startswith("ValueError")
    assert dict(naive_readings("9" * 100_000))["int(code)"].startswith("ValueError")


def test_long_input_is_shown_cut_with_its_length() -> None:
    assert shown("x" * 100_000).endswith("… (100,000 characters)")
    assert len(shown("x" * 100_000)) < 80


@pytest.mark.parametrize(("code", "spaced"), [("123456", "123 456"), ("1234567", "123 4567"),
                                              ("12345678", "1234 5678"), ("", "")])
def test_codes_are_spaced_as_apps_show_them(code: str, spaced: str) -> None:
    assert spaced_code(code) == spaced


def test_step_labels_use_a_real_minus_sign() -> None:
    """Steps are labelled T, T+1 and T−1 (U+2212), as the lessons print them."""
    assert [step_label(n) for n in (-2, 0, 3)] == ["T\u22122", "T", "T+3"]


# -- an otpauth URI, field by field --------------------------------------------------------


def test_uri_fields_read_the_label_and_the_defaults() -> None:
    uri = otp.provisioning_uri(EXAMPLE_SECRET, "alice@example.com", "MFA Lab")
    fields = {f.name: f for f in uri_fields(uri)}
    assert fields["label: issuer"].value == "MFA Lab"
    assert fields["label: account"].value == "alice@example.com"
    assert fields["secret"].value == EXAMPLE_SECRET
    assert (fields["digits"].value, fields["digits"].left_out) == ("6", True)
    assert (fields["algorithm"].value, fields["period"].value) == ("SHA1", "30")


def test_uri_fields_show_settings_that_are_given() -> None:
    uri = otp.provisioning_uri(EXAMPLE_SECRET, "bob", "Bank", digits=8, period=60,
                               digest="sha512")
    fields = {f.name: f for f in uri_fields(uri)}
    assert (fields["digits"].value, fields["digits"].left_out) == ("8", False)
    assert fields["algorithm"].value == "SHA512"


@pytest.mark.parametrize("bad", ["", "https://example.com", "otpauth://" + "x" * 5000])
def test_uri_fields_refuse_what_is_not_an_otpauth_uri(bad: str) -> None:
    with pytest.raises(errors.InvalidURI):
        uri_fields(bad)


# -- reading an audit trail ------------------------------------------------------------------


def test_event_counts_lists_the_most_frequent_first() -> None:
    events = [AuditEvent(START, "bob", name) for name in ("a", "b", "b", "c", "b", "a")]
    assert list(event_counts(events).items()) == [("b", 3), ("a", 2), ("c", 1)]


def test_event_counts_keys_are_plain_names() -> None:
    """Enum events print as their names, so a lesson's printed dict stays readable."""
    account = enrolled_account(password_profile=CHEAP)
    counts = event_counts(account.auth.audit_log("alice"))
    assert all(type(key) is str for key in counts)
    assert repr(counts).startswith("{'")


def test_the_simulated_attack_leaves_its_traces_in_the_audit_log() -> None:
    """Password guessing at alice, code guessing and a replayed code at carol."""
    clock = FrozenClock("2023-11-16T09:00:00Z")
    with UserStore(":memory:") as store:
        auth = AuthService(store, clock=clock, password_profile=CHEAP)
        names = simulate_attack(auth, clock)
        assert names == ["alice", "carol", "dave"]
        locks = {n: [(e.when, e.detail) for e in auth.audit_log(n) if e.event == "lockout"]
                 for n in names}
        assert locks == {
            "alice": [("2023-11-16T09:09:05+00:00", "password locked for 30 s")],
            "carol": [("2023-11-16T09:13:35+00:00", "factor locked for 30 s"),
                      ("2023-11-16T09:14:08+00:00", "factor locked for 60 s")],
            "dave": [],
        }
        carol = event_counts(auth.audit_log("carol"))
        assert carol["code_rejected"] == 6 and carol["code_reused"] == 1
        assert event_counts(auth.audit_log("alice"))["password_failed"] == 5
        assert [e.event for e in auth.audit_log("alice")][-1] == "code_accepted"
