"""Lesson 01 widget: a password box that shows the policy's answer and zxcvbn's estimate.

The policy is `mfalab.passwords.check` (NIST SP 800-63B-4 §3.1.1.2: at least 8
characters, long ones allowed, no composition rules, refused when commonly used or equal
to a context word). The strength estimate is `mfalab.passwords.estimate` (zxcvbn, on the
first 72 characters): it is feedback only, never a reason to refuse — the NIST guideline
asks verifiers to help people choose a stronger password, not to impose rules. This
module decides nothing: it shows the package's answers.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable
from typing import Any

import ipywidgets as widgets

from .. import passwords
from ..errors import AuthError
from ._common import LabWidget, friendly_error, live, message_html, on_enter

__all__ = ["ATTACK_MODELS", "PasswordChecker", "feedback_html"]

#: zxcvbn's four attack models, in words a learner understands.
ATTACK_MODELS = {
    "online_throttling_100_per_hour": "online, throttled (100 guesses an hour)",
    "online_no_throttling_10_per_second": "online, not throttled (10 guesses a second)",
    "offline_slow_hashing_1e4_per_second": "stolen database, slow hash like argon2id "
    "(10 000 a second)",
    "offline_fast_hashing_1e10_per_second": "stolen database, fast hash like SHA-256 "
    "(10 billion a second)",
}
_SCORE_WORDS = ["too guessable", "very guessable", "somewhat guessable",
                "safely unguessable", "very unguessable"]
_SCORE_COLOURS = ["#b71c1c", "#d84315", "#8a5300", "#2e7d32", "#1b5e20"]
_ESTIMATE_LIMIT = 72  # zxcvbn's own limit (passwords.estimate reads the first 72)


def _score_bar(score: int) -> str:
    cells = "".join(
        f'<span style="display:inline-block;width:28px;height:10px;margin-right:2px;'
        f'background:{_SCORE_COLOURS[score] if i <= score else "#ddd"}"></span>'
        for i in range(5)
    )
    return f"{cells} <b>{score}/4</b>: {_SCORE_WORDS[score]}"


def _strength_html(password: str) -> str:
    strength = passwords.estimate(password)
    rows = "".join(
        f"<tr><td>{html.escape(label)}</td>"
        f"<td>{html.escape(strength.crack_times.get(key, '?'))}</td></tr>"
        for key, label in ATTACK_MODELS.items()
    )
    parts = [
        "<div><b>zxcvbn's estimate</b> (feedback only, never a reason to refuse)</div>",
        f"<div>{_score_bar(strength.score)}</div>",
        f"<div>About 10<sup>{math.floor(math.log10(max(strength.guesses, 1)))}</sup> guesses "
        "to find it.</div>",
        '<table style="text-align:left"><tr><th>attacker</th><th>time to guess it</th></tr>'
        f"{rows}</table>",
    ]
    if strength.warning:
        parts.append(message_html(strength.warning, "warn", region=False))
    parts += [message_html(tip, "info", region=False) for tip in strength.suggestions]
    if len(passwords.normalize(password)) > _ESTIMATE_LIMIT:
        parts.append(message_html(
            f"zxcvbn only looks at the first {_ESTIMATE_LIMIT} characters; the whole "
            "password is still used and hashed.", "info", region=False))
    return "".join(parts)


def feedback_html(password: str, context: Iterable[str] = ()) -> str:
    """The HTML the checker shows for `password`: the policy's reasons, then zxcvbn's view.

    Empty input, absurd lengths (a 100 000-character paste) and anything the package
    refuses become a friendly message, never a traceback.
    """
    if not isinstance(password, str):
        return message_html("A password is text: type it in the box.", "warn")
    if not password:
        return message_html("Type a password to see what the policy says about it.", "info")
    try:
        reasons = passwords.check(password, context=tuple(context))
    except AuthError as exc:  # the package's refusal, in its own words
        return message_html(friendly_error(exc), "error")
    length = len(password)
    if length > passwords.MAX_LENGTH:
        return message_html(
            f"That is {length:,} characters — a paste gone wrong? A password has at most "
            f"{passwords.MAX_LENGTH:,} characters, so this one cannot be used.",
            "error",
        )
    count = len(passwords.normalize(password))
    head = f"{count} character{'s' if count != 1 else ''}."
    if reasons:
        verdict = message_html(f"{head} Refused by the policy:", "error", region=False) + \
            "".join(message_html(reason, "error", region=False) for reason in reasons)
    else:
        verdict = message_html(
            f"{head} Accepted by the policy (NIST SP 800-63B-4 §3.1.1.2).", "ok", region=False
        )
    return live(verdict) + _strength_html(password)


class PasswordChecker(LabWidget):
    """A password box with live feedback: the policy's reasons and zxcvbn's estimate.

    `context` holds the words a password may not equal (the username, the service's
    name), as `passwords.check(pw, context=...)` takes them. The feedback updates as
    the learner types; *Check* does the same on demand.
    """

    def __init__(self, context: Iterable[str] = ("alice", "MFA Lab")) -> None:
        self.context = tuple(context)
        self.password = widgets.Text(
            description="Password",
            placeholder="try one (not a password you use!)",
            continuous_update=True,
            layout=widgets.Layout(width="420px"),
        )
        self.button = widgets.Button(description="Check", icon="check")
        self.result = widgets.HTML(feedback_html("", self.context))
        words = ", ".join(repr(w) for w in self.context) or "none"
        self.note = widgets.HTML(
            f"<small>Context words it may not equal: {html.escape(words)}</small>"
        )
        self.password.observe(self._on_change, names="value")
        self.button.on_click(self._on_click)
        on_enter(self.password, self._on_click)
        super().__init__([widgets.HBox([self.password, self.button]), self.note, self.result])

    def __repr__(self) -> str:
        return "PasswordChecker()"

    def _on_change(self, _change: Any = None) -> None:
        self.result.value = feedback_html(self.password.value, self.context)

    def _on_click(self, _button: Any = None) -> None:
        self._on_change()
