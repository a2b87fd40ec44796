"""The virtual patient: who is being simulated."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import numpy as np

from . import validation

# where a man's untreated testosterone level comes from (see Patient)
ORIGINS = ("mixed", "testicular", "central", "no_gnrh")

# field -> (lowest, highest) accepted value; the unit is in the docstring
LIMITS = {
    "age": (18.0, 100.0),
    "baseline_testosterone": (30.0, 1500.0),   # (and above what the adrenals give at his age: model.adrenal_testosterone)
    "baseline_sperm": (0.0, 300.0),
    "baseline_lh": (0.1, 100.0),
    "baseline_fsh": (0.1, 150.0),
    "feedback_sensitivity": (0.2, 5.0),
    "recovery_speed": (0.1, 5.0),
    "aromatase_activity": (0.2, 5.0),
    "serm_sensitivity": (0.1, 10.0),
    "hcg_sensitivity": (0.1, 10.0),
    "itt_requirement": (0.05, 5.0),
    "germ_cell_reserve": (0.001, 10.0),
}


# the default man's age, and the age of the reference man of data/parameters.csv (testosterone_reference)
DEFAULT_AGE = 35.0


@dataclass(frozen=True)
class Patient:
    """A man whose axis the model simulates; a healthy 35-year-old by default.

    age: years (18-100).
    baseline_testosterone: untreated serum total testosterone, ng/dL (30-1500, and above the castrate level of his age, 15-31), or
        None for the typical value at this age. The model solves its internal
        capacities so that the untreated steady state matches it.
    baseline_sperm: untreated sperm concentration, million/mL (0-300), or None.
    baseline_lh: untreated LH, IU/L (0.1-100), or None. With it, the model sets both
        the GnRH drive and the Leydig reserve from the two measured values.
    baseline_fsh: untreated FSH, IU/L (0.1-150), or None. With a low baseline_sperm it tells
        why the count is low: a high FSH means few germ cells (germinal failure, which
        hormones cannot fix); a normal FSH means the germ cells are there but poorly
        stimulated (a hormonal component, which SERMs and aromatase inhibitors can help).
        Without it a low count is taken as germinal.
    low_testosterone_origin: where the untreated testosterone level comes from when LH
        is not given:
        "mixed" (default): LH at the typical level, as in most older men with low T
        (Leder 2004, Ramasamy 2014): both drive and testicular reserve a little low;
        "testicular": normal GnRH drive, the testes limit T, so LH runs high (primary);
        "central": normal testes, weaker GnRH drive, LH runs low (secondary);
        "no_gnrh": no GnRH drive at all (hypogonadotropic hypogonadism, e.g. Kallmann
        syndrome): LH about 0.4 IU/L unless given, FSH below 1 IU/L, T near the castrate range
        (an immature testis), no sperm until months of treatment.
    feedback_sensitivity, recovery_speed, aromatase_activity, serm_sensitivity,
    hcg_sensitivity: multipliers (1 = typical) for individual variation.
    itt_requirement: multiplier (1 = typical) of the intratesticular testosterone the
        testes need for spermatogenesis; men below 1 keep a trickle of sperm on TRT.
    germ_cell_reserve: multiplier (1 = typical for his kind) of the germ cells his testes
        can hold. Men without GnRH drive differ most: small or once-undescended testes hold
        few, and some such men never make sperm on treatment. A given baseline_sperm
        overrides it (the count then says how many germ cells he has).

    >>> Patient(age=68, baseline_testosterone=340).age
    68.0
    """

    age: float = DEFAULT_AGE
    baseline_testosterone: float | None = None
    baseline_sperm: float | None = None
    baseline_lh: float | None = None
    baseline_fsh: float | None = None
    low_testosterone_origin: str = "mixed"
    feedback_sensitivity: float = 1.0
    recovery_speed: float = 1.0
    aromatase_activity: float = 1.0
    serm_sensitivity: float = 1.0
    hcg_sensitivity: float = 1.0
    itt_requirement: float = 1.0
    germ_cell_reserve: float = 1.0

    def __post_init__(self):
        for field in fields(self):
            object.__setattr__(self, field.name, check_field(field.name, getattr(self, field.name)))

    def traits(self) -> dict:
        """Field values as a plain dict (the model's input)."""
        return asdict(self)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Patient":
        validation.instance("a patient", data, dict, "a mapping of field -> value")
        allowed = {field.name for field in fields(cls)}
        unknown = set(data) - allowed
        if unknown:
            raise ValueError(f"unknown patient fields {sorted(unknown)}; allowed: {sorted(allowed)}")
        return cls(**data)


# Choices are read from here by every check (Patient, tables of patients, scenario files).
CHOICES = {"low_testosterone_origin": ORIGINS}
# Fields whose default is None ("typical for this age"); in a table, a missing value (NaN) means the same.
OPTIONAL = frozenset(field.name for field in fields(Patient) if field.default is None)


def check_field(name: str, value):
    """One Patient field checked by Patient's rules: a choice, or a number in LIMITS."""
    if name in CHOICES:
        return validation.choice(f"Patient {name}", value, CHOICES[name])
    if name not in LIMITS:
        raise NotImplementedError(f"Patient field {name!r} has no rule: add it to patient.LIMITS or patient.CHOICES")
    lowest, highest = LIMITS[name]
    return validation.number(f"Patient {name}", value, low=lowest, high=highest, allow_none=name in OPTIONAL)


def patient_from_row(row) -> Patient:
    """The Patient behind one row of a checked table (a missing optional value is None)."""
    known = {field.name for field in fields(Patient)}
    return Patient(**{name: None if _is_missing(value) else (value if isinstance(value, str) else float(value))
                      for name, value in row.items() if name in known})


def check_table(patients, extra_positive=()):
    """A pandas table of patients (one row each, columns named like Patient fields) checked
    with Patient's rules and messages, prefixed by the row; returns a clean copy.

    A missing value (NaN) in an optional field means "typical", as None does for Patient.
    Columns in ``extra_positive`` (traits the model uses beside Patient, such as
    semen_volume) must hold finite numbers > 0.
    """
    import pandas as pd

    validation.instance("patients", patients, pd.DataFrame, "a pandas DataFrame such as cohort.patients")
    if len(patients) == 0:
        raise ValueError("patients must have at least one row (one per patient)")
    known = {field.name for field in fields(Patient)}
    repeated = sorted(set(patients.columns[patients.columns.duplicated()]))
    if repeated:
        raise ValueError(f"patients has columns {repeated} more than once; one column per field")
    unknown = sorted(set(map(str, patients.columns)) - known - set(extra_positive))
    if unknown:
        raise ValueError(f"unknown patient columns {unknown}; allowed: {sorted(known | set(extra_positive))}")
    clean = patients.copy()
    for name in patients.columns:
        column = patients[name]
        if name in known:
            clean[name] = _checked_column(column, lambda value, name=name: check_field(name, value), name)
        else:
            clean[name] = _checked_column(column, lambda value, name=name: validation.number(
                f"{name}", value, above=0), name)
    return clean


def _checked_column(column, check, name):
    """``column`` checked value by value with ``check``; numeric columns are checked at once
    and only the first failing value is passed to ``check`` for its message."""
    numeric = column.dtype.kind in "iuf" and name not in CHOICES
    if numeric:
        values = column.to_numpy(dtype=float)
        missing = np.isnan(values) & (name in OPTIONAL)
        lowest, highest = LIMITS.get(name, (0.0, np.inf))
        inside = (values >= lowest) & (values <= highest) & np.isfinite(values)
        if name not in LIMITS:
            inside &= values > 0
        bad = np.flatnonzero(~(inside | missing))
        rows = bad[:1]
    else:
        rows = range(len(column))
    checked = []
    for row in rows:
        value = column.iloc[row]
        try:
            checked.append(check(None if _is_missing(value) and name in OPTIONAL else value))
        except (TypeError, ValueError) as problem:
            raise type(problem)(f"patients row {column.index[row]!r}: {problem}") from None
    if numeric:
        return values
    if name in CHOICES:
        return checked
    return np.array([np.nan if value is None else value for value in checked], dtype=float)


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))
