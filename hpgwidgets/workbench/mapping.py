"""Control values <-> Scenario: the Workbench's rules as plain functions (no widgets).

The controls hold a flat dict of values (``default_values()`` lists every name). This
module turns such a dict into a regimen, a patient and a ``Scenario``, and a Scenario back
into the values that show it, so the rules can be read and tested without a browser.

How the values become a regimen (all days count from the first TRT dose, day 0):

- TRT: ``trt_dose`` of ``trt_drug`` every ``trt_every_days`` days for ``trt_weeks``
  weeks (0 weeks = no TRT).
- The recovery phase runs from week ``recovery_start`` (counted from day 0, so by
  default it starts the week TRT stops) for ``recovery_weeks`` weeks.
- Each recovery agent (``hcg``, ``clomiphene``, ``tamoxifen``, ``anastrozole``,
  ``gonadorelin``) is switched on by its checkbox, dosed by ``<agent>_dose`` every
  ``<agent>_every_days`` days, and given ``<agent>_timing``: with TRT, in the recovery
  phase, or both. Gonadorelin by pump pulses every 90 minutes (the catalogue's
  schedule), near-continuously (a pulse every 15 minutes) or, by injection, every
  ``gonadorelin_every_days``.
- The patient: ``age``, ``baseline_testosterone`` (with ``low_testosterone_origin``:
  testes or brain) and ``baseline_sperm`` (``TYPICAL`` lets the model use its typical
  value for that age).
- The view: ``window_weeks`` (simulated and shown).
"""
from __future__ import annotations

import math

from .. import validation
from ..patient import CHOICES as PATIENT_CHOICES
from ..patient import Patient
from ..pharmacology import DRUGS, testosterone_drugs
from ..regimen import Dose, Regimen
from ..scenario import Scenario

TRT_DRUGS = testosterone_drugs()
AGENTS = ("hcg", "clomiphene", "tamoxifen", "anastrozole", "gonadorelin")
WITH_TRT, RECOVERY, BOTH = "with_trt", "recovery", "both"
DEFAULT_TIMING = {"hcg": WITH_TRT}  # the others default to the recovery phase
PUMP, INJECTION, CONTINUOUS = "pump", "injection", "continuous"
# A pulse every 15 minutes: pulses merge into near-continuous exposure (the desensitising case).
GONADORELIN_CONTINUOUS_EVERY_DAYS = 1 / 96
GONADORELIN_INJECTION_EVERY_DAYS = 1.0  # starting point of the injection interval: daily

# Ranges of the controls: display choices, not model parameters (the model rejects what it
# considers absurd, and the Workbench says so). Doses are rungs of a ladder in multiples of
# the catalogue's typical dose, so the usual doses of every formulation use most of the
# slider's track (50-200 mg of enanthate: 6 of its 11 steps; a gel is never on a gram scale).
TRT_DOSE_LADDER = (0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1, 1.25, 1.5, 2, 2.5)
AGENT_DOSE_LADDER = (0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 5)
EVERY_DAYS_STEP = 0.5
TRT_EVERY_DAYS_TIMES_TYPICAL = 2  # the interval slider reaches twice the usual interval ...
TRT_EVERY_DAYS_AT_LEAST = 14.0    # ... and at least two weeks
AGENT_EVERY_DAYS_RANGE = (0.5, 14.0)
TRT_WEEKS_RANGE = (0, 156)
RECOVERY_WEEKS_RANGE = (1, 52)
WINDOW_WEEKS_RANGE = (4, 208)
AGE_RANGE = (18, 90)
TYPICAL = 0  # baseline choices: "typical for this age"
BASELINE_TESTOSTERONE_CHOICES = tuple(range(100, 1201, 10))  # ng/dL
BASELINE_SPERM_CHOICES = (0.5, 1, 2, 3, 5, 7, 10, 12, 15, 20, 25, 30, 40, 50, 64, 80, 100, 125, 150, 200)  # million/mL
BASELINE_CHOICES = {  # name: (choices, how an error message lists them)
    "baseline_testosterone": (BASELINE_TESTOSTERONE_CHOICES, "100 to 1200 ng/dL in steps of 10"),
    "baseline_sperm": (BASELINE_SPERM_CHOICES, ", ".join(map(str, BASELINE_SPERM_CHOICES)) + " million/mL")}

DEFAULT_TRT_DRUG = "testosterone_enanthate"
DEFAULT_TRT_WEEKS = 26
DEFAULT_RECOVERY_WEEKS = 12
DEFAULT_WINDOW_WEEKS = 78


def dose_choices(drug_id: str, including: float | None = None) -> tuple[float, ...]:
    """Amounts the dose slider of ``drug_id`` offers (its ladder), plus ``including`` if given."""
    drug = DRUGS[drug_id]
    ladder = TRT_DOSE_LADDER if drug_id in TRT_DRUGS else AGENT_DOSE_LADDER
    amounts = {round(rung * drug.typical_amount, 6) for rung in ladder}
    amounts = {amount for amount in amounts if amount <= drug.max_amount}
    if including is not None:
        amounts.add(float(including))
    return tuple(sorted(amounts))


def every_days_range(drug_id: str, including: float | None = None) -> tuple[float, float]:
    """(lowest, highest) interval in days the interval slider of ``drug_id`` offers."""
    if drug_id in TRT_DRUGS:
        typical = DRUGS[drug_id].typical_every_days
        low, high = EVERY_DAYS_STEP, max(TRT_EVERY_DAYS_AT_LEAST, TRT_EVERY_DAYS_TIMES_TYPICAL * typical)
    else:
        low, high = AGENT_EVERY_DAYS_RANGE
    if including is not None:
        low, high = min(low, including), max(high, including)
    return low, high


def formulation_values(drug_id: str) -> dict:
    """A new TRT formulation starts from its catalogue dose and interval."""
    drug = DRUGS[drug_id]
    return {"trt_dose": float(drug.typical_amount), "trt_every_days": float(drug.typical_every_days)}


def default_values() -> dict:
    """Every control value that shapes the scenario, at its starting value."""
    values = {"trt_drug": DEFAULT_TRT_DRUG, **formulation_values(DEFAULT_TRT_DRUG),
              "trt_weeks": DEFAULT_TRT_WEEKS, "recovery_start": DEFAULT_TRT_WEEKS,
              "recovery_weeks": DEFAULT_RECOVERY_WEEKS}
    for agent in AGENTS:
        drug = DRUGS[agent]
        values[agent] = False
        values[f"{agent}_dose"] = float(drug.typical_amount)
        values[f"{agent}_every_days"] = (GONADORELIN_INJECTION_EVERY_DAYS if agent == "gonadorelin"
                                         else float(drug.typical_every_days))
        values[f"{agent}_timing"] = DEFAULT_TIMING.get(agent, RECOVERY)
    values["gonadorelin_mode"] = PUMP
    values.update(age=int(Patient().age), baseline_testosterone=TYPICAL, low_testosterone_origin="mixed",
                  baseline_sperm=TYPICAL, window_weeks=DEFAULT_WINDOW_WEEKS)
    return values


TIMINGS = (WITH_TRT, RECOVERY, BOTH)
GONADORELIN_MODES = (PUMP, INJECTION, CONTINUOUS)
WHOLE_WEEKS = {"trt_weeks": TRT_WEEKS_RANGE, "recovery_start": (0, WINDOW_WEEKS_RANGE[1]),
               "recovery_weeks": RECOVERY_WEEKS_RANGE, "window_weeks": WINDOW_WEEKS_RANGE}
LONGEST_EVERY_DAYS = WINDOW_WEEKS_RANGE[1] * 7.0  # a longer interval gives one dose in any window shown


def check_value(name: str, value, values: dict):
    """``value`` if control ``name`` can hold it exactly, given the other ``values``.

    The one rule for every value set from Python (the Workbench's keyword arguments,
    ``Workbench.set``, a widget's ``value``): TypeError for the wrong kind, ValueError naming
    what is allowed for a value out of range or off the choices. Nothing is rounded or clamped.
    """
    if name in ("trt_drug",):
        return validation.choice(name, value, TRT_DRUGS)
    if name in AGENTS:
        return validation.flag(f"{name} (give this agent?)", value)
    if name.endswith("_dose"):
        drug = DRUGS[values["trt_drug"] if name == "trt_dose" else name.removesuffix("_dose")]
        return validation.number(name, value, low=0, high=drug.max_amount,
                                 unit=f"{drug.amount_unit} of {drug.name} per dose")
    if name.endswith("_every_days"):
        return validation.number(name, value, low=validation.MIN_DOSE_INTERVAL_DAYS, high=LONGEST_EVERY_DAYS,
                                 unit="days")
    if name.endswith("_timing"):
        return validation.choice(name, value, TIMINGS)
    if name == "gonadorelin_mode":
        return validation.choice(name, value, GONADORELIN_MODES)
    if name == "low_testosterone_origin":
        return validation.choice(name, value, PATIENT_CHOICES["low_testosterone_origin"])
    if name in WHOLE_WEEKS:
        return validation.whole_number(name, value, low=WHOLE_WEEKS[name][0], high=WHOLE_WEEKS[name][1],
                                       unit="weeks")
    if name == "age":
        return validation.whole_number(name, value, low=AGE_RANGE[0], high=AGE_RANGE[1], unit="years")
    if name in BASELINE_CHOICES:
        choices, described = BASELINE_CHOICES[name]
        value = validation.number(name, value)
        if value != TYPICAL and value not in choices:
            raise ValueError(f"{name} must be {TYPICAL} (typical for the age) or one of the Workbench's choices "
                             f"({described}); got {validation.figure(value)}")
        return value
    if name == "cursor_day":
        return validation.whole_number(name, value, low=0, high=int(window_days(values)), unit="days, the window shown")
    raise ValueError(f"unknown control {name!r}; controls are: {', '.join([*default_values(), 'cursor_day'])}")


def check_values(values: dict, current: dict) -> dict:
    """``values`` checked one by one by ``check_value`` against ``current`` updated with them."""
    validation.instance("Workbench values", values, dict, "a mapping of control name -> value")
    proposed = {**current, **values}
    for name in values:
        validation.text("a control's name", name)
    return {name: check_value(name, value, proposed) for name, value in values.items()}


def window_days(values: dict) -> float:
    return float(values["window_weeks"] * 7)


def agent_days(values: dict, agent: str) -> tuple[float, float]:
    """First and last day of ``agent``'s course, from its timing."""
    trt_end = values["trt_weeks"] * 7.0
    recovery_start = values["recovery_start"] * 7.0
    recovery_end = recovery_start + values["recovery_weeks"] * 7.0
    timing = values[f"{agent}_timing"]
    if timing == WITH_TRT:
        return 0.0, trt_end
    if timing == RECOVERY:
        return recovery_start, recovery_end
    return 0.0, max(trt_end, recovery_end)


def agent_every_days(values: dict, agent: str) -> float:
    if agent == "gonadorelin" and values["gonadorelin_mode"] == PUMP:
        return DRUGS["gonadorelin"].typical_every_days
    if agent == "gonadorelin" and values["gonadorelin_mode"] == CONTINUOUS:
        return GONADORELIN_CONTINUOUS_EVERY_DAYS
    return values[f"{agent}_every_days"]


def _complete(values: dict) -> dict:
    """``values`` if it holds every control value (``default_values()`` lists them)."""
    validation.instance("values", values, dict, "a mapping of control name -> value (see default_values())")
    validation.keys("values", values, allowed=[*default_values(), "cursor_day"], required=default_values())
    return values


def _course(prefix: str, drug: str, values: dict, every_days: float, start: float, stop: float) -> Dose:
    """One dose series; a refusal names the controls that set it (``trt_dose``, ``hcg_every_days``...)."""
    try:
        return Dose(drug, amount=values[f"{prefix}_dose"], every_days=every_days, start_day=start, stop_day=stop)
    except ValueError as problem:
        raise ValueError(f"{prefix}_dose and {prefix}_every_days: {problem}") from None


def regimen_of(values: dict) -> Regimen:
    """The regimen the values describe (see the module docstring)."""
    _complete(values)
    doses = []
    if values["trt_weeks"] > 0:
        doses.append(_course("trt", values["trt_drug"], values, values["trt_every_days"], 0.0,
                             values["trt_weeks"] * 7.0))
    for agent in AGENTS:
        start, stop = agent_days(values, agent)
        if values[agent] and stop > start:
            doses.append(_course(agent, agent, values, agent_every_days(values, agent), start, stop))
    return Regimen(doses)


def patient_of(values: dict) -> Patient:
    _complete(values)
    testosterone, sperm = values["baseline_testosterone"], values["baseline_sperm"]
    typical_testosterone = testosterone == TYPICAL
    return Patient(age=values["age"], baseline_testosterone=None if typical_testosterone else testosterone,
                   baseline_sperm=None if sperm == TYPICAL else sperm,
                   low_testosterone_origin=values["low_testosterone_origin"])


def scenario_of(values: dict, title: str = "", notes: str = "") -> Scenario:
    """What the values show, as an ``hpg.Scenario`` (regimen, patient, days shown)."""
    return Scenario(regimen_of(values), patient_of(values), view={"days": int(window_days(values))},
                    title=title, notes=notes)


def dose_events(regimen: Regimen, days: float) -> list[tuple]:
    """Every dose given within ``days``: (day, drug, amount), in time order."""
    return sorted((round(float(day), 6), dose.drug, dose.amount) for dose in regimen for day in dose.times(days))


def values_for(scenario: Scenario) -> dict:
    """Values that show ``scenario``: a complete dict (defaults for what the scenario leaves out).

    Raises ValueError when the scenario's structure cannot be held by the controls (two
    courses of one drug, agents over different weeks, a baseline off the choices). The
    values are then checked with ``mismatch``: weeks are whole, so days may still differ.
    """
    if not isinstance(scenario, Scenario):
        raise TypeError(f"scenario must be an hpg.Scenario, got {type(scenario).__name__}")
    days = float(scenario.days)
    values = default_values()
    values["window_weeks"] = min(max(math.ceil(days / 7), WINDOW_WEEKS_RANGE[0]), WINDOW_WEEKS_RANGE[1])
    values.update(_patient_values(scenario.patient))
    trt = [dose for dose in scenario.regimen if dose.drug in TRT_DRUGS]
    if len(trt) > 1:
        raise ValueError("the scenario has more than one testosterone course; the Workbench shows one")
    trt_end = 0.0
    values["trt_weeks"] = 0
    if trt:
        (dose,) = trt
        trt_end = dose.end(days)
        values.update(trt_drug=dose.drug, trt_dose=dose.amount, trt_every_days=dose.every_days,
                      trt_weeks=int(round(trt_end / 7)))
    recovery = None
    for agent in AGENTS:
        courses = scenario.regimen.doses_of(agent)
        values[agent] = bool(courses)
        if not courses:
            continue
        if len(courses) > 1:
            raise ValueError(f"the scenario has more than one course of {agent}; the Workbench shows one per agent")
        (dose,) = courses
        values.update(_agent_schedule_values(agent, dose))
        start, end = dose.start_day, dose.end(days)
        if trt and start == 0 and abs(end - trt_end) < 7:
            values[f"{agent}_timing"] = WITH_TRT
            continue
        values[f"{agent}_timing"] = BOTH if (start == 0 and trt) else RECOVERY
        window = (trt_end if start == 0 else start, end)
        if recovery is not None and recovery != window:
            raise ValueError("recovery agents in the scenario run over different weeks; the Workbench has one "
                             "recovery phase")
        recovery = window
    if recovery is not None:
        values["recovery_start"] = int(round(recovery[0] / 7))
        values["recovery_weeks"] = max(int(round((recovery[1] - recovery[0]) / 7)), RECOVERY_WEEKS_RANGE[0])
    else:
        values["recovery_start"] = values["trt_weeks"]
    return values


def _patient_values(patient: Patient) -> dict:
    values = {"age": int(round(patient.age)),
              "baseline_testosterone": TYPICAL if patient.baseline_testosterone is None
              else patient.baseline_testosterone,
              "baseline_sperm": TYPICAL if patient.baseline_sperm is None else patient.baseline_sperm,
              "low_testosterone_origin": patient.low_testosterone_origin}
    for name, choices in (("baseline_testosterone", BASELINE_TESTOSTERONE_CHOICES),
                          ("baseline_sperm", BASELINE_SPERM_CHOICES)):
        if values[name] != TYPICAL and values[name] not in choices:
            raise ValueError(f"{name} = {validation.figure(values[name])} is not one of the Workbench's choices ({choices[0]:g} "
                             f"to {choices[-1]:g}); use scenario.simulate() instead")
    return values


def _agent_schedule_values(agent: str, dose: Dose) -> dict:
    values = {f"{agent}_dose": dose.amount}
    if agent != "gonadorelin":
        values[f"{agent}_every_days"] = dose.every_days
        return values
    mode = {DRUGS["gonadorelin"].typical_every_days: PUMP,
            GONADORELIN_CONTINUOUS_EVERY_DAYS: CONTINUOUS}.get(dose.every_days, INJECTION)
    values["gonadorelin_mode"] = mode
    if mode == INJECTION:
        values["gonadorelin_every_days"] = dose.every_days
    return values


def mismatch(values: dict, scenario: Scenario) -> str | None:
    """What of ``scenario`` the values do not reproduce ("its doses", "its patient"), or None."""
    days = float(scenario.days)
    if dose_events(regimen_of(values), days) != dose_events(scenario.regimen, days):
        return "its doses"
    if patient_of(values) != scenario.patient:
        return "its patient"
    return None


def describe_regimen(regimen: Regimen) -> str:
    """The regimen in one line: drug, dose, interval and weeks of each course."""
    if not len(regimen):
        return "no treatment"

    def weeks(dose):
        end = "end" if dose.stop_day is None else f"{dose.stop_day / 7:g}"
        return f"weeks {dose.start_day / 7:g}-{end}"

    return "; ".join(f"{DRUGS[dose.drug].name} {dose.amount:g} {DRUGS[dose.drug].amount_unit} "
                     f"every {dose.every_days:g} d, {weeks(dose)}" for dose in regimen)
