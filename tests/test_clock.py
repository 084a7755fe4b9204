"""clock: FrozenClock reads seconds, datetimes and ISO strings; time is injected."""

from __future__ import annotations

import math
import time
from datetime import datetime, timedelta, timezone

import pytest

from mfalab import FrozenClock, SystemClock, errors


@pytest.mark.parametrize(
    "start",
    [1_700_000_000, 1_700_000_000.0, "2023-11-14T22:13:20Z", "2023-11-14T22:13:20+00:00",
     "2023-11-14T23:13:20+01:00", datetime(2023, 11, 14, 22, 13, 20),
     datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc),
     datetime(2023, 11, 14, 17, 13, 20, tzinfo=timezone(timedelta(hours=-5)))],
    ids=["int", "float", "iso-z", "iso-utc", "iso-plus1", "naive-is-utc", "aware", "minus5"],
)
def test_frozen_clock_reads_every_form_of_one_instant(start: object):
    assert FrozenClock(start).now() == 1_700_000_000.0  # type: ignore[arg-type]


def test_advance_moves_forward_and_chains():
    clock = FrozenClock(0)
    assert clock.advance(30).advance(0.5).now() == 30.5


@pytest.mark.parametrize("bad", [-1, math.nan, math.inf, "30", True])
def test_advance_refuses_going_back_or_non_numbers(bad: object):
    with pytest.raises(errors.InvalidSetting):
        FrozenClock(0).advance(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["yesterday", "", -5, math.nan, None, True, "9" * 100])
def test_bad_start_times_are_refused_clearly(bad: object):
    with pytest.raises(errors.InvalidSetting):
        FrozenClock(bad)  # type: ignore[arg-type]


def test_system_clock_is_the_wall_clock():
    assert abs(SystemClock().now() - time.time()) < 1


def test_lab_clock_follows_the_wall_clock_and_can_be_pushed_forward():
    from mfalab import LabClock

    clock = LabClock()
    assert abs(clock.now() - time.time()) < 1
    clock.advance(30)
    assert 29 < clock.now() - time.time() < 31
    with pytest.raises(errors.InvalidSetting):
        clock.advance(-1)
