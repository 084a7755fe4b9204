"""Enrollment widgets: the live URI and QR code, and confirming a pending secret."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from mfalab import AuthService, FrozenClock, UserStore, VirtualAuthenticator, otp, passwords
from mfalab.widgets.enrollment import (
    EXAMPLE_SECRET,
    EnrollmentConfirmer,
    UriBuilder,
    qr_png,
    uri_fields_html,
)

from .widget_support import FALLBACK, PNG_MAGIC, images, picture, press_enter, text_of

PASSWORD = "violet anchor tundra 58"


def _text(html_value: str) -> str:
    """The visible text of a message (tags dropped, the apostrophe entity decoded)."""
    return re.sub(r"<[^>]+>", "", html_value).replace("&#x27;", "'")


# -- UriBuilder -------------------------------------------------------------------------


def test_example_secret_is_rfc_4226_key():
    """The widget's example secret is RFC 4226's key in base32."""
    assert EXAMPLE_SECRET == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert otp.secret_bytes(EXAMPLE_SECRET) == b"12345678901234567890"


def test_builder_shows_the_uri_the_package_builds():
    """The URI shown is exactly otp.provisioning_uri's, and the QR code is a PNG."""
    builder = UriBuilder(issuer="MFA Lab", account="alice@example.com")
    expected = otp.provisioning_uri(EXAMPLE_SECRET, "alice@example.com", "MFA Lab")
    assert builder.current_uri == expected
    assert "otpauth://totp/MFA%20Lab:alice%40example.com" in builder.uri.value
    assert picture(builder.qr.value).startswith(PNG_MAGIC)
    assert picture(builder.qr.value) == qr_png(expected)
    assert "mfalab-ok" in builder.message.value


def test_builder_updates_live_when_a_field_changes():
    """Typing a new issuer or account rebuilds the URI and the QR code at once."""
    builder = UriBuilder()
    before = builder.qr.value
    builder.issuer.value = "Example Bank"
    builder.account.value = "carol"
    assert builder.current_uri is not None
    assert builder.current_uri.startswith("otpauth://totp/Example%20Bank:carol?")
    assert parse_qs(urlparse(builder.current_uri).query)["issuer"] == ["Example Bank"]
    assert picture(builder.qr.value) != picture(before)


def test_builder_adds_non_default_settings_to_the_uri():
    """SHA256, 8 digits and 60 s appear as parameters; defaults are left out."""
    builder = UriBuilder()
    assert "algorithm" not in builder.current_uri
    builder.algorithm.value = "sha256"
    builder.digits.value = 8
    builder.period.value = 60
    query = parse_qs(urlparse(builder.current_uri).query)
    assert query["algorithm"] == ["SHA256"]
    assert query["digits"] == ["8"]
    assert query["period"] == ["60"]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("issuer", "", "Type an issuer"),
        ("issuer", "   ", "Type an issuer"),
        ("account", "", "Type an account name"),
        ("issuer", "Bank:Branch", "cannot contain ':'"),
        ("issuer", "x" * 100_000, "far too long"),
        ("account", "y" * 100_000, "far too long"),
        ("account", "z" * 200, "1 to 128 characters"),
    ],
    ids=["empty-issuer", "blank-issuer", "empty-account", "colon-issuer", "huge-issuer",
         "huge-account", "long-account"],
)
def test_builder_bad_input_gets_a_friendly_message(field: str, value: str, expected: str):
    """Empty fields, an issuer with ':' and pastes too long show a message, no URI or QR."""
    builder = UriBuilder()
    getattr(builder, field).value = value
    assert builder.current_uri is None
    assert "mfalab-error" in builder.message.value
    assert expected in _text(builder.message.value)
    assert builder.uri.value == ""
    assert builder.qr.value == ""  # no image at all, so never a broken one
    assert builder.scan_button.layout.display == "none"


def test_builder_recovers_after_bad_input():
    """Fixing a bad field brings the URI and QR code back."""
    builder = UriBuilder()
    builder.issuer.value = ""
    builder.issuer.value = "MFA Lab"
    assert builder.current_uri is not None
    assert picture(builder.qr.value).startswith(PNG_MAGIC)


def test_builder_warns_about_a_colon_in_the_account():
    """An account with ':' is escaped, with a warning that some apps may misread it."""
    builder = UriBuilder()
    builder.account.value = "team:alice"
    assert builder.current_uri is not None
    assert "team%3Aalice" in builder.current_uri
    assert "mfalab-warn" in builder.message.value


def test_builder_escapes_html_in_fields():
    """Markup typed into a field is shown as text, never run as HTML."""
    builder = UriBuilder()
    builder.account.value = "<script>alert(1)</script>"
    assert "<script>" not in builder.fields.value
    assert "&lt;script&gt;" in builder.fields.value


def test_fields_table_names_every_field_and_the_defaults():
    """The field table reads the label's issuer and account and shows left-out defaults."""
    uri = otp.provisioning_uri(EXAMPLE_SECRET, "alice@example.com", "MFA Lab")
    table = uri_fields_html(uri)
    for word in ("scheme", "otpauth", "totp", "MFA Lab", "alice@example.com", EXAMPLE_SECRET,
                 "(left out: SHA1)", "(left out: 6)", "(left out: 30)"):
        assert word in table


def test_builder_displays_with_a_stable_text_form():
    """The text form nbval compares names the widget and holds no memory address."""
    bundle = UriBuilder()._repr_mimebundle_()
    assert bundle["text/plain"].startswith("UriBuilder")
    assert " at 0x" not in bundle["text/plain"]
    assert bundle["text/plain"] == "UriBuilder " + FALLBACK
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_builder_qr_has_the_grouped_secret_as_its_text_alternative():
    [(_, alt)] = images(UriBuilder().qr.value)
    assert otp.group_secret(EXAMPLE_SECRET) in alt


def test_builder_qr_keeps_its_shape():
    """The QR code has a width and follows its own aspect ratio (never stretched)."""
    builder = UriBuilder()
    tag = re.search(r"<img [^>]*>", builder.qr.value)
    assert tag is not None
    assert "height:auto" in tag[0] and "height=" not in tag[0]
    assert "max-width:100%" in tag[0]
    assert builder.qr.layout.flex == "0 0 auto"  # the row does not stretch it either


def test_builder_virtual_phone_reads_the_uri_on_screen():
    """'Use the virtual phone' scans the QR code shown, settings and all."""
    builder = UriBuilder()
    builder.digits.value = 8
    builder.scan_button.click()
    shown = re.search(r"(\d{4}) (\d{4})", text_of(builder.phone_screen.value))
    assert shown is not None
    assert "MFA Lab (alice@example.com)" in builder.phone_screen.value
    builder.issuer.value = "Other"  # a new URI: the old screen is cleared
    assert builder.phone_screen.value == ""


def test_builder_long_values_wrap_only_where_they_must():
    """URIs wrap anywhere they have to, but words are never broken mid-word by force."""
    builder = UriBuilder()
    for value in (builder.uri.value, builder.fields.value):
        assert "word-break:break-all" not in value
    assert "overflow-wrap:anywhere" in builder.uri.value


# -- EnrollmentConfirmer ------------------------------------------------------------------


@pytest.fixture
def pending(
    auth: AuthService, clock: FrozenClock
) -> tuple[EnrollmentConfirmer, VirtualAuthenticator]:
    """Alice, registered, with an enrollment pending and scanned into a virtual phone."""
    auth.register("alice", PASSWORD)
    enrollment = auth.begin_enrollment("alice", PASSWORD)
    phone = VirtualAuthenticator(clock=clock)
    phone.scan(enrollment.uri)
    return EnrollmentConfirmer(auth, enrollment), phone


def test_confirm_with_the_phone_code_shows_confirmed_and_ten_codes(pending, auth):
    """The right code switches the factor on and shows the 10 recovery codes once."""
    widget, phone = pending
    widget.code.value = phone.code()
    widget.button.click()
    assert "Confirmed" in widget.result.value
    assert len(widget.recovery_codes) == 10
    for code in widget.recovery_codes:
        assert code in widget.result.value
    assert auth.status("alice").enrolled


def test_wrong_code_is_refused_kindly_and_nothing_is_switched_on(pending, auth):
    """A wrong code shows the service's refusal; the enrollment stays pending."""
    widget, phone = pending
    wrong = "000000" if phone.code() != "000000" else "111111"
    widget.code.value = wrong
    widget.button.click()
    assert "mfalab-error" in widget.result.value
    assert "not right" in widget.result.value
    assert widget.recovery_codes == []
    status = auth.status("alice")
    assert not status.enrolled and status.pending


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", "Type the 6-digit code"),
        ("   ", "Type the 6-digit code"),
        ("12ab56", "exactly 6 digits"),
        ("１２３４５６", "exactly 6 digits"),
        ("1" * 100_000, "far too long"),
    ],
    ids=["empty", "spaces", "letters", "fullwidth-digits", "huge-paste"],
)
def test_malformed_code_gets_a_friendly_message(pending, typed: str, expected: str):
    """Empty, lettered, fullwidth and huge codes are refused with a sentence, no traceback."""
    widget, _ = pending
    widget.code.value = typed
    widget.button.click()
    assert "mfalab-error" in widget.result.value
    assert expected in widget.result.value
    assert widget.recovery_codes == []


def test_confirming_twice_says_nothing_is_waiting(pending):
    """After a confirmation, a second click explains that no enrollment is pending."""
    widget, phone = pending
    widget.code.value = phone.code()
    widget.button.click()
    widget.button.click()
    assert "No enrollment is waiting" in widget.result.value


def test_confirmer_shows_the_qr_code_and_grouped_secret(pending):
    """With an enrollment, the widget shows its QR code and the secret in groups of four."""
    widget, _ = pending
    assert widget.card is not None
    image, text = widget.card.children
    [(png, alt)] = images(image.value)
    assert png.startswith(PNG_MAGIC)
    grouped = re.search(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", text.value)
    assert grouped
    assert grouped[0] in alt  # the text alternative of the QR code is the grouped secret
    assert "time-based, SHA1, 6 digits, 30 s" in text.value


def test_confirmer_without_enrollment_refuses_kindly(auth: AuthService):
    """Confirming for an account with nothing pending shows a friendly message."""
    auth.register("bob", PASSWORD)
    widget = EnrollmentConfirmer(auth, auth.begin_enrollment("bob", PASSWORD))
    auth.reset_second_factor("bob")  # the pending enrollment is gone
    widget.code.value = "123456"
    widget.button.click()
    assert "begin enrollment first" in widget.result.value


def test_confirmer_virtual_phone_confirms_without_a_real_one(auth: AuthService):
    """'Use the virtual phone' scans the QR code; its code confirms the enrollment."""
    auth.register("alice", PASSWORD)
    widget = EnrollmentConfirmer(auth, auth.begin_enrollment("alice", PASSWORD), show_qr=True)
    widget.scan_button.click()
    code = widget.phone.code()
    assert f"{code[:3]} {code[3:]}" in widget.phone_screen.value
    widget.code.value = code
    widget.button.click()
    assert "Confirmed" in widget.result.value
    assert auth.status("alice").enrolled


def test_confirmer_enter_confirms(pending, auth):
    widget, phone = pending
    widget.code.value = phone.code()
    press_enter(widget.code)
    assert "Confirmed" in widget.result.value


def test_confirmer_hides_the_seed_once_confirmed(pending):
    """The QR code and the secret leave the screen (and the widget state) once the factor
    is on: only the recovery codes, shown on purpose, are left."""
    widget, phone = pending
    secret = widget.enrollment.secret
    widget.code.value = phone.code()
    widget.button.click()
    assert widget.card is not None
    assert all(child.value == "" for child in widget.card.children)
    assert widget.card.layout.display == "none"
    everything = "".join(str(child.get_state()) for child in widget.card.children)
    assert secret not in everything and otp.group_secret(secret) not in everything


def test_confirmer_without_the_qr_shows_just_the_form(pending, auth):
    widget, _ = pending
    plain = EnrollmentConfirmer(auth, widget.enrollment, show_qr=False)
    assert plain.card is None
    assert "<img" not in "".join(getattr(c, "value", "") for c in plain.children)


def test_confirmer_asks_for_as_many_digits_as_the_service_uses(clock: FrozenClock):
    with UserStore(":memory:") as store:
        auth = AuthService(store, clock=clock, digits=8,
                           password_profile=passwords.CHEAP_FOR_TESTS_ONLY)
        auth.register("alice", PASSWORD)
        widget = EnrollmentConfirmer(auth, auth.begin_enrollment("alice", PASSWORD))
        widget.button.click()
        assert "Type the 8-digit code" in widget.result.value
        assert "8 digits" in widget.card.children[1].value


def test_confirmer_messages_are_announced(pending):
    """Results sit in an aria-live status region, for screen readers."""
    widget, phone = pending
    assert 'role="status"' in widget.result.value
    widget.code.value = phone.code()
    widget.button.click()
    assert 'aria-live="polite"' in widget.result.value
    assert widget._repr_mimebundle_()["text/plain"] == "EnrollmentConfirmer " + FALLBACK
