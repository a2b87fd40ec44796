"""Classroom: preset teaching scenarios a lecturer switches with one click, sized for a projector.

``make present`` serves ``notebooks/classroom.ipynb`` (which shows ``Classroom()``) as a
Voila dashboard: no code, large type, one button per preset scenario from
``data/scenarios/``, the preset's teaching notes, a button that overlays the preset its
notes compare it with, and a slider for the days shown.

Built for a lecture hall:

- every preset is simulated when the dashboard opens and kept (``Classroom.result``
  caches by preset and days), so a switch only sends data;
- each preset (overlaid or not, at the width on screen) has its own chart, made once
  (``charts.timeseries_spec``: milliseconds) and then only hidden or shown: switching back
  to a preset never asks the browser to rebuild a chart it has drawn before, and the days
  slider updates the shown chart's params in one message;
- the heading is part of the chart, so the new heading never stands over the old curves;
- the chart is rebuilt to the width of its box (``ContainerWidth``), with larger type on
  a projector-sized screen;
- a preset whose drug pulses from day 0 (a gonadorelin pump) opens on LEAD_IN_DAYS of the
  same man untreated: his doses are moved that many days later (the model and the scenario
  file are unchanged; every dose keeps its place relative to the first), and the chart's
  clock starts at the first pulse, so the untreated stretch reads as weeks -4 to 0. The
  pump's man has no GnRH drive of his own: without that stretch the chart never showed
  what the pump switches on.
"""
from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import re

import ipywidgets as widgets

from . import markup
from .chart_widget import set_params, spec_chart
from .charts import ChartSize, enable_offline_charts, key_lines, timeseries_params, timeseries_spec
from .regimen import Regimen
from .scenario import Scenario, list_scenarios, load_scenario
from .workbench.view import CHART_WIDGET_OPTIONS, ContainerWidth

# Large type for the back of a lecture hall; scoped to the Classroom so it never restyles
# the rest of JupyterLab when the widget is shown in a notebook.
# The controls, notes and key stand in a column beside the chart, so the chart starts at the top
# of the screen and every panel of a preset, and every control, fits a 1280x720 projector without
# scrolling. The type grows with the screen's height (18 px at 720, 20 px at 900, 22 px from 1060
# up); the preset buttons never go below the 18 px the back row of a lecture hall can read.
CLASSROOM_CSS = """
<style>
.hpg-classroom { font-size: clamp(18px, calc(1.1vh + 10.5px), 22px); }
.hpg-classroom .hpg-classroom-main { flex-wrap: nowrap; gap: 18px; align-items: flex-start; }
.hpg-classroom .hpg-classroom-side { flex: 0 0 clamp(240px, 20vw, 400px); min-width: 0; gap: 0.3em; }
.hpg-classroom .hpg-classroom-chart-column { flex: 1 1 auto; min-width: 0; }
.hpg-classroom .widget-toggle-buttons { flex-wrap: wrap; gap: 4px; }
.hpg-classroom .widget-toggle-buttons .widget-toggle-button, .hpg-classroom .hpg-classroom-overlay {
  font-size: max(18px, 0.9em); height: auto; min-height: 1.7em; width: auto; padding: 0.1em 0.5em;
  white-space: normal; margin: 0; line-height: 1.25; }
.hpg-classroom .widget-label, .hpg-classroom .widget-readout,
.hpg-classroom .widget-inline-hbox .widget-label { font-size: max(18px, 0.9em); }
/* the days slider's label above its track: beside it, a 240-px column left the track 45 px */
.hpg-classroom .hpg-classroom-days { flex-wrap: wrap; height: auto; }
.hpg-classroom .hpg-classroom-days .widget-label { flex: 1 0 100%; max-width: none; text-align: left; }
.hpg-classroom .hpg-classroom-days .slider-container { flex: 1 1 auto; }
.hpg-classroom .hpg-classroom-notes { font-size: 1em; }
.hpg-classroom .hpg-classroom-notes .widget-html-content { line-height: 1.3; }
.hpg-classroom .hpg-classroom-notes p { margin: 0.1em 0; }
.hpg-classroom .hpg-classroom-key { font-size: max(13px, 0.7em); color: #333; }
.hpg-classroom .hpg-classroom-key .widget-html-content { line-height: 1.25; }
.hpg-classroom .hpg-classroom-chart-box { max-width: 100%; }
/* The column never runs below the window (6em: the page's heading above it). At 1280x720 the longest
   notes and the key ended 200 px below it; now a short screen sets the notes a size smaller, and notes
   still too long for the room left scroll inside their own box: the key under them stays in sight. */
.hpg-classroom .hpg-classroom-side { max-height: calc(100vh - 6em); }
.hpg-classroom .hpg-classroom-side > * { flex-shrink: 0; }
.hpg-classroom .hpg-classroom-side > .hpg-classroom-notes { flex-shrink: 1; min-height: 4em; overflow-y: auto; }
@media (max-height: 800px) {
  .hpg-classroom .hpg-classroom-notes { font-size: 0.85em; }
  .hpg-classroom .hpg-classroom-key { font-size: 13px; }  /* the back row's smallest */
}
</style>
"""
ROOM_BELOW_CHART_PX = 12  # kept free under the chart (a scroll bar would otherwise appear)
SHORTEST_VIEW_DAYS = 28  # four weeks: shorter views show only the first injections
LONGEST_SLIDER_DAYS = 4 * 365  # the longest preset shows three years; leave room to look further
# A drug pulsed more often than daily from day 0 (a gonadorelin pump) opens on this many days of the man
# untreated (see the module docstring).
PULSED_EVERY_DAYS = 1.0
LEAD_IN_DAYS = 28
PREPARE_AFTER_S = 4.0  # the other presets' charts are made this long after the page first reports its width

ACRONYMS = {"trt": "TRT", "hcg": "hCG"}


def preset_label(name: str) -> str:
    """Button text for a preset file name: "trt_plus_hcg" -> "TRT plus hCG"."""
    label = " ".join(ACRONYMS.get(word, word) for word in name.split("_"))
    return label[:1].upper() + label[1:]


def readable_notes(notes: str, names) -> str:
    """``notes`` with each quoted preset file name ('trt_alone') as its button's label ("TRT alone")."""
    return re.sub(r"'([a-z0-9_]+)'", lambda match: f"\u201c{preset_label(match[1])}\u201d" if match[1] in names
                  else match[0], notes)


def compared_preset(scenario: Scenario, names) -> str | None:
    """The preset a scenario's notes compare it with ("Compare with 'trt_alone'"), if it is one of ``names``."""
    for quoted in re.findall(r"'([a-z0-9_]+)'", scenario.notes):
        if quoted in names:
            return quoted
    return None


def lead_in_days(scenario: Scenario) -> int:
    """LEAD_IN_DAYS when a pulsed drug starts on day 0 (the chart then opens on the man untreated), else 0."""
    pulsed = any(dose.every_days < PULSED_EVERY_DAYS and dose.start_day == 0 for dose in scenario.regimen)
    return LEAD_IN_DAYS if pulsed else 0


def with_lead_in(scenario: Scenario, days: int, lead_in: int) -> Scenario:
    """``scenario`` over ``days`` days of treatment and follow-up, its doses ``lead_in`` days later."""
    regimen = Regimen([dataclasses.replace(dose, start_day=dose.start_day + lead_in,
                                           stop_day=None if dose.stop_day is None else dose.stop_day + lead_in)
                       for dose in scenario.regimen])
    return scenario.replace(regimen=regimen, view={**scenario.view, "days": int(days) + lead_in})


def _after_first_load(callback):
    """Run ``callback`` PREPARE_AFTER_S from now in the kernel's event loop (at once without one):
    the dashboard's other charts are drawn first, and the page's first load does not wait for
    the hidden ones."""
    from IPython import get_ipython

    shell = get_ipython()
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    # only a kernel serves a page that could draw first; elsewhere (a test, a script, a loop left
    # running by another library) the charts are made at once
    if loop is None or shell is None or not hasattr(shell, "kernel"):
        callback()
        return
    loop.call_later(PREPARE_AFTER_S, callback)


class Classroom(widgets.VBox):
    """One button per preset scenario, its notes, an overlay button, a days slider and the chart.

    ``Classroom()`` shows every preset in ``data/scenarios/``; ``Classroom(["trt_alone",
    "trt_plus_hcg"])`` only those, in that order.
    """

    def __init__(self, presets=None):
        names = list_scenarios() if presets is None else list(presets)
        if not names:
            raise ValueError(f"Classroom needs at least one preset; available: {list_scenarios()}")
        self.scenarios: dict[str, Scenario] = {name: load_scenario(name) for name in names}
        self.partners = {name: compared_preset(scenario, names) for name, scenario in self.scenarios.items()}
        enable_offline_charts()
        self._results = {}
        for name, scenario in self.scenarios.items():  # simulate every preset now: switching only sends data
            self.result(name, scenario.days)
        self._holding, self._redraw_wanted = False, False

        self.picker = widgets.ToggleButtons(options=[(preset_label(name), name) for name in names], value=names[0],
                                            layout=widgets.Layout(width="auto"))
        self.picker.add_class("hpg-classroom-presets")
        self.overlay = widgets.ToggleButton(value=False, layout=widgets.Layout(width="auto"))
        self.overlay.add_class("hpg-classroom-overlay")
        self.notes = widgets.HTML()
        self.notes.add_class("hpg-classroom-notes")
        preset_days = [scenario.days for scenario in self.scenarios.values()]
        # rows for two scenarios over the longest view: a switch never outgrows the chart
        self.series_capacity = 2 * (max([LONGEST_SLIDER_DAYS, *preset_days]) + 1)
        self.days = widgets.IntSlider(
            min=min([SHORTEST_VIEW_DAYS, *preset_days]), max=max([LONGEST_SLIDER_DAYS, *preset_days]),
            value=self.scenarios[names[0]].days, description="Days shown", continuous_update=False,
            style={"description_width": "initial"}, layout=widgets.Layout(width="auto"),  # the column's width
        )
        self.days.add_class("hpg-classroom-days")
        self.key = widgets.HTML()
        self.key.add_class("hpg-classroom-key")
        self.width_px = 0  # of the chart's box, once the browser has reported it
        self.charts: dict[tuple, widgets.Box] = {}  # view (see _view_of) -> a box holding its JupyterChart
        self.chart_box = widgets.Box()
        self.chart_box.add_class("hpg-classroom-chart-box")
        self.chart_width = ContainerWidth()
        self._layout_key = None
        self._redraw()
        self._show_words()
        # controls first: a long note may run below a 720-px projector's edge, the controls never do
        side = widgets.VBox([self.picker, self.overlay, self.days, self.notes, self.key])
        side.add_class("hpg-classroom-side")
        chart_column = widgets.VBox([self.chart_width, self.chart_box])
        chart_column.add_class("hpg-classroom-chart-column")
        main = widgets.HBox([side, chart_column])
        main.add_class("hpg-classroom-main")
        super().__init__([widgets.HTML(CLASSROOM_CSS), main])
        self.add_class("hpg-classroom")

        self.picker.observe(self._on_preset, names="value")
        self.overlay.observe(self._on_overlay, names="value")
        self.days.observe(lambda _change: self._redraw(), names="value")
        self.chart_width.observe(self._on_width, names="width")

    def result(self, name: str, days: int, lead_in: int | None = None):
        """The simulation of preset ``name`` over ``days`` after its first dose, which comes ``lead_in``
        days in (default: the preset's own, ``lead_in_days``); computed once, then kept."""
        preset = self.scenarios[name]
        lead_in = lead_in_days(preset) if lead_in is None else int(lead_in)
        key = (name, int(days), lead_in)
        if key not in self._results:
            self._results[key] = with_lead_in(preset, days, lead_in).simulate()
        return self._results[key]

    @property
    def scenario(self) -> Scenario:
        """The scenario on screen (the chosen preset, with the days from the slider)."""
        preset = self.scenarios[self.picker.value]
        return preset.replace(view={**preset.view, "days": self.days.value})

    @property
    def chart(self):
        """The JupyterChart on screen (the others in ``charts`` are hidden)."""
        return self.charts[self._layout_key].children[0]

    @property
    def compared(self) -> str | None:
        """The preset overlaid on the chosen one, or None."""
        partner = self.partners[self.picker.value]
        return partner if self.overlay.value and partner is not None else None

    def _chart_inputs(self, name: str | None = None, days: int | None = None, compared: str | None = None) -> dict:
        """What ``timeseries_spec`` needs for a preset (default: what the controls show)."""
        if name is None:
            name, days, compared = self.picker.value, self.days.value, self.compared
        scenario = self.scenarios[name]
        names = (preset_label(name), preset_label(compared) if compared else "")
        lead_in = lead_in_days(scenario)  # the overlaid preset moves with it, so their first doses coincide
        return {"result": self.result(name, days, lead_in), "variables": scenario.variables,
                "size": self.size_for(name), "compare": self.result(compared, days, lead_in) if compared else None,
                "window_days": (0, days + lead_in), "names": names, "origin_day": float(lead_in)}

    def _make_chart(self, key: tuple, inputs: dict):
        """A hidden box holding the chart of ``key`` = (preset, overlaid preset or None, size)."""
        spec = timeseries_spec(**inputs, heading=self.scenarios[key[0]].title, series_capacity=self.series_capacity,
                               key=False)  # the key stands beside the chart
        self.charts[key] = widgets.Box([spec_chart(spec, **CHART_WIDGET_OPTIONS)], layout=widgets.Layout(display="none"))
        self.chart_box.children = tuple(self.charts.values())

    def _show_chart(self, inputs: dict) -> bool:
        """Show the chart of this view, made now if it is new (then True: it already holds the data)."""
        key = (self.picker.value, self.compared, inputs["size"])
        made = key not in self.charts
        if made:
            self._make_chart(key, inputs)
        if key != self._layout_key:
            if self._layout_key in self.charts:
                previous = self.charts[self._layout_key]
                previous.remove_class("hpg-classroom-chart")
                previous.layout.display = "none"
            self.charts[key].add_class("hpg-classroom-chart")
            self.charts[key].layout.display = None
            self._layout_key = key
        return made

    def _show_words(self):
        name = self.picker.value
        self.notes.value = f"<p>{markup.text(readable_notes(self.scenarios[name].notes, self.scenarios))}</p>"
        inputs = self._chart_inputs()
        lines = key_lines(inputs["variables"], inputs["compare"], inputs["names"], 0.0)
        self.key.value = "<br>".join(markup.text(line) for line in lines)
        partner = self.partners[name]
        self.overlay.layout.display = "none" if partner is None else None
        if partner is not None:
            self.overlay.description = f"Overlay {preset_label(partner)}"
            self.overlay.tooltip = f"Draw '{preset_label(partner)}' dashed on the same chart"

    @contextlib.contextmanager
    def _one_redraw(self):
        """Move several controls and redraw once, at the end."""
        self._holding, self._redraw_wanted = True, False
        try:
            yield
        finally:
            self._holding = False
        if self._redraw_wanted:
            self._redraw()

    def _on_overlay(self, _change):
        self._redraw()
        self._show_words()  # the key names the overlaid preset

    def _on_preset(self, _change):
        name = self.picker.value
        with self._one_redraw():
            self.overlay.value = self.overlay.value and self.partners[name] is not None
            self.days.value = self.scenarios[name].days
            self._redraw()  # the preset changed even if nothing else did
        self._show_words()
        partner = self.partners[name]
        size = self.size_for(name)
        if partner is not None and (name, partner, size) not in self.charts:
            # made hidden now, after the switch, so the overlay button shows it at once
            days = self.days.value
            self._make_chart((name, partner, size), self._chart_inputs(name, days, partner))

    def size_for(self, name: str) -> ChartSize:
        """Columns and panel size of preset ``name``'s chart in the box the browser reported."""
        if not self.width_px:
            return ChartSize()
        room = self.chart_width.room_below
        return ChartSize.fitting(self.width_px, list(self.scenarios[name].variables), room and room - ROOM_BELOW_CHART_PX,
                                 height_share=1.0)

    def _on_width(self, change):
        self.width_px = change["new"]
        # charts drawn for another width go first, so that the box's children change once, with the
        # new chart: a chart on screen is drawn once, never drawn and then re-rendered
        for key in [key for key in self.charts if key[2] != self.size_for(key[0])]:
            box = self.charts.pop(key)
            box.children[0].close()
            box.close()
        if self._layout_key not in self.charts:
            self._layout_key = None
        self._redraw()
        self.chart_box.children = tuple(self.charts.values())
        _after_first_load(self._make_every_preset_chart)

    def _make_every_preset_chart(self):
        """Every preset's chart at this width, made now and hidden while the lecturer talks, so
        a first switch to a preset is as quick as a return to it."""
        for name, scenario in self.scenarios.items():
            key = (name, None, self.size_for(name))
            if key not in self.charts:
                self._make_chart(key, self._chart_inputs(name, scenario.days, None))

    def _redraw(self):
        """The chart of this layout shown, and the data in its params (one message)."""
        if self._holding:
            self._redraw_wanted = True
            return
        inputs = self._chart_inputs()
        if self._show_chart(inputs):
            return
        set_params(self.chart, timeseries_params(inputs["result"], inputs["variables"], compare=inputs["compare"],
                                                 window_days=inputs["window_days"], names=inputs["names"],
                                                 size=inputs["size"], origin_day=inputs["origin_day"]))
