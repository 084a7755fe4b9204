"""The audit trail as an HTML table: time, account, what happened, and what kind of event.

Every row says its kind in words and with an icon as well as with its colour (failures,
alarms, refusals that are not counted, the way back, successes), so colour is never the
only cue (WCAG 2.1 1.4.1). The trail itself never holds a password, seed or code
(OWASP ASVS 5.0 V16), and every cell is HTML-escaped all the same.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import datetime, timezone

from ..models import AuditEvent

__all__ = ["EVENT_KINDS", "EVENT_NOTES", "audit_table", "utc"]

#: What each audit event means, in a few words (the "detail" column of `audit_table`).
# A list of pairs rather than a dict literal: bandit reads keys such as 'password_ok' as
# hard-coded passwords (B105). They are event names.
EVENT_NOTES: dict[str, str] = dict([
    ("registered", "account created"),
    ("password_ok", "right password (first factor passed)"),
    ("password_failed", "wrong password"),
    ("password_rehashed", "stored hash upgraded"),
    ("password_changed", "password changed"),
    ("enrollment_started", "new QR code issued"),
    ("enrollment_confirmed", "second factor switched on"),
    ("code_accepted", "right code (second factor passed)"),
    ("code_rejected", "wrong code"),
    ("code_malformed", "not a code at all"),
    ("code_reused", "replayed code refused"),
    ("recovery_code_used", "recovery code used"),
    ("recovery_code_rejected", "wrong recovery code"),
    ("recovery_code_malformed", "not a recovery code at all"),
    ("recovery_codes_regenerated", "new recovery codes"),
    ("lockout", "account locked for a while"),
    ("second_factor_disabled", "second factor switched off"),
    ("second_factor_reset", "administrator reset"),
    ("refused_while_locked", "refused during a lock (not counted)"),
    ("refused_while_disabled", "refused: second factor switched off"),
    ("signed_out", "signed out"),
    ("notification_failed", "the owner could not be notified"),
    ("passkey_added", "passkey added"),
    ("passkey_removed", "passkey removed"),
    ("passkey_accepted", "passkey accepted (second factor passed)"),
    ("passkey_rejected", "passkey refused"),
    ("passkey_clone_warning", "passkey counter went back: a cloned key?"),
])

#: The kinds of event: (icon, word, row colour). Coloured rows set their own dark text,
#: so they stay readable in a dark theme.
_KINDS = {
    "failure": ("⚠️", "failure", "#fff4e5"),
    "alarm": ("🚨", "alarm", "#fde2e2"),
    "not counted": ("⏸️", "not counted", "#eeeeee"),
    "way back": ("🛟", "way back", "#e3f0fb"),
    "success": ("✅", "success", "#e8f5e9"),
}
#: Which kind each event is; events not listed are plain facts (no colour, no icon).
EVENT_KINDS: dict[str, str] = dict([
    ("password_failed", "failure"),
    ("code_rejected", "failure"),
    ("code_malformed", "failure"),
    ("recovery_code_rejected", "failure"),
    ("recovery_code_malformed", "failure"),
    ("passkey_rejected", "failure"),
    ("code_reused", "alarm"),
    ("lockout", "alarm"),
    ("second_factor_disabled", "alarm"),
    ("notification_failed", "alarm"),
    ("passkey_clone_warning", "alarm"),
    ("refused_while_locked", "not counted"),
    ("refused_while_disabled", "not counted"),
    ("recovery_code_used", "way back"),
    ("recovery_codes_regenerated", "way back"),
    ("code_accepted", "success"),
    ("enrollment_confirmed", "success"),
    ("passkey_accepted", "success"),
])
_CELL = 'style="padding:2px 8px;text-align:left;border-bottom:1px solid #ddd"'


def utc(at: float) -> str:
    """`at` (unix seconds) as 'YYYY-MM-DD HH:MM:SS' UTC."""
    return datetime.fromtimestamp(at, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def _row(event: AuditEvent) -> str:
    name = str(event.event)
    kind = EVENT_KINDS.get(name)
    icon, word, colour = _KINDS[kind] if kind else ("", "", "")
    style = f"background:{colour};color:#1a1a1a" if colour else "background:transparent"
    note = EVENT_NOTES.get(name, "")
    repeats = f"× {event.repeats}" if event.repeats > 1 else ""
    detail = "; ".join(part for part in (note, event.detail, repeats) if part)
    values = (utc(event.at), event.username, name, detail)
    tds = "".join(f"<td {_CELL}>{html.escape(v)}</td>" for v in values)
    mark = (f'<span aria-hidden="true">{icon}</span> {html.escape(word)}' if kind else "")
    return f'<tr style="{style}">{tds}<td {_CELL}>{mark}</td></tr>'


def audit_table(events: Iterable[AuditEvent], last: int | None = None) -> str:
    """An HTML table of audit events, oldest first: time (UTC), account, event, detail, kind.

    `last` keeps only the newest `last` rows (and says how many were left out).
    """
    rows = sorted(events, key=lambda e: e.at)
    hidden = 0
    if last is not None and len(rows) > last:
        hidden = len(rows) - last
        rows = rows[-last:]
    head = "".join(
        f'<th scope="col" {_CELL}>{title}</th>'
        for title in ("time (UTC)", "account", "event", "detail", "kind")
    )
    body = [_row(event) for event in rows]
    if not body:
        body.append(f'<tr><td {_CELL} colspan="5"><i>no events yet</i></td></tr>')
    shown = (
        f"; {hidden} earlier event{'s' if hidden != 1 else ''} not shown" if hidden else ""
    )
    caption = (
        '<caption style="caption-side:bottom;text-align:left;font-size:90%">'
        f"<i>The audit trail, oldest first{shown}. Kinds: ⚠️ failure (counted by the "
        "throttle), 🚨 alarm, ⏸️ not counted, 🛟 way back, ✅ success.</i></caption>"
    )
    return (
        '<table class="mfalab-audit" style="border-collapse:collapse;font-size:90%">'
        f"{caption}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
