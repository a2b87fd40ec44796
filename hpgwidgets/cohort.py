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
from numbers import Integral, Real

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from . import simulation as _simulate
from .patient import LIMITS as PATIENT_LIMITS
from .patient import Patient
from .references import cite
from .tables import read_table

__all__ = ["Cohort", "Trait", "population_table", "draw_patients", "simulate_cohort"]

DISTRIBUTIONS = ("normal", "lognormal")
MAX_PATIENTS = 100_000
# work per engine call (patients x stored rows); larger cohorts run in chunks so a
# progress bar can move and the working memory stays a fraction of the result
CHUNK_PATIENT_STEPS = 150_000
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
        lower, upper = ndtr(self._to_normal([self.low, self.high]))
        uniform = rng.random(n)
        return self._from_normal(ndtri(lower + uniform * (upper - lower)))

    def quantile(self, q: float) -> float:
        lower, upper = ndtr(self._to_normal([self.low, self.high]))
        return float(self._from_normal(ndtri(lower + q * (upper - lower))))


def _check_trait(row: dict) -> Trait:
    name = row["parameter"]
    if row["distribution"] not in DISTRIBUTIONS:
        raise ValueError(f"population.csv: {name!r} has distribution {row['distribution']!r}; "
                         f"allowed: {DISTRIBUTIONS}")
    trait = Trait(name, row["distribution"], float(row["median"]), float(row["spread"]), float(row["low"]),
                  float(row["high"]), row["unit"], row["source"], row["provenance"], row["note"])
    if not trait.low < trait.median < trait.high or trait.spread <= 0:
        raise ValueError(f"population.csv: {name!r} needs low < median < high and spread > 0")
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


def _check_count(n) -> int:
    if isinstance(n, bool) or not isinstance(n, Integral) or not 1 <= n <= MAX_PATIENTS:
        raise ValueError(f"n must be a whole number of patients from 1 to {MAX_PATIENTS}; got {n!r}")
    return int(n)


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0 (the same seed gives the same patients); got {seed!r}")
    return int(seed)


def _check_fixed(fixed, traits: tuple[Trait, ...]) -> dict:
    if fixed is None:
        return {}
    if not isinstance(fixed, dict):
        raise ValueError(f"fixed must be a dict trait -> value, e.g. {{'age': 60}}; got {fixed!r}")
    allowed = sorted({trait.parameter for trait in traits} | (set(PATIENT_FIELDS) - {"low_testosterone_origin"}))
    checked = {}
    for name, value in fixed.items():
        if name not in allowed:
            raise ValueError(f"unknown trait {name!r} in fixed; allowed: {allowed}")
        if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
            raise ValueError(f"fixed[{name!r}] must be a finite number; got {value!r}")
        if name in PATIENT_LIMITS:
            lowest, highest = PATIENT_LIMITS[name]
            if not lowest <= value <= highest:
                raise ValueError(f"fixed[{name!r}] = {value!r} is outside what hpg.Patient accepts "
                                 f"({lowest:g} to {highest:g})")
        elif value <= 0:
            raise ValueError(f"fixed[{name!r}] must be > 0; got {value!r}")
        checked[name] = float(value)
    return checked


def draw_patients(n: int = 1000, seed: int = 0, fixed: dict | None = None) -> pd.DataFrame:
    """Draw ``n`` virtual patients (one row each) from data/population.csv.

    ``fixed`` sets traits to one value for everybody (e.g. ``{"age": 60}``); the
    other traits are the same as without it (draws happen in a fixed order).
    """
    n = _check_count(n)
    rng = np.random.default_rng(_check_seed(seed))
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
        if name == "low_testosterone_origin" and name in patients:
            traits[name] = patients[name].to_numpy(dtype=str)
        elif name in patients:
            traits[name] = patients[name].to_numpy(dtype=float)
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
        if self.bar is not None:
            self.bar.bar_style = "success"
            self.bar.close()


class Cohort:
    """Time courses of many virtual patients.

    ``cohort.t`` (days), ``cohort[name]`` -> array (patients x time) with the same
    names and units as a single ``Result``; ``cohort.patients`` holds the drawn
    traits (one row per patient) and ``cohort.baseline[name]`` each patient's
    untreated value.
    """

    def __init__(self, t, series, baseline, patients, regimen, days, seed, elapsed):
        self.t, self._series, self.baseline, self.patients = t, series, baseline, patients
        self.regimen, self.days, self.seed, self.elapsed = regimen, days, seed, elapsed
        self.units, self.labels = dict(_simulate.UNITS), dict(_simulate.LABELS)
        self.variables = tuple(series)

    def __len__(self) -> int:
        return len(self.patients)

    @property
    def n(self) -> int:
        return len(self.patients)

    # same lookup (and the same error for an unknown name) as a single Result
    __getitem__ = _simulate.Result.__getitem__
    __contains__ = _simulate.Result.__contains__

    def relative(self, name: str) -> np.ndarray:
        """cohort[name] divided by each patient's untreated value (patients x time)."""
        values = self[name]
        base = np.asarray(self.baseline[name], dtype=float)
        if np.any(base == 0):
            raise ValueError(f"{name} is zero at baseline for some patients; a ratio to baseline is undefined")
        return values / base[:, None]

    def patient(self, index: int) -> Patient:
        """The hpg.Patient behind row ``index`` (to re-run him alone with hpg.simulate)."""
        row = self.patients.iloc[self._check_index(index)]
        fields = {name: row[name] for name in PATIENT_FIELDS if name in row.index}
        fields = {name: value if isinstance(value, str) else float(value) for name, value in fields.items()
                  if isinstance(value, str) or not math.isnan(value)}     # NaN: typical, as in the cohort
        return Patient(**fields)

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
        if isinstance(index, bool) or not isinstance(index, Integral) or not 0 <= index < self.n:
            raise ValueError(f"patient index must be a whole number from 0 to {self.n - 1}; got {index!r}")
        return int(index)

    def quantiles(self, name: str, q=(0.05, 0.25, 0.5, 0.75, 0.95)) -> pd.DataFrame:
        """Cohort centiles of a variable over time: columns day, q05, q25, ... (one row per day)."""
        q = np.asarray(q, dtype=float)
        if q.ndim != 1 or np.any((q < 0) | (q > 1)):
            raise ValueError(f"q must be a list of fractions between 0 and 1; got {q!r}")
        values = np.quantile(self[name], q, axis=0)
        frame = pd.DataFrame(values.T, columns=[f"q{round(100 * x):02d}" for x in q])
        frame.insert(0, "day", self.t)
        return frame

    def share(self, name: str, below: float | None = None, at_least: float | None = None) -> np.ndarray:
        """Share of patients with name < below (or >= at_least) on each day."""
        if (below is None) == (at_least is None):
            raise ValueError("give exactly one of below= or at_least=")
        values = self[name]
        return np.mean(values < below if below is not None else values >= at_least, axis=0)

    def __repr__(self) -> str:
        drugs = ", ".join(sorted(self.regimen.drugs)) or "no treatment"
        return f"<Cohort {self.n} patients, {self.days:g} days ({drugs}); seed {self.seed}>"


def _chunks(n: int, steps: int) -> list[slice]:
    size = max(1, min(n, CHUNK_PATIENT_STEPS // max(steps, 1)))
    return [slice(start, min(start + size, n)) for start in range(0, n, size)]


def simulate_cohort(regimen=None, n: int = 1000, days: float = 730, seed: int = 0, *, fixed: dict | None = None,
                    patients: pd.DataFrame | None = None, step_days: float = _simulate.DEFAULT_STEP_DAYS,
                    every_days: float = 1.0, progress: bool = True) -> Cohort:
    """Simulate ``n`` virtual patients drawn from data/population.csv under ``regimen``.

    seed: the same seed gives the same patients (and the same curves).
    fixed: traits set to one value for everybody, e.g. {"age": 60}.
    patients: a table of patients to reuse (e.g. ``other_cohort.patients``) instead of drawing.
    progress: show a progress bar in a notebook when the cohort runs in several chunks
    (more than about a second of work).
    """
    regimen = _simulate._as_regimen(regimen)
    days = _simulate._check_days(days)
    drawn_here = patients is None
    if drawn_here:
        patients = draw_patients(n, seed, fixed)
    else:
        if not isinstance(patients, pd.DataFrame) or len(patients) == 0:
            raise ValueError("patients must be a non-empty DataFrame such as cohort.patients")
        unknown = set(patients.columns) - set(PATIENT_FIELDS) - {trait.parameter for trait in _traits()}
        if unknown:
            raise ValueError(f"unknown patient columns {sorted(unknown)}; allowed: {sorted(PATIENT_FIELDS)}")
        patients = patients.copy()
        for name, value in _check_fixed(fixed, _traits()).items():
            patients[name] = value
    t = _simulate.time_grid(days, step_days)
    if isinstance(every_days, bool) or not isinstance(every_days, Real) or not math.isfinite(every_days):
        raise ValueError(f"every_days must be a finite number, got {every_days!r}")
    stride = every_days / step_days
    if every_days < step_days or abs(stride - round(stride)) > 1e-9:
        raise ValueError(f"every_days ({every_days}) must be a whole multiple of step_days ({step_days})")
    stride = int(round(stride))
    record = _simulate._record_every(every_days, step_days)
    kept = slice(None, None, stride // record)
    t_out = t[::stride]
    traits = _patient_traits(patients)
    count = len(patients)
    chunks = _chunks(count, len(t) // record + 1)
    bar = _ProgressBar(count, show=progress and len(chunks) > 1)
    series: dict[str, np.ndarray] = {}
    baseline: dict[str, np.ndarray] = {}
    started = time.perf_counter()
    try:
        for part in chunks:
            chunk_traits = {name: values[part] for name, values in traits.items()}
            chunk_series, steady = _simulate.run_model(regimen, t, chunk_traits, record)
            for name, values in chunk_series.items():
                if name not in series:
                    series[name] = np.empty((count, len(t_out)))
                series[name][part] = values[kept].T
            for name, values in _simulate.baseline_values(steady).items():
                baseline.setdefault(name, np.empty(count))[part] = values
            bar.advance(part.stop)
    finally:
        bar.close()
    elapsed = time.perf_counter() - started
    _simulate.cite_model(regimen)
    return Cohort(t_out, series, baseline, patients, regimen, days, seed if drawn_here else None, elapsed)
