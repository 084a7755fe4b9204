"""The lesson 01 hash explorer: fields labelled, bad input friendly, Enter hashes."""

from __future__ import annotations

import pytest

from mfalab import lab, passwords
from mfalab.widgets import hashing
from mfalab.widgets.hashing import HashExplorer

from .widget_support import FALLBACK, press_enter


@pytest.fixture
def explorer() -> HashExplorer:
    return HashExplorer(profile=passwords.CHEAP_FOR_TESTS_ONLY)


def test_explorer_shows_labelled_fields(explorer: HashExplorer) -> None:
    """Hashing a password shows each field with its label and the PHC string."""
    explorer.password.value = "violet anchor tundra 58"
    explorer.button.click()
    assert explorer.encoded is not None
    assert explorer.encoded.startswith("$argon2id$v=19$")
    for label in ["algorithm", "version", "<b>m</b>", "<b>t</b>", "<b>p</b>", "salt", "hash"]:
        assert label in explorer.result.value
    assert "argon2id" in explorer.phc.value
    assert "violet" not in explorer.result.value + explorer.phc.value


def test_explorer_same_password_twice_shows_new_salt(explorer: HashExplorer) -> None:
    """Hashing the same password again gives a new hash and says the salt changed."""
    explorer.password.value = "violet anchor tundra 58"
    explorer.button.click()
    first = explorer.encoded
    assert "new salt" not in explorer.result.value
    explorer.button.click()
    assert explorer.encoded != first
    assert "new salt" in explorer.result.value


def test_explorer_empty_password_is_a_friendly_message(explorer: HashExplorer) -> None:
    """Clicking with an empty box asks for a password instead of hashing."""
    explorer.button.click()
    assert "Type a password first" in explorer.result.value
    assert explorer.encoded is None


def test_explorer_huge_paste_is_a_friendly_message(explorer: HashExplorer) -> None:
    """A 100 000-character paste is refused with the package's sentence, not a traceback."""
    explorer.password.value = "x" * 100_000
    explorer.button.click()
    assert "at most 1,024 characters" in explorer.result.value
    assert "Traceback" not in explorer.result.value
    assert explorer.encoded is None
    assert explorer.phc.value == ""


def test_explorer_escapes_html_in_the_password(explorer: HashExplorer) -> None:
    """What the learner types never becomes markup (it is hashed, not echoed)."""
    explorer.password.value = "<script>alert(1)</script>"
    explorer.button.click()
    assert "<script>" not in explorer.result.value + explorer.phc.value


def test_explorer_repr_has_no_address(explorer: HashExplorer) -> None:
    """The text repr notebooks save is fixed (no hash, no memory address)."""
    assert repr(explorer) == "HashExplorer()"

def test_enter_in_the_password_box_hashes(explorer: HashExplorer) -> None:
    """Enter does what the button does."""
    explorer.password.value = "violet anchor tundra 58"
    press_enter(explorer.password)
    assert explorer.encoded is not None and explorer.encoded.startswith("$argon2id$")


def test_the_saved_text_form_says_to_run_the_notebook(explorer: HashExplorer) -> None:
    bundle = explorer._repr_mimebundle_()
    assert bundle["text/plain"] == "HashExplorer " + FALLBACK
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_a_bug_in_the_package_is_not_hidden(
    explorer: HashExplorer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the package's refusals become messages: anything else fails loudly."""

    def broken(*_args: object) -> str:
        raise RuntimeError("a bug")

    monkeypatch.setattr(passwords, "hash", broken)
    explorer.password.value = "violet anchor tundra 58"
    with pytest.raises(RuntimeError, match="a bug"):
        explorer.button.click()


def test_the_lesson_helpers_are_still_importable_from_the_widget_module() -> None:
    """Lesson 01 imports them from here; they live in mfalab.lab."""
    for name in ("cost_sweep", "describe_parameters", "format_duration", "phc_fields"):
        assert getattr(hashing, name) is getattr(lab, name)
