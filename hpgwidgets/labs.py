"""Simulated laboratory sheets.

``lab_report(result, day)`` shows what a clinician would read on the day of a blood
draw and a semen sample: total testosterone (ng/dL and nmol/L), LH, FSH and estradiol
beside their reference intervals with H/L flags, and a semen analysis against the WHO
2021 lower reference limits.  ``follow_up(result, days=[...])`` gives one report per
visit and a table over visits.

Three rules shape the sheet:

* One clock per story.  A sheet is dated in weeks since the start of the story's
  treatment (``clock_start_day``, default day 0 of the simulation), the clock of the
  charts and sentences beside it: "week 156", never "day 1094".

* Reference limits are inclusive.  A value exactly on a limit is inside the interval
  (no flag); "L" means strictly below the lower limit, "H" strictly above the upper
  limit.  Flags are decided on the value as printed (rounded to the laboratory's
  usual precision), so the sheet never shows "16.0 L" beside a limit of 16.  A small
  sperm count keeps two significant digits (0.14 million/mL x 2 mL reads "0.28", not "0").
* The model carries sperm concentration only.  Semen volume is an assumption (the
  patient's drawn volume in a cohort, otherwise the fertile-men median from
  ``data/population.csv``); motility and morphology are printed as "not modelled",
  never estimated.

Every number (limits, precision, molar mass, the azoospermia reading) comes from
``data/lab_report.csv``, ``data/population.csv`` and the lead's reference ranges.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import validation
from .markup import text as _escape
from .ranges import azoospermia_threshold, reference_range
from .references import cite
from .simulation import Result
from .summary import NO_SPERM_SEEN
from .tables import read_table
from .units import testosterone_ng_dl_to_nmol_l

__all__ = ["LabLine", "LabReport", "FollowUp", "lab_report", "follow_up", "flag_value"]

FLAG_LOW = "L"
FLAG_HIGH = "H"
NOT_MODELLED = "not modelled"

SERUM_SECTION = "Serum hormones"
SEMEN_SECTION = "Semen analysis (WHO 2021 lower reference limits)"

# model variable behind each serum line of the sheet
_SERUM_VARIABLE = {
    "testosterone": "testosterone",
    "testosterone_si": "testosterone",
    "lh": "lh",
    "fsh": "fsh",
    "estradiol": "estradiol",
}


def _lab_table() -> pd.DataFrame:
    import pandas as pd   # pandas (30 MiB a kernel) only where a table is made

    return pd.DataFrame(read_table("lab_report")).set_index("item")


def _typical_semen_volume() -> float:
    return float(next(row["median"] for row in read_table("population") if row["parameter"] == "semen_volume"))


def flag_value(value: float, low: float | None = None, high: float | None = None) -> str:
    """'L' if value < low, 'H' if value > high, '' otherwise (limits are inclusive)."""
    if low is not None and value < low:
        return FLAG_LOW
    if high is not None and value > high:
        return FLAG_HIGH
    return ""


def _format_number(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


# A sperm count is printed with at least this many significant digits (a laboratory's usual
# precision would print 0.14 million/mL x 2 mL as "0"), and at most this many decimals.
COUNT_SIGNIFICANT_DIGITS = 2
COUNT_MAX_DECIMALS = 3


def _count_decimals(value: float, decimals: int) -> int:
    """Decimals that print a sperm count ``value`` with COUNT_SIGNIFICANT_DIGITS (never fewer than ``decimals``)."""
    if value <= 0:
        return decimals
    leading = math.floor(math.log10(value))  # 0.28 -> -1: the first digit is the tenths
    return min(max(decimals, COUNT_SIGNIFICANT_DIGITS - 1 - leading), COUNT_MAX_DECIMALS)


def week_on_clock(day: float, clock_start_day: float = 0.0) -> int:
    """Whole weeks from ``clock_start_day`` (the start of the story's treatment) to ``day``: the
    week every sheet, chart and sentence of a story gives for that day."""
    return round((day - clock_start_day) / 7)


@dataclass(frozen=True)
class LabLine:
    """One line of a lab sheet.  ``value`` is None for what the model does not carry."""

    section: str
    item: str
    label: str
    value: float | None
    unit: str
    low: float | None
    high: float | None
    flag: str
    decimals: int  # of the reference limits (the laboratory's usual precision)
    comment: str = ""
    source: str = ""
    shown_decimals: int | None = None  # of the value, when it needs more than ``decimals``

    @property
    def text(self) -> str:
        if self.value is None:
            return NOT_MODELLED
        if self.comment.startswith(NO_SPERM_SEEN):
            return NO_SPERM_SEEN
        decimals = self.decimals if self.shown_decimals is None else self.shown_decimals
        if self.section == SERUM_SECTION and self.value == 0:  # below what the laboratory prints, not nothing
            return f"< {_format_number(10.0 ** -decimals, decimals)}"
        return _format_number(self.value, decimals)

    @property
    def reference(self) -> str:
        if self.low is not None and self.high is not None:
            return f"{_format_number(self.low, self.decimals)}–{_format_number(self.high, self.decimals)}"
        if self.low is not None:
            return f"≥ {_format_number(self.low, self.decimals)}"
        if self.high is not None:
            return f"≤ {_format_number(self.high, self.decimals)}"
        return ""


class LabReport:
    """A simulated lab sheet for one day: serum hormones and a semen analysis.

    ``day`` is the day of the simulation; ``week`` the same day on the story's clock (whole weeks
    since ``clock_start_day``), the one the sheet shows."""

    def __init__(self, day: float, lines: tuple[LabLine, ...], semen_volume: float, notes: tuple[str, ...],
                 clock_start_day: float = 0.0):
        self.day = day
        self.clock_start_day = clock_start_day
        self.week = week_on_clock(day, clock_start_day)
        self.lines = lines
        self.semen_volume = semen_volume
        self.notes = notes

    def __getitem__(self, item: str) -> LabLine:
        for line in self.lines:
            if line.item == item:
                return line
        raise KeyError(f"no line {item!r} on the lab sheet; lines are {[line.item for line in self.lines]}")

    @property
    def items(self) -> tuple[str, ...]:
        return tuple(line.item for line in self.lines)

    @property
    def flags(self) -> dict[str, str]:
        """item -> 'H', 'L' or '' for every line that carries a value."""
        return {line.item: line.flag for line in self.lines if line.value is not None}

    def to_frame(self) -> pd.DataFrame:
        """The sheet as a table: one row per line (value is NaN where not modelled)."""
        import pandas as pd

        return pd.DataFrame(
            {
                "day": self.day,
                "week": self.week,
                "section": [line.section for line in self.lines],
                "test": [line.label for line in self.lines],
                "result": [line.text for line in self.lines],
                "value": [math.nan if line.value is None else line.value for line in self.lines],
                "unit": [line.unit for line in self.lines],
                "reference": [line.reference for line in self.lines],
                "flag": [line.flag for line in self.lines],
                "comment": [line.comment for line in self.lines],
            }
        )

    def __repr__(self) -> str:
        rows = [f"Simulated lab report, week {self.week}"]
        section = None
        for line in self.lines:
            if line.section != section:
                section = line.section
                rows.append(f"  {section}")
            rows.append(
                f"    {line.label:<26} {line.text:>12} {line.flag:<1}  {line.unit:<22} {line.reference:<12} {line.comment}"
            )
        rows.extend(f"  * {note}" for note in self.notes)
        return "\n".join(rows)

    def _repr_html_(self) -> str:
        body = []
        section = None
        for line in self.lines:
            if line.section != section:
                section = line.section
                body.append(f'<tr><th colspan="5" style="text-align:left;background:#eef2f6">{_escape(section)}</th></tr>')
            body.append(_html_row(line))
        notes = "".join(f"<li>{_escape(note)}</li>" for note in self.notes)
        return (
            '<div class="hpg-lab-report" style="font-size:1.05em">'
            f"<b>Simulated lab report — week {self.week}</b>"
            '<table style="border-collapse:collapse">'
            "<thead><tr><th style='text-align:left'>Test</th><th style='text-align:right'>Result</th>"
            "<th style='text-align:center'>Flag</th><th style='text-align:left'>Unit</th><th style='text-align:left'>Reference</th></tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>"
            f"<ul style='font-size:0.9em'>{notes}</ul></div>"
        )


# Words read from the left, as their column headings (JupyterLab right-aligns every table cell).
_LEFT = "style='text-align:left'"


def _html_row(line: LabLine) -> str:
    flag_style = "color:#b00020;font-weight:bold" if line.flag else ""
    value_style = "color:#777;font-style:italic" if line.value is None else flag_style
    comment = f"<br><small>{_escape(line.comment)}</small>" if line.comment else ""
    return (
        f"<tr><td {_LEFT}>{_escape(line.label)}{comment}</td>"
        f"<td style='text-align:right;{value_style}'>{_escape(line.text)}</td>"
        f"<td style='text-align:center;{flag_style}'>{line.flag}</td>"
        f"<td {_LEFT}>{_escape(line.unit)}</td><td {_LEFT}>{_escape(line.reference)}</td></tr>"
    )


def _check_result(result):
    if isinstance(result, Result):
        return result
    if validation.is_cohort(result):
        raise TypeError("lab_report needs one man's Result, got a Cohort; use cohort.result(index) for "
                        "patient `index`, e.g. hpg.lab_report(cohort.result(0), day)")
    raise TypeError(f"result must be an hpg.simulate Result, got {type(result).__name__} {result!r}"[:300])


def _check_day(result, day) -> float:
    first_day, last_day = float(result.t[0]), float(result.t[-1])
    return validation.number("day (of the simulation, for the lab draw)", day, low=first_day, high=last_day,
                             unit="days; simulate longer to report later days")


# The largest ejaculate the report accepts: WHO 2021's 95th centile is about 6 mL and
# reports of more than 15 mL are rare case reports (assumption: a physical ceiling, not a norm).
# Above it a total count would mean nothing (1e308 mL gave "inf").
MAX_SEMEN_VOLUME_ML = 20.0


def _check_volume(semen_volume) -> float:
    return validation.number("semen_volume", semen_volume, above=0, high=MAX_SEMEN_VOLUME_ML, unit="mL")


def _serum_lines(values: dict[str, float], table: pd.DataFrame) -> list[LabLine]:
    lines = []
    for item, variable in _SERUM_VARIABLE.items():
        row = table.loc[item]
        decimals = int(row["decimals"])
        interval = reference_range(variable)
        low, high, value = float(interval.low), float(interval.high), float(values[variable])
        if item == "testosterone_si":
            low, high, value = (testosterone_ng_dl_to_nmol_l(x) for x in (low, high, value))
        reported = round(value, decimals)
        if interval.source:
            cite(interval.source)
        lines.append(
            LabLine(
                section=SERUM_SECTION,
                item=item,
                label=row["label"],
                value=reported,
                unit=row["unit"],
                low=round(low, decimals),
                high=round(high, decimals),
                flag=flag_value(reported, round(low, decimals), round(high, decimals)),
                decimals=decimals,
                source=interval.source,
            )
        )
    return lines


def _semen_lines(concentration: float, semen_volume: float, table: pd.DataFrame) -> list[LabLine]:
    azoospermia_below = azoospermia_threshold()
    no_sperm = concentration < azoospermia_below
    model_values = {
        "semen_volume": semen_volume,
        "sperm_concentration": concentration,
        "total_sperm_number": concentration * semen_volume,
    }
    lines = []
    for item, row in table[table["kind"] == "semen"].iterrows():
        decimals = int(row["decimals"])
        limit = float(row["value"])
        source = row["source"]
        if source:
            cite(source)
        if row["modelled"] == "no":
            lines.append(
                LabLine(SEMEN_SECTION, item, row["label"], None, row["unit"], limit, None, "", decimals,
                        comment="the model does not simulate this", source=source)
            )
            continue
        shown = _count_decimals(model_values[item], decimals) if row["modelled"] == "yes" else decimals
        reported = round(model_values[item], shown)
        comment = ""
        if row["modelled"] == "assumed":
            comment = "assumed, not simulated"
        elif no_sperm:
            comment = f"{NO_SPERM_SEEN}: azoospermia (model reading, below {azoospermia_below:g} million/mL)"
        lines.append(
            LabLine(SEMEN_SECTION, item, row["label"], reported, row["unit"], limit, None,
                    flag_value(reported, low=limit), decimals, comment=comment, source=source, shown_decimals=shown)
        )
    return lines


def _notes(semen_volume: float, volume_origin: str) -> tuple[str, ...]:
    return (
        "Weeks count from the start of the story's treatment, as on its charts.",
        "Reference limits are inclusive: a result equal to a limit is within range; "
        "L = below the lower limit, H = above the upper limit.",
        f"Semen volume is not simulated: {semen_volume:.1f} mL is {volume_origin}; "
        "total sperm number = concentration × that volume.",
        "Motility and morphology are not modelled; they are left blank rather than invented.",
        "Simulated by a teaching model: not a patient's result and not dosing advice.",
    )


def _check_clock_start(clock_start_day) -> float:
    return validation.number("clock_start_day (the day the story's treatment starts, its week 0)", clock_start_day,
                             unit="days")


def lab_report(result, day: float, *, semen_volume: float | None = None, clock_start_day: float = 0.0) -> LabReport:
    """The lab sheet a clinician would read on ``day`` of a simulation.

    ``result`` is an ``hpg.simulate`` Result; ``day`` must lie inside the simulated
    period.  ``semen_volume`` (mL) overrides the assumed volume used for the total
    sperm number.  ``clock_start_day``: the day the story's treatment starts; the sheet is
    dated in weeks since then (as a chart drawn with ``origin_day=clock_start_day``).
    """
    result = _check_result(result)
    day = _check_day(result, day)
    clock_start_day = _check_clock_start(clock_start_day)
    if semen_volume is not None:
        volume, origin = _check_volume(semen_volume), "the volume you gave"
    elif getattr(result, "semen_volume", None) is not None:       # set on a cohort patient's Result
        volume, origin = _check_volume(result.semen_volume), "this virtual patient's drawn volume"
    else:
        volume, origin = _typical_semen_volume(), "the median of fertile men (WHO 2021), assumed"
    values = result.at(day)
    table = _lab_table()
    lines = _serum_lines(values, table) + _semen_lines(float(values["sperm"]), volume, table)
    return LabReport(day, tuple(lines), volume, _notes(volume, origin), clock_start_day)


class FollowUp:
    """Lab reports at chosen visits, shown as one table over visits."""

    def __init__(self, reports: tuple[LabReport, ...]):
        self.reports = reports

    @property
    def days(self) -> tuple[float, ...]:
        return tuple(report.day for report in self.reports)

    @property
    def weeks(self) -> tuple[int, ...]:
        """The visits on the story's clock (see ``lab_report``)."""
        return tuple(report.week for report in self.reports)

    def __len__(self) -> int:
        return len(self.reports)

    def __getitem__(self, index: int) -> LabReport:
        return self.reports[index]

    def __iter__(self):
        return iter(self.reports)

    def to_frame(self) -> pd.DataFrame:
        """Tidy table: one row per visit and test (day, week, section, test, result, value, unit, reference, flag,
        comment)."""
        import pandas as pd

        return pd.concat([report.to_frame() for report in self.reports], ignore_index=True)

    def table(self) -> pd.DataFrame:
        """Wide table for reading: one row per test, one column per visit ('Week 13': '12.3 L')."""
        long = self.to_frame()
        long["shown"] = (long["result"] + " " + long["flag"]).str.strip()
        long["visit"] = long["week"].map(lambda week: f"Week {week}")
        wide = long.pivot_table(index=["section", "test", "unit", "reference"], columns="visit", values="shown",
                                aggfunc="first", sort=False)
        wide = wide[[f"Week {week}" for week in dict.fromkeys(self.weeks)]]
        return wide.reset_index().rename_axis(columns=None)

    def __repr__(self) -> str:
        return self.table().to_string(index=False)

    def _repr_html_(self) -> str:
        table = self.table()
        visits = [column for column in table.columns if column.startswith("Week ")]
        header = ("".join(f"<th {_LEFT}>{_escape(column)}</th>" for column in ["Test", "Unit", "Reference"])
                  + "".join(f"<th style='text-align:right'>{_escape(column)}</th>" for column in visits))
        body = []
        section = None
        for _, row in table.iterrows():
            if row["section"] != section:
                section = row["section"]
                body.append(f'<tr><th colspan="{3 + len(visits)}" style="text-align:left;background:#eef2f6">'
                            f"{_escape(section)}</th></tr>")
            if all(str(row[visit]) == NOT_MODELLED for visit in visits):  # said once, not once per visit
                cells = [f"<td colspan='{len(visits)}' style='text-align:center;color:#777;font-style:italic'>"
                         f"{NOT_MODELLED}</td>"]
            else:
                cells = []
                for visit in visits:
                    shown = str(row[visit])
                    style = "color:#b00020;font-weight:bold" if shown.endswith((" H", " L")) else ""
                    cells.append(f"<td style='text-align:right;{style}'>{_escape(shown)}</td>")
            body.append(f"<tr><td {_LEFT}>{_escape(row['test'])}</td><td {_LEFT}>{_escape(row['unit'])}</td>"
                        f"<td {_LEFT}>{_escape(row['reference'])}</td>{''.join(cells)}</tr>")
        notes = "".join(f"<li>{_escape(note)}</li>" for note in self.reports[0].notes)
        return (
            '<div class="hpg-follow-up" style="font-size:1.05em"><b>Simulated follow-up</b>'
            f'<table style="border-collapse:collapse"><thead><tr>{header}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table><ul style='font-size:0.9em'>{notes}</ul></div>"
        )


def follow_up(result, days, *, semen_volume: float | None = None, clock_start_day: float = 0.0) -> FollowUp:
    """Lab reports at each of ``days`` (visits in days of the simulation), dated in weeks since
    ``clock_start_day`` (see ``lab_report``)."""
    if isinstance(days, (str, bytes)) or not hasattr(days, "__iter__"):
        raise TypeError(f"days must be a list of visit days, e.g. [0, 90, 180]; got {days!r}")
    visits = list(days)
    if not visits:
        raise ValueError("days must name at least one visit, e.g. [0, 90, 180]")
    reports = tuple(lab_report(result, day, semen_volume=semen_volume, clock_start_day=clock_start_day)
                    for day in visits)
    days_of_week = {}
    for report in reports:
        days_of_week.setdefault(report.week, set()).add(report.day)
    shared = {week: sorted(days) for week, days in days_of_week.items() if len(days) > 1}
    if shared:
        clashes = "; ".join(f"days {', '.join(f'{day:g}' for day in days)} fall in week {week}"
                            for week, days in shared.items())
        raise ValueError(f"days: two visits fall in the same week of the story's clock ({clashes}); "
                         "the sheets are dated in weeks, so choose one visit per week")
    return FollowUp(reports)
