"""How long one simulation takes: the cost of a slider move before any drawing.

Run: python benchmarks/bench_simulate.py
Prints best and median wall time (and median CPU time) of a 2-year run with weekly
injections, hCG and then clomiphene (goal: median under 10 ms), at the default step and
at others, beside each step's largest deviation from a tight reference solve (LSODA, rtol 1e-9) over
the first 90 days, where the fastest changes happen (goal at the default: < 1% of
each variable's peak); then the default step with every step on the grid (no variable step,
simulation.step_plan), and a 2-year run of weekly testosterone enanthate for 26 weeks (the
cohort benchmark's regimen) both ways. Also prints the same run with the plain-Python kernel that
JupyterLite uses.
"""
import statistics
import time

import numpy as np

import hpgwidgets as hpg
from hpgwidgets import model, simulation
from hpgwidgets.reference import reference_solve


def timed(function, repeats=30):
    """(best, median) wall ms and median CPU ms of the process (CPU is steadier on a shared machine)."""
    times, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return min(times) * 1000, statistics.median(times) * 1000, statistics.median(cpu) * 1000


def main():
    weekly = hpg.Regimen([hpg.Dose("testosterone_cypionate", 100, every_days=7, stop_day=365),
                          hpg.Dose("hcg", 500, every_days=2, stop_day=365),
                          hpg.Dose("clomiphene", 25, every_days=1, start_day=365, stop_day=545)])
    hpg.simulate(weekly, days=730)   # warm caches (data tables, compiled kernel)
    print("2-year simulation, weekly testosterone + hCG, then clomiphene")
    reference = reference_solve(weekly, 90, hpg.Patient(), sample_every=0.25)
    for step in (1 / 16, 1 / 12, 1 / 8, 1 / 4):
        best, median, cpu = timed(lambda: hpg.simulate(weekly, days=730, step_days=step))
        early = hpg.simulate(weekly, days=90, step_days=step, sample_every=0.25)
        worst = max(float(np.max(np.abs(early[v] - reference[v])) / np.max(reference[v])) for v in hpg.CLINICAL)
        default = " (default)" if step == hpg.simulation.DEFAULT_STEP_DAYS else ""
        print(f"  step {step:6.4f} day{default:10s} best {best:6.2f} ms  median {median:6.2f} ms  CPU median {cpu:6.2f} ms  "
              f"largest deviation from the reference: {worst:.2%} of the variable's peak")
    enanthate = hpg.Regimen([hpg.Dose("testosterone_enanthate", 200, every_days=7, stop_day=182)])
    variable_plan = simulation.step_plan
    for label, plan in (("variable step", variable_plan),
                        ("every step on the grid", lambda regimen, t, stride: np.ones(len(t), dtype=np.int64))):
        simulation.step_plan = plan
        try:
            early = hpg.simulate(weekly, days=90, sample_every=0.25)
            worst = max(float(np.max(np.abs(early[v] - reference[v])) / np.max(reference[v])) for v in hpg.CLINICAL)
            runs = [(name, timed(lambda: hpg.simulate(regimen, days=730))) for name, regimen in
                    (("weekly + hCG, then clomiphene", weekly), ("enanthate 26 weeks", enanthate))]
        finally:
            simulation.step_plan = variable_plan
        print(f"  default step, {label}: " + "; ".join(f"{name}: best {best:.2f} ms, CPU median {cpu:.2f} ms"
                                                      for name, (best, _, cpu) in runs)
              + f"; largest deviation {worst:.2%}")
    saved = model._KERNELS
    model._KERNELS = (model.integrate, model.integrate_cohort, False)
    try:
        best, median, cpu = timed(lambda: hpg.simulate(weekly, days=730), repeats=3)
    finally:
        model._KERNELS = saved
    print(f"  plain-Python kernel (as in JupyterLite), default step: best {best:.0f} ms, median {median:.0f} ms, "
          f"CPU median {cpu:.0f} ms")


if __name__ == "__main__":
    main()
