"""throttle: 30 s at the 5th failure, doubling to one hour, disabled at 100 (factor only)."""

from __future__ import annotations

import pytest

from mfalab import throttle
from mfalab.throttle import Throttle


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(1, 0), (4, 0), (5, 30), (6, 60), (7, 120), (11, 1920), (12, 3600), (99, 3600),
     (10_000, 3600)],
)
def test_lock_schedule(failures: int, seconds: float):
    assert throttle.lock_seconds(failures) == seconds


def test_only_the_second_factor_is_disabled_at_one_hundred():
    state = Throttle(failures=99)
    assert throttle.after_failure(state, 0, can_disable=True).disabled
    assert not throttle.after_failure(state, 0, can_disable=False).disabled
    assert not throttle.after_failure(Throttle(failures=98), 0, can_disable=True).disabled


def test_retry_after_counts_down_to_zero():
    state = throttle.after_failure(Throttle(failures=4), 1000.0, can_disable=True)
    assert throttle.retry_after(state, 1000.0) == 30
    assert throttle.retry_after(state, 1029.5) == 0.5
    assert throttle.retry_after(state, 2000.0) == 0
