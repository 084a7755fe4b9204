"""The lesson 01 password checker: the policy's reasons and zxcvbn's view, kindly."""

from __future__ import annotations

import pytest

from mfalab.widgets.password_checker import PasswordChecker, feedback_html


@pytest.fixture
def checker() -> PasswordChecker:
    return PasswordChecker(context=("alice", "MFA Lab"))


def test_empty_box_invites_typing(checker: PasswordChecker) -> None:
    """Before anything is typed, the checker asks for a password."""
    assert "Type a password" in checker.result.value


def test_common_password_shows_the_reason(checker: PasswordChecker) -> None:
    """A common password is refused with the policy's reason, as the learner types."""
    checker.password.value = "password"
    assert "Refused by the policy" in checker.result.value
    assert "commonly used passwords" in checker.result.value
    assert "0/4" in checker.result.value


def test_short_password_counts_characters(checker: PasswordChecker) -> None:
    """A short password says how many characters it has and how many are needed."""
    checker.password.value = "k9#vQ"
    assert "at least 8 characters (this one has 5)" in checker.result.value


def test_context_word_is_refused(checker: PasswordChecker) -> None:
    """A password equal to the service's name (any case) is refused with that reason."""
    checker.password.value = "mfa lab"
    assert "cannot be the same as &#x27;MFA Lab&#x27;" in checker.result.value


def test_good_password_is_accepted_with_estimate(checker: PasswordChecker) -> None:
    """A long passphrase is accepted and zxcvbn's crack times are shown for each attacker."""
    checker.password.value = "violet anchor tundra 58"
    value = checker.result.value
    assert "Accepted by the policy" in value
    assert "4/4" in value
    for words in ["throttled", "argon2id", "SHA-256"]:
        assert words in value


def test_accepted_but_weak_gets_feedback_not_refusal(checker: PasswordChecker) -> None:
    """zxcvbn's low score is feedback: the policy still accepts a password not on the list."""
    checker.password.value = "P@ssw0rd!"
    value = checker.result.value
    assert "Accepted by the policy" in value
    assert "1/4" in value
    assert "similar to a commonly used password" in value


def test_huge_paste_is_a_friendly_message(checker: PasswordChecker) -> None:
    """A 100 000-character paste gets a kind sentence and no estimate."""
    checker.password.value = "a" * 100_000
    value = checker.result.value
    assert "100,000 characters" in value
    assert "at most 1,024" in value
    assert "zxcvbn" not in value


def test_long_password_notes_zxcvbn_limit(checker: PasswordChecker) -> None:
    """Passwords over 72 characters are accepted and the 72-character estimate is explained."""
    checker.password.value = "river stone " * 10
    value = checker.result.value
    assert "Accepted by the policy" in value
    assert "first 72 characters" in value


def test_markup_is_escaped(checker: PasswordChecker) -> None:
    """What the learner types is never echoed as markup."""
    checker.password.value = "<b>x</b>"
    assert "<b>x</b>" not in checker.result.value


def test_check_button_gives_the_same_answer(checker: PasswordChecker) -> None:
    """Clicking Check shows the same feedback as typing."""
    checker.password.value = "iloveyou"
    before = checker.result.value
    checker.result.value = ""
    checker.button.click()
    assert checker.result.value == before


def test_not_text_is_a_friendly_message() -> None:
    """Feedback for something that is not text asks for text."""
    assert "A password is text" in feedback_html(12345678)  # type: ignore[arg-type]


def test_repr_has_no_address(checker: PasswordChecker) -> None:
    """The text repr notebooks save is fixed."""
    assert repr(checker) == "PasswordChecker()"


def test_enter_checks_too(checker: PasswordChecker) -> None:
    from .widget_support import press_enter

    checker.password.value = "iloveyou"
    checker.result.value = ""
    press_enter(checker.password)
    assert "Refused by the policy" in checker.result.value


def test_the_verdict_is_announced(checker: PasswordChecker) -> None:
    """The policy's verdict sits in one aria-live status region."""
    checker.password.value = "password"
    assert checker.result.value.startswith('<div role="status" aria-live="polite">')
    assert checker.result.value.count('role="status"') == 1


def test_a_bug_in_the_estimate_is_not_hidden(
    checker: PasswordChecker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the package's refusals become messages; a bug fails loudly."""
    from mfalab import passwords

    def broken(_password: str) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(passwords, "estimate", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        checker.password.value = "violet anchor tundra 58"


def test_the_checker_saves_the_fallback_text(checker: PasswordChecker) -> None:
    from .widget_support import FALLBACK

    assert checker._repr_mimebundle_()["text/plain"] == "PasswordChecker " + FALLBACK
