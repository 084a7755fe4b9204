"""`python -m mfalab demo`: the terminal walk-through, unattended and typed."""

from __future__ import annotations

import re
import subprocess
import sys

from mfalab import FrozenClock, otp
from mfalab.__main__ import demo, main

from .conftest import START


def test_virtual_demo_runs_unattended_to_access_granted():
    result = subprocess.run(
        [sys.executable, "-m", "mfalab", "demo", "--virtual"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Access granted: signed in as alice with totp" in result.stdout
    assert "█" in result.stdout  # the QR code, drawn as text


def test_typed_demo_retries_after_a_refusal_and_grants_access():
    clock = FrozenClock(START)
    shown: list[str] = []
    not_a_code = iter(["otp"])  # the first code typed is not a code at all

    def secret() -> str:
        found = re.search(r"type the secret: ([A-Z2-7 ]+)", "\n".join(shown))
        assert found
        return found.group(1)

    def ask(prompt: str) -> str:
        if prompt.startswith("1."):
            return "Alice"
        if "Code:" in prompt:
            clock.advance(30)  # the learner waits for the app's next code
        return next(not_a_code, None) or otp.totp(secret(), clock.now())

    passwords_typed = iter(["password", "violet anchor tundra 58", "violet anchor tundra 58"])
    status = demo(False, say=shown.append, ask=ask, ask_secret=lambda _: next(passwords_typed),
                  clock=clock, fast_hashing=True)
    assert status == 0
    text = "\n".join(shown)
    assert "commonly used" in text  # the refused password, explained
    assert "exactly 6 digits" in text  # the refused code, explained
    assert "Access granted: signed in as alice" in text


def test_main_needs_a_command(capsys):
    try:
        main([])
    except SystemExit as stopped:
        assert stopped.code == 2
    assert "demo" in capsys.readouterr().err
