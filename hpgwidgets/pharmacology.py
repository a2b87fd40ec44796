"""The drug catalogue (``data/drugs.csv``) and each agent's exposure over time.

Every agent except gonadorelin follows linear two-step kinetics: an absorption
step (injection site, gut or skin) feeding a compartment that empties
first-order. For the testosterone esters that second step is the release from
the oily depot, which is much slower than testosterone's own clearance, so serum
testosterone follows the release rate ("flip-flop" kinetics). Superposition is
exact: doses are folded into the grid analytically and propagated with a linear
recursion (:func:`hpgwidgets.filters.first_order`), so a 2-year regimen costs microseconds.

Gonadorelin's half-life is minutes, far shorter than the model's time step. What
matters at the pituitary is the pulse pattern, so for gonadorelin we compute, per
time step, the pulsatile drive (pulses per day, each with a saturating effect) and
the residual between-pulse exposure that desensitises the GnRH receptor.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache
from types import MappingProxyType

import numpy as np

from .filters import compiled, first_order
from .parameters import as_parameter_set, check_source
from .tables import read_table

_MG_PER_L_TO_NG_PER_DL = 1e5
_MINUTES_PER_DAY = 24 * 60
EFFECTS = ("serum_testosterone", "lh_receptor", "fsh_receptor", "estrogen_feedback_block", "aromatase_inhibition",
           "gnrh_receptor")


@dataclass(frozen=True)
class Drug:
    """One agent of the catalogue, with its kinetics (half-lives in days)."""

    id: str
    name: str
    drug_class: str
    route: str
    amount_unit: str
    acts_on: str
    mechanism: str
    active_fraction: float
    bioavailability: float
    absorption_half_life: float | None
    elimination_half_life: float
    distribution_volume: float | None
    effect: str
    emax: float | None
    ec50: float | None
    ec50_unit: str
    typical_amount: float
    typical_every_days: float
    max_amount: float
    max_amount_per_week: float
    licensed_use_in_men: str
    source: str
    fitted: tuple[str, ...] = ()


def _optional(text: str) -> float | None:
    return float(text) if text else None


@lru_cache(maxsize=None)
def load_drugs() -> MappingProxyType:
    """The validated drug catalogue: id -> Drug."""
    drugs = {}
    for row in read_table("drugs"):
        scale = 1.0 / _MINUTES_PER_DAY if row["half_life_unit"] == "minutes" else 1.0
        if row["half_life_unit"] not in ("days", "minutes"):
            raise ValueError(f"drugs.csv: {row['id']}: half_life_unit must be days or minutes")
        absorption = _optional(row["absorption_half_life"])
        drug = Drug(
            id=row["id"], name=row["name"], drug_class=row["drug_class"], route=row["route"],
            amount_unit=row["amount_unit"], acts_on=row["acts_on"], mechanism=row["mechanism"],
            active_fraction=float(row["active_fraction"]), bioavailability=float(row["bioavailability"]),
            absorption_half_life=None if absorption is None else absorption * scale,
            elimination_half_life=float(row["elimination_half_life"]) * scale,
            distribution_volume=_optional(row["distribution_volume"]),
            effect=row["effect"], emax=_optional(row["emax"]), ec50=_optional(row["ec50"]),
            ec50_unit=row["ec50_unit"], typical_amount=float(row["typical_amount"]),
            typical_every_days=float(row["typical_every_days"]), max_amount=float(row["max_amount"]),
            max_amount_per_week=float(row["max_amount_per_week"]),
            licensed_use_in_men=row["licensed_use_in_men"], source=row["source"],
            fitted=tuple(item.partition(":")[0] for item in filter(None, row.get("fitted", "").split(";"))),
        )
        if set(drug.fitted) - {"emax", "ec50", "elimination_half_life", "absorption_half_life"}:
            raise ValueError(f"drugs.csv: {drug.id}: fitted names unknown columns {drug.fitted}")
        if drug.effect not in EFFECTS:
            raise ValueError(f"drugs.csv: {drug.id}: effect {drug.effect!r} is not one of {EFFECTS}")
        if drug.effect != "gnrh_receptor" and drug.absorption_half_life is None:
            raise ValueError(f"drugs.csv: {drug.id}: absorption_half_life is required")
        if drug.absorption_half_life is not None and math.isclose(drug.absorption_half_life, drug.elimination_half_life):
            raise ValueError(f"drugs.csv: {drug.id}: absorption and elimination half-lives must differ")
        if drug.effect in ("estrogen_feedback_block", "aromatase_inhibition") and (drug.emax is None or drug.ec50 is None):
            raise ValueError(f"drugs.csv: {drug.id}: emax and ec50 are required for {drug.effect}")
        check_source(drug.source, f"drugs.csv: {drug.id}")
        drugs[drug.id] = drug
    return MappingProxyType(drugs)


DRUGS = load_drugs()


def drug(drug_id: str, parameters=None) -> Drug:
    """One agent of the catalogue, with any drug columns a parameter set changes
    (``"clomiphene.ec50"``, as a fit tries them) in force."""
    base = DRUGS[drug_id]
    changes = {name.split(".", 1)[1]: value for name, value in as_parameter_set(parameters).drug_values.items()
               if name.startswith(drug_id + ".")}
    if not changes:
        return base
    for half_life in ("elimination_half_life", "absorption_half_life"):
        if half_life in changes and base.id == "gonadorelin":
            raise ValueError("gonadorelin's half-life is a parameter in minutes, not a fitted drug column")
    return replace(base, **changes)


def drug_ids() -> tuple[str, ...]:
    """Known drug ids, in catalogue order."""
    return tuple(DRUGS)


def drugs_acting_on(effect: str) -> tuple[str, ...]:
    """Ids of the drugs whose action (the ``effect`` column of data/drugs.csv) is ``effect``."""
    if effect not in EFFECTS:
        raise ValueError(f"effect must be one of {EFFECTS}, got {effect!r}")
    return tuple(drug_id for drug_id, drug in DRUGS.items() if drug.effect == effect)


def testosterone_drugs() -> tuple[str, ...]:
    """The testosterone products ("TRT"): the drugs that add testosterone to the blood,
    as data/drugs.csv says. The one answer to "which drugs are testosterone"."""
    return drugs_acting_on("serum_testosterone")


def drug_table():
    """The catalogue as a pandas DataFrame (the source documents' drug tables, as data)."""
    import pandas as pd

    columns = ["name", "drug_class", "route", "amount_unit", "acts_on", "mechanism",
               "elimination_half_life", "typical_amount", "typical_every_days", "licensed_use_in_men", "source"]
    frame = pd.DataFrame([{column: getattr(drug, column) for column in columns} for drug in DRUGS.values()],
                         index=pd.Index(list(DRUGS), name="id"))
    return frame.rename(columns={"elimination_half_life": "elimination_half_life_days"})


def _rate(half_life: float) -> float:
    return math.log(2.0) / half_life


def depot_amount(drug: Drug, dose_times: np.ndarray, amounts: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Amount (drug's amount unit) in the second compartment at the grid times ``t``.

    Doses at time tau add ``F * amount`` to the absorption compartment; a dose given
    exactly at a grid point counts from that point on (the value there is pre-dose).
    ``t`` must be an evenly spaced grid starting at 0. Where numba is installed the sums are
    taken in one compiled pass (:func:`_depot_pass`), else with numpy (:func:`_depot_numpy`):
    the same operations in the same order, so the same numbers but below 1e-300.
    """
    inside = dose_times < t[-1]
    times = np.ascontiguousarray(dose_times[inside], dtype=float)
    given = np.ascontiguousarray(amounts[inside] * drug.bioavailability, dtype=float)
    ka, ke = _rate(drug.absorption_half_life), _rate(drug.elimination_half_life)
    dt = float(t[1] - t[0]) if len(t) > 1 else 1.0
    one_pass = _depot_kernel()
    if one_pass is None:
        return _depot_numpy(times, given, ka, ke, dt, len(t))
    return one_pass(times, given, ka, ke, dt, np.empty(len(t)))


def _depot_numpy(times, given, ka: float, ke: float, dt: float, steps: int) -> np.ndarray:
    """depot_amount's sums with whole-array numpy operations (Python without numba): the doses
    folded into the grid, then each compartment's linear recursion (filters.first_order)."""
    absorbed_input = np.zeros(steps)
    released_input = np.zeros(steps)
    if len(times):
        interval = np.floor(times / dt + 1e-9).astype(int)        # dose lands in [t_i, t_i+1)
        elapsed = (interval + 1) * dt - times                      # time from dose to t_i+1
        np.add.at(absorbed_input, interval + 1, given * np.exp(-ka * elapsed))
        np.add.at(released_input, interval + 1,
                  given * ka / (ka - ke) * (np.exp(-ke * elapsed) - np.exp(-ka * elapsed)))
    decay_a, decay_e = math.exp(-ka * dt), math.exp(-ke * dt)
    absorbing = first_order(absorbed_input, decay_a)
    transfer = ka / (ka - ke) * (decay_e - decay_a)
    feed = np.empty(steps)
    feed[0] = 0.0
    feed[1:] = transfer * absorbing[:-1]
    return first_order(feed + released_input, decay_e)


def _depot_pass(times, given, ka, ke, dt, out):
    """What :func:`_depot_numpy` computes, written for numba: the doses folded into the grid, then
    both compartments stepped together in one loop over it, into ``out``. An amount below 1e-300
    is taken as 0: a compartment emptying for months would otherwise pass through subnormal
    numbers, each operation on which costs the processor a hundred times more."""
    steps = len(out)
    absorbed_input = np.zeros(steps)
    released_input = np.zeros(steps)
    for j in range(len(times)):
        interval = int(math.floor(times[j] / dt + 1e-9))
        elapsed = (interval + 1) * dt - times[j]
        absorbed_input[interval + 1] += given[j] * math.exp(-ka * elapsed)
        released_input[interval + 1] += given[j] * ka / (ka - ke) * (math.exp(-ke * elapsed) - math.exp(-ka * elapsed))
    decay_a, decay_e = math.exp(-ka * dt), math.exp(-ke * dt)
    transfer = ka / (ka - ke) * (decay_e - decay_a)
    absorbing = 0.0
    amount = 0.0
    for n in range(steps):
        feed = transfer * absorbing
        absorbing = decay_a * absorbing + absorbed_input[n]
        amount = decay_e * amount + (feed + released_input[n])
        if absorbing < 1e-300:
            absorbing = 0.0
        if amount < 1e-300:
            amount = 0.0
        out[n] = amount
    return out


def _depot_kernel():
    """:func:`_depot_pass` compiled by numba (cached on disk, like the model), or None where numba is
    not installed (Pyodide)."""
    return compiled(_depot_pass)


def exposure(drug: Drug, dose_times: np.ndarray, amounts: np.ndarray, t: np.ndarray, values: dict,
             sensitivity=1.0) -> np.ndarray:
    """What the model's physiology sees of one drug at the grid times.

    serum_testosterone: added serum testosterone (ng/dL); lh_receptor: serum hCG (IU/L);
    fsh_receptor: serum recombinant FSH (IU/L);
    estrogen_feedback_block / aromatase_inhibition: fraction blocked (0-1), where
    ``sensitivity`` (a number, or one per patient) multiplies the drug's potency; with
    an array the result has shape (steps, patients).
    """
    amount = depot_amount(drug, dose_times, amounts, t)
    if drug.effect == "serum_testosterone":
        release_rate = _rate(drug.elimination_half_life) * amount * drug.active_fraction   # mg/day
        return release_rate / values["testosterone_clearance"] * _MG_PER_L_TO_NG_PER_DL
    if drug.effect in ("lh_receptor", "fsh_receptor"):
        return amount / drug.distribution_volume
    if np.ndim(sensitivity):
        amount = amount[:, None]
    return drug.emax * amount / (amount + drug.ec50 / sensitivity)


def _refilled(interval_days: float, refill_days: float) -> float:
    """Share of a full gonadotroph store refilled ``interval_days`` after the last pulse."""
    return 1.0 - math.exp(-interval_days / refill_days)


def gonadorelin_signals(doses, t: np.ndarray, values: dict) -> tuple[np.ndarray, np.ndarray]:
    """Pulsatile drive and desensitising exposure of gonadorelin for each step [t_i, t_i+1).

    pulsatile: exogenous GnRH drive in units of the endogenous drive (1 = a normal
    man's own GnRH pulses): the mean pulse rate while a dose series is running,
    counting at most the rate at which pulses still reach the pituitary as separate
    pulses, each with a saturating effect.
    desensitising: fraction (0-1) of maximal receptor-desensitising exposure from the
    gonadorelin left between pulses, which is negligible when pulses are hours apart
    (half-life minutes) and approaches a continuous infusion when they are minutes apart.
    Both are means over the step, so they do not depend on the step length.
    """
    steps = len(t)
    dt = t[1] - t[0] if steps > 1 else 1.0
    edges = np.append(t, t[-1] + dt)
    pulsatile = np.zeros(steps)
    undesensitised = np.ones(steps)   # product over dose series of (1 - desensitising drive)
    half_life_days = DRUGS["gonadorelin"].elimination_half_life  # data/drugs.csv, already in days
    reference = values["gonadorelin_reference_pulse"]
    half_saturation = values["gonadorelin_pulse_half_saturation"]
    refill_days = values["gonadotroph_refill_time"] / _MINUTES_PER_DAY
    for dose in doses:
        stop = edges[-1] if dose.stop_day is None else min(dose.stop_day, edges[-1])
        if stop <= dose.start_day:
            continue
        # each pulse acts for one interval: the series runs from the first pulse to one interval after the last
        pulses = math.ceil((stop - dose.start_day) / dose.every_days - 1e-9)
        active_until = dose.start_day + pulses * dose.every_days
        overlap = np.clip(np.minimum(edges[1:], active_until) - np.maximum(edges[:-1], dose.start_day), 0.0, None)
        running = overlap / dt                   # share of each step during which the series runs
        rate = min(1.0 / dose.every_days, values["gonadorelin_max_effective_pulses_per_day"])
        per_pulse = (dose.amount / (dose.amount + half_saturation)) * ((reference + half_saturation) / reference)
        # the gonadotrophs refill their LH and FSH stores between pulses: pulses closer together
        # than the body's own (about every 2 hours) release less each
        per_pulse *= _refilled(dose.every_days, refill_days) / _refilled(1.0 / values["gnrh_pulses_per_day"], refill_days)
        # continuity: the share of a pulse's peak still present when the next pulse comes
        # (0 for pulses hours apart, near 1 for a quasi-continuous infusion)
        continuity = 2.0 ** (-dose.every_days / half_life_days)
        mean_in_body = dose.amount * (half_life_days / math.log(2.0)) / dose.every_days
        drive = (continuity ** values["gonadorelin_continuity_exponent"]
                 * mean_in_body / (mean_in_body + values["gonadorelin_continuous_half_saturation"]))
        # pulses that merge into a continuous level stop acting as pulses
        pulsatile += running * rate / values["gnrh_pulses_per_day"] * per_pulse * (1.0 - drive)
        undesensitised *= 1.0 - running * drive
    return pulsatile, 1.0 - undesensitised
