"""The machinery of the graders: `check`, `Feedback`, and the common mistakes, named.

Each lesson module registers its graders with `grader`; `check` finds the exercise's
answer in a notebook's namespace, so an answer cell not run yet is "not answered yet",
never a `NameError`. The helpers below turn the usual slips into sentences: the right
value written as text or as a float, a percent given for a probability, a time without
its date.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from numbers import Real
from typing import Any

__all__ = [
    "CONTEXT",
    "EXERCISES",
    "RFC_KEY",
    "RFC_SECRET",
    "START",
    "TIME_ONLY",
    "Exercise",
    "Feedback",
    "Grade",
    "Grader",
    "NotAnswered",
    "check",
    "grader",
    "letters",
    "probability",
    "text_number",
    "utc_time",
    "whole_number",
]

RFC_KEY = b"12345678901234567890"  # RFC 4226's test key: public, lessons only
RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # the same, base32  # noqa: S105  # nosec B105
START = 1_700_000_000  # the lessons' frozen start: 2023-11-14T22:13:20Z
CONTEXT = ("alice", "MFA Lab")  # lesson 01's context words

Grade = tuple[bool, str]
Grader = Callable[[Any, Mapping[str, object]], Grade]


@dataclass(frozen=True)
class Feedback:
    """What a check says: answered or not, right or not, and a sentence for the learner."""

    exercise: str
    answered: bool
    correct: bool
    message: str

    def __str__(self) -> str:
        return self.message

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """IPython shows the sentence itself, not the dataclass."""
        printer.text(self.message)


class NotAnswered(Exception):
    """Raised by a grader whose answer is still a placeholder (a body of ``...``)."""


@dataclass(frozen=True)
class Exercise:
    """One exercise: where its answer lives, what to do first, and how to grade it."""

    key: str  # "lesson.number", like "03.1"
    name: str  # the answer's name in the notebook
    not_yet: str  # what to do first: "Not answered yet: <not_yet>; then run that cell …"
    grade: Grader


EXERCISES: dict[str, Exercise] = {}


def check(exercise: str, namespace: Mapping[str, object]) -> Feedback:
    """Grade `exercise` (like ``"03.1"``) from a notebook's namespace (``globals()``).

    An answer that is missing or still the placeholder ``...`` is "not answered yet".
    Raises `LookupError` for an exercise no lesson has.
    """
    spec = EXERCISES.get(exercise)
    if spec is None:
        raise LookupError(f"There is no exercise {exercise!r}; they are {sorted(EXERCISES)}.")
    answer = namespace.get(spec.name, ...)
    if answer is ...:
        message = f"Not answered yet: {spec.not_yet}; then run that cell and this check again."
        return Feedback(exercise, False, False, message)
    try:
        correct, message = spec.grade(answer, namespace)
    except NotAnswered as placeholder:
        return Feedback(exercise, False, False, f"Not answered yet: {placeholder}")
    return Feedback(exercise, True, correct, message)


def grader(key: str, name: str, not_yet: str) -> Callable[[Grader], Grader]:
    """Register the decorated function as exercise `key`'s grader; its answer is `name`."""
    def register(grade: Grader) -> Grader:
        EXERCISES[key] = Exercise(key, name, not_yet, grade)
        return grade

    return register


# -- the common mistakes, named -------------------------------------------------------


def text_number(answer: str) -> float | None:
    """The number a string spells (commas, underscores and a trailing % allowed), or None."""
    text = answer.strip().replace(",", "").replace("_", "").replace(" ", "").removesuffix("%")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def whole_number(answer: object, expected: int, what: str, hint: str = "") -> str | None:
    """None when `answer` is exactly `expected`; else the mistake in a sentence.

    `hint` follows a wrong value (not a right value written the wrong way).
    """
    wrong = f"Not quite: {answer!r} is not the {what}. {hint}".rstrip()
    if isinstance(answer, bool):
        return f"Not quite: {answer!r} is a truth value; give the {what} as a whole number."
    if isinstance(answer, int):
        return None if answer == expected else wrong
    if isinstance(answer, float):
        if answer == expected:
            return (f"Almost: {answer!r} is the right value, but a float. The {what} is a "
                    f"whole number, an int: write {expected} (// divides without making a "
                    "float).")
        return wrong if answer.is_integer() else f"Not quite: the {what} is a whole number."
    if isinstance(answer, str):
        if text_number(answer) == expected:
            return (f"Almost: {answer!r} is the right value, but as text (it is in quotes). "
                    f"Write the number itself, without quotes: {expected}.")
        return f"Not quite: give the {what} as a number, without quotes."
    return f"Not quite: the {what} is a whole number, and this is a {type(answer).__name__}."


def probability(answer: object, expected: float, what: str, hint: str = "", *,
                 rel: float = 0.02, tol: float = 0.0) -> str | None:
    """None when `answer` is close to the probability `expected`; else the mistake.

    Names a percent given for a probability, and a number written as text.
    """

    def close(x: float) -> bool:
        return math.isclose(x, expected, rel_tol=rel, abs_tol=tol)

    if isinstance(answer, str):
        value = text_number(answer)
        if value is not None and (close(value) or close(value / 100)):
            return (f"Almost: {answer!r} is text (it is in quotes). Write the {what} as a "
                    "number between 0 and 1, without quotes.")
        return f"Not quite: give the {what} as a number between 0 and 1, without quotes."
    if isinstance(answer, bool) or not isinstance(answer, Real):
        return f"Not quite: give the {what} as a number between 0 and 1, like 0.5."
    value = float(answer)
    if close(value):
        return None
    if value > 1 and close(value / 100):
        return (f"Almost: {value:g} looks like a percent. A {what} is a number between 0 "
                f"and 1: {value:g} % is {value / 100:g}.")
    if not 0 <= value <= 1:
        return f"Not quite: a {what} is between 0 and 1, and {value:g} is not."
    return f"Not quite: {value:g} is not the {what}. {hint}".rstrip()


TIME_ONLY = re.compile(r"\d{1,2}:\d{2}(:\d{2})?")


def utc_time(answer: object) -> str | None:
    """`answer` as "YYYY-MM-DD HH:MM:SS" UTC (a datetime, unix seconds or text), or None."""
    if isinstance(answer, datetime):
        moment = answer if answer.tzinfo else answer.replace(tzinfo=timezone.utc)
        return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(answer, (int, float)) and not isinstance(answer, bool):
        return datetime.fromtimestamp(answer, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    if not isinstance(answer, str):
        return None
    text = answer.strip().replace("T", " ").removesuffix("UTC").removesuffix("Z").strip()
    text = text.removesuffix("+00:00").strip()
    try:
        return utc_time(datetime.fromisoformat(text))
    except ValueError:
        return None


def letters(answer: object) -> set[str] | None:
    """A collection of letters, stripped and lower-cased, or None for anything else."""
    if isinstance(answer, (set, frozenset, list, tuple)):
        return {str(item).strip().lower() for item in answer}
    return None
