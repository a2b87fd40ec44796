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

import numpy as np

from .parameters import as_parameter_set, check_source
from .patient import Patient
from .pharmacology import drug
from .references import cite
from .regimen import Dose, Regimen
from .simulation import simulate
from .tables import read_table

ROLES = ("fit", "check")
SCALES = ("log", "linear")
STATISTICS = ("baseline", "baseline_ratio", "baseline_quotient", "ratio_at", "value_at", "mean_over", "peak_ratio",
              "peak_day", "half_life", "return_day", "first_day_above", "first_day_below", "largest_gap",
              "production_rate", "parameter", "drug_half_life", "spermatogenic_delay_quantile")
# hourly samples where a statistic looks at the shape of a curve within days
_FINE = {"step_days": 1 / 24, "sample_every": 1 / 24}
_NANOMOL_PER_NG_DL = {"nmol/L": 10.0}    # ng/dL x 10 / molar mass -> nmol/L


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
                             f"statistic one of {STATISTICS}")
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
        if observation.status != "reproduced" and not observation.status.startswith("disagrees: "):
            raise ValueError(f"evidence.csv: {where}: status must be 'reproduced' or 'disagrees: <why>'")
        if not observation.low <= observation.high:
            raise ValueError(f"evidence.csv: {where}: low must not exceed high")
        if observation.value is not None and not observation.low <= observation.value <= observation.high:
            raise ValueError(f"evidence.csv: {where}: the published value lies outside its accepted band")
        observations.append(observation)
    return tuple(observations)


def _fine(observation: Observation) -> dict:
    return _FINE if observation.statistic in ("peak_ratio", "peak_day", "return_day", "largest_gap") else {}


def _run(observation: Observation, reference: bool = False, parameters=None):
    return simulate(observation.make_regimen(reference), days=observation.days,
                    patient=observation.make_patient(reference), parameters=parameters, **_fine(observation))


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


def measure(observation: Observation, parameters=None) -> float:
    """The model's figure for one observation, in the row's unit, with an hpg.ParameterSet
    (default: the committed values)."""
    statistic, variable = observation.statistic, observation.variable
    values = as_parameter_set(parameters)
    if statistic == "parameter":
        return values[variable]
    if statistic == "drug_half_life":
        return drug(variable, values).elimination_half_life
    if statistic == "spermatogenic_delay_quantile":
        from scipy.stats import gamma

        stages = int(values["spermatogenesis_stages"])
        return float(gamma.ppf(observation.threshold, stages, scale=values["spermatogenesis_duration"] / stages))
    result = _run(observation, parameters=values)
    if statistic == "baseline":
        return result.baseline[variable]
    if statistic == "baseline_ratio":
        return result.baseline[variable] / _run(observation, reference=True, parameters=values).baseline[variable]
    if statistic == "baseline_quotient":
        converted = result.baseline[variable] * _NANOMOL_PER_NG_DL[observation.threshold_unit] / values[
            "testosterone_molar_mass"]
        return converted / result.baseline["itt"]
    if statistic == "production_rate":
        clearance = values[f"{variable}_clearance"]          # L/day
        return result.baseline[variable] * clearance / 1000.0   # pg/mL x L/day = ng/day; / 1000 -> µg/day
    series = result[variable]
    if statistic in ("ratio_at", "value_at"):
        value = float(np.interp(observation.day, result.t, series))
        if statistic == "value_at":
            return value
        if observation.reference_regimen is not None or observation.reference_patient is not None:
            other = _run(observation, reference=True, parameters=values)
            return value / float(np.interp(observation.day, other.t, other[variable]))
        return value / result.baseline[variable]
    if statistic == "mean_over":
        return float(np.mean(_window(result, observation)[1]))
    if statistic in ("peak_ratio", "peak_day"):
        t, inside = _window(result, observation)
        peak = int(np.argmax(inside))
        return float(t[peak]) if statistic == "peak_day" else float(inside[peak] / result.baseline[variable])
    if statistic == "half_life":
        t, inside = _window(result, observation)
        slope = np.polyfit(t, np.log(inside), 1)[0]
        return math.log(2) / -slope if slope < 0 else math.inf
    if statistic == "return_day":
        peak = int(np.argmax(series))
        return _first_crossing(result.t[peak:], series[peak:], _threshold(observation, result), above=False)
    if statistic in ("first_day_above", "first_day_below"):
        after = result.t >= observation.day
        crossing = _first_crossing(result.t[after], series[after], _threshold(observation, result),
                                   above=statistic == "first_day_above")
        return crossing - observation.day
    if statistic == "largest_gap":
        other = _run(observation, reference=True, parameters=values)
        t, inside = _window(result, observation)
        _, reference = _window(other, observation)
        return float(np.max(np.abs(inside - reference)) / np.max(reference))
    raise ValueError(f"evidence.csv: {observation.id}: unknown statistic {statistic!r}")   # load_observations prevents


def shortfall(observation: Observation, parameters=None) -> float:
    """For a time-to-threshold row whose curve never crosses its threshold: how far the
    closest approach stays from it (a log ratio, > 0). The fit uses it to steer towards a
    crossing where the time itself is infinite and gives no direction."""
    result = _run(observation, parameters=parameters)
    after = result.t >= observation.day
    series, level = result[observation.variable][after], _threshold(observation, result)
    if observation.statistic == "first_day_below":
        return math.log(max(float(np.min(series)), 1e-12) / level)
    return math.log(level / max(float(np.max(series)), 1e-12))


def evaluate(observations=None, parameters=None) -> list[tuple[Observation, float]]:
    """(observation, model figure) for every row (or the given rows), with an hpg.ParameterSet."""
    return [(observation, measure(observation, parameters))
            for observation in (load_observations() if observations is None else observations)]


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
