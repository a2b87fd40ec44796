"""Kaplan-Meier curve of a large virtual cohort: one sort and binary searches, O(n log n).

    .venv/bin/python benchmarks/bench_recovery.py
"""
import time

import numpy as np

from hpgwidgets.recovery import TimeToEvent


def main():
    rng = np.random.default_rng(1)
    for n in (3_000, 30_000, 300_000):
        times = rng.uniform(0, 700, n)  # every man a different day: the worst case for a loop over days
        event = TimeToEvent("bench", times, rng.random(n) < 0.7, 0.0, "treatment_stop", "sperm_at_least", 730.0)
        start = time.perf_counter()
        curve = event.curve()
        print(f"Kaplan-Meier curve, {n:>7,} men ({len(curve):,} event days): {time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    main()
