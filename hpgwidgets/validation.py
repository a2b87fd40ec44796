"""One policy for what a user may pass in: every public entry point checks its arguments here.

- A wrong type (text where a number belongs, ``True`` for a dose, a list for a drug id)
  raises ``TypeError``; a value of the right type that is not allowed (NaN, infinity,
  out of range, 2.5 patients, an unknown choice) raises ``ValueError``.
- Every message names the argument, says what is allowed and shows what was given.
- Wherever a whole number is expected, numpy integers (``np.int64(365)``) and integral
  floats (``365.0``) are accepted; ``5.5`` is refused, never rounded or cut.
- ``seed=None`` means a fresh random seed, as in numpy; the seed drawn is returned so the
  run can be repeated.
- Nothing is clamped and no NaN is let through.

Only the checking lives here; the limits themselves live with what they describe (drug
limits in data/drugs.csv, patient ranges in patient.py, time limits below).
"""
from __future__ import annotations

import math
import os
import sys
from numbers import Integral, Real
from pathlib import Path
from typing import Iterable

import numpy as np

# Time limits of one simulation, checked before anything is allocated. They protect a
# classroom kernel (and a JupyterLite browser tab, which has no swap) from a request that
# would take minutes and gigabytes; no teaching scenario comes near them.
MAX_DAYS = 365 * 30             # longest simulation horizon: 30 years
MIN_DOSE_INTERVAL_DAYS = 1 / 1440  # one minute: the fastest pump programme a model step can tell apart
MAX_DOSE_SERIES = 1_000         # Dose objects in one Regimen (a course is one Dose, not one per injection)
MAX_DOSE_EVENTS = 1_000_000     # dose events in one simulation (e.g. a pulse every minute for 694 days)
MAX_GRID_POINTS = 100_000       # model time steps of one simulation (e.g. 10 years at hourly steps: about 10 s)
MAX_COHORT_VALUES = 10_000_000  # patients x time steps of one cohort (e.g. 1000 men x 10 years, 5000 men x 2 years)


def shown(value) -> str:
    """``repr(value)``, cut to 80 characters (a message must stay readable)."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def figure(value: float) -> str:
    """A number as short as it can be written without changing it (``100.0001``, not ``:g``'s ``100``)."""
    if isinstance(value, (Integral, np.integer)):
        return str(int(value))
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _given(value) -> str:
    return f"got {type(value).__name__} {shown(value)}"


def _range_text(low, high, unit: str) -> str:
    unit = f" {unit}" if unit else ""
    if low is None and high is None:
        return f"any{unit}"
    if low is not None and high is not None:
        return f"{figure(low)} to {figure(high)}{unit}"
    if low is not None:
        return f"at least {figure(low)}{unit}"
    return f"at most {figure(high)}{unit}"


def is_number(value) -> bool:
    """A real number that is not a bool (Python and numpy ints and floats)."""
    return isinstance(value, Real) and not isinstance(value, (bool, np.bool_))


def _as_float(name: str, value) -> float:
    """``float(value)``; a number beyond what a float holds (``10**400``) is refused by name."""
    try:
        return float(value)
    except OverflowError:
        raise ValueError(f"{name} must be a finite number, got a number with {len(str(int(value)))} digits") from None


def number(name: str, value, *, low: float | None = None, high: float | None = None, unit: str = "",
           above: float | None = None, allow_none: bool = False) -> float | None:
    """``value`` as a finite float within [low, high] (and > ``above``); None if allowed.

    >>> number("amount", 200, low=0, unit="mg")
    200.0
    """
    if value is None and allow_none:
        return None
    if not is_number(value):
        none = " or None" if allow_none else ""
        raise TypeError(f"{name} must be a number{none}, {_given(value)}")
    value = _as_float(name, value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if above is not None and not value > above:
        raise ValueError(f"{name} must be greater than {figure(above)}{' ' + unit if unit else ''}, "
                         f"got {figure(value)}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{name} = {figure(value)} is outside the allowed range ({_range_text(low, high, unit)})")
    return value


def whole_number(name: str, value, *, low: int | None = None, high: int | None = None, unit: str = "") -> int:
    """``value`` as an int within [low, high]; numpy integers and integral floats count.

    >>> whole_number("n", 5.0, low=1)
    5
    """
    if not is_number(value):
        raise TypeError(f"{name} must be a whole number ({_range_text(low, high, unit)}), {_given(value)}")
    if not isinstance(value, (Integral, np.integer)):
        value = _as_float(name, value)
        if not math.isfinite(value) or not value.is_integer():
            raise ValueError(f"{name} must be a whole number ({_range_text(low, high, unit)}), got {value!r}")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{name} must be a whole number ({_range_text(low, high, unit)}), got {shown(value)}")
    return value


def number_list(name: str, values, *, low: float | None = None, high: float | None = None, unit: str = "",
                example: str = "") -> list[float]:
    """A non-empty list (or tuple, or 1-D array) of numbers, each checked by ``number``."""
    if isinstance(values, (str, bytes, dict)) or not np.iterable(values) or np.ndim(values) != 1:
        raise TypeError(f"{name} must be a list of numbers{' such as ' + example if example else ''}, {_given(values)}")
    if len(values) == 0:
        raise ValueError(f"{name} must hold at least one number{' such as ' + example if example else ''}")
    return [number(f"{name}[{index}]", value, low=low, high=high, unit=unit) for index, value in enumerate(values)]


def days(name: str, value, *, low: float = 1, high: float = MAX_DAYS, multiple_of: float | None = None,
         multiple_name: str = "") -> float:
    """A number of days within [low, high]; with ``multiple_of``, a whole multiple of it
    (a simulation reports on a fixed grid: a fraction of a step is refused, never cut)."""
    value = number(name, value, low=low, high=high, unit="days")
    if multiple_of is not None:
        count = value / multiple_of
        if abs(count - round(count)) > 1e-9 * max(1.0, count):
            lower, upper = math.floor(count) * multiple_of, math.ceil(count) * multiple_of
            raise ValueError(f"{name} must be a whole multiple of {multiple_name or 'the step'} ({multiple_of:g} day"
                             f"{'' if multiple_of == 1 else 's'}), "
                             f"e.g. {figure(lower)} or {figure(upper)}; got {figure(value)}")
    return value


def choice(name: str, value, allowed: Iterable):
    """``value`` if it is one of ``allowed`` (TypeError for an unhashable or non-text value
    where text choices are expected)."""
    allowed = tuple(allowed)
    if all(isinstance(option, str) for option in allowed) and not isinstance(value, str):
        raise TypeError(f"{name} must be one of {', '.join(map(repr, allowed))}; {_given(value)}")
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}; got {shown(value)}")
    return value


def text(name: str, value) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be text, {_given(value)}")
    return value


def keys(name: str, mapping, *, allowed: Iterable[str], required: Iterable[str] = ()) -> None:
    """Refuse unknown or missing keys of ``mapping``, naming both and the keys allowed."""
    allowed, required = list(allowed), list(required)
    unknown = sorted(map(str, set(mapping) - set(allowed)))
    missing = [key for key in required if key not in mapping]
    if unknown or missing:
        problems = ([f"unknown keys {unknown}"] if unknown else []) + ([f"missing keys {missing}"] if missing else [])
        raise ValueError(f"{name}: {', '.join(problems)}; allowed keys: {allowed}")


def instance(name: str, value, kind: type | tuple, what: str):
    """``value`` if it is a ``kind``; TypeError naming ``what`` is expected otherwise."""
    if not isinstance(value, kind):
        raise TypeError(f"{name} must be {what}, {_given(value)}")
    return value


def file_path(name: str, value) -> Path:
    """``value`` (text or a path object) as a Path the file system can name: a NUL character or a
    lone surrogate (neither can be stored in a file name) is refused by name, before any file is touched."""
    instance(name, value, (str, os.PathLike), "a file path")
    spelled = os.fspath(value)
    if isinstance(spelled, str):
        if "\0" in spelled:
            raise ValueError(f"{name} must not contain a NUL character (\\0), got {shown(value)}")
        try:
            spelled.encode("utf-8")
        except UnicodeEncodeError as problem:
            raise ValueError(f"{name} must be text a file name can hold; character {problem.start} "
                             f"({spelled[problem.start]!r}) is a lone surrogate") from None
    return Path(value)


def flag(name: str, value) -> bool:
    """``value`` as a bool if it is True or False (numpy's too); 1, 'yes' or None are refused, not read as truth."""
    return bool(instance(name, value, (bool, np.bool_), "True or False"))


def is_cohort(value) -> bool:
    """Whether ``value`` is a Cohort, without loading the cohort module (pandas, scipy.special) to
    ask: while it is not loaded, no Cohort exists."""
    cohort = sys.modules.get(f"{__package__}.cohort")
    return cohort is not None and isinstance(value, cohort.Cohort)


def simulation_result(name: str, value, *, allow_none: bool = False):
    """``value`` if it is one simulation's ``Result`` (or None, if allowed); TypeError otherwise."""
    from .simulation import Result

    if value is None and allow_none:
        return None
    if is_cohort(value):
        raise TypeError(f"{name} must be one simulation's Result (from hpg.simulate); this is a Cohort of "
                        f"{value.n} men: pick one with cohort.result(index), or chart it with hpg.recovery")
    return instance(name, value, Result, "a Result from hpg.simulate()" + (" or None" if allow_none else ""))


def chart_arguments(result, *, compare=None, cursor_day=0.0) -> None:
    """The checks of a time-series chart's arguments (charts.timeseries_chart and _spec)."""
    simulation_result("result", result)
    simulation_result("compare", compare, allow_none=True)
    number("cursor_day", cursor_day, low=0, unit="days")


MAX_CHART_COLUMNS = 6  # panels side by side: more would not fit a projector's width


def chart_options(result, variables, *, window_days=None, columns: int = 2, origin_day: float = 0.0,
                  heading=None, names=None) -> None:
    """The checks of a time-series chart's layout arguments (``charts.timeseries_chart``):
    variables of ``result``, a (first, last) window, panels a row, the clock's origin, texts."""
    if variables is None:
        raise TypeError(f"variables must be a list of variables of this Result, e.g. {list(result.variables)[:4]}; "
                        "got None")
    if known_keys("variables", variables, result.variables, "variables of this Result") == []:
        raise ValueError(f"variables must name at least one variable of this Result, e.g. {list(result.variables)[:4]}")
    if window_days is not None:
        if isinstance(window_days, (str, bytes)) or not np.iterable(window_days) or len(window_days) != 2:
            raise TypeError(f"window_days must be None or (first day, last day), {_given(window_days)}")
        first = number("window_days first day", window_days[0], low=0, unit="days")
        last = number("window_days last day", window_days[1], low=0, unit="days")
        if not first < last:
            raise ValueError(f"window_days must be (first day, last day) with first < last, "
                             f"got ({figure(first)}, {figure(last)})")
    whole_number("columns", columns, low=1, high=MAX_CHART_COLUMNS, unit="panels a row")
    number("origin_day", origin_day, low=0, high=MAX_DAYS, unit="days")
    if heading is not None:
        text("heading", heading)
    run_names(names)


def run_names(names):
    """None, or (this run's name, the compared run's name): two texts."""
    if names is not None:
        if isinstance(names, (str, bytes)) or not np.iterable(names) or len(names) != 2:
            raise TypeError(f"names must be None or (this run's name, the compared run's name), {_given(names)}")
        for name in names:
            text("names entry", name)
    return names


def text_list(name: str, values, what: str) -> list[str]:
    """``values`` as a list of text (a list, tuple or other iterable, but not one string)."""
    if isinstance(values, (str, bytes)) or not np.iterable(values):
        raise TypeError(f"{name} must be a list of {what}, {_given(values)}")
    values = list(values)
    for value in values:
        text(f"{name} entry", value)
    return values


EXPORT_FORMATS = ("png", "svg")  # what vl-convert writes offline
EXPORT_SCALES = (0.25, 8.0)      # a PNG's size against the screen: 8 x a 1000-px chart is already 8000 px wide


def export_options(folder, name, formats, scale_factor) -> list[str]:
    """The checks of a figure export (``charts.export_chart``, the Workbench's Save buttons);
    returns the formats as a list."""
    instance("folder", folder, (str, os.PathLike), "a folder path")
    text("name", name)
    if not name.strip() or any(separator in name for separator in ("/", "\\", "\0")) or name.startswith("."):
        raise ValueError(f"name must be a plain file name without folders, got {shown(name)}")
    number("scale_factor", scale_factor, low=EXPORT_SCALES[0], high=EXPORT_SCALES[1], unit="times the screen size")
    return export_formats(formats)


def export_formats(formats) -> list[str]:
    """``formats`` as a non-empty list of EXPORT_FORMATS (a lone ``'png'`` is refused, not split into letters)."""
    formats = text_list("formats", formats, f"image formats among {EXPORT_FORMATS}, such as ('png',)")
    if not formats:
        raise ValueError(f"formats must name at least one of {EXPORT_FORMATS}")
    for fmt in formats:
        choice("formats entry", fmt, EXPORT_FORMATS)
    return formats


def known_keys(name: str, keys, known: Iterable[str], what: str) -> list[str]:
    """``keys`` as a list of text, each one of ``known``; None stays None."""
    if keys is None:
        return None
    keys, known = text_list(name, keys, what), set(known)
    unknown = [key for key in keys if key not in known]
    if unknown:
        listed = sorted(known)
        raise ValueError(f"{name}: unknown {what} {unknown}; known: {', '.join(listed[:12])}"
                         + (f" ... ({len(listed)} in all)" if len(listed) > 12 else ""))
    return keys


def seed(value) -> int:
    """A seed for ``numpy.random.default_rng``: a whole number >= 0, or None for a fresh one
    (drawn from the operating system and returned, so the run can be repeated)."""
    if value is None:
        return int(np.random.SeedSequence().entropy)
    return whole_number("seed", value, low=0)


def limit(name: str, amount: float, most: float, what: str, advice: str = "") -> None:
    """Refuse work that would exceed a size limit, saying both numbers and the limit."""
    if amount > most:
        raise ValueError(f"{name}: {what} would be {amount:,.0f}; the limit is {most:,.0f}"
                         + (f" ({advice})" if advice else ""))


__all__ = ["MAX_DAYS", "MIN_DOSE_INTERVAL_DAYS", "MAX_DOSE_SERIES", "MAX_DOSE_EVENTS", "MAX_GRID_POINTS", "MAX_COHORT_VALUES",
           "number", "number_list", "whole_number", "days", "choice", "text", "keys", "instance", "file_path", "flag", "shown", "simulation_result", "chart_arguments", "chart_options", "run_names", "text_list", "export_options", "export_formats", "EXPORT_FORMATS", "known_keys", "figure", "seed", "limit", "is_number"]
