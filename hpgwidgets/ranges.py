"""Laboratory reference ranges (``data/reference_ranges.csv``)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from . import validation
from .parameters import check_source
from .tables import read_table


@dataclass(frozen=True)
class ReferenceRange:
    """A reference interval; ``high`` is ``math.inf`` where only a lower limit exists."""

    variable: str
    low: float
    high: float
    unit: str
    population: str
    source: str

    def flag(self, value: float) -> str:
        """'L' below the interval, 'H' above it, '' inside (limits count as inside)."""
        if value < self.low:
            return "L"
        if value > self.high:
            return "H"
        return ""


@lru_cache(maxsize=None)
def _ranges() -> dict[str, ReferenceRange]:
    ranges = {}
    for row in read_table("reference_ranges"):
        check_source(row["source"], f"reference_ranges.csv: {row['variable']!r}")
        ranges[row["variable"]] = ReferenceRange(
            variable=row["variable"],
            low=float(row["low"]),
            high=float(row["high"]) if row["high"] else math.inf,
            unit=row["unit"],
            population=row["population"],
            source=row["source"],
        )
    return ranges


def reference_variables() -> tuple[str, ...]:
    """The variables with a laboratory reference interval (the charts draw a band for each)."""
    return tuple(_ranges())


@lru_cache(maxsize=None)
def azoospermia_threshold() -> float:
    """Sperm concentration (million/mL) below which the workbook reads "no sperm seen"
    (azoospermia, model reading): the one place that reads it from data/lab_report.csv."""
    for row in read_table("lab_report"):
        if row["item"] == "azoospermia_threshold":
            return float(row["value"])
    raise ValueError("data/lab_report.csv has no azoospermia_threshold row")


def reference_range(variable: str) -> ReferenceRange:
    """The reference interval of a clinical variable (testosterone, lh, fsh, estradiol, sperm)."""
    ranges = _ranges()
    validation.text("variable", variable)
    if variable not in ranges:
        raise ValueError(f"no reference range for {variable!r}; available: {', '.join(sorted(ranges))}")
    return ranges[variable]
