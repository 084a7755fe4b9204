"""Hypothesis stateful fuzzing of the whole AuthService against a simple model.

Any sequence of register, enroll, login, verify, recover and clock moves: no session is
ever granted without the password and a fresh code (a time step in the window, newer
than the last accepted one) or an unused recovery code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from mfalab import AuthService, Challenge, Enrollment, FrozenClock, UserStore, errors, otp

from ..conftest import START, make_auth

NAMES = ["alice", "bob"]
PASSWORDS = ["violet anchor tundra 58", "granite harbor 9931"]


@dataclass
class Model:
    password: str | None = None
    secret: str | None = None
    pending: str | None = None
    enrollment: Enrollment | None = None
    last_step: int | None = None
    codes: list[str] = field(default_factory=list)
    used_codes: set[str] = field(default_factory=set)


class LoginMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = FrozenClock(START)
        self.auth: AuthService = make_auth(UserStore(":memory:"), self.clock)
        self.model = {name: Model() for name in NAMES}
        self.challenges: list[tuple[str, Challenge]] = []

    # -- moves ------------------------------------------------------------------------

    @rule(seconds=st.sampled_from([0, 1, 10, 29, 30, 31, 45, 90, 301, 3601]))
    def advance(self, seconds: int) -> None:
        self.clock.advance(seconds)

    @rule(name=st.sampled_from(NAMES), password=st.sampled_from(PASSWORDS))
    def register(self, name: str, password: str) -> None:
        try:
            self.auth.register(name, password)
        except errors.UserExists:
            assert self.model[name].password is not None
            return
        assert self.model[name].password is None
        self.model[name].password = password

    @rule(name=st.sampled_from(NAMES), password=st.sampled_from(PASSWORDS),
          with_code=st.booleans())
    def begin_enrollment(self, name: str, password: str, with_code: bool) -> None:
        m = self.model[name]
        code = self._current_code(m) if with_code and m.secret else None
        try:
            enrollment = self.auth.begin_enrollment(name, password, code)
        except errors.AuthError:
            return
        assert m.password == password, "enrollment began without the password"
        if m.secret is not None:
            assert code is not None, "an active factor was replaced with the password alone"
            self._accepted_step(m, code)
        m.pending = enrollment.secret
        m.enrollment = enrollment

    @rule(name=st.sampled_from(NAMES), right=st.booleans())
    def confirm(self, name: str, right: bool) -> None:
        m = self.model[name]
        code = otp.totp(m.pending, self.clock.now()) if (right and m.pending) else "000000"
        try:
            if m.enrollment is None:
                return
            codes = self.auth.confirm_enrollment(m.enrollment, code)
        except errors.AuthError:
            return
        assert m.pending is not None
        assert otp.verify(m.pending, code, self.clock.now()) is not None
        m.secret, m.pending, m.codes, m.used_codes = m.pending, None, codes, set()
        m.last_step = otp.verify(m.secret, code, self.clock.now())

    @rule(name=st.sampled_from(NAMES))
    def register_and_enroll(self, name: str) -> None:
        """A shortcut to the deeper states: register if needed, then enroll and confirm."""
        m = self.model[name]
        if m.password is None:
            self.register(name, PASSWORDS[0])
        if m.secret is None:
            self.begin_enrollment(name, m.password or PASSWORDS[0], False)
            self.confirm(name, True)

    @rule(name=st.sampled_from(NAMES), password=st.sampled_from(PASSWORDS))
    def login(self, name: str, password: str) -> None:
        try:
            challenge = self.auth.login(name, password)
        except errors.AuthError:
            return
        m = self.model[name]
        assert m.password == password, "a challenge without the password"
        assert m.secret is not None, "a challenge without an active second factor"
        self.challenges.append((name, challenge))

    @precondition(lambda self: self.challenges)
    @rule(data=st.data(), kind=st.sampled_from(["current", "previous", "next", "stale",
                                                 "garbage", "recovery", "used-recovery"]))
    def second_factor(self, data: st.DataObject, kind: str) -> None:
        name, challenge = data.draw(st.sampled_from(self.challenges))
        m = self.model[name]
        if m.secret is None:
            return
        step = otp.time_step(self.clock.now())
        offsets = {"current": 0, "previous": -1, "next": 1, "stale": -5}
        try:
            if kind in offsets:
                code = otp.hotp(m.secret, max(0, step + offsets[kind]))
                session = self.auth.verify(challenge, code)
                self._accepted_step(m, code)
            elif kind == "garbage":
                session = self.auth.verify(challenge, "12345x")
                raise AssertionError("a malformed code was accepted")
            else:
                pool = sorted(m.used_codes) if kind == "used-recovery" else [
                    c for c in m.codes if c not in m.used_codes]
                if not pool:
                    return
                code = data.draw(st.sampled_from(pool))
                session = self.auth.recover(challenge, code)
                assert code in m.codes and code not in m.used_codes, "recovery code reused"
                m.used_codes.add(code)
        except errors.AuthError:
            return
        assert session.username == name
        event(f"session by {kind}")
        self.challenges.remove((name, challenge))

    @rule(name=st.sampled_from(NAMES))
    def reset(self, name: str) -> None:
        try:
            self.auth.reset_second_factor(name)
        except errors.UnknownUser:
            assert self.model[name].password is None
            return
        m = self.model[name]
        m.secret = m.pending = m.last_step = m.enrollment = None
        m.codes, m.used_codes = [], set()

    # -- the model's judgement ----------------------------------------------------------

    def _current_code(self, m: Model) -> str:
        assert m.secret is not None
        return otp.totp(m.secret, self.clock.now())

    def _accepted_step(self, m: Model, code: str) -> None:
        """The service accepted `code`: it must be in the window and newer than the last."""
        if m.secret is None or not code.isdigit():
            return  # a recovery code was used instead
        # Window ±1 around a learned drift of at most ±1 step: never further than ±2.
        step = otp.verify(m.secret, code, self.clock.now(), window=2)
        assert step is not None, "a code outside any window was accepted"
        assert m.last_step is None or step > m.last_step, "a used time step was accepted"
        m.last_step = step

    @invariant()
    def audit_holds_no_secrets(self) -> None:
        for name, m in self.model.items():
            text = repr(self.auth.audit_log(name))
            for secret in filter(None, [m.password, m.secret, m.pending, *m.codes]):
                assert secret not in text


LoginMachine.TestCase.settings = settings(
    max_examples=200, stateful_step_count=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestLoginMachine = LoginMachine.TestCase
