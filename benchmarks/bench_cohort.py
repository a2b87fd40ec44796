"""Speed and memory of virtual cohorts, accuracy of one run, and the cohort beside
published trial data.

Prints:
1. a single 2-year run (hpg.simulate): best and median wall time (goal < 10 ms);
2. 1000-patient cohorts of 2 and 10 years (hpg.simulate_cohort): wall time, the cost
   per patient-year (linear in days as well as patients), and peak memory traced
   while the cohort runs as a multiple of the result's size (goal <= 3x);
3. the single run beside hpgwidgets.reference.reference_solve (LSODA, rtol 1e-9):
   the largest gap of each clinical variable as a share of its peak (goal < 1%);
4. with --compare, the cohort under testosterone enanthate 200 mg weekly for one year
   beside the published suppression and recovery observations of
   data/published_population.csv (not used to set any parameter).

Run: .venv/bin/python benchmarks/bench_cohort.py [--compare]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc

import numpy as np
import pandas as pd

import hpgwidgets as hpg
from hpgwidgets.recovery import compare_with_published
from hpgwidgets.reference import reference_solve

DAYS = 730
REGIMEN = hpg.Regimen([hpg.Dose("testosterone_enanthate", 200, every_days=7, stop_day=182)])


def timed(function, repeats: int) -> tuple[float, float, object]:
    times, value = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times), value


def cohort_cost(days: int, n: int = 1000) -> None:
    started = time.perf_counter()
    tracemalloc.start()
    cohort = hpg.simulate_cohort(REGIMEN, n=n, days=days, seed=0, progress=False)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    elapsed = time.perf_counter() - started
    result_bytes = sum(cohort[name].nbytes for name in cohort.variables)
    print(f"{n}-patient {days / 365:g}-year cohort: {elapsed:.2f} s "
          f"({1e3 * elapsed / (n * days / 365):.2f} ms per patient-year); peak traced memory "
          f"{peak / 2**20:.0f} MiB = {peak / result_bytes:.1f} x the result ({result_bytes / 2**20:.0f} MiB)  [goal <= 3x]")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", action="store_true", help="also compare a cohort with published data")
    arguments = parser.parse_args()

    hpg.simulate(REGIMEN, days=DAYS)            # warm caches (tables, compiled kernel)
    best, median, single = timed(lambda: hpg.simulate(REGIMEN, days=DAYS), 30)
    print(f"single 2-year run (hpg.simulate, 3-hour steps): best {best * 1e3:.1f} ms, median {median * 1e3:.1f} ms"
          f"  [goal < 10 ms]")
    hpg.simulate_cohort(REGIMEN, n=10, days=30, seed=0, progress=False)
    cohort_cost(730)
    cohort_cost(3650)

    started = time.perf_counter()
    reference = reference_solve(REGIMEN, 120, hpg.Patient())
    print(f"reference solve (LSODA, rtol 1e-9, first 120 days): {time.perf_counter() - started:.1f} s")
    worst = 0.0
    for name in hpg.CLINICAL:
        expected = reference[name]
        gap = float(np.max(np.abs(single[name][:len(expected)] - expected)) / np.max(np.abs(expected)))
        worst = max(worst, gap)
        print(f"  {name:<13} largest gap {100 * gap:6.3f}% of its peak")
    print(f"same curves within 1%: {'yes' if worst <= 0.01 else 'NO'} (worst {100 * worst:.3f}%)")

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
