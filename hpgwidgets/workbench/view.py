"""The Workbench's view: the time-series chart, the axis diagram and the words, redrawn in place.

A new simulation reaches the browser as new chart *params* inside ``hold_sync()`` (one
message, no new chart); only pinning or unpinning a scenario, which changes the chart's
legend and colours, sends a new spec. Moving the diagram's day sends only the params that
day changes (``ChangedParams``), not the simulation again.
"""
from __future__ import annotations

import altair as alt
import anywidget
import ipywidgets as widgets
import traitlets

from .. import charts, diagram, markup, summary
from ..chart_widget import HEAR_KERNEL_AGAIN_JS, ChartWidget, set_params, show_spec, spec_chart
from . import mapping

EMBED_OPTIONS = {"actions": {"export": True, "source": False, "compiled": False, "editor": False}}
CHART_WIDGET_OPTIONS = {"embed_options": EMBED_OPTIONS}


class LiveText(anywidget.AnyWidget):
    """A line of text that screen readers announce when it changes (an aria-live region)."""

    _esm = HEAR_KERNEL_AGAIN_JS + """
    function render({ model, el }) {
      keepClasses(model, el);
      const region = document.createElement("div");
      region.className = "hpg-live-text";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      const show = () => { region.textContent = model.get("text"); };
      show();
      model.on("change:text", show);
      el.appendChild(region);
    }
    export default { initialize: ({ model }) => { hearKernelAgain(model); }, render };
    """
    _css = """
    .hpg-live-text { font-size: 1.3em; line-height: 1.45; padding: 0.5em 0.8em; margin: 0.3em 0;
                     border-left: 5px solid #0072B2; background: #F2F7FB; color: #111; }
    """
    text = traitlets.Unicode("").tag(sync=True)


class ContainerWidth(anywidget.AnyWidget):
    """Reports the width (px) of the box it sits in, so a chart can be rebuilt to fill it.

    A Vega-Lite chart of several panels cannot size itself to its container, so the kernel
    rebuilds it when ``width`` changes (after the browser has been resized or JupyterLab's
    sidebar opened), once the resizing has paused: whenever the box narrows (the chart would no
    longer fit), and when it widens by at least REPORT_STEP_PX and keeps that width for a second.
    """

    REPORT_STEP_PX = 24
    NARROW_WAIT_MS = 120  # quiet time before a narrower width is reported
    WIDEN_WAIT_MS = 1000  # ... and before a wider one (see the comment in _esm)
    _esm = HEAR_KERNEL_AGAIN_JS + """
    function render({ model, el }) {
      keepClasses(model, el);
      el.classList.add("hpg-container-width");
      el.style.width = "100%";
      el.style.height = "0";
      let timer = null;
      const report = () => {
        const width = Math.floor(el.getBoundingClientRect().width);
        // any narrowing (a chart wider than its box gets a scroll bar), a widening by STEP_PX
        const reported = model.get("width");
        if (width > 0 && (width < reported || width - reported >= STEP_PX)) {
          model.set("viewport_height", window.innerHeight);
          model.set("top", Math.round(el.getBoundingClientRect().top + window.scrollY));
          model.set("width", width);
          model.save_changes();
        }
      };
      // A narrower box is answered soon: the chart would stick out of it. A wider one only once the
      // box has kept its width for WIDEN_MS: while JupyterLab lays out its panels after a window
      // resize the box can pass through a width wider than the one it settles at (1008 px for a
      // quarter of a second before 928 at 1920 px with the file browser open), and a chart built
      // for that passing width would stick out until the next rebuild.
      const observer = new ResizeObserver(() => {
        clearTimeout(timer);
        const reported = model.get("width");  // 0 until the first report, which is answered soon
        const widening = reported > 0 && Math.floor(el.getBoundingClientRect().width) > reported;
        timer = setTimeout(report, widening ? WIDEN_MS : NARROW_MS);
      });
      observer.observe(el);
      return () => { clearTimeout(timer); observer.disconnect(); };
    }
    export default { initialize: ({ model }) => { hearKernelAgain(model); }, render };
    """.replace("STEP_PX", str(REPORT_STEP_PX)).replace("WIDEN_MS", str(WIDEN_WAIT_MS)).replace(
        "NARROW_MS", str(NARROW_WAIT_MS))
    width = traitlets.Int(0, help="width of the containing box in px (0: not shown yet)").tag(sync=True)
    viewport_height = traitlets.Int(0, help="height of the browser window in px when width was reported").tag(sync=True)
    top = traitlets.Int(0, help="px from the top of the page to the box, when width was reported").tag(sync=True)

    @property
    def room_below(self) -> int | None:
        """Px from the box's top to the bottom of the window (the page scrolled to its top), once known."""
        room = self.viewport_height - self.top
        return room if self.viewport_height and room > 0 else None


class ChangedParams(anywidget.AnyWidget):
    """Moves params of charts on the page with one message that carries only the changed values.

    A chart's params travel as one synced trait (Altair's ``_params``), sent whole when any of
    them changes: moving the diagram's day resent the simulation's series with it, about 33 KB.
    ``move`` instead sets that trait in the kernel without sending it, and sends the changed
    values to this widget's front end, which sets them into each chart's model in the browser:
    the chart then shows them as it shows any params (``ChartWidget``), and a view drawn later
    (the cell shown again) starts from the same state as the kernel. Draws nothing.
    """

    _esm = HEAR_KERNEL_AGAIN_JS + """
    const charts = new Map();  // model id -> that chart's model in the browser
    export default {
      initialize({ model }) {
        hearKernelAgain(model);
        model.on("msg:custom", async ({ params }) => {
          for (const [id, values] of Object.entries(params)) {
            if (!charts.has(id)) charts.set(id, await model.widget_manager.get_model(id));
            const chart = charts.get(id);
            chart.set("_params", { ...chart.get("_params"), ...values });
          }
        });
      },
    };
    """

    def move(self, changes: dict) -> None:
        """Set ``changes`` ({chart widget: {param: value}}) in the kernel and in the browser."""
        sent = {}
        for chart, values in changes.items():
            changed = {name: value for name, value in values.items() if chart._params.get(name) != value}
            if changed:
                params = {**chart._params, **changed}
                # the lock ipywidgets takes for state that came from the browser: set, not sent back
                with chart._lock_property(_params=params):
                    chart._params = params
                sent[chart.model_id] = changed
        if sent:
            self.send({"params": sent})


class ChartView:
    """The widgets that show one simulation (and a pinned one): chart, diagram, summary, pin buttons."""

    def __init__(self, result, *, window_days: float, cursor_day: float, series_capacity: int):
        self.series_capacity = series_capacity
        self.size = charts.ChartSize()
        self._showing_pinned = False
        self._shown = (result, None, window_days)
        self.chart_widget = spec_chart(self._timeseries(result, None, window_days, cursor_day,
                                                        build=charts.timeseries_spec), **CHART_WIDGET_OPTIONS)
        self.chart_widget.add_class("hpg-chart-view")
        self.chart_area = widgets.Box([self.chart_widget])
        self.chart_area.add_class("hpg-chart")
        self.diagram_widget = ChartWidget(diagram.axis_diagram(result, cursor_day), **CHART_WIDGET_OPTIONS)
        self.diagram_widget.add_class("hpg-diagram")
        self.changed_params = ChangedParams()
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

    def _timeseries(self, result, pinned, window_days, cursor_day, *, capacity=True, build=charts.timeseries_chart):
        return build(result, compare=pinned, window_days=(0.0, window_days), cursor_day=cursor_day,
                     series_capacity=self.series_capacity if capacity else None, size=self.size)

    def show(self, result, pinned, *, window_days: float, cursor_day: float):
        """Show ``result`` (and ``pinned`` dashed): params in place, a new spec only when pinning changes."""
        if self._shown == (result, pinned, window_days):
            return
        self._shown = (result, pinned, window_days)
        if (pinned is not None) != self._showing_pinned:
            self._showing_pinned = pinned is not None
            show_spec(self.chart_widget, self._timeseries(result, pinned, window_days, cursor_day,
                                                          build=charts.timeseries_spec))
        else:
            set_params(self.chart_widget, {
                **charts.timeseries_params(result, compare=pinned, window_days=(0.0, window_days), size=self.size),
                charts.CURSOR_PARAM: cursor_day,
            })
        set_params(self.diagram_widget, diagram.diagram_params(result, cursor_day))
        self.buttons["unpin"].disabled = pinned is None
        self._describe(result, pinned, cursor_day)

    def fit(self, width_px: int, height_px: int, result, pinned, *, window_days: float, cursor_day: float):
        """Rebuild the chart to fill ``width_px`` of a ``height_px`` window (a new spec: sizes are not params)."""
        size = charts.ChartSize.fitting(width_px, list(charts.CLINICAL_VARIABLES), height_px or None)
        if size == self.size:
            return
        self.size = size
        show_spec(self.chart_widget, self._timeseries(result, pinned, window_days, cursor_day,
                                                      build=charts.timeseries_spec))

    def move_cursor(self, result, pinned, cursor_day: float):
        self.changed_params.move({self.chart_widget: {charts.CURSOR_PARAM: cursor_day},
                                  self.diagram_widget: diagram.diagram_params(result, cursor_day)})
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
