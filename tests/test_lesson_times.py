"""Lesson times: each lesson's stated time, the README's tables and what the lesson holds agree.

A lesson's header says "**Time to learn:** N minutes." The README's lesson table gives the
same N, and its class plan ("Teaching a class") gives each lesson one slot of N minutes, in
sessions of at most 90. N is within 5 minutes of what the lesson holds: its prose (not its
references) read at 200 words a minute, a third of a minute for each code cell, four
minutes for each exercise.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LESSONS = sorted((REPO / "notebooks").glob("0*.ipynb"))
README = (REPO / "README.md").read_text(encoding="utf-8")
STATED = re.compile(r"^\*\*Time to learn:\*\* (\d+) minutes\.$", re.M)
WORDS_A_MINUTE, MINUTES_A_CELL, MINUTES_AN_EXERCISE = 200, 1 / 3, 4
TOLERANCE = 5  # minutes: times are rounded to 5
SESSION = 90


def test_the_lessons_are_found() -> None:
    assert len(LESSONS) >= 7


def _cells(lesson: Path) -> list[dict[str, object]]:
    cells: list[dict[str, object]] = json.loads(lesson.read_text(encoding="utf-8"))["cells"]
    return cells


def _source(cell: dict[str, object]) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else str(source)


def stated(lesson: Path) -> int:
    """The minutes the lesson's header states (exactly once, in its first three cells)."""
    found = [int(m) for cell in _cells(lesson)[:3] for m in STATED.findall(_source(cell))]
    assert len(found) == 1, f"{lesson.name}: one 'Time to learn' line in the header, found {found}"
    return found[0]


def held(lesson: Path) -> float:
    """The minutes the lesson holds: its prose, code cells and exercises (see above)."""
    words = cells = exercises = 0
    for cell in _cells(lesson):
        text = _source(cell)
        if cell["cell_type"] == "code":
            cells += 1
            continue
        exercises += len(re.findall(r"^### Exercise", text, re.M))
        text = re.split(r"^#+ References", text, flags=re.M)[0]  # a list to look up, not read
        words += len(re.findall(r"\w+", re.sub(r"\]\([^)]*\)", "]", text)))
    return words / WORDS_A_MINUTE + cells * MINUTES_A_CELL + exercises * MINUTES_AN_EXERCISE


def _number(lesson: Path) -> str:
    return lesson.name[:2]


def _table_time(number: str) -> int:
    match = re.search(rf"^\| \[{number} · [^\n]*\| (\d+) min \|$", README, re.M)
    assert match, f"lesson {number} has no time in the README's lesson table"
    return int(match[1])


def _plan() -> list[list[tuple[int, int, str]]]:
    """The class plan's sessions: (start, end, what) for each row."""
    section = README.split("## Teaching a class", 1)[1].split("**Where to run it.**", 1)[0]
    sessions: list[list[tuple[int, int, str]]] = []
    for line in section.splitlines():
        if re.fullmatch(r"\| \*Session \d+\* \| \| \|", line):
            sessions.append([])
        elif match := re.match(r"^\| (\d+)–(\d+) \| ([^|]+) \|", line):
            sessions[-1].append((int(match[1]), int(match[2]), match[3].strip()))
    return sessions


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.name)
def test_the_stated_time_fits_what_the_lesson_holds(lesson: Path) -> None:
    assert abs(stated(lesson) - held(lesson)) <= TOLERANCE, (
        f"{lesson.name} states {stated(lesson)} minutes and holds about {held(lesson):.0f}"
    )


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.name)
def test_the_readme_gives_each_lesson_its_stated_time(lesson: Path) -> None:
    number = _number(lesson)
    assert _table_time(number) == stated(lesson)
    slots = [end - start for session in _plan() for start, end, what in session
             if what.startswith(f"{number} · ")]
    assert slots == [stated(lesson)], f"lesson {number}'s slots in the class plan: {slots}"


def test_the_class_plan_has_sessions_of_90_minutes_at_most_in_lesson_order() -> None:
    sessions = _plan()
    assert sessions, "the README has a class plan"
    order = []
    for rows in sessions:
        assert rows[0][0] == 0
        assert all(end == rows[i + 1][0] for i, (_, end, _) in enumerate(rows[:-1])), rows
        assert rows[-1][1] <= SESSION, rows
        order += [what[:2] for _, _, what in rows if re.match(r"\d\d · ", what)]
    assert order == [_number(lesson) for lesson in LESSONS]
    assert f"**{['One', 'Two', 'Three', 'Four'][len(sessions) - 1]} 90-minute sessions" in README
