"""hpgwidgets: an interactive teaching model of the male HPG axis.

A simplified, mechanistic feedback model (hypothalamus -> pituitary -> testes)
with the pharmacology of testosterone therapy and recovery agents, calibrated
to published data. An educational simulation, not medical advice.

>>> import hpgwidgets as hpg
>>> regimen = hpg.Regimen([hpg.Dose("testosterone_cypionate", amount=100, every_days=7, stop_day=182)])
>>> result = hpg.simulate(regimen, days=365, patient=hpg.Patient(age=35))
"""
from .parameters import Parameter, load_parameters
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
from . import recovery  # times to thresholds, Kaplan-Meier curves, recovery charts
from . import quiz  # checks of understanding: MultipleChoice, Predict, Solution
from . import charts, diagram, summary  # Result -> Altair charts, the axis diagram, the day in words
from .workbench import Workbench  # controls -> simulate -> charts redrawn in place

__all__ = [
    "calibration", "quiz", "charts", "diagram", "summary", "Workbench",
    "Scenario", "list_scenarios", "load_scenario",
    "Cohort", "simulate_cohort", "lab_report", "follow_up", "recovery",
    "CLINICAL", "DRUGS", "Dose", "Drug", "Parameter", "Patient", "ReferenceRange", "Regimen", "Result",
    "UNITS", "cite", "citations_text", "drug_ids", "drug_table", "load_parameters", "print_citations",
    "reference_range", "simulate", "used_citations",
]
