"""Lesson 01's widget: an argon2id hash taken apart, field by field.

`HashExplorer` hashes what the learner types with `mfalab.passwords.hash` and labels each
field of the PHC string with `mfalab.lab.phc_fields` (RFC 9106's encoding: variant,
version, m, t, p, salt, hash). No security decision is made here: the package hashes,
this module only shows. `phc_fields`, `cost_sweep`, `describe_parameters` and
`format_duration` live in `mfalab.lab` and are importable from here too.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets
from argon2 import Parameters

from .. import passwords
from ..errors import AuthError
from ..lab import PhcField, cost_sweep, describe_parameters, format_duration, phc_fields
from ._common import WRAP, LabWidget, friendly_error, message_html, on_enter

__all__ = [
    "HashExplorer",
    "PhcField",
    "cost_sweep",
    "describe_parameters",
    "format_duration",
    "phc_fields",
]


def _fields_table(fields: list[PhcField], new_salt: bool) -> str:
    rows = "".join(
        f"<tr><td><b>{html.escape(f.name)}</b></td>"
        f'<td style="font-family:monospace;{WRAP}">{html.escape(f.value)}</td>'
        f"<td>{html.escape(f.meaning)}</td></tr>"
        for f in fields
    )
    note = (
        message_html(
            "Same password as last time, yet a new salt — so the hash is different too.", "ok"
        )
        if new_salt
        else ""
    )
    return (
        '<table class="mfalab-phc" style="text-align:left">'
        "<tr><th>field</th><th>value</th><th>what it means</th></tr>"
        f"{rows}</table>{note}"
    )


class HashExplorer(LabWidget):
    """Type a password, click *Hash it*, see its argon2id PHC string field by field.

    `profile` is the argon2id `Parameters` used (the real default; tests pass
    `passwords.CHEAP_FOR_TESTS_ONLY`). Hashing the same password again shows that a new
    random salt gives a new hash (RFC 9106 §3.1: the salt should be unique per password).
    """

    def __init__(self, profile: Parameters = passwords.DEFAULT_PROFILE) -> None:
        self.profile = profile
        self.encoded: str | None = None
        self._last: tuple[str, str] | None = None  # (password, salt) of the previous hash
        self.password = widgets.Text(
            description="Password",
            placeholder="any password (not one you use!)",
            layout=widgets.Layout(width="420px"),
        )
        self.button = widgets.Button(description="Hash it", button_style="primary",
                                     icon="hashtag")
        self.phc = widgets.HTML()
        self.result = widgets.HTML(
            message_html("Type a password and click “Hash it”.", "info")
        )
        self.button.on_click(self._on_click)
        on_enter(self.password, self._on_click)
        super().__init__([widgets.HBox([self.password, self.button]), self.phc, self.result])

    def __repr__(self) -> str:
        return "HashExplorer()"

    def _on_click(self, _button: Any = None) -> None:
        typed = self.password.value
        if not typed:
            self.phc.value = ""
            self.result.value = message_html("Type a password first, then click “Hash it”.",
                                              "warn")
            return
        try:
            encoded = passwords.hash(typed, self.profile)
            fields = phc_fields(encoded)
        except AuthError as exc:  # the package's refusal, in its own words
            self.encoded = None
            self.phc.value = ""
            self.result.value = message_html(friendly_error(exc), "error")
            return
        salt = fields[5].value
        new_salt = self._last is not None and self._last[0] == typed and self._last[1] != salt
        self._last = (typed, salt)
        self.encoded = encoded
        colours = ["#1f4e79", "#6a1b9a", "#8a5300", "#1b5e20", "#b71c1c"]
        segments = encoded.split("$")[1:]
        coloured = "$".join(
            f'<span style="color:{c}">{html.escape(s)}</span>'
            for c, s in zip(colours, segments, strict=True)
        )
        self.phc.value = (
            f'<div style="font-family:monospace;{WRAP}">'
            f"${coloured}</div>"
        )
        self.result.value = _fields_table(fields, new_salt)
