"""VirtualPasskey: answers like a browser plus authenticator, checked byte by byte."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest
from webauthn import verify_registration_response
from webauthn.helpers import parse_attestation_object, parse_authenticator_data

from mfalab import VirtualPasskey, errors

ORIGIN = "http://localhost:5000"


def _bytes(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def creation(rp_id: str = "localhost", exclude: list[str] | None = None) -> dict[str, Any]:
    return {
        "rp": {"name": "MFA Lab", "id": rp_id},
        "user": {"id": "dXNlcg", "name": "alice", "displayName": "alice"},
        "challenge": "Y2hhbGxlbmdlIG9mIDMyIGJ5dGVzIGZvciB0aGUgdGVzdA",
        "pubKeyCredParams": [{"type": "public-key", "alg": -7}],
        "excludeCredentials": [{"id": i, "type": "public-key"} for i in exclude or []],
    }


def request(rp_id: str | None = "localhost") -> dict[str, Any]:
    options: dict[str, Any] = {"challenge": "bG9naW4gY2hhbGxlbmdl", "userVerification": "required"}
    if rp_id is not None:
        options["rpId"] = rp_id
    return options


def test_a_creation_answer_verifies_with_an_independent_relying_party():
    key = VirtualPasskey(seed=b"t")
    answer = key.create(creation())
    verified = verify_registration_response(
        credential=answer, expected_challenge=_bytes(creation()["challenge"]),
        expected_rp_id="localhost", expected_origin=ORIGIN, require_user_verification=True)
    assert verified.fmt == "none" and verified.user_verified
    assert verified.credential_id == _bytes(answer["rawId"])


def test_a_fixed_seed_gives_the_same_keys_and_signatures_every_run():
    first, second = VirtualPasskey(seed=b"s"), VirtualPasskey(seed=b"s")
    assert first.create(creation()) == second.create(creation())
    assert first.get(request()) == second.get(request())
    assert VirtualPasskey(seed=b"other").create(creation())["id"] != \
        VirtualPasskey(seed=b"s").create(creation())["id"]
    assert VirtualPasskey().create(creation())["id"] != VirtualPasskey().create(creation())["id"]


def test_the_browser_writes_the_pages_origin_into_client_data():
    key = VirtualPasskey()
    key.create(creation())
    other = key.get(request(), origin="http://localhost:5001")  # same host, another port
    client = json.loads(_bytes(other["response"]["clientDataJSON"]))
    assert client == {"type": "webauthn.get", "challenge": request()["challenge"],
                      "origin": "http://localhost:5001", "crossOrigin": False}


def test_the_authenticator_signs_the_rp_id_hash_flags_and_counter():
    key = VirtualPasskey()
    key.create(creation())
    data = parse_authenticator_data(_bytes(key.get(request())["response"]["authenticatorData"]))
    assert data.rp_id_hash == hashlib.sha256(b"localhost").digest()
    assert (data.flags.up, data.flags.uv, data.flags.be, data.sign_count) == (True, True, False, 1)
    again = parse_authenticator_data(_bytes(key.get(request())["response"]["authenticatorData"]))
    assert again.sign_count == 2


def test_creation_data_holds_the_public_key_and_a_zero_aaguid():
    answer = VirtualPasskey(synced=True).create(creation())
    attestation = parse_attestation_object(_bytes(answer["response"]["attestationObject"]))
    attested = attestation.auth_data.attested_credential_data
    assert attested is not None and attested.aaguid == bytes(16)
    assert attestation.auth_data.flags.be and attestation.auth_data.flags.bs


def test_a_page_may_not_ask_for_an_rp_id_that_is_not_its_own_domain():
    key = VirtualPasskey()
    key.create(creation())
    with pytest.raises(errors.PasskeyUnavailable, match="SecurityError"):
        key.get(request(), origin="https://mfa-lab.example")
    with pytest.raises(errors.PasskeyUnavailable, match="SecurityError"):
        key.create(creation("example.org"))


def test_a_subdomain_may_ask_for_a_registrable_parent_but_not_a_single_label():
    """As Chromium: login.example.org may use example.org's passkeys; evil.localhost may
    not use localhost's (a single label is no registrable domain)."""
    key = VirtualPasskey(origin="https://example.org")
    key.create(creation("example.org"))
    answer = key.get(request("example.org"), origin="https://login.example.org")
    assert json.loads(_bytes(answer["response"]["clientDataJSON"]))["origin"] == \
        "https://login.example.org"
    local = VirtualPasskey()
    local.create(creation())
    with pytest.raises(errors.PasskeyUnavailable, match="SecurityError"):
        local.get(request(), origin="http://evil.localhost:5001")


def test_no_passkey_for_another_rp_id():
    """A phishing page that asks for its own RP ID gets nothing: the key is scoped."""
    key = VirtualPasskey()
    key.create(creation())
    with pytest.raises(errors.PasskeyUnavailable, match=r"no passkey for 'evil\.localhost'"):
        key.get(request("evil.localhost"), origin="http://evil.localhost:5001")
    with pytest.raises(errors.PasskeyUnavailable, match=r"no passkey for 'evil\.localhost'"):
        key.get(request(None), origin="http://evil.localhost:5001")  # default: the page's host


def test_allow_credentials_limits_the_choice():
    key = VirtualPasskey()
    key.create(creation())
    with pytest.raises(errors.PasskeyUnavailable, match="NotAllowedError"):
        key.get({**request(), "allowCredentials": [{"id": "bm9uZQ", "type": "public-key"}]})


def test_plain_http_is_a_secure_context_only_on_localhost():
    with pytest.raises(errors.PasskeyUnavailable, match="secure context"):
        VirtualPasskey(origin="http://example.org")
    with pytest.raises(errors.InvalidSetting):
        VirtualPasskey(origin="localhost:5000")


@pytest.mark.parametrize("options", [None, 5, "not json", {}, {"rp": {"id": "localhost"}},
                                     {**creation(), "pubKeyCredParams": [{"alg": -257}]}])
def test_unusable_creation_options_are_a_clear_error(options: object):
    with pytest.raises(errors.PasskeyUnavailable):
        VirtualPasskey().create(options)  # type: ignore[arg-type]


def test_a_clone_shares_the_keys_and_counters_but_not_the_future():
    key = VirtualPasskey()
    key.create(creation())
    key.get(request())
    twin = key.clone()
    assert twin.passkeys[0].private_key is key.passkeys[0].private_key
    key.get(request())
    assert (key.passkeys[0].sign_count, twin.passkeys[0].sign_count) == (2, 1)
    assert "private" not in repr(key.passkeys[0]) and repr(key).startswith("VirtualPasskey(")
