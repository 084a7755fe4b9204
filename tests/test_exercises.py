"""The lessons' graders: every exercise, its right answer, and the mistakes it names."""

from __future__ import annotations

import contextlib
import json
import runpy
from datetime import datetime, timezone
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from mfalab import AuthService, FrozenClock, Session, UserStore, VirtualAuthenticator, errors, otp
from mfalab.exercises import EXERCISES, Feedback, check
from mfalab.exercises.lesson05 import guesses_per_night

from .conftest import PASSWORD, RFC_SECRET, START, make_auth

RFC_KEY = b"12345678901234567890"


def says(feedback: Feedback, *words: str) -> bool:
    return all(word in feedback.message for word in words)


def right(exercise: str, answer: object, **namespace: object) -> Feedback:
    feedback = check(exercise, {EXERCISES[exercise].name: answer, **namespace})
    assert feedback.answered and feedback.correct, feedback.message
    assert feedback.message.startswith("Right")
    return feedback


def wrong(exercise: str, answer: object, **namespace: object) -> Feedback:
    feedback = check(exercise, {EXERCISES[exercise].name: answer, **namespace})
    assert feedback.answered and not feedback.correct, feedback.message
    assert not feedback.message.startswith("Right")
    return feedback


def enrolled(name: str, clock: FrozenClock) -> tuple[AuthService, VirtualAuthenticator, list[str]]:
    auth = make_auth(UserStore(":memory:"), clock)
    auth.register(name, PASSWORD)
    enrollment = auth.begin_enrollment(name, PASSWORD)
    phone = VirtualAuthenticator(clock=clock)
    phone.scan(enrollment.uri)
    codes = auth.confirm_enrollment(enrollment, phone.code())
    clock.advance(30)
    return auth, phone, codes


# -- the machinery ----------------------------------------------------------------------


def test_every_lesson_has_its_exercises() -> None:
    """Eighteen exercises, keyed by lesson, each with its own answer name in its lesson."""
    assert sorted(EXERCISES) == ["00.1", "00.2", "01.1", "01.2", "01.3", "02.1", "02.2",
                                 "03.1", "03.2", "04.1", "04.2", "05.1", "05.2", "06.1", "06.2",
                                 "07.1", "08.1", "08.2"]
    for lesson in {key[:2] for key in EXERCISES}:
        names = [e.name for key, e in EXERCISES.items() if key.startswith(lesson)]
        assert len(names) == len(set(names)), lesson


@pytest.mark.parametrize("exercise", sorted(EXERCISES))
def test_a_check_before_its_answer_cell_says_not_answered_yet(exercise: str) -> None:
    """No answer in the namespace, or the placeholder: a kind sentence, never a NameError."""
    for namespace in ({}, {EXERCISES[exercise].name: ...}):
        feedback = check(exercise, namespace)
        assert not feedback.answered and not feedback.correct
        assert feedback.message.startswith("Not answered yet: ")
        assert feedback.message.endswith("; then run that cell and this check again.")


def test_an_unknown_exercise_is_a_lookup_error() -> None:
    with pytest.raises(LookupError, match=r"no exercise '09\.1'"):
        check("09.1", {})


def test_feedback_shows_its_sentence() -> None:
    """IPython prints the sentence (text/plain), not the dataclass."""
    feedback = check("01.1", {})
    printed: list[str] = []

    class Printer:
        def text(self, value: str) -> None:
            printed.append(value)

    feedback._repr_pretty_(Printer(), False)
    assert printed == [feedback.message] and str(feedback) == feedback.message


# -- 00 ---------------------------------------------------------------------------------


def test_00_1_sort_the_factors() -> None:
    right("00.1", {"b", "c", "f"})
    right("00.1", ["B", " c", "f"])
    assert says(wrong("00.1", "bcf"), "in a set")
    assert says(wrong("00.1", {"a", "b", "c", "f"}), "Not a:", "something you know")
    assert says(wrong("00.1", {"b", "c"}), "1 more of the six is something you have")
    assert says(wrong("00.1", {"b", "c", "f", "z"}), "Not 'z'")


def test_00_2_bob_logged_in(clock: FrozenClock) -> None:
    auth, phone, codes = enrolled("bob", clock)
    right("00.2", auth.verify(auth.login("bob", PASSWORD), phone.code()))
    assert says(wrong("00.2", auth.login("bob", PASSWORD)), "holds a Challenge")
    clock.advance(30)
    assert says(wrong("00.2", auth.recover(auth.login("bob", PASSWORD), codes[0])),
                "phone's code")
    other, other_phone, _ = enrolled("carol", clock)
    assert says(wrong("00.2", other.verify(other.login("carol", PASSWORD), other_phone.code())),
                "belongs to 'carol'")


# -- 01 ---------------------------------------------------------------------------------


def test_01_1_memory_cost() -> None:
    right("01.1", 64)
    assert says(wrong("01.1", 65536), "in KiB")
    assert says(wrong("01.1", 65536 / 1024), "a float", "write 64")
    assert says(wrong("01.1", "64"), "as text", "without quotes: 64")
    assert says(wrong("01.1", "64 MiB"), "without quotes")
    assert says(wrong("01.1", 19), "OWASP's minimum")
    assert says(wrong("01.1", 3), "passes")
    assert says(wrong("01.1", 4), "lanes")
    assert says(wrong("01.1", 32), "is not the number of MiB", "m= field")
    assert says(wrong("01.1", True), "truth value")
    assert says(wrong("01.1", 62.5), "whole number")


def test_01_2_what_a_salt_costs() -> None:
    right("01.2", 240_000)
    assert says(wrong("01.2", 30_000), "unsalted cost")
    assert says(wrong("01.2", 240_000.0), "a float")
    assert says(wrong("01.2", "240,000"), "as text")
    assert says(wrong("01.2", 8), "guesses per account × accounts")


def test_01_3_a_password_both_like() -> None:
    right("01.3", "marmalade kayak orbit 7")
    assert says(wrong("01.3", "Tr0ub4dor&3"), "xkcd", "fell in seconds")
    assert says(wrong("01.3", "password"), "policy refuses", "commonly used")
    assert says(wrong("01.3", "Alice"), "policy refuses")
    assert says(wrong("01.3", 12345678), "in quotes")
    assert says(wrong("01.3", "P@ssw0rd!"), "scores it 1/4")


def test_01_3_a_top_score_that_falls_to_a_fast_hash_is_not_enough() -> None:
    """4/4 from zxcvbn, but under a year against 10^10 guesses a second: one word more."""
    from mfalab import passwords

    candidate = "quartz-Gecko-9!"
    strength = passwords.estimate(candidate)
    assert not passwords.check(candidate, context=("alice", "MFA Lab"))
    assert strength.score == 4 and strength.guesses < 1e10 * 365.25 * 86400
    assert says(wrong("01.3", candidate), "fast-hash attacker", "another unrelated word")


# -- 02 ---------------------------------------------------------------------------------


def test_02_1_decode_the_secret() -> None:
    right("02.1", RFC_KEY)
    right("02.1", bytearray(RFC_KEY))
    assert says(wrong("02.1", RFC_SECRET), "base32 text itself")
    assert says(wrong("02.1", RFC_KEY.decode()), "as a str", ".decode()")
    assert says(wrong("02.1", RFC_KEY.hex()), "bytes (b'...')")
    assert says(wrong("02.1", b"1234567890"), "not the secret's bytes")
    assert says(wrong("02.1", 20), "this is a int")


def test_02_2_predict_what_each_app_shows() -> None:
    honouring = otp.totp(RFC_SECRET, START, digits=8, period=60, digest="sha256")
    ignoring = otp.totp(RFC_SECRET, START)
    right("02.2", (honouring, ignoring))
    right("02.2", [honouring, ignoring])
    assert says(wrong("02.2", (ignoring, honouring)), "wrong order")
    assert says(wrong("02.2", (int(honouring), int(ignoring))), "string of digits")
    assert says(wrong("02.2", (honouring, "000000")), "honouring app's code is right")
    assert says(wrong("02.2", ("00000000", ignoring)), "ignoring app's code is right")
    assert says(wrong("02.2", honouring), "two codes")
    assert says(wrong("02.2", ("1", "2")), "once with the URI's settings")


# -- 03 ---------------------------------------------------------------------------------


def truncate_right(mac: bytes, digits: int = 6) -> str:
    offset = mac[-1] & 0x0F
    integer = int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(integer % 10**digits).zfill(digits)


def truncate_no_mask(mac: bytes, digits: int = 6) -> str:
    offset = mac[-1] & 0x0F
    return str(int.from_bytes(mac[offset : offset + 4], "big") % 10**digits).zfill(digits)


def truncate_no_padding(mac: bytes, digits: int = 6) -> str:
    offset = mac[-1] & 0x0F
    return str((int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF) % 10**digits)


def truncate_six_digits(mac: bytes, digits: int = 6) -> str:
    return truncate_right(mac, 6)


def truncate_byte_19(mac: bytes, digits: int = 6) -> str:
    offset = mac[19] & 0x0F
    integer = int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(integer % 10**digits).zfill(digits)


def truncate_int(mac: bytes, digits: int = 6) -> int:
    return int(truncate_right(mac, digits))


def truncate_placeholder(mac: bytes, digits: int = 6) -> None:
    ...


def truncate_crash(mac: bytes, digits: int = 6) -> str:
    return mac[99:100].hex()[5]


def truncate_sha1_only(mac: bytes, digits: int = 6) -> str:
    if len(mac) != 20:
        raise ValueError("only SHA-1 here")
    return truncate_right(mac, digits)


def test_03_1_truncate_right() -> None:
    assert says(right("03.1", truncate_right), "leading zeros kept", "SHA-512")


@pytest.mark.parametrize(
    ("mine", "words"),
    [
        pytest.param(truncate_no_mask, ("clear the top bit", "0x7FFFFFFF"), id="no mask"),
        pytest.param(truncate_no_padding, ("'000152'", "zfill"), id="no zero padding"),
        pytest.param(truncate_six_digits, ("8 digits", "`digits`, not 6"), id="digits ignored"),
        pytest.param(truncate_byte_19, ("last byte, mac[-1]", "mac[19]"), id="offset byte 19"),
        pytest.param(truncate_int, ("as a str", "not the int"), id="an int"),
        pytest.param(truncate_crash, ("stopped with IndexError",), id="crashes"),
        pytest.param(truncate_sha1_only, ("32 bytes", "ValueError"), id="crashes on sha256"),
        pytest.param(lambda mac, digits=6: "123456", ("for counter 0",), id="wrong code"),
        pytest.param(lambda mac, digits=6: [1], ("not a list",), id="a list"),
        pytest.param("def truncate", ("a function",), id="not a function"),
    ],
)
def test_03_1_truncate_names_the_mistake(mine: object, words: tuple[str, ...]) -> None:
    """The missing mask, the missing zero padding and an ignored `digits` are named."""
    assert says(wrong("03.1", mine), *words)


def test_03_1_an_empty_body_is_not_answered_yet() -> None:
    feedback = check("03.1", {"truncate": truncate_placeholder})
    assert not feedback.answered and says(feedback, "Not answered yet", "returns nothing")


def test_03_2_from_a_date_to_a_code() -> None:
    when = FrozenClock("2024-02-29T12:00:00Z").now()
    step = int(when // 30)
    code = otp.hotp(RFC_KEY, step)
    right("03.2", (step, code))
    assert says(wrong("03.2", (when // 30, code)), "float", "an int")
    assert says(wrong("03.2", (when / 30, code)), "an int")
    assert says(wrong("03.2", (int(when), code)), "unix time itself")
    assert says(wrong("03.2", (step + 1, code)), "Round down")
    assert says(wrong("03.2", (step - 5, code)), "is not the step")
    assert says(wrong("03.2", (step, int(code))), "string of 6 digits")
    assert says(wrong("03.2", (step, "000000")), "otp.hotp(KEY, T)")
    assert says(wrong("03.2", step), "a pair")


# -- 04 ---------------------------------------------------------------------------------


def test_04_1_smallest_window() -> None:
    right("04.1", 3)
    assert says(wrong("04.1", "3"), "as text")
    assert says(wrong("04.1", 3.0), "a float")
    assert says(wrong("04.1", 100 / 30), "whole number of steps")
    assert says(wrong("04.1", -3), "no sign")
    assert says(wrong("04.1", 4), "is it the smallest")
    assert says(wrong("04.1", 2), "does not reach")
    assert says(wrong("04.1", 40), "is not the window")


def test_04_2_what_window_0_costs() -> None:
    right("04.2", 8 / 30)
    right("04.2", 0.27)
    right("04.2", Fraction(4, 15))
    assert says(wrong("04.2", 26.7), "looks like a percent", "0.267")
    assert says(wrong("04.2", 27), "looks like a percent")
    assert says(wrong("04.2", "0.27"), "text")
    assert says(wrong("04.2", "27%"), "text")
    assert says(wrong("04.2", 8), "seconds of 30 fail")
    assert says(wrong("04.2", 22 / 30), "succeed")
    assert says(wrong("04.2", 0.5), "is not the fraction", "s + 8")
    assert says(wrong("04.2", 400), "between 0 and 1")
    assert says(wrong("04.2", None), "number between 0 and 1")


# -- 05 ---------------------------------------------------------------------------------


def test_05_1_which_inputs_are_codes() -> None:
    right("05.1", {"123456", "123 456", " 123456"})
    for accepted in ("123456", "123 456", " 123456"):
        otp.normalize_code(accepted)
    assert says(wrong("05.1", {"123456", "123 456", " 123456", "１２３４５６"}), "fullwidth")
    assert says(wrong("05.1", {"123456", "123456\n"}), "newline", "missing")
    assert says(wrong("05.1", {123456}), "not among the candidates")
    assert says(wrong("05.1", "123456"), "a set")


def test_05_1_the_grader_agrees_with_normalize_code() -> None:
    from mfalab.exercises.lesson05 import _WHY_NOT, CANDIDATES

    for candidate in CANDIDATES:
        if candidate in _WHY_NOT:
            with pytest.raises(errors.InvalidCode):
                otp.normalize_code(candidate)
        else:
            assert otp.normalize_code(candidate) == "123456"


def test_05_2_guesses_per_night_follow_the_throttle() -> None:
    """Four free failures, then locks from 30 s doubling to an hour: 18 guesses in 8 hours."""
    assert guesses_per_night(0.001) == 4
    assert guesses_per_night(8) == 18
    assert guesses_per_night(24 * 365) == 100  # nonstop: the cap of 100 ends it


def test_05_2_a_year_under_the_cap() -> None:
    year = 1 - (1 - 5 / 10**6) ** (18 * 365)
    right("05.2", year)
    right("05.2", round(year, 3))
    assert says(wrong("05.2", year * 100), "looks like a percent")
    assert says(wrong("05.2", f"{year:.4f}"), "text")
    assert says(wrong("05.2", 1 - (1 - 3 / 10**6) ** (18 * 365)), "window=1")
    assert says(wrong("05.2", 1 - (1 - 5 / 10**6) ** 18), "one night")
    assert says(wrong("05.2", 1 - (1 - 5 / 10**6) ** 100), "100 guesses", "every morning")
    assert says(wrong("05.2", 0.5), "is not the probability", "365 nights")


# -- 06 ---------------------------------------------------------------------------------


def bob_locked_then_recovered(clock: FrozenClock) -> tuple[AuthService, Session, list[str]]:
    auth, _phone, codes = enrolled("bob", clock)
    challenge = auth.login("bob", PASSWORD)
    for guess in ("000000", "111111", "222222", "333333", "444444"):
        with contextlib.suppress(errors.InvalidCode):
            auth.verify(challenge, guess)
    clock.advance(auth.status("bob").retry_after)
    return auth, auth.recover(auth.login("bob", PASSWORD), codes[-1]), codes


def test_06_1_locked_out_then_back_in(clock: FrozenClock) -> None:
    bob_auth, session, _ = bob_locked_then_recovered(clock)
    right("06.1", session, bob_auth=bob_auth)
    assert says(wrong("06.1", None, bob_auth=bob_auth), "Session Bob got")
    assert says(wrong("06.1", session, bob_auth=make_auth(UserStore(":memory:"), clock)),
                "not from bob_auth")


def test_06_1_a_recovery_without_a_lock_first_is_almost(clock: FrozenClock) -> None:
    bob_auth, phone, codes = enrolled("bob", clock)
    session = bob_auth.recover(bob_auth.login("bob", PASSWORD), codes[0])
    assert says(wrong("06.1", session, bob_auth=bob_auth), "never locked him first")
    clock.advance(30)
    by_phone = bob_auth.verify(bob_auth.login("bob", PASSWORD), phone.code())
    assert says(wrong("06.1", by_phone, bob_auth=bob_auth), "phone is gone")


def morning_events() -> list[object]:
    from mfalab.widgets.login_app import simulate_attack

    morning = FrozenClock("2023-11-16T09:00:00Z")
    soc = make_auth(UserStore(":memory:"), morning, issuer="MFA Lab")
    names = simulate_attack(soc, morning)
    return [event for name in names for event in soc.audit_log(name)]


def test_06_2_find_the_attack() -> None:
    events = morning_events()
    locks = [e for e in events if getattr(e, "event", "") == "lockout"
             and getattr(e, "detail", "").startswith("factor")]
    first = min(locks, key=lambda e: getattr(e, "at", 0.0))
    who, at = getattr(first, "username", ""), getattr(first, "at", 0.0)
    when = datetime.fromtimestamp(at, timezone.utc)
    for typed in (when.strftime("%Y-%m-%d %H:%M:%S"), when.isoformat(), when, at,
                  when.strftime("%Y-%m-%dT%H:%M:%SZ")):
        right("06.2", (who, typed), events=events)
    right("06.2", (who.upper(), when.isoformat()), events=events)
    assert says(wrong("06.2", (who, when.strftime("%H:%M:%S")), events=events),
                "a time without its date")
    assert says(wrong("06.2", ("alice", when), events=events), "decoy", "password")
    assert says(wrong("06.2", ("dave", when), events=events), "not 'dave'")
    assert says(wrong("06.2", (who, "2023-11-16 09:00:00"), events=events), "first 'lockout'")
    assert says(wrong("06.2", (who, "soon"), events=events), "as text")
    assert says(wrong("06.2", who, events=events), "a pair")
    assert says(wrong("06.2", (who, when), events=[]), "replays the morning first")


# -- every solution passes its own check ---------------------------------------------

SOLUTIONS = Path(__file__).parent.parent / "notebooks" / "solutions"


#: What the lessons define before their exercises, for solutions run with `%run -i`.
LESSON_NAMES: dict[str, object] = {
    "SECRET": RFC_SECRET, "KEY": RFC_KEY, "START": START,
    "when": FrozenClock("2024-02-29T12:00:00Z").now(),
}


def test_every_exercise_has_a_solution_file() -> None:
    files = sorted(p.stem for p in SOLUTIONS.glob("*.py"))
    assert files == [f"{key[:2]}_exercise{key[3:]}" for key in sorted(EXERCISES)]


def run_solution(exercise: str, namespace: dict[str, object]) -> dict[str, object]:
    """What `%run -i solutions/NN_exerciseK.py` leaves in the notebook's namespace."""
    path = SOLUTIONS / f"{exercise[:2]}_exercise{exercise[3:]}.py"
    return runpy.run_path(str(path), init_globals=namespace)


# Lesson 06's solutions need its scene (below); lesson 07's a web server (tests/web);
# lesson 08's its own scene (tests/test_exercises_lesson08.py).
@pytest.mark.parametrize("exercise",
                         [k for k in sorted(EXERCISES) if not k.startswith(("06", "07", "08"))])
def test_each_solution_passes_its_check(exercise: str) -> None:
    feedback = check(exercise, run_solution(exercise, dict(LESSON_NAMES)))
    assert feedback.correct, feedback.message


def lesson_cell(notebook: str, needle: str) -> str:
    """The source of the one code cell of `notebook` that contains `needle`."""
    cells = json.loads((SOLUTIONS.parent / notebook).read_text(encoding="utf-8"))["cells"]
    sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    (found,) = [source for source in sources if needle in source]
    return found


def bob_scene() -> dict[str, object]:
    """Lesson 06's set-up cell for exercise 1, run as the lesson runs it."""
    from mfalab.widgets.login_app import LoginApp

    namespace: dict[str, object] = {
        "AuthService": AuthService, "FrozenClock": FrozenClock, "UserStore": UserStore,
        "VirtualAuthenticator": VirtualAuthenticator, "LoginApp": LoginApp,
    }
    exec(lesson_cell("06_the_complete_login.ipynb", 'bob_clock = FrozenClock("2023-11-15'),  # noqa: S102
         namespace)
    return namespace


def test_06_1_solution_from_the_start() -> None:
    feedback = check("06.1", run_solution("06.1", bob_scene()))
    assert feedback.correct, feedback.message


def test_06_1_solution_after_an_honest_attempt_used_the_first_recovery_code() -> None:
    """Locked, waited, got in with bob_codes[0]: the solution still works, twice."""
    scene = bob_scene()
    app: Any = scene["bob_app"]
    auth, clock, codes = scene["bob_auth"], scene["bob_clock"], scene["bob_codes"]
    assert isinstance(auth, AuthService) and isinstance(clock, FrozenClock)
    assert isinstance(codes, list)
    app.username.value, app.password.value = "bob", scene["BOB_PASSWORD"]
    app.login_button.click()
    for guess in ("000000", "111111", "222222", "333333", "444444", "555555"):
        app.code.value = guess
        app.verify_button.click()
    clock.advance(auth.status("bob").retry_after)
    app.code.value = codes[0]
    app.recovery_button.click()
    assert "Access granted" in app.message_text
    for _ in range(2):
        scene = run_solution("06.1", scene)
        feedback = check("06.1", scene)
        assert feedback.correct, feedback.message


def test_06_2_solution() -> None:
    from IPython.display import HTML

    from mfalab.widgets.login_app import audit_table, simulate_attack

    namespace: dict[str, object] = {
        "AuthService": AuthService, "FrozenClock": FrozenClock, "UserStore": UserStore,
        "simulate_attack": simulate_attack, "audit_table": audit_table, "HTML": HTML,
        "display": lambda *objects: None,
    }
    exec(lesson_cell("06_the_complete_login.ipynb", "names = simulate_attack(soc, morning)"),  # noqa: S102
         namespace)
    feedback = check("06.2", run_solution("06.2", namespace))
    assert feedback.correct, feedback.message
