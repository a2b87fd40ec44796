"""The Workbench's view: the time-series chart, the axis diagram and the words, redrawn in place.

A new simulation reaches the browser as new chart *params* inside ``hold_sync()`` (one
message, no new chart); only pinning or unpinning a scenario, which changes the chart's
legend and colours, sends a new spec. Moving the diagram's day moves two params.
"""
from __future__ import annotations

import functools
import hashlib

import altair as alt
import anywidget
import ipywidgets as widgets
import traitlets

from .. import charts, diagram, markup, summary
from . import mapping

EMBED_OPTIONS = {"actions": {"export": True, "source": False, "compiled": False, "editor": False}}
CHART_WIDGET_OPTIONS = {"embed_options": EMBED_OPTIONS}


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


class ContainerWidth(anywidget.AnyWidget):
    """Reports the width (px) of the box it sits in, so a chart can be rebuilt to fill it.

    A Vega-Lite chart of several panels cannot size itself to its container, so the kernel
    rebuilds it when ``width`` changes (after the browser has been resized or JupyterLab's
    sidebar opened): by at least REPORT_STEP_PX, and once the resizing has paused.
    """

    REPORT_STEP_PX = 24
    _esm = """
    function render({ model, el }) {
      el.classList.add("hpg-container-width");
      el.style.width = "100%";
      el.style.height = "0";
      let timer = null;
      const report = () => {
        const width = Math.floor(el.getBoundingClientRect().width);
        if (width > 0 && Math.abs(width - model.get("width")) >= STEP_PX) {
          model.set("viewport_height", window.innerHeight);
          model.set("width", width);
          model.save_changes();
        }
      };
      const observer = new ResizeObserver(() => { clearTimeout(timer); timer = setTimeout(report, 120); });
      observer.observe(el);
      return () => { clearTimeout(timer); observer.disconnect(); };
    }
    export default { render };
    """.replace("STEP_PX", str(REPORT_STEP_PX))
    width = traitlets.Int(0, help="width of the containing box in px (0: not shown yet)").tag(sync=True)
    viewport_height = traitlets.Int(0, help="height of the browser window in px when width was reported").tag(sync=True)


# The front end of every chart drawn here. Altair's JupyterChart ships its whole Vega bundle
# (about 0.9 MB, hpgwidgets.offline) as the widget's module, so anywidget parses it once per
# chart inside the 2 s it allows a model to initialise: on a busy machine a chart then fails
# with "[anywidget] Failed to initialize model" and never follows its controls again. This
# module is a few hundred bytes: it initialises at once, loads the bundle when the chart is
# first drawn (no time limit there) and shares it between every chart of the page. It hands
# Altair's own ``render`` a one-way view of the model: params flow from the kernel only
# (nothing is echoed back, so a move sends the data once), and a move updates only the params
# that changed, as signals of the view already drawn (Vega re-runs those parts of its
# dataflow; the view is not rebuilt).
CHART_LOADER_ESM = """
const bundles = (globalThis.__hpgwidgetsVega ??= new Map());

function frontEnd(model) {
  const key = model.get("_vega_key");
  if (!bundles.has(key)) {
    const url = URL.createObjectURL(new Blob([model.get("_vega_source")], {type: "text/javascript"}));
    bundles.set(key, import(url).finally(() => URL.revokeObjectURL(url)));
  }
  return bundles.get(key);
}

function oneWay(model) {
  let update = null;  // Altair's params handler for the view on screen (null while one is being drawn)
  let shown = {};     // param name -> JSON of the value that view holds
  const showChanged = async () => {
    if (update === null) return;
    const changed = {};
    for (const [name, value] of Object.entries(model.get("_params") ?? {})) {
      const text = JSON.stringify(value);
      if (shown[name] !== text) { changed[name] = value; shown[name] = text; }
    }
    if (Object.keys(changed).length) await update({changed: {_params: changed}});
  };
  model.on("change:spec", () => { update = null; });  // before Altair's own listener redraws
  model.on("change:_params", showChanged);
  return {
    get: name => (name === "_params" || name === "_vl_selections") ? {} : model.get(name),
    set: () => {},
    save_changes: () => {},
    send: (...args) => model.send(...args),
    off: (...args) => model.off(...args),
    on(event, handler) {
      if (event !== "change:_params") { model.on(event, handler); return; }
      // Altair registers this once a view is drawn, from the spec's param values
      update = handler;
      shown = Object.fromEntries((model.get("spec")?.params ?? []).map(p => [p.name, JSON.stringify(p.value)]));
      showChanged();
    },
  };
}

async function render({ model, el }) {
  const vega = await frontEnd(model);
  return vega.default.render({ model: oneWay(model), el });
}
export default { render };
"""


@functools.lru_cache(maxsize=4)
def _source_key(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()[:16]


class ChartWidget(alt.JupyterChart):
    """A JupyterChart that initialises at once however busy the machine, and whose params flow
    one way, kernel -> browser (see CHART_LOADER_ESM). Use it as ``alt.JupyterChart``; its
    ``params`` are set from Python only (a user's clicks in the chart are not reported back)."""

    _esm = CHART_LOADER_ESM
    _vega_source = traitlets.Unicode("").tag(sync=True)
    _vega_key = traitlets.Unicode("").tag(sync=True)

    def __init__(self, chart, **options):
        source = alt.JupyterChart._esm  # Altair's front end, offline once hpgwidgets.offline set it
        super().__init__(chart, _vega_source=source, _vega_key=_source_key(source), **options)


def set_params(jupyter_chart: alt.JupyterChart, values: dict):
    """Update a chart's params in one message to the browser."""
    with jupyter_chart.hold_sync():
        for name, value in values.items():
            setattr(jupyter_chart.params, name, value)


def show_spec(jupyter_chart: alt.JupyterChart, spec: dict):
    """Replace a chart's spec and its params' values in one message to the browser.

    For a spec built by ``charts.timeseries_spec`` (milliseconds, where Altair's own
    ``jupyter_chart.chart = ...`` takes about a second). The new spec must have the same
    param names as the chart's first one: ``jupyter_chart.params`` keeps its names.
    """
    values = {param["name"]: param["value"] for param in spec.get("params", [])}
    missing = sorted(set(values) - set(jupyter_chart.params.trait_names()))
    if missing:
        raise ValueError(f"the new spec has params {missing} the chart was not built with")
    with jupyter_chart.hold_sync():
        jupyter_chart.spec = spec
        set_params(jupyter_chart, values)


def spec_chart(spec: dict, **options) -> ChartWidget:
    """A chart widget showing ``spec`` (a dict from ``charts.timeseries_spec``), built in milliseconds.

    A JupyterChart learns its param names from the Altair chart it is made with, so it is
    made with a one-mark placeholder carrying the same params, and the spec replaces it
    before anything reaches the browser.
    """
    names = [param["name"] for param in spec.get("params", [])]
    placeholder = alt.Chart(alt.SequenceGenerator(sequence={"start": 0, "stop": 1})).mark_point().add_params(
        *[alt.param(name=name, value=None) for name in names])
    jupyter_chart = ChartWidget(placeholder, **options)
    show_spec(jupyter_chart, spec)
    return jupyter_chart


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
                **charts.timeseries_params(result, compare=pinned, window_days=(0.0, window_days)),
                charts.CURSOR_PARAM: cursor_day,
            })
        set_params(self.diagram_widget, diagram.diagram_params(result, cursor_day))
        self.buttons["unpin"].disabled = pinned is None
        self._describe(result, pinned, cursor_day)

    def fit(self, width_px: int, height_px: int, result, pinned, *, window_days: float, cursor_day: float):
        """Rebuild the chart to fill ``width_px`` of a ``height_px`` window (a new spec: sizes are not params)."""
        size = charts.ChartSize.fitting(width_px, len(charts.CLINICAL_VARIABLES), height_px or None)
        if size == self.size:
            return
        self.size = size
        show_spec(self.chart_widget, self._timeseries(result, pinned, window_days, cursor_day,
                                                      build=charts.timeseries_spec))

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
