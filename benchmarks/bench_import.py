"""Print the CPU time of `import hpgwidgets`, a first simulation and a Workbench in a fresh process,
and where that time and memory go, step by step.

Usage, from the project root: python benchmarks/bench_import.py [--repeats 5]

Table 1: each case runs in a fresh interpreter; the figure is that process's CPU time
(user + system, from getrusage: unaffected by other load on the machine), best and median
of --repeats runs, less a bare `python -c pass`. The goal (issue 17) is import + Workbench()
in at most 3 s of CPU. The model kernel is loaded from numba's cache, as after
`python -m hpgwidgets.warmup` (which `make lab` and postBuild run); the last line is what the
warm-up itself costs, once, with an empty cache.
Table 2: one fresh interpreter takes the steps a notebook's first cells take, and prints what
each adds: CPU seconds, USS (private memory) and anonymous memory (what a second kernel
cannot share), so an owner sees which import to make lighter.
Prints figures; asserts nothing.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile

TWO_YEARS = ("hpg.simulate(hpg.Regimen([hpg.Dose('testosterone_enanthate', 200, every_days=7, stop_day=365)]), "
             "days=730)")
CASES = {
    "python -c pass (subtracted)": "pass",
    "import hpgwidgets": "import hpgwidgets",
    "import + simulate (2 years)": f"import hpgwidgets as hpg\n{TWO_YEARS}",
    "import + hpg.charts (Altair)": "import hpgwidgets as hpg\nhpg.charts",
    "import + Workbench()": "import hpgwidgets as hpg\nhpg.Workbench()",
    "import altair alone (for scale)": "import altair",
}

# Table 2: (label, code) run in order in one process.
STEPS = (
    ("import hpgwidgets", "import hpgwidgets as hpg"),
    ("hpg.Dose: regimen, pharmacology", "hpg.Dose"),
    ("hpg.simulate: model (numba), simulation", "hpg.simulate"),
    ("first 2-year simulate (cached kernel)", TWO_YEARS),
    ("second 2-year simulate", TWO_YEARS),
    ("ten more (a slider's moves)", f"for _ in range(10): {TWO_YEARS}"),
    ("hpg.simulate_cohort: pandas, scipy.special", "hpg.simulate_cohort"),
    ("first cohort, 10 men x 1 year", "hpg.simulate_cohort(hpg.Regimen(), n=10, days=365, seed=0, progress=False)"),
    ("import ipywidgets", "import ipywidgets"),
    ("import altair", "import altair"),
    ("hpg.charts", "hpg.charts"),
    ("hpg.Workbench()", "hpg.Workbench()"),
)
STEP_PROBE = """
import json, sys, time
def memory():
    fields = {}
    for line in open('/proc/self/smaps_rollup').read().splitlines()[1:]:
        name, _, value = line.partition(':')
        fields[name] = int(value.split()[0]) / 1024
    return time.process_time(), fields['Private_Clean'] + fields['Private_Dirty'], fields['Anonymous']
rows = [('interpreter', *memory())]
for label, code in json.loads(sys.argv[1]):
    exec(code)
    rows.append((label, *memory()))
print(json.dumps(rows))
"""


def child_cpu(args: list[str], env=None) -> float:
    """CPU seconds (user + system) of one child process running ``python args``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, *args], check=True, env=env, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(repeats: int) -> None:
    subprocess.run([sys.executable, "-m", "hpgwidgets.warmup"], check=True, stdout=subprocess.DEVNULL)
    print(f"fresh interpreter, {repeats} runs each: CPU seconds, best / median (load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    baseline = None
    for label, code in CASES.items():
        times = [child_cpu(["-c", code]) for _ in range(repeats)]
        best, median = min(times), statistics.median(times)
        if baseline is None:
            baseline = best
            print(f"  {label:34s} {best:6.2f} / {median:6.2f}")
        else:
            print(f"  {label:34s} {best - baseline:6.2f} / {median - baseline:6.2f}")
    with tempfile.TemporaryDirectory() as empty_cache:
        cold = child_cpu(["-m", "hpgwidgets.warmup"], env={**os.environ, "NUMBA_CACHE_DIR": empty_cache})
    print(f"  {'warm-up with an empty cache (once)':34s} {cold - baseline:6.2f}")

    done = subprocess.run([sys.executable, "-c", STEP_PROBE, json.dumps(STEPS)], check=True, capture_output=True,
                          text=True)
    rows = json.loads(done.stdout)
    print("\none fresh interpreter, step by step: what each step adds (and the running total)")
    print(f"  {'step':42s} {'CPU s':>6s} {'USS MiB':>8s} {'anon MiB':>9s}")
    for (_, *before), (label, *after) in zip(rows, rows[1:]):
        cpu, uss, anon = (now - then for now, then in zip(after, before))
        print(f"  {label:42s} {cpu:6.2f} {uss:8.0f} {anon:9.0f}")
    _, cpu, uss, anon = rows[-1]
    print(f"  {'total (interpreter included)':42s} {cpu:6.2f} {uss:8.0f} {anon:9.0f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    main(parser.parse_args().repeats)
