"""The virtual patient: who is being simulated."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from numbers import Real

# where a man's untreated testosterone level comes from (see Patient)
ORIGINS = ("mixed", "testicular", "central", "no_gnrh")

# field -> (lowest, highest) accepted value; the unit is in the docstring
LIMITS = {
    "age": (18.0, 100.0),
    "baseline_testosterone": (30.0, 1500.0),
    "baseline_sperm": (0.0, 300.0),
    "baseline_lh": (0.1, 100.0),
    "feedback_sensitivity": (0.2, 5.0),
    "recovery_speed": (0.1, 5.0),
    "aromatase_activity": (0.2, 5.0),
    "serm_sensitivity": (0.1, 10.0),
    "hcg_sensitivity": (0.1, 10.0),
    "itt_requirement": (0.05, 5.0),
}


@dataclass(frozen=True)
class Patient:
    """A man whose axis the model simulates; a healthy 35-year-old by default.

    age: years (18-100).
    baseline_testosterone: untreated serum total testosterone, ng/dL (30-1500), or
        None for the typical value at this age. The model solves its internal
        capacities so that the untreated steady state matches it.
    baseline_sperm: untreated sperm concentration, million/mL (0-300), or None.
    baseline_lh: untreated LH, IU/L (0.1-100), or None. With it, the model sets both
        the GnRH drive and the Leydig reserve from the two measured values.
    low_testosterone_origin: where the untreated testosterone level comes from when LH
        is not given:
        "mixed" (default): LH at the typical level, as in most older men with low T
        (Leder 2004, Ramasamy 2014): both drive and testicular reserve a little low;
        "testicular": normal GnRH drive, the testes limit T, so LH runs high (primary);
        "central": normal testes, weaker GnRH drive, LH runs low (secondary);
        "no_gnrh": no GnRH drive at all (hypogonadotropic hypogonadism, e.g. Kallmann
        syndrome): LH and FSH near zero, T about 60 ng/dL unless given, no sperm.
    feedback_sensitivity, recovery_speed, aromatase_activity, serm_sensitivity,
    hcg_sensitivity: multipliers (1 = typical) for individual variation.
    itt_requirement: multiplier (1 = typical) of the intratesticular testosterone the
        testes need for spermatogenesis; men below 1 keep a trickle of sperm on TRT.

    >>> Patient(age=68, baseline_testosterone=340).age
    68.0
    """

    age: float = 35.0
    baseline_testosterone: float | None = None
    baseline_sperm: float | None = None
    baseline_lh: float | None = None
    low_testosterone_origin: str = "mixed"
    feedback_sensitivity: float = 1.0
    recovery_speed: float = 1.0
    aromatase_activity: float = 1.0
    serm_sensitivity: float = 1.0
    hcg_sensitivity: float = 1.0
    itt_requirement: float = 1.0

    def __post_init__(self):
        for name, (lowest, highest) in LIMITS.items():
            value = getattr(self, name)
            if value is None and name.startswith("baseline_"):
                continue
            if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
                raise ValueError(f"Patient {name} must be a finite number, got {value!r}")
            if not lowest <= value <= highest:
                raise ValueError(f"Patient {name} = {value!r} is outside the range this model accepts "
                                 f"({lowest:g} to {highest:g})")
            object.__setattr__(self, name, float(value))
        if self.low_testosterone_origin not in ORIGINS:
            raise ValueError(f"Patient low_testosterone_origin must be one of {ORIGINS}, "
                             f"got {self.low_testosterone_origin!r}")

    def traits(self) -> dict:
        """Field values as a plain dict (the model's input)."""
        return asdict(self)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Patient":
        if not isinstance(data, dict):
            raise ValueError(f"a patient must be a mapping of field -> value, got {data!r}")
        allowed = {field.name for field in fields(cls)}
        unknown = set(data) - allowed
        if unknown:
            raise ValueError(f"unknown patient fields {sorted(unknown)}; allowed: {sorted(allowed)}")
        return cls(**data)
