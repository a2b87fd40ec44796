"""The Workbench: controls -> simulation -> charts that redraw in place.

    >>> import hpgwidgets as hpg
    >>> wb = hpg.Workbench()
    >>> wb              # last expression of a notebook cell: shows the workbench

Every control lives in ``wb.controls[name]`` and carries the CSS class ``hpg-<name>``.
A control that changes the scenario reruns the simulation (a few milliseconds) and
updates the params of the charts already on screen: the browser redraws the marks
without receiving a new chart. Moving the diagram's day reruns nothing. A setting the
model rejects (ValueError) is explained in words under the charts, and the charts keep
showing the last scenario that ran.

How the controls become a regimen (all days count from the first TRT dose, day 0):

- TRT: ``trt_dose`` of ``trt_drug`` every ``trt_every_days`` days for ``trt_weeks``
  weeks (0 weeks = no TRT).
- The recovery phase runs from week ``recovery_start`` (counted from day 0, so by
  default it starts the week TRT stops) for ``recovery_weeks`` weeks.
- Each recovery agent (``hcg``, ``clomiphene``, ``tamoxifen``, ``anastrozole``,
  ``gonadorelin``) is switched on by its checkbox, dosed by ``<agent>_dose`` every
  ``<agent>_every_days`` days, and given ``<agent>_timing``: with TRT, in the recovery
  phase, or both. Gonadorelin by pump pulses every 90 minutes (the catalogue's
  schedule), near-continuously (a pulse every 15 minutes) or, by injection, every
  ``gonadorelin_every_days``.
- The patient: ``age``, ``baseline_testosterone`` (with ``low_testosterone_origin``:
  testes or brain) and ``baseline_sperm`` ("typical" lets the model use its typical
  value for that age).
- The view: ``window_weeks`` (simulated and shown) and ``cursor_day`` (the day the
  diagram and the text summary describe).

Scenarios: ``wb.to_scenario()`` gives an ``hpg.Scenario`` of what is on screen and
``wb.apply_scenario(scenario)`` shows one (refused, controls unchanged, when it does
not fit the controls); the Save/Load buttons in the View tab do the same with a JSON
file or a preset's name.
"""
from __future__ import annotations

import contextlib
import math
from pathlib import Path

import altair as alt
import anywidget
import ipywidgets as widgets
import traitlets

from . import charts, diagram, markup, summary
from .patient import Patient
from .pharmacology import DRUGS
from .regimen import Dose, Regimen
from .scenario import Scenario, list_scenarios, load_scenario
from .simulation import simulate

TRT_DRUGS = tuple(drug_id for drug_id, drug in DRUGS.items() if drug.effect == "serum_testosterone")
AGENTS = ("hcg", "clomiphene", "tamoxifen", "anastrozole", "gonadorelin")
WITH_TRT, RECOVERY, BOTH = "with_trt", "recovery", "both"
TIMING_OPTIONS = (("with TRT", WITH_TRT), ("recovery phase", RECOVERY), ("TRT and recovery", BOTH))
DEFAULT_TIMING = {"hcg": WITH_TRT}  # the others default to the recovery phase
PUMP, INJECTION, CONTINUOUS = "pump", "injection", "continuous"
# A pulse every 15 minutes: pulses merge into near-continuous exposure (the desensitising case).
GONADORELIN_CONTINUOUS_EVERY_DAYS = 1 / 96

# Ranges of the controls: display choices, not model parameters. Doses reach ten times
# the catalogue's typical dose (never beyond what the model accepts per dose); the
# model itself rejects weekly totals it considers absurd, and the workbench says so.
DOSE_RANGE_TIMES_TYPICAL = 10
DOSE_STEPS_PER_TYPICAL = 20
EVERY_DAYS_RANGE = (0.5, 98.0, 0.5)
AGENT_EVERY_DAYS_RANGE = (0.5, 14.0, 0.5)
GONADORELIN_INJECTION_EVERY_DAYS = 1.0  # starting point of the injection interval: daily
TRT_WEEKS_RANGE = (0, 156)
RECOVERY_WEEKS_RANGE = (1, 52)
WINDOW_WEEKS_RANGE = (4, 208)
AGE_RANGE = (18, 90)
TYPICAL = 0  # baseline sliders: "typical for this age"
BASELINE_TESTOSTERONE_CHOICES = tuple(range(100, 1201, 10))  # ng/dL
BASELINE_SPERM_CHOICES = (0.5, 1, 2, 3, 5, 7, 10, 12, 15, 20, 25, 30, 40, 50, 64, 80, 100, 125, 150, 200)  # million/mL

DEFAULTS = {
    "trt_drug": "testosterone_enanthate",
    "trt_weeks": 26,
    "recovery_weeks": 12,
    "window_weeks": 78,
}

CONTROLS_WIDTH = "430px"
EMBED_OPTIONS = {"actions": {"export": True, "source": False, "compiled": False, "editor": False}}
# JupyterChart reports every param the browser sets back to Python (for charts whose params
# the *user* moves). Ours only flow Python -> browser, and echoing the series back in the
# middle of a redraw costs the browser time, so the echo waits until the charts are idle.
CHART_WIDGET_OPTIONS = {"embed_options": EMBED_OPTIONS, "debounce_wait": 1000, "max_wait": False}

WORKBENCH_CSS = """
<style>
.hpg-workbench { font-size: 15px; }
.hpg-workbench .widget-label, .hpg-workbench .widget-readout, .hpg-workbench .widget-checkbox label,
.hpg-workbench .jupyter-widgets .widget-label-basic { font-size: 15px; }
.hpg-workbench .hpg-controls { flex: 0 0 auto; }
.hpg-workbench .hpg-chart { overflow-x: auto; }
.hpg-workbench .hpg-diagram-text { font-size: 14px; color: #333; max-width: 640px; }
</style>
"""


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


def _weeks_label(value: int) -> str:
    return f"{value} weeks"


def _dose_slider_settings(drug_id: str) -> dict:
    drug = DRUGS[drug_id]
    top = min(drug.max_amount, DOSE_RANGE_TIMES_TYPICAL * drug.typical_amount)
    step = drug.typical_amount / DOSE_STEPS_PER_TYPICAL
    return {"min": 0.0, "max": top, "step": step}


class Workbench(widgets.VBox):
    """Interactive HPG-axis workbench (an ipywidgets VBox; show it as a cell's last expression).

    Keyword arguments override the starting value of any control, e.g.
    ``Workbench(trt_dose=100, hcg=True, window_weeks=104)``.
    """

    def __init__(self, **start_values):
        charts.enable_offline_charts()
        self._quiet = False
        self.controls: dict[str, widgets.Widget] = {}
        self._make_controls()
        unknown = sorted(set(start_values) - set(self.controls))
        if unknown:
            raise ValueError(f"unknown control(s) {unknown}; controls are: {', '.join(self.controls)}")
        with self._hold():
            # The formulation resets dose and interval, and the window bounds the day:
            # apply those first, then the rest.
            for name in ("trt_drug", "window_weeks"):
                if name in start_values:
                    self.controls[name].value = start_values.pop(name)
            self.controls["cursor_day"].max = int(self.window_days)
            for name, value in start_values.items():
                self.controls[name].value = value
        self._sync_enabled_controls()

        self.result = simulate(self.regimen(), days=self.window_days, patient=self.patient())
        self.pinned = None

        self.errors = widgets.Output()
        self.errors.add_class("hpg-errors")
        self.summary = LiveText()
        self.summary.add_class("hpg-summary")
        self.chart_widget = alt.JupyterChart(self._timeseries_chart(), **CHART_WIDGET_OPTIONS)
        self.chart_widget.add_class("hpg-chart-view")
        self.chart_area = widgets.Box([self.chart_widget])
        self.chart_area.add_class("hpg-chart")
        self.diagram_widget = alt.JupyterChart(diagram.axis_diagram(self.result, self.cursor_day),
                                               **CHART_WIDGET_OPTIONS)
        self.diagram_widget.add_class("hpg-diagram")
        self.diagram_text = widgets.HTML()
        self.diagram_text.add_class("hpg-diagram-text")
        self.export_status = widgets.HTML()
        self.export_status.add_class("hpg-export-status")
        self.pin_status = widgets.HTML()
        self.pin_status.add_class("hpg-pin-status")
        self._update_words()

        super().__init__(self._layout())
        self.add_class("hpg-workbench")
        self._connect()

    # ------------------------------------------------------------------ controls

    def _add(self, name: str, control: widgets.Widget) -> widgets.Widget:
        control.add_class(f"hpg-{name}")
        self.controls[name] = control
        return control

    def _make_controls(self):
        style = {"description_width": "140px"}
        wide = widgets.Layout(width="98%")
        auto_width = widgets.Layout(width="auto")
        # Every slider reports when released (or after a key press), not on every pixel of a drag.
        shared = {"continuous_update": False, "style": style, "layout": wide}

        def float_slider(value, low, high, step, description):
            return widgets.FloatSlider(value=value, min=low, max=high, step=step, description=description,
                                       readout_format=".4", **shared)

        def int_slider(value, low, high, description):
            return widgets.IntSlider(value=value, min=low, max=high, description=description, **shared)

        def baseline_slider(choices, description):
            options = [("typical for age", TYPICAL)] + [(f"{value:g}", value) for value in choices]
            return widgets.SelectionSlider(options=options, value=TYPICAL, description=description, **shared)

        add = self._add
        trt = DRUGS[DEFAULTS["trt_drug"]]
        add("trt_drug", widgets.Dropdown(options=[(DRUGS[drug_id].name, drug_id) for drug_id in TRT_DRUGS],
                                         value=trt.id, description="TRT medicine", style=style, layout=wide))
        dose = _dose_slider_settings(trt.id)
        add("trt_dose", float_slider(trt.typical_amount, dose["min"], dose["max"], dose["step"],
                                     f"Dose ({trt.amount_unit})"))
        add("trt_every_days", float_slider(trt.typical_every_days, *EVERY_DAYS_RANGE, "Every (days)"))
        add("trt_weeks", int_slider(DEFAULTS["trt_weeks"], *TRT_WEEKS_RANGE, "For (weeks)"))
        add("recovery_start", int_slider(DEFAULTS["trt_weeks"], 0, WINDOW_WEEKS_RANGE[1], "Recovery from week"))
        self.controls["recovery_start"].tooltip = ("Week the recovery agents start, counted from the first TRT "
                                                   "dose (week 0); starts as the week TRT stops")
        add("recovery_weeks", int_slider(DEFAULTS["recovery_weeks"], *RECOVERY_WEEKS_RANGE, "Recovery (weeks)"))
        for agent in AGENTS:
            drug = DRUGS[agent]
            dose = _dose_slider_settings(agent)
            add(agent, widgets.Checkbox(value=False, description=drug.name, indent=False, layout=wide))
            add(f"{agent}_dose", float_slider(drug.typical_amount, dose["step"], dose["max"], dose["step"],
                                              f"Dose ({drug.amount_unit})"))
            every = GONADORELIN_INJECTION_EVERY_DAYS if agent == "gonadorelin" else drug.typical_every_days
            add(f"{agent}_every_days", float_slider(every, *AGENT_EVERY_DAYS_RANGE, "Every (days)"))
            add(f"{agent}_timing", widgets.Dropdown(options=TIMING_OPTIONS, value=DEFAULT_TIMING.get(agent, RECOVERY),
                                                    description="Given", style=style, layout=wide))
        add("gonadorelin_mode", widgets.ToggleButtons(
            options=[("pump (every 90 min)", PUMP), ("injections", INJECTION),
                     ("near-continuous (every 15 min)", CONTINUOUS)], value=PUMP,
            description="Gonadorelin by", style={**style, "button_width": "130px"}))
        add("age", int_slider(int(Patient().age), *AGE_RANGE, "Age (years)"))
        add("baseline_testosterone", baseline_slider(BASELINE_TESTOSTERONE_CHOICES, "Untreated T (ng/dL)"))
        add("baseline_sperm", baseline_slider(BASELINE_SPERM_CHOICES, "Untreated sperm (million/mL)"))
        add("low_testosterone_origin", widgets.ToggleButtons(
            options=[("testes (primary)", "testicular"), ("brain (secondary)", "central")], value="testicular",
            description="Low T comes from", style={**style, "button_width": "130px"},
            tooltips=["Leydig cells make less; LH runs high", "GnRH drive is weak; LH runs low"]))
        add("window_weeks", int_slider(DEFAULTS["window_weeks"], *WINDOW_WEEKS_RANGE, "Show weeks 0 to"))
        add("cursor_day", int_slider(DEFAULTS["trt_weeks"] * 7 // 2, 0, DEFAULTS["window_weeks"] * 7, "Diagram day"))
        self.controls["cursor_day"].tooltip = "Day the axis diagram and the summary describe (dashed line on the chart)"
        add("pin", widgets.Button(description="Pin for comparison", icon="thumb-tack", layout=auto_width,
                                  tooltip="Keep this scenario on the chart (dashed) to compare the next one"))
        add("unpin", widgets.Button(description="Clear pinned", icon="times", disabled=True, layout=auto_width))
        add("export_folder", widgets.Text(value="hpg-figures", description="Save into folder", **shared))
        add("export_png", widgets.Button(description="Save PNG", icon="download", layout=auto_width))
        add("scenario_file", widgets.Text(value="my-scenario.json", description="Scenario file or preset",
                                          placeholder=f"a .json path, or a preset: {', '.join(list_scenarios())}",
                                          **shared))
        add("save_scenario", widgets.Button(description="Save scenario", icon="save", layout=auto_width))
        add("load_scenario", widgets.Button(description="Load scenario", icon="folder-open", layout=auto_width))
        add("export_svg", widgets.Button(description="Save SVG", icon="download", layout=auto_width))

    @contextlib.contextmanager
    def _hold(self):
        """Change several controls with one rerun at the end (or none, when nested)."""
        was_quiet, self._quiet = self._quiet, True
        try:
            yield
        finally:
            self._quiet = was_quiet

    def _sync_enabled_controls(self):
        """Grey out what has no effect, so every live control changes what it says."""
        controls = self.controls
        for agent in AGENTS:
            off = not controls[agent].value
            for suffix in ("_dose", "_every_days", "_timing"):
                controls[agent + suffix].disabled = off
        controls["gonadorelin_mode"].disabled = not controls["gonadorelin"].value
        if controls["gonadorelin_mode"].value != INJECTION:
            controls["gonadorelin_every_days"].disabled = True
        controls["low_testosterone_origin"].disabled = controls["baseline_testosterone"].value == TYPICAL
        no_trt = controls["trt_weeks"].value == 0
        for name in ("trt_drug", "trt_dose", "trt_every_days"):
            controls[name].disabled = no_trt

    # ------------------------------------------------------------------ model inputs

    @property
    def window_days(self) -> float:
        return float(self.controls["window_weeks"].value * 7)

    @property
    def cursor_day(self) -> float:
        """The diagram's day, within the simulation on screen (which may lag a rejected setting)."""
        return float(min(self.controls["cursor_day"].value, self.result.t[-1]))

    @property
    def series_capacity(self) -> int:
        """Rows the chart keeps room for: two scenarios over the longest window."""
        return 2 * (WINDOW_WEEKS_RANGE[1] * 7 + 1)

    def _agent_days(self, agent: str) -> tuple[float, float]:
        controls = self.controls
        trt_end = controls["trt_weeks"].value * 7.0
        recovery_start = controls["recovery_start"].value * 7.0
        recovery_end = recovery_start + controls["recovery_weeks"].value * 7.0
        timing = controls[f"{agent}_timing"].value
        if timing == WITH_TRT:
            return 0.0, trt_end
        if timing == RECOVERY:
            return recovery_start, recovery_end
        return 0.0, max(trt_end, recovery_end)

    def regimen(self) -> Regimen:
        """The regimen the controls describe (see the module docstring)."""
        controls = self.controls
        doses = []
        if controls["trt_weeks"].value > 0:
            doses.append(Dose(controls["trt_drug"].value, amount=controls["trt_dose"].value,
                              every_days=controls["trt_every_days"].value, start_day=0.0,
                              stop_day=controls["trt_weeks"].value * 7.0))
        for agent in AGENTS:
            if not controls[agent].value:
                continue
            start, stop = self._agent_days(agent)
            if stop <= start:
                continue
            every = controls[f"{agent}_every_days"].value
            if agent == "gonadorelin" and controls["gonadorelin_mode"].value == PUMP:
                every = DRUGS["gonadorelin"].typical_every_days
            if agent == "gonadorelin" and controls["gonadorelin_mode"].value == CONTINUOUS:
                every = GONADORELIN_CONTINUOUS_EVERY_DAYS
            doses.append(Dose(agent, amount=controls[f"{agent}_dose"].value, every_days=every,
                              start_day=start, stop_day=stop))
        return Regimen(doses)

    def patient(self) -> Patient:
        controls = self.controls
        testosterone = controls["baseline_testosterone"].value
        sperm = controls["baseline_sperm"].value
        typical_testosterone = testosterone == TYPICAL
        return Patient(age=controls["age"].value,
                       baseline_testosterone=None if typical_testosterone else testosterone,
                       baseline_sperm=None if sperm == TYPICAL else sperm,
                       low_testosterone_origin="testicular" if typical_testosterone
                       else controls["low_testosterone_origin"].value)

    # ------------------------------------------------------------------ views

    def _timeseries_chart(self):
        return charts.timeseries_chart(self.result, compare=self.pinned, window_days=(0.0, self.window_days),
                                       cursor_day=self.cursor_day, series_capacity=self.series_capacity)

    def current_chart(self):
        """The time-series chart as on screen, as a standalone Altair chart (for saving)."""
        return charts.timeseries_chart(self.result, compare=self.pinned, window_days=(0.0, self.window_days),
                                       cursor_day=self.cursor_day)

    def current_diagram(self):
        return diagram.axis_diagram(self.result, self.cursor_day)

    def _update_words(self):
        self.summary.text = summary.summary_text(self.result, self.cursor_day, compare=self.pinned)
        self.diagram_text.value = diagram.diagram_text(self.result, self.cursor_day)
        if self.pinned is None:
            self.pin_status.value = "Nothing pinned."
        else:
            self.pin_status.value = f"Pinned (dashed, orange): {_describe_regimen(self.pinned.regimen)}."

    @staticmethod
    def _set_params(jupyter_chart: alt.JupyterChart, values: dict):
        with jupyter_chart.hold_sync():
            for name, value in values.items():
                setattr(jupyter_chart.params, name, value)

    def _redraw(self):
        """Send the new data to the charts on screen (params only: no new chart)."""
        self._set_params(self.chart_widget, {
            **charts.timeseries_params(self.result, compare=self.pinned, window_days=(0.0, self.window_days)),
            charts.CURSOR_PARAM: self.cursor_day,
        })
        self._set_params(self.diagram_widget, diagram.diagram_params(self.result, self.cursor_day))
        self._update_words()

    # ------------------------------------------------------------------ callbacks

    def _connect(self):
        scenario_controls = [name for name, control in self.controls.items()
                             if isinstance(control, widgets.ValueWidget)
                             and name not in ("cursor_day", "export_folder", "scenario_file", "trt_drug")]
        for name in scenario_controls:
            self.controls[name].observe(self._on_scenario_change, names="value")
        self.controls["trt_drug"].observe(self._on_trt_drug, names="value")
        self.controls["cursor_day"].observe(self._on_cursor, names="value")
        self.controls["pin"].on_click(self._on_pin)
        self.controls["unpin"].on_click(self._on_unpin)
        self.controls["export_png"].on_click(lambda _button: self._on_export("png"))
        self.controls["export_svg"].on_click(lambda _button: self._on_export("svg"))
        self.controls["save_scenario"].on_click(self._on_save_scenario)
        self.controls["load_scenario"].on_click(self._on_load_scenario)

    def _on_scenario_change(self, _change=None):
        if self._quiet:
            return
        with self.errors:
            self._sync_enabled_controls()
            self.controls["cursor_day"].max = int(self.window_days)
            self.rerun()

    def _on_trt_drug(self, change):
        """A new formulation starts from its catalogue dose and interval."""
        drug = DRUGS[change["new"]]
        with self._hold():
            dose = self.controls["trt_dose"]
            settings = _dose_slider_settings(drug.id)
            # Widen before narrowing so the slider never clamps the new value on the way.
            dose.max = max(dose.max, settings["max"])
            dose.step = settings["step"]
            dose.value = drug.typical_amount
            dose.max = settings["max"]
            dose.description = f"Dose ({drug.amount_unit})"
            self.controls["trt_every_days"].value = drug.typical_every_days
        self._on_scenario_change()

    def rerun(self) -> bool:
        """Simulate what the controls say; on success redraw in place and return True.

        A ValueError from the model (a dose or patient it does not accept) is shown in
        ``wb.errors`` in words, and the charts keep the last scenario that ran.
        """
        try:
            result = simulate(self.regimen(), days=self.window_days, patient=self.patient())
        except ValueError as problem:
            self._show_problem(problem)
            return False
        self.errors.outputs = ()
        self.result = result
        self._redraw()
        return True

    def _show_problem(self, problem: Exception, what: str = "This setting cannot be simulated"):
        self.errors.outputs = ()
        self.errors.append_stderr(
            f"{what}: {problem}.\n"
            "The charts still show the last scenario that ran; change the setting to continue.\n")

    def _on_cursor(self, _change):
        with self.errors:
            day = self.cursor_day
            self._set_params(self.chart_widget, {charts.CURSOR_PARAM: day})
            self._set_params(self.diagram_widget, diagram.diagram_params(self.result, day))
            self._update_words()

    def _on_pin(self, _button=None):
        with self.errors:
            self.pinned = self.result
            self.controls["unpin"].disabled = False
            self.chart_widget.chart = self._timeseries_chart()
            self._update_words()

    def _on_unpin(self, _button=None):
        with self.errors:
            self.pinned = None
            self.controls["unpin"].disabled = True
            self.chart_widget.chart = self._timeseries_chart()
            self._update_words()

    def export(self, formats=("png", "svg")) -> list[Path]:
        """Save the time-series chart and the diagram into the chosen folder; returns the paths."""
        folder = Path(self.controls["export_folder"].value.strip() or ".").expanduser().resolve()
        stem = _free_stem(folder, f"hpg-week{self.cursor_day / 7:.0f}", formats)
        written = charts.export_chart(self.current_chart(), folder, f"{stem}-chart", formats)
        written_diagram = charts.export_chart(self.current_diagram(), folder, f"{stem}-diagram", formats)
        return [*written.values(), *written_diagram.values()]

    def _on_export(self, fmt: str):
        with self.errors:
            try:
                paths = self.export((fmt,))
            except (ValueError, OSError) as problem:
                self.export_status.value = ""
                self._show_problem(problem, "The figure could not be saved")
                return
            self.export_status.value = "Saved: " + ", ".join(markup.code(path) for path in paths)

    # ------------------------------------------------------------------ scenarios

    def to_scenario(self, title: str = "", notes: str = "") -> Scenario:
        """What the controls show, as an ``hpg.Scenario`` (regimen, patient, weeks shown)."""
        return Scenario(self.regimen(), self.patient(), view={"days": int(self.window_days)},
                        title=title, notes=notes)

    def apply_scenario(self, scenario: Scenario) -> None:
        """Set the controls to show ``scenario`` and rerun.

        The controls speak in weeks and hold one course per agent, so not every scenario
        fits them. The controls are set, the regimen and patient they describe are rebuilt
        and compared with the scenario's (same dose events, same patient); if they differ,
        the controls go back to what they were and a ValueError says what did not fit.
        """
        if not isinstance(scenario, Scenario):
            raise ValueError(f"apply_scenario needs an hpg.Scenario, got {scenario!r}")
        settings = _controls_for(scenario)
        before = {name: control.value for name, control in self.controls.items()
                  if isinstance(control, widgets.ValueWidget)}
        self._set_controls(settings)
        days = float(scenario.days)
        same_doses = _dose_events(self.regimen(), days) == _dose_events(scenario.regimen, days)
        if not same_doses or self.patient() != scenario.patient:
            self._set_controls(before)
            what = "its doses" if not same_doses else "its patient"
            raise ValueError(f"the Workbench's controls cannot show this scenario exactly ({what} do not fit "
                             "their weeks, ranges or choices); use scenario.simulate() and "
                             "hpgwidgets.charts.timeseries_chart() for it instead")
        self._sync_enabled_controls()
        self.controls["cursor_day"].max = int(self.window_days)
        self.rerun()

    def _set_controls(self, settings: dict):
        with self._hold():
            # The formulation resets dose and interval, and the window bounds the day: set those first.
            for name in ("trt_drug", "window_weeks"):
                if name in settings:
                    self.controls[name].value = settings[name]
            self.controls["cursor_day"].max = int(self.window_days)
            for name, value in settings.items():
                self.controls[name].value = value

    def _scenario_path(self) -> str:
        return self.controls["scenario_file"].value.strip()

    def _on_save_scenario(self, _button=None):
        with self.errors:
            try:
                path = self.to_scenario().save(self._scenario_path() or "my-scenario.json")
            except (ValueError, OSError) as problem:
                self._show_problem(problem, "The scenario could not be saved")
                return
            self.export_status.value = f"Scenario saved: {markup.code(path)}"

    def _on_load_scenario(self, _button=None):
        with self.errors:
            name = self._scenario_path()
            try:
                scenario = load_scenario(name) if name in list_scenarios() else Scenario.load(name)
                self.apply_scenario(scenario)
            except (ValueError, OSError) as problem:
                self._show_problem(problem, f"The scenario {name!r} could not be loaded")
                return
            self.export_status.value = f"Scenario loaded: {markup.text(scenario.title or name)}"

    # ------------------------------------------------------------------ layout

    def _layout(self) -> list[widgets.Widget]:
        c = self.controls

        def box(*children):
            return widgets.VBox(list(children))

        agent_boxes = []
        for agent in AGENTS:
            parts = [c[agent], c[f"{agent}_dose"]]
            if agent == "gonadorelin":
                parts.append(c["gonadorelin_mode"])
            parts += [c[f"{agent}_every_days"], c[f"{agent}_timing"]]
            agent_boxes.append(box(*parts))
        tabs = widgets.Tab(children=[
            box(c["trt_drug"], c["trt_dose"], c["trt_every_days"], c["trt_weeks"]),
            box(c["recovery_start"], c["recovery_weeks"], *agent_boxes),
            box(c["age"], c["baseline_testosterone"], c["low_testosterone_origin"], c["baseline_sperm"]),
            box(c["window_weeks"], c["export_folder"], widgets.HBox([c["export_png"], c["export_svg"]]),
                c["scenario_file"], widgets.HBox([c["save_scenario"], c["load_scenario"]]), self.export_status),
        ])
        for index, title in enumerate(("TRT", "Recovery", "Patient", "View")):
            tabs.set_title(index, title)
        tabs.add_class("hpg-controls")
        tabs.layout = widgets.Layout(width=CONTROLS_WIDTH, min_width=CONTROLS_WIDTH)
        title = widgets.HTML(
            WORKBENCH_CSS + "<h3 style='margin:0.2em 0'>HPG axis workbench</h3>"
            "<div style='color:#444'>A simplified teaching model: it shows mechanisms, "
            "it does not give dosing advice.</div>")
        pin_row = widgets.HBox([c["pin"], c["unpin"], self.pin_status])
        diagram_row = widgets.HBox([self.diagram_widget, widgets.VBox([c["cursor_day"], self.diagram_text])])
        return [title, self.summary, widgets.HBox([tabs, widgets.VBox([pin_row, self.chart_area])]),
                diagram_row, self.errors]


def _dose_events(regimen: Regimen, days: float) -> list[tuple]:
    """Every dose given within ``days``: (day, drug, amount), in time order."""
    return sorted((round(float(day), 6), dose.drug, dose.amount) for dose in regimen for day in dose.times(days))


def _controls_for(scenario: Scenario) -> dict:
    """Control values that describe ``scenario`` (apply_scenario checks they really do)."""
    days = float(scenario.days)
    settings = {"window_weeks": min(max(math.ceil(days / 7), WINDOW_WEEKS_RANGE[0]), WINDOW_WEEKS_RANGE[1])}
    patient = scenario.patient
    settings["age"] = int(round(patient.age))
    settings["baseline_testosterone"] = TYPICAL if patient.baseline_testosterone is None else patient.baseline_testosterone
    settings["baseline_sperm"] = TYPICAL if patient.baseline_sperm is None else patient.baseline_sperm
    settings["low_testosterone_origin"] = patient.low_testosterone_origin
    for name, choices in (("baseline_testosterone", BASELINE_TESTOSTERONE_CHOICES),
                          ("baseline_sperm", BASELINE_SPERM_CHOICES)):
        if settings[name] != TYPICAL and settings[name] not in choices:
            raise ValueError(f"{name} = {settings[name]:g} is not one of the Workbench's choices ({choices[0]:g} "
                             f"to {choices[-1]:g}); use scenario.simulate() instead")
    trt = [dose for dose in scenario.regimen if dose.drug in TRT_DRUGS]
    if len(trt) > 1:
        raise ValueError("the scenario has more than one testosterone course; the Workbench shows one")
    trt_end = 0.0
    settings["trt_weeks"] = 0
    if trt:
        dose = trt[0]
        trt_end = dose.end(days)
        settings.update(trt_drug=dose.drug, trt_dose=dose.amount, trt_every_days=dose.every_days,
                        trt_weeks=int(round(trt_end / 7)))
    recovery = None
    for agent in AGENTS:
        courses = scenario.regimen.doses_of(agent)
        settings[agent] = bool(courses)
        if not courses:
            continue
        if len(courses) > 1:
            raise ValueError(f"the scenario has more than one course of {agent}; the Workbench shows one per agent")
        dose = courses[0]
        start, end = dose.start_day, dose.end(days)
        settings[f"{agent}_dose"] = dose.amount
        if agent == "gonadorelin":
            mode = {DRUGS["gonadorelin"].typical_every_days: PUMP,
                    GONADORELIN_CONTINUOUS_EVERY_DAYS: CONTINUOUS}.get(dose.every_days, INJECTION)
            settings["gonadorelin_mode"] = mode
            if mode == INJECTION:
                settings["gonadorelin_every_days"] = dose.every_days
        else:
            settings[f"{agent}_every_days"] = dose.every_days
        if trt and start == 0 and abs(end - trt_end) < 7:
            settings[f"{agent}_timing"] = WITH_TRT
            continue
        settings[f"{agent}_timing"] = BOTH if (start == 0 and trt) else RECOVERY
        window = (trt_end if start == 0 else start, end)
        if recovery is not None and recovery != window:
            raise ValueError("recovery agents in the scenario run over different weeks; the Workbench has one "
                             "recovery phase")
        recovery = window
    if recovery is not None:
        settings["recovery_start"] = int(round(recovery[0] / 7))
        settings["recovery_weeks"] = max(int(round((recovery[1] - recovery[0]) / 7)), RECOVERY_WEEKS_RANGE[0])
    return settings


def _describe_regimen(regimen) -> str:
    if not len(regimen):
        return "no treatment"
    def weeks(dose):
        end = "end" if dose.stop_day is None else f"{dose.stop_day / 7:g}"
        return f"weeks {dose.start_day / 7:g}-{end}"

    return "; ".join(f"{DRUGS[dose.drug].name} {dose.amount:g} {DRUGS[dose.drug].amount_unit} "
                     f"every {dose.every_days:g} d, {weeks(dose)}" for dose in regimen)


def _free_stem(folder: Path, stem: str, formats) -> str:
    """``stem``, or ``stem-2``, ``stem-3``... so an export never overwrites an earlier one."""
    candidate, number = stem, 1
    while any((folder / f"{candidate}-{kind}.{fmt}").exists() for kind in ("chart", "diagram") for fmt in formats):
        number += 1
        candidate = f"{stem}-{number}"
    return candidate
