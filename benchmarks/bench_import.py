"""How long `import hpgwidgets` takes, with and without the chart and widget libraries.

Run: python benchmarks/bench_import.py [--repeats 5]
Each figure is the wall time of a fresh interpreter (best and median of several runs),
less the time of a bare `python -c pass`, so it is what a student waits for in a new
kernel. "simulate" is `import hpgwidgets` plus one 2-year simulation; "Workbench" also
loads Altair, ipywidgets and builds one Workbench (no browser).
"""
import argparse
import statistics
import subprocess
import sys
import time

CASES = {
    "python -c pass (subtracted)": "pass",
    "import hpgwidgets": "import hpgwidgets",
    "import + simulate (2 years)": (
        "import hpgwidgets as hpg\n"
        "hpg.simulate(hpg.Regimen([hpg.Dose('testosterone_enanthate', 200, every_days=7, stop_day=365)]), days=730)"
    ),
    "import + hpg.charts (Altair)": "import hpgwidgets as hpg\nhpg.charts",
    "import + Workbench() built": "import hpgwidgets as hpg\nhpg.Workbench()",
}


def wall_times(code: str, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    repeats = parser.parse_args().repeats
    baseline = None
    print(f"fresh interpreter, {repeats} runs each: best / median seconds")
    for label, code in CASES.items():
        times = wall_times(code, repeats)
        best, median = min(times), statistics.median(times)
        if baseline is None:
            baseline = best
            print(f"  {label:32s} {best:6.2f} / {median:6.2f}")
        else:
            print(f"  {label:32s} {best - baseline:6.2f} / {median - baseline:6.2f}")


if __name__ == "__main__":
    main()
