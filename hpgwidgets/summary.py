"""Say in words what the chart shows on one day.

One or two sentences for the back row of a lecture hall and for screen-reader users:
where LH, testosterone, intratesticular testosterone and sperm stand against this
patient's untreated values and against the laboratory reference limits.
"""
from __future__ import annotations

from functools import lru_cache

from .pharmacology import DRUGS
from .ranges import reference_range
from .tables import read_table


@lru_cache(maxsize=None)
def azoospermia_reading() -> float:
    """Below this concentration (million/mL) the workbook reads 'no sperm seen' (data/lab_report.csv)."""
    for row in read_table("lab_report"):
        if row["item"] == "azoospermia_threshold":
            return float(row["value"])
    raise ValueError("data/lab_report.csv has no azoospermia_threshold row")


def percent(ratio: float) -> str:
    """The workbook's one way to print a share: 0.004 -> 'under 1%', 0.045 -> '4.5%', 1.5 -> '150%'.

    Small shares keep a decimal so 4% and 4.5% stay apart; below 1% the model's exact figure
    means nothing to a reader, and a rounded '1%' or '0%' would mislead.
    """
    if ratio < 0.01:
        return "under 1%"
    if ratio < 0.095:
        return f"{100 * ratio:.1f}%".replace(".0%", "%")
    return f"{100 * ratio:.0f}%"


percent_of_baseline = percent


def number(value: float, unit: str = "") -> str:
    """A model value rounded for reading: three significant figures at most, no trailing zeros."""
    magnitude = abs(value)
    if magnitude >= 100:
        shown = f"{value:.0f}"
    elif magnitude >= 10:
        shown = f"{value:.0f}" if magnitude >= 20 else f"{value:.1f}".replace(".0", "")
    elif magnitude >= 1:
        shown = f"{value:.1f}".replace(".0", "")
    else:
        shown = f"{value:.2g}"
    return f"{shown} {unit}".strip()


def relation(value: float, reference: float, *, tolerance: float = 0.05,
             words: tuple[str, str, str] = ("below", "about the same as", "above")) -> str:
    """'below' / 'about the same as' / 'above': how ``value`` compares with ``reference``.

    Within ``tolerance`` (a fraction of the reference) counts as the same, so prose never calls
    a difference of a rounding error a finding.
    """
    lower, same, higher = words
    if abs(value - reference) <= tolerance * abs(reference):
        return same
    return lower if value < reference else higher


def readable_table(values, variables, *, index_name: str):
    """A table of model values with names and units in the headers and rounding fit for reading.

    ``values`` maps a row label to a dict of variable values (``Result.at(day)``, a baseline ...).
    """
    import pandas as pd

    from .simulation import LABELS, UNITS

    columns = {}
    for variable in variables:
        header = f"{LABELS.get(variable, variable)} ({UNITS[variable]})" if UNITS.get(variable) else LABELS.get(variable, variable)
        columns[header] = {label: number(row[variable]) for label, row in values.items()}
    table = pd.DataFrame(columns)
    table.index.name = index_name
    return table


def sperm_phrase(concentration: float) -> str:
    """Sperm concentration in words, against the WHO lower reference limit."""
    limit = reference_range("sperm").low
    floor = azoospermia_reading()
    if concentration < floor:
        return f"sperm below {floor:g} million/mL (no sperm seen, model reading)"
    shown = f"{concentration:.0f}" if concentration >= 10 else f"{concentration:.2g}"
    side = "below" if concentration < limit else "at or above"
    return f"sperm {shown} million/mL, {side} the WHO lower limit of {limit:g}"


def testosterone_phrase(value: float) -> str:
    band = reference_range("testosterone")
    if value < band.low:
        where = f"below the reference range ({band.low:g}-{band.high:g})"
    elif value > band.high:
        where = f"above the reference range ({band.low:g}-{band.high:g})"
    else:
        where = "inside the reference range"
    return f"serum testosterone {value:.0f} {band.unit}, {where}"


def drugs_on_day(regimen, day: float, days: float) -> list[str]:
    """Names of the drugs whose dose lines cover ``day``."""
    ids = dict.fromkeys(dose.drug for dose in regimen if dose.start_day <= day < dose.end(days))
    return [DRUGS[drug_id].name for drug_id in ids]


def scenario_phrase(result, day: float) -> str:
    values = result.at(day)
    ratio = {name: values[name] / result.baseline[name] for name in ("lh", "fsh", "itt")}
    return (f"LH at {percent_of_baseline(ratio['lh'])} of baseline, FSH at {percent_of_baseline(ratio['fsh'])}; "
            f"{testosterone_phrase(values['testosterone'])}; intratesticular testosterone at "
            f"{percent_of_baseline(ratio['itt'])} of baseline; {sperm_phrase(values['sperm'])}")


def summary_text(result, day: float, *, compare=None) -> str:
    """E.g. 'Week 12 (day 84), on Testosterone enanthate: LH at 4% of baseline, ...'.

    With ``compare`` (a pinned Result) a second sentence gives the same figures for it,
    when the pinned simulation reaches that day.
    """
    if not result.t[0] <= day <= result.t[-1]:
        raise ValueError(f"day must be between {result.t[0]:g} and {result.t[-1]:g}, got {day!r}")
    given = drugs_on_day(result.regimen, day, result.days)
    on = f", on {' + '.join(given)}" if given else ", no drug given that day"
    text = f"Week {day / 7:.0f} (day {day:.0f}){on}: {scenario_phrase(result, day)}."
    if compare is not None and compare.t[0] <= day <= compare.t[-1]:
        text += f" Pinned scenario: {scenario_phrase(compare, day)}."
    return text
