"""ChartWidget: Altair's JupyterChart as every chart of hpgwidgets draws it, robust on a busy machine.

``set_params``, ``show_spec`` and ``spec_chart`` update such a chart in place through
Altair's public interface (``jupyter_chart.spec``, ``jupyter_chart.params``).
"""
from __future__ import annotations

import functools
import hashlib

import altair as alt
import anywidget
import ipywidgets
import traitlets

# The front end of every chart drawn here. Altair's JupyterChart ships its whole Vega bundle
# (about 0.9 MB, hpgwidgets.offline) as the widget's module, so each chart would carry it and
# anywidget would parse it once per chart inside the 2 s it allows a model to initialise: on a
# busy machine a chart then fails with "[anywidget] Failed to initialize model" and never
# follows its controls again. This module is a few hundred bytes: it initialises at once, loads
# the bundle when the chart is first drawn (no time limit there) from the kernel's one
# VegaBundle widget (sent once, not with every chart) and shares it between every chart of the
# page. It hands Altair's own ``render`` a one-way view of the model: params flow from the
# kernel only (nothing is echoed back, so a move sends the data once), and a move updates only
# the params that changed, as signals of the view already drawn (Vega re-runs those parts of
# its dataflow; the view is not rebuilt). HEAR_KERNEL_AGAIN_JS is shared with the Workbench's own
# anywidgets (hpgwidgets.workbench.view), which can be given up the same way.
HEAR_KERNEL_AGAIN_JS = """
// anywidget 0.11 gives a model 2 s, from the moment it is made, to load its module; if the page
// is busy that long (other charts drawing, a slow machine, Pyodide), it drops every later message
// from the kernel for good and the widget stops following its controls. Here the model is checked
// and, if it was given up, hears the kernel again: its messages go straight to ipywidgets' handler
// (anywidget's adds only the wait), and the kernel resends the state the dropped messages carried. Call it from the module's initialize,
// which anywidget calls once per model as soon as the module is in, however late.
const checked = new WeakSet();
const GIVEN_UP_WARNING = "[hpgwidgets] anywidget gave up on a widget's model; it follows the kernel again";
// anywidget rejects a given-up model's promise with this error and nothing catches it, so the
// browser reports it as an uncaught error (on the console, and wherever a page shows its errors).
// Once a module of ours is on the page, every later such rejection is caught here and said as a
// warning instead: our widgets recover (hearKernelAgain). The error carries no model, so another
// package's widget given up then is reported as a warning too, with its own message.
const ANYWIDGET_GAVE_UP = "[anywidget] Failed to initialize model.";
if (!globalThis.__hpgwidgetsCatchesGiveUps) {
  globalThis.__hpgwidgetsCatchesGiveUps = true;
  globalThis.addEventListener("unhandledrejection", event => {
    if (event.reason instanceof Error && event.reason.message === ANYWIDGET_GAVE_UP) {
      event.preventDefault();
      console.warn(`[hpgwidgets] caught "${ANYWIDGET_GAVE_UP}": hpgwidgets' widgets then hear the kernel again`);
    }
  });
}

function widgetModel(model) {
  // anywidget hands a module a proxy; Backbone passes the model itself to a change listener.
  let found = null;
  const grab = changed => { found = changed; };
  model.on("change:_hpg_probe", grab);
  model.set("_hpg_probe", performance.now());
  model.set("_hpg_probe", undefined, {unset: true, silent: true});
  model.off("change:_hpg_probe", grab);
  return found;
}

function hearKernelAgain(model) {
  // a page whose widget manager differs from JupyterLab's, Voila's and JupyterLite's still draws
  try { checkModel(model); } catch (error) { console.warn("[hpgwidgets] could not check a widget's model", error); }
}

function checkModel(model) {
  const widget = widgetModel(model);
  if (widget === null || checked.has(widget) || !widget.comm) return;
  checked.add(widget);
  const anywidgetHandler = Object.getPrototypeOf(widget)._handle_comm_msg;
  const ipywidgetsHandler = Object.getPrototypeOf(Object.getPrototypeOf(widget))._handle_comm_msg;
  const nothing = {content: {data: {method: "update", state: {}, buffer_paths: []}}, buffers: []};
  anywidgetHandler.call(widget, nothing).catch(() => {
    console.warn(`${GIVEN_UP_WARNING} (model ${widget.model_id})`);
    widget.comm.on_msg(message => ipywidgetsHandler.call(widget, message));
    widget.comm.send({method: "request_state"});
  });
}

function keepClasses(model, el) {
  // anywidget's view drops ipywidgets' listener for the model's classes (add_class): a class that
  // arrives after the view is made, as in a state resent by hearKernelAgain, would never show.
  let shown = [];
  const show = () => {
    const classes = model.get("_dom_classes") ?? [];
    el.classList.remove(...shown.filter(name => !classes.includes(name)));
    el.classList.add(...classes);
    shown = classes;
  };
  show();
  model.on("change:_dom_classes", show);
}
"""

CHART_LOADER_ESM = HEAR_KERNEL_AGAIN_JS + """
const bundles = (globalThis.__hpgwidgetsVega ??= new Map());
const WIDGET_REFERENCE = "IPY_MODEL_";

async function bundleModel(model, id) {
  // The kernel opens the bundle's widget before any chart that names it, so it is normally known
  // already; should a widget manager register it a moment later (restoring many widgets at
  // once), the chart waits for it (up to 30 s) rather than never drawing.
  for (let attempt = 1; ; attempt++) {
    try {
      return await model.widget_manager.get_model(id);
    } catch (error) {
      if (attempt >= 300) throw error;
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  }
}

async function frontEnd(model) {
  // The bundle is the state of one VegaBundle widget per kernel, which every chart names: it
  // crosses the wire once, and is imported once per page (keyed by its hash, so two kernels'
  // charts on one page share it too).
  const bundle = await bundleModel(model, model.get("_vega").slice(WIDGET_REFERENCE.length));
  const key = bundle.get("key");
  if (!bundles.has(key)) {
    const url = URL.createObjectURL(new Blob([bundle.get("source")], {type: "text/javascript"}));
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
  keepClasses(model, el);
  const vega = await frontEnd(model);
  return vega.default.render({ model: oneWay(model), el });
}
export default { initialize: ({ model }) => { hearKernelAgain(model); }, render };
"""


@functools.lru_cache(maxsize=4)
def _source_key(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()[:16]


class VegaBundle(ipywidgets.Widget):
    """Altair's front end with Vega inside (about 0.9 MB), as the state of a widget with no view:
    every chart of a kernel names the same one (``vega_bundle()``), so the bundle is sent to the
    browser once per kernel and page instead of once per chart. Its model is ipywidgets' plain
    ``WidgetModel``, which every widget manager (JupyterLab, Voila, JupyterLite) knows."""

    source = traitlets.Unicode("").tag(sync=True)
    key = traitlets.Unicode("").tag(sync=True)


_shared_bundle: VegaBundle | None = None


def vega_bundle() -> VegaBundle:
    """The kernel's one ``VegaBundle`` for Altair's current front end (made again if it was closed,
    for example by ``Widget.close_all()``, or if the front end changed)."""
    global _shared_bundle
    source = alt.JupyterChart._esm  # Altair's front end, offline once hpgwidgets.offline set it
    if _shared_bundle is None or _shared_bundle.comm is None or _shared_bundle.source != source:
        _shared_bundle = VegaBundle(source=source, key=_source_key(source))
    return _shared_bundle


class GiveUpCatcher(anywidget.AnyWidget):
    """No view: its module puts on the page, before any chart of the kernel exists, the listener that
    says anywidget's give-up error as a warning (HEAR_KERNEL_AGAIN_JS). Without it the listener came
    with the first chart's module, so a give-up of that first module (the page busy for 2 s as the
    first chart of a notebook was made) still showed "[anywidget] Failed to initialize model."
    Made once per kernel by ``catch_give_ups()``, which ``charts.enable_offline_charts()`` (every
    notebook's setup cell, and every Workbench) calls."""

    _esm = HEAR_KERNEL_AGAIN_JS + """
export default { initialize: ({ model }) => { hearKernelAgain(model); } };  // hpgwidgets give-up catcher
"""


_catcher: GiveUpCatcher | None = None


def catch_give_ups() -> GiveUpCatcher:
    """The kernel's one ``GiveUpCatcher`` (made again if it was closed, e.g. by ``Widget.close_all()``)."""
    global _catcher
    if _catcher is None or _catcher.comm is None:
        _catcher = GiveUpCatcher()
    return _catcher


class ChartWidget(alt.JupyterChart):
    """A JupyterChart that initialises at once however busy the machine, and whose params flow
    one way, kernel -> browser (see CHART_LOADER_ESM). Use it as ``alt.JupyterChart``; its
    ``params`` are set from Python only (a user's clicks in the chart are not reported back)."""

    _esm = CHART_LOADER_ESM
    _vega = traitlets.Instance(VegaBundle).tag(sync=True, **ipywidgets.widget_serialization)

    def __init__(self, chart, **options):
        super().__init__(chart, _vega=vega_bundle(), **options)


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
