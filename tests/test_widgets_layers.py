"""The widgets' house rules, read from their source: layers, error handling, size."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import mfalab.widgets

FOLDER = Path(mfalab.widgets.__file__).parent
MODULES = sorted(FOLDER.glob("*.py"))


def test_the_widget_modules_are_found() -> None:
    assert len(MODULES) >= 10  # a test that collects files checks that it found some


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) of every import in `path`, relative ones spelled as written."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            found.append(("." * node.level + (node.module or ""), [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_widget_reaches_storage_or_the_throttle_state_directly(path: Path) -> None:
    """Widgets reach storage only through the service or mfalab.lab (issue 13)."""
    for module, names in _imports(path):
        assert "store" not in module.split("."), f"{path.name} imports {module}"
        assert "Throttle" not in names, f"{path.name} imports Throttle from {module}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_widgets_catch_the_packages_refusals_only(path: Path) -> None:
    """No broad `except Exception`: a bug must fail a test, not become a vague message."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ExceptHandler):
            caught = ast.unparse(node.type) if node.type is not None else "everything"
            assert caught not in {"Exception", "BaseException", "everything"}, (
                f"{path.name}:{node.lineno} catches {caught}"
            )


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_widget_module_passes_300_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 300
