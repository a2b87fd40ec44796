"""Charts: pure functions from a simulation ``Result`` to an Altair chart.

Nothing here runs a simulation (the widgets do); every function takes results that
already exist and returns an Altair chart that renders the same in JupyterLab, in
JupyterLite and in an exported PNG/SVG.

Choices a reader of the charts should know about:

- Time runs in weeks on the story's clock: since day 0 by default, or since `origin_day` (the
  start of the treatment the story is about), named by the axis title; tooltips also give the day.
  Every panel's y axis takes the same room and a treatment timeline sits under each column, so
  a dose lines up with what it did.
- Serum testosterone, LH, FSH and estradiol use linear axes starting at zero.
  Intratesticular testosterone and sperm concentration span orders of magnitude, so
  they use log axes. A log axis cannot show zero, and the model can reach (nearly)
  zero sperm, so values below one thousandth of the patient's untreated value are
  drawn on that floor (one thousandth of the lower reference limit for a patient who
  starts with none); the panel subtitle says so and the tooltip shows the true value.
- Colours come from the Okabe-Ito palette, which stays distinguishable for the common
  colour-vision deficiencies; the pinned scenario is also dashed, so a comparison
  never relies on colour alone.
- Fonts are sized for a projector at the back of a lecture hall.
- No mark is clipped (``clip``): Vega draws a clip as an SVG ``<clipPath id="clip1">``
  numbered per copy of its JavaScript, and every JupyterChart widget loads its own copy,
  so two charts on one page share ids and one is cut to the other's area (vega/vega#3987).
  Marks are kept inside the window by their data instead: the series is cut to it,
  dose ticks and the cursor outside it are filtered out and phase bars are trimmed to it.

How the data travels: the series, the treatment phases and the dose times are chart
*params* (named values inside the spec), and the marks read them through a row
generator. A widget can then redraw a chart in place by updating those params
(``jupyter_chart.params.series = ...``, see ``timeseries_params``) without sending a new
spec; a plain ``chart.save(...)`` or ``chart.to_dict()`` still holds everything.
"""
from __future__ import annotations

import functools
import io
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import numpy as np

# pandas (about 30 MiB in a kernel) is imported inside the helpers that return DataFrames: the
# widgets and specs are built without it (benchmarks/bench_kernel_memory.py).
from . import offline, validation
from .chart_widget import ChartWidget, catch_give_ups
from .pharmacology import DRUGS, testosterone_drugs
from .ranges import reference_range
from .regimen import Regimen
from .simulation import CLINICAL, LABELS


def enable_offline_charts(renderer: bool = False) -> None:
    """Let charts render with no internet, from the Vega bundle shipped in this package (no
    vl-convert in the kernel; see hpgwidgets.offline): for JupyterChart widgets and, with
    ``renderer=True``, for plain charts shown as a notebook cell's output. The same in
    JupyterLab, Voila and JupyterLite. Also opens the kernel's ``GiveUpCatcher``, so that the page
    catches anywidget's give-up error before the first chart is made (``hpgwidgets.chart_widget``)."""
    offline.use_bundled_vega()
    catch_give_ups()
    if renderer:
        alt.renderers.enable(CHART_RENDERER)


CHART_RENDERER = "hpgwidgets"


def _render_as_chart_widget(spec: dict, **metadata) -> dict:
    """Altair's "jupyter" renderer, drawing with ``ChartWidget`` (loads on a busy machine too)."""
    chart = offline.chart_from_valid_spec(spec)   # validated a moment ago by to_dict(): not again
    return ChartWidget(chart, embed_options=metadata.get("embed_options"))._repr_mimebundle_()


alt.renderers.register(CHART_RENDERER, _render_as_chart_widget)

CLINICAL_VARIABLES = CLINICAL  # one list of clinical variables: simulation.CLINICAL
LOG_SCALE_VARIABLES = frozenset({"itt", "sperm"})
# Log-axis variables with a laboratory lower limit (intratesticular testosterone has none).
SERIES_WITH_LOWER_LIMIT = frozenset({"sperm"})
# Decades shown below the untreated value on log axes (see the module docstring).
LOG_FLOOR_FRACTION_OF_BASELINE = 1e-3

# Okabe & Ito (2008), "Color Universal Design": eight colours safe for colour-blind readers.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
CURRENT_COLOUR = OKABE_ITO["blue"]
PINNED_COLOUR = OKABE_ITO["orange"]
REFERENCE_BAND_COLOUR = "#BBBBBB"
# Not grey: its tint behind the curves must not look like the grey reference band.
TESTOSTERONE_COLOUR = "#8B5A2B"
DRUG_COLOURS = {
    **dict.fromkeys(testosterone_drugs(), TESTOSTERONE_COLOUR),
    "hcg": OKABE_ITO["bluish_green"],
    "clomiphene": OKABE_ITO["sky_blue"],
    "tamoxifen": OKABE_ITO["reddish_purple"],
    "anastrozole": OKABE_ITO["yellow"],
    "gonadorelin": OKABE_ITO["vermillion"],
}

# The series keys each of its rows by scenario with these (short: a slider move sends one per
# day shown); the names the legend and tooltips show are the LABELS_PARAM param, by default
# SCENARIO_NAMES.
CURRENT_LABEL = "now"
PINNED_LABEL = "pinned"
SCENARIO_NAMES = ("This scenario", "Pinned")

# Names of the chart params a widget updates to redraw in place.
SERIES_PARAM = "series"
TREATMENTS_PARAM = "treatments"
DOSES_PARAM = "doses"
WINDOW_PARAM = "window_weeks"
HOVER_PARAM = "hover_every_days"
LOG_FLOOR_PARAM = "log_floors"
CURSOR_PARAM = "cursor_day"
LABELS_PARAM = "scenario_labels"  # legend and tooltip names of the two scenarios
HEADING_PARAM = "heading"  # the chart's heading lines, when it has one
ORIGIN_PARAM = "origin_day"  # the day the chart's clock starts (its week 0): the story's first treatment
# The time axis's title: "Week" counts from day 0; a story that starts its clock elsewhere says so
# ("Weeks since stopping testosterone").
TIME_TITLE = "Week"

PANEL_WIDTH = 340
PANEL_HEIGHT = 170
# Sizing to a container (``chart_size``): room Vega needs beside the plotting areas, in px
# at font scale 1.
PANEL_SPACING = 36
VCONCAT_SPACING = 20  # px between rows of panels
# Right of the last plot: half its last week label, and the 38 px vega-embed keeps for its
# actions menu ("..."), which a chart too wide for its box would push out of sight.
VEGA_EMBED_ACTIONS_ROOM = 38
RIGHT_ROOM = 24 + VEGA_EMBED_ACTIONS_ROOM
MIN_PANEL_WIDTH = 240
# When the window's height is given, narrower panels are accepted for fewer rows: a short screen
# (a projector at 1280x720) shows every panel at once rather than wide panels below the fold.
MIN_PANEL_WIDTH_SHORT_SCREEN = 190
MAX_PANEL_WIDTH = 560
MAX_COLUMNS = 4
# Every panel's y axis takes the same room (ticks and labels; the title beyond it), so the plots of
# a column line up and the treatment row below lines up with them.
Y_AXIS_EXTENT = 50
Y_TITLE_ROOM = 24  # title padding plus the rotated title's line height, at font scale 1
Y_AXIS_ROOM = Y_AXIS_EXTENT + Y_TITLE_ROOM
X_TICK_SPACING = 64  # px between week labels at font scale 1: "150 152 154" never runs together
PANEL_ASPECT = 0.5  # height / width
PANEL_HEIGHT_RANGE = (150, 230)
# Fitting the window's height: the room a panel needs besides its plot (title, x axis, spacing)
# and the timeline's, in px at font scale 1.
SCREEN_HEIGHT_SHARE = 0.7
PANEL_ROOM_Y = 105
TIMELINE_ROOM_Y = 180  # two drugs (each TIMELINE_ROW_HEIGHT), the week axis and the title
TOP_ROOM_Y = 45  # the chart's heading (one line) or key above the panels
SUBTITLE_LINE_Y = 20  # a line of a panel's subtitle (log panels: LOG_SUBTITLE), with its spacing
MIN_PANEL_HEIGHT = 80
# From this container width up (a projector, a large monitor) the type grows by LARGE_FONT_SCALE.
LARGE_SCREEN_PX = 1400
LARGE_FONT_SCALE = 1.25
TIMELINE_ROW_HEIGHT = 40  # a drug's name above its bar
TIMELINE_BAR_HEIGHT = 14
TIMELINE_BAR_OFFSET = 9  # bar centre below the row's centre, leaving the top half to the name
# Rows the treatment timeline can hold (dose lines) and dose ticks it can draw; a
# chart built for a regimen keeps room for at least these many when updated in place.
TREATMENT_CAPACITY = 16
DOSE_TICK_CAPACITY = 1500
# A pump pulsing every 90 minutes gives thousands of doses a year, a daily tablet hundreds: a
# dose line with more doses than this inside the window shows as its bar alone (ticks a pixel or
# two apart would paint the bar black).
MAX_DOSE_TICKS_PER_LINE = 120
# Ticks of one drug closer together than this on the drawn timeline (hCG every other day over a year and
# a half, weekly injections over three years) would paint its bar dark: only every so many doses is drawn,
# so that drawn neighbours are at least this far apart. Measured in Python from the panel's width, never
# in Vega, so the browser and an offline drawing of the same params draw the same ticks.
MIN_DOSE_TICK_GAP_PX = 6
# Hover targets per curve: each is an SVG element the browser must move on every redraw,
# so a curve offers a tooltip every few days (about 30 targets), never every day. The
# stride is never a whole number of weeks, so tooltips do not all fall on injection days.
# With 60 the targets were three quarters of a dose move's redraw in the browser (30 of 41 ms,
# bench_browser_latency.py --parts); 30 targets of 150 px^2 (about 14 px across) still cover a
# 78-week curve with no gap on the Workbench's 340-px panel (one every 19 days, about 12 px apart).
MAX_HOVER_POINTS_PER_CURVE = 30
SIGNIFICANT_DIGITS = 4
LOG_AXIS_DECADES = [10.0 ** exponent for exponent in range(-4, 7)]
# Log-axis tick labels in plain decimals with thousands separators ("10,000", "0.001"),
# as the linear axes print theirs; "~g" would print "10000" and "1e+6".
LOG_AXIS_FORMAT = ",~r"

PROJECTOR_CONFIG = {
    "font": "sans-serif",
    "axis": {"labelFontSize": 15, "titleFontSize": 16, "titleFontWeight": "normal",
             "gridColor": "#E5E5E5"},
    "legend": {"labelFontSize": 16, "titleFontSize": 16, "symbolStrokeWidth": 4, "symbolSize": 300},
    "title": {"fontSize": 19, "subtitleFontSize": 14, "anchor": "start", "subtitleColor": "#444444"},
    "view": {"stroke": None},
}


def _scaled(config: dict, factor: float) -> dict:
    """``config`` with every font and symbol size multiplied by ``factor``."""
    if isinstance(config, dict):
        return {key: (round(value * factor, 1) if key.endswith(("FontSize", "fontSize", "Size")) and
                      isinstance(value, (int, float)) else _scaled(value, factor)) for key, value in config.items()}
    return config


@dataclass(frozen=True)
class ChartSize:
    """How a time-series chart fills a container: columns, panel size, type size.

    ``ChartSize.fitting(width_px, panels)`` picks the fewest rows whose panels stay at least
    MIN_PANEL_WIDTH wide (balanced: 5 panels as 3 + 2), then widens the panels to fill the
    width. ``ChartSize()`` is the fixed default for exported figures and static pages.
    """

    columns: int = 2
    panel_width: int = PANEL_WIDTH
    panel_height: int = PANEL_HEIGHT
    font_scale: float = 1.0

    @classmethod
    def fitting(cls, width_px: float, panels, height_px: float | None = None,
                height_share: float = SCREEN_HEIGHT_SHARE) -> "ChartSize":
        """``panels``: how many (an int), or the variables drawn, in order (then the rows holding a
        log-scale panel keep room for its subtitle's lines when the height is fitted).

        ``height_px`` (the browser window's height, or the room below the chart), if given, flattens
        the panels so that the rows and the timeline take at most ``height_share`` of it (never below
        MIN_PANEL_HEIGHT), and accepts panels down to MIN_PANEL_WIDTH_SHORT_SCREEN for fewer rows."""
        variables = None if isinstance(panels, (int, np.integer)) and not isinstance(panels, bool) else panels
        if variables is not None:
            if isinstance(variables, str) or not all(isinstance(name, str) for name in variables):
                raise TypeError(f"panels must be a number of panels or a list of variable names, got {panels!r}")
            panels = len(variables)
        if isinstance(width_px, bool) or not isinstance(width_px, (int, float)) or not width_px > 0:
            raise ValueError(f"width_px must be a positive number of pixels, got {width_px!r}")
        if height_px is not None and (isinstance(height_px, bool) or not isinstance(height_px, (int, float))
                                      or not height_px > 0):
            raise ValueError(f"height_px must be a positive number of pixels or None, got {height_px!r}")
        font_scale = LARGE_FONT_SCALE if width_px >= LARGE_SCREEN_PX else 1.0

        def panel_width(columns):
            fixed = columns * Y_AXIS_ROOM * font_scale + (columns - 1) * PANEL_SPACING + RIGHT_ROOM
            return (width_px - fixed) / columns

        most = max(1, min(panels, MAX_COLUMNS))
        narrowest = MIN_PANEL_WIDTH if height_px is None else MIN_PANEL_WIDTH_SHORT_SCREEN
        fitting = [columns for columns in range(1, most + 1) if panel_width(columns) >= narrowest * font_scale]
        widest = max(fitting, default=1)
        rows = math.ceil(panels / widest)
        columns = min(columns for columns in range(1, widest + 1) if math.ceil(panels / columns) == rows)
        width = int(min(max(panel_width(columns), 160), MAX_PANEL_WIDTH * font_scale))
        height = min(max(width * PANEL_ASPECT, PANEL_HEIGHT_RANGE[0]), PANEL_HEIGHT_RANGE[1] * font_scale)
        if height_px:
            budget = height_px * height_share - (TIMELINE_ROOM_Y + TOP_ROOM_Y) * font_scale
            if variables is not None:  # a log panel's subtitle (one or two lines) stands above its row
                subtitle_lines = len(log_subtitle(cls(columns, width, int(height), font_scale)))
                log_rows = sum(any(name in LOG_SCALE_VARIABLES for name in variables[start:start + columns])
                               for start in range(0, panels, columns))
                budget -= log_rows * subtitle_lines * SUBTITLE_LINE_Y * font_scale
            height = max(min(height, budget / rows - PANEL_ROOM_Y * font_scale), MIN_PANEL_HEIGHT)
        return cls(columns, width, int(height), font_scale)

    @property
    def y_axis_room(self) -> int:
        """Px left of each plot: the y axis's ticks and labels, then its title."""
        return round(Y_AXIS_EXTENT * self.font_scale) + round(Y_TITLE_ROOM * self.font_scale)


    def config(self) -> dict:
        config = _scaled(PROJECTOR_CONFIG, self.font_scale)
        extent = round(Y_AXIS_EXTENT * self.font_scale)
        config["axisY"] = {"minExtent": extent, "maxExtent": extent}
        return config

    def x_tick_count(self, width_px: float) -> int:
        """Week labels an x axis of ``width_px`` shows, spaced for the type size."""
        return max(2, int(width_px / (X_TICK_SPACING * self.font_scale)))


def variable_title(variable: str) -> str:
    validation.text("variable", variable)
    return LABELS.get(variable, variable.replace("_", " ").capitalize())


def drug_label(drug_id: str) -> str:
    validation.text("drug_id", drug_id)
    return DRUGS[drug_id].name if drug_id in DRUGS else drug_id


def short_drug_label(drug_id: str) -> str:
    """The abbreviation a drug's name ends with ("Human chorionic gonadotropin (hCG)" -> "hCG"), else its name."""
    abbreviation = re.search(r"\(([^()]+)\)$", drug_label(drug_id))
    return abbreviation[1] if abbreviation else drug_label(drug_id)


# Timeline names: px per character of a drug's name at a given font size (a generous average for
# sans-serif text), and the longest name, in characters.
NAME_WIDTH_PER_CHARACTER = 0.6
LONGEST_DRUG_NAME = max(len(drug.name) for drug in DRUGS.values())


def _round_significant(values, digits: int = SIGNIFICANT_DIGITS) -> np.ndarray:
    """Round to a few significant digits: the chart cannot show more, and the spec shrinks."""
    values = np.asarray(values, dtype=float)
    nonzero = values != 0
    magnitude = np.zeros_like(values)
    magnitude[nonzero] = np.floor(np.log10(np.abs(values[nonzero])))
    scale = 10.0 ** (digits - 1 - magnitude)
    return np.round(values * scale) / scale


def log_floor(variable: str, results) -> float:
    """Lowest value a log axis draws for ``variable``: a fixed fraction of the lowest baseline.

    A patient can start with none at all (baseline sperm 0, azoospermia): then the
    fraction is taken of the lower reference limit instead, so the floor stays positive.
    """
    untreated = [result.baseline[variable] for result in results if result.baseline[variable] > 0]
    if variable not in SERIES_WITH_LOWER_LIMIT:
        return LOG_FLOOR_FRACTION_OF_BASELINE * min(untreated)
    # "none at all" reaches the chart as zero or as a vanishing number (1e-299) from the model
    low = reference_range(variable).low
    untreated = [value for value in untreated if value >= LOG_FLOOR_FRACTION_OF_BASELINE * low]
    return LOG_FLOOR_FRACTION_OF_BASELINE * (min(untreated) if untreated else low)


def shown_field(variable: str) -> str:
    """Field a panel's y axis draws: the value itself, or its floored copy on log axes."""
    return f"{variable}_shown" if variable in LOG_SCALE_VARIABLES else variable


def _scenarios(result, compare):
    scenarios = [(CURRENT_LABEL, result)]
    if compare is not None:
        scenarios.append((PINNED_LABEL, compare))
    return scenarios


def _check_window(result, window_days):
    if window_days is None:
        return (0.0, float(result.days))
    first, last = (float(day) for day in window_days)
    if not (0 <= first < last):
        raise ValueError(f"window_days must be (first, last) with 0 <= first < last, got {window_days}")
    return first, last


# ---------------------------------------------------------------------------
# Data: plain tables of what the chart shows
# ---------------------------------------------------------------------------

def series_columns(result, variables=CLINICAL_VARIABLES, *, compare=None, window_days=None) -> dict[str, list]:
    """The curves as the chart carries them: {column: list}, one entry per scenario and day.

    Columns: ``scenario``, ``day`` and one per variable (the model's value, rounded to 4
    significant digits). Built with numpy alone: a widget calls this on every move.
    """
    first, last = _check_window(result, window_days)
    labels, days, values = [], [], {variable: [] for variable in variables}
    for label, scenario in _scenarios(result, compare):
        visible = (scenario.t >= first) & (scenario.t <= last)
        labels += [label] * int(visible.sum())
        days.append(scenario.t[visible])
        for variable in variables:
            values[variable].append(scenario[variable][visible])
    days = np.concatenate(days)
    whole = np.all(days == np.round(days))        # "12", not "12.0", in the JSON a move sends
    columns = {"scenario": labels, "day": (days.astype(int) if whole else days).tolist()}
    for variable in variables:
        columns[variable] = _round_significant(np.concatenate(values[variable])).tolist()
    return columns


def log_floors(result, variables=CLINICAL_VARIABLES, *, compare=None) -> dict[str, float]:
    """Floor of each log-axis variable in this chart (see ``log_floor``)."""
    results = [scenario for _, scenario in _scenarios(result, compare)]
    return {variable: float(_round_significant([log_floor(variable, results)])[0])
            for variable in variables if variable in LOG_SCALE_VARIABLES}


def series_frame(result, variables=CLINICAL_VARIABLES, *, compare=None, window_days=None) -> pd.DataFrame:
    """The curves as a table: ``series_columns`` plus what the chart derives from them.

    Adds ``week`` and, for log-axis variables, ``<variable>_shown``: what the axis draws
    (the value, but never below the floor of ``log_floors``).
    """
    import pandas as pd
    frame = pd.DataFrame(series_columns(result, variables, compare=compare, window_days=window_days))
    frame["week"] = frame["day"] / 7.0
    for variable, floor in log_floors(result, variables, compare=compare).items():
        frame[shown_field(variable)] = np.maximum(frame[variable], floor)
    return frame


def _reference_band(variable: str) -> dict | None:
    """The one row of :func:`reference_band_frame` as a dict, or None (no pandas)."""
    validation.known_keys("variable", [variable], LABELS, "model variables")
    if variable not in CLINICAL_VARIABLES or variable == "itt":
        return None
    band = reference_range(variable)
    if math.isfinite(band.high):
        high, label = float(band.high), f"reference range {band.low:g}-{band.high:g} {band.unit}"
    else:
        high, label = float("nan"), f"lower reference limit {band.low:g} {band.unit}"
    return {"low": float(band.low), "high": high, "label": label, "source": band.source}


def reference_band_frame(variable: str) -> pd.DataFrame:
    """Reference interval for ``variable`` from data/reference_ranges.csv.

    One row with ``low``, ``high`` (NaN for a one-sided limit such as the WHO lower
    limit for sperm concentration), a readable ``label`` and the ``source`` key.
    Variables without a laboratory reference interval (intratesticular testosterone)
    give an empty table.
    """
    import pandas as pd

    band = _reference_band(variable)
    return pd.DataFrame(columns=["low", "high", "label", "source"]) if band is None else pd.DataFrame([band])


def _format_interval(every_days: float) -> str:
    if every_days >= 1:
        return "day" if every_days == 1 else f"{every_days:g} days"
    return f"{every_days * 24 * 60:.0f} minutes"


TREATMENT_COLUMNS = ("drug", "drug_name", "drug_short_name", "schedule", "start_day", "stop_day", "start_week",
                     "stop_week")


def _treatment_columns(regimen, days: float, origin_day: float = 0.0) -> dict[str, list]:
    """What :func:`treatment_frame` holds, as {column: list} (no pandas)."""
    validation.instance("regimen", regimen, Regimen, "an hpg.Regimen")
    days = validation.number("days", days, low=0, high=validation.MAX_DAYS, unit="days")
    columns = {column: [] for column in TREATMENT_COLUMNS}
    for dose in regimen:
        stop_day = dose.end(days)
        for column, value in zip(TREATMENT_COLUMNS, (
                dose.drug, drug_label(dose.drug), short_drug_label(dose.drug),
                f"{dose.amount:g} {DRUGS[dose.drug].amount_unit} every {_format_interval(dose.every_days)}",
                float(dose.start_day), float(stop_day), round((dose.start_day - origin_day) / 7.0, 3),
                round((stop_day - origin_day) / 7.0, 3))):
            columns[column].append(value)
    return columns


def treatment_frame(regimen, days: float, origin_day: float = 0.0) -> pd.DataFrame:
    """One row per dose line of the regimen: drug, schedule, first and last day (and week on the
    chart's clock, which starts on ``origin_day``)."""
    import pandas as pd

    columns = _treatment_columns(regimen, days, origin_day)
    return pd.DataFrame(columns) if columns["drug"] else pd.DataFrame(columns=list(TREATMENT_COLUMNS))


def _dose_columns(regimen, days: float, origin_day: float = 0.0, window_days=None,
                  panel_width: float | None = None) -> dict[str, list]:
    """What :func:`dose_frame` holds, as {column: list} (no pandas)."""
    validation.instance("regimen", regimen, Regimen, "an hpg.Regimen")
    days = validation.number("days", days, low=0, high=validation.MAX_DAYS, unit="days")
    first, last = (0.0, float(days)) if window_days is None else window_days
    if panel_width is not None:
        panel_width = validation.number("panel_width", panel_width, above=0, unit="px")
    min_gap_days = 0.0 if panel_width is None else MIN_DOSE_TICK_GAP_PX * max(last - first, 0.0) / panel_width
    by_drug: dict[str, list] = {}
    for dose in regimen:
        times = np.asarray(dose.times(days), dtype=float)
        times = times[(times >= first) & (times <= last)]
        if len(times) > MAX_DOSE_TICKS_PER_LINE:
            continue
        by_drug.setdefault(drug_label(dose.drug), []).append(times)
    columns, total = {"drug_name": [], "day": [], "week": []}, 0
    for name, parts in by_drug.items():
        times = _spaced(np.sort(np.concatenate(parts)), min_gap_days)
        if total + len(times) > DOSE_TICK_CAPACITY:
            continue
        total += len(times)
        columns["drug_name"] += [name] * len(times)
        columns["day"] += np.round(times, 3).tolist()
        columns["week"] += np.round((times - origin_day) / 7.0, 3).tolist()
    return columns


def dose_frame(regimen, days: float, origin_day: float = 0.0, window_days=None,
               panel_width: float | None = None) -> pd.DataFrame:
    """One row per dose tick the timeline draws (inside ``window_days``, default all).

    Dose lines with more than MAX_DOSE_TICKS_PER_LINE doses in the window (a pump, a daily
    tablet over months) are left out: their bar already shows them. Ticks beyond
    DOSE_TICK_CAPACITY in total are left out too.

    ``panel_width``: px the window is drawn across. Given, a drug's ticks are thinned so that
    drawn neighbours lie at least MIN_DOSE_TICK_GAP_PX apart (the first dose in the window is
    always drawn, then each next dose far enough from the last one drawn); the regimen and the
    bar's schedule still say every dose.
    """
    import pandas as pd

    columns = _dose_columns(regimen, days, origin_day, window_days, panel_width)
    return pd.DataFrame(columns) if columns["day"] else pd.DataFrame(columns=list(columns))


def _spaced(times: np.ndarray, min_gap: float) -> np.ndarray:
    """The sorted ``times`` from the first on, each kept only if at least ``min_gap`` after the last one kept."""
    if min_gap <= 0 or len(times) < 2:
        return times
    kept = [times[0]]
    for time in times[1:]:
        if time - kept[-1] >= min_gap - 1e-9:
            kept.append(time)
    return np.asarray(kept)


def hover_stride(days: int) -> int:
    """Days between tooltip targets: about MAX_HOVER_POINTS_PER_CURVE per curve, never a multiple of 7."""
    stride = max(1, math.ceil(days / MAX_HOVER_POINTS_PER_CURVE))
    return stride + 1 if stride % 7 == 0 else stride


def timeseries_params(result, variables=CLINICAL_VARIABLES, *, compare=None, window_days=None,
                      names: tuple[str, str] | None = None, origin_day: float = 0.0,
                      size: ChartSize | None = None) -> dict:
    """Values of the data params of ``timeseries_chart(result, ...)``.

    ``names``: what the legend and tooltips call this run and the compared one (default
    the Workbench's "This scenario" / "Pinned"). ``origin_day``: the day the chart's weeks
    count from. ``size``: the chart's size (default ``ChartSize()``), which sets how far apart
    the timeline's dose ticks are drawn (MIN_DOSE_TICK_GAP_PX).

    A widget that already shows a chart built with the same ``variables`` and the same
    compare-or-not setting redraws it in place with
    ``for name, value in timeseries_params(...).items(): setattr(jchart.params, name, value)``.
    """
    first, last = _check_window(result, window_days)
    series = series_columns(result, variables, compare=compare, window_days=(first, last))
    days_per_scenario = series["scenario"].count(CURRENT_LABEL)
    origin_day = _check_origin(origin_day)
    # tables as {column: list}: compact in JSON, and indexable row by row in Vega
    treatments = _treatment_columns(result.regimen, result.days, origin_day)
    if len(treatments["drug"]) > TREATMENT_CAPACITY:
        raise ValueError(f"the chart shows at most {TREATMENT_CAPACITY} dose lines, "
                         f"this regimen has {len(treatments['drug'])}")
    return {
        SERIES_PARAM: series,
        LOG_FLOOR_PARAM: log_floors(result, variables, compare=compare),
        TREATMENTS_PARAM: {column: values for column, values in treatments.items() if column != "drug"},
        DOSES_PARAM: _dose_columns(result.regimen, result.days, origin_day, (first, last),
                                   panel_width=(size or ChartSize()).panel_width),
        WINDOW_PARAM: [round((first - origin_day) / 7.0, 3), round((last - origin_day) / 7.0, 3)],
        ORIGIN_PARAM: origin_day,
        HOVER_PARAM: hover_stride(days_per_scenario),
        LABELS_PARAM: [str(name) for name in (names or SCENARIO_NAMES)],
    }


def _check_origin(origin_day) -> float:
    if isinstance(origin_day, bool) or not isinstance(origin_day, (int, float, np.integer, np.floating)):
        raise TypeError(f"origin_day must be a number of days, got {origin_day!r}")
    if not math.isfinite(origin_day):
        raise ValueError(f"origin_day must be a finite number of days, got {origin_day!r}")
    return float(origin_day)


HEADING_FONT_SIZE = 22
KEY_FONT_SIZE = 15


def heading_lines(text: str, size: ChartSize) -> list[str]:
    """``text`` broken into lines that fit the chart's width (a Vega title does not wrap itself)."""
    import textwrap

    width_px = size.columns * (size.panel_width + Y_AXIS_ROOM * size.font_scale)
    characters = max(20, int(width_px / (0.56 * HEADING_FONT_SIZE * size.font_scale)))
    return textwrap.wrap(text, characters) or [""]


# ---------------------------------------------------------------------------
# Marks
# ---------------------------------------------------------------------------

def _rows_from_param(param: str, fields, capacity: int) -> tuple[alt.SequenceGenerator, list]:
    """Data source + transforms that turn the column table in ``param`` into rows."""
    generator = alt.SequenceGenerator(sequence=alt.SequenceParams(start=0, stop=capacity, **{"as": "row"}))
    first_field = fields[0]
    transforms = [alt.FilterTransform(filter=f"datum.row < length({param}.{first_field})")]
    transforms += [alt.CalculateTransform(calculate=f"{param}.{field}[datum.row]", **{"as": field})
                   for field in fields]
    return generator, transforms


def _from_param(param: str, fields, capacity: int) -> alt.Chart:
    generator, transforms = _rows_from_param(param, fields, capacity)
    return alt.Chart(generator, transform=transforms)


def _in_window(field: str) -> str:
    """Vega expression: ``datum[field]`` (in weeks) lies within the window shown."""
    return f"datum.{field} >= {WINDOW_PARAM}[0] && datum.{field} <= {WINDOW_PARAM}[1]"


def _treatment_rows() -> alt.Chart:
    """Treatment phases overlapping the window, as bars trimmed to it (``bar_start``, ``bar_stop``)."""
    return _from_param(TREATMENTS_PARAM, TREATMENT_FIELDS, TREATMENT_CAPACITY).transform_filter(
        f"datum.stop_week >= {WINDOW_PARAM}[0] && datum.start_week <= {WINDOW_PARAM}[1]"
    ).transform_calculate(bar_start=f"max(datum.start_week, {WINDOW_PARAM}[0])",
                          bar_stop=f"min(datum.stop_week, {WINDOW_PARAM}[1])")


NO_TREATMENT = "No treatment"
NAME_INDENT_PX = 3  # a drug's name starts just right of the plot's left edge, not on it


def _no_treatment_row() -> alt.Chart:
    """One row (``drug_name`` = NO_TREATMENT, ``label_week``) when no treatment phase overlaps the
    window, none otherwise. Counted over every row the treatments param can hold, so the count
    exists even when there is nothing to count (an aggregate of no rows gives no row)."""
    length = f"length({TREATMENTS_PARAM}.stop_week)"
    overlaps = (f"datum.row < {length} && {TREATMENTS_PARAM}.stop_week[datum.row] >= {WINDOW_PARAM}[0]"
                f" && {TREATMENTS_PARAM}.start_week[datum.row] <= {WINDOW_PARAM}[1] ? 1 : 0")
    rows = alt.SequenceGenerator(sequence=alt.SequenceParams(start=0, stop=TREATMENT_CAPACITY, **{"as": "row"}))
    return alt.Chart(rows).transform_calculate(overlaps=overlaps).transform_aggregate(
        phases="sum(overlaps)").transform_filter("datum.phases == 0").transform_calculate(
        drug_name=f"'{NO_TREATMENT}'", label_week=f"{WINDOW_PARAM}[0]")


def _x_scale() -> alt.Scale:
    return alt.Scale(domain=alt.ExprRef(expr=WINDOW_PARAM), nice=False)


def _time_x(field: str, title: str) -> alt.X:
    """A layer's x channel on the chart's clock; every layer of a view gives the same title (otherwise
    Vega-Lite joins them: "Week, until week, Week")."""
    return alt.X(field, title=title, scale=_x_scale())


def _week_axis(title: str, tick_count: int) -> alt.X:
    """The x axis a view draws: whole weeks, ``tick_count`` labels at most."""
    return alt.X("week:Q", title=title, scale=_x_scale(),
                 axis=alt.Axis(tickMinStep=1, title=title, tickCount=tick_count, labelOverlap=True))


def _drug_fill_scale() -> alt.Scale:
    """Same colour for a drug in every chart, whichever drugs this regimen uses."""
    names = [drug_label(drug_id) for drug_id in DRUGS]
    return alt.Scale(domain=names, range=[DRUG_COLOURS.get(drug_id, OKABE_ITO["black"]) for drug_id in DRUGS])


TREATMENT_FIELDS = ("drug_name", "drug_short_name", "schedule", "start_day", "stop_day", "start_week", "stop_week")
DOSE_FIELDS = ("drug_name", "day", "week")
TREATMENT_TOOLTIP = [
    alt.Tooltip("drug_name:N", title="Treatment"),
    alt.Tooltip("schedule:N", title="Schedule"),
    alt.Tooltip("start_week:Q", title="From week", format=".1f"),
    alt.Tooltip("stop_week:Q", title="To week", format=".1f"),
]


# The series keys its rows by CURRENT_LABEL / PINNED_LABEL; the names shown for them come
# from the LABELS_PARAM param, so a dashboard renames the scenarios without a new spec.
SCENARIO_NAME_EXPR = f"datum.scenario == '{PINNED_LABEL}' ? {LABELS_PARAM}[1] : {LABELS_PARAM}[0]"


def _scenario_encodings(has_compare: bool):
    domain = [CURRENT_LABEL, PINNED_LABEL] if has_compare else [CURRENT_LABEL]
    legend = alt.Legend(orient="top", symbolType="stroke", labelLimit=0,
                        labelExpr=f"datum.label == '{PINNED_LABEL}' ? {LABELS_PARAM}[1] : {LABELS_PARAM}[0]")
    colour = alt.Color("scenario:N", title=None,
                       scale=alt.Scale(domain=domain, range=[CURRENT_COLOUR, PINNED_COLOUR][: len(domain)]),
                       legend=legend if has_compare else None)
    # Colour and dash share one legend (same field), which then shows the dashes too.
    dash = alt.StrokeDash("scenario:N", scale=alt.Scale(domain=domain, range=[[1, 0], [8, 5]][: len(domain)]),
                          legend=legend if has_compare else None)
    return colour, dash


def variable_panel(variable: str, unit: str, *, has_compare: bool, size: ChartSize | None = None,
                   time_title: str = TIME_TITLE) -> alt.LayerChart:
    """One variable over time: treatment shading, reference band, curves, tooltips, cursor.

    The curves read the enclosing chart's series rows (one field per variable), so a
    six-panel chart carries the series once. ``time_title`` names the x axis's clock.
    """
    size = size or ChartSize()
    week_axis = _week_axis(time_title, size.x_tick_count(size.panel_width))
    is_log = variable in LOG_SCALE_VARIABLES
    y_scale = alt.Scale(type="log") if is_log else alt.Scale(zero=True)
    y_title = y_axis_title(variable, unit, size)
    # Log axes label whole decades only (1, 10, 100...), which students read at a glance.
    y_axis = alt.Axis(values=LOG_AXIS_DECADES, format=LOG_AXIS_FORMAT) if is_log else alt.Axis()
    y = alt.Y(f"{shown_field(variable)}:Q", title=y_title, scale=y_scale, axis=y_axis)
    colour, dash = _scenario_encodings(has_compare)
    layers = [
        _treatment_rows().mark_rect(opacity=0.12).encode(
            x=_time_x("bar_start:Q", time_title), x2=alt.X2("bar_stop:Q", title=time_title),
            fill=alt.Fill("drug_name:N", scale=_drug_fill_scale(), legend=None),
            tooltip=TREATMENT_TOOLTIP,
        )
    ]
    band = _reference_band(variable)
    if band is not None and math.isfinite(band["high"]):
        layers.append(alt.Chart(alt.InlineData(values=[band])).mark_rect(color=REFERENCE_BAND_COLOUR, opacity=0.35).encode(
            y=alt.Y("low:Q", scale=y_scale, title=y_title), y2="high:Q",
            tooltip=[alt.Tooltip("label:N", title="Grey band"), alt.Tooltip("source:N", title="Source")],
        ))
    elif band is not None:   # a lower limit only
        del band["high"]
        layers.append(alt.Chart(alt.InlineData(values=[band])).mark_rule(
            color="#333333", strokeDash=[2, 3], strokeWidth=2).encode(
            y=alt.Y("low:Q", scale=y_scale, title=y_title),
            tooltip=[alt.Tooltip("label:N", title="Dotted line"), alt.Tooltip("source:N", title="Source")],
        ))
    # The series rows are cut to the window already (series_columns), so nothing needs clipping.
    # The curves and their invisible hover targets carry no ARIA labels: Vega would write one per
    # target on every redraw, and a screen reader gets the same story in words from the
    # Workbench's live summary.
    layers.append(alt.Chart().mark_line(strokeWidth=3, aria=False).encode(
        x=week_axis, y=y, color=colour, strokeDash=dash,
    ))
    layers.append(alt.Chart().mark_point(opacity=0, size=150, filled=True, aria=False).encode(
        x=week_axis, y=y,
        tooltip=[alt.Tooltip("scenario_name:N", title="Scenario"),
                 alt.Tooltip("week:Q", title="Week", format=".1f"),
                 alt.Tooltip("day:Q", title="Day", format=".0f"),
                 alt.Tooltip(f"{variable}:Q", title=f"{variable_title(variable)} ({unit})", format=".3~g")],
    ).transform_filter(f"datum.day % {HOVER_PARAM} == 0"))
    layers.append(_cursor_rule(time_title))
    layers.append(_top_overhang())
    subtitle = log_subtitle(size) if is_log else []
    return alt.layer(*layers).properties(
        name=panel_name(variable), width=size.panel_width, height=size.panel_height,
        title=alt.Title(panel_title(variable, size), subtitle=subtitle),
    )


# A log panel's subtitle: one line on a wide panel, two on a narrow one (it must not widen the chart).
LOG_SUBTITLE = ("values below 1/1000 of untreated", "drawn at that floor")
LOG_SUBTITLE_ONE_LINE_WIDTH = 340  # px of panel, at font scale 1


# A panel's title may run over its y axis, its plot and half the gap to the next column, no further: the
# classroom's "Pituitary GnRH-receptor responsiveness" over a 190-px panel ran into the next panel's axis title.
TITLE_CHARACTER_EM = 0.52  # bold sans-serif: about 9.6 px a character at 19 px, measured in Chromium


def panel_title(variable: str, size: ChartSize) -> str | list[str]:
    """A panel's title: one line, or lines broken between words where one line would not fit its column."""
    import textwrap

    title = variable_title(variable)
    room_px = size.y_axis_room + size.panel_width + PANEL_SPACING / 2
    character_px = TITLE_CHARACTER_EM * PROJECTOR_CONFIG["title"]["fontSize"] * size.font_scale
    if len(title) * character_px <= room_px:
        return title
    return textwrap.wrap(title, max(8, int(room_px / character_px)))


def log_subtitle(size: ChartSize) -> list[str]:
    if size.panel_width >= LOG_SUBTITLE_ONE_LINE_WIDTH * size.font_scale:
        return [" ".join(LOG_SUBTITLE)]
    return list(LOG_SUBTITLE)


# Panel titles of one row start at one height. Vega places a title TITLE_OFFSET px above whatever the
# panel draws highest, its top y-axis label and its y-axis title included (see y_axis_title), and a title
# of two lines, or a subtitle of two lines, rises by a line: LH's "10" at the top of its axis lifted its
# title 7 px above FSH's, a two-line subtitle 16-20 px above its neighbours'. So every panel reaches
# TOP_OVERHANG px above its plot (an invisible rule, more than half the largest axis label), and a panel
# whose title rises less than the most of its row stands its title further off by the difference.
TOP_OVERHANG = 12
TITLE_OFFSET = 4  # Vega's default


def _title_rise(variable: str, size: ChartSize) -> float:
    """How far (px) a panel's title rises for its lines beyond the first title line and the first subtitle
    line (measured in Chromium: a one-line subtitle does not lift its title; Vega's line height is the font
    size + 2)."""
    fonts = _scaled(PROJECTOR_CONFIG, size.font_scale)["title"]
    title = panel_title(variable, size)
    title_lines = 1 if isinstance(title, str) else len(title)
    subtitle_lines = len(log_subtitle(size)) if variable in LOG_SCALE_VARIABLES else 0
    return (title_lines - 1) * (fonts["fontSize"] + 2) + max(0, subtitle_lines - 1) * (fonts["subtitleFontSize"] + 2)


def title_offsets(variables, size: ChartSize) -> list[float]:
    """Each panel's title offset (px), so that the titles of a row of ``size.columns`` panels start level."""
    rises = [_title_rise(variable, size) for variable in variables]
    offsets = []
    for start in range(0, len(rises), size.columns):
        row = rises[start:start + size.columns]
        offsets += [round(TITLE_OFFSET + max(row) - rise, 1) for rise in row]
    return offsets


# Width of a y-axis title's character, in em of its font (Chromium's sans-serif: "million/mL (log scale)" is
# 148 px long at 16 px), a little generous.
AXIS_TITLE_CHARACTER_EM = 0.45


def y_axis_title(variable: str, unit: str, size: ChartSize) -> str:
    """The y axis's title: the unit, "(log scale)" after it on a log panel where it fits. Vega centres it on the
    plot: one longer than a flattened plot stuck out above it and lifted that panel's title (a projector's 80-px
    sperm panel had its title 35 px above FSH's beside it). The chart's key says what a log scale is."""
    if variable not in LOG_SCALE_VARIABLES:
        return unit
    title = f"{unit} (log scale)"
    length = len(title) * AXIS_TITLE_CHARACTER_EM * PROJECTOR_CONFIG["axis"]["titleFontSize"] * size.font_scale
    return title if (length - size.panel_height) / 2 <= TOP_OVERHANG else unit


def _top_overhang() -> alt.Chart:
    """An invisible rule TOP_OVERHANG px above the plot: every panel's drawing starts that high."""
    return alt.Chart(alt.InlineData(values=[{"overhang": TOP_OVERHANG}])).mark_rule(opacity=0, aria=False).encode(
        x=alt.value(0), y=alt.value(-TOP_OVERHANG), y2=alt.value(0))


def panel_name(variable: str) -> str:
    """The panel's view name: Vega draws it as the SVG group ``<name>_group`` (tests find panels by it)."""
    return f"panel_{variable}"


def _cursor_rule(time_title: str) -> alt.Chart:
    """A dashed vertical rule at the diagram's day; it moves through a param, not a redraw.

    Not drawn on the window's first day: there it would only double the y axis (and run through the
    drug names, which start there), and the chart's key does not explain a line on the axis."""
    return alt.Chart(alt.SequenceGenerator(sequence=alt.SequenceParams(start=0, stop=1))).mark_rule(
        color="#222222", strokeDash=[4, 4], strokeWidth=2,
    ).transform_calculate(week=f"({CURSOR_PARAM} - {ORIGIN_PARAM}) / 7").transform_filter(
        f"datum.week > {WINDOW_PARAM}[0] && datum.week <= {WINDOW_PARAM}[1]").encode(
        x=_time_x("week:Q", time_title),
        tooltip=[alt.Tooltip("week:Q", title="Diagram at week", format=".0f")],
    )


def treatment_timeline(size: ChartSize | None = None, time_title: str = TIME_TITLE, column: int = 0) -> alt.LayerChart:
    """Which drug was given when: one row per drug, its name above a bar for its phase, a tick per dose.

    One timeline sits under each column of panels, as wide as they are and on the same time
    scale, so a dose lines up with what it did above it. ``column`` (0, 1, ...) names the copy.

    The names sit inside the plot, above their bars, rather than as axis labels to the left:
    long names ("Human chorionic gonadotropin (hCG)") would otherwise push every panel of the
    chart to the right and out of a laptop's screen.
    """
    size = size or ChartSize()
    scale = size.font_scale
    bar_height, bar_offset = round(TIMELINE_BAR_HEIGHT * scale), round(TIMELINE_BAR_OFFSET * scale)
    # An empty y axis as wide as a panel's: the bars start where the panels' plots start.
    room = size.y_axis_room
    y = alt.Y("drug_name:N", title=None, sort=None, axis=alt.Axis(
        labels=False, ticks=False, domain=False, grid=False, title=None, minExtent=room, maxExtent=room))
    fill = alt.Fill("drug_name:N", scale=_drug_fill_scale(), legend=None)
    bars = _treatment_rows().mark_bar(opacity=0.45, height=bar_height, yOffset=bar_offset).encode(
        x=_time_x("bar_start:Q", time_title), x2=alt.X2("bar_stop:Q", title=time_title), y=y,
        fill=fill, tooltip=TREATMENT_TOOLTIP,
    )
    ticks = _from_param(DOSES_PARAM, DOSE_FIELDS, DOSE_TICK_CAPACITY).transform_filter(
        _in_window("week")).mark_tick(thickness=2, size=bar_height, yOffset=bar_offset, color="#222222").encode(
        x=_week_axis(time_title, size.x_tick_count(size.panel_width)), y=y,
        tooltip=[alt.Tooltip("drug_name:N", title="Dose of"), alt.Tooltip("day:Q", title="Day", format=".1f")],
    )
    font_size = round(PROJECTOR_CONFIG["axis"]["labelFontSize"] * scale)
    # A narrow timeline names a drug by its abbreviation ("hCG"), so no name runs past the panel.
    name_field = "drug_name" if size.panel_width >= NAME_WIDTH_PER_CHARACTER * font_size * LONGEST_DRUG_NAME \
        else "drug_short_name"
    # One name per drug, however many phases it has: cycles of one drug would otherwise print its name over itself.
    named = _treatment_rows().transform_aggregate(phases="count()", groupby=["drug_name", "drug_short_name"]).transform_calculate(
        label_week=f"{WINDOW_PARAM}[0]")
    text_style = dict(align="left", baseline="bottom", yOffset=-1, dx=NAME_INDENT_PX, fontSize=font_size,
                      limit=size.panel_width - NAME_INDENT_PX)
    encoding = dict(x=_time_x("label_week:Q", time_title), y=y, text=f"{name_field}:N")
    # A white outline under each name keeps it readable where the dashed day line crosses it.
    halos = named.mark_text(**text_style, color="white", stroke="white", strokeWidth=5, strokeJoin="round",
                            aria=False).encode(**encoding)
    names = named.mark_text(**text_style, color="#222222").encode(**encoding)
    # An untreated man (or a window without treatment) gets one row saying so, not an empty "Treatment" box.
    no_treatment = _no_treatment_row().mark_text(
        align="left", baseline="middle", dx=NAME_INDENT_PX, fontSize=font_size, fontStyle="italic",
        color="#555555").encode(x=_time_x("label_week:Q", time_title), y=y, text="drug_name:N")
    # The key above the chart says what bars and ticks mean; the title stays one line.
    return alt.layer(bars, ticks, _cursor_rule(time_title), halos, names, no_treatment).properties(
        name=panel_name("treatment" if column == 0 else f"treatment_{column + 1}"), width=size.panel_width,
        height=alt.Step(round(TIMELINE_ROW_HEIGHT * scale)), title=alt.Title("Treatment"),
    )


def timeseries_chart(result, variables=CLINICAL_VARIABLES, *, compare=None, window_days=None,
                     cursor_day: float = 0.0, columns: int = 2, series_capacity: int | None = None,
                     names: tuple[str, str] | None = None, key: bool = True, size: ChartSize | None = None,
                     heading: str | None = None, origin_day: float = 0.0, time_title: str = TIME_TITLE):
    """The clinical picture over time: one panel per variable and a treatment timeline.

    ``compare`` overlays a second (pinned) Result, dashed and in a second colour.
    ``names`` = (this run, the compared run) as the legend and key call them (default: the
    Workbench's "This scenario" / "Pinned"; a param, so a dashboard renames them in place).
    ``key`` prints what each kind of mark means at the top (``summary.chart_key``).
    ``window_days`` = (first, last) day shown; default the whole simulation.
    ``cursor_day`` places a dashed vertical rule (the diagram's day).
    ``series_capacity``: rows of series the chart can hold when a widget later updates
    its params in place (default: exactly the rows of this result).
    ``size``: columns, panel size and type size (``ChartSize.fitting(width_px, panels)``
    fills a container); default ``columns`` panels a row at the standard size.
    ``heading``: a title over the chart, held in the ``heading`` param (a dashboard changes
    it together with the data, in one message).
    ``origin_day`` and ``time_title``: the story's clock. Weeks count from ``origin_day`` (the
    start of the story's treatment) and the time axes say so, e.g. ``origin_day=1095,
    time_title="Weeks since stopping testosterone"``; default weeks since day 0, titled "Week".
    """
    size = size or ChartSize(columns=columns)
    params, capacity = _chart_params(result, variables, compare, window_days, cursor_day, series_capacity, size,
                                     names, heading, origin_day)
    time_title = _check_time_title(time_title)
    panels = [variable_panel(variable, result.units[variable], has_compare=compare is not None, size=size,
                             time_title=time_title) for variable in variables]
    for panel, offset in zip(panels, title_offsets(variables, size)):
        panel.title.offset = offset
    rows = [alt.hconcat(*panels[start:start + size.columns], **_row_layout(size))
            for start in range(0, len(panels), size.columns)]
    generator, transforms = _series_rows(params, capacity)
    return alt.VConcatChart(
        vconcat=[*rows, alt.hconcat(*[treatment_timeline(size, time_title, column)
                                      for column in range(min(size.columns, len(variables)))], **_row_layout(size))],
        data=generator,
        transform=transforms,
        params=[alt.VariableParameter(name=name, value=value) for name, value in params.items()],
        spacing=VCONCAT_SPACING,
        title=_title(size, heading is not None, key_lines(variables, compare, names, cursor_day) if key else None),
        config=alt.Config(**size.config()),
    )


def timeseries_spec(result, variables=CLINICAL_VARIABLES, *, compare=None, window_days=None,
                    cursor_day: float = 0.0, columns: int = 2, series_capacity: int | None = None,
                    names: tuple[str, str] | None = None, key: bool = True, size: ChartSize | None = None,
                    heading: str | None = None, origin_day: float = 0.0, time_title: str = TIME_TITLE) -> dict:
    """``timeseries_chart(...).to_dict()``, assembled from cached parts.

    Altair takes most of a second to build and serialise a six-panel chart; a dashboard
    that switches between presets with different panels cannot wait that long. Each panel
    and the timeline are serialised once per size (and variable, unit, overlay) and the
    data params are plain values, so the same spec costs milliseconds.
    """
    size = size or ChartSize(columns=columns)
    params, capacity = _chart_params(result, variables, compare, window_days, cursor_day, series_capacity, size,
                                     names, heading, origin_day)
    time_title = _check_time_title(time_title)
    has_compare = compare is not None
    panels = [_part_json("panel", variable, result.units[variable], has_compare, size, time_title)
              for variable in variables]
    timelines = [_part_json("timeline", str(column), "", False, size, time_title)
                 for column in range(min(size.columns, len(variables)))]
    datasets = {}
    for part in (*panels, *timelines):
        datasets.update(part[1])
    parts = [json.loads(part) for part, _ in panels]
    for part, offset in zip(parts, title_offsets(variables, size)):
        part["title"]["offset"] = offset
    rows = [{"hconcat": parts[start:start + size.columns], **_row_layout(size)}
            for start in range(0, len(parts), size.columns)]
    generator, transforms = _series_rows(params, capacity)
    spec = json.loads(_frame_json(size, heading is not None, key_lines(variables, compare, names, cursor_day) if key else None))
    spec.update(
        vconcat=[*rows, {"hconcat": [json.loads(part) for part, _ in timelines], **_row_layout(size)}],
        data=generator.to_dict(validate=False),
        transform=[transform.to_dict(validate=False) for transform in transforms],
        params=[{"name": name, "value": value} for name, value in params.items()],
        datasets=datasets,
    )
    return spec


def _row_layout(size: ChartSize) -> dict:
    """How a row of panels (or of timelines) is laid out: columns placed by their plots alone ("flush"), a
    fixed gap holding the next column's y axis. Laid out by their full bounds, a row's columns moved with
    whatever stuck out of them (a week label at the right end, the timeline's axis room), so the timelines
    drifted 4 and 8 px right of the panels above them and a 3-column chart came out 4 px wider than its box."""
    return {"spacing": PANEL_SPACING + size.y_axis_room, "bounds": "flush"}


def _check_time_title(time_title) -> str:
    if not isinstance(time_title, str):
        raise TypeError(f"time_title must be a string (the time axis's title), got {time_title!r}")
    if not time_title.strip():
        raise ValueError("time_title must not be empty: it names the chart's clock")
    return time_title


def _chart_params(result, variables, compare, window_days, cursor_day, series_capacity, size, names, heading,
                  origin_day):
    """Every param of a time-series chart (data, cursor, heading) and the series capacity."""
    validation.chart_arguments(result, compare=compare, cursor_day=cursor_day)
    validation.chart_options(result, variables, window_days=window_days, columns=size.columns,
                             origin_day=origin_day, heading=heading, names=names)
    params = timeseries_params(result, variables, compare=compare, window_days=window_days, names=names,
                               origin_day=origin_day, size=size)
    rows_needed = len(params[SERIES_PARAM]["day"])
    capacity = rows_needed if series_capacity is None else int(series_capacity)
    if capacity < rows_needed:
        raise ValueError(f"series_capacity {capacity} is smaller than the {rows_needed} rows to show")
    params[CURSOR_PARAM] = float(cursor_day)
    if heading is not None:
        params[HEADING_PARAM] = heading_lines(heading, size)
    return params, capacity


def _series_rows(params: dict, capacity: int):
    """The chart's data source (one row per series entry) and the transforms that fill the rows."""
    generator, transforms = _rows_from_param(SERIES_PARAM, list(params[SERIES_PARAM]), capacity)
    transforms.append(alt.CalculateTransform(calculate=f"(datum.day - {ORIGIN_PARAM}) / 7", **{"as": "week"}))
    transforms.append(alt.CalculateTransform(calculate=SCENARIO_NAME_EXPR, **{"as": "scenario_name"}))
    transforms += [alt.CalculateTransform(calculate=f"max(datum.{variable}, {LOG_FLOOR_PARAM}.{variable})",
                                          **{"as": shown_field(variable)})
                   for variable in params[LOG_FLOOR_PARAM]]
    return generator, transforms


def key_lines(variables, compare, names, cursor_day: float) -> tuple[str, ...]:
    """What each kind of mark of a ``timeseries_chart(result, variables, compare=compare, names=names,
    cursor_day=cursor_day)`` means (``summary.chart_key``). It names no day: the dashed line
    moves with the Workbench's day while the key stays as it was drawn (and a line on day 0,
    on the axis, is not explained at all)."""
    from .summary import chart_key

    return tuple(chart_key(variables, names=(names or SCENARIO_NAMES) if compare is not None else None,
                           cursor_day=None if cursor_day > 0 else 0.0, log_variables=LOG_SCALE_VARIABLES))


def _title(size: ChartSize, has_heading: bool, key_lines: tuple[str, ...] | None):
    """The chart's title: the ``heading`` param in large type, the key below it in small type."""
    small = round(KEY_FONT_SIZE * size.font_scale)
    key_style = {"subtitleFontSize": small, "subtitleColor": "#333333", "anchor": "start"}
    if has_heading:
        return alt.Title(alt.ExprRef(HEADING_PARAM), fontSize=round(HEADING_FONT_SIZE * size.font_scale), offset=16,
                         **({"subtitle": list(key_lines), **key_style} if key_lines else {"anchor": "start"}))
    if key_lines:
        return alt.Title(key_lines[0], subtitle=list(key_lines[1:]), fontSize=small, fontWeight="normal",
                         color="#333333", **key_style)
    return alt.Undefined


@functools.lru_cache(maxsize=256)
def _part_json(kind: str, variable: str, unit: str, has_compare: bool, size: ChartSize,
               time_title: str) -> tuple[str, dict]:
    """One panel ("panel") or a column's timeline ("timeline", ``variable`` = the column) as JSON, with
    the inline datasets it names.

    A panel is built by Altair once per variable (``_panel_template``) and then only resized: its
    width, height, log subtitle, y-axis title (y_axis_title) and number of week labels are all that depend on
    the size (its type size is in the chart's config; its title offset, which depends on its row, is set by
    the caller). ``timeseries_chart``, which the tests hold this equal to, builds every part with Altair,
    checked.
    """
    if kind == "panel":
        template, datasets = _panel_template(variable, unit, has_compare, time_title)
        part = json.loads(template)
        part.update(width=size.panel_width, height=size.panel_height)
        if variable in LOG_SCALE_VARIABLES:
            part["title"]["subtitle"] = log_subtitle(size)
        part["title"]["text"] = panel_title(variable, size)
        template_title, y_title = y_axis_title(variable, unit, ChartSize()), y_axis_title(variable, unit, size)
        for layer in part["layer"]:
            y = layer.get("encoding", {}).get("y", {})
            if y.get("title") == template_title:
                y["title"] = y_title
            axis = layer.get("encoding", {}).get("x", {}).get("axis")
            if axis and "tickCount" in axis:
                axis["tickCount"] = size.x_tick_count(size.panel_width)
        return json.dumps(part), datasets
    return _altair_part_json(treatment_timeline, size, time_title, int(variable))


@functools.lru_cache(maxsize=64)
def _panel_template(variable: str, unit: str, has_compare: bool, time_title: str) -> tuple[str, dict]:
    return _altair_part_json(variable_panel, variable, unit, has_compare=has_compare, time_title=time_title)


def _altair_part_json(build, *arguments, **options) -> tuple[str, dict]:
    """``build(*arguments, **options)`` as JSON, made without Altair's check of every object as it is
    created (most of the time it takes; ``timeseries_chart`` makes the same parts checked)."""
    with alt.utils.schemapi.debug_mode(False):
        part = build(*arguments, **options)
    context = {"top_level": False, "datasets": {}, "data": alt.SequenceGenerator(sequence={"start": 0, "stop": 1})}
    return json.dumps(part.to_dict(validate=False, context=context)), context["datasets"]


@functools.lru_cache(maxsize=64)
def _frame_json(size: ChartSize, has_heading: bool, key_lines: tuple[str, ...] | None) -> str:
    """The top level of a time-series spec without its parts and data: schema, theme, config, title."""
    frame = alt.VConcatChart(vconcat=[], spacing=VCONCAT_SPACING, config=alt.Config(**size.config()),
                             title=_title(size, has_heading, key_lines))
    return json.dumps(frame.to_dict(validate=False))


def chart_series(spec: dict) -> pd.DataFrame:
    """The series table inside a ``timeseries_chart`` spec (``chart.to_dict()``)."""
    import pandas as pd
    return pd.DataFrame(chart_param(spec, SERIES_PARAM))


def chart_param(spec: dict, name: str):
    """Value of the top-level param ``name`` in a chart spec (KeyError if absent)."""
    for param in spec.get("params", []):
        if param["name"] == name:
            return param["value"]
    raise KeyError(f"chart has no param {name!r}")


def export_chart(chart, folder, name: str = "hpg-chart", formats=("png", "svg"),
                 scale_factor: float = 2.0) -> dict[str, Path]:
    """Save ``chart`` for slides as ``<folder>/<name>.<format>`` (offline, via vl-convert).

    PNGs are rendered at ``scale_factor`` times the on-screen size so they stay sharp on a
    projector. Returns the paths written, by format.
    """
    validation.instance("chart", chart, alt.TopLevelMixin, "an Altair chart (e.g. from charts.timeseries_chart)")
    formats = validation.export_options(folder, name, formats, scale_factor)
    folder = Path(folder).expanduser()
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"export folder {folder} exists but is a file; choose a folder")
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for fmt in formats:
        path = folder / f"{name}.{fmt}"
        if fmt == "png":
            chart.save(path, format="png", scale_factor=scale_factor)
        else:
            chart.save(path, format="svg")
        written[fmt] = path
    return written
