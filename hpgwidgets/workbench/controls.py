"""The Workbench's controls: one widget per value of ``mapping.default_values()``, and the diagram's day
(held in days, moved and read in weeks).

``Controls.values`` is a declared trait (a dict of every scenario value) that changes once
per user action, however many widgets that action moves: the Workbench observes it and
reruns the simulation. Every widget lives in ``controls.widgets[name]`` and carries the
CSS class ``hpg-<name>``.
"""
from __future__ import annotations

import contextlib

import ipywidgets as widgets
import traitlets

from ..labs import week_on_clock
from ..pharmacology import DRUGS
from . import mapping as m

DESCRIPTION_WIDTH = "11.5em"  # in em, so a larger font (Voila, a projector) never cuts a label
SLIDER_LAYOUT = {"width": "98%"}
TIMING_OPTIONS = (("with TRT", m.WITH_TRT), ("recovery phase", m.RECOVERY), ("TRT and recovery", m.BOTH))
GONADORELIN_MODES = (("pump (a pulse every 90 min)", m.PUMP), ("injections", m.INJECTION),
                     ("near-continuous (every 15 min)", m.CONTINUOUS))
LOW_T_ORIGINS = (("typical (LH normal)", "mixed"), ("testes (primary)", "testicular"),
                 ("brain (secondary)", "central"), ("no GnRH drive", "no_gnrh"))


def _checked(base: type) -> type:
    """``base`` (an ipywidgets control) whose value, however it is set, first passes ``check``.

    ipywidgets would cut ``45.7`` to 45, clamp 200 to the slider's end and turn ``"yes"``
    into a TraitError; here ``check`` (set by ``Controls``: ``mapping.check_value`` plus
    widening a slider's range to hold a legal value) raises a TypeError or ValueError that
    says what is allowed, or returns the value, which the widget then takes unchanged.
    """
    # Any instead of CInt/CFloat/Bool: those would convert the value before ``check`` sees it;
    # and None too must reach ``check`` (traitlets skips every validator for an allowed None).
    value_trait = traitlets.Any(base.class_traits()["value"].default_value).tag(sync=True)
    value_trait.allow_none = False

    class Checked(base):
        value = value_trait
        check = None

        @traitlets.validate("value")
        def _validate_value(self, proposal):
            value = proposal.value if self.check is None else self.check(proposal.value)
            own = getattr(super(), "_validate_value", None)  # range and option checks of the base widget
            return value if own is None else own(traitlets.Bunch(owner=self, trait=proposal.trait, value=value))

    Checked.__name__ = Checked.__qualname__ = f"Checked{base.__name__}"
    return Checked


IntSlider, FloatSlider, SelectionSlider = _checked(widgets.IntSlider), _checked(widgets.FloatSlider), \
    _checked(widgets.SelectionSlider)
Dropdown, RadioButtons, Checkbox = _checked(widgets.Dropdown), _checked(widgets.RadioButtons), \
    _checked(widgets.Checkbox)


def cursor_label(day: float) -> str:
    """The diagram slider's label, which doubles as its readout: the week it shows (``labs.week_on_clock``)."""
    return f"Diagram at week {week_on_clock(day)}"


def _amount_options(choices):
    return [(f"{amount:g}", amount) for amount in choices]


def _offered(control) -> set:
    return {value for _, value in control.options}


class Controls(traitlets.HasTraits):
    """The widgets that hold the scenario's values, grouped into the TRT, Recovery, Patient and View tabs."""

    values = traitlets.Dict(help="every scenario value the widgets hold (see mapping.default_values)")

    def __init__(self, **start_values):
        super().__init__()
        defaults = m.default_values()
        self.widgets: dict[str, widgets.Widget] = {}
        self._build(defaults)
        self._holding = 0
        self.values = defaults
        for name, control in self.widgets.items():
            control.check = lambda value, name=name: self._checked_value(name, value)
        for name in defaults:
            self.widgets[name].observe(self._on_widget, names="value")
        self.set_values(start_values)
        self._sync_enabled()

    # ------------------------------------------------------------------ building

    def _add(self, name: str, control: widgets.Widget) -> widgets.Widget:
        control.add_class(f"hpg-{name}")
        self.widgets[name] = control
        return control

    def _build(self, values: dict):
        style = {"description_width": DESCRIPTION_WIDTH}
        # Every slider reports when released (or after a key press), not on every pixel of a drag.
        shared = {"continuous_update": False, "style": style, "layout": widgets.Layout(**SLIDER_LAYOUT)}
        add = self._add

        def float_slider(name, low, high, description):
            return add(name, FloatSlider(value=values[name], min=low, max=high, step=m.EVERY_DAYS_STEP,
                                                 description=description, readout_format=".4", **shared))

        def int_slider(name, low, high, description, value=None):
            return add(name, IntSlider(value=values[name] if value is None else value, min=low, max=high,
                                               description=description, **shared))

        def choice_slider(name, options, description):
            return add(name, SelectionSlider(options=options, value=values[name], description=description,
                                                     **shared))

        def dropdown(name, options, description):
            return add(name, Dropdown(options=options, value=values[name], description=description,
                                              style=style, layout=widgets.Layout(**SLIDER_LAYOUT)))

        def radio(name, options, description):
            return add(name, RadioButtons(options=options, value=values[name], description=description,
                                                  style=style, layout=widgets.Layout(width="auto")))

        trt = DRUGS[values["trt_drug"]]
        dropdown("trt_drug", [(DRUGS[drug_id].name, drug_id) for drug_id in m.TRT_DRUGS], "TRT medicine")
        choice_slider("trt_dose", _amount_options(m.dose_choices(trt.id)), f"Dose ({trt.amount_unit})")
        float_slider("trt_every_days", *m.every_days_range(trt.id), "Every (days)")
        int_slider("trt_weeks", *m.TRT_WEEKS_RANGE, "For (weeks)")
        int_slider("recovery_start", 0, m.WINDOW_WEEKS_RANGE[1], "Recovery from week").tooltip = (
            "Week the recovery agents start, counted from the first TRT dose (week 0); starts as the week "
            "TRT stops")
        int_slider("recovery_weeks", *m.RECOVERY_WEEKS_RANGE, "Recovery (weeks)")
        for agent in m.AGENTS:
            drug = DRUGS[agent]
            add(agent, Checkbox(value=values[agent], description=drug.name, indent=False,
                                        layout=widgets.Layout(**SLIDER_LAYOUT)))
            choice_slider(f"{agent}_dose", _amount_options(m.dose_choices(agent)), f"Dose ({drug.amount_unit})")
            float_slider(f"{agent}_every_days", *m.every_days_range(agent), "Every (days)")
            dropdown(f"{agent}_timing", TIMING_OPTIONS, "Given")
        radio("gonadorelin_mode", GONADORELIN_MODES, "Gonadorelin by")
        int_slider("age", *m.AGE_RANGE, "Age (years)")
        typical = [("typical for age", m.TYPICAL)]
        choice_slider("baseline_testosterone", typical + _amount_options(m.BASELINE_TESTOSTERONE_CHOICES),
                      "Untreated T (ng/dL)")
        radio("low_testosterone_origin", LOW_T_ORIGINS, "Low T comes from").tooltip = (
            "typical: LH stays normal, as in most older men with low T; testes: Leydig cells make less and LH "
            "runs high; brain: GnRH drive is weak and LH runs low; no GnRH drive: LH and FSH near zero, "
            "T near the castrate range, no sperm until months of treatment")
        choice_slider("baseline_sperm", typical + _amount_options(m.BASELINE_SPERM_CHOICES),
                      "Untreated sperm (million/mL)")
        int_slider("window_weeks", *m.WINDOW_WEEKS_RANGE, "Show weeks 0 to")
        # The diagram's day keeps its value in days (``Workbench(cursor_day=91)``, ``wb.cursor_day``), but the
        # student moves it a week at a time and reads the week, on the clock every chart and sheet uses.
        start_day = m.DEFAULT_TRT_WEEKS * 7 // 2
        cursor = int_slider("cursor_day", 0, m.DEFAULT_WINDOW_WEEKS * 7, cursor_label(start_day), value=start_day)
        cursor.step, cursor.readout = 7, False
        cursor.tooltip = ("Week the axis diagram and the summary describe (dashed line on the chart), counted from "
                          "the first TRT dose")
        cursor.observe(lambda change: setattr(cursor, "description", cursor_label(change["new"])), names="value")

    def tab_pages(self) -> dict[str, list[widgets.Widget]]:
        """The widgets of each tab, in order (the Workbench adds its file actions to "View")."""
        w = self.widgets
        agents = []
        for agent in m.AGENTS:
            parts = [w[agent], w[f"{agent}_dose"]]
            if agent == "gonadorelin":
                parts.append(w["gonadorelin_mode"])
            agents.append(widgets.VBox([*parts, w[f"{agent}_every_days"], w[f"{agent}_timing"]]))
        return {
            "TRT": [w["trt_drug"], w["trt_dose"], w["trt_every_days"], w["trt_weeks"]],
            "Recovery": [w["recovery_start"], w["recovery_weeks"], *agents],
            "Patient": [w["age"], w["baseline_testosterone"], w["low_testosterone_origin"], w["baseline_sperm"]],
            "View": [w["window_weeks"]],
        }

    # ------------------------------------------------------------------ values

    @contextlib.contextmanager
    def hold(self):
        """Move several widgets with one change of ``values`` at the end."""
        self._holding += 1
        try:
            yield
        finally:
            self._holding -= 1
            if not self._holding:
                self._publish()

    def set_values(self, values: dict):
        """Set widgets by name, ``values`` changing once.

        The formulation first (it resets dose and interval to its catalogue schedule, which
        explicit values then override), the window before the day it bounds; every slider's
        range widens to hold a value from a file. Every value is checked first
        (``mapping.check_value``): one the controls cannot hold exactly raises TypeError or
        ValueError and no widget moves.
        """
        values = m.check_values(values, {**self.current(), "cursor_day": self.widgets["cursor_day"].value})
        order = sorted(values, key=lambda name: (name != "trt_drug", name != "window_weeks", name == "cursor_day"))
        with self.hold():
            for name in order:
                self._fit_range(name, values[name])
                self.widgets[name].value = values[name]
                if name == "trt_drug":
                    self._apply_formulation(values[name])
                if name == "window_weeks":
                    self._bound_cursor()

    def _checked_value(self, name: str, value):
        """``value`` checked for widget ``name`` (``mapping.check_value``), its slider widened to hold it."""
        current = {**self.current(), "cursor_day": self.widgets["cursor_day"].value}
        value = m.check_value(name, value, current)
        # New options move a selection slider to its first one on the way: publish none of that.
        self._holding += 1
        try:
            self._fit_range(name, value)
        finally:
            self._holding -= 1
        if self.widgets[name].value == value and not self._holding:
            self._publish()  # the new options already moved the slider onto ``value``: no change event follows
        return value

    def _fit_range(self, name: str, value):
        control = self.widgets[name]
        drug_id = self._drug_of(name)
        if name.endswith("_dose") and drug_id is not None and value not in _offered(control):
            control.options = _amount_options(m.dose_choices(drug_id, including=value))
        elif name.endswith("_every_days") and drug_id is not None:
            low, high = m.every_days_range(drug_id, including=value)
            control.min, control.max = min(control.min, low), max(control.max, high)

    def _drug_of(self, name: str) -> str | None:
        prefix = name.rsplit("_", 1)[0].removesuffix("_every")
        if prefix == "trt":
            return self.widgets["trt_drug"].value
        return prefix if prefix in m.AGENTS else None

    def _apply_formulation(self, drug_id: str):
        drug = DRUGS[drug_id]
        dose, every = self.widgets["trt_dose"], self.widgets["trt_every_days"]
        start = m.formulation_values(drug_id)
        dose.options = _amount_options(m.dose_choices(drug_id))
        dose.value = start["trt_dose"]
        dose.description = f"Dose ({drug.amount_unit})"
        low, high = m.every_days_range(drug_id)
        # Widen before narrowing so the slider never clamps the new value on the way.
        every.max = max(every.max, high)
        every.value = start["trt_every_days"]
        every.min, every.max = low, high

    def _bound_cursor(self):
        self.widgets["cursor_day"].max = int(m.window_days(self.current()))

    def current(self) -> dict:
        return {name: self.widgets[name].value for name in self.values}

    def _on_widget(self, change):
        if change["owner"] is self.widgets["trt_drug"] and not self._holding:
            with self.hold():
                self._apply_formulation(change["new"])
            return
        if change["owner"] is self.widgets["window_weeks"]:
            self._bound_cursor()
        if not self._holding:
            self._publish()

    def _publish(self):
        self._sync_enabled()
        self.values = self.current()

    def _sync_enabled(self):
        """Grey out what has no effect, so every live control changes what it says."""
        w = self.widgets
        for agent in m.AGENTS:
            off = not w[agent].value
            for suffix in ("_dose", "_every_days", "_timing"):
                w[agent + suffix].disabled = off
        w["gonadorelin_mode"].disabled = not w["gonadorelin"].value
        if w["gonadorelin_mode"].value != m.INJECTION:
            w["gonadorelin_every_days"].disabled = True
        w["low_testosterone_origin"].disabled = w["baseline_testosterone"].value == m.TYPICAL
        no_trt = w["trt_weeks"].value == 0
        for name in ("trt_drug", "trt_dose", "trt_every_days"):
            w[name].disabled = no_trt
