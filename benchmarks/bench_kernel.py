"""The compiled model kernel alone, in CPU time, on this tree and optionally another, alternating.

    .venv/bin/python benchmarks/bench_kernel.py [--tree ../other-checkout] [--rounds 5] [--step 0.0833]

Each round runs, for every tree in a fresh interpreter (that tree's ``hpgwidgets`` first on the
path, its numba cache warmed by a first call): the compiled ``model.integrate`` on the inputs a
2-year ``simulate`` of bench_simulate.py's regimen hands it (weekly testosterone cypionate and hCG
for a year, then clomiphene), 20 calls, CPU time of the process per call (best and median); the
drug exposures it is given (``simulation.exposures``, the default man) and a whole 2-year
``simulate`` the same way; and a cohort of 1000 men x 2 years (testosterone
enanthate 200 mg weekly for 26 weeks, as bench_cohort.py), CPU of the process (every thread).
Trees alternate within a round, so both are measured at the same machine load; compare the ratio.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ONE_TREE = r"""
import json, statistics, sys, time
import numpy as np
import hpgwidgets as hpg
from hpgwidgets import model, simulation

step = float(sys.argv[1])
weekly = hpg.Regimen([hpg.Dose("testosterone_cypionate", 100, every_days=7, stop_day=365),
                      hpg.Dose("hcg", 500, every_days=2, stop_day=365),
                      hpg.Dose("clomiphene", 25, every_days=1, start_day=365, stop_day=545)])
captured = {}
original = model.kernels


def capture():
    # the kernel's own arguments, whatever its signature in this tree (it gained a step plan)
    integrate, integrate_cohort, compiled = original()

    def recording(*args):
        captured["args"] = args
        return integrate(*args)
    return recording, integrate_cohort, compiled


model.kernels = capture
hpg.simulate(weekly, days=730, step_days=step)
model.kernels = original
integrate = model.kernels()[0]
arguments = captured["args"]

def cpu_once(function):
    start = time.process_time()
    function()
    return time.process_time() - start

def cpu_per_call(function, calls):
    times = [cpu_once(function) for _ in range(calls)]
    return min(times) * 1e3, statistics.median(times) * 1e3

kernel = cpu_per_call(lambda: integrate(*arguments), 20)
values = hpg.parameters.as_parameter_set(None)
sensitivity = model.patient_constants(hpg.Patient().traits(), values)[1]["serm_sensitivity"]
grid = simulation.time_grid(730, step)
drugs = cpu_per_call(lambda: simulation.exposures(weekly, grid, sensitivity, values), 20)
whole = cpu_per_call(lambda: hpg.simulate(weekly, days=730, step_days=step), 20)
enanthate = hpg.Regimen([hpg.Dose("testosterone_enanthate", 200, every_days=7, stop_day=182)])
hpg.simulate_cohort(enanthate, n=20, days=730, seed=1, step_days=step, progress=False)
cohort = cpu_once(lambda: hpg.simulate_cohort(enanthate, n=1000, days=730, seed=0, step_days=step, progress=False))
print(json.dumps({"kernel": kernel, "exposures": drugs, "simulate": whole, "cohort": cohort}))
"""


def one_tree(tree: Path, step: float) -> dict:
    environment = dict(os.environ, PYTHONPATH=str(tree))
    done = subprocess.run([sys.executable, "-c", ONE_TREE, str(step)], capture_output=True, text=True, check=True,
                          cwd=tree, env=environment)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tree", type=Path, help="another checkout to measure alongside, round by round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--step", type=float, default=1 / 12, help="step in days (default 1/12, the default step)")
    arguments = parser.parse_args()
    trees = {"this tree": ROOT} | ({str(arguments.tree): arguments.tree.resolve()} if arguments.tree else {})
    os.system("uptime")
    figures = {label: [] for label in trees}
    for round_ in range(arguments.rounds):
        for label, tree in trees.items():
            one = one_tree(tree, arguments.step)
            figures[label].append(one)
            print(f"round {round_ + 1} [{label}]: kernel {one['kernel'][0]:.2f} / {one['kernel'][1]:.2f} ms CPU "
                  f"(best / median of 20), exposures {one['exposures'][0]:.2f} / {one['exposures'][1]:.2f} ms, "
                  f"simulate {one['simulate'][0]:.2f} / {one['simulate'][1]:.2f} ms, "
                  f"cohort 1000 men x 2 years {one['cohort']:.2f} s CPU", flush=True)
    for label, runs in figures.items():
        print(f"median of rounds [{label}]: kernel {statistics.median(r['kernel'][1] for r in runs):.2f} ms, exposures "
              f"{statistics.median(r['exposures'][1] for r in runs):.2f} ms, simulate "
              f"{statistics.median(r['simulate'][1] for r in runs):.2f} ms, cohort "
              f"{statistics.median(r['cohort'] for r in runs):.2f} s")
    os.system("uptime")
    return 0


if __name__ == "__main__":
    sys.exit(main())
