"""Every lesson widget shows where the keyboard focus is (WCAG 2.1 2.4.7 Focus Visible)."""

from __future__ import annotations

import ipywidgets as widgets

from mfalab import AuthService, UserStore, passwords
from mfalab.widgets._common import FOCUS_CSS, LabWidget
from mfalab.widgets.login_app import LoginApp
from mfalab.widgets.time_window import TimeWindowExplorer


def test_a_lab_widget_carries_the_focus_ring_style_last_and_hidden() -> None:
    """The style rides along as an invisible last child; the widget's own children come first."""
    label = widgets.Label("hello")
    widget = LabWidget([label])
    assert widget.children[0] is label
    style = widget.children[-1]
    assert style.value == FOCUS_CSS and style.layout.display == "none"
    assert "mfalab-widget" in widget._dom_classes


def test_the_focus_ring_outranks_ipywidgets_outline_none() -> None:
    """ipywidgets' text fields set `outline: none !important`: the ring must be !important and
    more specific (a doubled class), and cover fields, buttons and sliders."""
    assert "!important" in FOCUS_CSS
    for selector in ("input:focus", "button:focus-visible", "[tabindex]:focus-visible"):
        assert f".mfalab-widget.mfalab-widget {selector}" in FOCUS_CSS


def test_the_lessons_widgets_are_lab_widgets_with_the_ring() -> None:
    store = UserStore(":memory:")
    try:
        app = LoginApp(AuthService(store, password_profile=passwords.CHEAP_FOR_TESTS_ONLY))
        for widget in (app, TimeWindowExplorer()):
            assert widget.children[-1].value == FOCUS_CSS
    finally:
        store.close()
