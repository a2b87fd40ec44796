"""Dosing regimens: what was given, when (a protocol of repeated dose events)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real

import numpy as np

from .pharmacology import DRUGS

MAX_DAYS = 365 * 30  # longest simulation horizon: 30 years


def _check_number(name: str, value, *, allow_none: bool = False) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return value


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
        if self.drug not in DRUGS:
            raise ValueError(f"unknown drug id {self.drug!r}; known ids: {', '.join(DRUGS)}")
        drug = DRUGS[self.drug]
        amount = _check_number("amount", self.amount)
        every = _check_number("every_days", self.every_days)
        start = _check_number("start_day", self.start_day)
        stop = _check_number("stop_day", self.stop_day, allow_none=True)
        if amount < 0:
            raise ValueError(f"amount of {self.drug} must be >= 0 {drug.amount_unit}, got {amount}")
        if amount > drug.max_amount:
            raise ValueError(
                f"{amount:g} {drug.amount_unit} of {self.drug} per dose is outside the range this teaching "
                f"model accepts (0 to {drug.max_amount:g} {drug.amount_unit} per dose)")
        if every <= 0:
            raise ValueError(f"every_days must be > 0 (days between doses), got {every}")
        weekly = amount * 7.0 / every
        if weekly > drug.max_amount_per_week:
            raise ValueError(
                f"{self.drug} at {amount:g} {drug.amount_unit} every {every:g} days is "
                f"{weekly:g} {drug.amount_unit} per week; this teaching model accepts at most "
                f"{drug.max_amount_per_week:g} {drug.amount_unit} per week")
        if not 0 <= start <= MAX_DAYS:
            raise ValueError(f"start_day must be between 0 and {MAX_DAYS} days, got {start}")
        if stop is not None and stop < start:
            raise ValueError(f"stop_day ({stop}) must not be before start_day ({start})")
        object.__setattr__(self, "amount", amount)
        object.__setattr__(self, "every_days", every)
        object.__setattr__(self, "start_day", start)
        object.__setattr__(self, "stop_day", stop)

    def end(self, days: float) -> float:
        """Day after the last dose window: stop_day, or ``days`` when open-ended."""
        return days if self.stop_day is None else min(self.stop_day, days)

    def times(self, days: float) -> np.ndarray:
        """Dose times (days) within a simulation of ``days`` days."""
        end = self.end(days)
        if end <= self.start_day:
            return np.empty(0)
        count = int(math.ceil((end - self.start_day) / self.every_days - 1e-9))
        return self.start_day + self.every_days * np.arange(count)

    def to_dict(self) -> dict:
        return {"drug": self.drug, "amount": self.amount, "every_days": self.every_days,
                "start_day": self.start_day, "stop_day": self.stop_day}

    @classmethod
    def from_dict(cls, data: dict) -> "Dose":
        if not isinstance(data, dict):
            raise ValueError(f"a dose must be a mapping with keys drug, amount, every_days, start_day, stop_day; got {data!r}")
        allowed = {"drug", "amount", "every_days", "start_day", "stop_day"}
        unknown = set(data) - allowed
        missing = {"drug", "amount", "every_days"} - set(data)
        if unknown or missing:
            raise ValueError(f"dose {data!r}: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}; "
                             f"allowed keys: {sorted(allowed)}")
        return cls(**data)


class Regimen:
    """A set of doses in time; ``Regimen()`` is no treatment.

    >>> regimen = Regimen([Dose("testosterone_cypionate", 100, every_days=7, stop_day=365)])
    >>> len(regimen), sorted(regimen.drugs)
    (1, ['testosterone_cypionate'])
    """

    def __init__(self, doses=()):
        if isinstance(doses, Dose):
            doses = [doses]
        doses = tuple(doses)
        for dose in doses:
            if not isinstance(dose, Dose):
                raise ValueError(f"a Regimen holds hpg.Dose objects, got {dose!r}")
        self.doses = doses

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
        return tuple(dose for dose in self.doses if dose.drug == drug)

    def last_dose_day(self, days: float, drugs=None) -> float:
        """Day of the last dose given within ``days`` days (of ``drugs``, an id or ids, or of any drug).

        "Days after the last injection" count from here: ``stop_day`` can fall up to one
        dosing interval after the last dose.

        >>> Regimen([Dose("testosterone_enanthate", 200, every_days=7, stop_day=182)]).last_dose_day(365)
        175.0
        """
        wanted = {drugs} if isinstance(drugs, str) else None if drugs is None else set(drugs)
        times = [time for dose in self.doses if wanted is None or dose.drug in wanted for time in dose.times(days)]
        if not times:
            raise ValueError(f"no dose of {sorted(wanted) if wanted else 'any drug'} falls within {days:g} days")
        return float(max(times))

    def to_dict(self) -> dict:
        return {"doses": [dose.to_dict() for dose in self.doses]}

    @classmethod
    def from_dict(cls, data: dict) -> "Regimen":
        if not isinstance(data, dict) or not isinstance(data.get("doses"), list):
            raise ValueError(f"a regimen must be a mapping with a list under 'doses'; got {data!r}")
        return cls(Dose.from_dict(item) for item in data["doses"])
