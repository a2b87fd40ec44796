"""How often the model agrees with published observations it was never fitted to.

    python tools/check_unseen.py          # one line per observation, then the share within tolerance
    python tools/check_unseen.py data/population_evidence.csv   # the rows the population spreads were chosen from

tools/unseen_observations.csv holds published human observations that are in neither
data/evidence.csv nor ../shared/clinical/targets.csv: who was studied, what they received,
what was measured, the published figure, and a tolerance band (low, high) written down
from the source before the model was run. It is a check set: nothing may be fitted to it.

Each row is run through the public API only: one ``hpg.Patient`` (men = "one") or a
cohort of drawn men of one kind (men = healthy, mixed, no_gnrh, ...; the same men as
tools/check_laws.py draws), a regimen of ``hpg.Dose`` rows, and one statistic of one
variable over a window of days (see STATISTICS). A row the API cannot express (an agent
the package does not have yet) counts as outside its tolerance.

data/population_evidence.csv has the same columns: the few published distributions a spread of
data/population.csv was chosen from (so they left the unseen set), checked the same way.
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

import hpgwidgets as hpg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_laws import Men, first_day_at_least, recovered_day  # noqa: E402  (tools/ is not a package)

OBSERVATIONS = Path(__file__).resolve().parent / "unseen_observations.csv"
SEED = 0


def per_man_window(cohort, row, reduce):
    inside = (cohort.t > row.window_start) & (cohort.t <= row.window_end)
    return reduce(cohort[row.variable][:, inside], axis=1)


def first_day_below(cohort, row) -> np.ndarray:
    """Days from window_start until each man is first below the threshold (inf: never)."""
    later = cohort.t >= row.window_start
    below = cohort[row.variable][:, later] < row.threshold
    t = cohort.t[later]
    return np.where(below.any(axis=1), t[np.argmax(below, axis=1)] - row.window_start, np.inf)


def mean_days_below_if_reached(cohort, row):
    days = first_day_below(cohort, row)
    reached = days <= row.window_end - row.window_start
    return float(days[reached].mean()) if reached.any() else math.inf


# statistic -> (cohort, row, untreated, reference cohort) -> one number; over several men,
# levels are averaged over the men (as trials report means) and times take the median
STATISTICS = {
    "mean": lambda c, row, base, ref: float(per_man_window(c, row, np.mean).mean()),
    "trough": lambda c, row, base, ref: float(per_man_window(c, row, np.min).mean()),
    "ratio": lambda c, row, base, ref: float(per_man_window(c, row, np.mean).mean() / base[row.variable].mean()),
    "baseline": lambda c, row, base, ref: float(base[row.variable].mean()),
    "ratio_to_reference": lambda c, row, base, ref: float(per_man_window(c, row, np.mean).mean()
                                                          / per_man_window(ref, row, np.mean).mean()),
    "share_fell_below": lambda c, row, base, ref: float(np.mean(
        c[row.variable][:, (c.t >= row.window_start) & (c.t <= row.window_end)].min(axis=1) < row.threshold)),
    "share_reached": lambda c, row, base, ref: float(np.mean(
        first_day_at_least(c, row.variable, row.threshold) <= row.window_end)),
    "share_recovered": lambda c, row, base, ref: float(np.mean(
        recovered_day(c, row.variable, row.threshold, row.window_start) <= row.window_end - row.window_start)),
    "median_days_below": lambda c, row, base, ref: float(np.median(first_day_below(c, row))),
    "mean_days_below_if_reached": lambda c, row, base, ref: mean_days_below_if_reached(c, row),
    "median_recovery_days": lambda c, row, base, ref: float(np.median(
        recovered_day(c, row.variable, row.threshold, row.window_start))),
}


def regimen_of(text) -> hpg.Regimen:
    return hpg.Regimen([hpg.Dose(**dose) for dose in json.loads(text)]) if isinstance(text, str) and text else hpg.Regimen()


def men_of(row) -> Men:
    """The man (or drawn men) a row describes, as a table hpg.simulate_cohort takes."""
    fields = json.loads(row.patient or "{}")          # Patient fields; null = typical for his age
    if row.men == "one":
        table = pd.DataFrame([hpg.Patient(**fields).to_dict()]).fillna(np.nan)
        return Men(table, np.array(["one"]))
    low, high = (float(age) for age in row.ages.split("-"))
    return Men.panel(int(row.n), kinds=(row.men,), ages=(low, high), seed=SEED).changed(
        **{name: np.nan if value is None else value for name, value in fields.items()})


class Runs:
    """Simulations shared by the rows that ask for the same men, regimen and length."""

    def __init__(self):
        self.cache = {}

    def __call__(self, row, regimen_text):
        key = (row.men, row.n, row.ages, row.patient, regimen_text, row.days)
        if key not in self.cache:
            self.cache[key] = men_of(row).run(regimen_of(regimen_text), float(row.days))
        return self.cache[key]


def measure(row, runs: Runs) -> float:
    cohort = runs(row, row.regimen)
    reference = runs(row, row.reference_regimen) if row.reference_regimen else None
    return STATISTICS[row.statistic](cohort, row, cohort.baseline, reference)


def read_observations(path: Path = OBSERVATIONS) -> pd.DataFrame:
    table = pd.read_csv(path, keep_default_na=False, dtype=str)
    for name in ("n", "days", "window_start", "window_end", "threshold", "low", "high"):
        table[name] = pd.to_numeric(table[name].replace("", np.nan))
    unknown = set(table["statistic"]) - set(STATISTICS)
    if unknown:
        raise ValueError(f"unknown statistics {sorted(unknown)} in {path.name}; known: {sorted(STATISTICS)}")
    return table


def main(arguments: list[str]) -> int:
    if len(arguments) > 1:
        print("usage: python tools/check_unseen.py [observations.csv]", file=sys.stderr)
        return 2
    path = Path(arguments[0]) if arguments else OBSERVATIONS
    table = read_observations(path)
    runs, within = Runs(), 0
    for row in table.itertuples(index=False):
        try:
            value = measure(row, runs)
            inside = row.low <= value <= row.high
            shown = f"{value:.3g}"
        except (ValueError, TypeError) as problem:
            message = str(problem)     # the end of the message says what was asked for
            inside, shown = False, f"cannot run ({type(problem).__name__}: ...{message[-70:]})"
        within += inside
        print(f"{'within ' if inside else 'OUTSIDE'}  {row.id}: model {shown} {row.unit}; band {row.low:g}..{row.high:g} "
              f"({row.published})", flush=True)
    kind = "unseen observations" if path == OBSERVATIONS else f"observations of {path.name}"
    print(f"{within} of {len(table)} {kind} within tolerance ({within / len(table):.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
