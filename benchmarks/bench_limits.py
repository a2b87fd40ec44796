"""What the input limits cost and what they protect: time and peak memory of the review's
runaway inputs (now refused) and of the largest requests the limits still accept.

Run: python benchmarks/bench_limits.py
Each case runs in a fresh interpreter; "CPU s" is the request's CPU time (unaffected by other
load on the machine) and "peak MB" its maximum resident memory less that of an interpreter
that has loaded the model and cohorts (hpgwidgets imports them on first use), so both are what
the request itself costs a classroom kernel (or a JupyterLite tab, which has no swap).
"""
import json
import subprocess
import sys

MEASURE = """
import json, resource, time
import hpgwidgets as hpg
from hpgwidgets import validation
hpg.simulate, hpg.simulate_cohort  # load the model and cohorts before measuring
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.process_time()
try:
    {call}
    outcome = "accepted"
except (TypeError, ValueError) as problem:
    outcome = type(problem).__name__ + ": " + str(problem)[:110]
elapsed = time.process_time() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seconds": elapsed, "peak_mb": (peak - before) / 1024, "outcome": outcome}}))
"""

CASES = {
    # the review's runaway inputs
    "100 x enanthate 500 mg weekly": "hpg.Regimen([hpg.Dose('testosterone_enanthate', 500, 7)] * 100)",
    "hCG every 1e-9 days": "hpg.Dose('hcg', 0, every_days=1e-9)",
    "gel 1e-5 mg every 1e-5 days": "hpg.Dose('testosterone_gel', 1e-5, every_days=1e-5)",
    "cohort of 100,000 men x 2 years": "hpg.simulate_cohort(None, n=100_000, days=730, progress=False)",
    # the largest requests still accepted
    "gel every minute, 694 days (1M dose events)": (
        "hpg.simulate(hpg.Regimen([hpg.Dose('testosterone_gel', 0.5, every_days=1/1440)]), days=694)"),
    "10 years at hourly steps (87,601 steps)": "hpg.simulate(None, days=3650, step_days=1/24, sample_every=1)",
    "1000 men x 10 years (3.65M patient-days kept)": "hpg.simulate_cohort(None, n=1000, days=3650, progress=False)",
}


def run(call: str) -> dict:
    output = subprocess.run([sys.executable, "-c", MEASURE.format(call=call)], check=True,
                            capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    print(f"{'case':46} {'CPU s':>8} {'peak MB':>8}  outcome")
    for name, call in CASES.items():
        figures = run(call)
        print(f"{name:46} {figures['seconds']:8.2f} {figures['peak_mb']:8.0f}  {figures['outcome']}")


if __name__ == "__main__":
    main()
