"""Lesson 07's helper and grader, and its solution run on the lesson's own set-up cell."""

from __future__ import annotations

import json
import runpy
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mfalab import AuthService, FrozenClock, VirtualAuthenticator
from mfalab.errors import InvalidInput
from mfalab.exercises import check
from mfalab.web import create_app
from mfalab.web.background import start
from mfalab.web.client import Page, Visitor
from mfalab.web.lesson import type_secret

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NEW = "saffron glacier otter 44"


def lesson_cell(needle: str) -> str:
    """The source of the one code cell of lesson 07 that contains `needle`."""
    cells = json.loads((NOTEBOOKS / "07_put_it_on_the_web.ipynb").read_text("utf-8"))["cells"]
    (found,) = ["".join(c["source"]) for c in cells
                if c["cell_type"] == "code" and needle in "".join(c["source"])]
    return found


@pytest.fixture
def scene(auth: AuthService, clock: FrozenClock) -> Iterator[dict[str, object]]:
    """The exercise's set-up cell, run as the lesson runs it: Carol on two visitors."""
    with start(create_app(auth)) as server:
        namespace: dict[str, object] = {
            "auth": auth, "clock": clock, "server": server, "Visitor": Visitor,
            "VirtualAuthenticator": VirtualAuthenticator, "type_secret": type_secret,
        }
        exec(lesson_cell("CAROL_PASSWORD = "), namespace)  # noqa: S102
        yield namespace
        for name in ("carol_laptop", "carol_phone"):
            visitor = namespace[name]
            assert isinstance(visitor, Visitor)
            visitor.close()


def visitor(scene: dict[str, object], name: str) -> Visitor:
    found = scene[name]
    assert isinstance(found, Visitor)
    return found


def change_password(scene: dict[str, object], browser: str) -> None:
    who = visitor(scene, browser)
    who.get("/account")
    page = who.post("/account/password", {"password": str(scene["CAROL_PASSWORD"]),
                                          "new_password": NEW})
    assert page.message and "Password changed" in page.message


def test_not_answered_yet(scene: dict[str, object]):
    assert check("07.1", scene).message.startswith("Not answered yet: change Carol's password")
    assert not check("07.1", {**scene, "answer_1": ...}).answered


def test_the_scene_must_be_set_first():
    assert check("07.1", {"answer_1": 1}).message.startswith("Run the cell")


def test_an_answer_before_the_password_changed(scene: dict[str, object]):
    answer = visitor(scene, "carol_phone").get("/account")
    assert check("07.1", {**scene, "answer_1": answer}).message.startswith("Not yet")


def test_the_right_answer(scene: dict[str, object]):
    change_password(scene, "carol_laptop")
    feedback = check("07.1", {**scene, "answer_1": visitor(scene, "carol_phone").get("/account")})
    assert feedback.correct and feedback.message.startswith("Right:")


def test_the_wrong_page_or_not_a_page(scene: dict[str, object]):
    change_password(scene, "carol_laptop")
    laptop_page = visitor(scene, "carol_laptop").get("/account")
    assert check("07.1", {**scene, "answer_1": laptop_page}).message.startswith("Not quite")
    assert check("07.1", {**scene, "answer_1": "401"}).message.startswith("Almost")


def test_changing_it_from_the_phone_signs_the_laptop_out(scene: dict[str, object]):
    change_password(scene, "carol_phone")
    answer = visitor(scene, "carol_laptop").get("/account")
    message = check("07.1", {**scene, "answer_1": answer}).message
    assert message.startswith("Almost: carol_laptop is signed out too")


def test_the_solution_passes_from_the_start(scene: dict[str, object]):
    done = runpy.run_path(str(NOTEBOOKS / "solutions" / "07_exercise1.py"), init_globals=scene)
    feedback = check("07.1", done)
    assert feedback.correct, feedback.message


def test_type_secret_needs_the_qr_page():
    page = Page(200, "/login", httpx.Headers(), "<h1>Log in</h1>")
    with pytest.raises(InvalidInput, match="QR page"):
        type_secret(VirtualAuthenticator(), page, "carol")
