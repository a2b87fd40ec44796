"""Classroom: preset teaching scenarios a lecturer switches with one click, sized for a projector.

``make present`` serves ``notebooks/classroom.ipynb`` (which shows ``Classroom()``) as a
Voila dashboard: no code, large fonts, one button per preset scenario from
``data/scenarios/``, the preset's teaching notes, and a slider for the days shown.
"""
from __future__ import annotations

import html

import altair as alt
import ipywidgets as widgets

from .charts import enable_offline_charts, timeseries_chart
from .scenario import Scenario, list_scenarios, load_scenario

# Large type for the back of a lecture hall; scoped to the Classroom so it never restyles
# the rest of JupyterLab when the widget is shown in a notebook.
CLASSROOM_CSS = """
<style>
.hpg-classroom { font-size: 20px; }
.hpg-classroom .widget-toggle-buttons .widget-toggle-button {
  font-size: 19px; height: auto; min-height: 42px; width: auto; padding: 6px 14px; }
.hpg-classroom .widget-label, .hpg-classroom .widget-readout,
.hpg-classroom .widget-inline-hbox .widget-label { font-size: 19px; }
.hpg-classroom .hpg-classroom-notes { font-size: 21px; line-height: 1.45; max-width: 70em; }
.hpg-classroom .hpg-classroom-notes h2 { font-size: 30px; margin: 0.3em 0; }
</style>
"""
SHORTEST_VIEW_DAYS = 28  # four weeks: shorter views show only the first injections
LONGEST_SLIDER_DAYS = 4 * 365  # the longest preset shows three years; leave room to look further


ACRONYMS = {"trt": "TRT", "hcg": "hCG"}


def preset_label(name: str) -> str:
    """Button text for a preset file name: "trt_plus_hcg" -> "TRT plus hCG"."""
    label = " ".join(ACRONYMS.get(word, word) for word in name.split("_"))
    return label[:1].upper() + label[1:]


class Classroom(widgets.VBox):
    """One button per preset scenario, its notes, a days slider and the chart, redrawn in place.

    ``Classroom()`` shows every preset in ``data/scenarios/``; ``Classroom(["trt_alone",
    "trt_plus_hcg"])`` only those, in that order.
    """

    def __init__(self, presets=None):
        names = list_scenarios() if presets is None else list(presets)
        if not names:
            raise ValueError(f"Classroom needs at least one preset; available: {list_scenarios()}")
        self.scenarios: dict[str, Scenario] = {name: load_scenario(name) for name in names}
        enable_offline_charts()

        self.picker = widgets.ToggleButtons(
            options=[(preset_label(name), name) for name in names], value=names[0],
            layout=widgets.Layout(width="auto"),
        )
        self.notes = widgets.HTML()
        self.notes.add_class("hpg-classroom-notes")
        preset_days = [scenario.days for scenario in self.scenarios.values()]
        self.days = widgets.IntSlider(
            min=min([SHORTEST_VIEW_DAYS, *preset_days]), max=max([LONGEST_SLIDER_DAYS, *preset_days]),
            description="Days shown",
            continuous_update=False, style={"description_width": "initial"},
            layout=widgets.Layout(width="640px"),
        )
        self._show_notes_and_days()
        self.chart = alt.JupyterChart(self._chart())
        super().__init__([widgets.HTML(CLASSROOM_CSS), self.picker, self.notes, self.days, self.chart])
        self.add_class("hpg-classroom")

        self.picker.observe(self._on_preset, names="value")
        self.days.observe(self._on_days, names="value")

    @property
    def scenario(self) -> Scenario:
        """The scenario on screen (the chosen preset, with the days from the slider)."""
        preset = self.scenarios[self.picker.value]
        return preset.replace(view={**preset.view, "days": self.days.value})

    def _show_notes_and_days(self) -> bool:
        """Show the chosen preset's notes and days; True if the days slider moved."""
        preset = self.scenarios[self.picker.value]
        self.notes.value = f"<h2>{html.escape(preset.title)}</h2><p>{html.escape(preset.notes)}</p>"
        moved = self.days.value != preset.days
        self.days.value = preset.days
        return moved

    def _on_preset(self, change):
        if not self._show_notes_and_days():  # a moved slider redraws through _on_days
            self._redraw()

    def _on_days(self, change):
        self._redraw()

    def _chart(self):
        scenario = self.scenario
        return timeseries_chart(scenario.simulate(), variables=scenario.variables)

    def _redraw(self):
        self.chart.chart = self._chart()  # in place: the view updates, no new output
