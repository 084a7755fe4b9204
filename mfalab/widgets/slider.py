"""`Slider`: an integer slider that a keyboard and a screen reader can use, with a typed value.

ipywidgets' own sliders draw a `<div role="slider">` (noUiSlider) that has no accessible
name and cannot be given one from Python, so a screen reader announces "slider, 3" and
not what it sets (WCAG 2.1 4.1.2 Name, Role, Value; axe-core's aria-input-field-name).
This one is the browser's own `<input type="range">` with a `<label>`, beside an
`<input type="number">` (named "… , typed") for a value typed in; both move by the arrow
keys, Home and End. The front end is a few lines of JavaScript run by `anywidget`.

The Python side is what a lesson and a test use, as with `ipywidgets.IntSlider`: `value`
(kept within `min` … `max`), `observe(..., names="value")`, `description`, `layout`.
"""

from __future__ import annotations

from typing import Any

import anywidget
import traitlets

__all__ = ["Slider"]

_ESM = """
let made = 0;
function render({ model, el }) {
  const id = `mfalab-slider-${Date.now().toString(36)}-${made++}`;
  el.classList.add("mfalab-slider");
  const label = document.createElement("label");
  const range = document.createElement("input");
  const typed = document.createElement("input");
  label.htmlFor = id;
  range.id = id;
  range.type = "range";
  typed.type = "number";
  const show = () => {
    const name = model.get("description");
    label.textContent = name;
    label.style.width = model.get("description_width");
    typed.setAttribute("aria-label", `${name}, typed`);
    for (const input of [range, typed]) {
      input.min = model.get("min");
      input.max = model.get("max");
      input.step = model.get("step");
      input.value = model.get("value");
    }
    range.setAttribute("aria-valuetext", String(model.get("value")));
  };
  const commit = (input) => {
    const wanted = Math.round(Number(input.value));
    if (input.value === "" || !Number.isFinite(wanted)) { show(); return; }
    const value = Math.min(model.get("max"), Math.max(model.get("min"), wanted));
    model.set("value", value);
    model.save_changes();
    show();
  };
  range.addEventListener("input", () => {
    typed.value = range.value;
    if (model.get("continuous_update")) commit(range);
  });
  range.addEventListener("change", () => commit(range));
  typed.addEventListener("change", () => commit(typed));
  // Keys pressed here are the slider's, not the notebook's shortcuts (as ipywidgets does).
  for (const input of [range, typed]) {
    input.addEventListener("keydown", (event) => event.stopPropagation());
    input.addEventListener("keypress", (event) => event.stopPropagation());
  }
  const names = ["value", "min", "max", "step", "description", "description_width"];
  for (const name of names) model.on(`change:${name}`, show);
  show();
  el.append(label, range, typed);
  return () => { for (const name of names) model.off(`change:${name}`, show); };
}
export default { render };
"""

_CSS = """
.mfalab-slider { display: flex; align-items: center; gap: 8px; margin: 2px 0; }
.mfalab-slider label { flex: 0 0 auto; text-align: right; }
.mfalab-slider input[type="range"] { flex: 1 1 auto; min-width: 200px; accent-color: #1a5fb4; }
.mfalab-slider input[type="number"] { width: 5.5em; font: inherit; }
"""


class Slider(anywidget.AnyWidget):
    """An integer slider with a visible, programmatic label and a box to type a value in."""

    _esm = _ESM
    _css = _CSS
    value = traitlets.Int(0).tag(sync=True)
    min = traitlets.Int(0).tag(sync=True)
    max = traitlets.Int(100).tag(sync=True)
    step = traitlets.Int(1).tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)
    description_width = traitlets.Unicode("auto").tag(sync=True)
    #: Send the value while dragging (True), or once it is let go (False).
    continuous_update = traitlets.Bool(True).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        style = kwargs.pop("style", None) or {}
        if "description_width" in style:
            kwargs.setdefault("description_width", style["description_width"])
        value = kwargs.pop("value", None)
        super().__init__(**kwargs)
        if value is not None:
            self.value = value

    @traitlets.validate("value")
    def _within_bounds(self, proposal: Any) -> int:
        """Keep the value within `min` … `max`, as ipywidgets' sliders do."""
        return int(min(self.max, max(self.min, proposal["value"])))

    def __repr__(self) -> str:
        return f"Slider({self.description!r}, value={self.value})"
