"""The Workbench's view: the time-series chart, the axis diagram and the words, redrawn in place.

A new simulation reaches the browser as new chart *params* inside ``hold_sync()`` (one
message, no new chart); only pinning or unpinning a scenario, which changes the chart's
legend and colours, sends a new spec. Moving the diagram's day moves two params.
"""
from __future__ import annotations

import altair as alt
import anywidget
import ipywidgets as widgets
import traitlets

from .. import charts, diagram, markup, summary
from . import mapping

EMBED_OPTIONS = {"actions": {"export": True, "source": False, "compiled": False, "editor": False}}
# JupyterChart reports every param the browser sets back to Python (for charts whose params
# the *user* moves). Ours only flow Python -> browser, and echoing the series back in the
# middle of a redraw costs the browser time, so the echo waits until the charts are idle.
CHART_WIDGET_OPTIONS = {"embed_options": EMBED_OPTIONS, "debounce_wait": 1000, "max_wait": False}


class LiveText(anywidget.AnyWidget):
    """A line of text that screen readers announce when it changes (an aria-live region)."""

    _esm = """
    function render({ model, el }) {
      const region = document.createElement("div");
      region.className = "hpg-live-text";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      const show = () => { region.textContent = model.get("text"); };
      show();
      model.on("change:text", show);
      el.appendChild(region);
    }
    export default { render };
    """
    _css = """
    .hpg-live-text { font-size: 1.3em; line-height: 1.45; padding: 0.5em 0.8em; margin: 0.3em 0;
                     border-left: 5px solid #0072B2; background: #F2F7FB; color: #111; }
    """
    text = traitlets.Unicode("").tag(sync=True)


def set_params(jupyter_chart: alt.JupyterChart, values: dict):
    """Update a chart's params in one message to the browser."""
    with jupyter_chart.hold_sync():
        for name, value in values.items():
            setattr(jupyter_chart.params, name, value)


class ChartView:
    """The widgets that show one simulation (and a pinned one): chart, diagram, summary, pin buttons."""

    def __init__(self, result, *, window_days: float, cursor_day: float, series_capacity: int):
        self.series_capacity = series_capacity
        self._showing_pinned = False
        self._shown = (result, None, window_days)
        self.chart_widget = alt.JupyterChart(self._timeseries(result, None, window_days, cursor_day),
                                             **CHART_WIDGET_OPTIONS)
        self.chart_widget.add_class("hpg-chart-view")
        self.chart_area = widgets.Box([self.chart_widget])
        self.chart_area.add_class("hpg-chart")
        self.diagram_widget = alt.JupyterChart(diagram.axis_diagram(result, cursor_day), **CHART_WIDGET_OPTIONS)
        self.diagram_widget.add_class("hpg-diagram")
        self.diagram_text = widgets.HTML()
        self.diagram_text.add_class("hpg-diagram-text")
        self.summary = LiveText()
        self.summary.add_class("hpg-summary")
        self.pin_status = widgets.HTML()
        self.pin_status.add_class("hpg-pin-status")
        auto = widgets.Layout(width="auto")
        self.buttons = {
            "pin": widgets.Button(description="Pin for comparison", icon="thumb-tack", layout=auto,
                                  tooltip="Keep this scenario on the chart (dashed) to compare the next one"),
            "unpin": widgets.Button(description="Clear pinned", icon="times", disabled=True, layout=auto),
        }
        for name, button in self.buttons.items():
            button.add_class(f"hpg-{name}")
        self._describe(result, None, cursor_day)

    def _timeseries(self, result, pinned, window_days, cursor_day, *, capacity=True):
        return charts.timeseries_chart(result, compare=pinned, window_days=(0.0, window_days), cursor_day=cursor_day,
                                       series_capacity=self.series_capacity if capacity else None)

    def show(self, result, pinned, *, window_days: float, cursor_day: float):
        """Show ``result`` (and ``pinned`` dashed): params in place, a new spec only when pinning changes."""
        if self._shown == (result, pinned, window_days):
            return
        self._shown = (result, pinned, window_days)
        if (pinned is not None) != self._showing_pinned:
            self._showing_pinned = pinned is not None
            self.chart_widget.chart = self._timeseries(result, pinned, window_days, cursor_day)
        else:
            set_params(self.chart_widget, {
                **charts.timeseries_params(result, compare=pinned, window_days=(0.0, window_days)),
                charts.CURSOR_PARAM: cursor_day,
            })
        set_params(self.diagram_widget, diagram.diagram_params(result, cursor_day))
        self.buttons["unpin"].disabled = pinned is None
        self._describe(result, pinned, cursor_day)

    def move_cursor(self, result, pinned, cursor_day: float):
        set_params(self.chart_widget, {charts.CURSOR_PARAM: cursor_day})
        set_params(self.diagram_widget, diagram.diagram_params(result, cursor_day))
        self._describe(result, pinned, cursor_day)

    def _describe(self, result, pinned, cursor_day):
        self.summary.text = summary.summary_text(result, cursor_day, compare=pinned)
        self.diagram_text.value = diagram.diagram_text(result, cursor_day)
        self.pin_status.value = ("Nothing pinned." if pinned is None else
                                 f"Pinned (dashed, orange): {markup.text(mapping.describe_regimen(pinned.regimen))}.")

    def figures(self, result, pinned, *, window_days: float, cursor_day: float) -> dict:
        """The chart and the diagram as on screen, as standalone Altair charts (for saving)."""
        return {"chart": self._timeseries(result, pinned, window_days, cursor_day, capacity=False),
                "diagram": diagram.axis_diagram(result, cursor_day)}
