"""What the kernel is given of each drug (simulation.exposures): checked against the exposure written
out dose by dose, each dose's two-compartment curve summed in closed form at every grid point and
midpoint, then turned into the model's inputs as data/drugs.csv and data/parameters.csv say. The
sums are taken in one compiled pass where numba is installed and with numpy where it is not
(JupyterLite): both must give these numbers."""
import math

import numpy as np
import pytest

import hpgwidgets as hpg
from hpgwidgets import model, pharmacology, simulation
from hpgwidgets.parameters import as_parameter_set

D = hpg.Dose
REGIMENS = {
    # injections, hCG every 2 days, then a SERM (each man's block scales with his sensitivity)
    "TRT + hCG, then clomiphene": [D("testosterone_cypionate", 100, every_days=7, stop_day=60),
                                   D("hcg", 500, every_days=2, stop_day=60),
                                   D("clomiphene", 25, every_days=1, start_day=60, stop_day=100)],
    # two series of one drug, doses off the grid and two in one grid step
    "enanthate twice, off the grid": [D("testosterone_enanthate", 200, every_days=7, start_day=0.3),
                                      D("testosterone_enanthate", 50, every_days=3.5, start_day=0.31, stop_day=40)],
    "gel, anastrozole, tamoxifen": [D("testosterone_gel", 50, every_days=1, stop_day=80),
                                    D("anastrozole", 1, every_days=2, start_day=5),
                                    D("tamoxifen", 20, every_days=1, start_day=20)],
    "hCG + FSH": [D("hcg", 1500, every_days=7 / 3), D("fsh", 150, every_days=2.333, start_day=10)],
    "gonadorelin pump, then pulses minutes apart": [D("gonadorelin", 10, every_days=1 / 16, start_day=5, stop_day=50),
                                                     D("gonadorelin", 2, every_days=1 / 288, start_day=80)],
    "undecanoate": [D("testosterone_undecanoate", 1000, every_days=84, start_day=1)],
    "untreated": [],
}
SENSITIVITY = np.array([0.4, 1.0, 2.5])


def _amount_written_out(drug, given, t):
    """Amount in the second compartment at ``t`` after the doses ``given`` ((day, amount) pairs):
    each dose's curve in closed form, summed."""
    ka, ke = math.log(2) / drug.absorption_half_life, math.log(2) / drug.elimination_half_life
    total = np.zeros(len(t))
    for day, amount in given:
        after = np.clip(t - day, 0.0, None)
        total += amount * drug.bioavailability * ka / (ka - ke) * (np.exp(-ke * after) - np.exp(-ka * after))
    return total


def _inputs_written_out(regimen, t, values):
    """The five inputs on ``t`` (one column per man for the estrogen block) and serum hCG."""
    exogenous, hcg, fsh = (np.zeros(len(t)) for _ in range(3))
    aromatase_kept = np.ones(len(t))
    estrogen_kept = np.ones((len(t), len(SENSITIVITY)))
    for drug_id in set(regimen.drugs) - {"gonadorelin"}:
        drug = pharmacology.drug(drug_id, values)
        given = [(day, dose.amount) for dose in regimen.doses_of(drug_id) for day in dose.times(t[-1])]
        amount = _amount_written_out(drug, given, t)
        if drug.effect == "serum_testosterone":   # release rate (mg/day) over clearance (L/day), in ng/dL
            exogenous += (math.log(2) / drug.elimination_half_life * amount * drug.active_fraction
                          / values["testosterone_clearance"] * 1e5 / values["testosterone_reference"])
        elif drug.effect == "lh_receptor":
            hcg += amount / drug.distribution_volume
        elif drug.effect == "fsh_receptor":
            fsh += amount / drug.distribution_volume / values["fsh_reference"]
        elif drug.effect == "aromatase_inhibition":
            aromatase_kept *= 1 - drug.emax * amount / (amount + drug.ec50)
        else:
            estrogen_kept *= 1 - drug.emax * amount[:, None] / (amount[:, None] + drug.ec50 / SENSITIVITY)
    hcg_as_lh = hcg * values["hcg_lh_equivalence"] / values["lh_reference"]
    return {model.U_TESTOSTERONE: exogenous, model.U_HCG: hcg_as_lh, model.U_ESTROGEN_BLOCK: 1 - estrogen_kept,
            model.U_AROMATASE_BLOCK: 1 - aromatase_kept, model.U_FSH: fsh}, hcg


def _same(got, expected, what):
    scale = max(float(np.max(np.abs(expected))), 1e-12)
    worst = float(np.max(np.abs(got - expected)))
    assert worst <= 1e-9 * scale, f"{what}: off by {worst:.3g} (peak {scale:.3g})"


@pytest.fixture(params=["compiled", "numpy"])
def depot_path(request, monkeypatch):
    """Each way depot_amount takes its sums: numba's one pass, and numpy's (JupyterLite)."""
    if request.param == "numpy":
        monkeypatch.setattr(pharmacology, "_depot_kernel", lambda: None)
    elif pharmacology._depot_kernel() is None:
        pytest.fail("numba is not installed here: the compiled pass cannot be checked")
    return request.param


@pytest.mark.parametrize("name", REGIMENS)
@pytest.mark.parametrize("step_days", [1 / 12, 1 / 7])
def test_exposures_match_every_dose_written_out(name, step_days, depot_path):
    regimen = hpg.Regimen(REGIMENS[name])
    values = as_parameter_set(None)
    t = simulation.time_grid(120, step_days)
    sensitivity = SENSITIVITY if simulation.has_serm(regimen) else SENSITIVITY[:1]
    at_points, between, hcg = simulation.exposures(regimen, t, sensitivity, values)
    copies = len(sensitivity)
    assert at_points.shape == between.shape == (copies, len(t), model.N_INPUTS)
    assert at_points.flags.c_contiguous and between.flags.c_contiguous     # what the compiled kernel takes
    half_grid = np.arange(2 * len(t) - 1) * (step_days / 2)
    expected, serum_hcg = _inputs_written_out(regimen, half_grid, values)
    for column, series in expected.items():
        series = series.T if series.ndim == 2 else np.broadcast_to(series, (copies, len(half_grid)))
        series = series[:copies]
        label = f"{name}, {model.INPUTS[column]}"
        _same(at_points[:, :, column], series[:, 0::2], label + " at the grid points")
        _same(between[:, :-1, column], series[:, 1::2], label + " at the midpoints")
        _same(between[:, -1, column], series[:, -1], label + " after the last point")
    _same(hcg, serum_hcg[0::2], f"{name}, serum hCG")
    pulsatile, desensitising = pharmacology.gonadorelin_signals(regimen.doses_of("gonadorelin"), t, values)
    for column, series in ((model.U_PULSATILE, pulsatile), (model.U_DESENSITISING, desensitising)):
        _same(at_points[:, :, column], series[None], f"{name}, {model.INPUTS[column]}")
        _same(between[:, :, column], series[None], f"{name}, {model.INPUTS[column]} at the midpoints")
    if name == "gonadorelin pump, then pulses minutes apart":
        assert np.max(pulsatile) > 0.5 and np.max(desensitising) > 0.5      # both signals are exercised
    if name != "untreated":
        assert np.max(np.abs(at_points)) > 0.01


@pytest.mark.parametrize("drug_id", ["testosterone_enanthate", "hcg", "clomiphene", "testosterone_gel"])
def test_the_compiled_pass_and_numpy_take_the_same_sums(drug_id):
    if pharmacology._depot_kernel() is None:
        pytest.fail("numba is not installed here: the compiled pass cannot be checked")
    drug = pharmacology.DRUGS[drug_id]
    t = np.arange(24 * 400 + 1) / 24
    # doses on a grid point, two in one step, off the grid, and one after the end (ignored)
    times = np.array([0.0, 1.0, 1.01, 1.02, 3.37, 30.0 + 1 / 48, 150.0, 450.0])
    amounts = np.array([10.0, 5.0, 5.0, 2.0, 7.0, 1.0, 3.0, 9.0])
    compiled = pharmacology.depot_amount(drug, times, amounts, t)
    ka, ke = math.log(2) / drug.absorption_half_life, math.log(2) / drug.elimination_half_life
    inside = times < t[-1]
    plain = pharmacology._depot_numpy(times[inside], amounts[inside] * drug.bioavailability, ka, ke, t[1], len(t))
    _same(compiled, plain, drug_id)
    _same(compiled, _amount_written_out(drug, zip(times[inside], amounts[inside]), t),
          drug_id + " against each dose written out")
    assert compiled[0] == 0.0 and compiled[25] > 0.0      # the dose at day 0 counts from the next point
