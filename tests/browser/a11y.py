"""Accessibility checks for the browser tests: axe-core in the page, visible focus, the keyboard.

axe-core (npm `axe-core`, pinned by `tests/browser/package-lock.json`, installed by `make
browser` into `build/axe/`) is put into the page with Playwright and run there, offline.
`violations(page, context, options)` returns what it found; `assert_no_violations` fails
with one readable line per rule and element. Two bars:

- `SERIOUS`: no violation of impact "serious" or "critical" (the lessons and the Voilà
  app, whose page chrome is JupyterLab's and Voilà's, not ours);
- `WCAG_21_AA`: every rule tagged wcag2a, wcag2aa, wcag21a or wcag21aa, with no violation
  at all, whatever its impact.

`LESSON_CONTENT` is the context for a lesson in JupyterLab (what is left out, and why, is
said there).

Keyboard: `tab_to(page, target)` presses Tab (or Shift+Tab) until `target` has the focus,
and checks at every stop that the focused element shows it (a non-none outline or
box-shadow: WCAG 2.1 2.4.7 Focus Visible). `focus_ring(page)` says what the focus looks like.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "build" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
#: The impacts the lessons and the Voilà app must be free of.
SERIOUS = ("serious", "critical")
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
#: axe options: only the WCAG 2.0 and 2.1 level A and AA rules.
WCAG_21_AA: dict[str, Any] = {"runOnly": {"type": "tag", "values": list(WCAG_TAGS)}}
#: A lesson in JupyterLab: what the lesson itself puts on the page, that is the rendered
#: markdown of its text cells and the outputs of its code cells (widgets included), in the
#: notebook on screen. Left out, as JupyterLab's own chrome: the code editors (CodeMirror's
#: `role=textbox` with no name), the prompts and their heading-collapse buttons (no name),
#: the notebook's `role=feed` container, the toolbars, menus and side bars.
_NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"
LESSON_CONTENT: dict[str, Any] = {
    "include": [[f"{_NOTEBOOK} .jp-MarkdownCell .jp-RenderedMarkdown"],
                [f"{_NOTEBOOK} .jp-OutputArea-output"]],
    "exclude": [],
}
MAX_TAB_PRESSES = 60  # more stops than any of our pages has between two controls

# The focused element, described, and what its focus indicator is (null: none at all).
_FOCUS_RING = """() => {
    let element = document.activeElement;
    while (element && element.shadowRoot && element.shadowRoot.activeElement) {
        element = element.shadowRoot.activeElement;
    }
    if (!element || element === document.body || element === document.documentElement) {
        return {element: null, ring: null};
    }
    const style = getComputedStyle(element);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
        ? `outline ${style.outlineWidth} ${style.outlineStyle} ${style.outlineColor}` : null;
    const shadow = style.boxShadow && style.boxShadow !== 'none'
        ? `box-shadow ${style.boxShadow}` : null;
    const name = element.getAttribute('aria-label') || element.textContent.trim().slice(0, 40)
        || element.getAttribute('placeholder') || '';
    return {
        element: `<${element.tagName.toLowerCase()}${element.id ? '#' + element.id : ''}`
            + `${element.type ? ' type=' + element.type : ''}> ${JSON.stringify(name)}`,
        ring: outline || shadow,
    };
}"""


def inject_axe(page: Page) -> None:
    """Put axe-core into the page (once per page load); fails clearly when it is missing."""
    if not AXE.is_file():
        raise AssertionError(
            f"{AXE.relative_to(REPO)} is missing: `make browser` installs axe-core from npm "
            "(pinned in tests/browser/package-lock.json)."
        )
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through DevTools rather than added as a <script>: the web login's CSP
        # (`script-src 'self'`) rightly refuses inline scripts, and DevTools is not subject
        # to it. The page's own CSP stays as it is for everything else.
        page.evaluate(AXE.read_text(encoding="utf-8"))
        assert page.evaluate("() => typeof window.axe.run === 'function'"), "axe-core did not load"


def violations(page: Page, context: dict[str, Any] | str | None = None,
               options: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now, within `context` (axe's include/exclude)."""
    inject_axe(page)
    result: dict[str, Any] = page.evaluate(
        "([context, options]) => axe.run(context || document, options || {})"
        ".then(r => ({violations: r.violations.map(v => ({id: v.id, impact: v.impact,"
        " help: v.help, tags: v.tags, nodes: v.nodes.map(n => ({target: n.target,"
        " html: n.html.slice(0, 300), summary: n.failureSummary}))}))}))",
        [context, options],
    )
    found: list[dict[str, Any]] = result["violations"]
    return found


def report(found: list[dict[str, Any]]) -> str:
    """One line per violation and element: rule, impact, what it asks, where, why."""
    lines = []
    for violation in found:
        for node in violation["nodes"]:
            lines.append(
                f"- {violation['id']} ({violation['impact']}): {violation['help']} — at "
                f"{json.dumps(node['target'])}: {node['html']!r}; {node['summary']}"
            )
    return "\n".join(lines)


def assert_no_violations(page: Page, where: str, *,
                         context: dict[str, Any] | str | None = None,
                         options: dict[str, Any] | None = None,
                         impacts: tuple[str, ...] | None = SERIOUS) -> None:
    """No axe violation (of `impacts`; None: of any impact) in `context` of the page.

    `where` names the page and state for the failure message ("lesson 02 after Run All").
    """
    found = violations(page, context, options)
    if impacts is not None:
        found = [v for v in found if v["impact"] in impacts]
    bar = "any" if impacts is None else " or ".join(impacts)
    assert not found, f"{where}: accessibility violations of {bar} impact:\n{report(found)}"


def focus_ring(page: Page) -> dict[str, str | None]:
    """The focused element (described) and its focus indicator (None when it has none)."""
    ring: dict[str, str | None] = page.evaluate(_FOCUS_RING)
    return ring


def assert_focus_visible(page: Page, where: str) -> str:
    """The focused element shows a focus indicator (WCAG 2.1 2.4.7); returns its description."""
    focused = focus_ring(page)
    assert focused["element"] is not None, f"{where}: nothing has the focus"
    assert focused["ring"], (
        f"{where}: the focused element {focused['element']} shows no focus indicator "
        "(outline none and no box-shadow)"
    )
    return focused["element"]


def has_focus(target: Locator) -> bool:
    """Whether `target` or an element inside it has the keyboard focus."""
    focused: bool = target.evaluate(
        "el => el === document.activeElement || el.contains(document.activeElement)"
    )
    return focused


def tab_to(page: Page, target: Locator, *, backwards: bool = False,
           scope: Locator | None = None) -> int:
    """Press Tab (Shift+Tab with `backwards`) until `target` has the focus; return the presses.

    At every stop inside `scope` (the whole page when None) the focused element must show
    its focus. Fails when `target` is not reached within `MAX_TAB_PRESSES`.
    """
    key = "Shift+Tab" if backwards else "Tab"
    for presses in range(1, MAX_TAB_PRESSES + 1):
        page.keyboard.press(key)
        inside = scope is None or has_focus(scope)
        if inside:
            assert_focus_visible(page, f"{key} × {presses} on the way to {target}")
        if has_focus(target):
            return presses
    raise AssertionError(f"{target} not reached with {MAX_TAB_PRESSES} presses of {key}")
