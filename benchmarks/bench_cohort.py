"""Speed and memory of virtual cohorts, and the cohort beside published trial data.

Prints, for cohorts of 100, 1000 and 5000 men over 2 and 10 years (testosterone enanthate
200 mg weekly for 26 weeks; with --serm, clomiphene 25 mg daily for a year as well, where
each man has his own exposures), each in a fresh process after a warm-up cohort:
- CPU seconds of the process (every thread) and wall seconds, and the CPU cost per
  patient-year (goal: 1000 men x 2 years <= 2 s CPU, linear in men and days);
- peak memory while the cohort runs, as the rise of the resident set's high-water mark
  (reset just before the cohort, so every allocator counts: numpy, numba, Python), beside
  the size of the result (every series of the Cohort) and their ratio (goal <= 2x).
A size over hpgwidgets' limit on patients x stored days (validation.MAX_COHORT_VALUES) is
listed as refused.

--tree PATH runs the same cases on another checkout of the project (for example the commit
before a change), alternating case by case with this one, so that both are measured at the
same machine load. --compare also runs the cohort under testosterone enanthate 200 mg weekly
for one year beside the published suppression and recovery observations of
data/published_population.csv (not used to set any parameter).

Run: .venv/bin/python benchmarks/bench_cohort.py [--sizes 100,1000,5000] [--years 2,10]
     [--serm] [--tree ../other-checkout] [--compare]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Runs in a fresh interpreter; argv: men, days, regimen name. Prints one JSON line.
ONE_CASE = r"""
import json, sys, time
import hpgwidgets as hpg
from hpgwidgets import validation

REGIMENS = {
    "trt": [hpg.Dose("testosterone_enanthate", 200, every_days=7, stop_day=182)],
    "serm": [hpg.Dose("clomiphene", 25, every_days=1, stop_day=364)],
}
men, days, name = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
regimen = hpg.Regimen(REGIMENS[name])
if men * (days + 1) > validation.MAX_COHORT_VALUES:
    print(json.dumps({"refused": validation.MAX_COHORT_VALUES}))
    sys.exit()
hpg.simulate_cohort(regimen, n=10, days=30, seed=0, progress=False)    # warm: tables, compiled kernels

def memory(key):
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith(key + ":"))

with open("/proc/self/clear_refs", "w") as clear:
    clear.write("5")                       # the high-water mark restarts from the present size
resident = memory("VmRSS")
cpu, wall = time.process_time(), time.perf_counter()
cohort = hpg.simulate_cohort(regimen, n=men, days=days, seed=0, progress=False)
cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
print(json.dumps({"cpu": cpu, "wall": wall, "peak": memory("VmHWM") - resident,
                  "result": sum(cohort[variable].nbytes for variable in cohort.variables)}))
"""


def one_case(tree: Path, men: int, days: int, regimen: str) -> dict:
    environment = dict(os.environ, PYTHONPATH=str(tree))
    done = subprocess.run([sys.executable, "-c", ONE_CASE, str(men), str(days), regimen], env=environment,
                          capture_output=True, text=True, check=True, cwd=tree)
    return json.loads(done.stdout.strip().splitlines()[-1])


def describe(figures: dict, men: int, years: float) -> str:
    if "refused" in figures:
        return f"refused (over {figures['refused']:,} patients x stored days)"
    mib = 2 ** 20
    return (f"CPU {figures['cpu']:6.2f} s  wall {figures['wall']:6.2f} s  "
            f"{1e3 * figures['cpu'] / (men * years):5.2f} ms CPU per patient-year  "
            f"peak +{figures['peak'] / mib:5.0f} MiB = {figures['peak'] / figures['result']:4.2f} x the result "
            f"({figures['result'] / mib:.0f} MiB)")


def compare_with_trial() -> None:
    import pandas as pd

    import hpgwidgets as hpg
    from hpgwidgets.recovery import compare_with_published

    year = hpg.Regimen([hpg.Dose("testosterone_enanthate", 200, every_days=7, stop_day=364)])
    trial = hpg.simulate_cohort(year, n=1000, days=364 + 730, seed=0, progress=False)
    table = compare_with_published(trial).drop(columns=["regimen"])
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.float_format", "{:.3g}".format):
        print("\ncohort (TE 200 mg weekly for 12 months, 1000 men, seed 0) vs published observations:")
        print(table.to_string(index=False))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,5000", help="men per cohort, comma-separated")
    parser.add_argument("--years", default="2,10", help="years per cohort, comma-separated")
    parser.add_argument("--serm", action="store_true", help="also a cohort on clomiphene (each man's own exposures)")
    parser.add_argument("--tree", type=Path, help="another checkout to measure alongside, case by case")
    parser.add_argument("--compare", action="store_true", help="also compare a cohort with published data")
    arguments = parser.parse_args()

    trees = {"this tree": ROOT} | ({f"{arguments.tree}": arguments.tree.resolve()} if arguments.tree else {})
    regimens = ("trt", "serm") if arguments.serm else ("trt",)
    print(f"load average at the start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}; "
          f"{os.cpu_count()} cores")
    for regimen in regimens:
        print(f"\n{regimen}: " + {"trt": "testosterone enanthate 200 mg weekly for 26 weeks",
                                  "serm": "clomiphene 25 mg daily for a year"}[regimen])
        for years in map(float, arguments.years.split(",")):
            for men in map(int, arguments.sizes.split(",")):
                for label, tree in trees.items():
                    figures = one_case(tree, men, round(365 * years), regimen)
                    name = f"  {men:5d} men x {years:g} years" + (f" [{label}]" if len(trees) > 1 else "")
                    print(f"{name:<40} {describe(figures, men, years)}", flush=True)
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("goals (issue 17): 1000 men x 2 years <= 2 s CPU, linear in men and days; peak <= 2 x the result")
    if arguments.compare:
        compare_with_trial()
    return 0


if __name__ == "__main__":
    sys.exit(main())
