"""Slider: the lessons' accessible slider, driven from Python like ipywidgets' IntSlider."""

from __future__ import annotations

from mfalab.widgets.slider import Slider


def test_the_value_stays_within_its_bounds() -> None:
    """Like ipywidgets' sliders, a value outside min … max is brought back inside."""
    slider = Slider(value=500, min=-90, max=90, description="server time (s)")
    assert slider.value == 90
    slider.value = -1000
    assert slider.value == -90


def test_observers_see_every_change_of_value() -> None:
    slider = Slider(value=1, min=0, max=4, description="window ±w (steps)")
    seen: list[int] = []
    slider.observe(lambda change: seen.append(change["new"]), names="value")
    slider.value = 3
    assert seen == [3]


def test_the_label_width_comes_from_ipywidgets_style() -> None:
    """`style={"description_width": ...}`, as the lessons pass it to IntSlider."""
    slider = Slider(description="phone skew (s)", style={"description_width": "150px"})
    assert slider.description_width == "150px"


def test_the_front_end_labels_a_native_range_input_and_names_the_number_box() -> None:
    """The browser's own range input, its <label for>, and a named box to type into."""
    script = Slider._esm
    assert 'range.type = "range"' in script and 'typed.type = "number"' in script
    assert "label.htmlFor = id" in script and "range.id = id" in script
    assert 'typed.setAttribute("aria-label"' in script
    assert "role" not in script  # native controls: no ARIA role to get wrong
    assert "event.stopPropagation()" in script  # arrows and digits are not notebook shortcuts
