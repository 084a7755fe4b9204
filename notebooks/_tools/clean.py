"""Strip saved widget state from the lessons before they are committed.

Saved widget state (the notebook's ``metadata.widgets``) holds every widget's values:
an enrollment's QR code and secret, recovery codes on screen. The lessons render their
widgets live instead, so this removes that state and keeps everything else: outputs and
execution counts are what nbval compares.

    python notebooks/_tools/clean.py                  # every notebooks/*.ipynb
    python notebooks/_tools/clean.py notebooks/02_shared_secret_and_qr.ipynb

`make execute` runs it after executing the lessons; tests/test_notebook_hygiene.py fails
if a committed notebook still holds widget state.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parent.parent


def clean(path: Path) -> bool:
    """Remove the saved widget state of the notebook at `path`; True if it had some.

    The cells' execution timestamps go too: they change at every run and teach nothing.
    """
    notebook = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    had_state = "widgets" in notebook.metadata
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(notebook, path)
    return had_state


def main(arguments: list[str]) -> int:
    paths = [Path(a) for a in arguments] or sorted(NOTEBOOKS.glob("*.ipynb"))
    for path in paths:
        print(f"{path.name}: {'widget state removed' if clean(path) else 'clean'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
