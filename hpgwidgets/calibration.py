"""Published observations, reproduced by simulation: one table, one evaluator.

``data/evidence.csv`` holds every observation declaratively (as PEtab keeps
measurements): the man who was studied (Patient fields as JSON), what he was given
(a list of doses as JSON), the endpoint (a variable, a statistic and its arguments),
the published figure with its accepted band as numbers, the source, the population,
how solid the figure is, whether the fit uses it (``role = fit``) or it only
checks the model (``role = check``), and whether the model reproduces it
(``status``: "reproduced", or "disagrees: " and why). :func:`measure` computes any row the same way;
no code here knows a row by its id.

Statistics (columns used):

- ``baseline``: the untreated value of ``variable``;
- ``baseline_ratio``: untreated value / that of ``reference_patient``;
- ``baseline_quotient``: untreated ``variable`` (in ``threshold_unit``) / untreated itt;
- ``ratio_at``: value at ``day`` / the untreated value, or / the value at ``day`` under
  ``reference_regimen`` (and ``reference_patient``) when one is given;
- ``value_at``: value at ``day``; ``mean_over``: mean over [window_start, window_end];
- ``peak_ratio`` / ``peak_day``: largest value over the window / baseline, and its day;
- ``half_life``: log-linear half-life of ``variable`` over the window (days);
- ``return_day``: first day after the peak back within ``threshold`` x baseline;
- ``first_day_above`` / ``first_day_below``: days from ``day`` until ``variable`` first
  crosses ``threshold`` (``threshold_unit`` "ratio" means a multiple of baseline);
- ``largest_gap``: largest |difference| between the curves of ``regimen`` and
  ``reference_regimen`` over the window, as a share of the reference's peak;
- ``production_rate``: untreated ``variable`` x its clearance (µg/day);
- ``parameter``: a value of data/parameters.csv (a check of the data against the paper);
- ``drug_half_life``: elimination half-life (days) of the drug ``variable`` in data/drugs.csv;
- ``spermatogenic_delay_quantile``: day by which ``threshold`` of a cohort of dividing
  germ cells reaches the ejaculate (the model's Erlang delay).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import validation
from .parameters import as_parameter_set, check_source
from .patient import Patient
from .pharmacology import drug
from .references import cite
from .regimen import Dose, Regimen
from .simulation import simulate
from .tables import read_table
from .units import testosterone_ng_dl_to_nmol_l

ROLES = ("fit", "check")
SCALES = ("log", "linear")
# hourly samples where a statistic looks at the shape of a curve within days
_FINE = {"step_days": 1 / 24, "sample_every": 1 / 24}


def _number(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"evidence.csv: {where} is not a number: {text!r}") from None
    if math.isnan(value):
        raise ValueError(f"evidence.csv: {where} is NaN")
    return value


@dataclass(frozen=True)
class Observation:
    """One row of data/evidence.csv."""

    id: str
    kind: str
    quantity: str
    population: str
    treatment: str
    published: str
    value: float | None
    low: float
    high: float
    unit: str
    scale: str
    patient: dict
    regimen: tuple
    days: float
    variable: str
    statistic: str
    day: float | None
    window: tuple[float, float] | None
    threshold: float | None
    threshold_unit: str
    reference_patient: dict | None
    reference_regimen: tuple | None
    source_key: str
    provenance: str
    role: str
    status: str
    note: str

    def make_patient(self, reference: bool = False) -> Patient:
        fields = self.reference_patient if reference and self.reference_patient is not None else self.patient
        return Patient(**fields)

    def make_regimen(self, reference: bool = False) -> Regimen:
        doses = self.reference_regimen if reference else self.regimen
        return Regimen([Dose(d["drug"], d["amount"], every_days=d["every_days"], start_day=d.get("start_day", 0),
                             stop_day=d.get("stop_day")) for d in doses or ()])

    def within(self, measured: float) -> bool:
        return math.isfinite(measured) and self.low <= measured <= self.high

    def residual(self, measured: float) -> float:
        """Distance from the published figure in units of the accepted half-band: |r| <= 1
        inside the band when the row has a central value; 0 inside a band without one."""
        transform = math.log if self.scale == "log" else (lambda x: x)
        if not math.isfinite(measured) or (self.scale == "log" and measured <= 0):
            return 10.0
        x = transform(measured)
        low = transform(self.low) if self.low > 0 or self.scale == "linear" else -math.inf
        high = transform(self.high)
        if self.value is not None:
            centre = transform(self.value)
            side = (high - centre) if x > centre else (centre - low)
            return (x - centre) / side
        width = (high - low) if math.isfinite(high - low) else abs(low or high) or 1.0
        if x < low:
            return (x - low) / (width / 2)
        if x > high:
            return (x - high) / (width / 2)
        return 0.0


def _json(text: str, where: str, default):
    if not text:
        return default
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"evidence.csv: {where} is not valid JSON ({error})") from None


def _optional_number(text: str, where: str) -> float | None:
    return None if text == "" else _number(text, where)


def load_observations() -> tuple[Observation, ...]:
    """Every row of data/evidence.csv, validated."""
    observations, seen = [], set()
    for row in read_table("evidence"):
        where = row["id"]
        if where in seen:
            raise ValueError(f"evidence.csv: id {where!r} appears twice")
        seen.add(where)
        if row["role"] not in ROLES or row["scale"] not in SCALES or row["statistic"] not in STATISTICS:
            raise ValueError(f"evidence.csv: {where}: role must be one of {ROLES}, scale one of {SCALES}, "
                             f"statistic one of {list(STATISTICS)}")
        check_source(row["source_key"], f"evidence.csv: {where}")
        window = None
        if row["window_start"] != "":
            window = (_number(row["window_start"], f"{where} window_start"), _number(row["window_end"], f"{where} window_end"))
        observation = Observation(
            id=where, kind=row["kind"], quantity=row["quantity"], population=row["population"],
            treatment=row["treatment"], published=row["published"],
            value=_optional_number(row["value"], f"{where} value"),
            low=_number(row["low"], f"{where} low"), high=_number(row["high"], f"{where} high"),
            unit=row["unit"], scale=row["scale"], patient=_json(row["patient"], f"{where} patient", {}),
            regimen=tuple(_json(row["regimen"], f"{where} regimen", [])),
            days=_optional_number(row["days"], f"{where} days") or 1.0,
            variable=row["variable"], statistic=row["statistic"],
            day=_optional_number(row["day"], f"{where} day"), window=window,
            threshold=_optional_number(row["threshold"], f"{where} threshold"), threshold_unit=row["threshold_unit"],
            reference_patient=_json(row["reference_patient"], f"{where} reference_patient", None),
            reference_regimen=(tuple(_json(row["reference_regimen"], f"{where} reference_regimen", []))
                               if row["reference_regimen"] else None),
            source_key=row["source_key"], provenance=row["provenance"], role=row["role"], status=row["status"],
            note=row["note"],
        )
        empty = [name for name in STATISTICS[observation.statistic].arguments if getattr(observation, name) is None]
        if empty:
            raise ValueError(f"evidence.csv: {where}: statistic {observation.statistic!r} needs {empty}")
        if observation.status != "reproduced" and not observation.status.startswith("disagrees: "):
            raise ValueError(f"evidence.csv: {where}: status must be 'reproduced' or 'disagrees: <why>'")
        if not observation.low <= observation.high:
            raise ValueError(f"evidence.csv: {where}: low must not exceed high")
        if observation.value is not None and not observation.low <= observation.value <= observation.high:
            raise ValueError(f"evidence.csv: {where}: the published value lies outside its accepted band")
        observations.append(observation)
    return tuple(observations)


def _fine(observation: Observation) -> dict:
    return _FINE if STATISTICS[observation.statistic].fine else {}


def _run(observation: Observation, parameters, reference: bool = False):
    return simulate(observation.make_regimen(reference), days=observation.days, parameters=parameters,
                    patient=observation.make_patient(reference), **_fine(observation))


def _window(result, observation: Observation):
    start, end = observation.window
    inside = (result.t >= start - 1e-9) & (result.t <= end + 1e-9)
    return result.t[inside], result[observation.variable][inside]


def _threshold(observation: Observation, result) -> float:
    if observation.threshold_unit == "ratio":
        return observation.threshold * result.baseline[observation.variable]
    return observation.threshold


def _first_crossing(t, series, level, above: bool) -> float:
    crossed = np.nonzero(series >= level if above else series <= level)[0]
    if not len(crossed):
        return math.inf
    i = crossed[0]
    if i == 0:
        return float(t[0])
    fraction = (level - series[i - 1]) / (series[i] - series[i - 1])   # linear between samples
    return float(t[i - 1] + fraction * (t[i] - t[i - 1]))


@dataclass(frozen=True)
class Statistic:
    """How one kind of row is measured: a small function and the columns it reads.

    ``compute(observation, result, parameters)`` returns the model's figure; ``result`` is
    the simulation of the row (None when ``simulated`` is False: the figure comes from the
    data alone) and ``parameters`` the hpg.ParameterSet it ran with. ``arguments`` are the Observation fields the statistic needs: a row that
    leaves one empty is refused when the table is loaded.
    """

    name: str
    compute: Callable
    arguments: tuple[str, ...] = ()
    simulated: bool = True
    fine: bool = False  # hourly samples: the statistic reads the shape of a curve within days


STATISTICS: dict[str, Statistic] = {}


def statistic(name: str, *arguments: str, simulated: bool = True, fine: bool = False):
    """Register ``compute`` as the statistic ``name`` of data/evidence.csv."""
    def register(compute):
        STATISTICS[name] = Statistic(name, compute, arguments, simulated, fine)
        return compute
    return register


@statistic("parameter", simulated=False)
def _parameter(observation, _result, parameters):
    return parameters[observation.variable]


@statistic("drug_half_life", simulated=False)
def _drug_half_life(observation, _result, parameters):
    return drug(observation.variable, parameters).elimination_half_life


@statistic("spermatogenic_delay_quantile", "threshold", simulated=False)
def _spermatogenic_delay_quantile(observation, _result, parameters):
    from scipy.stats import gamma

    values = parameters
    stages = int(values["spermatogenesis_stages"])
    return float(gamma.ppf(observation.threshold, stages, scale=values["spermatogenesis_duration"] / stages))


@statistic("baseline")
def _baseline(observation, result, parameters):
    return result.baseline[observation.variable]


@statistic("baseline_ratio", "reference_patient")
def _baseline_ratio(observation, result, parameters):
    reference = _run(observation, parameters, reference=True)
    return result.baseline[observation.variable] / reference.baseline[observation.variable]


@statistic("baseline_quotient")
def _baseline_quotient(observation, result, parameters):
    """Untreated serum testosterone in nmol/L / untreated intratesticular testosterone (nmol/L)."""
    molar_mass = parameters["testosterone_molar_mass"]
    return testosterone_ng_dl_to_nmol_l(result.baseline[observation.variable], molar_mass) / result.baseline["itt"]


@statistic("production_rate")
def _production_rate(observation, result, parameters):
    clearance = parameters[f"{observation.variable}_clearance"]   # L/day
    return result.baseline[observation.variable] * clearance / 1000.0    # pg/mL x L/day = ng/day; / 1000 -> µg/day


def _value_at_day(observation, result) -> float:
    return float(np.interp(observation.day, result.t, result[observation.variable]))


@statistic("value_at", "day")
def _value_at(observation, result, parameters):
    return _value_at_day(observation, result)


@statistic("ratio_at", "day")
def _ratio_at(observation, result, parameters):
    value = _value_at_day(observation, result)
    if observation.reference_regimen is not None or observation.reference_patient is not None:
        return value / _value_at_day(observation, _run(observation, parameters, reference=True))
    return value / result.baseline[observation.variable]


@statistic("mean_over", "window")
def _mean_over(observation, result, parameters):
    return float(np.mean(_window(result, observation)[1]))


@statistic("peak_ratio", "window", fine=True)
def _peak_ratio(observation, result, parameters):
    _, inside = _window(result, observation)
    return float(np.max(inside) / result.baseline[observation.variable])


@statistic("peak_day", "window", fine=True)
def _peak_day(observation, result, parameters):
    t, inside = _window(result, observation)
    return float(t[int(np.argmax(inside))])


@statistic("half_life", "window")
def _half_life(observation, result, parameters):
    t, inside = _window(result, observation)
    slope = np.polyfit(t, np.log(inside), 1)[0]
    return math.log(2) / -slope if slope < 0 else math.inf


@statistic("return_day", "threshold", fine=True)
def _return_day(observation, result, parameters):
    series = result[observation.variable]
    peak = int(np.argmax(series))
    return _first_crossing(result.t[peak:], series[peak:], _threshold(observation, result), above=False)


def _days_to_crossing(observation, result, above: bool) -> float:
    after = result.t >= observation.day
    crossing = _first_crossing(result.t[after], result[observation.variable][after], _threshold(observation, result),
                               above=above)
    return crossing - observation.day


TIME_TO_THRESHOLD = ("first_day_above", "first_day_below")  # rows whose figure is a time, infinite if never


@statistic("first_day_above", "day", "threshold")
def _first_day_above(observation, result, parameters):
    return _days_to_crossing(observation, result, above=True)


@statistic("first_day_below", "day", "threshold")
def _first_day_below(observation, result, parameters):
    return _days_to_crossing(observation, result, above=False)


@statistic("largest_gap", "window", "reference_regimen", fine=True)
def _largest_gap(observation, result, parameters):
    _, inside = _window(result, observation)
    _, reference = _window(_run(observation, parameters, reference=True), observation)
    return float(np.max(np.abs(inside - reference)) / np.max(reference))


def measure(observation: Observation | str, parameters=None) -> float:
    """The model's figure for one observation (or the row of that id), in the row's unit,
    with an hpg.ParameterSet (default: the committed values)."""
    observation = _row(observation)
    parameters = as_parameter_set(parameters)
    how = STATISTICS[observation.statistic]
    return how.compute(observation, _run(observation, parameters) if how.simulated else None, parameters)


def _row(observation: Observation | str) -> Observation:
    """``observation`` checked: a row of load_observations(), or the row of that id."""
    if isinstance(observation, str):
        return observation_by_id(observation)
    return validation.instance("observation", observation, Observation,
                               "a row of load_observations() or its id (a string)")


def observation_by_id(identifier: str) -> Observation:
    """The row of data/evidence.csv with this id."""
    validation.text("observation id", identifier)
    rows = {observation.id: observation for observation in load_observations()}
    if identifier not in rows:
        raise ValueError(f"no observation {identifier!r} in data/evidence.csv; ids are: {', '.join(rows)}")
    return rows[identifier]


def shortfall(observation: Observation | str, parameters=None) -> float:
    """For a time-to-threshold row whose curve never crosses its threshold: how far the
    closest approach stays from it (a log ratio, > 0). The fit uses it to steer towards a
    crossing where the time itself is infinite and gives no direction."""
    observation = _row(observation)
    if observation.statistic not in TIME_TO_THRESHOLD:
        raise ValueError(f"observation {observation.id!r} measures {observation.statistic!r}; a shortfall is "
                         f"defined for time-to-threshold rows ({', '.join(TIME_TO_THRESHOLD)}) only")
    result = _run(observation, as_parameter_set(parameters))
    after = result.t >= observation.day
    series, level = result[observation.variable][after], _threshold(observation, result)
    if observation.statistic == "first_day_below":
        return math.log(max(float(np.min(series)), 1e-12) / level)
    return math.log(level / max(float(np.max(series)), 1e-12))


def evaluate(observations=None, parameters=None) -> list[tuple[Observation, float]]:
    """(observation, model figure) for every row, or for the given rows (Observations or ids),
    with an hpg.ParameterSet (default: the committed values)."""
    if observations is None:
        observations = load_observations()
    elif isinstance(observations, (str, Observation)) or not np.iterable(observations):
        raise TypeError(f"observations must be a list of rows or ids, or None for every row; "
                        f"{type(observations).__name__} {validation.shown(observations)}")
    elif len(observations) == 0:
        raise ValueError("observations must name at least one row (or be None for every row); got an empty list")
    rows = [_row(row) for row in observations]
    return [(observation, measure(observation, parameters)) for observation in rows]


def calibration_table():
    """Published figure, model figure, accepted band and verdict for every row (pandas DataFrame)."""
    import pandas as pd

    rows = []
    for observation, measured in evaluate():
        cite(observation.source_key)
        rows.append({
            "id": observation.id, "quantity": observation.quantity, "population": observation.population,
            "treatment": observation.treatment, "published": observation.published, "unit": observation.unit,
            "model": measured, "accepted": f"{observation.low:.3g}..{observation.high:.3g}",
            "within": observation.within(measured), "role": observation.role, "status": observation.status,
            "provenance": observation.provenance, "source": observation.source_key, "note": observation.note,
        })
    return pd.DataFrame(rows)
