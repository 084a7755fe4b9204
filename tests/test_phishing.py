"""phishing: a real-time relay wins against TOTP and fails against a passkey."""

from __future__ import annotations

import hashlib

import pytest

from mfalab import AuditEvent, FrozenClock, UserStore, VirtualPasskey, errors
from mfalab.events import Event
from mfalab.phishing import (
    PHISHING_ORIGIN,
    SHARED_HOST_ORIGIN,
    RelayPage,
    read_assertion,
    rewrite_origin,
)

from .conftest import PASSWORD, Account, enroll, make_auth


@pytest.fixture
def notes() -> list[AuditEvent]:
    return []


@pytest.fixture
def victim(clock: FrozenClock, notes: list[AuditEvent]) -> Account:
    return enroll(make_auth(UserStore(":memory:"), clock, notify=notes.append), clock)


@pytest.fixture
def key(victim: Account) -> VirtualPasskey:
    key = VirtualPasskey(seed=b"victim's laptop")
    session = victim.auth.verify(victim.challenge(), victim.phone.code())
    options = victim.auth.begin_passkey_registration(session)
    victim.auth.finish_passkey_registration(session, key.create(options))
    victim.clock.advance(30)
    return key


def test_the_relay_wins_against_a_totp_code(victim: Account):
    """Password and code typed on the fake page, forwarded in real time: a real session."""
    page = RelayPage(victim.auth)
    assert "6-digit code" in page.enter_password("alice", PASSWORD)
    result = page.enter_code(victim.phone.code())
    assert result.won and result.session is not None and result.session.method == "totp"
    assert victim.auth.session(result.session.token).username == "alice"  # it really works
    assert page.typed["password"] == PASSWORD
    assert str(result).startswith("The relay won")


def test_the_victims_own_login_with_that_code_is_then_refused_as_reused(victim: Account):
    """The symptom that tells: a code refused as already used, although typed once."""
    page = RelayPage(victim.auth)
    page.enter_password("alice", PASSWORD)
    code = victim.phone.code()
    page.enter_code(code)
    victim.clock.advance(4)
    with pytest.raises(errors.CodeReused):
        victim.auth.verify(victim.auth.login("alice", PASSWORD), code)
    tail = [str(e.event) for e in victim.auth.audit_log("alice")][-4:]
    assert tail == ["password_ok", "code_accepted", "password_ok", "code_reused"]


def test_on_a_look_alike_domain_the_browser_never_asks_the_passkey(
    victim: Account, key: VirtualPasskey
):
    """evil.localhost may not ask for localhost's passkeys: nothing is signed to relay."""
    page = RelayPage(victim.auth)
    assert page.origin == PHISHING_ORIGIN
    page.enter_password("alice", PASSWORD)
    with pytest.raises(errors.PasskeyUnavailable, match="SecurityError"):
        key.get(page.passkey_options(), origin=page.origin)


def test_the_relay_fails_against_a_passkey_and_the_refusal_is_audited(
    victim: Account, key: VirtualPasskey
):
    """A page the browser lets ask (the site's host, another port): refused by origin."""
    page = RelayPage(victim.auth, origin=SHARED_HOST_ORIGIN)
    page.enter_password("alice", PASSWORD)
    answer = key.get(page.passkey_options(), origin=page.origin)  # the victim's browser
    assert read_assertion(answer).client_data["origin"] == SHARED_HOST_ORIGIN
    result = page.enter_passkey(answer)
    assert not result.won and result.session is None
    assert isinstance(result.refusal, errors.PasskeyRefused)
    assert result.refusal.reason == "origin"
    last = victim.auth.audit_log("alice")[-1]
    assert last.event == Event.PASSKEY_REJECTED and SHARED_HOST_ORIGIN in last.detail
    assert str(result).startswith("The relay failed: PasskeyRefused")


def test_a_page_asking_for_its_own_rp_id_gets_no_answer_at_all(
    victim: Account, key: VirtualPasskey
):
    page = RelayPage(victim.auth)
    page.enter_password("alice", PASSWORD)
    with pytest.raises(errors.PasskeyUnavailable, match="no passkey"):
        key.get(page.passkey_options(rp_id="evil.localhost"), origin=page.origin)


def test_a_page_on_an_unrelated_domain_is_refused_by_the_browser(
    victim: Account, key: VirtualPasskey
):
    page = RelayPage(victim.auth, origin="https://mfa-lab-login.example")
    page.enter_password("alice", PASSWORD)
    with pytest.raises(errors.PasskeyUnavailable, match="SecurityError"):
        key.get(page.passkey_options(), origin=page.origin)


def test_the_victim_still_signs_in_on_the_real_site_with_the_passkey(
    victim: Account, key: VirtualPasskey
):
    page = RelayPage(victim.auth, origin=SHARED_HOST_ORIGIN)
    page.enter_password("alice", PASSWORD)
    page.enter_passkey(key.get(page.passkey_options(), origin=page.origin))
    challenge = victim.auth.login("alice", PASSWORD)
    answer = key.get(victim.auth.begin_passkey_login(challenge))
    assert victim.auth.verify_passkey(challenge, answer).method == "passkey"


def test_what_a_passkey_signs_decoded_byte_by_byte(victim: Account, key: VirtualPasskey):
    challenge = victim.auth.login("alice", PASSWORD)
    options = victim.auth.begin_passkey_login(challenge)
    real = read_assertion(key.get(options))
    phished = read_assertion(key.get(options, origin=SHARED_HOST_ORIGIN))
    assert real.client_data == {"type": "webauthn.get", "challenge": options["challenge"],
                                "origin": "http://localhost:5000", "crossOrigin": False}
    assert phished.client_data["origin"] == SHARED_HOST_ORIGIN
    assert real.rp_id_hash == hashlib.sha256(b"localhost").hexdigest() == phished.rp_id_hash
    assert real.is_for("localhost") and not real.is_for("evil.localhost")
    assert real.flags == ("UP user present", "UV user verified")
    assert (real.sign_count, phished.sign_count) == (1, 2)


def test_relay_steps_need_a_password_first(victim: Account):
    page = RelayPage(victim.auth)
    with pytest.raises(errors.InvalidInput, match="enter_password first"):
        page.enter_code("123456")
    with pytest.raises(errors.LoginFailed):
        page.enter_password("alice", "a wrong password")


@pytest.mark.parametrize("bad", [None, {}, {"response": {}}, {"response": {
    "clientDataJSON": "e30", "authenticatorData": "AAAA"}}, {"response": {
        "clientDataJSON": "bm90IGpzb24", "authenticatorData": "A" * 50}}])
def test_read_assertion_refuses_what_is_not_an_answer(bad: object):
    with pytest.raises(errors.InvalidInput):
        read_assertion(bad)  # type: ignore[arg-type]


def test_rewriting_the_origin_breaks_the_signature(victim: Account, key: VirtualPasskey):
    """The attacker cannot just edit clientDataJSON back to the real origin."""
    page = RelayPage(victim.auth, origin=SHARED_HOST_ORIGIN)
    page.enter_password("alice", PASSWORD)
    answer = key.get(page.passkey_options(), origin=page.origin)
    edited = rewrite_origin(answer, "http://localhost:5000")
    assert read_assertion(edited).client_data["origin"] == "http://localhost:5000"
    result = page.enter_passkey(edited)
    assert isinstance(result.refusal, errors.PasskeyRefused)
    assert result.refusal.reason == "signature"


def test_describe_names_the_origin_and_the_rp_id_hash(victim: Account, key: VirtualPasskey):
    challenge = victim.auth.login("alice", PASSWORD)
    text = read_assertion(key.get(victim.auth.begin_passkey_login(challenge),
                                  origin=SHARED_HOST_ORIGIN)).describe()
    assert f"origin     {SHARED_HOST_ORIGIN}" in text
    assert "(the SHA-256 of 'localhost')" in text and "signature counter 1" in text
    assert "NOT the SHA-256 of 'evil.localhost'" in read_assertion(
        key.get(victim.auth.begin_passkey_login(challenge))).describe("evil.localhost")
