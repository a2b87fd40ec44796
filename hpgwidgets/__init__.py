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
import os
import sys
from importlib import import_module
from importlib.abc import Loader, MetaPathFinder

# numba runs the parallel kernels (a cohort, every man's steady state, even one man's) on
# OpenMP threads, which by default keep spinning after each parallel region, waiting for more
# work: after one man's steady state the spare thread burned a core while the serial kernel ran,
# and a 2-year simulate (a slider move) cost 14 ms of CPU instead of 8, up to 30 ms of wall time
# on a busy 2-core machine. Passive threads sleep between regions; cohorts measured no slower.
# OpenMP reads this once, when numba first loads it; a value the user set is kept.
os.environ.setdefault("OMP_WAIT_POLICY", "passive")

# Imports that libraries we load make for features hpgwidgets never uses, refused while the named
# module runs: module -> imports refused. A refused import fails as if the package were not
# installed, which each of these modules handles; the refusal ends when the module is loaded, so
# a later `import scipy.linalg` (or any of them) works, and an import already loaded is never
# refused. numba's three took notebook 01's kernel from 156 to 147 MiB of anonymous memory
# (benchmarks/bench_kernel_memory.py).
UNUSED_IMPORTS = {
    # jsonschema (Altair validates every chart with it) checks the "iri" string format when
    # rfc3987_syntax is installed (jupyter-events installs it), which builds an Earley grammar at
    # import: about 1 s of CPU and 16 MiB. The Vega-Lite schema has no iri field (tests/test_imports.py).
    "jsonschema": ("rfc3987_syntax",),
    # numba checks at start whether scipy's BLAS is there, for np.dot in compiled code: that
    # loads all of scipy.linalg (9 MiB). The model's kernel uses no linear algebra.
    "numba.np.arraymath": ("scipy.linalg",),
    # numba reports compiled lines to coverage.py when it is running; coverage comes with the
    # test tools (nbval), not in a student's install, and a coverage run imports it first.
    "numba.misc.coverage_support": ("coverage",),
    # numba types cffi functions called from compiled code; cffi comes with jupyter-server (argon2)
    "numba.core.typing.cffi_utils": ("cffi",),
}


class _LoaderRefusing(Loader):
    """A module's own loader, with some imports refused while it executes the module."""

    def __init__(self, loader, refused):
        self._loader, self._refused = loader, refused

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        refused = [name for name in self._refused if name not in sys.modules]
        sys.modules.update(dict.fromkeys(refused))   # a None entry makes `import name` fail
        try:
            self._loader.exec_module(module)
        finally:
            for name in refused:
                if name in sys.modules and sys.modules[name] is None:
                    del sys.modules[name]

    def __getattr__(self, name):     # get_source, get_filename, ... as the module's own loader
        return getattr(self._loader, name)


class _UnusedImportsRefused(MetaPathFinder):
    """Finds the modules of UNUSED_IMPORTS as the other finders do, with a loader that refuses those imports."""

    def find_spec(self, name, path=None, target=None):
        if name not in UNUSED_IMPORTS:
            return None
        for finder in sys.meta_path:
            if finder is not self and hasattr(finder, "find_spec"):
                spec = finder.find_spec(name, path, target)
                if spec is not None:
                    spec.loader = _LoaderRefusing(spec.loader, UNUSED_IMPORTS[name])
                    return spec
        return None


if not any(isinstance(finder, _UnusedImportsRefused) for finder in sys.meta_path):
    sys.meta_path.insert(0, _UnusedImportsRefused())

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
