"""Check the 16 clinical laws of ../shared/clinical/laws.md over drawn men, through the public API.

    python tools/check_laws.py            # 40 men per law, one line per law, then "N of 16 hold"
    python tools/check_laws.py --men 60 --seed 3 L1 L5

Each law is one function ``check(men, **dose) -> Verdict`` that simulates the men it is
given (``hpg.simulate_cohort(..., patients=men.table)``) and compares what the law compares,
with the relation and slack the law states, nothing looser. ``tests/test_laws.py`` runs the
same functions on men and doses drawn by Hypothesis: this file is the one source of every
law.

Who the men are. Every man's individual traits (feedback, recovery speed, aromatase, SERM
and hCG sensitivity, intratesticular T requirement, sperm count, testosterone) come from
``hpg.cohort.draw_patients``, i.e. the distributions of data/population.csv. On top of
that each man has an age (18-80, wider than the population file's 18-60, as the laws ask)
and a *kind*:

- ``healthy``: the population's eugonadal man as drawn;
- ``mixed``, ``testicular``, ``central``: a low-testosterone man (baseline T drawn in
  150-300 ng/dL) of that ``low_testosterone_origin``;
- ``no_gnrh``: no GnRH drive (the model's untreated T and sperm for such a man).

Every panel starts with the typical man of each kind it holds (age 35, the laws'
"typical man"; a low-T man's typical T is 250 ng/dL, law L11's).

Conventions (the laws do not fix them, so they are fixed here, once):
- a level "at month k" is the mean of the daily samples of the 7 days ending at day
  round(30.44 k): one dosing interval of a weekly injection, as a trough-to-peak average;
- "non-increasing with 2% slack": higher <= lower x 1.02 + 0.001 (the 0.001 unit is far
  below any assay's detection limit; it only stops rounding at zero counting as a rise);
  where a law states no slack the comparison is exact;
- a man "recovers" a threshold on the day from which he stays at or above it; a man who
  has not by the end of follow-up counts as never (infinite), which can only raise a median.
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass, field
from itertools import pairwise, product
from typing import Callable

import numpy as np
import pandas as pd

import hpgwidgets as hpg

MONTH = 30.44                       # days
KINDS = ("healthy", "mixed", "testicular", "central", "no_gnrh")
LOW_T_KINDS = ("mixed", "testicular", "central")
WITH_GNRH = ("healthy",) + LOW_T_KINDS
LOW_T_RANGE = (150.0, 300.0)        # ng/dL: the low-T men's drawn baseline testosterone
TYPICAL_LOW_T = 250.0               # ng/dL: law L11's "typical low-T man"
AGES = (18.0, 80.0)
SLACK, NUMERICAL_ZERO = 0.02, 1e-3
EQUAL = 1e-9                        # relative: two values this close are equal (floating-point rounding)
TE, TC = "testosterone_enanthate", "testosterone_cypionate"
FIRST_SPERM = 0.1                   # million/mL (law L5)
NOA_FSH_CUTOFF = 7.6                # IU/L: FSH above it marks non-obstructive azoospermia (laws L9, L13; Schoor 2002)
PUMP_MICROGRAMS = 10.0              # µg per pulse: the drug table's typical pump pulse (laws give no amount)
CONTINUOUS = dict(amount=5.0, every_days=5 / 1440)   # gonadorelin every 5 minutes: a near-continuous exposure


def typical_age(ages) -> float:
    """The typical man's age: 35 (hpg.Patient's) unless the law is about other ages."""
    return 35.0 if ages[0] <= 35 <= ages[1] else float(np.mean(ages))


def day_of_month(months: float) -> int:
    return int(round(months * MONTH))


def dose(drug: str, amount: float, every_days: float, stop_day: float | None = None) -> hpg.Dose:
    return hpg.Dose(drug, amount, every_days=every_days, stop_day=stop_day)


def regimen(*doses) -> hpg.Regimen:
    return hpg.Regimen([d for d in doses if d.amount > 0])      # a dose of 0 (a ladder's first rung) is none


def weekly_te(mg: float, stop_day: float | None = None) -> hpg.Dose:
    return dose(TE, mg, 7, stop_day)


# ---------------------------------------------------------------- the men

class Men:
    """A panel of men: ``table`` holds their hpg.Patient fields (one row each, the form
    ``hpg.simulate_cohort(patients=...)`` takes) and ``kinds`` what sort of man each is."""

    def __init__(self, table: pd.DataFrame, kinds: np.ndarray):
        self.table, self.kinds = table, kinds

    @classmethod
    def drawn(cls, specs, seed: int, kinds=KINDS, typical_age: float = 35.0) -> "Men":
        """The typical man of each of ``kinds``, then one man per spec (kind, age, low T);
        every other trait drawn from data/population.csv with ``seed``."""
        typical = [(kind, typical_age, TYPICAL_LOW_T) for kind in dict.fromkeys(kinds)]
        specs = typical + list(specs)
        table = hpg.cohort.draw_patients(len(specs), seed=seed)
        for row in range(len(typical)):          # the typical man: every trait at hpg.Patient()'s value
            for name, value in hpg.Patient().traits().items():
                table.loc[row, name] = np.nan if value is None else value
            table.loc[row, "semen_volume"] = hpg.cohort.population_table().loc["semen_volume", "median"]
        table["low_testosterone_origin"] = [("mixed" if kind == "healthy" else kind) for kind, _, _ in specs]
        table["age"] = [float(age) for _, age, _ in specs]
        for row, (kind, _, low_t) in enumerate(specs):
            if kind in LOW_T_KINDS:
                table.loc[row, "baseline_testosterone"] = float(low_t)
            elif kind == "no_gnrh":
                table.loc[row, ["baseline_testosterone", "baseline_sperm"]] = np.nan
        return cls(table.reset_index(drop=True), np.array([kind for kind, _, _ in specs]))

    @classmethod
    def panel(cls, n: int, kinds=KINDS, ages=AGES, seed: int = 0) -> "Men":
        """n men spread evenly over ``kinds``, ``ages`` and the low-T range (check_laws' panel)."""
        rng = np.random.default_rng(seed)
        age_values = rng.permutation(np.linspace(*ages, n))
        low_t = rng.permutation(np.linspace(*LOW_T_RANGE, n))
        specs = [(kinds[i % len(kinds)], age_values[i], low_t[i]) for i in range(n)]
        return cls.drawn(specs, seed, kinds, typical_age(ages))

    def __len__(self) -> int:
        return len(self.table)

    def __repr__(self) -> str:
        kinds = ", ".join(f"{count} {kind}" for kind, count in zip(*np.unique(self.kinds, return_counts=True)))
        ages = self.table["age"]
        return f"<Men: {kinds}; ages {ages.min():.0f}-{ages.max():.0f}>"

    def is_typical(self) -> np.ndarray:
        seen, typical = set(), []
        for kind in self.kinds:                 # the first man of each kind is its typical man
            typical.append(kind not in seen)
            seen.add(kind)
        return np.array(typical)

    def typical(self, kind: str) -> int:
        return int(np.flatnonzero(self.kinds == kind)[0])

    def where(self, mask) -> "Men":
        mask = np.asarray(mask, dtype=bool)
        return Men(self.table[mask].reset_index(drop=True), self.kinds[mask])

    def changed(self, **columns) -> "Men":
        """The same men with some Patient fields set (a value or one per man)."""
        table = self.table.copy()
        for name, value in columns.items():
            table[name] = value
        return Men(table, self.kinds.copy())

    def run(self, treatment: hpg.Regimen, days: float) -> hpg.Cohort:
        return hpg.simulate_cohort(treatment, patients=self.table, days=days, progress=False)

    def untreated(self) -> dict:
        """Each man's untreated steady state: name -> one value per man."""
        return self.run(hpg.Regimen(), days=1).baseline

    def name(self, i: int) -> str:
        row = self.table.iloc[i]
        t = "typical T" if pd.isna(row["baseline_testosterone"]) else f"T {row['baseline_testosterone']:.0f}"
        sperm = "" if pd.isna(row["baseline_sperm"]) else f", sperm {row['baseline_sperm']:.0f}"
        traits = ", ".join(f"{label} x{row[name]:.2f}" for name, label in (
            ("feedback_sensitivity", "feedback"), ("recovery_speed", "recovery"),
            ("aromatase_activity", "aromatase"), ("serm_sensitivity", "SERM"), ("hcg_sensitivity", "hCG"),
            ("itt_requirement", "ITT need"), ("germ_cell_reserve", "germ cells"))
            if not math.isclose(row[name], 1.0))
        who = "typical " if self.is_typical()[i] else ""
        return (f"man {i} ({who}{self.kinds[i]}, {row['age']:.0f} y, {t}{sperm}"
                + (f", {traits}" if traits else "") + ")")


# ---------------------------------------------------------------- reading a cohort

def level(cohort: hpg.Cohort, name: str, day: float, window: float = 7.0) -> np.ndarray:
    """Each man's mean of ``name`` over the ``window`` days ending at ``day``."""
    inside = (cohort.t > day - window) & (cohort.t <= day)
    return cohort[name][:, inside].mean(axis=1)


def window_mean(cohort: hpg.Cohort, name: str, first: float, last: float) -> np.ndarray:
    inside = (cohort.t > first) & (cohort.t <= last)
    return cohort[name][:, inside].mean(axis=1)


def recovered_day(cohort: hpg.Cohort, name: str, threshold: float, after: float) -> np.ndarray:
    """Days after ``after`` from which each man stays at or above ``threshold`` (inf: not by the end)."""
    later = cohort.t >= after
    t, values = cohort.t[later], cohort[name][:, later]
    below = values < threshold
    days = np.zeros(len(values))
    for i, row in enumerate(below):
        if row[-1]:
            days[i] = np.inf
        elif row.any():
            days[i] = t[np.flatnonzero(row)[-1] + 1] - after
    return days


def first_day_at_least(cohort: hpg.Cohort, name: str, threshold: float) -> np.ndarray:
    reached = cohort[name] >= threshold
    return np.where(reached.any(axis=1), cohort.t[np.argmax(reached, axis=1)], np.inf)


# ---------------------------------------------------------------- verdicts

@dataclass
class Comparison:
    holds: bool
    margin: float        # relative distance inside the bound (negative: outside)
    failing: int
    total: int
    text: str


@dataclass
class Verdict:
    law: str
    comparisons: list = field(default_factory=list)
    error: str | None = None

    @property
    def holds(self) -> bool:
        return self.error is None and all(c.holds for c in self.comparisons)

    def report(self) -> str:
        if self.error is not None:
            return f"{self.law}: FAILS (cannot be checked: {self.error})"
        failing = [c for c in self.comparisons if not c.holds]
        if not failing:
            tightest = min(self.comparisons, key=lambda c: c.margin)
            return f"{self.law}: holds ({len(self.comparisons)} comparisons; tightest: {tightest.text})"
        worst = min(failing, key=lambda c: c.margin)
        cases = sum(c.failing for c in failing)
        lines = [f"{self.law}: FAILS ({len(failing)} of {len(self.comparisons)} comparisons, "
                 f"{cases} cases; worst: {worst.text})"]
        lines += [f"    also: {c.text}" for c in sorted(failing, key=lambda c: c.margin)[1:4] if c is not worst]
        return "\n".join(lines)


class Tally:
    """The comparisons a law makes, one per relation, each over every man it concerns."""

    def __init__(self, men: Men | None, verdict: Verdict | None = None):
        self.verdict = Verdict("") if verdict is None else verdict
        self.men = men

    def about(self, men: Men) -> "Tally":
        """A tally of other men adding to the same verdict."""
        return Tally(men, self.verdict)

    def _add(self, measured, bound, what, sign, strict, mask, who):
        measured, bound = np.broadcast_arrays(np.atleast_1d(np.asarray(measured, float)),
                                              np.atleast_1d(np.asarray(bound, float)))
        mask = np.ones(len(measured), bool) if mask is None else np.asarray(mask, bool)
        if not mask.any():
            return
        index = np.flatnonzero(mask)
        gap = sign * (bound[index] - measured[index])           # >= 0 where the relation holds
        with np.errstate(invalid="ignore"):
            scale = np.maximum(np.abs(bound[index]), np.abs(measured[index]))
            margin = np.where(np.isinf(scale), np.where(gap > 0, np.inf, np.where(gap < 0, -np.inf, 0.0)),
                              gap / np.where(scale > 0, scale, 1.0))
        margin = np.nan_to_num(margin, nan=0.0)
        ok = margin > EQUAL if strict else margin >= -EQUAL
        worst = int(np.argmin(np.where(ok, margin, margin - 10)))   # a failing case first
        i = index[worst]
        relation = {(1, True): "<", (1, False): "<=", (-1, True): ">", (-1, False): ">="}[(sign, strict)]
        # per-man comparisons name the man; a comparison of cohort figures says whose (who=...)
        whom = who if who is not None else (self.men.name(i) if self.men is not None else "")
        self.verdict.comparisons.append(Comparison(
            bool(ok.all()), float(margin[worst]), int((~ok).sum()), len(index),
            f"{whom + ': ' if whom else ''}{what}: {measured[i]:.4g} (bound {relation} {bound[i]:.4g})"))

    def at_most(self, measured, bound, what, strict=False, mask=None, who=None):
        self._add(measured, bound, what, 1, strict, mask, who)

    def at_least(self, measured, bound, what, strict=False, mask=None, who=None):
        self._add(measured, bound, what, -1, strict, mask, who)

    def non_increasing(self, higher, lower, what, slack=SLACK, mask=None):
        self.at_most(higher, np.asarray(lower) * (1 + slack) + (NUMERICAL_ZERO if slack else 0.0), what, mask=mask)

    def share(self, condition, at_least, what, mask=None):
        condition = np.asarray(condition, bool)
        chosen = condition if mask is None else condition[np.asarray(mask, bool)]
        self.at_least(chosen.mean(), at_least, f"{what} (share of {len(chosen)} men)", who="cohort")


# ---------------------------------------------------------------- the laws

def l1_androgen_dose(men: Men) -> Verdict:
    tally = Tally(men)
    # laws.md's ladder runs to 1000 mg; each law holds "at every dose inside the ranges the workbook
    # offers", and the workbook refuses weekly enanthate above its largest legal dose (data/drugs.csv:
    # beyond it serum T would pass law L16's 5000 ng/dL), so the ladder stops there
    largest = hpg.DRUGS[TE].max_amount_per_week
    doses = tuple(mg for mg in (0, 25, 50, 100, 200, 400, 700, 1000) if mg < largest) + (largest,)
    day = day_of_month(6)
    runs = {mg: men.run(regimen(weekly_te(mg)), day) for mg in doses}
    for name in ("sperm", "lh", "fsh"):
        for lower, higher in pairwise(doses):
            tally.non_increasing(level(runs[higher], name, day), level(runs[lower], name, day),
                                 f"{name} at month 6, TE {higher} vs {lower} mg/week (x1.02)")
    for mg in (mg for mg in doses if mg >= 400):
        tally.share(level(runs[mg], "sperm", day) < 3, 0.9,
                    f"healthy men with sperm < 3 million/mL at month 6 on TE {mg} mg/week",
                    mask=men.kinds == "healthy")
    return tally.verdict


def l2_androgen_brake(men: Men) -> Verdict:
    tally = Tally(men)
    day, untreated = day_of_month(3), men.untreated()["lh"]
    for agent in (dose("clomiphene", 25, 1), dose("anastrozole", 1, 1)):
        label = f"{agent.drug} {agent.amount:g} mg/day"
        lh = {mg: level(men.run(regimen(weekly_te(mg), agent), day), "lh", day) for mg in (0, 100, 200, 400)}
        for lower, higher in pairwise(lh):
            tally.non_increasing(lh[higher], lh[lower], f"LH at month 3, {label} + TE {higher} vs {lower} mg/week (x1.02)")
        tally.at_most(lh[100], lh[0], f"LH at month 3, {label} + TE 100 mg/week vs {label} alone", strict=True)
        for mg in (200, 400):
            tally.share(lh[mg] < untreated, 0.9, f"men with LH below untreated on {label} + TE {mg} mg/week")
    return tally.verdict


def l3_recovery_order(men: Men) -> Verdict:
    tally = Tally(men)
    stop = day_of_month(12)
    cohort = men.run(regimen(weekly_te(200, stop_day=stop)), stop + day_of_month(24))
    lh = np.median(recovered_day(cohort, "lh", hpg.reference_range("lh").low, stop))
    t = np.median(recovered_day(cohort, "testosterone", 300, stop))
    sperm = np.median(recovered_day(cohort, "sperm", 15, stop))
    tally.at_most(lh, t, f"median days after stopping 12 months of TE 200 mg/week: LH in range vs T >= 300",
                  strict=True, who="cohort")
    tally.at_most(t, sperm, "median days: T >= 300 vs sperm >= 15 million/mL", strict=True, who="cohort")
    tally.at_least(sperm - t, 42, "median sperm day minus median T day", who="cohort")
    return tally.verdict


def l4_dose_duration(men: Men) -> Verdict:
    tally = Tally(men)
    follow_up = day_of_month(36)

    def median_recovery(group: Men, mg: float, months: float) -> float:
        stop = day_of_month(months)
        cohort = group.run(regimen(weekly_te(mg, stop_day=stop)), stop + follow_up)
        return float(np.median(recovered_day(cohort, "sperm", 20, stop)))

    by_duration = {months: median_recovery(men, 200, months) for months in (6, 12, 24, 60)}
    for shorter, longer in pairwise(by_duration):
        tally.at_least(by_duration[longer], by_duration[shorter],
                       f"median days to 20 million/mL after {longer} vs {shorter} months of TE 200 mg/week", who="cohort")
    by_dose = {mg: (by_duration[12] if mg == 200 else median_recovery(men, mg, 12)) for mg in (100, 200, 400)}
    for lower, higher in pairwise(by_dose):
        tally.at_least(by_dose[higher], by_dose[lower],
                       f"median days to 20 million/mL after 12 months of TE {higher} vs {lower} mg/week", who="cohort")
    # the same men, once young (18-30) and once older (45-80): only age differs
    position = (men.table["age"].to_numpy() - AGES[0]) / (AGES[1] - AGES[0])
    young = median_recovery(men.changed(age=18 + 12 * position * 0.999), 200, 12)
    older = median_recovery(men.changed(age=45 + 35 * position + 1e-6), 200, 12)
    tally.at_least(older, 1.05 * young, "median days to 20 million/mL after 12 months TE 200: "
                   "the men aged 45-80 vs 1.05 x the same men aged 18-30", who="cohort")
    return tally.verdict


def _induction(kind: str, hcg_iu: float, hcg_per_week: int, pump_minutes: float):
    if kind == "hcg":
        return regimen(dose("hcg", hcg_iu, 7 / hcg_per_week)), f"hCG {hcg_iu:g} IU {hcg_per_week}x/week"
    return (regimen(dose("gonadorelin", PUMP_MICROGRAMS, pump_minutes / 1440)),
            f"gonadorelin pump {PUMP_MICROGRAMS:g} µg every {pump_minutes:g} min")


def l5_induction_pace(men: Men, hcg_iu: float, hcg_per_week: int, pump_minutes: float) -> Verdict:
    tally = Tally(men)
    days = day_of_month(24)
    for kind in ("hcg", "pump"):
        treatment, label = _induction(kind, hcg_iu, hcg_per_week, pump_minutes)
        cohort = men.run(treatment, days)
        before = cohort.t < 90
        tally.at_most(cohort["sperm"][:, before].max(axis=1), FIRST_SPERM,
                      f"{label}: highest sperm before day 90 (no sperm = below {FIRST_SPERM})", strict=True)
        first = np.median(first_day_at_least(cohort, "sperm", FIRST_SPERM))
        tally.at_least(first, day_of_month(4), f"{label}: median day of first sperm (>= month 4)", who="cohort")
        tally.at_most(first, day_of_month(14), f"{label}: median day of first sperm (<= month 14)", who="cohort")
        typical = men.typical("no_gnrh")
        tally.at_most(level(cohort, "sperm", days)[typical], 20, f"{label}: sperm at month 24",
                      strict=True, who=men.name(typical))
    return tally.verdict


def l6_fsh_helps(men: Men, hcg_iu: float, hcg_per_week: int, pump_minutes: float) -> Verdict:
    tally = Tally(men)
    day = day_of_month(18)
    hcg, label = _induction("hcg", hcg_iu, hcg_per_week, pump_minutes)
    pump, pump_label = _induction("pump", hcg_iu, hcg_per_week, pump_minutes)
    alone = level(men.run(hcg, day), "sperm", day)
    with_fsh = level(men.run(hcg + regimen(dose("fsh", 150, 7 / 3)), day), "sperm", day)
    tally.at_least(with_fsh, alone, f"sperm at month 18: {label} + FSH 150 IU 3x/week vs {label} alone", strict=True)
    tally.at_most(with_fsh, 3 * alone, f"sperm at month 18: {label} + FSH vs 3 x {label} alone", strict=True)
    tally.at_least(level(men.run(pump, day), "sperm", day), alone,
                   f"sperm at month 18: {pump_label} vs {label} alone", strict=True)
    return tally.verdict


def l7_hcg_ceiling(men: Men, hcg_iu: float, every_days: float) -> Verdict:
    tally = Tally(men)
    day, untreated = day_of_month(3), men.untreated()
    label = f"hCG {hcg_iu:g} IU every {every_days:.3g} days"
    alone = men.run(regimen(dose("hcg", hcg_iu, every_days)), day)
    t, e2 = level(alone, "testosterone", day), level(alone, "estradiol", day)
    typical = men.typical("healthy")
    tally.at_most(t[typical], 1.3 * hpg.reference_range("testosterone").high,
                  f"{label} alone: T at month 3 vs 1.3 x upper reference", strict=True, who=men.name(typical))
    tally.at_least(e2, untreated["estradiol"], f"{label} alone, where T rose: E2 at month 3 vs untreated",
                   strict=True, mask=t > untreated["testosterone"])
    trt = weekly_te(200)
    trt_alone = men.run(regimen(trt), day)
    itt, serum = {}, {}
    for iu in (125, 250, 500):
        cohort = men.run(regimen(trt, dose("hcg", iu, 2)), day)
        itt[iu], serum[iu] = level(cohort, "itt", day), level(cohort, "testosterone", day)
        tally.at_most(serum[iu], 1.3 * level(trt_alone, "testosterone", day),
                      f"TE 200 mg/week + hCG {iu} IU every 2 days: serum T at month 3 vs 1.3 x TE alone")
    for lower, higher in pairwise(itt):
        tally.at_least(itt[higher], itt[lower], f"TE 200 mg/week + hCG {higher} vs {lower} IU every 2 days: "
                       "intratesticular T at month 3", strict=True)
    return tally.verdict


def l8_primary_lh(men: Men) -> Verdict:
    tally = Tally(men)
    days = day_of_month(6)
    trt = regimen(dose(TC, 100, 7))
    failing = men.run(trt, days)
    normal = men.changed(low_testosterone_origin="mixed", baseline_testosterone=np.nan).run(trt, days)
    for month in range(1, 7):
        day = day_of_month(month)
        tally.at_least(level(failing, "lh", day), level(normal, "lh", day),
                       f"cypionate 100 mg/week, LH at month {month}: testicular man vs the same man with normal testes",
                       strict=True)
    return tally.verdict


def l9_fsh_germ_cells(men: Men) -> Verdict:
    tally = Tally(men)
    counts = (64, 40, 20, 10, 5, 1, 0.2, 0)
    at_equal_t = men.changed(baseline_testosterone=men.untreated()["testosterone"])
    states = {count: at_equal_t.changed(baseline_sperm=count).untreated() for count in counts}
    for more, fewer in pairwise(counts):
        tally.at_least(states[fewer]["fsh"], states[more]["fsh"],
                       f"untreated FSH at sperm {fewer:g} vs {more:g} million/mL, equal T")
    tally.at_least(states[1]["fsh"], NOA_FSH_CUTOFF, "untreated FSH at sperm 1 million/mL vs the azoospermia cut-off 7.6",
                   strict=True)
    fsh_change = np.abs(np.log(states[0]["fsh"] / states[64]["fsh"]))
    lh_change = np.abs(np.log(states[0]["lh"] / states[64]["lh"]))
    tally.at_most(lh_change, 0.5 * fsh_change, "|ln LH ratio| sperm 0 vs 64 against half |ln FSH ratio| "
                  "('LH changes far less than FSH')")
    return tally.verdict


def l10_ageing(men: Men) -> Verdict:
    tally = Tally(men)
    same_health = men.changed(baseline_testosterone=np.nan, baseline_sperm=np.nan)
    ages = range(25, 81, 5)
    states = {age: same_health.changed(age=float(age)).untreated() for age in ages}
    for younger, older in pairwise(ages):
        tally.at_most(states[older]["testosterone"], states[younger]["testosterone"],
                      f"untreated T at {older} vs {younger} y")
        tally.at_least(states[older]["lh"], states[younger]["lh"], f"untreated LH at {older} vs {younger} y")
    tally.at_least(states[75]["lh"], 1.2 * states[40]["lh"], "untreated LH at 75 y vs 1.2 x at 40 y")
    return tally.verdict


def l11_serm_graded(men: Men) -> Verdict:
    tally = Tally(men)
    day, untreated = day_of_month(3), men.untreated()
    for drug, ladder in (("clomiphene", (12.5, 25, 50)), ("tamoxifen", (10, 20, 40))):
        runs = {mg: men.run(regimen(dose(drug, mg, 1)), day) for mg in ladder}
        for lower, higher in pairwise(ladder):
            for name in ("lh", "fsh", "testosterone", "estradiol"):
                tally.at_least(level(runs[higher], name, day), level(runs[lower], name, day),
                               f"{name} at month 3, {drug} {higher:g} vs {lower:g} mg/day", strict=True)
    typical = men.typical("mixed")
    ratio = level(men.run(regimen(dose("clomiphene", 25, 1)), day), "testosterone", day) / untreated["testosterone"]
    who = men.name(typical)
    tally.at_least(ratio[typical], 1.5, "clomiphene 25 mg/day: T at month 3 / untreated", who=who)
    tally.at_most(ratio[typical], 2.7, "clomiphene 25 mg/day: T at month 3 / untreated", who=who)
    return tally.verdict


def l12_ai_graded(men: Men) -> Verdict:
    tally = Tally(men)
    day, untreated = day_of_month(3), men.untreated()
    schedules = {"0.5 mg daily": (0.5, 1), "1 mg twice weekly": (1, 3.5), "1 mg daily": (1, 1)}
    fall, t_ratio = {}, {}
    for label, (mg, every) in schedules.items():
        cohort = men.run(regimen(dose("anastrozole", mg, every)), day)
        fall[label] = 1 - level(cohort, "estradiol", day) / untreated["estradiol"]
        t_ratio[label] = level(cohort, "testosterone", day) / untreated["testosterone"]
    for daily in ("0.5 mg daily", "1 mg daily"):
        tally.at_most(fall["1 mg twice weekly"], fall[daily],
                      f"anastrozole E2 fall at month 3: 1 mg twice weekly vs {daily}", strict=True)
    tally.at_most(t_ratio["1 mg twice weekly"], 0.85 * t_ratio["1 mg daily"],
                  "anastrozole T ratio at month 3: 1 mg twice weekly vs 0.85 x 1 mg daily")
    return tally.verdict


def l13_oligospermia_drugs(men: Men) -> Verdict:
    """Two men with 8 million/mL: one with normal FSH (a hormonal low count, described with
    ``baseline_fsh``), one with germinal failure (FSH above the azoospermia cut-off)."""
    tally = Tally(men)
    day = day_of_month(6)
    fsh_range = hpg.reference_range("fsh")
    # normal FSH: the FSH each man has with his germ cells intact (his untreated FSH without a low
    # count: inside the reference range, and what his testosterone and LH give him; a low-T man's
    # runs higher than a healthy man's); germinal failure: 1.5 x the range's top (Schoor 2002:
    # about 19 IU/L in non-obstructive azoospermia)
    intact_man = men.changed(baseline_sperm=np.nan, baseline_fsh=np.nan, germ_cell_reserve=1.0).untreated()
    intact = intact_man["fsh"]
    # a man whose FSH is above the range even with intact germ cells (failing testes raise LH and
    # FSH together), or whose intact testes make fewer than 8 million/mL at his testosterone (so 8
    # is not a low count for him), cannot be "a low count with normal FSH": the law's first man is
    # every other man
    normal_fsh = (intact <= fsh_range.high) & (intact_man["sperm"] > 8.0)
    hormonal = men.changed(baseline_sperm=8.0, baseline_fsh=np.where(normal_fsh, intact, np.nan))
    # germinal failure: the man the model builds from the low count alone (fewer germ cells, less
    # inhibin B), whose FSH must then be above the non-obstructive azoospermia cut-off
    germinal = men.changed(baseline_sperm=8.0, baseline_fsh=np.nan)
    tally.at_least(germinal.untreated()["fsh"], NOA_FSH_CUTOFF, "untreated FSH of the man with germinal failure",
                   mask=intact_man["sperm"] > 8.0)
    for agent in (dose("clomiphene", 25, 1), dose("anastrozole", 1, 1)):
        label = f"{agent.drug} {agent.amount:g} mg/day for 6 months"
        rise_hormonal = level(hormonal.run(regimen(agent), day), "sperm", day) - 8.0
        rise_germinal = level(germinal.run(regimen(agent), day), "sperm", day) - 8.0
        tally.at_least(rise_hormonal, 1.0, f"{label}: rise in sperm of a man with 8 million/mL and normal FSH",
                       mask=normal_fsh)
        tally.at_most(rise_hormonal, 15.0, f"{label}: rise in sperm of a man with 8 million/mL and normal FSH",
                      mask=normal_fsh)
        tally.at_most(rise_germinal, rise_hormonal, f"{label}: rise with germinal failure vs with normal FSH",
                      strict=True, mask=normal_fsh)
    return tally.verdict


def l14_gnrh_pattern(men: Men, pump_minutes: float) -> Verdict:
    tally = Tally(men)
    no_gnrh, healthy = men.where(men.kinds == "no_gnrh"), men.where(men.kinds == "healthy")
    day = day_of_month(3)
    pump = no_gnrh.run(regimen(dose("gonadorelin", PUMP_MICROGRAMS, pump_minutes / 1440)), day)
    label = f"no GnRH drive, pump {PUMP_MICROGRAMS:g} µg every {pump_minutes:g} min"
    sub = tally.about(no_gnrh)
    for name in ("lh", "fsh", "testosterone"):
        reference = hpg.reference_range(name)
        value = level(pump, name, day)
        sub.at_least(value, reference.low, f"{label}: {name} at month 3 vs reference low")
        sub.at_most(value, reference.high, f"{label}: {name} at month 3 vs reference high")
    sub = tally.about(healthy)
    days = day_of_month(6)
    continuous = healthy.run(regimen(dose("gonadorelin", **CONTINUOUS)), days)
    base = healthy.untreated()
    label = "gonadorelin every 5 min (continuous)"
    first_week = continuous.t <= 7
    sub.at_least(continuous["lh"][:, first_week].max(axis=1), base["lh"], f"{label}: peak LH in week 1 vs untreated",
                 strict=True)
    sub.at_least(continuous["testosterone"][:, first_week].max(axis=1), base["testosterone"],
                 f"{label}: peak T in week 1 vs untreated (flare)", strict=True)
    sub.at_most(continuous["testosterone"][:, continuous.t == 14][:, 0], base["testosterone"],
                f"{label}: T on day 14 vs untreated (flare over in about a week)", strict=True)
    castrated = continuous.t >= 28
    sub.at_most(continuous["testosterone"][:, castrated].max(axis=1), 50,
                f"{label}: highest T from day 28 to month 6 vs castrate 50 ng/dL", strict=True)
    return tally.verdict


def l15_e2_follows_t(men: Men) -> Verdict:
    tally = Tally(men)
    days, untreated = 84, men.untreated()
    gnrh_intact = np.isin(men.kinds, WITH_GNRH)
    for drug in (TC, TE, "testosterone_undecanoate", "testosterone_gel", "hcg", "anastrozole", "clomiphene",
                 "tamoxifen"):
        info = hpg.DRUGS[drug]
        cohort = men.run(regimen(dose(drug, info.typical_amount, info.typical_every_days)), days)
        t = window_mean(cohort, "testosterone", 56, 84) / untreated["testosterone"] - 1
        e2 = window_mean(cohort, "estradiol", 56, 84) / untreated["estradiol"] - 1
        label = f"{drug} {info.typical_amount:g} {info.amount_unit} every {info.typical_every_days:g} days, weeks 9-12"
        if drug == "anastrozole":
            tally.at_most(e2, 0.0, f"{label}: E2 change", strict=True, mask=gnrh_intact)
            tally.at_least(t, 0.0, f"{label}: T change", strict=True, mask=gnrh_intact)
        elif drug in ("clomiphene", "tamoxifen"):
            tally.at_least(e2, 0.0, f"{label}: E2 change", strict=True, mask=gnrh_intact)
            tally.at_least(t, 0.0, f"{label}: T change", strict=True, mask=gnrh_intact)
        else:
            tally.at_least(np.sign(t) * e2, 0.0, f"{label}: E2 change in the direction of T (T moved > 15%)",
                           strict=True, mask=np.abs(t) > 0.15)
    return tally.verdict


def describe(treatment: hpg.Regimen) -> str:
    """A regimen in one short line: "hcg 500 IU every 2 d from day 0 to 90; ..."."""
    def one(d: hpg.Dose) -> str:
        until = "" if d.stop_day is None else f" to {d.stop_day:.0f}"
        return (f"{d.drug} {d.amount:.3g} {hpg.DRUGS[d.drug].amount_unit} every {d.every_days:.3g} d "
                f"from day {d.start_day:.0f}{until}")
    return "; ".join(one(d) for d in treatment) or "no treatment"


def legal_regimen(rng: np.random.Generator) -> hpg.Regimen:
    """A random regimen the package accepts: 1-3 doses of any drug, any interval, any amount
    up to the drug's single and weekly maxima."""
    while True:
        doses = []
        for _ in range(rng.integers(1, 4)):
            drug = hpg.DRUGS[rng.choice(hpg.drug_ids())]
            every = float(rng.choice([1 / 288, 1 / 16, 0.5, 1, 2, 3.5, 7, 14, 84]))
            cap = min(drug.max_amount, drug.max_amount_per_week * every / 7)
            amount = float(cap * rng.random() ** 2)
            start = float(rng.uniform(0, 200))
            stop = None if rng.random() < 0.5 else float(rng.uniform(start, 400))
            doses.append(hpg.Dose(drug.id, amount, every_days=every, start_day=start, stop_day=stop))
        try:
            treatment = hpg.Regimen(doses)
            if treatment.count(400) <= hpg.validation.MAX_DOSE_EVENTS:
                return treatment
        except ValueError:
            continue


def l16_bounded(men: Men, regimen_seed: int, regimens: int = 4) -> Verdict:
    tally = Tally(men)
    rng = np.random.default_rng(regimen_seed)
    for _ in range(regimens):
        treatment = legal_regimen(rng)
        cohort = men.run(treatment, 400)
        label = describe(treatment)
        for name in cohort.variables:
            values = cohort[name]
            tally.at_least(np.where(np.isfinite(values), values, -np.inf).min(axis=1), 0.0,
                           f"{label}: lowest {name} (finite and non-negative)")
        tally.at_most(cohort["sperm"].max(axis=1), 300, f"{label}: highest sperm (million/mL)")
        tally.at_most(cohort["testosterone"].max(axis=1), 5000, f"{label}: highest T (ng/dL)")
    return tally.verdict


@dataclass(frozen=True)
class Between:
    """A dose the law allows anywhere from ``low`` to ``high``: checked at both ends here,
    drawn in between by the tests."""
    low: float
    high: float

    @property
    def grid(self) -> tuple:
        return (self.low, self.high)


@dataclass(frozen=True)
class OneOf:
    """A dose the law allows at each of ``values``."""
    values: tuple

    @property
    def grid(self) -> tuple:
        return self.values


@dataclass(frozen=True)
class Seed:
    """A seed of random legal regimens: seeds 0 and 1 here, any seed in the tests."""

    @property
    def grid(self) -> tuple:
        return (0, 1)


@dataclass(frozen=True)
class Law:
    id: str
    check: Callable[..., Verdict]
    kinds: tuple = KINDS          # the men the law is about
    ages: tuple = AGES
    doses: dict = field(default_factory=dict)    # keyword of check -> Between, OneOf or Seed

    def grid(self) -> list[dict]:
        """Every combination of the doses' grid points (one empty dict when the law has none)."""
        return [dict(zip(self.doses, values)) for values in product(*(d.grid for d in self.doses.values()))]

    @property
    def title(self) -> str:
        """e.g. "L1 androgen-dose", from the id and the check's name."""
        return f"{self.id} {self.check.__name__.split('_', 1)[1].replace('_', '-')}"


# hCG 1500-2000 IU two or three times a week, or a pump pulse every 90-120 minutes (L5, L6)
INDUCTION = {"hcg_iu": Between(1500, 2000), "hcg_per_week": OneOf((2, 3)), "pump_minutes": Between(90, 120)}

LAWS = (
    # weighted towards healthy men: the law's share clause is about a healthy cohort
    Law("L1", l1_androgen_dose, kinds=("healthy",) * 4 + LOW_T_KINDS + ("no_gnrh",)),
    Law("L2", l2_androgen_brake, kinds=("healthy",)),
    Law("L3", l3_recovery_order, kinds=("healthy",)),
    Law("L4", l4_dose_duration, kinds=("healthy",)),
    Law("L5", l5_induction_pace, kinds=("no_gnrh",), doses=INDUCTION),
    Law("L6", l6_fsh_helps, kinds=("no_gnrh",), doses=INDUCTION),
    Law("L7", l7_hcg_ceiling, kinds=("healthy",) + LOW_T_KINDS,
        doses={"hcg_iu": Between(250, 3000), "every_days": OneOf((2, 7 / 3))}),
    Law("L8", l8_primary_lh, kinds=("testicular",)),
    # FSH can rise with germ-cell loss only where the GnRH drive is intact: not in central men
    Law("L9", l9_fsh_germ_cells, kinds=("healthy", "mixed", "testicular")),
    Law("L10", l10_ageing, kinds=("healthy",)),
    Law("L11", l11_serm_graded, kinds=LOW_T_KINDS),
    Law("L12", l12_ai_graded, kinds=("healthy", "mixed"), ages=(60.0, 80.0)),
    Law("L13", l13_oligospermia_drugs, kinds=("healthy", "mixed")),
    Law("L14", l14_gnrh_pattern, kinds=("healthy", "no_gnrh"), doses={"pump_minutes": Between(60, 120)}),
    Law("L15", l15_e2_follows_t),
    Law("L16", l16_bounded, doses={"regimen_seed": Seed()}),
)
BY_ID = {law.id: law for law in LAWS}


def run_law(law: Law, men: Men, doses: list[dict] | None = None) -> Verdict:
    """The law's verdict over ``men`` at each of ``doses`` (default: the law's grid); a law the
    API cannot express yet (e.g. an unknown drug) fails with the error."""
    verdict = Verdict(law.title)
    try:
        for dose in law.grid() if doses is None else doses:
            verdict.comparisons += law.check(men, **dose).comparisons
    except (ValueError, TypeError, KeyError) as problem:
        verdict.error = f"{type(problem).__name__}: {problem}"
    return verdict


def print_hold_counts(chosen: list[Law], men: int, cohorts: int) -> int:
    """How robustly each law holds: the number of cohorts (seeds 1..cohorts, ``men`` drawn men
    each) in which it holds; a law held in every cohort is one the drawn men rarely break."""
    always = 0
    for law in chosen:
        held = sum(run_law(law, Men.panel(men, law.kinds, law.ages, seed)).holds for seed in range(1, cohorts + 1))
        always += held == cohorts
        print(f"{law.title}: holds in {held} of {cohorts} cohorts of {men} men", flush=True)
    print(f"{always} of {len(chosen)} hold in every cohort")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("laws", nargs="*", help="law ids (default: all 16)")
    parser.add_argument("--men", type=int, default=40, help="drawn men per law (default 40)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the drawn men (default 0)")
    parser.add_argument("--cohorts", type=int, default=0,
                        help="instead of one report, check each law on this many cohorts (seeds 1..N) "
                             "and print in how many it holds")
    args = parser.parse_args(argv)
    chosen = [BY_ID[law_id.upper()] for law_id in args.laws] if args.laws else LAWS
    if args.cohorts:
        return print_hold_counts(chosen, args.men, args.cohorts)
    held = 0
    for law in chosen:
        started = time.perf_counter()
        verdict = run_law(law, Men.panel(args.men, law.kinds, law.ages, args.seed))
        held += verdict.holds
        print(f"{verdict.report()}  [{time.perf_counter() - started:.1f} s]", flush=True)
    print(f"{held} of {len(chosen)} hold")
    return 0


if __name__ == "__main__":
    sys.exit(main())
