"""Lesson 08's graders, on the lesson's own scene: the usual mistakes, and the solutions."""

from __future__ import annotations

import json
import runpy
from pathlib import Path
from typing import Any

import pytest

from mfalab import Session
from mfalab.exercises import check

ROOT = Path(__file__).resolve().parent.parent
LESSON = ROOT / "notebooks" / "08_phishing_and_passkeys.ipynb"
SOLUTIONS = ROOT / "notebooks" / "solutions"


def _lesson_namespace() -> dict[str, Any]:
    """Run the lesson's code cells (its magics left out) in one namespace, as the kernel does."""
    namespace: dict[str, Any] = {}
    cells = json.loads(LESSON.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert len(code) > 20, "the lesson's code cells were found"
    for cell in code:
        source = "".join(line for line in cell["source"] if not line.startswith("%"))
        try:
            exec(compile(source, "lesson 08", "exec"), namespace)  # noqa: S102 - our own lesson
        except Exception:
            assert "raises-exception" in cell["metadata"].get("tags", []), source
    return namespace


@pytest.fixture(scope="module")
def lesson() -> dict[str, Any]:
    return _lesson_namespace()


def _solve(namespace: dict[str, Any], number: int) -> dict[str, Any]:
    """What `%run -i solutions/08_exerciseN.py` leaves in the lesson's namespace."""
    return runpy.run_path(str(SOLUTIONS / f"08_exercise{number}.py"), init_globals=namespace)


def test_the_committed_lesson_is_not_answered_yet(lesson: dict[str, Any]):
    for exercise in ("08.1", "08.2"):
        feedback = check(exercise, lesson)
        assert not feedback.answered and str(feedback).startswith("Not answered yet")


def test_the_solutions_pass(lesson: dict[str, Any]):
    first = check("08.1", _solve(lesson, 1))
    assert first.correct, first.message
    second = check("08.2", _solve(_lesson_namespace(), 2))
    assert second.correct, second.message


@pytest.mark.parametrize(("answer", "says"), [
    ("http://localhost:5000", "that is the real site"),
    ("http://localhost:8443/", "no trailing slash"),
    ("eyJ0eXBlIjoid2ViYXV0aG4uZ2V0In0", "still base64url"),
    (42, "as text"),
    ("https://example.org", "read the 'origin' field"),
])
def test_exercise_1_names_the_usual_mistakes(lesson: dict[str, Any], answer: object, says: str):
    feedback = check("08.1", {**lesson, "answer_1": answer})
    assert feedback.answered and not feedback.correct
    assert says in feedback.message


def test_exercise_1_accepts_bytes_and_quotes(lesson: dict[str, Any]):
    assert check("08.1", {**lesson, "answer_1": b"http://localhost:8443"}).correct
    assert check("08.1", {**lesson, "answer_1": "'http://localhost:8443'"}).correct
    assert "Run the cell" in check("08.1", {"answer_1": "x"}).message


def test_exercise_2_names_each_missing_step():
    namespace = _lesson_namespace()
    auth, password = namespace["carol_auth"], namespace["CAROL_PASSWORD"]
    clock, phone = namespace["carol_clock"], namespace["carol_phone"]
    clock.advance(30)
    totp = auth.verify(auth.login("carol", password), phone.code())
    say = lambda answer: check("08.2", {**namespace, "answer_2": answer}).message  # noqa: E731
    assert "came from a code" in say(totp)
    assert "should be the Session" in say(Session("bob", 0.0, "passkey", "x"))
    laptop = namespace["carol_laptop"]
    challenge = auth.login("carol", password)
    with_laptop = auth.verify_passkey(challenge, laptop.get(auth.begin_passkey_login(challenge)))
    assert "Add the spare first" in say(with_laptop)
    assert "not from carol_auth" in check("08.2", {"answer_2": with_laptop}).message
    from mfalab import VirtualPasskey

    clock.advance(30)
    session = auth.verify(auth.login("carol", password), phone.code())
    spare = VirtualPasskey(seed=b"a spare")
    options = auth.begin_passkey_registration(session)
    auth.finish_passkey_registration(session, spare.create(options))
    assert "remove it" in say(with_laptop)
    auth.remove_passkey(session, auth.passkeys(session)[0].credential_id)
    assert "once more" in say(with_laptop)


def test_an_unknown_exercise_is_a_lookup_error():
    with pytest.raises(LookupError, match=r"08\.1"):
        check("08.9", {})
