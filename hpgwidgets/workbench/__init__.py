"""The Workbench: controls -> simulation -> charts that redraw in place.

    >>> import hpgwidgets as hpg
    >>> wb = hpg.Workbench()
    >>> wb              # last expression of a notebook cell: shows the workbench

Four parts, each small enough to read at once:

- ``mapping``: control values <-> ``Scenario`` (regimen, patient, weeks shown) as plain
  functions, tested without widgets; the rules of the controls are written there;
- ``controls``: the widgets holding those values (``wb.controls[name]``, CSS class
  ``hpg-<name>``), published as one declared ``values`` trait per user action;
- ``view``: the time-series chart, the axis diagram and the summary, updated in place
  (params inside ``hold_sync``);
- ``files``: figures for slides and scenarios saved and loaded as JSON.

``widget.Workbench`` declares the state (``result``, ``pinned``, ``problem``) and wires
them. A setting the model rejects (ValueError) is explained in words under the charts,
and the charts keep showing the last scenario that ran. ``wb.to_scenario()`` gives an
``hpg.Scenario`` of what is on screen and ``wb.apply_scenario(scenario)`` shows one
(refused, controls unchanged, when it does not fit the controls).
"""
from .mapping import (AGENTS, BOTH, CONTINUOUS, INJECTION, PUMP, RECOVERY, TRT_DRUGS, TYPICAL, WITH_TRT,
                      default_values, dose_events, patient_of, regimen_of, scenario_of, values_for)


def __getattr__(name: str):
    # The widget loads ipywidgets and Altair; the mapping alone stays importable without them.
    if name == "Workbench":
        from .widget import Workbench

        return Workbench
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Workbench", "AGENTS", "BOTH", "CONTINUOUS", "INJECTION", "PUMP", "RECOVERY", "TRT_DRUGS", "TYPICAL",
           "WITH_TRT", "default_values", "dose_events", "patient_of", "regimen_of", "scenario_of", "values_for"]
