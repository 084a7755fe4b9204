"""Graders for lesson 06 · The complete login.

Locked out, then back in; the attack in an audit log.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..service import Session
from ._core import TIME_ONLY, Grade, grader, utc_time


def _events_of(namespace: Mapping[str, object], service: str, name: str) -> list[str]:
    auth = namespace.get(service)
    audit_log = getattr(auth, "audit_log", None)
    return [event.event for event in audit_log(name)] if callable(audit_log) else []


@grader("06.1", "answer_1", "lock Bob out, wait, get in with a recovery code, set answer_1")
def _locked_then_recovered(answer: object, namespace: Mapping[str, object]) -> Grade:
    if not isinstance(answer, Session) or answer.username != "bob":
        return False, ("Not quite: answer_1 should be the Session Bob got: bob_app.session "
                       "after 'Access granted'.")
    if answer.method != "recovery code":
        return False, "Not quite: that session came from a phone code, but Bob's phone is gone."
    log = _events_of(namespace, "bob_auth", "bob")
    if "recovery_code_used" not in log:
        return False, "Not quite: that session is not from bob_auth: use bob_app (or bob_auth)."
    last_use = len(log) - 1 - log[::-1].index("recovery_code_used")
    if "lockout" not in log[:last_use]:
        return False, ("Almost: Bob got in, but the throttle never locked him first: make five "
                       "wrong guesses.")
    return True, ("Right: the throttle lock refused even a recovery code until it ended; then "
                  "one recovery code let Bob in, once. Now he should set up a new phone.")


def _first_factor_lock(events: Iterable[object]) -> tuple[str, str] | None:
    for event in events:
        if getattr(event, "event", None) == "lockout" and \
                str(getattr(event, "detail", "")).startswith("factor"):
            return str(getattr(event, "username", "")), utc_time(getattr(event, "at", None)) or ""
    return None


@grader("06.2", "answer_2", "set answer_2 to (username, time)")
def _find_the_attack(answer: object, namespace: Mapping[str, object]) -> Grade:
    events = namespace.get("events")
    found = _first_factor_lock(sorted(events, key=lambda e: getattr(e, "at", 0.0))
                               if isinstance(events, list) else [])
    if found is None:
        return False, "Run the cell that replays the morning first: it makes `events`."
    victim, locked_at = found
    if isinstance(answer, (str, bytes)) or not isinstance(answer, (tuple, list)) \
            or len(answer) != 2:
        return False, ("Not quite: answer_2 is a pair: (username, time), like "
                       "('bob', '2023-11-16 09:00:00').")
    who, when = str(answer[0]).strip().casefold(), answer[1]
    if who == "alice":
        return False, ("Not quite: alice's lock is the decoy. Its detail says 'password': five "
                       "wrong passwords, and her password held. Whose password_ok is followed "
                       "only by rejected codes?")
    if who != victim:
        return False, (f"Not quite: not {who!r}. Look for a password_ok followed by "
                       "code_rejected rows, and a lock whose detail says 'factor'.")
    if isinstance(when, str) and TIME_ONLY.fullmatch(when.strip()):
        return False, (f"Almost: the right account. {when.strip()!r} is a time without its "
                       f"date: give both, like '{locked_at[:10]} 09:00:00'.")
    typed = utc_time(when)
    if typed is None:
        return False, ("Almost: the right account. Now give the time as text, like "
                       "'2023-11-16 09:00:00'.")
    if typed != locked_at:
        return False, ("Almost: the right account. Now the time of its first 'lockout' row "
                       "whose detail says 'factor'.")
    return True, (f"Right: the attacker had {victim}'s password and guessed codes until the "
                  f"throttle locked at {locked_at} UTC. {victim} must change her password.")
