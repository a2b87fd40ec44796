"""Run the model on a regimen and return time series in clinical units."""
from __future__ import annotations

import math
import warnings

import numpy as np

from . import filters, model
from .parameters import as_parameter_set, load_parameters
from .patient import Patient
from .pharmacology import DRUGS, exposure, gonadorelin_signals
from .pharmacology import drug as pharmacology_drug
from .references import cite
from . import validation
from .regimen import Dose, Regimen

CLINICAL = ("testosterone", "lh", "fsh", "estradiol", "itt", "sperm")
UNITS = {
    "testosterone": "ng/dL", "lh": "IU/L", "fsh": "IU/L", "estradiol": "pg/mL", "itt": "nmol/L",
    "sperm": "million/mL", "inhibin_b": "pg/mL", "gnrh": "x normal man", "gnrh_receptor": "fraction",
    "leydig_capacity": "x normal testis", "germinal_capacity": "x normal testis", "central_suppression": "fraction",
    "exogenous_testosterone": "ng/dL", "hcg": "IU/L",
}
LABELS = {
    "testosterone": "Serum total testosterone", "lh": "LH", "fsh": "FSH", "estradiol": "Estradiol",
    "itt": "Intratesticular testosterone", "sperm": "Sperm concentration", "inhibin_b": "Inhibin B",
    "gnrh": "Hypothalamic GnRH drive", "gnrh_receptor": "Pituitary GnRH-receptor responsiveness",
    "leydig_capacity": "Leydig-cell capacity", "germinal_capacity": "Germinal (sperm-making) capacity",
    "central_suppression": "GnRH drive held back by past androgen exposure",
    "exogenous_testosterone": "Testosterone from the medicine", "hcg": "Serum hCG",
}
VARIABLES = tuple(UNITS)
DEFAULT_STEP_DAYS = 1 / 12
# The kernel's step (step_plan), in grid steps of the default 1/12 day: 1 (the grid's) for SETTLING_DAYS after
# a dose series starts (BUILDING_DAYS for a drug given more often than every EACH_DOSE_DAYS, whose
# response builds over days), SETTLING_DAYS after a gonadorelin series ends, and AFTER_EACH_DOSE days
# after each dose of a drug given EACH_DOSE_DAYS or more apart; 2 for 3 x AFTER_EACH_DOSE days after
# such a dose and while a drug given more often runs; 3 everywhere else (half-day steps where no drug
# acts oscillate in a man of strong feedback). On a finer grid the same durations; on a coarser one
# a longer step only where it fits them.
# Accuracy: tests/test_variable_step.py and docs/performance.md.
SETTLING_DAYS = 3.0
BUILDING_DAYS = 14.0
AFTER_EACH_DOSE = 1.0
EACH_DOSE_DAYS = 2.0


class UnknownVariable(KeyError, ValueError):
    """Asked for a variable the result does not have."""

    def __str__(self):
        return str(self.args[0])


def _as_regimen(regimen) -> Regimen:
    if regimen is None:
        return Regimen()
    if isinstance(regimen, (Regimen, Dose)):
        return regimen if isinstance(regimen, Regimen) else Regimen([regimen])
    if isinstance(regimen, (list, tuple)):
        return Regimen(regimen)
    raise TypeError(f"regimen must be an hpg.Regimen (or a list of hpg.Dose, or None), "
                    f"got {type(regimen).__name__} {regimen!r}")


def check_run(regimen, days, step_days, sample_every, every_days=None) -> tuple[Regimen, float, np.ndarray, int]:
    """Every argument about time checked before anything is allocated: (regimen, days, grid,
    stride of the reported samples). ``every_days`` is the old name of ``sample_every``;
    ``sample_every=None`` means daily."""
    if every_days is not None and sample_every is not None:
        # two answers to one question: neither may silently win
        raise ValueError(f"give the days between samples once: sample_every={validation.shown(sample_every)} or "
                         f"its deprecated old name every_days={validation.shown(every_days)}, not both")
    if every_days is not None:
        warnings.warn("every_days= of simulate/simulate_cohort is now sample_every= (every_days is the "
                      "dosing interval of a Dose)", DeprecationWarning, stacklevel=3)
        sample_every = every_days
    elif sample_every is None:
        sample_every = 1.0
    regimen = _as_regimen(regimen)
    step_days = validation.number("step_days", step_days, low=1 / 96, high=1, unit="days")
    sample_every = validation.days("sample_every", sample_every, low=step_days, multiple_of=step_days,
                                   multiple_name="step_days")
    days = validation.days("days", days, multiple_of=sample_every, multiple_name="sample_every")
    validation.limit("simulate", days / step_days + 1, validation.MAX_GRID_POINTS,
                     f"model time steps ({days:g} days at step_days={step_days:g})",
                     "simulate fewer days or use a larger step_days")
    validation.limit("simulate", regimen.count(days), validation.MAX_DOSE_EVENTS,
                     f"dose events in {days:g} days", "give doses less often or simulate fewer days")
    return regimen, days, time_grid(days, step_days), int(round(sample_every / step_days))


def drug_inputs(regimen: Regimen, t: np.ndarray, serm_sensitivity: np.ndarray, values) -> tuple:
    """The five pharmacokinetic model inputs on the grid (exogenous testosterone, hCG as LH,
    estrogen block, aromatase inhibition, exogenous FSH), plus serum hCG (IU/L).

    Inputs are arrays of shape (steps,), except the estrogen block, which has shape
    (steps, patients): the patient trait ``serm_sensitivity`` (one per patient) scales each
    man's response to a SERM. An input no drug of the regimen acts on is None (0 throughout),
    and so is serum hCG without hCG.
    """
    exogenous = hcg = fsh = estrogen_kept = aromatase_kept = None
    for drug_id in sorted(regimen.drugs):
        drug = pharmacology_drug(drug_id, values)
        if drug.effect == "gnrh_receptor":
            continue
        doses = regimen.doses_of(drug_id)
        each = [dose.times(t[-1]) for dose in doses]
        times = np.concatenate(each)
        amounts = np.concatenate([np.full(len(dose_times), dose.amount) for dose, dose_times in zip(doses, each)])
        if drug.effect == "estrogen_feedback_block":      # product over SERMs of (1 - block), per patient
            kept = 1 - exposure(drug, times, amounts, t, values, serm_sensitivity)
            estrogen_kept = kept if estrogen_kept is None else estrogen_kept * kept
            continue
        series = exposure(drug, times, amounts, t, values)
        if drug.effect == "serum_testosterone":
            series = series / values["testosterone_reference"]
            exogenous = series if exogenous is None else exogenous + series
        elif drug.effect == "lh_receptor":
            hcg = series if hcg is None else hcg + series
        elif drug.effect == "fsh_receptor":
            series = series / values["fsh_reference"]
            fsh = series if fsh is None else fsh + series
        else:                                           # product over aromatase inhibitors of (1 - inhibition)
            aromatase_kept = 1 - series if aromatase_kept is None else aromatase_kept * (1 - series)
    hcg_lh = None if hcg is None else hcg * values["hcg_lh_equivalence"] / values["lh_reference"]
    return (exogenous, hcg_lh, None if estrogen_kept is None else 1 - estrogen_kept,
            None if aromatase_kept is None else 1 - aromatase_kept, fsh), hcg


def _first_order_hold(rate: float, dt: float) -> tuple[float, float, float]:
    """Coefficients (b0, b1, decay) of x_n+1 = decay x_n + b0 u_n+1 + b1 u_n: the exact
    step of dx/dt = rate (u - x) when u varies linearly between grid points, which
    keeps sampled series second-order accurate (a zero-order hold lags by half a step)."""
    decay = math.exp(-rate * dt)
    mix = (1 - decay) / (rate * dt)
    return 1 - mix, mix - decay, decay


def _erlang_delay(series: np.ndarray, mean_delay: float, stages: int, dt: float) -> np.ndarray:
    """``series`` along time (axis 0) passed through ``stages`` equal first-order stages of
    total mean delay ``mean_delay`` (an Erlang-distributed delay), starting at steady state
    at its first value."""
    b0, b1, decay = _first_order_hold(stages / float(mean_delay), dt)
    return filters.first_order(series, decay, b0, b1, stages=stages, start=series[0])


def sperm_concentration(germinal, support, release, sperm_scale, values: dict, dt: float) -> np.ndarray:
    """Sperm in the ejaculate (million/mL) from germinal capacity, the hormonal support of the
    germinal epithelium and that of the last steps (``release``: the same as ``support`` unless
    the man's germ cells need more stimulation, model.hormones) along time (axis 0): production
    delayed by spermatogenesis, times the share that spermiation failure holds back while the
    epithelium's support is low (model.spermiation_survival)."""
    # spermiation failure acts on sperm about to leave the epithelium, which then still pass the
    # epididymis: a few equal lag stages (mean spermiation_lag), so counts hold for a week or
    # so before they fall, rather than falling from the first day as one stage would have them.
    # It follows a fall of the epithelium's support below normal, not a man's lasting need for more
    # stimulation (that need acts once, through ``release``)
    recent_support = _erlang_delay(support, values["spermiation_lag"], int(values["spermiation_lag_stages"]), dt)
    survival = model.spermiation_survival(recent_support, values)
    # production passes the stages of spermatogenesis (mean spermatogenesis_duration)
    pipeline = _erlang_delay(germinal * release, values["spermatogenesis_duration"],
                             int(values["spermatogenesis_stages"]), dt)
    return sperm_scale * pipeline * survival


def record_every(every_days: float, step_days: float) -> int:
    """Steps between stored rows: the output interval, but at least daily rows so that
    the sperm pipeline (a chain of multi-day stages) is filtered accurately."""
    return max(1, int(round(min(every_days, 1.0) / step_days)))


def exposures(regimen: Regimen, t: np.ndarray, serm_sensitivity: np.ndarray, values: dict):
    """The model INPUTS at the grid points ``t`` (evenly spaced from 0) and halfway between
    them, each of shape (copies, points, INPUTS), plus serum hCG (IU/L) at the points.

    Exposures are the same for every patient except a SERM's block (patient trait
    serm_sensitivity): copies is 1 unless the regimen holds a SERM, then one per patient.
    """
    points = len(t)
    dt = float(t[1] - t[0])
    half_grid = np.arange(2 * points - 1) * (dt / 2)
    fine_inputs, fine_hcg = drug_inputs(regimen, half_grid, serm_sensitivity, values)
    copies = len(serm_sensitivity) if has_serm(regimen) else 1
    # written column by column into the arrays the kernel reads; inputs no drug acts on stay 0
    at_points = np.zeros((copies, points, model.N_INPUTS))
    between = np.zeros(at_points.shape)
    on_half_grid = (model.U_TESTOSTERONE, model.U_HCG, model.U_ESTROGEN_BLOCK, model.U_AROMATASE_BLOCK, model.U_FSH)
    for column, series in zip(on_half_grid, fine_inputs):     # (half-grid,) or (half-grid, patients)
        if series is None:
            continue
        series = series.T if series.ndim == 2 else series
        at_points[..., column] = series[..., 0::2]
        between[..., :-1, column] = series[..., 1::2]
        # (the last grid point has no step after it: its "midpoint" repeats it and is never used)
        between[..., -1, column] = series[..., -1]
    gonadorelin = regimen.doses_of("gonadorelin")
    if gonadorelin:
        pulsatile, desensitising = gonadorelin_signals(gonadorelin, t, values)
        for column, series in ((model.U_PULSATILE, pulsatile), (model.U_DESENSITISING, desensitising)):
            at_points[..., column] = between[..., column] = series      # means over each step
    return at_points, between, np.zeros(points) if fine_hcg is None else fine_hcg[0::2]


def step_plan(regimen: Regimen, t: np.ndarray, record_stride: int) -> np.ndarray:
    """The kernel's step from each grid row, in grid steps (1, 2, 3 or 6; model.integrate), chosen
    from the regimen as the constants above say: a step may only cross rows that allow its length,
    and never a stored row (every ``record_stride``-th) or the last. It depends on the regimen and
    the grid alone, so every man of a cohort takes the same steps, compiled or not."""
    steps = len(t)
    if steps < 2:
        return np.ones(steps, dtype=np.int64)
    dt = float(t[1] - t[0])
    end = float(t[-1])
    windows = {1: ([], []), 2: ([], [])}       # longest step allowed -> (starts, stops) in days

    def at_most(length: int, start, stop) -> None:
        windows[length][0].append(np.atleast_1d(start))
        windows[length][1].append(np.atleast_1d(stop))

    for dose in regimen:
        if dose.start_day >= end:
            continue
        stop = end if dose.stop_day is None else min(dose.stop_day, end)
        if dose.every_days < EACH_DOSE_DAYS:          # daily tablets, gels, a pump: never 1/4 day, and
            at_most(2, dose.start_day, stop + SETTLING_DAYS)        # the grid step while the response builds
            at_most(1, dose.start_day, dose.start_day + BUILDING_DAYS)
        else:                                         # injections: shorter steps for days after each
            days = dose.times(end)
            at_most(1, days, days + AFTER_EACH_DOSE)
            at_most(2, days, days + 3 * AFTER_EACH_DOSE)
        at_most(1, dose.start_day, dose.start_day + SETTLING_DAYS)
        if dose.drug == "gonadorelin":                # its signals end at once: settle on the grid again
            active_until = dose.start_day + math.ceil((stop - dose.start_day) / dose.every_days - 1e-9) * dose.every_days
            at_most(1, active_until, active_until + SETTLING_DAYS)
    # per row, the longest step in days that may cross it: the lengths above are grid steps of the
    # default 1/12 day (a user's finer grid takes them as days, a coarser one only what fits)
    longest = np.full(steps, 3 * DEFAULT_STEP_DAYS)      # (half a day oscillates in a man of strong feedback)
    for length in (2, 1):
        starts, stops = windows[length]
        if starts:        # rows inside any window, by counting window edges (one row before each start)
            first = np.clip(np.floor(np.concatenate(starts) / dt + 1e-9).astype(np.intp) - 1, 0, steps)
            after = np.clip(np.ceil(np.concatenate(stops) / dt - 1e-9).astype(np.intp), 0, steps)
            inside = np.cumsum(np.bincount(first, minlength=steps + 1) - np.bincount(after, minlength=steps + 1))
            longest[inside[:-1] > 0] = length * DEFAULT_STEP_DAYS if length > 1 else 0.0
    row = np.arange(steps)
    room = np.minimum(record_stride - row % record_stride, np.maximum(steps - 1 - row, 1))
    plan = np.ones(steps, dtype=np.int64)
    for length in (2, 3, 6):           # each step length where every row it covers allows it
        allowed = longest >= length * dt * (1 - 1e-9)
        crossed = np.ones(steps, dtype=bool)
        for offset in range(length):
            crossed[:steps - offset] &= allowed[offset:]
            crossed[steps - offset:] = False
        plan[crossed & (room >= length)] = length
    return plan


def has_serm(regimen: Regimen) -> bool:
    """Whether the regimen holds a drug whose effect differs between men (a SERM's estrogen
    block scales with the trait serm_sensitivity): then each man has his own exposures."""
    return any(DRUGS[drug_id].effect == "estrogen_feedback_block" for drug_id in regimen.drugs)


def working_values(regimen: Regimen, points: int, rows: int) -> int:
    """About how many values (float64) simulating one more man holds at once, on a grid of
    ``points`` with ``rows`` stored: per stored row the kernel's output (hormones, states) and
    the clinical series twice (computed, then checked for round-off); under a SERM also his own
    exposures (every input at the points and midpoints, and the block on the half-grid)."""
    values = rows * (model.N_HORMONES + model.N_STATES + 2 * len(VARIABLES))
    if has_serm(regimen):
        values += points * (2 * model.N_INPUTS + 6)
    return values


def _hormones_in_clinical_units(relative: dict, values: dict) -> dict:
    """The hormones of ``relative`` (1 = the reference man) in clinical units."""
    return {
        "testosterone": relative["testosterone"] * values["testosterone_reference"],
        "lh": relative["lh"] * values["lh_reference"],
        "fsh": relative["fsh"] * values["fsh_reference"],
        "estradiol": relative["estradiol"] * _estradiol_reference(values),
        "itt": relative["itt"] * values["itt_reference"],
    }


def clinical_series(h: dict, y: dict, exogenous, hcg, steady: dict, values: dict, dt: float) -> dict:
    """Model hormones ``h`` and states ``y`` (rows x patients, relative units), sampled
    every ``dt`` days, as the variables of a Result in clinical units."""
    shape = h["testosterone"].shape
    return {
        **_hormones_in_clinical_units(h, values),
        "sperm": sperm_concentration(y["germinal_capacity"], h["support"], h["release_support"],
                                     steady["sperm_scale"], values, dt),
        "inhibin_b": y["inhibin"] * values["inhibin_b_reference"],
        "gnrh": h["gnrh"],
        "gnrh_receptor": y["gnrh_receptor"],
        "leydig_capacity": y["leydig_capacity"],
        "germinal_capacity": y["germinal_capacity"],
        "central_suppression": h["central_suppression"],
        "exogenous_testosterone": _exogenous_share(h["testosterone"], exogenous, values),
        "hcg": np.broadcast_to(np.reshape(hcg, (-1, 1)), shape),
    }


def _exogenous_share(total: np.ndarray, exogenous, values: dict) -> np.ndarray:
    """The medicine's part of serum total testosterone (ng/dL): its share of the unbound level,
    applied to the total (SHBG binds testosterone whatever made it)."""
    unbound = model.unbound_for_total(total, model.binding_constants(values))
    share = np.reshape(exogenous, (-1, 1)) / np.maximum(unbound, 1e-300)
    return np.minimum(share, 1.0) * total * values["testosterone_reference"]


def _runner(regimen: Regimen, t: np.ndarray, traits: dict, record_stride: int, values) -> tuple:
    """(untreated steady state, function: slice of the patients -> their series in clinical
    units, rows x patients). Every man's constants and the exposures are computed once here;
    the kernel then runs on each slice asked for, so that a cohort can be simulated a few men
    at a time without settling or dosing anyone twice."""
    constants, steady = model.patient_constants(traits, values)
    dt = float(t[1] - t[0])
    # exposures shared by every man are computed once; under a SERM, each slice's own
    shared = None if has_serm(regimen) else exposures(regimen, t, steady["serm_sensitivity"], values)
    y0 = model.initial_state(steady)
    rows = (len(t) - 1) // record_stride + 1
    plan = step_plan(regimen, t, record_stride)
    kept = slice(None, None, record_stride)

    def series_of(part: slice) -> dict:
        inputs, midpoints, hcg = shared or exposures(regimen, t, steady["serm_sensitivity"][part], values)
        hormone_rows, state_rows = _integrate(inputs, midpoints, y0[part], constants[part], dt,
                                              record_stride, rows, plan)
        h = {name: hormone_rows[:, :, i] for i, name in enumerate(model.HORMONES)}     # rows x patients
        y = {name: state_rows[:, :, i] for i, name in enumerate(model.STATES)}
        scale = {"sperm_scale": steady["sperm_scale"][part]}
        series = clinical_series(h, y, inputs[0, kept, 0], hcg[kept], scale, values, dt * record_stride)
        return {name: _without_round_off(name, values_) for name, values_ in series.items()}

    return steady, series_of


def run_model(regimen: Regimen, t: np.ndarray, traits: dict, record_stride: int = 1,
              values=None) -> tuple[dict, dict]:
    """Simulate on the grid ``t`` (evenly spaced from 0) for one patient (scalar traits)
    or many (array traits). Returns (series in clinical units, untreated steady state);
    series hold every ``record_stride``-th grid point, with shape (rows,) for one
    patient or (rows, patients) for several."""
    steady, series_of = _runner(regimen, t, traits, record_stride, as_parameter_set(values))
    series = series_of(slice(None))
    if np.ndim(traits.get("age", 0)) == 0 and len(steady["sperm_scale"]) == 1:
        series = {name: values_[:, 0] for name, values_ in series.items()}
    return series, steady


def _integrate(inputs, midpoints, y0, constants, dt, stride, rows, plan):
    """Run the model kernel; returns (rows x patients x HORMONES, rows x patients x STATES)."""
    integrate, integrate_cohort, compiled = model.kernels()
    patients = len(constants)
    hormone_out = np.empty((patients, rows * model.N_HORMONES))
    state_out = np.empty((patients, rows * model.N_STATES))
    if compiled and patients > 1:
        shape = (patients,) + inputs.shape[1:]     # a view: shared exposures are not copied per patient
        integrate_cohort(np.broadcast_to(inputs, shape), np.broadcast_to(midpoints, shape), y0, constants, dt, stride,
                         plan, hormone_out, state_out)
    elif compiled:                                 # one man: the serial kernel, no thread pool
        integrate(inputs[0], midpoints[0], y0[0], constants[0], dt, stride, plan, hormone_out[0], state_out[0])
    else:   # plain Python is fastest on lists of floats
        plain_plan = plan.tolist()
        for p in range(patients):
            hormones_, states_ = [0.0] * (rows * model.N_HORMONES), [0.0] * (rows * model.N_STATES)
            k = p if len(inputs) > 1 else 0
            integrate(inputs[k].tolist(), midpoints[k].tolist(), y0[p].tolist(), constants[p].tolist(), dt, stride,
                      plain_plan, hormones_, states_)
            hormone_out[p], state_out[p] = hormones_, states_
    return (np.moveaxis(hormone_out.reshape(patients, rows, model.N_HORMONES), 0, 1),
            np.moveaxis(state_out.reshape(patients, rows, model.N_STATES), 0, 1))


def _without_round_off(name: str, series: np.ndarray) -> np.ndarray:
    """Zero the -1e-17 that filtering round-off can leave where a quantity is exactly
    zero. A genuinely negative value would be a bug in the model, and is raised. Returns
    a new array (np.maximum writes one), so no copy is made beforehand."""
    tolerance = 1e-9 * max(1.0, float(np.max(np.abs(series))))
    if np.any(series < -tolerance):
        raise RuntimeError(f"the model produced a negative {name} ({series.min():g}); please report this")
    return np.maximum(series, 0.0)


def _estradiol_reference(values: dict) -> float:
    """Estradiol (pg/mL) of the reference man: aromatised testosterone production
    plus the testes' direct share, divided by estradiol clearance."""
    testosterone_production = values["testosterone_reference"] * 10 * values["testosterone_clearance"]  # ng/day
    estradiol_production = (values["aromatized_fraction"] * testosterone_production
                            / (1 - values["testicular_estradiol_share"]))
    return estradiol_production / values["estradiol_clearance"]


def baseline_values(steady: dict, values=None) -> dict:
    """The patient's untreated steady state in clinical units (same names as series);
    each value has one entry per patient."""
    values = as_parameter_set(values)
    zeros = np.zeros_like(steady["testosterone"])
    return {
        **_hormones_in_clinical_units(steady, values),
        "sperm": steady["sperm"],
        "inhibin_b": steady["inhibin"] * values["inhibin_b_reference"],
        "gnrh": steady["gnrh"], "gnrh_receptor": steady["gnrh_receptor"],
        "leydig_capacity": steady["leydig_capacity"], "germinal_capacity": steady["germinal_capacity"],
        "central_suppression": zeros, "exogenous_testosterone": zeros, "hcg": zeros,
    }


def time_grid(days: float, step_days: float) -> np.ndarray:
    """Grid 0, step, 2*step, ... up to ``days`` (both checked by ``check_run``)."""
    steps = int(math.floor(days / step_days + 1e-9))
    return np.arange(steps + 1) * step_days


def cite_model(regimen: Regimen) -> None:
    """Mark the papers behind the model and the drugs of this regimen as used."""
    cite(*sorted({parameter.source for parameter in load_parameters().values()} - {"assumption"}))
    cite(*sorted(DRUGS[drug].source for drug in regimen.drugs))


def _recorded(t: np.ndarray, stride: int) -> tuple[int, slice]:
    """Grid points between the rows the engine stores, and which stored rows are reported."""
    step_days = float(t[1] - t[0])
    record = record_every(stride * step_days, step_days)
    return record, slice(None, None, stride // record)


def run(regimen: Regimen, t: np.ndarray, stride: int, traits: dict, parameters=None) -> tuple[dict, dict]:
    """The one path from a checked run (``check_run``) to clinical series, for one man
    (scalar traits: series of shape (samples,)) or many (array traits: (samples, patients)):
    (series sampled every ``stride`` grid points, untreated baseline values per patient)."""
    parameters = as_parameter_set(parameters)
    record, kept = _recorded(t, stride)
    series, steady = run_model(regimen, t, traits, record, parameters)
    return {name: values[kept] for name, values in series.items()}, baseline_values(steady, parameters)


def run_in_parts(regimen: Regimen, t: np.ndarray, stride: int, traits: dict, parts, parameters=None):
    """``run`` for many patients (array traits), the kernel taking the slices ``parts`` of them
    in turn, so that only one slice's working arrays exist at a time: (untreated baseline
    values per patient, iterator of (slice, its series sampled every ``stride`` grid points,
    samples x patients of the slice))."""
    parameters = as_parameter_set(parameters)
    record, kept = _recorded(t, stride)
    steady, series_of = _runner(regimen, t, traits, record, parameters)
    in_parts = ((part, {name: values[kept] for name, values in series_of(part).items()}) for part in parts)
    return baseline_values(steady, parameters), in_parts


class TimeSeries:
    """What a Result and a Cohort share: ``t`` (days), ``[name]`` lookup with one error for an
    unknown name, ``variables``, ``units`` and ``labels``."""

    def __init__(self, t, series):
        self.t, self._series = t, series
        self.units, self.labels = dict(UNITS), dict(LABELS)
        self.variables = tuple(series)

    def __getitem__(self, name: str) -> np.ndarray:
        validation.text("variable name", name)
        if name not in self._series:
            raise UnknownVariable(f"unknown variable {name!r}; available: {', '.join(self.variables)}")
        return self._series[name]

    def __contains__(self, name) -> bool:
        return name in self._series


class Result(TimeSeries):
    """Time series of one simulation, in clinical units.

    ``result.t`` (days) and ``result[name]`` for name in ``result.variables``:
    testosterone (ng/dL), lh, fsh (IU/L), estradiol (pg/mL), itt (nmol/L),
    sperm (million/mL), inhibin_b (pg/mL), gnrh (x untreated), gnrh_receptor,
    leydig_capacity, germinal_capacity (fractions), exogenous_testosterone (ng/dL),
    hcg (IU/L). ``result.baseline`` holds the patient's untreated values.
    """

    def __init__(self, t, series, baseline, regimen, patient, days):
        super().__init__(t, series)
        self.baseline = baseline
        self.regimen = regimen
        self.patient = patient
        self.days = days

    def relative(self, name: str) -> np.ndarray:
        """``result[name]`` divided by the patient's untreated value."""
        base = self.baseline[name] if validation.text("variable name", name) in self._series else None
        if base is None:
            self[name]  # raises UnknownVariable
        if base == 0:
            raise ValueError(f"{name} is zero at baseline; a ratio to baseline is undefined")
        return self[name] / base

    def at(self, day: float) -> dict:
        """Every variable at ``day`` (linear interpolation between grid points)."""
        day = validation.number("day", day, low=float(self.t[0]), high=float(self.t[-1]), unit="days")
        return {name: float(np.interp(day, self.t, self._series[name])) for name in self.variables}

    def to_frame(self):
        """Tidy pandas DataFrame with columns day, variable, value, unit."""
        import pandas as pd

        return pd.DataFrame({
            "day": np.tile(self.t, len(self.variables)),
            "variable": np.repeat(self.variables, len(self.t)),
            "value": np.concatenate([self._series[name] for name in self.variables]),
            "unit": np.repeat([self.units[name] for name in self.variables], len(self.t)),
        })

    def __repr__(self):
        return (f"<Result {self.days:g} days, {len(self.regimen)} dose series "
                f"({', '.join(sorted(self.regimen.drugs)) or 'no treatment'})>")


def simulate(regimen=None, days: float = 365, patient: Patient | None = None, *,
             step_days: float = DEFAULT_STEP_DAYS, sample_every: float | None = None, every_days: float | None = None,
             parameters=None) -> Result:
    """Simulate the HPG axis of ``patient`` under ``regimen`` for ``days`` days.

    The model steps every ``step_days`` (default 2 hours) where the hormones move fast (the
    first days of a treatment, the day after an injection), and two or three times that
    elsewhere, never past a sample; it reports every ``sample_every`` days (default daily; use
    e.g. ``sample_every=step_days=1/24`` to see the hours after an injection at every step). ``days`` must be a whole number of samples (whole days
    by default): nothing is cut.
    ``every_days=`` is the old name of ``sample_every=`` (deprecated; give one of the two).
    ``parameters`` is an hpg.ParameterSet (default: the committed values of data/).

    >>> import hpgwidgets as hpg
    >>> trt = hpg.Regimen([hpg.Dose("testosterone_enanthate", 200, every_days=7, stop_day=182)])
    >>> result = hpg.simulate(trt, days=365)
    >>> bool(result["lh"][21] < 0.2 * result.baseline["lh"])
    True
    """
    regimen, days, t, stride = check_run(regimen, days, step_days, sample_every, every_days)
    patient = validation.instance("patient", Patient() if patient is None else patient, Patient, "an hpg.Patient")
    series, baseline = run(regimen, t, stride, patient.traits(), parameters)
    cite_model(regimen)
    return Result(t[::stride], series, {name: float(value[0]) for name, value in baseline.items()},
                  regimen, patient, days)
