"""mfalab.lab.hashing: a PHC string taken apart, cost sweeps, durations in words."""

from __future__ import annotations

import pytest

from mfalab.errors import InvalidInput
from mfalab.lab import cost_sweep, describe_parameters, format_duration, phc_fields

FIXED = (  # made with passwords.RFC_9106_LOW_MEMORY
    "$argon2id$v=19$m=65536,t=3,p=4$O6Fx+q21bYb2NpzYi48wcQ"
    "$ofas9mAQM7i7WRGvI7qxRjjpiXZGb429fwiyt1e4i/Y"
)


def test_phc_fields_labels_every_part() -> None:
    """A PHC string splits into algorithm, version, m, t, p, salt and hash, in order."""
    fields = phc_fields(FIXED)
    assert [f.name for f in fields] == ["algorithm", "version", "m", "t", "p", "salt", "hash"]
    values = {f.name: f.value for f in fields}
    assert values["algorithm"] == "argon2id"
    assert values["version"] == "19"
    assert (values["m"], values["t"], values["p"]) == ("65536", "3", "4")
    assert "16 bytes" in fields[5].meaning
    assert "32 bytes" in fields[6].meaning


def test_describe_parameters_gives_costs_not_salt() -> None:
    """The description names the costs in KiB and MiB and leaves out salt and hash."""
    text = describe_parameters(FIXED)
    assert text == "argon2id v=19, m=65536 KiB (64 MiB), t=3, p=4"
    assert "O6Fx" not in text


@pytest.mark.parametrize(
    "bad",
    ["", "not a hash", "$argon2id$v=19$m=1,t=1$c2FsdA$aGFzaA", "$bcrypt$x$y$z$w",
     "$argon2id$v=19$m=1,t=1,p=1$!!!$aGFzaA", "$" * 100_000],
    ids=["empty", "words", "missing-p", "not-argon2", "bad-base64", "huge"],
)
def test_phc_fields_refuses_what_is_not_an_argon2_hash(bad: str) -> None:
    """Anything but an argon2 PHC string is refused with a clear InvalidInput."""
    with pytest.raises(InvalidInput):
        phc_fields(bad)


class _Bar:
    value = 0
    max = 0


def test_cost_sweep_times_each_memory_cost_and_moves_the_bar() -> None:
    """The sweep returns one median time per memory cost and advances the progress bar."""
    bar = _Bar()
    results = cost_sweep([1, 2], repeats=2, time_cost=1, progress=bar)
    assert [mib for mib, _ in results] == [1, 2]
    assert all(seconds > 0 for _, seconds in results)
    assert (bar.value, bar.max) == (4, 4)


@pytest.mark.parametrize(
    "kwargs",
    [{"memory_mib": [0]}, {"memory_mib": [2048]}, {"memory_mib": ["8"]},
     {"memory_mib": [1], "repeats": 0}, {"memory_mib": [1], "time_cost": 0},
     {"memory_mib": [1], "parallelism": True}],
    ids=["zero", "too-big", "text", "no-repeats", "no-passes", "bool-lanes"],
)
def test_cost_sweep_refuses_bad_settings(kwargs: dict[str, object]) -> None:
    """Out-of-range sweep settings are refused with InvalidInput before any hashing."""
    with pytest.raises(InvalidInput):
        cost_sweep(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0.0042, "4.2 ms"), (0.25, "250 ms"), (3.2, "3.2 s"), (330, "5.5 min"),
     (8600, "2.4 h"), (3e5, "3.5 days"), (4e9, "127 years")],
)
def test_format_duration_picks_a_human_unit(seconds: float, text: str) -> None:
    """Durations read in the unit a person would use."""
    assert format_duration(seconds) == text


def test_format_duration_refuses_negative_time() -> None:
    """A negative or non-numeric duration is refused with InvalidInput."""
    with pytest.raises(InvalidInput):
        format_duration(-1)
