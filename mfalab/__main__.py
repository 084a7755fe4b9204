"""`python -m mfalab demo`: the whole login in a terminal, for people without Jupyter.

Register, enroll (the QR code drawn with text, so a real phone can scan it), confirm,
log in with the password, then the code. `--virtual` answers with the simulated phone
on a simulated clock, so it runs unattended. `python -m mfalab web` serves the same
login as web pages (`mfalab.web`, the `web` extra).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Sequence
from typing import TypeVar

from . import errors, passwords, usernames
from .clock import Clock, FrozenClock, SystemClock
from .phone import VirtualAuthenticator
from .service import AuthService
from .store import UserStore

__all__ = ["demo", "main"]

Ask = Callable[[str], str]
Say = Callable[[str], object]
T = TypeVar("T")


def _ask_until(ask: Ask, prompt: str, attempt: Callable[[str], T], say: Say) -> T:
    """Ask again after each refusal the learner can fix; give up after five."""
    for _ in range(5):
        try:
            return attempt(ask(prompt))
        except (errors.InvalidInput, errors.WeakPassword, errors.InvalidCode,
                errors.LoginFailed, errors.UserExists) as refused:
            say(f"  ✗ {refused}")
    raise SystemExit("Too many tries; run the demo again when you are ready.")


def demo(virtual: bool, say: Say = print, ask: Ask = input, ask_secret: Ask = getpass.getpass,
         clock: Clock | None = None, fast_hashing: bool = False) -> int:
    """Walk through register → enroll → confirm → login → code; return an exit status.

    `virtual` answers with a simulated phone on a simulated clock; otherwise the learner
    types everything (`ask`, `ask_secret`) and `clock` defaults to the wall clock.
    `fast_hashing` uses the cheap argon2 profile and exists for tests only.
    """
    profile = passwords.CHEAP_FOR_TESTS_ONLY if fast_hashing else passwords.DEFAULT_PROFILE
    simulated = FrozenClock(SystemClock().now()) if virtual else None
    clock = simulated or clock or SystemClock()
    auth = AuthService(UserStore(":memory:"), clock=clock, issuer="MFA Lab",
                       password_profile=profile)
    phone = VirtualAuthenticator(clock=clock) if virtual else None
    say("mfalab demo: a password, then a code from an authenticator app.\n")

    if virtual:
        name, password = "alice", "violet anchor tundra 58"
        say(f"1. Register {name!r} with the password {password!r}.")
        auth.register(name, password)
    else:
        name = _ask_until(ask, "1. Choose a username: ", usernames.normalize, say)

        def register(pw: str) -> str:
            auth.register(name, pw)
            return pw

        password = _ask_until(ask_secret, "   Choose a password (8+ characters): ",
                              register, say)
    enrollment = auth.begin_enrollment(name, password)
    say("\n2. Enroll: scan this QR code with an authenticator app")
    say(enrollment.qr_text())
    say(f"   or type the secret: {enrollment.grouped_secret}\n")
    if phone is not None:
        say(f"   The virtual phone scans it: {phone.scan(enrollment.uri)}")
        code = phone.code()
        say(f"3. Confirm with the code the phone shows: {code}")
        recovery_codes = auth.confirm_enrollment(enrollment, code)
    else:
        recovery_codes = _ask_until(ask, "3. Type the code your app shows: ",
                                    lambda c: auth.confirm_enrollment(enrollment, c), say)
    say("   Enrolled. Your recovery codes (shown once, keep them safe):")
    for rc in recovery_codes:
        say(f"     {rc}")

    say("\n4. Log in.")
    if simulated is not None:
        simulated.advance(30)
        say("   (30 simulated seconds later: the confirming code may not be used again.)")
        challenge = auth.login(name, password)
    else:
        challenge = _ask_until(ask_secret, "   Password: ", lambda pw: auth.login(name, pw), say)
    if phone is not None:
        code = phone.code()
        say(f"5. The phone shows {code}.")
        session = auth.verify(challenge, code)
    else:
        say("5. Wait for your app to show a new code, then type it.")
        session = _ask_until(ask, "   Code: ", lambda c: auth.verify(challenge, c), say)
    say(f"\n✓ Access granted: signed in as {session.username} with {session.method}.")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """The `mfalab` command line."""
    parser = argparse.ArgumentParser(prog="python -m mfalab", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("demo", help="walk through the whole login in the terminal")
    run.add_argument("--virtual", action="store_true",
                     help="answer with the simulated phone (runs unattended)")
    try:
        from .web import cli as web
    except ImportError:  # Flask is not installed: the `web` extra
        web = None  # type: ignore[assignment]
        commands.add_parser("web", help="serve the web login (needs the web extra)")
    else:
        web.add_parser(commands)
    args = parser.parse_args(argv)
    if args.command == "web":
        if web is None:
            print("The web login needs Flask: pip install 'mfalab[web]'.")
            return 1
        return web.run(args)
    try:
        return demo(virtual=args.virtual)
    except (KeyboardInterrupt, EOFError):
        print("\nDemo stopped.")
        return 130
    except errors.AuthError as failed:
        print(f"\n✗ {failed}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
