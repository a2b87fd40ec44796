"""hpgwidgets: an interactive teaching model of the male HPG axis.

A simplified, mechanistic feedback model (hypothalamus -> pituitary -> testes)
with the pharmacology of testosterone therapy and recovery agents, calibrated
to published data. An educational simulation, not medical advice.

>>> import hpgwidgets as hpg
>>> regimen = hpg.Regimen([hpg.Dose("testosterone_cypionate", amount=100, every_days=7, stop_day=182)])
>>> result = hpg.simulate(regimen, days=365, patient=hpg.Patient(age=35))

``import hpgwidgets`` loads only the parameter tables, ``Patient`` and the references. Every
other public name loads its module on first use (PEP 562 ``__getattr__``): ``hpg.simulate``
the model, ``hpg.simulate_cohort`` pandas, ``hpg.charts`` Altair, ``hpg.Workbench``
ipywidgets. A script pays only for what it touches, and a notebook's setup cell only for
what the notebook uses (``benchmarks/bench_import.py`` prints the figures).
"""
import sys
from importlib import import_module
from importlib.util import find_spec


def _jsonschema_without_iri_grammar() -> None:
    """Import jsonschema, which Altair validates every chart with, without ``rfc3987_syntax``.

    When ``rfc3987_syntax`` is installed (jupyter-events installs it with JupyterLab),
    jsonschema imports it to check the "iri" string format, and it builds an Earley grammar
    at import: about 1 s of CPU and 16 MiB in every kernel. The Vega-Lite schema has no iri
    field (tests/test_imports.py checks), so that check is left out: a ``None`` entry in
    ``sys.modules`` makes an import fail, and jsonschema treats a failed import as "not
    installed". The entry is removed at once, so ``import rfc3987_syntax`` still works later.
    Costs nothing when jsonschema is already loaded (it then keeps the check).
    """
    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules or find_spec("jsonschema") is None:
        return
    sys.modules["rfc3987_syntax"] = None
    try:
        import jsonschema  # noqa: F401
    finally:
        sys.modules.pop("rfc3987_syntax", None)


_jsonschema_without_iri_grammar()

from .parameters import Parameter, ParameterSet, load_parameters  # noqa: E402
from .patient import Patient  # noqa: E402
from .ranges import ReferenceRange, reference_range  # noqa: E402
from .references import cite, citations_text, print_citations, used_citations  # noqa: E402

# Loaded on first access: public name -> the module (relative) that defines it.
_LAZY = {
    **dict.fromkeys(("DRUGS", "Drug", "drug_ids", "drug_table"), ".pharmacology"),  # the drug table (numpy)
    **dict.fromkeys(("Dose", "Regimen"), ".regimen"),  # through pharmacology
    **dict.fromkeys(("CLINICAL", "UNITS", "Result", "simulate"), ".simulation"),  # the compiled model
    **dict.fromkeys(("Scenario", "list_scenarios", "load_scenario"), ".scenario"),
    **dict.fromkeys(("Cohort", "simulate_cohort"), ".cohort"),  # pandas
    **dict.fromkeys(("follow_up", "lab_report"), ".labs"),  # pandas
    "Workbench": ".workbench",  # controls -> simulate -> charts redrawn in place (ipywidgets, Altair)
}
# Submodules reached as attributes (hpg.charts, hpg.calibration.calibration_table(), ...).
_SUBMODULES = ("calibration", "charts", "cohort", "diagram", "quiz", "recovery", "scenario", "simulation",
               "summary")


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name], __name__), name)
    elif name in _SUBMODULES:
        value = import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # later accesses skip __getattr__
    return value


def __dir__():
    return sorted({*globals(), *_LAZY, *_SUBMODULES})


__all__ = [
    "calibration", "quiz", "charts", "diagram", "summary", "Workbench",
    "Scenario", "list_scenarios", "load_scenario",
    "Cohort", "simulate_cohort", "lab_report", "follow_up", "recovery",
    "CLINICAL", "DRUGS", "Dose", "Drug", "Parameter", "ParameterSet", "Patient", "ReferenceRange", "Regimen", "Result",
    "UNITS", "cite", "citations_text", "drug_ids", "drug_table", "load_parameters", "print_citations",
    "reference_range", "simulate", "used_citations",
]
