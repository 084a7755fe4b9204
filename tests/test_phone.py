"""VirtualAuthenticator: scans otpauth URIs like an app and shows codes on its own clock."""

from __future__ import annotations

import pytest

from mfalab import FrozenClock, VirtualAuthenticator, errors, otp

from .conftest import RFC_SECRET

URI = f"otpauth://totp/MFA%20Lab:alice?secret={RFC_SECRET}&issuer=MFA%20Lab"


def test_the_phone_and_the_server_agree_without_talking():
    clock = FrozenClock(59)
    phone = VirtualAuthenticator(clock=clock)
    assert phone.scan(URI) == "MFA Lab (alice)"
    for _ in range(5):
        assert phone.code() == otp.totp(RFC_SECRET, clock.now())
        clock.advance(30)


def test_skew_shifts_the_phones_own_clock():
    clock = FrozenClock(1_700_000_000)
    slow = VirtualAuthenticator(clock=clock, skew=-30)
    slow.scan(URI)
    assert slow.code() == otp.totp(RFC_SECRET, clock.now() - 30)
    assert 0 < slow.seconds_left() <= 30


def test_the_phone_honours_digits_period_and_algorithm():
    uri = otp.provisioning_uri(RFC_SECRET, "alice", "Lab", digits=8, period=60, digest="sha256")
    phone = VirtualAuthenticator(clock=FrozenClock(1_700_000_000))
    phone.scan(uri)
    assert phone.code() == otp.totp(RFC_SECRET, 1_700_000_000, 8, 60, "sha256")


def test_rescanning_an_account_replaces_it():
    phone = VirtualAuthenticator(clock=FrozenClock(0))
    phone.scan(URI)
    phone.scan(URI.replace(RFC_SECRET, "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U"))
    assert len(phone.accounts) == 1


@pytest.mark.parametrize(
    "uri",
    [
        "", None, 42, "https://example.org", "otpauth://hotp/Lab:alice?secret=" + RFC_SECRET,
        "otpauth://totp/Lab:alice", "otpauth://totp/Lab:alice?secret=",
        "otpauth://totp/Lab:alice?secret=JBSWY3DPEHPK3PXP",
        "otpauth://totp/Lab:alice?secret=not*base32",
        f"otpauth://totp/Lab:alice?secret={RFC_SECRET}&secret={RFC_SECRET}",
        f"otpauth://totp/Lab:alice?secret={RFC_SECRET}&algorithm=MD5",
        f"otpauth://totp/Lab:alice?secret={RFC_SECRET}&digits=5",
        f"otpauth://totp/Lab:alice?secret={RFC_SECRET}&digits=six",
        f"otpauth://totp/Lab:alice?secret={RFC_SECRET}&period=0",
        f"otpauth://totp/Lab:alice?secret={RFC_SECRET}&issuer=Other",
        "otpauth://totp/" + "a" * 5000,
    ],
    ids=["empty", "none", "int", "https", "hotp", "no-secret", "empty-secret", "80-bit",
         "not-base32", "duplicate", "md5", "5-digits", "digits-word", "period-0",
         "issuer-mismatch", "huge"],
)
def test_uris_an_app_could_not_use_are_refused_with_a_reason(uri: object):
    phone = VirtualAuthenticator(clock=FrozenClock(0))
    with pytest.raises(errors.InvalidURI):
        phone.scan(uri)  # type: ignore[arg-type]
    assert phone.accounts == []


def test_a_colon_inside_the_account_name_stays_in_the_name():
    phone = VirtualAuthenticator(clock=FrozenClock(0))
    label = phone.scan(f"otpauth://totp/Lab:bob%3Awork?secret={RFC_SECRET}&issuer=Lab")
    assert label == "Lab (bob:work)"


def test_a_phone_with_nothing_scanned_says_so():
    with pytest.raises(errors.EnrollmentRequired, match="scan"):
        VirtualAuthenticator(clock=FrozenClock(0)).code()


@pytest.mark.parametrize("skew", ["fast", float("nan"), True])
def test_bad_skew_is_refused(skew: object):
    with pytest.raises(errors.InvalidSetting):
        VirtualAuthenticator(skew=skew)  # type: ignore[arg-type]
