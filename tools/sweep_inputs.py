"""An outside sweep of the public API and the Workbench with bad and edge inputs (issue 15).

Every case calls one public entry point with one input and says what it expects:
``error`` (the input is not allowed: a TypeError or ValueError must say so), ``ok`` (a legal
edge: it must give a sane result) or ``either`` (both are fine; a result must still be sane).
Each outcome is classed as

- clear:     TypeError/ValueError whose message names the argument (and is a sentence)
- correct:   a result with no NaN or infinity in it, for an input that may be used
- unclear:   a raw traceback (any other exception), a message that does not name the
             argument, or a legal input refused
- garbage:   a bad input accepted, or a result holding NaN/infinity
- hang:      no answer within the time limit

Run: ``.venv/bin/python tools/sweep_inputs.py`` (``-v`` lists every case; ``--only PREFIX``).
Prints the counts per class and every case that is not clear or correct; exits 1 if any.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import signal
import sys
import tempfile
import traceback
import warnings
from dataclasses import dataclass
from fractions import Fraction
from decimal import Decimal
from pathlib import Path

import numpy as np

warnings.simplefilter("ignore")
os.environ.setdefault("HPG_NO_PROGRESS", "1")

import hpgwidgets as hpg  # noqa: E402

TIME_LIMIT_S = 60


@dataclass
class Case:
    entry: str          # the public entry point, e.g. "Patient"
    label: str          # the input, e.g. "age=nan"
    call: object        # no-argument callable
    expect: str         # "error", "ok" or "either"
    names: tuple        # words one of which a clear message must contain (the argument)


CASES: list[Case] = []


def case(entry, label, call, expect, *names):
    CASES.append(Case(entry, label, call, expect, tuple(name.lower() for name in names) or (label.split("=")[0],)))


class Hang(Exception):
    pass


def _alarm(_signum, _frame):
    raise Hang()


# ---------------------------------------------------------------------------------- values
NOT_NUMBERS = {"'5'": "5", "None": None, "True": True, "[1]": [1], "1j": 1j, "object()": object(),
               "b'1'": b"1", "{}": {}}
NOT_FINITE = {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf"), "np.nan": np.float64("nan")}
NOT_TEXT = {"5": 5, "None": None, "['x']": ["x"], "b'x'": b"x", "True": True}


def numbers_for(entry, name, make, *, low, high, integer=False, allow_none=False, names=(), huge_ok=False):
    """Cases for one numeric argument: ``make(value)`` calls the entry point."""
    names = names or (name,)
    for label, value in NOT_NUMBERS.items():
        if value is None and allow_none:
            case(entry, f"{name}={label}", lambda v=value: make(v), "ok", *names)
            continue
        case(entry, f"{name}={label}", lambda v=value: make(v), "error", *names)
    for label, value in NOT_FINITE.items():
        case(entry, f"{name}={label}", lambda v=value: make(v), "error", *names)
    case(entry, f"{name}=10**400", lambda: make(10 ** 400), "either" if huge_ok else "error", *names)
    case(entry, f"{name}=1e308", lambda: make(1e308), "error" if high is not None else "either", *names)
    if low is not None:
        case(entry, f"{name}=low-1e-9", lambda: make(low - 1e-9 if low else -1e-9), "error", *names)
        case(entry, f"{name}=low", lambda: make(low), "either", *names)
        case(entry, f"{name}=np.float32(low)", lambda: make(np.float32(low)), "either", *names)
    if high is not None:
        case(entry, f"{name}=high", lambda: make(high), "either", *names)
        case(entry, f"{name}=high*1.0001", lambda: make(high * 1.0001 + 1e-9), "error", *names)
    if integer:
        case(entry, f"{name}=2.5", lambda: make(2.5), "error", *names)
        case(entry, f"{name}=np.int64(2)", lambda: make(np.int64(max(2, low or 2))), "either", *names)
    case(entry, f"{name}=Fraction(1,3)", lambda: make(Fraction(1, 3)), "either", *names)
    case(entry, f"{name}=Decimal('2')", lambda: make(Decimal("2")), "either", *names)
    case(entry, f"{name}=-0.0", lambda: make(-0.0), "either", *names)


def texts_for(entry, name, make, *, allowed=(), names=()):
    names = names or (name,)
    for label, value in NOT_TEXT.items():
        case(entry, f"{name}={label}", lambda v=value: make(v), "error", *names)
    for label, value in {"''": "", "'nope'": "nope", "'<b>x</b>'": "<b>x</b>", "'\\ud800'": "\ud800",
                         "' ' * 10**6": " " * 10 ** 6}.items():
        case(entry, f"{name}={label}", lambda v=value: make(v), "error", *names)
    for value in allowed[:2]:
        case(entry, f"{name}={value!r}", lambda v=value: make(v), "ok", *names)
        case(entry, f"{name}={value.upper()!r}", lambda v=value.upper(): make(v), "error", *names)


# ------------------------------------------------------------------------- entry points
def patient_cases():
    from hpgwidgets.patient import CHOICES

    ranges = {"age": (18, 100), "baseline_testosterone": (30, 1500), "baseline_sperm": (0, 300),
              "baseline_lh": (0.1, 100), "baseline_fsh": (0.1, 150)}
    for name, (low, high) in ranges.items():
        numbers_for("Patient", name, lambda v, n=name: hpg.Patient(**{n: v}), low=low, high=high,
                    allow_none=name != "age")
    for name in ("feedback_sensitivity", "recovery_speed", "aromatase_activity", "serm_sensitivity",
                 "hcg_sensitivity", "itt_requirement"):
        for label, value in {**NOT_FINITE, "0": 0, "-1": -1, "'1'": "1", "True": True, "None": None, "1e9": 1e9}.items():
            case("Patient", f"{name}={label}", lambda v=value, n=name: hpg.Patient(**{n: v}), "error", name)
    texts_for("Patient", "low_testosterone_origin", lambda v: hpg.Patient(low_testosterone_origin=v),
              allowed=tuple(CHOICES["low_testosterone_origin"]))
    case("Patient", "unknown=1", lambda: hpg.Patient(unknown=1), "error", "unknown")
    case("Patient.from_dict", "[]", lambda: hpg.Patient.from_dict([]), "error", "patient")
    case("Patient.from_dict", "{'age': 'x'}", lambda: hpg.Patient.from_dict({"age": "x"}), "error", "age")
    case("Patient.from_dict", "{'aeg': 30}", lambda: hpg.Patient.from_dict({"aeg": 30}), "error", "aeg")


def dose_cases():
    enanthate = "testosterone_enanthate"
    numbers_for("Dose", "amount", lambda v: hpg.Dose(enanthate, v, every_days=7), low=0, high=500,
                names=("amount",))
    numbers_for("Dose", "every_days", lambda v: hpg.Dose(enanthate, 100, every_days=v), low=1 / 1440 * 1e3,
                high=None, names=("every_days",))
    numbers_for("Dose", "start_day", lambda v: hpg.Dose(enanthate, 100, every_days=7, start_day=v), low=0,
                high=365 * 30, names=("start_day",))
    numbers_for("Dose", "stop_day", lambda v: hpg.Dose(enanthate, 100, every_days=7, stop_day=v), low=0,
                high=None, allow_none=True, names=("stop_day",))
    texts_for("Dose", "drug", lambda v: hpg.Dose(v, 1, every_days=7), allowed=("hcg", "clomiphene"))
    case("Dose", "every_days=1/2000", lambda: hpg.Dose("gonadorelin", 1, every_days=1 / 2000), "error", "every_days")
    case("Dose", "start after stop", lambda: hpg.Dose(enanthate, 100, 7, start_day=10, stop_day=5), "error",
         "stop_day")
    case("Dose", "500.0001 mg weekly", lambda: hpg.Dose(enanthate, 500.0001, 7), "error", "amount")
    case("Dose", "weekly load 250 mg every 3 days",
         lambda: hpg.Dose(enanthate, 250, 3), "error", "per week")
    dose = hpg.Dose(enanthate, 100, every_days=7, stop_day=70)
    for label, value in {**NOT_FINITE, "-1": -1, "'x'": "x", "None": None}.items():
        case("Dose.count", f"days={label}", lambda v=value: dose.count(v), "error", "days")
        case("Dose.times", f"days={label}", lambda v=value: dose.times(v), "error", "days")
    case("Dose.count", "days=1e308 (the course stops at day 70)", lambda: dose.count(1e308), "ok", "days")
    for label, data in {"[]": [], "{}": {}, "extra key": {**dose.to_dict(), "x": 1},
                        "amount text": {**dose.to_dict(), "amount": "1"}}.items():
        case("Dose.from_dict", label, lambda d=data: hpg.Dose.from_dict(d), "error", "dose", "amount", "drug", "x")


def regimen_cases():
    dose = hpg.Dose("testosterone_enanthate", 100, every_days=7)
    for label, value in {"'x'": "x", "[1]": [1], "[dose, 'x']": [dose, "x"], "{}": {}, "5": 5,
                         "[None]": [None]}.items():
        case("Regimen", label, lambda v=value: hpg.Regimen(v), "error", "regimen", "dose")
    case("Regimen", "one Dose, not in a list", lambda: hpg.Regimen(dose), "either", "regimen", "dose")
    case("Regimen", "None", lambda: hpg.Regimen(None), "either", "regimen", "dose")
    case("Regimen", "1001 doses", lambda: hpg.Regimen([dose] * 1001), "error", "dose")
    case("Regimen", "two esters over weekly max", lambda: hpg.Regimen(
        [dose.__class__("testosterone_enanthate", 300, 7), dose.__class__("testosterone_cypionate", 300, 7)]),
         "error", "week")
    case("Regimen", "generator of doses", lambda: hpg.Regimen(d for d in [dose]), "ok", "regimen")
    case("Regimen.__add__", "+ 5", lambda: hpg.Regimen([dose]) + 5, "error", "regimen")
    case("Regimen.from_dict", "extra key", lambda: hpg.Regimen.from_dict({"doses": [], "x": 1}), "error", "x")
    case("Regimen.from_dict", "doses not list", lambda: hpg.Regimen.from_dict({"doses": "x"}), "error", "doses")
    case("Regimen.from_dict", "[]", lambda: hpg.Regimen.from_dict([]), "error", "regimen")
    regimen = hpg.Regimen([dose])
    for label, value in {**NOT_FINITE, "-1": -1, "'x'": "x"}.items():
        case("Regimen.last_dose_day", f"days={label}", lambda v=value: regimen.last_dose_day(v), "error", "days")
        case("Regimen.count", f"days={label}", lambda v=value: regimen.count(v), "error", "days")
    case("Regimen.doses_of", "drug=5", lambda: regimen.doses_of(5), "error", "drug")


def simulate_cases():
    trt = hpg.Regimen([hpg.Dose("testosterone_enanthate", 100, every_days=7, stop_day=70)])
    numbers_for("simulate", "days", lambda v: hpg.simulate(trt, days=v), low=1, high=365 * 30, integer=True)
    numbers_for("simulate", "step_days", lambda v: hpg.simulate(trt, days=30, step_days=v, sample_every=1),
                low=None, high=1, names=("step_days",))
    numbers_for("simulate", "sample_every", lambda v: hpg.simulate(trt, days=30, sample_every=v), low=None,
                high=None, allow_none=True, names=("sample_every",))  # the default None: daily
    for label, value in {"'trt'": "trt", "[dose]": list(trt), "dose": trt.doses[0], "5": 5, "{}": {}}.items():
        case("simulate", f"regimen={label}", lambda v=value: hpg.simulate(v, days=30),
             "either" if label in ("[dose]", "dose") else "error", "regimen")
    for label, value in {"{'age': 30}": {"age": 30}, "'old'": "old", "5": 5}.items():
        case("simulate", f"patient={label}", lambda v=value: hpg.simulate(trt, days=30, patient=v), "error", "patient")
    case("simulate", "parameters={}", lambda: hpg.simulate(trt, days=30, parameters={}), "error", "parameters")
    case("simulate", "days=1, step 1", lambda: hpg.simulate(trt, days=1, step_days=1), "ok", "days")
    case("simulate", "days=30 sample_every=7", lambda: hpg.simulate(trt, days=30, sample_every=7), "error",
         "days", "sample_every")
    case("simulate", "every_days and sample_every", lambda: hpg.simulate(trt, days=30, every_days=2, sample_every=1),
         "error", "every_days", "sample_every")
    case("simulate", "every_days and sample_every agreeing",
         lambda: hpg.simulate(trt, days=30, every_days=1, sample_every=1), "error", "every_days", "sample_every")
    case("simulate", "every_days alone (deprecated)", lambda: hpg.simulate(trt, days=30, every_days=2), "ok",
         "every_days")
    case("simulate", "grid too large", lambda: hpg.simulate(trt, days=3650, step_days=1 / 1440), "error",
         "step", "grid", "days")
    case("simulate", "10 years of minute pulses",
         lambda: hpg.simulate(hpg.Regimen([hpg.Dose("gonadorelin", 0.1, 1 / 1440)]), days=3650), "error",
         "dose", "event")
    for variable in ("testosterone", "sperm"):
        for drug, amount, every in (("testosterone_enanthate", 500, 7), ("testosterone_undecanoate", 1000, 17.5),
                                    ("hcg", 10000, 6), ("testosterone_gel", None, 1)):
            if amount is None:
                amount = hpg.DRUGS[drug].max_amount
            case("simulate", f"largest legal {drug} ({variable} bounded)",
                 lambda d=drug, a=amount, e=every, v=variable: _bounded(hpg.simulate(
                     hpg.Regimen([hpg.Dose(d, a, e)]), days=365)[v], v), "either", "amount", "week")
    case("Result[]", "'nope'", lambda: hpg.simulate(days=10)["nope"], "error", "nope", "variable")
    case("Result[]", "5", lambda: hpg.simulate(days=10)[5], "error", "variable", "name")
    for label, value in {**NOT_FINITE, "-1": -1, "11": 11, "'x'": "x"}.items():
        case("Result.at", f"day={label}", lambda v=value: hpg.simulate(days=10).at(v), "error", "day")
    case("Result.relative", "'nope'", lambda: hpg.simulate(days=10).relative("nope"), "error", "nope", "variable")


def _bounded(values, variable):
    top = {"testosterone": 5000, "sperm": 300}[variable]
    if np.nanmax(values) > top:
        raise AssertionError(f"{variable} reaches {np.nanmax(values):.0f}, above the physical bound {top}")
    return values


def cohort_cases():
    trt = hpg.Regimen([hpg.Dose("testosterone_enanthate", 100, every_days=7, stop_day=70)])
    run = lambda **kw: hpg.simulate_cohort(trt, **{"n": 5, "days": 30, "progress": False, **kw})  # noqa: E731
    numbers_for("simulate_cohort", "n", lambda v: run(n=v), low=1, high=None, integer=True)
    numbers_for("simulate_cohort", "seed", lambda v: run(seed=v), low=0, high=None, integer=True, allow_none=True,
                huge_ok=True)  # numpy takes any whole number >= 0 as a seed
    numbers_for("simulate_cohort", "days", lambda v: run(days=v), low=1, high=None, integer=True)
    case("simulate_cohort", "n=10**7", lambda: run(n=10 ** 7), "error", "n", "patients")
    for label, value in {"{'age': 200}": {"age": 200}, "{'age': nan}": {"age": float("nan")},
                         "{'nope': 1}": {"nope": 1}, "[1]": [1], "{'age': '30'}": {"age": "30"}}.items():
        case("simulate_cohort", f"fixed={label}", lambda v=value: run(fixed=v), "error", "fixed", "age", "nope")
    import pandas as pd

    for label, value in {"[]": [], "empty frame": pd.DataFrame(), "'x'": "x",
                         "age nan": pd.DataFrame({"age": [float("nan")]}),
                         "age text": pd.DataFrame({"age": ["x"]})}.items():
        case("simulate_cohort", f"patients={label}", lambda v=value: run(patients=v), "error", "patients", "age")
    case("simulate_cohort", "progress='yes'", lambda: run(progress="yes"), "error", "progress")
    cohort = run()
    for label, value in {"'nope'": "nope", "5": 5}.items():
        case("Cohort[]", label, lambda v=value: cohort[v], "error", "variable", "nope", "name")
        case("Cohort.relative", label, lambda v=value: cohort.relative(v), "error", "variable", "nope", "name")
    for label, value in {"[]": [], "[nan]": [float("nan")], "[1.5]": [1.5], "[-0.1]": [-0.1], "'x'": "x",
                         "[0.001, 0.002]": [0.001, 0.002], "[0.5, 0.5]": [0.5, 0.5], "0.5": 0.5,
                         "[[0.5]]": [[0.5]]}.items():
        case("Cohort.quantiles", f"q={label}", lambda v=value: cohort.quantiles("lh", v),
             "either" if label == "[0.001, 0.002]" else "error", "q")
    case("Cohort.share", "no threshold", lambda: cohort.share("lh"), "error", "below", "at_least")
    case("Cohort.share", "both thresholds", lambda: cohort.share("lh", below=1, at_least=1), "error", "below")
    for label, value in {**NOT_FINITE, "'1'": "1", "True": True}.items():
        case("Cohort.share", f"below={label}", lambda v=value: cohort.share("lh", below=v), "error", "below")
    for label, value in {"-1": -1, "5": 5, "1.5": 1.5, "'0'": "0", "True": True, "nan": float("nan")}.items():
        case("Cohort.result", f"index={label}", lambda v=value: cohort.result(v), "error", "index")
        case("Cohort.patient", f"index={label}", lambda v=value: cohort.patient(v), "error", "index")
    return cohort


def labs_cases():
    result = hpg.simulate(hpg.Regimen([hpg.Dose("testosterone_enanthate", 100, 7, stop_day=70)]), days=100)
    numbers_for("lab_report", "day", lambda v: hpg.lab_report(result, v), low=0, high=100)
    numbers_for("lab_report", "semen_volume", lambda v: hpg.lab_report(result, 10, semen_volume=v), low=None,
                high=20, allow_none=True)
    case("lab_report", "semen_volume=0", lambda: hpg.lab_report(result, 10, semen_volume=0), "error", "semen_volume")
    case("lab_report", "result=None", lambda: hpg.lab_report(None, 10), "error", "result")
    case("lab_report", "result=cohort", lambda: hpg.lab_report(COHORT, 10), "error", "result", "cohort")
    case("lab_report", "day=50.5", lambda: hpg.lab_report(result, 50.5), "either", "day")
    for label, value in {"5": 5, "'0,90'": "0,90", "[]": [], "[nan]": [float("nan")], "[0, 200]": [0, 200],
                         "None": None, "np.array([[0]])": np.array([[0]])}.items():
        case("follow_up", f"days={label}", lambda v=value: hpg.follow_up(result, v), "error", "days", "day")
    case("follow_up", "days=range(0, 101, 50)", lambda: hpg.follow_up(result, range(0, 101, 50)), "ok", "days")


def chart_cases():
    from hpgwidgets import charts

    result = hpg.simulate(hpg.Regimen([hpg.Dose("testosterone_enanthate", 100, 7, stop_day=70)]), days=100)
    for label, value in {"cohort": COHORT, "'x'": "x", "None": None, "{}": {}}.items():
        case("charts.timeseries_chart", f"result={label}", lambda v=value: charts.timeseries_chart(v), "error",
             "result")
    case("charts.timeseries_chart", "compare='x'", lambda: charts.timeseries_chart(result, compare="x"), "error",
         "compare")
    numbers_for("charts.timeseries_chart", "cursor_day", lambda v: charts.timeseries_chart(result, cursor_day=v),
                low=0, high=None)
    for label, value in {"['nope']": ["nope"], "'lh'": "lh", "[]": [], "[5]": [5], "None": None}.items():
        case("charts.timeseries_chart", f"variables={label}", lambda v=value: charts.timeseries_chart(result, v),
             "error", "variables", "variable")
    for label, value in {"(50, 10)": (50, 10), "(nan, 10)": (float("nan"), 10), "5": 5,
                         "'x'": "x", "(1, 2, 3)": (1, 2, 3), "(-5, 10)": (-5, 10)}.items():
        case("charts.timeseries_chart", f"window_days={label}",
             lambda v=value: charts.timeseries_chart(result, window_days=v), "error", "window_days", "window")
    # a window reaching past the run shows the run and empty time after it (a lesson's fixed window)
    case("charts.timeseries_chart", "window_days=(0, 1000)", lambda: charts.timeseries_chart(result, window_days=(0, 1000)),
         "either", "window_days")
    for label, value in {"0": 0, "-1": -1, "2.5": 2.5, "'2'": "2", "100": 100}.items():
        case("charts.timeseries_chart", f"columns={label}", lambda v=value: charts.timeseries_chart(result, columns=v),
             "error", "columns")
    for label, value in {"nan": float("nan"), "'x'": "x", "-10": -10, "1e9": 1e9}.items():
        case("charts.timeseries_chart", f"origin_day={label}",
             lambda v=value: charts.timeseries_chart(result, origin_day=v), "error", "origin_day")
    case("charts.timeseries_chart", "heading=5", lambda: charts.timeseries_chart(result, heading=5), "error", "heading")
    case("charts.timeseries_chart", "names=('a',)", lambda: charts.timeseries_chart(result, names=("a",)), "error",
         "names")
    for label, value in {"'nope'": "nope", "5": 5}.items():
        case("charts.reference_band_frame", label, lambda v=value: charts.reference_band_frame(v), "error",
             "variable")
        # a label of any name (the axis of a variable without a label, a drug id without a name) is legal
        case("charts.variable_title", label, lambda v=value: charts.variable_title(v),
             "either" if label == "'nope'" else "error", "variable")
        case("charts.drug_label", label, lambda v=value: charts.drug_label(v),
             "either" if label == "'nope'" else "error", "drug")
    for label, value in {"nan": float("nan"), "-1": -1, "'x'": "x", "1e308": 1e308}.items():
        case("charts.treatment_frame", f"days={label}", lambda v=value: charts.treatment_frame(result.regimen, v),
             "error", "days")
        case("charts.dose_frame", f"days={label}", lambda v=value: charts.dose_frame(result.regimen, v), "error",
             "days")
    case("charts.treatment_frame", "regimen='x'", lambda: charts.treatment_frame("x", 10), "error", "regimen")
    chart = charts.timeseries_chart(result, ["lh"])
    folder = Path(tempfile.mkdtemp())
    for label, kwargs in {"formats=['gif']": {"formats": ["gif"]}, "formats='png'": {"formats": "png"},
                          "formats=[]": {"formats": []}, "name='../x'": {"name": "../x"}, "name=''": {"name": ""},
                          "name=5": {"name": 5}, "scale_factor=nan": {"scale_factor": float("nan")},
                          "scale_factor=-1": {"scale_factor": -1}, "scale_factor=1e6": {"scale_factor": 1e6},
                          "folder=file": {"folder": __file__}, "folder=None": {"folder": None}}.items():
        arguments = {"folder": folder, "formats": ["svg"], **kwargs}
        case("charts.export_chart", label, lambda a=arguments: charts.export_chart(chart, **a), "error",
             *[key for key in kwargs] + ["format", "name", "folder"])
    case("charts.export_chart", "chart='x'", lambda: charts.export_chart("x", folder, formats=["svg"]), "error",
         "chart")
    from hpgwidgets import diagram

    for label, value in {"nan": float("nan"), "-1": -1, "101": 101, "'x'": "x"}.items():
        case("diagram.axis_diagram", f"day={label}", lambda v=value: diagram.axis_diagram(result, v), "error", "day")
    case("diagram.axis_diagram", "result='x'", lambda: diagram.axis_diagram("x", 1), "error", "result")


def scenario_cases():
    trt = hpg.Regimen([hpg.Dose("testosterone_enanthate", 100, 7, stop_day=70)])
    good = hpg.Scenario(trt, title="t").to_dict()
    for label, kwargs in {"regimen='x'": {"regimen": "x"}, "patient={}": {"regimen": trt, "patient": {}},
                          "title=5": {"regimen": trt, "title": 5}, "notes=None": {"regimen": trt, "notes": None},
                          "title=lone surrogate": {"regimen": trt, "title": "\ud800"},
                          "view={'days': 0}": {"regimen": trt, "view": {"days": 0}},
                          "view={'days': 1e9}": {"regimen": trt, "view": {"days": 10 ** 9}},
                          "view={'days': True}": {"regimen": trt, "view": {"days": True}},
                          "view={'variables': 'lh'}": {"regimen": trt, "view": {"variables": "lh"}},
                          "view={'variables': [5]}": {"regimen": trt, "view": {"variables": [5]}},
                          "view={'variables': [['lh']]}": {"regimen": trt, "view": {"variables": [["lh"]]}},
                          "view=[]": {"regimen": trt, "view": []}}.items():
        case("Scenario", label, lambda k=kwargs: hpg.Scenario(**k), "error", list(kwargs)[-1], "view", "days",
             "variables")
    scenario = hpg.Scenario(trt)
    case("Scenario.replace", "title=5", lambda: scenario.replace(title=5), "error", "title")
    case("Scenario.replace", "nope=1", lambda: scenario.replace(nope=1), "error", "nope")
    bad_dicts = {
        "version 1e400": {**good, "version": float("inf")}, "version '1'": {**good, "version": "1"},
        "version 2": {**good, "version": 2}, "version True": {**good, "version": True},
        "format x": {**good, "format": "x"}, "format missing": {k: v for k, v in good.items() if k != "format"},
        "regimen list": {**good, "regimen": []}, "patient age text": {**good, "patient": {"age": "x"}},
        "patient age nan": {**good, "patient": {"age": float("nan")}}, "extra field": {**good, "x": 1},
        "view extra": {**good, "view": {"x": 1}}, "doses of text": {**good, "regimen": {"doses": ["x"]}},
        "dose extra key": {**good, "regimen": {"doses": [{**good["regimen"]["doses"][0], "x": 1}]}},
        "dose amount nan": {**good, "regimen": {"doses": [{**good["regimen"]["doses"][0], "amount": float("nan")}]}},
        "title list": {**good, "title": ["x"]}, "top list": [], "top None": None,
    }
    for label, data in bad_dicts.items():
        case("Scenario.from_dict", label, lambda d=data: hpg.Scenario.from_dict(d), "error", "field", "version",
             "format", "regimen", "patient", "view", "dose", "title", "scenario", "age", "amount", "x")
    folder = Path(tempfile.mkdtemp())
    files = {"empty": b"", "not json": b"{", "binary": bytes(range(256)), "list": b"[]",
             "deep": b"[" * 100_000 + b"]" * 100_000, "huge number": b'{"format": 1e999999}',
             "latin-1": '{"title": "caf\xe9"}'.encode("latin-1"), "BOM": b"\xef\xbb\xbf" + json.dumps(good).encode(),
             "nan": json.dumps({**good, "patient": {"age": "NaN"}}).replace('"NaN"', "NaN").encode(),
             "duplicate keys": b'{"format": "x", "format": "y"}'}
    for label, content in files.items():
        path = folder / f"{label}.json"
        path.write_bytes(content)
        case("Scenario.load", label, lambda p=path: hpg.Scenario.load(p), "ok" if label == "BOM" else "error",
             str(path).lower(), path.name.lower(), "scenario")
    fifo = folder / "pipe.json"
    os.mkfifo(fifo)
    for label, path in {"fifo": fifo, "folder": folder, "missing": folder / "none.json", "''": "",
                        "/dev/zero": "/dev/zero", "5": 5, "None": None, "b'x'": b"x"}.items():
        case("Scenario.load", label, lambda p=path: hpg.Scenario.load(p), "error", str(path).lower(), "path",
             "scenario")
    for label, path in {"''": "", "folder": folder, "missing folder": folder / "no" / "x.json", "5": 5,
                        "None": None, "/proc/x.json": "/proc/x.json", "fifo": fifo}.items():
        case("Scenario.save", label, lambda p=path: scenario.save(p), "error", str(path).lower(), "path",
             "scenario")
    case("Scenario.save", "txt suffix", lambda: scenario.save(folder / "a.txt"), "either", "path")
    for label, value in {"'nope'": "nope", "5": 5, "'../trt_alone'": "../trt_alone", "''": ""}.items():
        case("load_scenario", label, lambda v=value: hpg.load_scenario(v), "error", "name", "scenario")


def workbench_cases():
    from hpgwidgets.workbench import mapping

    # the interval sliders widen to hold any interval the model accepts (a value from a file)
    checks = {"age": (18, 90, True), "window_weeks": (4, 208, True), "trt_weeks": (0, 156, True),
              "recovery_weeks": (1, 52, True), "recovery_start": (0, 156, True),
              "trt_every_days": (None, None, False), "hcg_every_days": (None, None, False)}
    for name, (low, high, integer) in checks.items():
        numbers_for("Workbench", name, lambda v, n=name: hpg.Workbench(**{n: v}), low=low, high=high,
                    integer=integer)
    for name in ("trt_drug", "low_testosterone_origin", "hcg_timing", "gonadorelin_mode"):
        for label, value in {"'nope'": "nope", "5": 5, "None": None, "'HCG'": "HCG"}.items():
            case("Workbench", f"{name}={label}", lambda v=value, n=name: hpg.Workbench(**{n: v}), "error", name)
    for name in ("hcg", "clomiphene"):
        for label, value in {"'yes'": "yes", "1": 1, "None": None, "np.bool_(True)": np.bool_(True)}.items():
            case("Workbench", f"{name}={label}", lambda v=value, n=name: hpg.Workbench(**{n: v}),
                 "either" if label == "np.bool_(True)" else "error", name)
    for name in ("trt_dose", "hcg_dose", "baseline_testosterone", "baseline_sperm"):
        for label, value in {"'200'": "200", "nan": float("nan"), "-5": -5, "1e9": 1e9, "True": True}.items():
            case("Workbench", f"{name}={label}", lambda v=value, n=name: hpg.Workbench(**{n: v}), "error", name)
        # a dose off the slider's ladder widens the ladder (a value from a file); a baseline off its choices cannot
        case("Workbench", f"{name}=123", lambda n=name: hpg.Workbench(**{n: 123}),
             "either" if name.endswith("_dose") else "error", name)
    case("Workbench", "nope=1", lambda: hpg.Workbench(nope=1), "error", "nope")
    case("Workbench", "cursor_day=-5", lambda: hpg.Workbench(cursor_day=-5), "error", "cursor_day")
    case("Workbench", "cursor_day=10**6", lambda: hpg.Workbench(cursor_day=10 ** 6), "error", "cursor_day")
    bench = hpg.Workbench()
    for label, values in {"[]": [], "{'age': 200}": {"age": 200}, "{'nope': 1}": {"nope": 1},
                          "None": None,
                          "{'window_weeks': 4, 'cursor_day': 200}": {"window_weeks": 4, "cursor_day": 200}}.items():
        case("Workbench.set_values", label, lambda v=values: bench.settings.set_values(v), "error", "values", "age",
             "nope", "trt_dose", "cursor_day")
    for name, value in {"age": 200, "age ": 45.5, "window_weeks": 1000, "trt_weeks": -1, "hcg_dose": "x",
                        "trt_drug": "hcg", "hcg": "yes", "cursor_day": -5}.items():
        case("Workbench.controls[].value", f"{name.strip()}={value!r}",
             lambda n=name.strip(), v=value: setattr(bench.controls[n], "value", v), "error", name.strip())
    case("Workbench.apply_scenario", "'trt_alone'", lambda: bench.apply_scenario("trt_alone"), "error", "scenario")
    case("Workbench.apply_scenario", "gonadorelin hourly scenario", lambda: bench.apply_scenario(
        hpg.Scenario(hpg.Regimen([hpg.Dose("gonadorelin", 1, 1 / 24)]))), "error", "scenario", "controls")
    case("Workbench.export", "formats=['gif']", lambda: bench.export(formats=["gif"]), "error", "format")
    case("mapping.regimen_of", "{}", lambda: mapping.regimen_of({}), "error", "values", "trt")


def calibration_cases():
    from hpgwidgets import calibration

    for label, value in {"[]": [], "'nope'": "nope", "5": 5, "['nope']": ["nope"], "[5]": [5]}.items():
        case("calibration.evaluate", label, lambda v=value: calibration.evaluate(v), "error", "observation")
    for label, value in {"'nope'": "nope", "5": 5, "None": None}.items():
        case("calibration.measure", label, lambda v=value: calibration.measure(v), "error", "observation")
        case("calibration.shortfall", label, lambda v=value: calibration.shortfall(v), "error", "observation")
        case("calibration.observation_by_id", label, lambda v=value: calibration.observation_by_id(v), "error",
             "observation", "id")
    case("calibration.measure", "parameters={}", lambda: calibration.measure(
        calibration.load_observations()[0], {}), "error", "parameters")
    case("calibration.evaluate", "parameters='x'", lambda: calibration.evaluate(None, "x"), "error", "parameters")


def fit_cases():
    from hpgwidgets import fit

    for label, argv in {"--max-evaluations 0": ["--max-evaluations", "0"],
                        "--max-evaluations x": ["--max-evaluations", "x"],
                        "--max-evaluations -5": ["--max-evaluations", "-5"],
                        "--cross-validate 1": ["--cross-validate", "1"],
                        "--cross-validate -2": ["--cross-validate", "-2"],
                        "--cross-validate 1000": ["--cross-validate", "1000", "--max-evaluations", "1"],
                        "--nope": ["--nope"]}.items():
        case("fit.main", label, lambda a=argv: _usage_error(fit.main, a), "error", "--max-evaluations",
             "--cross-validate", "--nope", "usage", "argument")


def _usage_error(main, argv):
    """argparse exits with status 2 and a usage line: a clear refusal (as ValueError here)."""
    import contextlib
    import io

    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        try:
            main(argv)
        except SystemExit as leaving:
            if leaving.code == 2:
                raise ValueError(stderr.getvalue().strip().splitlines()[-1]) from None
            raise
    return "ran"


def recovery_cases():
    from hpgwidgets import recovery

    cohort = COHORT
    for label, value in {"'x'": "x", "result": hpg.simulate(days=10), "None": None}.items():
        for name in ("suppression", "azoospermia", "sperm_recovery", "testosterone_recovery"):
            case(f"recovery.{name}", f"cohort={label}", lambda v=value, n=name: getattr(recovery, n)(v), "error",
                 "cohort")
    for label, value in {**NOT_FINITE, "-1": -1, "'1'": "1", "True": True}.items():
        case("recovery.suppression", f"threshold={label}", lambda v=value: recovery.suppression(cohort, v), "error",
             "threshold")
        case("recovery.sperm_recovery", f"threshold={label}", lambda v=value: recovery.sperm_recovery(cohort, v),
             "error", "threshold")
        case("recovery.sperm_recovery", f"stop_day={label}",
             lambda v=value: recovery.sperm_recovery(cohort, stop_day=v), "error", "stop_day")
    case("recovery.sperm_recovery", "stop_day=1000", lambda: recovery.sperm_recovery(cohort, stop_day=1000), "error",
         "stop_day")
    for label, kwargs in {"variable nope": {"variable": "nope", "threshold": 1, "below": True},
                          "threshold nan": {"variable": "lh", "threshold": float("nan"), "below": True},
                          "below 'yes'": {"variable": "lh", "threshold": 1, "below": "yes"},
                          "origin_day -1": {"variable": "lh", "threshold": 1, "below": True, "origin_day": -1},
                          "origin_day nan": {"variable": "lh", "threshold": 1, "below": True,
                                             "origin_day": float("nan")}}.items():
        case("recovery.time_to_threshold", label, lambda k=kwargs: recovery.time_to_threshold(cohort, **k), "error",
             *[key for key in kwargs])
    event = recovery.suppression(cohort)
    for label, kwargs in {"values short": {"values": [1, 2]}, "values nan": {"values": [float("nan")] * cohort.n},
                          "values text": {"values": ["a"] * cohort.n}, "values 5": {"values": 5},
                          "bins [1]": {"values": list(range(cohort.n)), "bins": [1]},
                          "bins unsorted": {"values": list(range(cohort.n)), "bins": [3, 1, 2]},
                          "labels short": {"values": list(range(cohort.n)), "bins": [0, 2, 5], "labels": ["a"]},
                          "name 5": {"values": list(range(cohort.n)), "name": 5}}.items():
        case("recovery.split_by", label, lambda k=kwargs: recovery.split_by(event, **k), "error",
             *[key for key in kwargs])
    case("recovery.split_by", "event='x'", lambda: recovery.split_by("x", [1] * cohort.n), "error", "event")
    for label, value in {**NOT_FINITE, "'x'": "x", "-1": -1}.items():
        case("TimeToEvent.probability_by", f"day={label}", lambda v=value: event.probability_by(v), "error", "day")
    for label, value in {"[]": [], "'x'": "x", "{'a': 'x'}": {"a": "x"}, "5": 5}.items():
        case("recovery.recovery_chart", f"events={label}", lambda v=value: recovery.recovery_chart(v), "error",
             "events", "event")
    for label, kwargs in {"width=0": {"width": 0}, "width=nan": {"width": float("nan")},
                          "title=5": {"title": 5}, "published='no'": {"published": "no"}}.items():
        case("recovery.recovery_chart", label, lambda k=kwargs: recovery.recovery_chart(event, **k), "error",
             *[key for key in kwargs])
    for label, value in {"['nope']": ["nope"], "'x'": "x", "5": 5}.items():
        case("recovery.compare_with_published", f"sources={label}",
             lambda v=value: recovery.compare_with_published(cohort, v), "error", "sources", "source")
    case("TimeToEvent.subset", "mask short", lambda: event.subset([True], "x"), "error", "mask")


def misc_cases():
    from hpgwidgets import summary

    for label, value in {"['nope']": ["nope"], "'nope'": "nope", "5": 5, "[5]": [5]}.items():
        case("citations_text", label, lambda v=value: hpg.citations_text(v), "error", "keys", "key", "nope")
    for label, value in {"'nope'": "nope", "5": 5}.items():
        case("cite", label, lambda v=value: hpg.cite(v), "error", "key", "nope")
        case("reference_range", label, lambda v=value: hpg.reference_range(v), "error", "variable", "nope")
    case("ParameterSet", "{}", lambda: hpg.ParameterSet({}), "error", "parameter", "missing")
    default = hpg.ParameterSet.default()
    for label, changes in {"{'nope': 1}": {"nope": 1}, "{'feedback_hill': 'x'}": {"feedback_hill": "x"},
                           "{'feedback_hill': nan}": {"feedback_hill": float("nan")},
                           "{'feedback_hill': -1}": {"feedback_hill": -1},
                           "{'nope.ec50': 1}": {"nope.ec50": 1}, "{'clomiphene.nope': 1}": {"clomiphene.nope": 1},
                           "{'hcg.elimination_half_life': 3}": {"hcg.elimination_half_life": 3},
                           "{'clomiphene.ec50': 5000}": {"clomiphene.ec50": 5000},
                           "{'feedback_hill': True}": {"feedback_hill": True},
                           "{'feedback_hill': 10**400}": {"feedback_hill": 10 ** 400},
                           "{5: 1}": {5: 1}, "[('feedback_hill', 2)]": [("feedback_hill", 2)],
                           "'x'": "x"}.items():
        case("ParameterSet.replace", label, lambda c=changes: default.replace(c), "error", "parameter", "nope",
             "feedback_hill", "changes", "clomiphene")
    case("ParameterSet.replace", "{'clomiphene.ec50': 20} (its lower bound)",
         lambda: default.replace({"clomiphene.ec50": 20}), "ok", "clomiphene")
    for label, value in {"nan": float("nan"), "inf": float("inf"), "'x'": "x", "-1": -1}.items():
        case("summary.duration", label, lambda v=value: summary.duration(v), "error", "days", "duration")
        case("summary.percent", label, lambda v=value: summary.percent(v), "error", "ratio", "percent")
        case("summary.sperm_phrase", label, lambda v=value: summary.sperm_phrase(v), "error", "concentration", "sperm")
        case("summary.testosterone_phrase", label, lambda v=value: summary.testosterone_phrase(v), "error",
             "value", "testosterone")


def text_cases():
    """The second sweep (this sitting): sentences, tables, conversions, paths and Workbench methods."""
    from hpgwidgets import calibration, summary, units

    trt = hpg.Regimen([hpg.Dose("testosterone_enanthate", 200, 7, stop_day=60)])
    result = hpg.simulate(trt, days=90)
    bad = {**NOT_FINITE, "-1": -1, "'x'": "x", "None": None, "True": True, "[1]": [1], "array": np.array([1.0, 2.0])}
    for label, value in bad.items():
        case("summary.relation", f"value={label}", lambda v=value: summary.relation(v, 1.0),
             "either" if label == "-1" else "error", "value")
        case("summary.relation", f"reference={label}", lambda v=value: summary.relation(1.0, v),
             "either" if label == "-1" else "error", "reference")
        case("summary.relation", f"tolerance={label}", lambda v=value: summary.relation(1.0, 1.0, tolerance=v),
             "error", "tolerance")
        case("summary.drugs_on_day", f"day={label}", lambda v=value: summary.drugs_on_day(trt, v, 90), "error", "day")
        case("summary.chart_key", f"cursor_day={label}", lambda v=value: summary.chart_key(["lh"], cursor_day=v),
             "either" if label == "None" else "error", "cursor_day")
        case("units.testosterone_ng_dl_to_nmol_l", label, lambda v=value: units.testosterone_ng_dl_to_nmol_l(v),
             "either" if label in ("array", "[1]") else "error", "ng_per_dl")  # array-like: converted whole
        case("Dose.end", label, lambda v=value: trt.doses[0].end(v), "error", "days")
    case("summary.percent", "1e308", lambda: summary.percent(1e308), "error", "ratio")
    for label, value in {"0": 0, "-1": -1, "'x'": "x", "nan": float("nan")}.items():
        case("units.testosterone_ng_dl_to_nmol_l", f"molar_mass={label}",
             lambda v=value: units.testosterone_ng_dl_to_nmol_l(100, v), "error", "molar_mass")
    for label, call in {"summary.chart_key('lh')": lambda: summary.chart_key("lh"),
                        "summary.chart_key(['nope'])": lambda: summary.chart_key(["nope"]),
                        "summary.chart_key(names=('a',))": lambda: summary.chart_key(["lh"], names=("a",)),
                        "summary.chart_key(log_variables=5)": lambda: summary.chart_key(["lh"], log_variables=5),
                        "summary.summary_text('x', 10)": lambda: summary.summary_text("x", 10),
                        "summary.summary_text(compare='x')": lambda: summary.summary_text(result, 10, compare="x"),
                        "summary.summary_text(names=5)": lambda: summary.summary_text(result, 10, names=5),
                        "summary.drugs_on_day('x', 1, 90)": lambda: summary.drugs_on_day("x", 1, 90),
                        "summary.reference_table('lh')": lambda: summary.reference_table("lh"),
                        "summary.reference_table(None)": lambda: summary.reference_table(None),
                        "summary.catalogue_table('hcg')": lambda: summary.catalogue_table("hcg"),
                        "summary.kinetics_table(5)": lambda: summary.kinetics_table(5),
                        "summary.readable_table(5)": lambda: summary.readable_table(5, ["lh"], index_name="x"),
                        "summary.readable_table(missing variable)":
                            lambda: summary.readable_table({"a": {"lh": 1}}, ["fsh"], index_name="x"),
                        "summary.short_reference(5)": lambda: summary.short_reference(5),
                        "summary.value_text(5, 1)": lambda: summary.value_text(5, 1)}.items():
        entry, _, argument = label.partition("(")
        case(entry, "(" + argument, call, "error", "variables", "names", "log_variables", "result", "compare",
             "regimen", "agents", "values", "key", "variable")
    for label, drugs in {"'x'": "x", "['nope']": ["nope"], "[5]": [5], "5": 5}.items():
        case("Regimen.last_dose_day", f"drugs={label}", lambda d=drugs: trt.last_dose_day(90, drugs=d), "error", "drugs")
    case("calibration.shortfall", "a row that is not a time", lambda: calibration.shortfall("travison2017_t_median"),
         "error", "observation", "shortfall")
    folder = Path(tempfile.mkdtemp(prefix="hpg-sweep-"))
    for label, path in {"NUL": "a\0b.json", "lone surrogate": "\ud800.json",
                        "name of 300 characters": folder / ("x" * 300 + ".json")}.items():
        case("Scenario.save", label, lambda p=path: hpg.Scenario(trt).save(p), "error", "path", str(folder)[:20])
        case("Scenario.load", label, lambda p=path: hpg.Scenario.load(p), "error", "path", str(folder)[:20])
    from hpgwidgets import recovery

    event = recovery.sperm_recovery(COHORT)
    case("recovery.published_points", "'x'", lambda: recovery.published_points("x"), "error", "event")
    case("recovery.treatment_window", "'x'", lambda: recovery.treatment_window("x"), "error", "regimen")
    case("recovery.compare_with_published", "sources=[]", lambda: recovery.compare_with_published(COHORT, []),
         "error", "sources")
    case("recovery.split_by", "bins holding no man", lambda: recovery.split_by(event, [1.0] * COHORT.n, bins=[10, 20]),
         "error", "bins")
    wb = hpg.Workbench()
    for label, value in {"'dose'": "dose", "5": 5}.items():
        case("Workbench.controls_value", label, lambda v=value: wb.controls_value(v), "error", "name")
    for label, value in {"'png'": "png", "None": None, "[]": [], "['gif']": ["gif"], "5": 5}.items():
        case("Workbench.export", f"formats={label}", lambda v=value: wb.export(v), "error", "formats")


# --------------------------------------------------------------------------- classing
def bad_numbers(value, depth=0) -> str | None:
    """Where ``value`` holds a NaN or infinity (None if nowhere)."""
    import pandas as pd

    if depth > 4:
        return None
    if isinstance(value, (float, np.floating)):
        return None if math.isfinite(value) else repr(value)
    if isinstance(value, np.ndarray) and value.dtype.kind in "fc":
        return None if np.all(np.isfinite(value)) else "array with NaN/inf"
    if isinstance(value, pd.DataFrame):
        if "result" in value:   # a lab sheet: what the model does not simulate has no value (NaN), and says so
            value = value[value["result"] != "not modelled"]
        numeric = value.select_dtypes("number")
        return None if np.all(np.isfinite(numeric.to_numpy(dtype=float))) else "frame with NaN/inf"
    if isinstance(value, str):
        words = value.replace("(", " ").replace(")", " ").split()
        return next((word for word in words if word.strip(".,;:").lower() in ("nan", "inf", "-inf")), None)
    if isinstance(value, dict):
        return next((found for item in value.values() if (found := bad_numbers(item, depth + 1))), None)
    if isinstance(value, (list, tuple)):
        return next((found for item in value[:200] if (found := bad_numbers(item, depth + 1))), None)
    if isinstance(value, hpg.simulation.TimeSeries):
        return next((f"{name}: {found}" for name in value.variables if (found := bad_numbers(value[name], depth + 1))),
                    None)
    if hasattr(value, "to_frame"):
        return bad_numbers(value.to_frame(), depth + 1)
    if hasattr(value, "to_dict") and type(value).__module__.startswith("altair"):
        return bad_numbers(json.dumps(value.to_dict(validate=False)).replace('"', " "), depth + 1)
    return None


def run_case(item: Case) -> tuple[str, str]:
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(TIME_LIMIT_S)
    try:
        value = item.call()
    except Hang:
        return "hang", f"no answer in {TIME_LIMIT_S} s"
    except (TypeError, ValueError) as problem:
        message = str(problem)
        if item.expect == "ok":
            return "unclear", f"legal input refused: {type(problem).__name__}: {message[:200]}"
        if type(problem).__name__ in ("JSONDecodeError",) or not any(name in message.lower() for name in item.names) \
                or len(message) < 15:
            return "unclear", f"{type(problem).__name__}: {message[:200]}"
        return "clear", f"{type(problem).__name__}: {message[:160]}"
    except OSError as problem:
        # a file that cannot be read or written: clear when it names the user's path
        message = str(problem)
        if item.expect != "ok" and any(name in message.lower() for name in item.names if len(name) > 3):
            return "clear", f"{type(problem).__name__}: {message[:160]}"
        return "unclear", f"raw {type(problem).__name__}: {message[:160]}"
    except Exception as problem:  # noqa: BLE001 - any other exception is what the sweep looks for
        where = traceback.extract_tb(problem.__traceback__)[-1]
        return "unclear", (f"raw {type(problem).__name__}: {str(problem)[:160]} "
                           f"({Path(where.filename).name}:{where.lineno})")
    finally:
        signal.alarm(0)
    if item.expect == "error":
        return "garbage", f"accepted, gave {type(value).__name__} {repr(value)[:100]}"
    found = bad_numbers(value)
    if found:
        return "garbage", f"result holds {found}"
    return "correct", f"{type(value).__name__}"


COHORT = None


def build_cases():
    global COHORT
    COHORT = hpg.simulate_cohort(hpg.Regimen([hpg.Dose("testosterone_enanthate", 100, 7, stop_day=70)]), n=5,
                                 days=200, progress=False)
    for builder in (patient_cases, dose_cases, regimen_cases, simulate_cases, cohort_cases, labs_cases, chart_cases,
                    scenario_cases, workbench_cases, calibration_cases, fit_cases, recovery_cases, misc_cases,
                    text_cases):
        builder()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list every case")
    parser.add_argument("--only", default="", help="only entry points starting with this")
    arguments = parser.parse_args(argv)
    build_cases()
    counts = dict.fromkeys(("clear", "correct", "unclear", "garbage", "hang"), 0)
    bad = []
    for item in CASES:
        if not item.entry.startswith(arguments.only):
            continue
        outcome, detail = run_case(item)
        counts[outcome] += 1
        line = f"{outcome:8} {item.entry} [{item.label}] {detail}"
        if outcome not in ("clear", "correct"):
            bad.append(line)
        if arguments.verbose:
            print(line, flush=True)
    print("\n".join(bad))
    print(f"\n{sum(counts.values())} inputs: " + ", ".join(f"{count} {name}" for name, count in counts.items()))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
