"""The kernel's variable step (simulation.step_plan): grid steps where the hormones move fast
(the first days of a treatment, the day after an injection, a pump's start), steps of two or
three grid steps (a quarter day) elsewhere. The runs below are where a longer
step would go wrong: each is checked against the tight reference solver (LSODA) at six-hourly
samples, as a chart shows them; drawn men are checked against the same run on the grid."""
import numpy as np
import pytest

import hpgwidgets as hpg
from hpgwidgets import model, simulation
from hpgwidgets.reference import reference_solve

SAMPLE = 0.25
NO_GNRH = {"low_testosterone_origin": "no_gnrh"}
CASES = {
    # a gonadorelin pump switched on in a man without GnRH drive: his receptors prime within days
    "pump start": ([hpg.Dose("gonadorelin", 10, every_days=1 / 16, start_day=2)], 8, NO_GNRH),
    # hCG every 2-3 days: each dose moves his testosterone within hours
    "hCG after each dose": ([hpg.Dose("hcg", 1500, every_days=7 / 3)], 8, NO_GNRH),
    # the second weekly injection lands on a settled man, away from the start of treatment
    "second weekly injection": ([hpg.Dose("testosterone_enanthate", 200, every_days=7)], 10, {}),
    # a daily gel in an older man with low testosterone: a fast daily rise and fall
    "daily gel": ([hpg.Dose("testosterone_gel", 50, every_days=1)], 8, {"age": 60, "baseline_testosterone": 280}),
}


def _walk(plan, last):
    """The grid rows the kernel lands on, following the plan from row 0 to ``last``."""
    landed, row = [0], 0
    while row < last:
        row += int(plan[row])
        landed.append(row)
    return landed


@pytest.mark.parametrize("case", CASES)
def test_the_variable_step_stays_within_one_percent_of_a_reference_solution(case):
    doses, days, traits = CASES[case]
    regimen, patient = hpg.Regimen(doses), hpg.Patient(**traits)
    reference = reference_solve(regimen, days, patient, sample_every=SAMPLE)
    result = hpg.simulate(regimen, days=days, patient=patient, sample_every=SAMPLE)
    for name in hpg.CLINICAL:
        peak = np.max(np.abs(reference[name]))
        if name == "sperm" and peak < 1e-3:        # a man without GnRH drive has no sperm yet to compare
            continue
        error = np.abs(result[name] - reference[name]) / peak
        worst = int(np.argmax(error))
        assert error[worst] < 0.01, f"{case}, {name}: {error[worst]:.2%} of its peak at day {result.t[worst]:g}"


def test_a_long_run_takes_mostly_long_steps():
    """Otherwise the accuracy above would say nothing about the steps a user's run takes."""
    regimen = hpg.Regimen([hpg.Dose("testosterone_enanthate", 200, every_days=7, stop_day=182)])
    t = simulation.time_grid(730, simulation.DEFAULT_STEP_DAYS)
    plan = simulation.step_plan(regimen, t, 12)
    taken = plan[np.array(_walk(plan, len(t) - 1)[:-1])]
    assert np.sum(taken[taken >= 3]) / (len(t) - 1) > 0.8          # a quarter day or longer
    assert set(taken.tolist()) == {1, 2, 3}


@pytest.mark.parametrize("regimen", [
    hpg.Regimen([hpg.Dose("testosterone_enanthate", 200, every_days=7, stop_day=182)]),
    hpg.Regimen([hpg.Dose("clomiphene", 25, every_days=1, stop_day=120)]),
], ids=["TRT, then recovery", "clomiphene"])
def test_every_drawn_man_follows_the_run_on_the_grid(regimen, monkeypatch):
    """Men whose feedback is faster or steeper than the default man's: a step that is accurate for
    him must not drift, or oscillate, for them (steps of a whole day would, in the recovery)."""
    variable = hpg.simulate_cohort(regimen, n=60, days=300, seed=5, progress=False)
    monkeypatch.setattr(simulation, "step_plan", lambda regimen, t, stride: np.ones(len(t), dtype=np.int64))
    grid = hpg.simulate_cohort(regimen, n=60, days=300, seed=5, progress=False)
    for name in hpg.CLINICAL:
        error = np.max(np.abs(variable[name] - grid[name]), axis=1) / np.max(np.abs(grid[name]), axis=1)
        worst = int(np.argmax(error))
        assert error[worst] < 0.006, f"{name}: man {worst} {error[worst]:.2%} of his peak from the run on the grid"


@pytest.mark.parametrize("stride", [1, 2, 3, 4, 12, 24])
@pytest.mark.parametrize("regimen", [
    hpg.Regimen(),
    hpg.Regimen([hpg.Dose("hcg", 500, every_days=2, start_day=0.3, stop_day=20)]),
    hpg.Regimen([hpg.Dose("gonadorelin", 10, every_days=1 / 16, start_day=1.7, stop_day=9.9),
                 hpg.Dose("clomiphene", 25, every_days=1, start_day=5)]),
], ids=["untreated", "hCG", "pump and clomiphene"])
def test_the_kernel_lands_on_every_stored_row_and_the_last(stride, regimen):
    t = simulation.time_grid(30, 1 / 24)
    plan = simulation.step_plan(regimen, t, stride)
    assert set(plan.tolist()) <= {1, 2, 3, 6}
    landed = set(_walk(plan, len(t) - 1))
    assert set(range(0, len(t), stride)) <= landed
    assert max(landed) == len(t) - 1


def test_plain_python_takes_the_same_steps_as_the_compiled_kernel(monkeypatch):
    """JupyterLite runs the kernel uncompiled: with every step length in play, same numbers."""
    regimen = hpg.Regimen([hpg.Dose("testosterone_cypionate", 100, every_days=7, stop_day=10),
                           hpg.Dose("anastrozole", 1, every_days=1, start_day=12, stop_day=30)])
    t = simulation.time_grid(120, simulation.DEFAULT_STEP_DAYS)
    assert set(simulation.step_plan(regimen, t, 12).tolist()) == {1, 2, 3}
    compiled = hpg.simulate(regimen, days=120)
    monkeypatch.setattr(model, "_KERNELS", (model.integrate, model.integrate_cohort, False))
    plain = hpg.simulate(regimen, days=120)
    for name in hpg.CLINICAL:
        assert np.allclose(plain[name], compiled[name], rtol=1e-9, atol=1e-9), name


@pytest.mark.parametrize("step_days", [1 / 24, 1 / 12, 1 / 8, 1 / 6, 1 / 4, 1 / 2])
def test_no_step_is_longer_than_a_quarter_day_and_a_treatment_starts_on_the_grid(step_days):
    """Half-day steps oscillate in the recovery of a man of strong feedback, so a coarser grid
    chosen by the user takes longer steps only where they fit what the default grid takes there."""
    regimen = hpg.Regimen([hpg.Dose("testosterone_enanthate", 200, every_days=7, start_day=30, stop_day=200)])
    t = simulation.time_grid(400, step_days)
    plan = simulation.step_plan(regimen, t, max(1, int(round(1 / step_days))))
    assert np.max(plan) * step_days <= 0.25 + 1e-9 or np.max(plan) == 1
    starting = (t >= 30 - step_days) & (t < 30 + simulation.SETTLING_DAYS)
    assert np.all(plan[starting] == 1)


def test_a_man_of_strong_feedback_recovers_without_oscillating(monkeypatch):
    """Half-day steps made this man's LH swing by a third after TRT (a drawn property example)."""
    patient = hpg.Patient(age=18, baseline_testosterone=956, feedback_sensitivity=5, recovery_speed=3)
    regimen = hpg.Regimen([hpg.Dose("testosterone_enanthate", 50, every_days=7, stop_day=60)])
    variable = hpg.simulate(regimen, days=400, patient=patient)
    monkeypatch.setattr(simulation, "step_plan", lambda regimen, t, stride: np.ones(len(t), dtype=np.int64))
    grid = hpg.simulate(regimen, days=400, patient=patient)
    for name in hpg.CLINICAL:
        assert np.max(np.abs(variable[name] - grid[name])) < 0.006 * np.max(grid[name]), name
