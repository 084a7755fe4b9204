"""Clocks: time is injected, never read behind the caller's back.

Every time-dependent call in mfalab takes the clock it was given. `SystemClock` reads
the wall clock; `FrozenClock` stands still until told to move, so lessons and tests are
reproducible (TOTP is a function of time: RFC 6238 §4).
"""

from __future__ import annotations

import math
import time
from datetime import datetime, timezone
from typing import Protocol, runtime_checkable

from .errors import InvalidSetting

__all__ = ["Clock", "FrozenClock", "LabClock", "SystemClock", "require_clock", "to_unix"]

TimeLike = int | float | datetime | str


@runtime_checkable
class Clock(Protocol):
    """Anything with `now()` returning unix seconds as a float."""

    def now(self) -> float:
        """Return the current time in unix seconds."""
        ...  # pragma: no cover


class SystemClock:
    """The real wall clock (`time.time()`)."""

    def now(self) -> float:
        """Return the current wall-clock time in unix seconds."""
        return time.time()

    def __repr__(self) -> str:
        return "SystemClock()"


def require_clock(clock: object) -> Clock:
    """`clock` itself when it has a `now()` method, else `InvalidSetting`."""
    if not callable(getattr(clock, "now", None)):
        raise InvalidSetting(
            "A clock is an object with now(), like FrozenClock() or SystemClock()."
        )
    return clock  # type: ignore[return-value]


def to_unix(value: TimeLike) -> float:
    """Read unix seconds, an aware `datetime`, a naive one (as UTC) or an ISO-8601 string.

    Raises `InvalidSetting` for anything else, for non-finite numbers and for times
    before 1970 (TOTP counts steps from the unix epoch, RFC 6238 §4.2).
    """
    if isinstance(value, bool):
        raise InvalidSetting("A time must be unix seconds, a datetime or an ISO-8601 string.")
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 64:
            raise InvalidSetting("That time string is too long to be an ISO-8601 date.")
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise InvalidSetting(
                f"{value!r} is not an ISO-8601 time, like '2023-11-14T22:13:20Z'."
            ) from None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        seconds = value.timestamp()
    elif isinstance(value, (int, float)):
        seconds = float(value)
    else:
        raise InvalidSetting("A time must be unix seconds, a datetime or an ISO-8601 string.")
    if not math.isfinite(seconds) or seconds < 0:
        raise InvalidSetting("A time must be a finite number of seconds since 1970.")
    return seconds


def _forward(seconds: object) -> float:
    """`seconds` as a float when it is a finite number ≥ 0, else `InvalidSetting`."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise InvalidSetting("advance() takes a number of seconds, like clock.advance(30).")
    if not math.isfinite(seconds) or seconds < 0:
        raise InvalidSetting(
            "A clock only moves forward: advance() takes a finite number of seconds ≥ 0."
        )
    return float(seconds)


class FrozenClock:
    """A clock that stands still until `advance()` or `set()` moves it.

    >>> clock = FrozenClock("2023-11-14T22:13:20Z")
    >>> clock.now()
    1700000000.0
    >>> clock.advance(30).now()
    1700000030.0
    """

    def __init__(self, start: TimeLike = 1_700_000_000) -> None:
        self._now = to_unix(start)

    def now(self) -> float:
        """Return the frozen time in unix seconds."""
        return self._now

    def advance(self, seconds: float) -> FrozenClock:
        """Move forward by `seconds` (≥ 0) and return the clock, so calls can chain."""
        self._now += _forward(seconds)
        return self

    def set(self, when: TimeLike) -> FrozenClock:
        """Jump to `when` (any form `FrozenClock` accepts) and return the clock."""
        self._now = to_unix(when)
        return self

    def __repr__(self) -> str:
        return f"FrozenClock({self._now!r})"


class LabClock:
    """The wall clock, which `advance()` can push forward: for live demos.

    Real phones agree with it until someone advances it; a virtual phone on the same
    clock always does. "Let 30 s pass" in a classroom then costs nobody a real wait (a
    real phone is one step behind afterwards: inside the window, and the drift is learned).
    """

    def __init__(self) -> None:
        self._offset = 0.0

    def now(self) -> float:
        """Wall-clock time plus every advance so far, in unix seconds."""
        return time.time() + self._offset

    def advance(self, seconds: float) -> LabClock:
        """Move forward by `seconds` (≥ 0) and return the clock."""
        self._offset += _forward(seconds)
        return self

    def __repr__(self) -> str:
        return f"LabClock(offset={self._offset:+g} s)"
