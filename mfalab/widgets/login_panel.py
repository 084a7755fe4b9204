"""The login app's account panel: the status line and the audit trail, and whose they are.

A widget never reveals what the service would not tell an anonymous caller (the password
step answers an unknown user and a wrong password alike: NIST SP 800-63B-4 §3.1.1.2,
OWASP ASVS 5.0 V6.3). So the panel shows an account's state and audit trail only

- to the account's owner, signed in (a live `Session`), or
- in the instructor's view (`LoginApp(instructor_view=True)`), explicitly labelled, which
  a lesson switches on to show what an administrator sees (`auth.status`,
  `auth.audit_log`) for the username typed.

Otherwise it shows the server clock and the lock the service itself announced (the
`retry_after` of its last `TooManyAttempts`), nothing else.
"""

from __future__ import annotations

import html

from ..clock import Clock
from ..models import AccountStatus, AuditEvent
from .audit import audit_table, utc

__all__ = ["AUDIT_ROWS_SHOWN", "INSTRUCTOR_NOTE", "audit_html", "clock_part", "lock_part",
           "status_html", "status_parts"]

AUDIT_ROWS_SHOWN = 12
#: The label of the instructor's view, wherever it shows an account.
INSTRUCTOR_NOTE = (
    "Instructor's view: what an administrator sees for the username typed. A real login "
    "page shows an account's state only to its owner, signed in."
)


def clock_part(clock: Clock) -> str:
    """'Server clock: … UTC', said to be simulated when the lab can move it."""
    movable = callable(getattr(clock, "advance", None))
    note = " (simulated: the lab controls move it)" if movable else ""
    return f"Server clock: {utc(clock.now())} UTC{note}"


def status_parts(status: AccountStatus, heading: str) -> list[str]:
    """The account's state in short phrases: factor, recovery codes left, failures."""
    factor = (
        "switched off (ask an administrator)" if status.disabled
        else "on" if status.enrolled
        else "waiting for confirmation" if status.pending
        else "not set up yet"
    )
    parts = [f"{heading}{status.username}: second factor {factor}"]
    if status.enrolled:
        parts.append(f"recovery codes left: {status.recovery_codes_left}")
    if status.failures:
        parts.append(f"failed codes in a row: {status.failures}")
    if status.password_failures:
        parts.append(f"failed passwords in a row: {status.password_failures}")
    return parts


def lock_part(wait: float) -> str:
    """The lock's countdown, in words and with an icon."""
    return f"🔒 locked: try again in {max(1, round(wait))} s"


def status_html(parts: list[str], instructor: bool) -> str:
    """The status line; the instructor's view says what it is, in words and a border."""
    line = html.escape(" · ".join(parts))
    if not instructor:
        return f'<div class="mfalab-status" style="opacity:0.85">{line}</div>'
    return (
        '<div class="mfalab-status mfalab-instructor" style="border-left:4px solid #6a1b9a;'
        f'padding-left:6px"><b>{html.escape(INSTRUCTOR_NOTE)}</b><br>{line}</div>'
    )


def audit_html(events: list[AuditEvent], whose: str, instructor: bool) -> str:
    """The account's audit trail, folded away under a summary that says whose it is."""
    title = (f"Instructor's view: audit log of {whose}" if instructor
             else f"Audit log of your account ({whose})")
    return (
        f"<details><summary>{html.escape(title)}</summary>"
        + audit_table(events, last=AUDIT_ROWS_SHOWN)
        + "</details>"
    )
