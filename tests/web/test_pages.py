"""The pages: the whole flow, and every refusal as the service's own sentence.

The web layer decides nothing: each test compares what a page says with what the service
says (its exception's text), and checks the status a browser or script can act on.
"""

from __future__ import annotations

import re

import pytest

from mfalab import AuthService, FrozenClock, errors
from mfalab.errors import LoginFailed

from ..conftest import PASSWORD
from .conftest import (
    NEW_PASSWORD,
    Browser,
    Member,
    begin,
    confirm,
    enroll,
    log_in,
    phone_for,
    register,
)


def test_the_whole_flow_register_enroll_log_in(browser: Browser, clock: FrozenClock,
                                               auth: AuthService):
    page = register(browser)
    assert (page.path, page.title) == ("/enroll", "Set up your second factor")
    assert page.message and page.message.startswith("Account created.")
    page = begin(browser)
    assert page.title == "Scan this QR code"
    assert page.secret and re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", page.secret)
    phone = phone_for(page, clock)
    page = confirm(browser, phone.code())
    assert page.title == "Your second factor is on"
    assert len(page.recovery_codes) == 10 and auth.status("alice").enrolled
    clock.advance(30)
    browser.get("/login")
    page = browser.post("/login", {"username": "alice", "password": PASSWORD})
    assert (page.path, page.title) == ("/login/code", "Type your code")
    page = browser.post("/login/code", {"code": phone.code()})
    assert page.path == "/account"
    assert (page.text("who"), page.text("codes-left")) == ("alice", "10")


def test_the_front_page_sends_a_visitor_to_log_in_or_to_the_account(signed_in: Member):
    assert signed_in.browser.get("/").path == "/account"
    assert Browser(signed_in.browser.client.application).get("/").path == "/login"


def test_refusals_at_registration_are_the_services_sentences(browser: Browser,
                                                             auth: AuthService):
    with pytest.raises(errors.WeakPassword) as weak:
        auth.register("bob", "password1")
    page = register(browser, "bob", "password1")
    assert (page.status, page.error) == (400, str(weak.value))
    register(browser, "bob")
    page = register(browser, "BOB")
    assert page.status == 400 and page.error is not None and "taken" in page.error.lower()
    page = register(browser, "bad\u200bname")  # an invisible character
    assert page.status == 400 and page.error and "invisible" in page.error


def test_a_wrong_password_and_an_unknown_name_read_the_same(member: Member):
    wrong = log_in(member.browser, "alice", "not her password")
    unknown = log_in(member.browser, "nobody", "not her password")
    assert wrong.status == unknown.status == 400
    assert wrong.error == unknown.error == LoginFailed.MESSAGE


def test_logging_in_before_enrolling_points_to_enrollment(browser: Browser,
                                                          auth: AuthService):
    register(browser)
    page = log_in(browser)
    assert page.status == 400 and page.error and "no second factor yet" in page.error
    assert 'href="/enroll"' in page.html


def test_a_wrong_code_and_a_reused_code_are_refused_kindly(member: Member):
    page = log_in(member.browser, code="000000" if member.phone.code() != "000000" else "1")
    assert page.status == 400 and page.error and page.error.startswith("That code is not right")
    page = member.browser.post("/login/code", {"code": member.phone.code()})
    assert page.path == "/account"
    page = log_in(member.browser, code=member.phone.code())  # the same step again
    assert (page.status, page.path) == (400, "/login/code")
    assert page.error == "That code was already used: wait for your app to show a new one."


def test_five_wrong_codes_lock_and_the_page_says_for_how_long(member: Member,
                                                              clock: FrozenClock):
    log_in(member.browser, code="000001")
    for guess in ("000002", "000003", "000004", "000005"):
        page = member.browser.post("/login/code", {"code": guess})
    assert page.status == 400  # the fifth still answers "not right", and starts the lock
    page = member.browser.post("/login/code", {"code": member.phone.code()})
    assert page.status == 429
    assert member.browser.response is not None
    assert member.browser.response.headers["Retry-After"] == "30"
    assert page.error == "Too many failed attempts: wait 30 s before trying again."
    page = member.browser.post("/login/code", {"code": member.codes[0]})
    assert page.status == 429  # a recovery code too: the lock is waited out, not bypassed
    clock.advance(30)
    page = member.browser.post("/login/code", {"code": member.codes[0]})
    assert page.path == "/account" and page.text("codes-left") == "9"
    assert page.message and "recovery code" in page.message


def test_a_recovery_code_signs_in_once(member: Member):
    page = log_in(member.browser, code=member.codes[3].lower())
    assert page.path == "/account" and page.text("codes-left") == "9"
    page = log_in(member.browser, code=member.codes[3])
    assert page.status == 400
    assert page.error == "That recovery code is not right, or it was already used."


def test_re_enrolling_from_the_account_needs_a_code_and_replaces_the_phone(
        signed_in: Member, clock: FrozenClock):
    browser = signed_in.browser
    page = browser.get("/enroll")
    assert page.title == "Replace your second factor" and page.field("username") is None
    page = browser.post("/enroll", {"password": PASSWORD, "code": ""})
    assert page.status == 400 and page.error and "already has a second factor" in page.error
    clock.advance(30)
    page = browser.post("/enroll", {"password": PASSWORD, "code": signed_in.phone.code()})
    new_phone = phone_for(page, clock)
    page = confirm(browser, new_phone.code())
    assert page.title == "Your second factor is on" and len(page.recovery_codes) == 10
    assert 'href="/account"' in page.html
    clock.advance(30)
    assert log_in(Browser(browser.client.application), code=signed_in.phone.code()).status == 400
    assert log_in(browser, phone=new_phone).path == "/account"


def test_a_wrong_confirming_code_shows_the_qr_code_again(browser: Browser,
                                                         clock: FrozenClock):
    register(browser)
    shown = begin(browser)
    page = confirm(browser, "000000" if phone_for(shown, clock).code() != "000000" else "1")
    assert (page.status, page.title, page.secret) == (400, "Scan this QR code", shown.secret)
    assert page.field("enrollment") == shown.field("enrollment")
    assert len(confirm(browser, phone_for(shown, clock).code()).recovery_codes) == 10


def test_an_enrollment_left_too_long_says_begin_again(browser: Browser, clock: FrozenClock):
    register(browser)
    shown = begin(browser)
    clock.advance(10 * 60 + 1)
    page = confirm(browser, phone_for(shown, clock).code())
    assert (page.status, page.title) == (400, "Set up your second factor")
    assert page.error and "begin again" in page.error


def test_changing_the_password(signed_in: Member, clock: FrozenClock):
    browser = signed_in.browser
    page = browser.post("/account/password", {"password": "wrong", "new_password": NEW_PASSWORD})
    assert page.status == 400 and page.error == LoginFailed.MESSAGE
    page = browser.post("/account/password", {"password": PASSWORD, "new_password": "password"})
    assert page.status == 400 and page.error and page.error.startswith("This password cannot")
    page = browser.post("/account/password", {"password": PASSWORD,
                                              "new_password": NEW_PASSWORD})
    assert page.path == "/account" and page.message and "Password changed" in page.message
    clock.advance(30)
    other = Browser(browser.client.application)
    assert log_in(other, password=PASSWORD, phone=signed_in.phone).error == LoginFailed.MESSAGE
    assert log_in(other, password=NEW_PASSWORD, phone=signed_in.phone).path == "/account"


def test_new_recovery_codes_need_a_fresh_login(signed_in: Member, clock: FrozenClock):
    browser = signed_in.browser
    browser.get("/account")
    page = browser.post("/account/recovery-codes")
    assert page.title == "Your new recovery codes" and len(page.recovery_codes) == 10
    assert set(page.recovery_codes).isdisjoint(signed_in.codes)
    clock.advance(5 * 60 + 1)
    browser.get("/account")
    page = browser.post("/account/recovery-codes")
    assert (page.status, page.path, page.title) == (400, "/account/recovery-codes",
                                                    "Your account")
    assert page.error and "fresh login" in page.error


@pytest.mark.parametrize("username", ["x" * 65, "a\x00b", "\u202e" + "alice", " "],
                         ids=["too-long", "nul", "bidi", "blank"])
def test_hostile_usernames_get_a_sentence_not_a_traceback(browser: Browser, username: str):
    for page in (register(browser, username), log_in(browser, username)):
        assert page.status == 400 and page.error
        assert "Traceback" not in page.html


@pytest.mark.parametrize("code", ["１２３４５６", "12345\n6", "-123456", "1" * 10_000, "٣٣٣٣٣٣"],
                         ids=["fullwidth", "newline", "sign", "huge", "arabic-indic"])
def test_hostile_codes_get_a_sentence(member: Member, code: str):
    page = log_in(member.browser, code=code)
    assert page.status == 400 and page.error and "Traceback" not in page.html


def test_a_huge_form_is_refused_before_it_is_read(browser: Browser):
    browser.get("/login")
    page = browser.post("/login", {"username": "alice", "password": "p" * 20_000})
    assert page.status == 413 and page.error and "Traceback" not in page.html


def test_unknown_paths_and_methods_get_a_friendly_page(browser: Browser):
    assert browser.get("/nowhere").status == 404
    page = browser.get("/logout")
    assert page.status == 405 and page.error and page.title == "Method Not Allowed"


def test_an_unexpected_failure_is_a_page_not_a_traceback(browser: Browser, auth: AuthService,
                                                         monkeypatch: pytest.MonkeyPatch):
    def broken(*args: object) -> None:
        raise RuntimeError("the database caught fire: " + PASSWORD)

    monkeypatch.setattr(auth, "login", broken)
    browser.get("/login")
    page = browser.post("/login", {"username": "alice", "password": PASSWORD})
    assert (page.status, page.title) == (500, "Something went wrong")
    assert "fire" not in page.html and "Traceback" not in page.html


def test_two_accounts_in_two_browsers_do_not_mix(clock: FrozenClock, member: Member):
    bob = enroll(Browser(member.browser.client.application, "192.0.2.20"), clock, "bob")
    assert log_in(member.browser, phone=member.phone).text("who") == "alice"
    assert log_in(bob.browser, "bob", phone=bob.phone).text("who") == "bob"
    assert member.browser.get("/account").text("who") == "alice"


def inputs(html: str) -> dict[str, dict[str, str]]:
    """Each visible input by id: its attributes; and that a <label for=id> names it."""
    found = {}
    for tag in re.findall(r"<input\b[^>]*>", html):
        attributes = dict(re.findall(r'([a-z-]+)="([^"]*)"', tag))
        if attributes.get("type") == "hidden" or " hidden" in tag:
            continue
        assert f'<label for="{attributes["id"]}">' in html, attributes
        found[attributes["id"]] = attributes
    return found


def test_inputs_are_labelled_and_say_what_they_hold(signed_in: Member, clock: FrozenClock):
    browser = signed_in.browser
    account = inputs(browser.get("/account").html)
    assert account["password"]["autocomplete"] == "current-password"
    assert account["new_password"]["autocomplete"] == "new-password"
    anonymous = Browser(browser.client.application, "192.0.2.50")
    register_form = inputs(anonymous.get("/register").html)
    assert register_form["username"]["autocomplete"] == "username"
    assert register_form["new_password"]["autocomplete"] == "new-password"
    login_form = inputs(anonymous.get("/login").html)
    assert login_form["username"]["autocomplete"] == "username"
    assert login_form["password"]["autocomplete"] == "current-password"
    clock.advance(30)
    anonymous.post("/login", {"username": "alice", "password": PASSWORD})
    code_form = inputs(anonymous.page.html if anonymous.page else "")
    assert code_form["code"]["autocomplete"] == "one-time-code"
    assert code_form["code"]["inputmode"] == "numeric"
    assert code_form["recovery-code"].get("inputmode") is None  # letters too: a full keyboard
    register(anonymous, "dora")
    qr_form = inputs(begin(anonymous, "dora").html)
    assert qr_form["code"]["autocomplete"] == "one-time-code"
    assert qr_form["code"]["inputmode"] == "numeric"


def test_no_page_moves_the_tab_order_by_hand(signed_in: Member):
    for path in ("/account", "/enroll"):
        html = signed_in.browser.get(path).html
        assert not re.search(r'tabindex="[1-9]', html)
        assert '<a class="skip" href="#main">' in html and '<main id="main">' in html
