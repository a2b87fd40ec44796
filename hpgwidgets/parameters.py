"""Typed model parameters read from ``data/parameters.csv``.

Each row carries a value, a unit, plausible bounds and a source: a key of
``data/references.bib`` or ``assumption`` (with the rationale in its description).
Loading validates all of that, so a typo in the data fails loudly at import.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from collections.abc import Mapping
from types import MappingProxyType

from . import validation
from .references import bibliography
from .tables import read_table


@dataclass(frozen=True)
class Parameter:
    """One model parameter: value in ``unit``, allowed range and citation key."""

    name: str
    value: float
    unit: str
    lower: float
    upper: float
    description: str
    source: str
    fitted: bool = False

    @property
    def is_assumption(self) -> bool:
        return self.source == "assumption"


def _number(row: dict, column: str, table: str) -> float:
    text = row.get(column, "")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"{table}: {row.get('name', row.get('id'))!r} has non-numeric {column} {text!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{table}: {row.get('name', row.get('id'))!r} has non-finite {column} {text!r}")
    return number


def _yes_or_no(row: dict, table: str) -> bool:
    text = row.get("fitted", "no")
    if text not in ("yes", "no"):
        raise ValueError(f"{table}: {row.get('name')!r} has fitted = {text!r}; allowed: yes, no")
    return text == "yes"


def check_source(source: str, where: str) -> None:
    """A source must be a key of references.bib (``assumption`` is one)."""
    if source not in bibliography():
        raise ValueError(f"{where}: source {source!r} is not a key of data/references.bib")


@lru_cache(maxsize=None)
def load_parameters() -> MappingProxyType:
    """All parameters, validated: name -> Parameter."""
    parameters = {}
    for row in read_table("parameters"):
        name = row["name"]
        if name in parameters:
            raise ValueError(f"parameters.csv: {name!r} is defined twice")
        if not row.get("unit"):
            raise ValueError(f"parameters.csv: {name!r} has no unit")
        if not row.get("description"):
            raise ValueError(f"parameters.csv: {name!r} has no description")
        parameter = Parameter(
            name=name,
            value=_number(row, "value", "parameters.csv"),
            unit=row["unit"],
            lower=_number(row, "lower", "parameters.csv"),
            upper=_number(row, "upper", "parameters.csv"),
            description=row["description"],
            source=row["source"],
            fitted=_yes_or_no(row, "parameters.csv"),
        )
        if not parameter.lower <= parameter.value <= parameter.upper:
            raise ValueError(
                f"parameters.csv: {name!r} = {parameter.value} {parameter.unit} is outside its bounds "
                f"[{parameter.lower}, {parameter.upper}]"
            )
        check_source(parameter.source, f"parameters.csv: {name!r}")
        parameters[name] = parameter
    return MappingProxyType(parameters)


@lru_cache(maxsize=None)
def fitted_drug_columns() -> MappingProxyType:
    """``drug_id.column`` -> (lower, upper) for each drug column the ``fitted`` column of
    data/drugs.csv names (``ec50:20..3000``): the drug values a fit, or a ParameterSet, may change."""
    columns = {}
    for row in read_table("drugs"):
        for item in filter(None, row.get("fitted", "").split(";")):
            column, _, bounds = item.partition(":")
            low, _, high = bounds.partition("..")
            name = f"{row['id']}.{column}"
            bounds = {"id": name, "lower": low, "upper": high}
            columns[name] = (_number(bounds, "lower", "drugs.csv"), _number(bounds, "upper", "drugs.csv"))
    return MappingProxyType(columns)


def _unknown_change(name, columns, argument: str = "changes") -> Exception:
    """The error for a key of ``argument`` (ParameterSet.replace's changes, or the drug values of a
    new set) that names nothing a parameter set may hold."""
    if not isinstance(name, str):
        return TypeError(f"{argument}: each key must be a parameter name (text), got {type(name).__name__} "
                         f"{validation.shown(name)}")
    allowed_columns = ", ".join(columns)
    drug_id, dot, column = name.partition(".")
    drug_ids = [row["id"] for row in read_table("drugs")]
    if dot and drug_id not in drug_ids:
        return ValueError(f"{argument}: {name!r} names no known drug ({drug_id!r}); known drugs: {', '.join(drug_ids)}")
    if dot:
        return ValueError(f"{argument}: {column!r} of {drug_id} is not a drug column a parameter set may change; "
                          f"allowed: {allowed_columns} (the fitted column of data/drugs.csv)")
    return ValueError(f"{argument}: {name!r} is not a parameter of data/parameters.csv (nor a drug column "
                      f"'drug_id.column': {allowed_columns})")


class ParameterSet(Mapping):
    """One set of parameter values the model computes with: name -> value (the units of
    data/parameters.csv), plus trial values of drug columns (``"clomiphene.ec50"``).

    Immutable and passed into each simulation (``hpg.simulate(..., parameters=...)``), so a
    fit and a notebook can hold two sets at once. ``ParameterSet.default()`` is the committed
    set; ``.replace({"feedback_hill": 2.1, "clomiphene.ec50": 150})`` a variant of it.
    """

    def __init__(self, values: dict[str, float], drug_values: dict[str, float] | None = None):
        known = load_parameters()
        unknown = set(values) - set(known)
        if unknown:
            raise ValueError(f"unknown parameters {sorted(unknown)}; known: see data/parameters.csv")
        missing = set(known) - set(values)
        if missing:
            raise ValueError(f"a parameter set needs every parameter; missing {sorted(missing)}")
        for name, value in values.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise TypeError(f"parameter {name} must be a finite number, got {value!r}")
            parameter = known[name]
            validation.number(name, value, low=parameter.lower, high=parameter.upper,
                              unit="" if parameter.unit == "1" else parameter.unit)
        if drug_values is not None and not isinstance(drug_values, Mapping):
            raise TypeError("drug_values must be a mapping of 'drug_id.column' to value, "
                            f"got {type(drug_values).__name__} {validation.shown(drug_values)}")
        columns = fitted_drug_columns()
        for name, value in (drug_values or {}).items():
            if name not in columns:
                raise _unknown_change(name, columns, argument="drug_values")
            validation.number(name, value, low=columns[name][0], high=columns[name][1])
        self._values = dict(values)
        self.drug_values = MappingProxyType(dict(drug_values or {}))
        self._reference_man = None

    @classmethod
    def default(cls) -> "ParameterSet":
        """The committed values of data/parameters.csv and data/drugs.csv."""
        return _default_set()

    def replace(self, changes: Mapping[str, float]) -> "ParameterSet":
        """A new set with some values changed: ``name`` for a parameter, ``drug_id.column``
        for a drug column the ``fitted`` column of data/drugs.csv names. Each value must lie
        within its bounds there (a value outside them is refused, never clamped)."""
        if not isinstance(changes, Mapping):
            raise TypeError("changes must be a mapping of parameter name (or 'drug_id.column') to value, "
                            f"got {type(changes).__name__} {validation.shown(changes)}")
        known, columns = load_parameters(), fitted_drug_columns()
        values, drugs = dict(self._values), dict(self.drug_values)
        for name, value in changes.items():
            if name in known:
                parameter = known[name]
                unit = "" if parameter.unit == "1" else parameter.unit     # "1": a pure number
                values[name] = validation.number(name, value, low=parameter.lower, high=parameter.upper, unit=unit)
            elif name in columns:
                low, high = columns[name]
                drugs[name] = validation.number(name, value, low=low, high=high)
            else:
                raise _unknown_change(name, columns)
        return ParameterSet(values, drugs)

    def reference_man(self):
        """(constants, state) of the reference man, solved once per set (model.reference_man)."""
        if self._reference_man is None:
            from .model import reference_man

            self._reference_man = reference_man(self)
        return self._reference_man

    def __getitem__(self, name: str) -> float:
        return self._values[name]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        changed = {name: value for name, value in self._values.items() if value != load_parameters()[name].value}
        return f"<ParameterSet {len(self)} values; changed from data/: {changed or 'none'}; drugs: {dict(self.drug_values)}>"


@lru_cache(maxsize=1)
def _default_set() -> ParameterSet:
    return ParameterSet({name: parameter.value for name, parameter in load_parameters().items()})


def parameter_values() -> ParameterSet:
    """The committed parameter set (name -> value)."""
    return ParameterSet.default()


def as_parameter_set(parameters) -> ParameterSet:
    """``parameters`` checked: a ParameterSet, or None for the committed one."""
    if parameters is None:
        return ParameterSet.default()
    if not isinstance(parameters, ParameterSet):
        raise TypeError(f"parameters must be an hpg.ParameterSet (or None for the committed values), "
                        f"got {type(parameters).__name__}")
    return parameters
