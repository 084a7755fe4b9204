"""The committed lessons: no secret in any output or saved state, and nbval really checks them.

- No saved widget state (``metadata.widgets`` holds enrollment QR codes, secrets and
  recovery codes): ``notebooks/_tools/clean.py`` strips it.
- No seed-like or recovery-code-like string in any output or metadata, except the lessons'
  public examples (RFC 4226's test key); QR codes in images are decoded when zxing-cpp is
  installed, and held to the same rule.
- No machine path in an output.
- Every code cell executed, counted 1..n in order: nbval compares nothing in a cell without
  an execution count, so a stripped notebook would "pass" while checking nothing.
"""

from __future__ import annotations

import base64
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

#: Public examples the lessons show on purpose (RFC 4226's test key, and shapes).
PUBLIC = {
    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
    "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ",
    "XXXX-XXXX-XXXX-XXXX",
    "ABCD-EFGH-JKMN-PQRS",
}
SEED = re.compile(r"(?<![A-Za-z0-9])[A-Z2-7]{26,}={0,6}(?![A-Za-z0-9])")  # base32, 130+ bits
GROUPED = re.compile(r"(?<![A-Za-z0-9])[A-Z0-9]{4}(?:[ -][A-Z0-9]{4}){3,}(?![A-Za-z0-9])")
URI_SECRET = re.compile(r"secret=([^&\s\"'<]+)", re.IGNORECASE)
MACHINE_PATH = re.compile(r"(?<![\w.])(?:/tmp/|/var/folders/|/home/|/root/|/work/|/Users/|"
                          r"[A-Za-z]:\\\\)")


def test_the_lessons_are_found() -> None:
    names = {path.name for path in NOTEBOOKS}
    assert len(names) >= 8 and "00_start_here.ipynb" in names and "app.ipynb" in names


def load(path: Path) -> dict[str, Any]:
    notebook: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return notebook


def strings(value: object) -> Iterator[str]:
    """Every string inside a JSON value (keys included)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def texts(notebook: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(where, text) for every output and metadata text; list-of-lines outputs joined."""
    yield "notebook metadata", "\n".join(strings(notebook.get("metadata", {})))
    for index, cell in enumerate(notebook["cells"]):
        yield f"cell {index} metadata", "\n".join(strings(cell.get("metadata", {})))
        for output in cell.get("outputs", []):
            for key, value in output.items():
                if key == "data":
                    for mime, data in value.items():
                        if not mime.startswith("image/") or mime == "image/svg+xml":
                            joined = "".join(data) if isinstance(data, list) else str(data)
                            yield f"cell {index} {mime}", joined
                elif key in ("text", "traceback", "evalue", "ename"):
                    joined = "".join(value) if isinstance(value, list) else str(value)
                    yield f"cell {index} {key}", joined


def secrets_in(text: str) -> list[str]:
    found = [m.group(0) for m in SEED.finditer(text)]
    found += [m.group(0) for m in GROUPED.finditer(text)]
    found += [m.group(1) for m in URI_SECRET.finditer(text)]
    return [f for f in found if f.rstrip("=") not in PUBLIC and not set(f) <= {"X", "-", " "}]


def test_the_secret_patterns_catch_what_the_package_makes() -> None:
    """A fresh seed, its grouped spelling, an otpauth URI and recovery codes are all caught."""
    from mfalab import otp, recovery

    seed = otp.new_secret()
    for leak in (seed, otp.group_secret(seed), otp.provisioning_uri(seed, "bob", "MFA Lab"),
                 *recovery.generate(3), f"<code>{otp.group_secret(seed)}</code>"):
        assert secrets_in(f"shown: {leak}\n"), leak
    for harmless in ("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "XXXX-XXXX-XXXX-XXXX",
                     "2023-11-14T22:13:20+00:00", "00000000023523EC  07081804",
                     "cc 93 cf 18 50 8d 94 93", "otpauth://totp/MFA%20Lab:alice?secret=<secret>"):
        assert not secrets_in(harmless), harmless


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_saved_widget_state(path: Path) -> None:
    """Widget state would keep every widget's values: run notebooks/_tools/clean.py."""
    assert "widgets" not in load(path)["metadata"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_secret_in_outputs_or_metadata(path: Path) -> None:
    leaks = [(where, secret) for where, text in texts(load(path)) for secret in secrets_in(text)]
    assert not leaks


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_machine_path_in_outputs(path: Path) -> None:
    found = [(where, m.group(0)) for where, text in texts(load(path))
             for m in MACHINE_PATH.finditer(text) if not where.endswith("metadata")]
    assert not found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_code_cell_ran_in_order(path: Path) -> None:
    """Counts 1..n: executed top to bottom in one fresh kernel, and compared by nbval."""
    counts = [cell.get("execution_count") for cell in load(path)["cells"]
              if cell["cell_type"] == "code"]
    assert counts == list(range(1, len(counts) + 1))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_qr_image_holds_a_secret(path: Path) -> None:
    """QR codes drawn in outputs carry only public example secrets."""
    zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp decodes the QR images")
    from PIL import Image

    for index, cell in enumerate(load(path)["cells"]):
        for output in cell.get("outputs", []):
            for mime, data in output.get("data", {}).items():
                if mime not in ("image/png", "image/jpeg"):
                    continue
                raw = base64.b64decode("".join(data) if isinstance(data, list) else data)
                for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(raw))):
                    assert not secrets_in(found.text), (f"cell {index}", found.text)
