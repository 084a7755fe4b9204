"""Small helpers every lesson widget shares: friendly messages instead of tracebacks."""

from __future__ import annotations

import html

from ..errors import AuthError

__all__ = ["friendly_error", "message_html"]

_COLOURS = {"info": "#1f4e79", "ok": "#1b5e20", "error": "#b71c1c", "warn": "#8a5300"}
_ICONS = {"info": "ℹ️", "ok": "✅", "error": "⛔", "warn": "⚠️"}


def message_html(text: str, kind: str = "info") -> str:
    """A one-line coloured message for an `HTML` widget; `text` is escaped."""
    colour = _COLOURS.get(kind, _COLOURS["info"])
    icon = _ICONS.get(kind, "")
    return (
        f'<div class="mfalab-message mfalab-{kind}" style="color:{colour}">'
        f"{icon} {html.escape(text)}</div>"
    )


def friendly_error(error: Exception) -> str:
    """The sentence to show a learner for `error` (package errors say it themselves)."""
    if isinstance(error, AuthError):
        return str(error)
    return "That input cannot be used here; check it and try again."
