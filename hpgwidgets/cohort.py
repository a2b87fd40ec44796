"""Virtual patients: a cohort of men who differ the way real men do.

``simulate_cohort(regimen, n=1000, days=730, seed=0)`` draws ``n`` virtual patients
from the distributions in ``data/population.csv`` (age, baseline testosterone and
sperm output, feedback, drug sensitivities, speed of capacity recovery; each row
with its source or marked as an assumption) and runs them all at once through the
model: the compiled kernel that simulates one man runs patient after patient, each
with his own constants, sharing one copy of the drug exposures.

Distributions are truncated to the row's [low, high] by inverse-CDF sampling (no
clipping, so no pile-up at the limits) and drawn in a fixed order from one
``numpy.random.Generator(seed)``: the same seed gives the same men, and fixing one
trait (``fixed={"age": 60}``) leaves every other trait of every man unchanged, which
makes comparisons between groups or regimens paired.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from . import model
from . import simulation as _simulate
from . import validation
from .patient import LIMITS as PATIENT_LIMITS
from .patient import Patient, check_field, check_table, patient_from_row
from .references import cite
from .tables import read_table

__all__ = ["Cohort", "Trait", "population_table", "draw_patients", "simulate_cohort"]

DISTRIBUTIONS = ("normal", "lognormal")
MAX_PATIENTS = 100_000
# work per engine call at most (patients x stored rows): a cohort with more shows a progress
# bar (over about a second of work), which moves once per chunk
CHUNK_PATIENT_STEPS = 1_000_000
# Memory: chunks are cut so that what the engine holds for one chunk while it runs
# (simulation.working_values) stays under WORKING_SHARE of the finished result, which keeps a
# cohort's peak memory near 1.3x its result at any size. Every man's constants and the shared
# exposures are computed once, so a chunk repeats only a call of the kernel; chunks keep at
# least one man per core the kernel runs on.
WORKING_SHARE = 0.25
PATIENT_FIELDS = tuple(field.name for field in fields(Patient))


@dataclass(frozen=True)
class Trait:
    """One row of data/population.csv: a truncated normal or log-normal distribution."""

    parameter: str
    distribution: str
    median: float
    spread: float
    low: float
    high: float
    unit: str
    source: str
    provenance: str
    note: str
    share_at_low: float = 0.0   # a share of men sitting at the lower bound (a group apart, e.g. non-responders)

    def _to_normal(self, x):
        x = np.asarray(x, dtype=float)
        centre = math.log(self.median) if self.distribution == "lognormal" else self.median
        return ((np.log(x) if self.distribution == "lognormal" else x) - centre) / self.spread

    def _from_normal(self, z):
        if self.distribution == "lognormal":
            return self.median * np.exp(self.spread * z)
        return self.median + self.spread * z

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """n values from the distribution truncated to [low, high] (inverse-CDF sampling)."""
        return self._at(rng.random(n))

    def quantile(self, q: float) -> float:
        return float(self._at(np.asarray(q, dtype=float)))

    def _at(self, uniform: np.ndarray) -> np.ndarray:
        """The value at each cumulative share: the group at the lower bound first, then the rest."""
        lower, upper = ndtr(self._to_normal([self.low, self.high]))
        rest = np.clip((uniform - self.share_at_low) / (1.0 - self.share_at_low), 0.0, 1.0)
        spread = self._from_normal(ndtri(lower + rest * (upper - lower)))
        return np.where(uniform < self.share_at_low, self.low, spread)


def _check_trait(row: dict) -> Trait:
    name = row["parameter"]
    if row["distribution"] not in DISTRIBUTIONS:
        raise ValueError(f"population.csv: {name!r} has distribution {row['distribution']!r}; "
                         f"allowed: {DISTRIBUTIONS}")
    trait = Trait(name, row["distribution"], float(row["median"]), float(row["spread"]), float(row["low"]),
                  float(row["high"]), row["unit"], row["source"], row["provenance"], row["note"],
                  float(row.get("share_at_low") or 0.0))
    if not trait.low < trait.median < trait.high or trait.spread <= 0:
        raise ValueError(f"population.csv: {name!r} needs low < median < high and spread > 0")
    if not 0.0 <= trait.share_at_low < 1.0:
        raise ValueError(f"population.csv: {name!r} needs 0 <= share_at_low < 1, got {trait.share_at_low:g}")
    if trait.distribution == "lognormal" and trait.low <= 0:
        raise ValueError(f"population.csv: log-normal {name!r} needs low > 0")
    if name in PATIENT_LIMITS:
        lowest, highest = PATIENT_LIMITS[name]
        if trait.low < lowest or trait.high > highest:
            raise ValueError(f"population.csv: {name!r} bounds {trait.low:g}-{trait.high:g} exceed what "
                             f"hpg.Patient accepts ({lowest:g}-{highest:g})")
    return trait


def population_table() -> pd.DataFrame:
    """data/population.csv as a DataFrame (one row per varying trait)."""
    return pd.DataFrame([vars(trait) for trait in _traits()]).set_index("parameter")


def _traits() -> tuple[Trait, ...]:
    return tuple(_check_trait(row) for row in read_table("population"))


def _check_fixed(fixed, traits: tuple[Trait, ...]) -> dict:
    if fixed is None:
        return {}
    validation.instance("fixed", fixed, dict, "a dict trait -> value, e.g. {'age': 60}")
    allowed = sorted({trait.parameter for trait in traits} | (set(PATIENT_FIELDS) - {"low_testosterone_origin"}))
    checked = {}
    for name, value in fixed.items():
        if name not in allowed:
            raise ValueError(f"unknown trait {name!r} in fixed; allowed: {allowed}")
        if name in PATIENT_FIELDS:
            checked[name] = validation.number(f"fixed[{name!r}]", check_field(name, value))
        else:
            checked[name] = validation.number(f"fixed[{name!r}]", value, above=0)
    return checked


def draw_patients(n: int = 1000, seed: int = 0, fixed: dict | None = None) -> pd.DataFrame:
    """Draw ``n`` virtual patients (one row each) from data/population.csv.

    ``fixed`` sets traits to one value for everybody (e.g. ``{"age": 60}``); the
    other traits are the same as without it (draws happen in a fixed order).
    """
    n = validation.whole_number("n", n, low=1, high=MAX_PATIENTS, unit="patients")
    rng = np.random.default_rng(validation.seed(seed))
    traits = _traits()
    fixed = _check_fixed(fixed, traits)
    columns = {}
    for trait in traits:
        drawn = trait.draw(rng, n)           # always drawn, so fixing one trait leaves the others alone
        columns[trait.parameter] = np.full(n, fixed[trait.parameter]) if trait.parameter in fixed else drawn
    for name, value in fixed.items():
        columns.setdefault(name, np.full(n, value))
    cite(*sorted({trait.source for trait in traits if trait.source != "assumption"}))
    return pd.DataFrame(columns, index=pd.RangeIndex(n, name="patient"))


def _patient_traits(patients: pd.DataFrame) -> dict:
    """Model traits (one array per Patient field) for a table of patients."""
    n = len(patients)
    defaults = Patient().traits()
    traits = {}
    for name in PATIENT_FIELDS:
        if name in patients:
            traits[name] = patients[name].to_numpy(dtype=object if name == "low_testosterone_origin" else float)
        elif defaults[name] is None:
            traits[name] = np.full(n, np.nan)    # NaN = typical for the patient's age
        else:
            traits[name] = np.full(n, defaults[name], dtype=object if isinstance(defaults[name], str) else float)
    traits["low_testosterone_origin"] = np.asarray(traits["low_testosterone_origin"], dtype=str)
    return traits


class _ProgressBar:
    """An ipywidgets progress bar in a notebook; silent elsewhere."""

    def __init__(self, total: int, show: bool):
        self.bar = None
        if not show:
            return
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None or not hasattr(shell, "kernel"):
            return
        import ipywidgets
        from IPython.display import display

        self.bar = ipywidgets.IntProgress(value=0, min=0, max=total, description="Patients",
                                          bar_style="info", layout={"width": "60%"})
        display(self.bar)

    def advance(self, done: int) -> None:
        if self.bar is not None:
            self.bar.value = done

    def close(self) -> None:
        # hidden, not closed: a closed widget would leave a dead output that a reopened or
        # re-rendered notebook shows as an error
        if self.bar is not None:
            self.bar.bar_style = "success"
            self.bar.layout.display = "none"


class Cohort(_simulate.TimeSeries):
    """Time courses of many virtual patients.

    ``cohort.t`` (days), ``cohort[name]`` -> array (patients x time) with the same
    names and units as a single ``Result``; ``cohort.patients`` holds the drawn
    traits (one row per patient) and ``cohort.baseline[name]`` each patient's
    untreated value.
    """

    def __init__(self, t, series, baseline, patients, regimen, days, seed, elapsed):
        super().__init__(t, series)
        self.baseline, self.patients = baseline, patients
        self.regimen, self.days, self.seed, self.elapsed = regimen, days, seed, elapsed

    def __len__(self) -> int:
        return len(self.patients)

    @property
    def n(self) -> int:
        return len(self.patients)

    def relative(self, name: str) -> np.ndarray:
        """cohort[name] divided by each patient's untreated value (patients x time)."""
        values = self[name]
        base = np.asarray(self.baseline[name], dtype=float)
        if np.any(base == 0):
            raise ValueError(f"{name} is zero at baseline for some patients; a ratio to baseline is undefined")
        return values / base[:, None]

    def patient(self, index: int) -> Patient:
        """The hpg.Patient behind row ``index`` (to re-run him alone with hpg.simulate)."""
        return patient_from_row(self.patients.iloc[self._check_index(index)])

    def result(self, index: int):
        """Patient ``index`` as an hpg Result (no new simulation), e.g. for hpg.lab_report."""
        index = self._check_index(index)
        series = {name: values[index] for name, values in self._series.items()}
        baseline = {name: float(values[index]) for name, values in self.baseline.items()}
        result = _simulate.Result(self.t, series, baseline, self.regimen, self.patient(index), self.days)
        if "semen_volume" in self.patients:
            result.semen_volume = float(self.patients["semen_volume"].iloc[index])
        return result

    def _check_index(self, index) -> int:
        return validation.whole_number("patient index", index, low=0, high=self.n - 1)

    def quantiles(self, name: str, q=(0.05, 0.25, 0.5, 0.75, 0.95)) -> pd.DataFrame:
        """Cohort centiles of a variable over time: columns day, q05, q25, ... (one row per day)."""
        q = np.array(validation.number_list("q", q, low=0, high=1, example="(0.25, 0.5, 0.75)"))
        names = [f"q{round(100 * x):02d}" if abs(100 * x - round(100 * x)) < 1e-9 else f"q{100 * x:g}" for x in q]
        if len(set(names)) < len(names):
            raise ValueError(f"q must hold different quantiles, got {list(q)}")
        values = np.quantile(self[name], q, axis=0)
        frame = pd.DataFrame(values.T, columns=names)
        frame.insert(0, "day", self.t)
        return frame

    def share(self, name: str, below: float | None = None, at_least: float | None = None) -> np.ndarray:
        """Share of patients with name < below (or >= at_least) on each day."""
        if (below is None) == (at_least is None):
            raise ValueError("give exactly one of below= or at_least=")
        below = validation.number("below", below, allow_none=True)
        at_least = validation.number("at_least", at_least, allow_none=True)
        values = self[name]
        return np.mean(values < below if below is not None else values >= at_least, axis=0)

    def __repr__(self) -> str:
        drugs = ", ".join(sorted(self.regimen.drugs)) or "no treatment"
        return f"<Cohort {self.n} patients, {self.days:g} days ({drugs}); seed {self.seed}>"


def _kernel_threads() -> int:
    """Patients the kernel runs at once: one per thread when compiled, one in plain Python."""
    _, _, compiled = model.kernels()
    return model.numba.get_num_threads() if compiled else 1


def _chunks(n: int, rows: int, working_values: int, samples: int) -> list[slice]:
    """Slices of the n patients for the engine: ``rows`` stored and ``working_values`` held per
    man while it runs (simulation.working_values), ``samples`` kept per man in the result."""
    within_memory = int(WORKING_SHARE * samples * len(_simulate.VARIABLES) * n / working_values)
    size = max(1, min(n, CHUNK_PATIENT_STEPS // max(rows, 1), max(within_memory, _kernel_threads())))
    return [slice(start, min(start + size, n)) for start in range(0, n, size)]


def simulate_cohort(regimen=None, n: int = 1000, days: float = 730, seed: int = 0, *, fixed: dict | None = None,
                    patients: pd.DataFrame | None = None, step_days: float = _simulate.DEFAULT_STEP_DAYS,
                    sample_every: float | None = None, every_days: float | None = None, progress: bool = True,
                    parameters=None) -> Cohort:
    """Simulate ``n`` virtual patients drawn from data/population.csv under ``regimen``.

    seed: the same seed gives the same patients (and the same curves); None draws a fresh
    seed, kept in ``cohort.seed`` so the run can be repeated.
    sample_every: days between the reported samples (default daily; ``every_days=`` is its old name, give one of the two).
    fixed: traits set to one value for everybody, e.g. {"age": 60}.
    patients: a table of patients to reuse (e.g. ``other_cohort.patients``) instead of drawing.
    progress: show a progress bar in a notebook when the cohort runs in several chunks
    (more than about a second of work).
    parameters: an hpg.ParameterSet (default: the committed values of data/).
    """
    regimen, days, t, stride = _simulate.check_run(regimen, days, step_days, sample_every, every_days)
    progress = validation.flag("progress", progress)
    t_out = t[::stride]
    rows = (len(t) - 1) // _simulate.record_every(stride * step_days, step_days) + 1    # rows the engine stores
    drawn_here = patients is None
    if drawn_here:
        seed = validation.seed(seed)
        count = validation.whole_number("n", n, low=1, high=MAX_PATIENTS, unit="patients")
    else:
        extra = {trait.parameter for trait in _traits()} - set(PATIENT_FIELDS)
        patients = check_table(patients, extra_positive=sorted(extra))
        count = len(patients)
    validation.limit("simulate_cohort", count * rows, validation.MAX_COHORT_VALUES,
                     f"patients x stored days ({count} x {rows})", "simulate fewer patients or fewer days")
    if drawn_here:
        patients = draw_patients(count, seed, fixed)
    else:
        for name, value in _check_fixed(fixed, _traits()).items():
            patients[name] = value
    traits = _patient_traits(patients)
    count = len(patients)
    chunks = _chunks(count, rows, _simulate.working_values(regimen, len(t), rows), len(t_out))
    bar = _ProgressBar(count, show=progress and count * rows > CHUNK_PATIENT_STEPS)
    series = {name: np.empty((count, len(t_out))) for name in _simulate.VARIABLES}
    started = time.perf_counter()
    try:
        baseline, in_parts = _simulate.run_in_parts(regimen, t, stride, traits, chunks, parameters)
        for part, chunk_series in in_parts:
            for name, values in chunk_series.items():
                series[name][part] = values.T
            bar.advance(part.stop)
    finally:
        bar.close()
    elapsed = time.perf_counter() - started
    _simulate.cite_model(regimen)
    return Cohort(t_out, series, baseline, patients, regimen, days, seed if drawn_here else None, elapsed)
