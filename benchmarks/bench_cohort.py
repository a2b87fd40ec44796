"""Speed of a 1000-patient cohort and of one run, checked against a reference solver.

Prints:
1. a single 2-year run (hpg.simulate) and a 1000-patient 2-year cohort
   (hpg.simulate_cohort): best and median wall time of repeated runs
   (goals: < 10 ms and < 1 s on the 2-core machine);
2. the same single run solved with scipy.integrate.solve_ivp at tight tolerance on
   the model's continuous-time right-hand side (model.rhs), with the drug inputs on
   a 1/96-day grid, and the largest gap between the two curves of each clinical
   variable as a share of that variable's peak (goal: within 1%);
3. with --compare, the cohort under testosterone enanthate 200 mg weekly for one year
   beside the published suppression and recovery observations of
   data/published_population.csv (not used to set any parameter).

Run: .venv/bin/python benchmarks/bench_cohort.py [--compare]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np
import pandas as pd
from scipy.integrate import solve_ivp

import hpgwidgets as hpg
from hpgwidgets import model
from hpgwidgets import simulation
from hpgwidgets.parameters import parameter_values
from hpgwidgets.pharmacology import gonadorelin_signals
from hpgwidgets.recovery import compare_with_published

DAYS = 730
REGIMEN = hpg.Regimen([hpg.Dose("testosterone_enanthate", 200, every_days=7, stop_day=182)])
FINE_STEP = 1 / 96


def timed(function, repeats: int) -> tuple[float, float, object]:
    times, value = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times), value


def reference_solve(patient: hpg.Patient) -> dict:
    """The same patient and regimen with solve_ivp (rtol 1e-9) on model.rhs; inputs are
    evaluated on a fine grid and interpolated, sperm goes through the same delay chain
    on that fine grid."""
    values = parameter_values()
    c = model.patient_constants(patient.traits(), values)
    t_fine = np.arange(0, DAYS + FINE_STEP / 2, FINE_STEP)
    exposures, _ = simulation.drug_inputs(REGIMEN, t_fine, c, values)
    gonadorelin = gonadorelin_signals(REGIMEN.doses_of("gonadorelin"), t_fine, values)
    inputs = [np.asarray(series, dtype=float) for series in exposures + gonadorelin]
    hormones_of, _, _ = model.build_system(c)

    def u_at(day: float) -> tuple:
        return tuple(float(np.interp(day, t_fine, series)) for series in inputs)

    def rhs(day, y):
        return model.rhs(tuple(y), u_at(day), c)

    solution = solve_ivp(rhs, (0, DAYS), list(model.initial_state(c)), method="LSODA", t_eval=t_fine,
                         rtol=1e-9, atol=1e-12, max_step=0.25)
    if not solution.success:
        raise RuntimeError(f"reference solver failed: {solution.message}")
    hormones = [hormones_of(tuple(solution.y[:, k]), tuple(series[k] for series in inputs))
                for k in range(len(t_fine))]
    testosterone, lh, fsh, estradiol, itt, support = (np.array(column) for column in list(zip(*hormones))[:6])
    germinal = solution.y[4]
    sperm = simulation.sperm_concentration(germinal, support, c["sperm_star"], values, FINE_STEP)
    daily = slice(None, None, 96)
    return {
        "testosterone": testosterone[daily] * values["testosterone_reference"],
        "lh": lh[daily] * values["lh_reference"],
        "fsh": fsh[daily] * values["fsh_reference"],
        "estradiol": estradiol[daily] * simulation._estradiol_reference(values),
        "itt": itt[daily] * values["itt_reference"],
        "sperm": sperm[daily],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", action="store_true", help="also compare a cohort with published data")
    arguments = parser.parse_args()

    hpg.simulate(REGIMEN, days=DAYS)            # warm caches (parameter tables, drug catalogue)
    best, median, single = timed(lambda: hpg.simulate(REGIMEN, days=DAYS), 30)
    print(f"single 2-year run (hpg.simulate, step 0.5 day): best {best * 1e3:.1f} ms, median {median * 1e3:.1f} ms"
          f"  [goal < 10 ms]")
    best, median, cohort = timed(lambda: hpg.simulate_cohort(REGIMEN, n=1000, days=DAYS, seed=0, progress=False), 5)
    print(f"1000-patient 2-year cohort (hpg.simulate_cohort): best {best:.2f} s, median {median:.2f} s"
          f"  [goal < 1 s]")

    started = time.perf_counter()
    reference = reference_solve(hpg.Patient())
    print(f"reference solve_ivp (LSODA, rtol 1e-9, inputs on a 1/96-day grid): {time.perf_counter() - started:.1f} s")
    worst = 0.0
    for name, expected in reference.items():
        gap = float(np.max(np.abs(single[name] - expected)) / np.max(np.abs(expected)))
        worst = max(worst, gap)
        print(f"  {name:<13} largest gap {100 * gap:6.3f}% of its peak")
    print(f"same curves within 1%: {'yes' if worst <= 0.01 else 'NO'} (worst {100 * worst:.3f}%)")
    finite = all(np.all(np.isfinite(cohort[name])) and np.all(cohort[name] >= 0) for name in cohort.variables)
    print(f"cohort finite and non-negative for every patient: {finite}")

    if arguments.compare:
        year = hpg.Regimen([hpg.Dose("testosterone_enanthate", 200, every_days=7, stop_day=364)])
        trial = hpg.simulate_cohort(year, n=1000, days=364 + 730, seed=0, progress=False)
        table = compare_with_published(trial).drop(columns=["regimen"])
        with pd.option_context("display.width", 200, "display.max_columns", 20, "display.float_format", "{:.3g}".format):
            print("\ncohort (TE 200 mg weekly for 12 months, 1000 men, seed 0) vs published observations:")
            print(table.to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
