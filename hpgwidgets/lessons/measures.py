"""Readings the notebooks take off a simulation: when the last injection was, when a value came back."""
from __future__ import annotations

import numpy as np

from .. import pharmacology


def testosterone_drugs(regimen) -> list[str]:
    """The regimen's drugs that add testosterone to the blood (by their effect in data/drugs.csv)."""
    return sorted(regimen.drugs & set(pharmacology.testosterone_drugs()))


def last_injection_day(result) -> float:
    """Day of the last testosterone dose in ``result``'s regimen: 'after the last injection' counts from here."""
    return result.regimen.last_dose_day(result.days, testosterone_drugs(result.regimen))


def days_until(result, variable: str, threshold: float, *, after: float, relative: bool = False) -> float | None:
    """Days from ``after`` until ``variable`` first reaches ``threshold`` (a share of baseline when
    ``relative``); None when it never does within the simulation."""
    values = result.relative(variable) if relative else result[variable]
    reached = result.t[(result.t > after) & (values >= threshold)]
    return float(reached[0] - after) if len(reached) else None


def days_after_last_injection(result, variable: str, threshold: float, *, relative: bool = False) -> float | None:
    """Days from the last testosterone dose until ``variable`` is back at ``threshold``."""
    return days_until(result, variable, threshold, after=last_injection_day(result), relative=relative)


def mean_relative(result, variable: str, first_day: float, last_day: float | None = None) -> float:
    """Mean of ``variable`` as a share of baseline from ``first_day`` to ``last_day`` (the end by default)."""
    last_day = result.t[-1] if last_day is None else last_day
    window = (result.t >= first_day) & (result.t <= last_day)
    return float(np.mean(result.relative(variable)[window]))


def share_list(shares, label) -> str:
    """Markdown bullets '* <label(key)>: LH 45% of baseline'-style, one per entry of ``shares``."""
    from ..summary import percent

    return "\n".join(f"* {label(key)}: {percent(value)} of baseline" for key, value in shares.items())


def sperm_reading(value: float) -> str:
    """A sperm concentration as a sentence says it: '0.31 million/mL', or 'none seen' below the azoospermia
    reading (never 'none seen million/mL')."""
    from ..summary import NO_SPERM_SEEN, value_text

    shown = value_text("sperm", value)
    return shown if shown == NO_SPERM_SEEN else f"{shown} million/mL"


def story_week(result, day: float) -> str:
    """'week 160': ``day`` on the story's clock, weeks since the first testosterone dose (the convention of every
    sentence and sheet of the workbook: one clock per story, starting with its treatment)."""
    from ..labs import week_on_clock
    from ..recovery import treatment_window

    start, _ = treatment_window(result.regimen)
    return f"week {week_on_clock(day, start)}"


def as_on_sheet(result, day: float, item: str) -> str:
    """A reading as the lab sheet of that day prints it, with its unit ('17 pg/mL', 'none seen', '< 0.1 IU/L'):
    a sentence beside a sheet quotes the sheet's own figure, never a differently rounded one."""
    from ..labs import lab_report

    line = lab_report(result, day)[item]
    return line.text if line.text[-1:].isalpha() else f"{line.text} {line.unit}"


def sheet_reading(result, day: float, item: str) -> float:
    """The number the lab sheet of that day prints for ``item`` (rounded as printed), to compare as a reader would."""
    from ..labs import lab_report

    line = lab_report(result, day)[item]
    return round(line.value, line.decimals if line.shown_decimals is None else line.shown_decimals)

