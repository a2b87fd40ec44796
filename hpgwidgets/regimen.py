"""Dosing regimens: what was given, when (a protocol of repeated dose events)."""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from . import validation
from .pharmacology import DRUGS
from .validation import MAX_DAYS, MIN_DOSE_INTERVAL_DAYS, figure

DOSE_KEYS = ("drug", "amount", "every_days", "start_day", "stop_day")
REGIMEN_KEYS = ("doses",)


@dataclass(frozen=True)
class Dose:
    """Repeated doses of one drug.

    Doses fall on ``start_day, start_day + every_days, ...`` while ``< stop_day``
    (``stop_day=None``: until the end of the simulation). ``amount`` is in the drug's
    unit (mg, IU for hCG, µg for gonadorelin; see ``hpg.DRUGS``). ``every_days`` may
    be a fraction: a gonadorelin pump pulsing every 90 minutes is ``every_days=1/16``.

    >>> Dose("testosterone_enanthate", amount=200, every_days=7, start_day=0, stop_day=182)
    Dose(drug='testosterone_enanthate', amount=200.0, every_days=7.0, start_day=0.0, stop_day=182.0)
    """

    drug: str
    amount: float
    every_days: float
    start_day: float = 0.0
    stop_day: float | None = None

    def __post_init__(self):
        drug = DRUGS[validation.choice("drug", self.drug, DRUGS)]
        amount = validation.number(f"amount of {self.drug}", self.amount, low=0, high=drug.max_amount,
                                   unit=f"{drug.amount_unit} per dose")
        every = validation.number("every_days (days between doses)", self.every_days, above=0)
        if every < MIN_DOSE_INTERVAL_DAYS * (1 - 1e-9):
            raise ValueError(f"every_days (days between doses) must be at least one minute "
                             f"(1/1440 = {MIN_DOSE_INTERVAL_DAYS:.6f} days), got {figure(every)}")
        start = validation.number("start_day", self.start_day, low=0, high=MAX_DAYS, unit="days")
        stop = validation.number("stop_day", self.stop_day, allow_none=True)
        weekly = amount * 7.0 / every
        if weekly > drug.max_amount_per_week * (1 + 1e-9):        # (a dose computed from the limit may round above it)
            unit, most = drug.amount_unit, drug.max_amount_per_week
            raise ValueError(
                f"amount and every_days of {self.drug}: {figure(amount)} {unit} every {figure(every)} days is "
                f"{weekly:,.4g} {unit} per week; this teaching model accepts at most {figure(most)} {unit} per week "
                f"(at {figure(amount)} {unit} a dose, every_days of at least {figure(amount * 7.0 / most)})")
        if stop is not None and stop < start:
            raise ValueError(f"stop_day ({figure(stop)}) must not be before start_day ({figure(start)})")
        object.__setattr__(self, "amount", amount)
        object.__setattr__(self, "every_days", every)
        object.__setattr__(self, "start_day", start)
        object.__setattr__(self, "stop_day", stop)

    @property
    def weekly_share(self) -> float:
        """Amount per week as a share of the most this model accepts of this drug per week."""
        return self.amount * 7.0 / self.every_days / DRUGS[self.drug].max_amount_per_week

    @property
    def load_share(self) -> float:
        """The larger of ``weekly_share`` and the amount as a share of the largest single dose:
        what this series uses of its kind of action's room (``Regimen`` allows 100% at once).
        A depot's peak follows the single dose, its plateau the weekly amount; both add up
        across series."""
        return max(self.weekly_share, self.amount / DRUGS[self.drug].max_amount)

    def count(self, days: float) -> int:
        """How many doses fall within a simulation of ``days`` days (nothing is allocated)."""
        end = self.end(days)
        if end <= self.start_day:
            return 0
        return int(math.ceil((end - self.start_day) / self.every_days - 1e-9))

    def end(self, days: float) -> float:
        """Day after the last dose window: stop_day, or ``days`` when open-ended."""
        days = validation.number("days", days, low=0, unit="days")
        return days if self.stop_day is None else min(self.stop_day, days)

    def times(self, days: float) -> np.ndarray:
        """Dose times (days) within a simulation of ``days`` days."""
        return self.start_day + self.every_days * np.arange(self.count(days))

    def to_dict(self) -> dict:
        return {key: getattr(self, key) for key in DOSE_KEYS}

    @classmethod
    def from_dict(cls, data: dict) -> "Dose":
        validation.instance("a dose", data, dict, f"a mapping with keys {', '.join(DOSE_KEYS)}")
        validation.keys(f"dose {validation.shown(data)}", data, allowed=DOSE_KEYS,
                        required=("drug", "amount", "every_days"))
        return cls(**data)


class Regimen:
    """A set of doses in time; ``Regimen()`` is no treatment. Immutable: ``+`` makes a new one.

    >>> regimen = Regimen([Dose("testosterone_cypionate", 100, every_days=7, stop_day=365)])
    >>> len(regimen), sorted(regimen.drugs)
    (1, ['testosterone_cypionate'])
    """

    __slots__ = ("_doses",)

    def __init__(self, doses=()):
        if isinstance(doses, Dose):
            doses = [doses]
        if isinstance(doses, (str, bytes, dict)) or not hasattr(doses, "__iter__"):
            raise TypeError(f"Regimen needs a list of hpg.Dose (or nothing, for no treatment), "
                            f"got {type(doses).__name__} {doses!r}")
        doses = tuple(doses)
        for index, dose in enumerate(doses):
            validation.instance(f"Regimen dose {index}", dose, Dose, "an hpg.Dose")
        _check_weekly_load(doses)
        self._doses = doses

    @property
    def doses(self) -> tuple[Dose, ...]:
        """The dose series (a tuple: a Regimen never changes once built)."""
        return self._doses

    def __iter__(self):
        return iter(self.doses)

    def __len__(self):
        return len(self.doses)

    def __add__(self, other: "Regimen") -> "Regimen":
        if isinstance(other, Dose):
            other = Regimen([other])
        if not isinstance(other, Regimen):
            return NotImplemented
        return Regimen(self.doses + other.doses)

    def __eq__(self, other):
        return isinstance(other, Regimen) and self.doses == other.doses

    def __hash__(self):
        return hash(self.doses)

    def __repr__(self):
        return f"Regimen({list(self.doses)!r})"

    @property
    def drugs(self) -> set[str]:
        return {dose.drug for dose in self.doses}

    def doses_of(self, drug: str) -> tuple[Dose, ...]:
        validation.choice("drug", drug, DRUGS)
        return tuple(dose for dose in self.doses if dose.drug == drug)

    def last_dose_day(self, days: float, drugs=None) -> float:
        """Day of the last dose given within ``days`` days (of ``drugs``, an id or ids, or of any drug).

        "Days after the last injection" count from here: ``stop_day`` can fall up to one
        dosing interval after the last dose.

        >>> Regimen([Dose("testosterone_enanthate", 200, every_days=7, stop_day=182)]).last_dose_day(365)
        175.0
        """
        days = validation.number("days", days, low=0, unit="days")
        if drugs is None:
            wanted = None
        elif isinstance(drugs, str):
            wanted = {validation.choice("drugs", drugs, DRUGS)}
        else:
            wanted = {validation.choice("drugs entry", drug, DRUGS) for drug in validation.text_list("drugs", drugs, "drug ids")}
        times = [time for dose in self.doses if wanted is None or dose.drug in wanted for time in dose.times(days)]
        if not times:
            raise ValueError(f"no dose of {sorted(wanted) if wanted else 'any drug'} falls within {figure(days)} days")
        return float(max(times))

    def count(self, days: float) -> int:
        """Dose events within a simulation of ``days`` days (counted, not allocated)."""
        return sum(dose.count(days) for dose in self.doses)

    def to_dict(self) -> dict:
        return {"doses": [dose.to_dict() for dose in self.doses]}

    @classmethod
    def from_dict(cls, data: dict) -> "Regimen":
        validation.instance("a regimen", data, dict, "a mapping with a list under 'doses'")
        validation.keys("a regimen", data, allowed=REGIMEN_KEYS, required=REGIMEN_KEYS)
        validation.instance("a regimen's 'doses'", data["doses"], list, "a list of doses")
        return cls(Dose.from_dict(item) for item in data["doses"])


def _check_weekly_load(doses: tuple[Dose, ...]) -> None:
    """Refuse doses that together exceed what the model accepts, per kind of action.

    Each drug's limits (data/drugs.csv: ``max_amount`` per dose, ``max_amount_per_week``)
    hold per dose series; series with the same action (the ``effect`` column: all
    testosterone products, both SERMs, ...) add up. At any time the series running together may use at most 100%
    between them, each counted by ``Dose.load_share``: 200 mg enanthate and 200 mg
    cypionate a week together are fine, two of the largest doses at once are not. One
    sweep over start and stop days (a series stops before one that starts on its stop day).

    The testosterone limits come from a physical bound, serum testosterone at most
    5000 ng/dL (law L16): at most 700 mg of an injectable ester per dose and per week
    (above the 600 mg/week top arm of Bhasin et al. 2001, the largest dose given in a
    controlled trial; 700 mg weekly peaks near 4450 ng/dL, 1000 mg would pass 6000), undecanoate at most 400 mg a week (4000 mg every 10 weeks, ten times
    the label's rate). The exact figures are assumptions chosen so that the model's peak
    stays under the bound; tests/test_data.py checks the largest legal regimens.
    """
    validation.limit("Regimen", len(doses), validation.MAX_DOSE_SERIES, "the number of dose series",
                     "a course is one Dose with start_day and stop_day, not one Dose per injection")
    by_group: dict[str, list[tuple[float, int, float]]] = {}
    for dose in doses:
        if dose.amount > 0 and (dose.stop_day is None or dose.stop_day > dose.start_day):
            events = by_group.setdefault(DRUGS[dose.drug].effect, [])
            events.append((dose.start_day, 1, dose.load_share))
            if dose.stop_day is not None:
                events.append((dose.stop_day, 0, -dose.load_share))
    for group, events in by_group.items():
        total = 0.0
        for moment, _, share in sorted(events):
            total += share
            if total > 1 + 1e-9:
                _refuse_weekly_load(doses, group, moment)


def _refuse_weekly_load(doses: tuple[Dose, ...], group: str, moment: float):
    running = [dose for dose in doses if DRUGS[dose.drug].effect == group and dose.amount > 0
               and dose.start_day <= moment and (dose.stop_day is None or moment < dose.stop_day)]
    total = sum(dose.load_share for dose in running)

    def described(dose):
        drug = DRUGS[dose.drug]
        return (f"{dose.drug} {figure(dose.amount)} {drug.amount_unit} every {figure(dose.every_days)} days "
                f"({dose.load_share:.0%} of its limits: {drug.max_amount:g} {drug.amount_unit} a dose, "
                f"{drug.max_amount_per_week:g} {drug.amount_unit} a week)")

    counted = Counter(described(dose) for dose in running)
    parts = ", ".join(text if count == 1 else f"{count} x {text}" for text, count in counted.items())
    raise ValueError(
        f"from day {figure(moment)} the regimen gives {len(running)} dose series acting on the same target, "
        f"{DRUGS[running[0].drug].acts_on}, at once: {parts}; together {total:.0%} of the weekly maximum. "
        "This teaching model accepts at most 100% between them (drugs with the same action add up)")
