"""Typed model parameters read from ``data/parameters.csv``.

Each row carries a value, a unit, plausible bounds and a source: a key of
``data/references.bib`` or ``assumption`` (with the rationale in its description).
Loading validates all of that, so a typo in the data fails loudly at import.
"""
from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

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


_OVERRIDES: dict[str, float] = {}


def parameter_values() -> dict[str, float]:
    """name -> value, the plain numbers the model computes with (with any trial values
    of :func:`trial_values` in force, which only the fit uses)."""
    values = {name: parameter.value for name, parameter in load_parameters().items()}
    values.update((name, value) for name, value in _OVERRIDES.items() if "." not in name)
    return values


def overrides() -> dict[str, float]:
    """The trial values in force (``name`` or ``drug_id.column``), empty outside a fit."""
    return dict(_OVERRIDES)


@contextmanager
def trial_values(values: dict[str, float]):
    """Run the model with some parameters replaced: ``{"feedback_hill": 2.1,
    "clomiphene.ec50": 150}``. Used by :mod:`hpgwidgets.fit` to try candidate values."""
    previous = dict(_OVERRIDES)
    _OVERRIDES.update(values)
    try:
        yield
    finally:
        _OVERRIDES.clear()
        _OVERRIDES.update(previous)
