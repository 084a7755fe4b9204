"""Reading an audit trail: counting its events, and a simulated morning to read (lesson 06).

`simulate_attack` replays a morning at the lab on a service: ordinary logins, a password
guesser, a code guesser stopped by the throttle (NIST SP 800-63B-4 §3.2.2) and a code
replayed by someone who saw it, so a lesson can read the traces each leaves in
`AuthService.audit_log` (OWASP ASVS 5.0 V16: what is logged, never a secret).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from .. import otp
from ..clock import FrozenClock
from ..errors import AuthError
from ..models import AuditEvent
from ..service import AuthService
from .examples import code_missing

__all__ = ["event_counts", "simulate_attack"]


def event_counts(events: Sequence[AuditEvent]) -> dict[str, int]:
    """How many of each event a log holds, most frequent first (for reading a log).

    The keys are the events' plain names (`"code_rejected"`), so the dict prints cleanly.
    """
    counts: dict[str, int] = {}
    for event in events:
        name = str(event.event)
        counts[name] = counts.get(name, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def simulate_attack(auth: AuthService, clock: FrozenClock) -> list[str]:
    """Replay a morning at the lab on `auth`, for a lesson on reading audit logs.

    Three people enroll and log in; an attacker guesses one account's password until the
    password step locks, knows another account's password and guesses its codes until the
    throttle locks it (NIST SP 800-63B-4 §3.2.2); later someone who saw that owner's code
    over her shoulder types it a few seconds after her own login: refused as a replay
    (RFC 6238 §5.2). Returns the usernames, in the order they enrolled.
    """
    passwords_of = {
        "alice": "heron copper lantern 41",
        "carol": "maple quartz ribbon 77",
        "dave": "tulip basalt comet 19",
    }
    secrets_of: dict[str, str] = {}

    def code_of(secret: str, at: float | None = None) -> str:
        when = clock.now() if at is None else at
        return otp.totp(secret, when, auth.digits, auth.period, auth.digest)

    def now_code(name: str) -> str:
        return code_of(secrets_of[name])

    for name, password in passwords_of.items():
        auth.register(name, password)
        enrollment = auth.begin_enrollment(name, password)
        secrets_of[name] = enrollment.secret
        clock.advance(20)
        auth.confirm_enrollment(enrollment, code_of(enrollment.secret))
        clock.advance(40)

    def log_in(name: str, password: str, code: str | None = None) -> None:
        with contextlib.suppress(AuthError):  # the audit trail records what happened
            auth.verify(auth.login(name, password), code or now_code(name))

    clock.advance(130)
    log_in("dave", passwords_of["dave"])  # an ordinary login
    clock.advance(227)
    for guess in ("alice2023", "Summer2023!", "letmein123", "qwerty12345", "alice1990",
                  "password1!"):
        log_in("alice", guess)  # guessing one password: the step locks after 5
        clock.advance(2)
    clock.advance(251)
    challenge = auth.login("carol", passwords_of["carol"])  # her password had leaked
    for pause in (3, 3, 3, 3, 3, 3, 30):
        clock.advance(pause)
        with contextlib.suppress(AuthError):
            guess = code_missing(
                lambda at: code_of(secrets_of["carol"], at), clock.now(), auth.period,
                auth.digits,
            )
            auth.verify(challenge, guess)
    clock.advance(467)
    seen = now_code("carol")
    log_in("carol", passwords_of["carol"], seen)  # carol logs in; someone watches
    clock.advance(4)
    log_in("carol", passwords_of["carol"], seen)  # the shoulder-surfer: a replay
    clock.advance(296)
    log_in("alice", passwords_of["alice"])  # alice, unaware, logs in as usual
    return list(passwords_of)
