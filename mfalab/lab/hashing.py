"""Argon2 hashes taken apart, and the cost of their parameters (lesson 01, no widgets).

An argon2 hash is stored as a PHC string (the Password Hashing Competition's format,
also RFC 9106's reference encoding)::

    $argon2id$v=19$m=19456,t=2,p=1$<salt, base64>$<hash, base64>

Everything a later login needs to recompute the hash is in that one string: the variant
(argon2id, RFC 9106 §4), the version, the memory cost `m` in KiB, the number of passes
`t`, the lanes `p`, the random salt and the output. `phc_fields` labels each field;
`cost_sweep` times hashes at growing memory cost (OWASP Password Storage Cheat Sheet:
m ≥ 19 MiB, t ≥ 2, p = 1). The package hashes (`mfalab.passwords`); this module explains.
"""

from __future__ import annotations

import base64
import binascii
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from argon2 import Parameters, Type

from .. import passwords
from ..errors import InvalidInput
from .examples import EXAMPLE_PASSWORD

__all__ = ["PhcField", "cost_sweep", "describe_parameters", "format_duration", "phc_fields"]

_MEANINGS = {
    "algorithm": "Which Argon2 variant: argon2id mixes data-independent and data-dependent "
    "memory access, the variant RFC 9106 §4 recommends.",
    "version": "The Argon2 version: 19 is 0x13, version 1.3 of the algorithm.",
    "m": "Memory cost in KiB: every guess must fill this much memory.",
    "t": "Time cost: how many passes are made over that memory.",
    "p": "Parallelism: how many lanes (threads) share the work.",
    "salt": "Random bytes chosen for this hash only, stored in the clear (base64, no "
    "padding): the same password never gives the same hash twice.",
    "hash": "The output: a login recomputes it from the typed password, salt and "
    "parameters, and compares.",
}


@dataclass(frozen=True)
class PhcField:
    """One labelled field of a PHC string: its name, its text and what it means."""

    name: str
    value: str
    meaning: str


def _b64_length(text: str) -> int:
    """How many bytes an unpadded base64 field holds (PHC strings drop the padding)."""
    try:
        return len(base64.b64decode(text + "=" * (-len(text) % 4), validate=True))
    except (binascii.Error, ValueError):
        raise InvalidInput("That salt or hash is not base64.") from None


def phc_fields(encoded: str) -> list[PhcField]:
    """Split an argon2 PHC string into labelled fields: algorithm, version, m, t, p, salt, hash.

    Raises `InvalidInput` when `encoded` is not an argon2 PHC string.
    """
    if not isinstance(encoded, str) or len(encoded) > 1024:
        raise InvalidInput("That is not an argon2 hash: it should start with $argon2id$.")
    parts = encoded.split("$")
    if len(parts) != 6 or parts[0] != "" or not parts[1].startswith("argon2"):
        raise InvalidInput("That is not an argon2 hash: it should look like $argon2id$v=19$…")
    _, algorithm, version, params, salt, digest = parts
    if not version.startswith("v="):
        raise InvalidInput("The version field of an argon2 hash looks like v=19.")
    fields = [
        PhcField("algorithm", algorithm, _MEANINGS["algorithm"]),
        PhcField("version", version[2:], _MEANINGS["version"]),
    ]
    pairs = dict(item.partition("=")[::2] for item in params.split(","))
    if sorted(pairs) != ["m", "p", "t"] or not all(v.isascii() and v.isdigit()
                                                    for v in pairs.values()):
        raise InvalidInput("The parameters of an argon2 hash look like m=19456,t=2,p=1.")
    fields += [PhcField(key, pairs[key], _MEANINGS[key]) for key in ("m", "t", "p")]
    fields.append(PhcField("salt", salt, _MEANINGS["salt"] + f" {_b64_length(salt)} bytes."))
    fields.append(PhcField("hash", digest, _MEANINGS["hash"] + f" {_b64_length(digest)} bytes."))
    return fields


def describe_parameters(encoded: str) -> str:
    """The cost parameters of an argon2 hash, without its salt or output.

    >>> describe_parameters("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaA")
    'argon2id v=19, m=19456 KiB (19 MiB), t=2, p=1'
    """
    f = {field.name: field.value for field in phc_fields(encoded)}
    mib = int(f["m"]) / 1024
    size = f"{mib:g} MiB"
    return f"{f['algorithm']} v={f['version']}, m={f['m']} KiB ({size}), t={f['t']}, p={f['p']}"


def format_duration(seconds: float) -> str:
    """A duration in the unit a person would use: ms, s, min, h, days or years.

    >>> [format_duration(s) for s in (0.0042, 3.2, 330, 8600, 3e5, 4e9)]
    ['4.2 ms', '3.2 s', '5.5 min', '2.4 h', '3.5 days', '127 years']
    """
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
        raise InvalidInput("A duration is a number of seconds ≥ 0.")
    for limit, unit, size in ((1, "ms", 1e-3), (60, "s", 1), (3600, "min", 60),
                              (86400, "h", 3600), (365 * 86400, "days", 86400)):
        if seconds < limit:
            return f"{seconds / size:.2g} {unit}" if seconds / size < 10 else (
                f"{seconds / size:.0f} {unit}")
    return f"{seconds / (365.25 * 86400):,.0f} years"


class _Progress(Protocol):
    """Anything with `value` and `max`, such as an `ipywidgets.IntProgress`."""

    value: int
    max: int


def cost_sweep(
    memory_mib: Sequence[int],
    *,
    time_cost: int = 2,
    parallelism: int = 1,
    repeats: int = 3,
    progress: _Progress | None = None,
    sample: str = EXAMPLE_PASSWORD,
) -> list[tuple[int, float]]:
    """Time one argon2id hash at each memory cost; return (MiB, median seconds) pairs.

    `sample` is the (example) password hashed. `progress` (an `IntProgress`) is advanced
    once per hash. Timings are live: they
    depend on this machine. OWASP's minimum is 19 MiB with t=2, p=1.
    """
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
        raise InvalidInput("repeats is a whole number ≥ 1.")
    for name, value in (("time_cost", time_cost), ("parallelism", parallelism)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 16:
            raise InvalidInput(f"{name} is a whole number from 1 to 16.")
    sizes = list(memory_mib)
    for mib in sizes:
        if isinstance(mib, bool) or not isinstance(mib, int) or not 1 <= mib <= 1024:
            raise InvalidInput("Memory costs are whole numbers of MiB from 1 to 1024.")
    if progress is not None:
        progress.max = len(sizes) * repeats
        progress.value = 0
    results: list[tuple[int, float]] = []
    for mib in sizes:
        profile = Parameters(
            type=Type.ID, version=19, salt_len=16, hash_len=32,
            time_cost=time_cost, memory_cost=mib * 1024, parallelism=parallelism,
        )
        seconds = []
        for _ in range(repeats):
            start = time.perf_counter()
            passwords.hash(sample, profile)
            seconds.append(time.perf_counter() - start)
            if progress is not None:
                progress.value += 1
        results.append((mib, statistics.median(seconds)))
    return results
