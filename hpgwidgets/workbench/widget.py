"""The Workbench widget: its declared state and the wiring between its four parts.

State, declared as traits (as Altair's JupyterChart and ipympl do):

- ``controls.values``: what the controls say (``Controls``);
- ``result``: the simulation on screen, the last one the model accepted;
- ``pinned``: a result kept on the chart for comparison, or None;
- ``problem``: why the controls' setting could not be simulated ("" when it could).

Values change -> simulate -> ``result`` -> the view redraws in place. Moving the diagram's
day reruns nothing.
"""
from __future__ import annotations

import ipywidgets as widgets
import traitlets

from .. import validation
from ..charts import enable_offline_charts
from ..scenario import Scenario
from ..simulation import Result, simulate
from . import mapping
from .controls import Controls
from .files import FileActions
from .view import ChartView, ContainerWidth

CONTROLS_WIDTH = "27em"
WORKBENCH_CSS = """
<style>
.hpg-workbench { font-size: 15px; }
.hpg-workbench .widget-label, .hpg-workbench .widget-readout, .hpg-workbench .widget-checkbox label,
.hpg-workbench .jupyter-widgets .widget-label-basic, .hpg-workbench .widget-radio-box label { font-size: 15px; }
.hpg-workbench .hpg-main { flex-wrap: wrap; gap: 8px 16px; align-items: flex-start; }
.hpg-workbench .hpg-chart-column { flex: 1 1 720px; min-width: 0; }  /* two panels a row, or wrap below */
.hpg-workbench .hpg-chart { overflow-x: auto; max-width: 100%; }
.hpg-workbench .hpg-diagram-row { flex-wrap: wrap; gap: 8px 16px; }
.hpg-workbench .hpg-diagram-text { font-size: 14px; color: #333; max-width: 40em; }
/* A wide Workbench (JupyterLab at 1920 px, even with the file browser open) has its controls beside a
   chart two rows of panels tall: they left about 430x400 px blank. There the diagram's day slider and
   its sentence stand under the controls, and the diagram below them all. The Workbench is a grid whose
   parts span both columns until the box it measures (a container query: in JupyterLab it is narrower
   than the window) is wide enough; the first column is never wider than the controls' 27em. */
.hpg-workbench.widget-vbox { container-type: inline-size; display: grid;
  grid-template-columns: minmax(0, 27em) minmax(0, 1fr); column-gap: 16px; align-items: start;
  grid-template-rows: auto auto auto 1fr; }  /* the chart's extra height goes under the controls' row */
.hpg-workbench.widget-vbox > * { grid-column: 1 / -1; }
@container (min-width: 1400px) {
  .hpg-workbench .hpg-main, .hpg-workbench .hpg-diagram-row { display: contents; }
  .hpg-workbench .hpg-controls { grid-column: 1; grid-row: 3; }
  .hpg-workbench .hpg-chart-column { grid-column: 2; grid-row: 3 / span 2; }
  .hpg-workbench .hpg-diagram-row > .widget-vbox { grid-column: 1; grid-row: 4; margin-top: 12px; }
  .hpg-workbench .hpg-diagram { grid-column: 1 / -1; grid-row: 5; }
}
</style>
"""


class Workbench(widgets.VBox):
    """Interactive HPG-axis workbench (an ipywidgets VBox; show it as a cell's last expression).

    Keyword arguments override the starting value of any control, e.g.
    ``Workbench(trt_dose=100, hcg=True, window_weeks=104)``; a formulation starts from its
    own catalogue dose and interval (``Workbench(trt_drug="testosterone_undecanoate")``).
    """

    result = traitlets.Instance(Result, help="the simulation on screen (the last the model accepted)")
    pinned = traitlets.Instance(Result, allow_none=True, help="a simulation kept on the chart for comparison")
    problem = traitlets.Unicode("", help="why the controls' setting could not be simulated, or ''")

    def __init__(self, **start_values):
        enable_offline_charts()
        self.settings = Controls(**start_values)
        self.errors = widgets.Output()
        self.errors.add_class("hpg-errors")
        self.files = FileActions(self)
        values = self.settings.values
        result = simulate(mapping.regimen_of(values), days=mapping.window_days(values),
                          patient=mapping.patient_of(values))
        self.view = ChartView(result, window_days=mapping.window_days(values), cursor_day=self._cursor(result),
                              series_capacity=2 * (mapping.WINDOW_WEEKS_RANGE[1] * 7 + 1))
        self.controls = {**self.settings.widgets, **self.files.widgets, **self.view.buttons}
        self.chart_width = ContainerWidth()
        super().__init__(self._layout(), result=result)
        self.add_class("hpg-workbench")
        self.settings.observe(lambda _change: self.rerun(), names="values")
        self.controls["cursor_day"].observe(self._on_cursor, names="value")
        self.controls["pin"].on_click(lambda _button: self.set_trait("pinned", self.result))
        self.controls["unpin"].on_click(lambda _button: self.set_trait("pinned", None))
        self.chart_width.observe(self._on_chart_width, names="width")

    # ------------------------------------------------------------------ what is on screen

    @property
    def window_days(self) -> float:
        return mapping.window_days(self.settings.values)

    def _cursor(self, result) -> float:
        return float(min(self.controls_value("cursor_day"), result.t[-1]))

    def controls_value(self, name: str):
        """The value of the control called ``name`` (see ``mapping.CONTROLS``)."""
        return self.settings.widgets[validation.choice("name", name, self.settings.widgets)].value

    @property
    def cursor_day(self) -> float:
        """The diagram's day, within the simulation on screen (which may lag a rejected setting)."""
        return self._cursor(self.result)

    # the parts under their public names (tests and notebooks use them)
    chart_widget = property(lambda self: self.view.chart_widget)
    chart_area = property(lambda self: self.view.chart_area)
    diagram_widget = property(lambda self: self.view.diagram_widget)
    diagram_text = property(lambda self: self.view.diagram_text)
    summary = property(lambda self: self.view.summary)
    pin_status = property(lambda self: self.view.pin_status)
    export_status = property(lambda self: self.files.status)

    def regimen(self):
        """The regimen the controls describe (see ``hpgwidgets.workbench.mapping``)."""
        return mapping.regimen_of(self.settings.values)

    def patient(self):
        return mapping.patient_of(self.settings.values)

    def to_scenario(self, title: str = "", notes: str = "") -> Scenario:
        """What the controls show, as an ``hpg.Scenario`` (regimen, patient, weeks shown)."""
        return mapping.scenario_of(self.settings.values, title, notes)

    def apply_scenario(self, scenario: Scenario) -> None:
        """Set the controls to show ``scenario`` and rerun.

        The controls speak in weeks and hold one course per agent, so not every scenario
        fits them: when the values cannot reproduce the scenario's dose events and patient,
        a ValueError says what did not fit and the controls stay as they were.
        """
        validation.instance("scenario", scenario, Scenario, "an hpg.Scenario (e.g. hpg.load_scenario('trt_alone'))")
        values = mapping.values_for(scenario)
        what = mapping.mismatch(values, scenario)
        if what is not None:
            raise ValueError(f"the Workbench's controls cannot show this scenario exactly ({what} do not fit "
                             "their weeks, ranges or choices); use scenario.simulate() and "
                             "hpgwidgets.charts.timeseries_chart() for it instead")
        self.settings.set_values(values)

    def figures(self) -> dict:
        """The chart and the diagram as on screen, as standalone Altair charts (for saving)."""
        return self.view.figures(self.result, self.pinned, window_days=self.window_days, cursor_day=self.cursor_day)

    def current_chart(self):
        return self.figures()["chart"]

    def current_diagram(self):
        return self.figures()["diagram"]

    def export(self, formats=("png", "svg")):
        """Save the chart and the diagram into the chosen folder; returns the paths."""
        return self.files.export(formats)

    # ------------------------------------------------------------------ state changes

    def rerun(self) -> bool:
        """Simulate what the controls say; on success show it and return True.

        A ValueError from the model (a dose or patient it does not accept) becomes
        ``problem``, shown in words under the charts, and the charts keep the last scenario.
        """
        values = self.settings.values
        try:
            result = simulate(mapping.regimen_of(values), days=mapping.window_days(values),
                              patient=mapping.patient_of(values))
        except ValueError as problem:
            self.show_problem(problem)
            return False
        self.problem = ""
        self.result = result
        return True

    def show_problem(self, problem: Exception, what: str = "This setting cannot be simulated"):
        self.problem = (f"{what}: {problem}.\n"
                        "The charts still show the last scenario that ran; change the setting to continue.\n")

    @traitlets.observe("problem")
    def _on_problem(self, change):
        self.errors.outputs = ()
        if change["new"]:
            self.errors.append_stderr(change["new"])

    @traitlets.observe("result", "pinned")
    def _on_shown(self, _change):
        with self.errors:
            self.view.show(self.result, self.pinned, window_days=self.window_days, cursor_day=self.cursor_day)

    def _on_chart_width(self, change):
        with self.errors:
            self.view.fit(change["new"], self.chart_width.viewport_height, self.result, self.pinned,
                          window_days=self.window_days, cursor_day=self.cursor_day)

    def _on_cursor(self, _change):
        with self.errors:
            self.view.move_cursor(self.result, self.pinned, self.cursor_day)

    # ------------------------------------------------------------------ layout

    def _layout(self) -> list[widgets.Widget]:
        pages = self.settings.tab_pages()
        pages["View"] += self.files.tab_page()
        tabs = widgets.Tab(children=[widgets.VBox(children) for children in pages.values()], titles=list(pages))
        tabs.add_class("hpg-controls")
        # 27em beside the chart; up to 36em (longer slider tracks) when the chart wraps below.
        tabs.layout = widgets.Layout(flex=f"1 1 {CONTROLS_WIDTH}", max_width="36em",
                                     min_width=f"min({CONTROLS_WIDTH}, 100%)")
        title = widgets.HTML(
            WORKBENCH_CSS + "<h3 style='margin:0.2em 0'>HPG axis workbench</h3>"
            "<div style='color:#444'>A simplified teaching model: it shows mechanisms, "
            "it does not give dosing advice.</div>")
        view = self.view
        pin_row = widgets.HBox([self.controls["pin"], self.controls["unpin"], view.pin_status])
        chart_column = widgets.VBox([pin_row, self.chart_width, view.chart_area])
        chart_column.add_class("hpg-chart-column")
        main = widgets.HBox([tabs, chart_column])
        main.add_class("hpg-main")
        diagram_row = widgets.HBox([view.diagram_widget,
                                    widgets.VBox([self.controls["cursor_day"], view.diagram_text])])
        diagram_row.add_class("hpg-diagram-row")
        return [title, view.summary, main, diagram_row, self.errors]
