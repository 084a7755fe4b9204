"""The lessons' fixed examples, and one call for the account set-up they all repeat.

Lessons are reproducible (nbval compares their outputs), so they run on a `FrozenClock`
at a fixed time with public example values: RFC 4226's test key (160 bits, as pyotp ≥ 2.12
requires: RFC 4226 §4 R6, NIST SP 800-63B-4 §3.1.4.1's 112-bit floor) and a passphrase
printed in the lessons. None of them is ever a real secret.

`enrolled_account()` does register → begin enrollment → scan with a virtual phone →
confirm with the phone's code (`AuthService.confirm_enrollment(enrollment, code)`), then
moves a frozen clock past the confirming step, which counts as used (RFC 6238 §5.2).
`wrong_code()` makes a well-formed code that is surely not right now.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field

from argon2 import Parameters

from .. import otp, passwords
from ..clock import Clock, FrozenClock
from ..errors import EnrollmentRequired
from ..models import Challenge, Session
from ..phone import VirtualAuthenticator
from ..service import AuthService
from ..store import UserStore

__all__ = [
    "EXAMPLE_ISSUER",
    "EXAMPLE_PASSWORD",
    "EXAMPLE_SECRET",
    "EXAMPLE_START",
    "EnrolledAccount",
    "code_missing",
    "enrolled_account",
    "wrong_code",
]

#: RFC 4226 Appendix D's key, the ASCII bytes "12345678901234567890", in base32 (160 bits).
EXAMPLE_SECRET = base64.b32encode(b"12345678901234567890").decode("ascii")
#: 2023-11-14T22:13:20Z: 20 s into time step 56 666 666.
EXAMPLE_START = 1_700_000_000
#: The lessons' example passphrase: printed in every lesson, never a real password.
EXAMPLE_PASSWORD = "violet anchor tundra 58"  # a public example  # noqa: S105  # nosec B105
EXAMPLE_ISSUER = "MFA Lab"


@dataclass(frozen=True)
class EnrolledAccount:
    """An account with an active second factor, and the phone that holds its seed.

    The recovery codes are kept for the lesson or test that needs one; they never appear
    in the repr (a notebook's saved output keeps no recovery code).
    """

    auth: AuthService
    phone: VirtualAuthenticator
    username: str
    password: str = field(repr=False)
    recovery_codes: tuple[str, ...] = field(repr=False)

    @property
    def clock(self) -> Clock:
        """The service's clock (the phone reads the same one)."""
        return self.auth.clock

    def login(self) -> Challenge:
        """The password step: a `Challenge` waiting for the second factor."""
        return self.auth.login(self.username, self.password)

    def sign_in(self) -> Session:
        """Both steps, with the phone's current code: a `Session`."""
        return self.auth.verify(self.login(), self.phone.code())


def enrolled_account(
    auth: AuthService | None = None,
    *,
    username: str = "alice",
    password: str = EXAMPLE_PASSWORD,
    phone: VirtualAuthenticator | None = None,
    start: float = EXAMPLE_START,
    password_profile: Parameters = passwords.DEFAULT_PROFILE,
    wait_after: float | None = None,
) -> EnrolledAccount:
    """Register `username`, enroll a virtual phone and confirm it: an `EnrolledAccount`.

    Without `auth`, a new service on an in-memory store and a `FrozenClock` at `start`
    (with `password_profile`; tests pass `passwords.CHEAP_FOR_TESTS_ONLY`). The phone is
    `phone`, or a new `VirtualAuthenticator` on the service's clock. Afterwards a clock
    that can move is moved on by `wait_after` seconds (default: one period), so the
    phone's next code is not the confirming one, which counts as used (RFC 6238 §5.2).

    Raises what the service raises: `UserExists`, `WeakPassword`, `InvalidUsername`, ….
    """
    if auth is None:
        store = UserStore(":memory:")
        auth = AuthService(store, clock=FrozenClock(start), issuer=EXAMPLE_ISSUER,
                           password_profile=password_profile)
    device = phone if phone is not None else VirtualAuthenticator(clock=auth.clock)
    auth.register(username, password)
    enrollment = auth.begin_enrollment(username, password)
    device.scan(enrollment.uri)
    codes = auth.confirm_enrollment(enrollment, device.code())
    advance: Callable[[float], object] | None = getattr(auth.clock, "advance", None)
    wait = auth.period if wait_after is None else wait_after
    if callable(advance) and wait:
        advance(wait)
    return EnrolledAccount(auth, device, enrollment.username, password, tuple(codes))


def code_missing(code_at: Callable[[float], str], at: float, period: int, digits: int) -> str:
    """A well-formed code that `code_at` gives at no time step near `at`.

    It avoids every step a service could accept, even at the widest window and drift
    (`otp.MAX_WINDOW` steps each way, twice over), so a demonstration of a wrong code
    never passes by a one-in-a-million chance.
    """
    reach = 2 * otp.MAX_WINDOW + 1
    near = {code_at(max(0.0, at + period * k)) for k in range(-reach, reach + 1)}
    return next(c for c in (f"{n:0{digits}d}" for n in range(10**digits)) if c not in near)


def wrong_code(phone: VirtualAuthenticator) -> str:
    """A well-formed code for the phone's newest account that is surely not right now.

    For lessons and tests: a mistyped code that cannot match by a one-in-a-million chance.
    Raises `EnrollmentRequired` when the phone holds no account.
    """
    if not phone.accounts:
        raise EnrollmentRequired(
            "This authenticator holds no account yet: scan an enrollment QR code first."
        )
    account = phone.accounts[-1]

    def code_at(at: float) -> str:
        code: str = account.totp.at(at)
        return code

    return code_missing(code_at, phone.now(), account.period, account.digits)
