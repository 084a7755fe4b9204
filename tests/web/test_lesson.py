"""Lesson 07's helpers and grader: each kind of answer gets its own sentence."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from mfalab import AuthService, FrozenClock, VirtualAuthenticator
from mfalab.errors import InvalidInput
from mfalab.web import create_app
from mfalab.web.background import BackgroundServer, start
from mfalab.web.client import Page, Visitor
from mfalab.web.lesson import check_exercise1, type_secret

CAROL = "harbor violin quartz 73"
NEW = "saffron glacier otter 44"


@pytest.fixture
def scene(auth: AuthService, clock: FrozenClock) -> Iterator[dict[str, object]]:
    """The exercise's starting point: Carol signed in on her phone and her laptop."""
    with start(create_app(auth)) as server:
        laptop, phone = Visitor(server.url), Visitor(server.url)
        laptop.get("/register")
        laptop.post("/register", {"username": "carol", "new_password": CAROL})
        qr = laptop.post("/enroll", {"username": "carol", "password": CAROL})
        app = VirtualAuthenticator(clock=clock)
        assert type_secret(app, qr, "carol") == "MFA Lab (carol)"
        laptop.post("/enroll/confirm", {"code": app.code()})
        for browser in (phone, laptop):
            clock.advance(30)
            browser.get("/login")
            browser.post("/login", {"username": "carol", "password": CAROL})
            assert browser.post("/login/code", {"code": app.code()}).text("who") == "carol"
        yield {"auth": auth, "carol_laptop": laptop, "carol_phone": phone, "server": server}
        laptop.close()
        phone.close()


def test_not_answered_yet(scene: dict[str, object]):
    assert check_exercise1(scene).startswith("Not answered yet")
    assert check_exercise1({**scene, "answer_1": ...}).startswith("Not answered yet")


def test_the_scene_must_be_set_first():
    assert check_exercise1({"answer_1": 1}).startswith("Run the cell")


def test_an_answer_before_the_password_changed(scene: dict[str, object]):
    phone = scene["carol_phone"]
    assert isinstance(phone, Visitor)
    answer = phone.get("/account")
    assert check_exercise1({**scene, "answer_1": answer}).startswith("Not yet")


def change_password(scene: dict[str, object], browser: str) -> None:
    visitor = scene[browser]
    assert isinstance(visitor, Visitor)
    visitor.get("/account")
    assert visitor.post("/account/password", {"password": CAROL, "new_password": NEW}).message


def test_the_right_answer(scene: dict[str, object]):
    change_password(scene, "carol_laptop")
    phone = scene["carol_phone"]
    assert isinstance(phone, Visitor)
    message = check_exercise1({**scene, "answer_1": phone.get("/account")})
    assert message.startswith("✅ Right")


def test_the_wrong_page_or_the_wrong_browser(scene: dict[str, object]):
    laptop = scene["carol_laptop"]
    assert isinstance(laptop, Visitor)
    change_password(scene, "carol_laptop")
    assert check_exercise1({**scene, "answer_1": laptop.get("/account")}).startswith(
        "Not quite")
    assert check_exercise1({**scene, "answer_1": "401"}).startswith("Almost")


def test_changing_it_from_the_phone_signs_the_laptop_out(scene: dict[str, object]):
    change_password(scene, "carol_phone")
    laptop = scene["carol_laptop"]
    assert isinstance(laptop, Visitor)
    answer = laptop.get("/account")  # the laptop is the one signed out now
    message = check_exercise1({**scene, "answer_1": answer})
    assert message.startswith("Almost: carol_laptop is signed out too")


def test_type_secret_needs_the_qr_page(scene: dict[str, object]):
    server = scene["server"]
    assert isinstance(server, BackgroundServer)
    page = Page(200, "/login", httpx.Headers(), "<h1>Log in</h1>")
    with pytest.raises(InvalidInput, match="QR page"):
        type_secret(VirtualAuthenticator(), page, "carol")
