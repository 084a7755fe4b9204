"""passkeys: every relying-party rule, played with VirtualPasskey against the real service."""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mfalab import (
    AuditEvent,
    AuthService,
    FrozenClock,
    Session,
    UserStore,
    VirtualPasskey,
    errors,
    passkey_flows,
)
from mfalab.events import Check, Event, ThrottleKind
from mfalab.throttle import Throttle

from .conftest import ALL_BACKENDS, PASSWORD, Account, enroll, make_auth

BACKENDS = ALL_BACKENDS

EVIL = "http://localhost:5001"  # the site's host, another port: the browser lets it ask


class Lab:
    """An enrolled alice, her passkey, and every notification the service sent."""

    def __init__(self, auth: AuthService, clock: FrozenClock, notes: list[AuditEvent]) -> None:
        self.auth, self.clock, self.notes = auth, clock, notes
        self.alice: Account = enroll(auth, clock)
        self.key = VirtualPasskey(seed=b"alice's laptop")

    def session(self) -> Session:
        """A fresh session from a TOTP login."""
        session = self.auth.verify(self.alice.challenge(), self.alice.phone.code())
        self.clock.advance(30)
        return session

    def register(self, key: VirtualPasskey | None = None) -> None:
        session = self.session()
        options = self.auth.begin_passkey_registration(session)
        self.auth.finish_passkey_registration(session, (key or self.key).create(options))

    def events(self, name: str = "alice") -> list[str]:
        return [str(e.event) for e in self.auth.audit_log(name)]

    def passkey_login(self, key: VirtualPasskey | None = None, **get: Any) -> Session:
        challenge = self.auth.login("alice", PASSWORD)
        options = self.auth.begin_passkey_login(challenge)
        return self.auth.verify_passkey(challenge, (key or self.key).get(options, **get))


@pytest.fixture
def lab(store: UserStore, clock: FrozenClock) -> Lab:
    notes: list[AuditEvent] = []
    return Lab(make_auth(store, clock, notify=notes.append), clock, notes)


@pytest.fixture
def registered(lab: Lab) -> Lab:
    lab.register()
    return lab


# -- registration -------------------------------------------------------------------------


def test_a_registered_passkey_signs_in_after_the_password(registered: Lab):
    """The second factor can be a passkey: a Session with method 'passkey'."""
    session = registered.passkey_login()
    assert session.method == "passkey" and session.username == "alice"
    assert registered.events()[-2:] == ["password_ok", "passkey_accepted"]
    assert registered.auth.session(session.token).method == "passkey"


def test_adding_a_passkey_is_audited_and_notified(registered: Lab):
    """passkey_added is a security notification (sent after the commit)."""
    assert "passkey_added" in registered.events()
    assert [n.event for n in registered.notes][-1] == Event.PASSKEY_ADDED


def test_registration_needs_a_session_under_five_minutes_old(lab: Lab):
    """A session older than 5 minutes cannot begin or finish adding a passkey."""
    session = lab.session()
    options = lab.auth.begin_passkey_registration(session)
    lab.clock.advance(5 * 60)
    with pytest.raises(errors.SessionExpired, match="fresh login"):
        lab.auth.finish_passkey_registration(session, lab.key.create(options))
    with pytest.raises(errors.SessionExpired, match="fresh login"):
        lab.auth.begin_passkey_registration(session)
    assert lab.auth.store.passkeys("alice") == []


def test_registration_needs_a_live_session(lab: Lab):
    """A signed-out session, or a made-up token, cannot add a passkey."""
    session = lab.session()
    lab.auth.logout(session)
    with pytest.raises(errors.SessionExpired):
        lab.auth.begin_passkey_registration(session)
    with pytest.raises(errors.SessionExpired):
        lab.auth.begin_passkey_registration(Session("alice", lab.clock.now(), "totp", "made up"))


def test_creation_options_require_user_verification_and_name_the_configured_rp(lab: Lab):
    options = lab.auth.begin_passkey_registration(lab.session())
    assert options["rp"] == {"name": "MFA Lab", "id": "localhost"}
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["attestation"] == "none"
    assert len(base64.urlsafe_b64decode(options["challenge"] + "==")) == 32
    assert options["user"]["name"] == "alice"
    assert b"alice" not in base64.urlsafe_b64decode(options["user"]["id"] + "==")
    json.dumps(options)  # JSON-ready: plain values only


def test_registration_without_user_verification_is_refused(lab: Lab):
    """An authenticator that did not verify the user (no PIN or biometric) is refused."""
    session = lab.session()
    options = lab.auth.begin_passkey_registration(session)
    lazy = VirtualPasskey(user_verification=False)
    with pytest.raises(errors.PasskeyRefused) as refused:
        lab.auth.finish_passkey_registration(session, lazy.create(options))
    assert refused.value.reason == "user verification"
    assert refused.value.check is Check.PASSKEY
    assert lab.auth.store.passkeys("alice") == []


def test_registration_from_another_origin_is_refused(lab: Lab):
    session = lab.session()
    options = lab.auth.begin_passkey_registration(session)
    with pytest.raises(errors.PasskeyRefused) as refused:
        lab.auth.finish_passkey_registration(session, lab.key.create(options, origin=EVIL))
    assert refused.value.reason == "origin"
    assert lab.auth.store.passkeys("alice") == []


def test_registration_options_are_single_use_and_bound_to_their_session(lab: Lab):
    """The same creation answer twice, or for another session, is refused."""
    session = lab.session()
    options = lab.auth.begin_passkey_registration(session)
    answer = lab.key.create(options)
    other = lab.session()
    with pytest.raises(errors.PasskeyRefused, match="does not belong") as refused:
        lab.auth.finish_passkey_registration(other, answer)
    assert refused.value.reason == "challenge"
    lab.auth.finish_passkey_registration(session, answer)  # still good for its own session
    with pytest.raises(errors.PasskeyRefused, match="already used"):
        lab.auth.finish_passkey_registration(session, answer)
    assert len(lab.auth.store.passkeys("alice")) == 1


def test_a_credential_id_is_registered_once_across_accounts(lab: Lab):
    """Credential IDs are unique: the same ID offered for a second account is refused."""
    lab.register()
    bob = enroll(lab.auth, lab.clock, "bob")
    session = lab.auth.verify(bob.challenge(), bob.phone.code())
    twin = VirtualPasskey(seed=b"alice's laptop")  # same seed: the same first credential ID
    options = lab.auth.begin_passkey_registration(session)
    with pytest.raises(errors.PasskeyRefused, match="already registered") as refused:
        lab.auth.finish_passkey_registration(session, twin.create(options))
    assert refused.value.reason == "duplicate"
    assert lab.auth.store.passkeys("bob") == []
    assert len(lab.auth.store.passkeys("alice")) == 1


def test_the_excluded_passkey_is_not_made_twice(registered: Lab):
    """Creation options list the account's passkeys, so the same key makes no second one."""
    options = registered.auth.begin_passkey_registration(registered.session())
    assert [c["id"] for c in options["excludeCredentials"]] == \
        [p.credential_id for p in registered.auth.passkeys(registered.session())]
    with pytest.raises(errors.PasskeyUnavailable, match="InvalidStateError"):
        registered.key.create(options)


def test_several_passkeys_beside_the_totp_factor(registered: Lab):
    """Two passkeys and the app: each one signs in."""
    spare = VirtualPasskey(seed=b"alice's spare key")
    registered.register(spare)
    session = registered.session()
    assert len(registered.auth.passkeys(session)) == 2
    assert registered.passkey_login().method == "passkey"
    assert registered.passkey_login(spare).method == "passkey"
    assert registered.session().method == "totp"


def test_a_passkey_limit_bounds_the_list(lab: Lab, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("mfalab.passkeys.MAX_PASSKEYS", 1)
    lab.register()
    with pytest.raises(errors.InvalidInput, match="remove one first"):
        lab.auth.begin_passkey_registration(lab.session())


# -- signing in -----------------------------------------------------------------------------


def test_request_options_are_for_this_account_and_require_user_verification(registered: Lab):
    challenge = registered.auth.login("alice", PASSWORD)
    options = registered.auth.begin_passkey_login(challenge)
    assert options["rpId"] == "localhost"
    assert options["userVerification"] == "required"
    held = [p.credential_id for p in registered.auth.passkeys(registered.session())]
    assert [c["id"] for c in options["allowCredentials"]] == held


def test_a_login_says_whether_its_account_has_a_passkey(lab: Lab):
    assert lab.auth.has_passkey(lab.alice.challenge()) is False
    lab.register()
    assert lab.auth.has_passkey(lab.alice.challenge()) is True
    with pytest.raises(errors.InvalidChallenge):
        lab.auth.has_passkey(Session("alice", 0.0, "totp", "x"))  # type: ignore[arg-type]


def test_an_account_without_passkeys_gets_no_request_options(lab: Lab):
    with pytest.raises(errors.EnrollmentRequired, match="no passkey"):
        lab.auth.begin_passkey_login(lab.alice.challenge())


def test_request_options_need_a_live_login_challenge(registered: Lab):
    challenge = registered.auth.login("alice", PASSWORD)
    registered.clock.advance(5 * 60 + 1)
    with pytest.raises(errors.ChallengeExpired):
        registered.auth.begin_passkey_login(challenge)
    with pytest.raises(errors.InvalidChallenge):
        registered.auth.begin_passkey_login("a token I made up")  # type: ignore[arg-type]


def test_an_answer_without_user_verification_is_refused(registered: Lab):
    registered.key.user_verification = False
    with pytest.raises(errors.PasskeyRefused, match="verify you") as refused:
        registered.passkey_login()
    assert refused.value.reason == "user verification"


def test_each_webauthn_challenge_is_single_use(registered: Lab):
    """The same signed answer, submitted twice, is refused the second time."""
    challenge = registered.auth.login("alice", PASSWORD)
    options = registered.auth.begin_passkey_login(challenge)
    answer = registered.key.get(options)
    registered.auth.verify_passkey(challenge, answer)
    again = registered.auth.login("alice", PASSWORD)
    registered.auth.begin_passkey_login(again)
    with pytest.raises(errors.PasskeyRefused, match="does not belong"):
        registered.auth.verify_passkey(again, answer)  # bound to the first login
    with pytest.raises(errors.ChallengeExpired):
        registered.auth.verify_passkey(challenge, answer)  # that login is over


def test_a_refused_answer_uses_its_challenge_up(registered: Lab):
    """A refusal ends the WebAuthn challenge too: no second try with the same options."""
    challenge = registered.auth.login("alice", PASSWORD)
    options = registered.auth.begin_passkey_login(challenge)
    with pytest.raises(errors.PasskeyRefused, match="look-alike"):
        registered.auth.verify_passkey(challenge, registered.key.get(options, origin=EVIL))
    with pytest.raises(errors.PasskeyRefused, match="already used"):
        registered.auth.verify_passkey(challenge, registered.key.get(options))
    fresh = registered.auth.begin_passkey_login(challenge)  # new options for the same login
    assert registered.auth.verify_passkey(challenge, registered.key.get(fresh)).method == "passkey"


def test_request_options_are_bound_to_their_login_challenge(registered: Lab):
    """Options from one login challenge do not complete another one of the same account."""
    first = registered.auth.login("alice", PASSWORD)
    second = registered.auth.login("alice", PASSWORD)
    answer = registered.key.get(registered.auth.begin_passkey_login(first))
    with pytest.raises(errors.PasskeyRefused) as refused:
        registered.auth.verify_passkey(second, answer)
    assert refused.value.reason == "challenge"


def test_a_webauthn_challenge_expires_after_five_minutes(
    registered: Lab, monkeypatch: pytest.MonkeyPatch
):
    """Its own lifetime, checked even though the login challenge (issued first, also
    5 minutes) usually ends first: here the passkey request's lifetime is shortened."""
    challenge = registered.auth.login("alice", PASSWORD)
    options = registered.auth.begin_passkey_login(challenge)
    monkeypatch.setattr(passkey_flows, "CHALLENGE_SECONDS", 60)
    registered.clock.advance(61)
    with pytest.raises(errors.PasskeyRefused, match="older than 1 minutes"):
        registered.auth.verify_passkey(challenge, registered.key.get(options))


def test_after_five_minutes_the_login_is_over(registered: Lab):
    challenge = registered.auth.login("alice", PASSWORD)
    options = registered.auth.begin_passkey_login(challenge)
    registered.clock.advance(5 * 60 + 1)
    with pytest.raises(errors.ChallengeExpired):
        registered.auth.verify_passkey(challenge, registered.key.get(options))


def test_an_answer_from_another_origin_is_refused_audited_and_counted(registered: Lab):
    """The phishing case: the browser wrote the page's origin into clientDataJSON."""
    with pytest.raises(errors.PasskeyRefused) as refused:
        registered.passkey_login(origin=EVIL)
    assert refused.value.reason == "origin"
    last = registered.auth.audit_log("alice")[-1]
    assert last.event == Event.PASSKEY_REJECTED
    assert last.detail == f"origin: {EVIL!r}; factor failure 1 in a row"
    assert registered.auth.status("alice").failures == 1


def test_an_answer_made_inside_a_cross_origin_frame_is_refused(registered: Lab):
    """clientDataJSON's crossOrigin: the site is never framed, so such an answer is refused."""
    challenge = registered.auth.login("alice", PASSWORD)
    answer = registered.key.get(registered.auth.begin_passkey_login(challenge))
    client = json.loads(base64.urlsafe_b64decode(answer["response"]["clientDataJSON"] + "=="))
    framed = json.dumps({**client, "crossOrigin": True}).encode()
    answer["response"]["clientDataJSON"] = base64.urlsafe_b64encode(framed).decode()
    with pytest.raises(errors.PasskeyRefused, match="inside a frame") as refused:
        registered.auth.verify_passkey(challenge, answer)
    assert refused.value.detail == "cross-origin frame"


def test_malformed_registration_answers_are_refused_clearly(lab: Lab):
    session = lab.session()
    lab.auth.begin_passkey_registration(session)
    for bad in (None, "{}", {"response": {}}, {"rawId": "AA", "response": {
            "clientDataJSON": "e30", "attestationObject": "AA"}}):
        with pytest.raises(errors.PasskeyRefused) as refused:
            lab.auth.finish_passkey_registration(session, bad)
        assert refused.value.reason == "malformed", bad
    assert lab.auth.store.passkeys("alice") == []


def test_an_answer_signed_for_another_rp_id_is_refused(registered: Lab):
    """The RP ID hash in authenticatorData must be the configured RP ID's, even when the
    origin is one the site accepts."""
    auth = AuthService(registered.auth.store, clock=registered.clock,
                       password_profile=registered.auth.password_profile,
                       origins=("http://localhost:5000", "http://app.localhost:5000"))
    registered.key.passkeys[0].rp_id = "app.localhost"  # the same key, scoped elsewhere
    challenge = auth.login("alice", PASSWORD)
    options = {**auth.begin_passkey_login(challenge), "rpId": "app.localhost"}
    answer = registered.key.get(options, origin="http://app.localhost:5000")
    with pytest.raises(errors.PasskeyRefused, match="another RP ID") as refused:
        auth.verify_passkey(challenge, answer)
    assert refused.value.reason == "rp id"


def test_a_passkey_of_another_account_is_refused(registered: Lab):
    bob = enroll(registered.auth, registered.clock, "bob")
    bob_key = VirtualPasskey(seed=b"bob's phone")
    session = registered.auth.verify(bob.challenge(), bob.phone.code())
    registered.auth.finish_passkey_registration(
        session, bob_key.create(registered.auth.begin_passkey_registration(session)))
    challenge = registered.auth.login("alice", PASSWORD)
    options = registered.auth.begin_passkey_login(challenge)
    with pytest.raises(errors.PasskeyRefused) as refused:
        registered.auth.verify_passkey(challenge, bob_key.get({**options, "allowCredentials": []}))
    assert refused.value.reason == "unknown passkey"


def test_a_forged_signature_is_refused(registered: Lab):
    challenge = registered.auth.login("alice", PASSWORD)
    answer = registered.key.get(registered.auth.begin_passkey_login(challenge))
    signature = bytearray(base64.urlsafe_b64decode(answer["response"]["signature"] + "=="))
    signature[-1] ^= 1
    answer["response"]["signature"] = base64.urlsafe_b64encode(bytes(signature)).decode()
    with pytest.raises(errors.PasskeyRefused, match="signature") as refused:
        registered.auth.verify_passkey(challenge, answer)
    assert refused.value.reason == "signature"


def _with_counter(answer: dict[str, Any], counter: int) -> dict[str, Any]:
    data = bytearray(base64.urlsafe_b64decode(answer["response"]["authenticatorData"] + "=="))
    data[33:37] = counter.to_bytes(4, "big")
    answer["response"]["authenticatorData"] = base64.urlsafe_b64encode(bytes(data)).decode()
    return answer


def test_a_counter_regression_is_a_clone_warning_notified_and_refused(registered: Lab):
    """A copy of the key (same private key, same counter) used after the original."""
    copy = registered.key.clone()
    registered.passkey_login()  # the original: counter 1
    with pytest.raises(errors.PasskeyRefused, match="copy of it") as refused:
        registered.passkey_login(copy)  # the copy: counter 1 again
    assert refused.value.reason == "counter"
    last = registered.auth.audit_log("alice")[-1]
    assert (last.event, last.detail) == (Event.PASSKEY_CLONE_WARNING,
                                         "counter: 1 after 1; factor failure 1 in a row")
    assert registered.notes[-1].event == Event.PASSKEY_CLONE_WARNING
    assert registered.auth.store.passkeys("alice")[0].sign_count == 1  # not moved back
    assert registered.passkey_login().method == "passkey"  # the original still works


def test_a_forged_counter_is_a_bad_signature_not_a_clone_warning(registered: Lab):
    """The signature is checked before the counter: a forged answer raises no false alarm."""
    registered.passkey_login()
    challenge = registered.auth.login("alice", PASSWORD)
    answer = _with_counter(registered.key.get(registered.auth.begin_passkey_login(challenge)), 0)
    with pytest.raises(errors.PasskeyRefused) as refused:
        registered.auth.verify_passkey(challenge, answer)
    assert refused.value.reason == "signature"
    assert Event.PASSKEY_CLONE_WARNING not in registered.events()


def test_an_authenticator_without_a_counter_is_no_clone(lab: Lab):
    """Counters that stay 0 (many synced passkeys) pass: WebAuthn §6.1.1."""
    key = VirtualPasskey(counter=False, synced=True)
    lab.register(key)
    for _ in range(3):
        assert lab.passkey_login(key).method == "passkey"
    stored = lab.auth.store.passkeys("alice")[0]
    assert (stored.sign_count, stored.synced) == (0, True)


def test_passkey_refusals_count_on_the_factor_throttle(registered: Lab):
    """Five refused answers lock the second factor: then even a good answer waits."""
    for _ in range(5):
        with pytest.raises(errors.PasskeyRefused):
            registered.passkey_login(origin=EVIL)
    with pytest.raises(errors.TooManyAttempts):
        registered.passkey_login()
    assert "lockout" in registered.events()


def test_malformed_answers_are_refused_clearly(registered: Lab):
    challenge = registered.auth.login("alice", PASSWORD)
    registered.auth.begin_passkey_login(challenge)
    for bad in (None, 42, "", "not json", "[]", "{}", {"response": "x"}, "x" * 100_000,
                {"rawId": "!!", "response": {"clientDataJSON": "%%%"}},
                {"response": {"clientDataJSON": "e30"}}):
        with pytest.raises(errors.PasskeyRefused) as refused:
            registered.auth.verify_passkey(challenge, bad)
        assert refused.value.reason == "malformed", bad
        with registered.auth.store.transaction():  # this test is about shapes, not the lock
            registered.auth.store.set_throttle(ThrottleKind.FACTOR, "alice", Throttle())


@settings(max_examples=60, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.sampled_from(["id", "rawId", "type", "response",
                                                       "clientDataJSON", "authenticatorData",
                                                       "signature"]), inner, max_size=4),
                    max_leaves=12))
def test_any_json_shape_is_an_auth_error_never_a_crash(value: object):
    clock = FrozenClock(1_700_000_000)
    with UserStore(":memory:") as store:
        auth = make_auth(store, clock)
        lab = Lab(auth, clock, [])
        lab.register()
        challenge = auth.login("alice", PASSWORD)
        auth.begin_passkey_login(challenge)
        with pytest.raises(errors.AuthError):
            auth.verify_passkey(challenge, value)


# -- passkey-only accounts, listing, removing, reset ------------------------------------------


def test_login_works_for_an_account_with_a_passkey_and_no_app(registered: Lab):
    """A passkey is an active second factor on its own."""
    with registered.auth.store.transaction():
        registered.auth.store.clear_second_factor("alice")  # the app is gone
    assert registered.passkey_login().method == "passkey"
    with pytest.raises(errors.EnrollmentRequired):
        registered.auth.verify(registered.auth.login("alice", PASSWORD), "123456")


def test_a_passkey_only_account_needs_more_than_the_password_to_add_an_app(registered: Lab):
    """ASVS 5.0 7.5.1: a stolen password alone must not add a factor of the thief's."""
    with registered.auth.store.transaction():
        registered.auth.store.clear_second_factor("alice")
    with pytest.raises(errors.SecondFactorRequired):
        registered.auth.begin_enrollment("alice", PASSWORD)


def test_listing_shows_public_facts_only(registered: Lab):
    registered.passkey_login()
    [listed] = registered.auth.passkeys(registered.session())
    assert listed.sign_count == 1 and listed.last_used_at == registered.clock.now() - 30
    assert listed.synced is False
    assert set(vars(listed)) == {"credential_id", "created_at", "last_used_at", "sign_count",
                                 "synced"}


def test_removing_a_passkey_is_audited_notified_and_final(registered: Lab):
    spare = VirtualPasskey(seed=b"spare")
    registered.register(spare)
    session = registered.session()
    first = registered.auth.passkeys(session)[0].credential_id
    registered.auth.remove_passkey(session, first)
    assert [p.credential_id for p in registered.auth.passkeys(session)] != [first]
    assert registered.notes[-1].event == Event.PASSKEY_REMOVED
    with pytest.raises(errors.PasskeyUnavailable):
        registered.passkey_login()  # the options no longer list it
    challenge = registered.auth.login("alice", PASSWORD)
    options = {**registered.auth.begin_passkey_login(challenge), "allowCredentials": []}
    with pytest.raises(errors.PasskeyRefused, match="not registered"):
        registered.auth.verify_passkey(challenge, registered.key.get(options))
    assert registered.passkey_login(spare).method == "passkey"


def test_removing_needs_a_fresh_session_and_a_known_id(registered: Lab):
    session = registered.session()
    with pytest.raises(errors.InvalidInput, match="no passkey with that ID"):
        registered.auth.remove_passkey(session, "bm9uZQ")
    with pytest.raises(errors.InvalidInput):
        registered.auth.remove_passkey(session, 42)  # type: ignore[arg-type]
    registered.clock.advance(5 * 60)
    with pytest.raises(errors.SessionExpired, match="fresh login"):
        registered.auth.remove_passkey(session, registered.auth.passkeys(session)[0].credential_id)


def test_the_only_second_factor_cannot_be_removed(registered: Lab):
    session = registered.session()
    with registered.auth.store.transaction():
        registered.auth.store.clear_second_factor("alice")
    with pytest.raises(errors.SecondFactorRequired, match="only second factor"):
        registered.auth.remove_passkey(session, registered.auth.passkeys(session)[0].credential_id)


def test_an_administrators_reset_removes_the_passkeys_too(registered: Lab):
    registered.auth.reset_second_factor("alice")
    assert registered.auth.store.passkeys("alice") == []
    assert registered.auth.audit_log("alice")[-1].detail == \
        "by an administrator; 1 passkey removed"
    with pytest.raises(errors.EnrollmentRequired):
        registered.auth.login("alice", PASSWORD)


# -- storage ------------------------------------------------------------------------------


def test_only_the_public_key_is_stored(db_path: Path, clock: FrozenClock):
    """Inspect the database: the public key is there, the private key and the challenge
    are not (the challenge only as its SHA-256)."""
    with UserStore(db_path) as store:
        lab = Lab(make_auth(store, clock), clock, [])
        session = lab.session()
        options = lab.auth.begin_passkey_registration(session)
        lab.auth.finish_passkey_registration(session, lab.key.create(options))
        login = lab.auth.login("alice", PASSWORD)
        request = lab.auth.begin_passkey_login(login)
        lab.auth.verify_passkey(login, lab.key.get(request))
    private = lab.key.passkeys[0].private_key
    numbers = private.public_key().public_numbers()
    on_disk = b"".join(f.read_bytes() for f in sorted(db_path.parent.glob("users.db*")))
    assert private.private_numbers().private_value.to_bytes(32, "big") not in on_disk
    assert numbers.x.to_bytes(32, "big") in on_disk  # the public key, as COSE
    for sent in (options["challenge"], request["challenge"]):
        raw = base64.urlsafe_b64decode(sent + "==")
        assert raw not in on_disk and sent.encode() not in on_disk
        assert hashlib.sha256(raw).hexdigest().encode() in on_disk
    with sqlite3.connect(db_path) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(passkeys)")]
        unique = [row for row in db.execute("PRAGMA index_list(passkeys)") if row[2]]
    assert columns == ["id", "credential_id", "username", "public_key", "sign_count", "aaguid",
                       "synced", "created_at", "last_used_at"]
    assert unique, "credential_id is UNIQUE in the schema"


def test_the_sign_count_is_a_compare_and_set(auth: AuthService):
    from mfalab.store import PasskeyRecord

    store = auth.store
    assert store.add_passkey(PasskeyRecord("alice", b"i" * 16, b"k", 0, 1.0))
    assert not store.add_passkey(PasskeyRecord("bob", b"i" * 16, b"k", 0, 1.0))
    assert store.record_passkey_use(b"i" * 16, 0, 2.0)  # no counter: 0 after 0 is fine
    assert store.record_passkey_use(b"i" * 16, 5, 3.0)
    assert not store.record_passkey_use(b"i" * 16, 5, 4.0)
    assert not store.record_passkey_use(b"i" * 16, 0, 4.0)
    assert store.get_passkey(b"i" * 16).sign_count == 5  # type: ignore[union-attr]


def test_every_passkey_method_of_the_interface_is_implemented_by_sqlite():
    from mfalab.store import SQLiteStore
    from mfalab.store.base import UserStore as Interface

    names = [n for n in vars(Interface) if "passkey" in n or "webauthn" in n]
    assert len(names) == 8
    for name in names:
        assert getattr(SQLiteStore, name) is not getattr(Interface, name), name


# -- settings -------------------------------------------------------------------------------


@pytest.mark.parametrize("rp_id", ["127.0.0.1", "::1", "[::1]", "http://localhost",
                                   "localhost:5000", "", "Local Host", "-bad.example", 5])
def test_an_rp_id_is_a_domain_name_never_an_ip_address(clock: FrozenClock, rp_id: object):
    with pytest.raises(errors.InvalidSetting):
        make_auth(UserStore(":memory:"), clock, rp_id=rp_id)


@pytest.mark.parametrize("origins", [
    "http://localhost:5000", (), ["http://localhost:5000/"], ["http://localhost:5000/login"],
    ["localhost:5000"], ["http://example.org"], ["http://127.0.0.1:5000"],
    ["https://localhost.evil.example"], [None], ["ftp://localhost"],
    ["http://localhost:99999"],
])
def test_origins_are_on_the_rp_id_and_secure(clock: FrozenClock, origins: object):
    with pytest.raises(errors.InvalidSetting):
        make_auth(UserStore(":memory:"), clock, origins=origins)


def test_https_origins_on_the_rp_id_and_its_subdomains_are_accepted(clock: FrozenClock):
    auth = make_auth(UserStore(":memory:"), clock, rp_id="example.org",
                     origins=("https://example.org", "https://login.example.org:8443"))
    assert auth.origins == ("https://example.org", "https://login.example.org:8443")


def test_threads_racing_one_passkey_answer_exactly_one_wins(db_path: Path, clock: FrozenClock):
    """Single use under concurrency: the WebAuthn challenge ends by one compare-and-set."""
    from .test_concurrency import _race

    with UserStore(db_path) as store:
        lab = Lab(make_auth(store, clock), clock, [])
        lab.register()
        challenge = lab.auth.login("alice", PASSWORD)
        answer = lab.key.get(lab.auth.begin_passkey_login(challenge))
        services = [make_auth(UserStore(db_path), clock) for _ in range(8)]
        results = _race([(lambda s=s: s.verify_passkey(challenge, answer)) for s in services])
    winners = [r for r in results if isinstance(r, Session)]
    assert len(winners) == 1, results
    losers = [r for r in results if r is not winners[0]]
    allowed = (errors.PasskeyRefused, errors.ChallengeExpired, errors.TooManyAttempts)
    assert all(isinstance(r, allowed) for r in losers), \
        losers
    assert "database is locked" not in repr(results)
