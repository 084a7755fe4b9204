"""Graders for the lessons' exercises: one short line per check cell, never the answer.

A check cell is ``check("03.1", globals())``. The grader looks the exercise's own answer
name up in the notebook's namespace (``answer_1``, ``truncate`` …), so a check run before
its answer cell says "Not answered yet" instead of raising ``NameError``, and the expected
answer is computed here, out of the learner's sight. Feedback names the common mistakes:
the right value as text or as a float, a percent given for a probability, a time without
its date, a float counter, and in ``truncate`` the missing mask, padding or ``digits``.

Widget-free: graders use the package (``otp``, ``passwords``, ``throttle``) and return a
`Feedback`, which a notebook shows as its sentence. One module per lesson registers its
graders (``lesson03`` holds exercises "03.1" and "03.2").
"""

from . import (
    lesson00,
    lesson01,
    lesson02,
    lesson03,
    lesson04,
    lesson05,
    lesson06,
    lesson07,
    lesson08,
)
from ._core import EXERCISES, Exercise, Feedback, check

__all__ = [
    "EXERCISES",
    "Exercise",
    "Feedback",
    "check",
    "lesson00",
    "lesson01",
    "lesson02",
    "lesson03",
    "lesson04",
    "lesson05",
    "lesson06",
    "lesson07",
    "lesson08",
]
