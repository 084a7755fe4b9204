"""Lesson helpers without widgets: fixed examples, simulations and parsers, all tested.

The widgets (`mfalab.widgets`) and the lessons call these; they call the service and the
one-concern modules below them. Nothing here decides a security question: the service
and `mfalab.throttle` do, and these helpers show or replay what they decide.
"""

from .audit import event_counts, simulate_attack
from .codes import fullwidth, naive_readings, shown, spaced_code, step_label, to_arabic_indic
from .examples import (
    EXAMPLE_ISSUER,
    EXAMPLE_PASSWORD,
    EXAMPLE_SECRET,
    EXAMPLE_START,
    EnrolledAccount,
    code_missing,
    enrolled_account,
    wrong_code,
)
from .guessing import GuessingReport, plural, simulate_guessing
from .hashing import PhcField, cost_sweep, describe_parameters, format_duration, phc_fields
from .uri import UriField, uri_fields

__all__ = [
    "EXAMPLE_ISSUER",
    "EXAMPLE_PASSWORD",
    "EXAMPLE_SECRET",
    "EXAMPLE_START",
    "EnrolledAccount",
    "GuessingReport",
    "PhcField",
    "UriField",
    "code_missing",
    "cost_sweep",
    "describe_parameters",
    "enrolled_account",
    "event_counts",
    "format_duration",
    "fullwidth",
    "naive_readings",
    "phc_fields",
    "plural",
    "shown",
    "simulate_attack",
    "simulate_guessing",
    "spaced_code",
    "step_label",
    "to_arabic_indic",
    "uri_fields",
    "wrong_code",
]
