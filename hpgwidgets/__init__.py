"""hpgwidgets: an interactive teaching model of the male HPG axis.

A simplified, mechanistic feedback model (hypothalamus -> pituitary -> testes)
with the pharmacology of testosterone therapy and recovery agents, calibrated
to published data. An educational simulation, not medical advice.

>>> import hpgwidgets as hpg
>>> regimen = hpg.Regimen([hpg.Dose("testosterone_cypionate", amount=100, every_days=7, stop_day=182)])
>>> result = hpg.simulate(regimen, days=365, patient=hpg.Patient(age=35))

The model, simulation, scenarios and cohorts import at once. Charts, widgets and the
modules built on them (Altair, ipywidgets) load on first use, so ``import hpgwidgets``
followed by ``simulate`` stays fast in a script, a test or a JupyterLite tab
(``benchmarks/bench_import.py`` prints the figures).
"""
from importlib import import_module

from .parameters import Parameter, ParameterSet, load_parameters
from .patient import Patient
from .pharmacology import DRUGS, Drug, drug_ids, drug_table
from .ranges import ReferenceRange, reference_range
from .references import cite, citations_text, print_citations, used_citations
from .regimen import Dose, Regimen
from .simulation import CLINICAL, UNITS, Result, simulate
from . import calibration  # published figures beside the model's
from .scenario import Scenario, list_scenarios, load_scenario
from .cohort import Cohort, simulate_cohort
from .labs import follow_up, lab_report

# Loaded on first access (they import Altair or ipywidgets): name -> (module, attribute or None).
_LAZY = {
    "recovery": (".recovery", None),  # times to thresholds, Kaplan-Meier curves, recovery charts
    "quiz": (".quiz", None),  # checks of understanding: MultipleChoice, Predict, Solution
    "charts": (".charts", None),  # Result -> Altair charts
    "diagram": (".diagram", None),  # the axis diagram
    "summary": (".summary", None),  # the day in words
    "Workbench": (".workbench", "Workbench"),  # controls -> simulate -> charts redrawn in place
}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module_name, attribute = _LAZY[name]
    module = import_module(module_name, __name__)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value  # later accesses skip __getattr__
    return value


def __dir__():
    return sorted({*globals(), *_LAZY})


__all__ = [
    "calibration", "quiz", "charts", "diagram", "summary", "Workbench",
    "Scenario", "list_scenarios", "load_scenario",
    "Cohort", "simulate_cohort", "lab_report", "follow_up", "recovery",
    "CLINICAL", "DRUGS", "Dose", "Drug", "Parameter", "ParameterSet", "Patient", "ReferenceRange", "Regimen", "Result",
    "UNITS", "cite", "citations_text", "drug_ids", "drug_table", "load_parameters", "print_citations",
    "reference_range", "simulate", "used_citations",
]
