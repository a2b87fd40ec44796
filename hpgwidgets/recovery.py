"""Times to thresholds in a virtual cohort, Kaplan-Meier curves and their charts.

A cohort (``hpg.simulate_cohort``) holds every patient's time course.  From it we read,
per patient, the day a threshold is first crossed: sperm falling below 1 million/mL or
to azoospermia during testosterone therapy, sperm climbing back to 16 or 20 million/mL
after stopping, serum testosterone back inside its reference interval.  Patients who
have not crossed by the end of the simulation are censored there, and Kaplan-Meier
curves give the share who have crossed by each day, the way clinical studies report
recovery (Liu et al. 2006 used the same method).

The published observations in ``data/published_population.csv`` are drawn beside the
curves for comparison; they were not used to set the model's parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import altair as alt
import numpy as np
import pandas as pd

from . import validation
from .cohort import Cohort
from .pharmacology import testosterone_drugs
from .ranges import azoospermia_threshold, reference_range
from .regimen import Regimen
from .summary import short_reference
from .tables import read_table

__all__ = [
    "TimeToEvent",
    "time_to_threshold",
    "suppression",
    "azoospermia",
    "sperm_recovery",
    "testosterone_recovery",
    "treatment_window",
    "split_by",
    "published_points",
    "recovery_chart",
    "compare_with_published",
    "DAYS_PER_MONTH",
]

# calendar arithmetic, not a physiological parameter: a mean Gregorian month
DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class TimeToEvent:
    """Per-patient time (days from ``origin_day``) to an event, with censoring.

    ``times[i]`` is the event day for patient i when ``observed[i]`` is True, otherwise
    the last day he was followed (censored).  ``endpoint``/``threshold`` say what the
    event is, in the vocabulary of ``data/published_population.csv``; ``description`` says it
    in words ("sperm ≥ 20 million/mL") and stays with each group of ``split_by``, whose
    ``label`` names the group instead (default: the label).
    """

    label: str
    times: np.ndarray
    observed: np.ndarray
    origin_day: float
    origin: str
    endpoint: str
    follow_up: float
    threshold: float | None = None
    patients: pd.Index | None = field(default=None, compare=False)
    description: str = ""

    def __post_init__(self):
        if not self.description:  # one group: its label is what happened
            object.__setattr__(self, "description", self.label)

    def __len__(self) -> int:
        return len(self.times)

    @property
    def n_events(self) -> int:
        return int(np.count_nonzero(self.observed))

    def curve(self) -> pd.DataFrame:
        """Kaplan-Meier estimate of the share who had the event by each day.

        Columns: day (from origin), probability (0 at day 0, non-decreasing), at_risk, events.
        """
        times = np.asarray(self.times, dtype=float)
        observed = np.asarray(self.observed, dtype=bool)
        # One sort, then counts by binary search: O(n log n) (30,000 men in milliseconds).
        ordered = np.sort(times)
        event_days, events = np.unique(times[observed], return_counts=True)
        at_risk = len(times) - np.searchsorted(ordered, event_days, side="left")
        probability = 1.0 - np.cumprod(1.0 - events / at_risk)
        curve = pd.DataFrame({"day": event_days, "probability": probability, "at_risk": at_risk, "events": events})
        if not len(event_days) or event_days[0] > 0.0:  # the curve starts at 0 on day 0
            start = pd.DataFrame({"day": [0.0], "probability": [0.0], "at_risk": [len(times)], "events": [0]})
            curve = pd.concat([start, curve], ignore_index=True)
        if self.follow_up > curve["day"].iloc[-1]:
            still = len(times) - int(np.searchsorted(ordered, self.follow_up, side="left"))
            end = pd.DataFrame({"day": [float(self.follow_up)], "probability": [curve["probability"].iloc[-1]],
                                "at_risk": [still], "events": [0]})
            curve = pd.concat([curve, end], ignore_index=True)
        return curve.astype({"day": float, "probability": float, "at_risk": int, "events": int})

    def probability_by(self, day: float) -> float:
        """Kaplan-Meier share who had the event on or before ``day`` (days from origin)."""
        curve = self.curve()
        day = validation.number("day (from the origin)", day, low=0, unit="days")
        if day > curve["day"].iloc[-1]:
            raise ValueError(
                f"day {validation.figure(day)} is beyond the follow-up ({validation.figure(curve['day'].iloc[-1])} "
                "days after the origin): "
                "simulate a longer period"
            )
        return float(curve.loc[curve["day"] <= day, "probability"].iloc[-1])

    def median(self) -> float | None:
        """Day by which half the patients had the event; None if fewer than half did."""
        curve = self.curve()
        reached = curve[curve["probability"] >= 0.5]
        return None if reached.empty else float(reached["day"].iloc[0])

    def subset(self, mask, label: str) -> "TimeToEvent":
        """The patients where ``mask`` (one True/False per patient) is True, under ``label``."""
        validation.text("label", label)
        if isinstance(mask, (str, bytes)) or not np.iterable(mask):
            raise TypeError(f"mask must hold one True/False per patient ({len(self)}), got {type(mask).__name__}")
        mask = np.asarray(mask)
        if mask.dtype != bool or mask.shape != (len(self),):
            raise ValueError(f"mask must hold one True/False per patient ({len(self)}); got {mask.dtype} values "
                             f"of shape {mask.shape}")
        patients = None if self.patients is None else self.patients[mask]
        return TimeToEvent(label, self.times[mask], self.observed[mask], self.origin_day, self.origin,
                           self.endpoint, self.follow_up, self.threshold, patients, self.description)

    def to_frame(self) -> pd.DataFrame:
        """One row per patient: days to event (or censoring) and whether it was observed."""
        return pd.DataFrame({"days": self.times, "observed": self.observed},
                            index=self.patients if self.patients is not None else None)


def _first_crossing(values: np.ndarray, t: np.ndarray, start: int, hit: np.ndarray,
                    threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """First grid index >= start where ``hit`` is True, refined by linear interpolation."""
    window = hit[:, start:]
    observed = window.any(axis=1)
    index = start + np.argmax(window, axis=1)
    day = t[index].astype(float)
    # interpolate between the previous sample and the crossing sample
    previous = np.maximum(index - 1, 0)
    can_refine = observed & (index > start)
    v0 = values[np.arange(len(values)), previous]
    v1 = values[np.arange(len(values)), index]
    span = v1 - v0
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.where(span != 0, (threshold - v0) / span, 1.0)
    fraction = np.clip(fraction, 0.0, 1.0)  # numerical guard: the crossing lies inside the step
    day = np.where(can_refine, t[previous] + fraction * (t[index] - t[previous]), day)
    return day, observed


def _sustained_crossing(t: np.ndarray, start: int, hit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First grid index >= start from which ``hit`` stays True to the end of the run."""
    window = hit[:, start:]
    trailing = np.cumprod(window[:, ::-1], axis=1).sum(axis=1)
    observed = trailing > 0
    index = start + window.shape[1] - np.maximum(trailing, 1)
    return t[index].astype(float), observed


def time_to_threshold(cohort, variable: str, threshold: float, *, below: bool, origin_day: float = 0.0,
                      sustained: bool = False, relative: bool = False, label: str | None = None,
                      origin: str = "treatment_start", endpoint: str | None = None) -> TimeToEvent:
    """Days from ``origin_day`` until ``cohort[variable]`` is below (or at/above) ``threshold``.

    ``below=True`` looks for value < threshold, ``below=False`` for value >= threshold.
    ``sustained=True`` asks for the first day from which the condition holds until the
    end of the simulation (used for testosterone, whose exogenous washout would
    otherwise count as "in range").  ``relative=True`` compares each patient's value
    divided by his own untreated value (threshold 1 = back to his baseline).
    Patients without the event are censored at the end of the simulation.
    """
    validation.known_keys("variable", [variable], _check_cohort(cohort).variables, "variables")
    threshold = validation.number("threshold", threshold, unit=cohort.units[variable])
    for flag, value in (("below", below), ("sustained", sustained), ("relative", relative)):
        validation.flag(flag, value)
    t = np.asarray(cohort.t, dtype=float)
    origin_day = validation.number("origin_day", origin_day, low=float(t[0]), high=float(t[-1]), unit="days")
    values = np.asarray(cohort.relative(variable) if relative else cohort[variable], dtype=float)
    hit = values < threshold if below else values >= threshold
    start = int(np.searchsorted(t, origin_day, side="left"))
    if sustained:
        day, observed = _sustained_crossing(t, start, hit)
    else:
        day, observed = _first_crossing(values, t, start, hit, threshold)
    times = np.where(observed, day, t[-1]) - origin_day
    word = "below" if below else "at or above"
    unit = "x own baseline" if relative else cohort.units[variable]
    text = label or f"{variable} {word} {threshold:g} {unit}"
    return TimeToEvent(text, times, observed, float(origin_day), origin,
                       endpoint or ("sperm_below" if below else "sperm_at_least"), float(t[-1] - origin_day),
                       float(threshold), cohort.patients.index)


def treatment_window(regimen) -> tuple[float, float | None]:
    """(first day, stop day) of the testosterone doses in a regimen; stop is None if never stopped."""
    validation.instance("regimen", regimen, Regimen, "an hpg.Regimen")
    doses = [dose for dose in regimen.doses if dose.drug in testosterone_drugs()]
    if not doses:
        raise ValueError(
            f"the regimen has no testosterone dose ({', '.join(testosterone_drugs())}), so there is no "
            f"treatment to time from; its drugs are {sorted(regimen.drugs)}"
        )
    start = min(float(dose.start_day) for dose in doses)
    stops = [dose.stop_day for dose in doses]
    stop = None if any(stop is None for stop in stops) else max(float(stop) for stop in stops)
    return start, stop


def _check_cohort(cohort) -> Cohort:
    return validation.instance("cohort", cohort, Cohort, "an hpg.simulate_cohort Cohort")


def _stop_day(cohort, stop_day: float | None) -> float:
    if stop_day is not None:
        return validation.number("stop_day", stop_day, low=0, high=float(cohort.t[-1]),
                                 unit="days, inside the simulation")
    _, stop = treatment_window(cohort.regimen)
    if stop is None:
        raise ValueError("the testosterone doses never stop (stop_day=None), so there is no recovery to time; "
                         "give the doses a stop_day or pass stop_day=")
    return stop


def suppression(cohort, threshold: float = 1.0) -> TimeToEvent:
    """Days from the first testosterone dose until sperm falls below ``threshold`` million/mL."""
    threshold = validation.number("threshold", threshold, low=0, unit="million/mL")
    start, _ = treatment_window(_check_cohort(cohort).regimen)
    return time_to_threshold(cohort, "sperm", threshold, below=True, origin_day=start,
                             label=f"sperm < {threshold:g} million/mL", origin="treatment_start",
                             endpoint="sperm_below")


def azoospermia(cohort) -> TimeToEvent:
    """Days from the first testosterone dose to azoospermia (model reading, data/lab_report.csv)."""
    start, _ = treatment_window(_check_cohort(cohort).regimen)
    threshold = azoospermia_threshold()
    event = time_to_threshold(cohort, "sperm", threshold, below=True, origin_day=start,
                              label="azoospermia (model reading)", origin="treatment_start", endpoint="azoospermia")
    return event


def sperm_recovery(cohort, threshold: float = 20.0, stop_day: float | None = None) -> TimeToEvent:
    """Days from stopping testosterone until sperm first reaches ``threshold`` million/mL."""
    threshold = validation.number("threshold", threshold, low=0, unit="million/mL")
    stop = _stop_day(_check_cohort(cohort), stop_day)
    return time_to_threshold(cohort, "sperm", threshold, below=False, origin_day=stop,
                             label=f"sperm ≥ {threshold:g} million/mL", origin="treatment_stop",
                             endpoint="sperm_at_least")


def testosterone_recovery(cohort, stop_day: float | None = None) -> TimeToEvent:
    """Days from stopping until serum testosterone is back at or above the reference
    lower limit and stays there to the end of the simulation."""
    stop = _stop_day(_check_cohort(cohort), stop_day)
    low = float(reference_range("testosterone").low)
    return time_to_threshold(cohort, "testosterone", low, below=False, origin_day=stop, sustained=True,
                             label=f"testosterone ≥ {low:g} ng/dL (sustained)", origin="treatment_stop",
                             endpoint="testosterone_in_range")


def split_by(event: TimeToEvent, values, bins=None, labels=None, name: str = "group") -> dict[str, TimeToEvent]:
    """Split a TimeToEvent into groups of a patient characteristic (e.g. age).

    ``bins`` are interval edges (default: tertiles of ``values``, each edge once where ties
    make two equal, so fewer groups); groups hold
    left-closed intervals [edge_i, edge_{i+1}), the last one closed on both sides. Men whose
    value lies outside every bin are left out; bins that hold no man at all are refused.
    """
    validation.instance("event", event, TimeToEvent, "a TimeToEvent (e.g. from hpg.recovery.sperm_recovery)")
    validation.text("name", name)
    if isinstance(values, (str, bytes)) or not np.iterable(values):
        raise TypeError(f"values must hold one number per patient ({len(event)}), got {type(values).__name__}")
    values = np.asarray(values)
    if values.dtype.kind not in "iuf":
        raise TypeError(f"values must hold one number per patient ({len(event)}); got {values.dtype} values")
    values = values.astype(float)
    if values.shape != (len(event),):
        raise ValueError(f"values must have one entry per patient ({len(event)}); got shape {values.shape}")
    if not np.all(np.isfinite(values)):
        missing = int(np.count_nonzero(~np.isfinite(values)))
        raise ValueError(f"values must be finite numbers, one per patient; {missing} of {len(values)} are NaN or "
                         "infinite (drop those patients first, e.g. with event.subset)")
    if bins is None:
        # tertiles; tied values can make two edges equal (0, 0, 0, 1, 2, 3): keep each edge once
        bins = np.unique(np.quantile(values, [0, 1 / 3, 2 / 3, 1]))
        if len(bins) < 2:
            raise ValueError(f"values are all {validation.figure(bins[0])}: there is nothing to split by "
                             "(pass bins=[low, high] to keep them as one group)")
    edges = np.asarray(validation.number_list("bins", bins), dtype=float)
    if edges.ndim != 1 or len(edges) < 2 or np.any(np.diff(edges) <= 0):
        raise ValueError(f"bins must be at least two increasing edges; got {list(edges)}")
    if labels is None:
        labels = [f"{name} {lo:.2g}–{hi:.2g}" for lo, hi in zip(edges[:-1], edges[1:])]
    if isinstance(labels, (str, bytes)) or not np.iterable(labels):
        raise TypeError(f"labels must be a list of group names, got {type(labels).__name__}")
    labels = [validation.text("labels entry", label) for label in labels]
    if len(labels) != len(edges) - 1:
        raise ValueError(f"labels must have {len(edges) - 1} entries (one per bin); got {len(labels)}")
    index = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, len(edges) - 2)
    inside = (values >= edges[0]) & (values <= edges[-1])
    if not np.any(inside):
        raise ValueError(f"no value falls within the bins {validation.figure(edges[0])} to {validation.figure(edges[-1])}; "
                         f"the values span {validation.figure(values.min())} to {validation.figure(values.max())}")
    return {label: event.subset(inside & (index == i), label) for i, label in enumerate(labels)
            if np.any(inside & (index == i))}


def published_points(event: TimeToEvent) -> pd.DataFrame:
    """Published proportions (data/published_population.csv) matching an event's endpoint."""
    validation.instance("event", event, TimeToEvent, "a TimeToEvent (e.g. from hpg.recovery.sperm_recovery)")
    table = pd.DataFrame(read_table("published_population")).replace("", np.nan)
    table[["threshold", "day", "value"]] = table[["threshold", "day", "value"]].astype(float)
    match = (table["kind"] == "proportion") & (table["origin"] == event.origin) & (table["endpoint"] == event.endpoint)
    if event.endpoint not in ("azoospermia",) and event.threshold is not None:
        match &= np.isclose(table["threshold"], event.threshold)
    rows = table[match & table["day"].notna()].copy()
    rows["study"] = rows["source"].map(short_reference)
    return rows


def _curve_frame(events: dict[str, TimeToEvent]) -> pd.DataFrame:
    frames = []
    for label, event in events.items():
        curve = event.curve()
        curve["group"] = label
        frames.append(curve)
    frame = pd.concat(frames, ignore_index=True)
    frame["months"] = frame["day"] / DAYS_PER_MONTH
    return frame


CHART_LABEL_PX = 13  # tick labels and legends: the smallest type a projected chart may have
CHART_TITLE_PX = 14  # axis titles
CHART_HEADING_PX = 16
TITLE_CHARACTER_EM = 0.55  # width of a character of a bold axis title, in ems (measured 0.49; kept on the safe side)


def recovery_chart(events, *, title: str | None = None, published: bool = True, width: int = 520,
                   height: int = 320) -> alt.Chart:
    """Kaplan-Meier step curves (share with the event vs months from the origin), one
    colour per group, with matching published points drawn as black marks, one shape per
    study named by author and year.  The y axis names the event the curves time (the
    groups' labels are in the legend)."""
    if isinstance(events, TimeToEvent):
        events = {events.label: events}
    wanted = "a TimeToEvent or a dict label -> TimeToEvent"
    validation.instance("events", events, dict, wanted)
    if not events:
        raise ValueError(f"events must hold at least one TimeToEvent ({wanted})")
    for label, event in events.items():
        validation.text("events label", label)
        validation.instance(f"events[{label!r}]", event, TimeToEvent, "a TimeToEvent")
    if title is not None:
        validation.text("title", title)
    validation.flag("published", published)
    width = validation.whole_number("width", width, low=100, high=4000, unit="px")
    height = validation.whole_number("height", height, low=100, high=4000, unit="px")
    first = next(iter(events.values()))
    described = list(dict.fromkeys(event.description for event in events.values()))
    what = described[0] if len(described) == 1 else "the event named in the legend"
    origin_text = "starting testosterone" if first.origin == "treatment_start" else "stopping testosterone"
    curves = _curve_frame(events)
    # Type a lecture hall's back row reads (Vega's defaults are 10-11 px), set on the axes and legends
    # themselves: a chart with a config could not be concatenated (03b sets three side by side).
    axis_type = {"labelFontSize": CHART_LABEL_PX, "titleFontSize": CHART_TITLE_PX}
    legend_type = {"labelFontSize": CHART_LABEL_PX, "titleFontSize": CHART_LABEL_PX, "labelLimit": 0}
    x = alt.X("months:Q", title=f"months after {origin_text}", axis=alt.Axis(**axis_type))
    y_title = f"share of men with {what}"
    if len(y_title) * CHART_TITLE_PX * TITLE_CHARACTER_EM > height:  # longer than the plot is tall: two lines
        y_title = ["share of men with", what]
    y = alt.Y("probability:Q", title=y_title, scale=alt.Scale(domain=[0, 1]),
              axis=alt.Axis(format="%", **axis_type))
    lines = alt.Chart(curves).mark_line(interpolate="step-after", strokeWidth=2.5).encode(
        x=x, y=y, color=alt.Color("group:N", title=None, sort=list(events), legend=alt.Legend(**legend_type)),
        tooltip=["group:N", alt.Tooltip("months:Q", format=".1f"), alt.Tooltip("probability:Q", format=".0%"),
                 "at_risk:Q"],
    )
    chart = lines
    if published:
        points = published_points(first)
        if not points.empty:
            points["months"] = points["day"].astype(float) / DAYS_PER_MONTH
            marks = alt.Chart(points).mark_point(filled=True, size=90, color="black").encode(
                x="months:Q", y="value:Q", shape=alt.Shape("study:N", title="published (not fitted)",
                                                           legend=alt.Legend(**legend_type)),
                tooltip=["study:N", "provenance:N", "population:N", "regimen:N", "note:N",
                         alt.Tooltip("value:Q", format=".0%", title="published share")],
            )
            chart = alt.layer(lines, marks).resolve_scale(color="independent", shape="independent")
    return chart.properties(width=width, height=height,
                            title=alt.Title(title or f"{what} after {origin_text}", fontSize=CHART_HEADING_PX))


def _published_table() -> pd.DataFrame:
    table = pd.DataFrame(read_table("published_population")).replace("", np.nan)
    for column in ("threshold", "day", "day_low", "day_high", "value", "value_low", "value_high"):
        table[column] = table[column].astype(float)
    return table


def _event_for(cohort, row, stop_day) -> TimeToEvent | None:
    """The cohort's time-to-event matching a published row (None if the model cannot say)."""
    endpoint, origin = row["endpoint"], row["origin"]
    if origin == "treatment_start":
        if endpoint == "azoospermia":
            return azoospermia(cohort)
        if endpoint == "sperm_below":
            return suppression(cohort, row["threshold"])
        if endpoint == "half_of_baseline":
            start, _ = treatment_window(cohort.regimen)
            return time_to_threshold(cohort, "sperm", 0.5, below=True, relative=True, origin_day=start)
    if origin == "treatment_stop":
        if endpoint == "sperm_at_least":
            return sperm_recovery(cohort, row["threshold"], stop_day)
        if endpoint == "own_baseline":
            return time_to_threshold(cohort, "sperm", 1.0, below=False, relative=True,
                                     origin_day=_stop_day(cohort, stop_day), origin="treatment_stop",
                                     endpoint="own_baseline")
    return None


def compare_with_published(cohort, sources=None, stop_day: float | None = None) -> pd.DataFrame:
    """The cohort beside each published observation it can be compared with.

    One row per observation of data/published_population.csv (optionally only the
    given ``sources``): the published figure, the model's figure measured the same
    way, and what is compared ("share by day", "median day", "mean day",
    "plateau").  Observations the model cannot reproduce (total motile count,
    'any sperm', men whose treatment is unknown) are left out.  The cohort's regimen
    should match the studies' (testosterone enanthate 200 mg weekly for most rows).
    """
    _check_cohort(cohort)
    table = _published_table()
    if sources is not None:
        sources = validation.known_keys("sources", sources, set(table["source"]), "sources")
        if not sources:
            raise ValueError("sources must name at least one source (or be None for every source)")
        table = table[table["source"].isin(sources)]
    rows = []
    for _, row in table.iterrows():
        measure = model_value = None
        published = row["value"]
        if row["kind"] == "plateau":
            measure = "median share of own baseline at the end"
            model_value = float(np.median(cohort.relative("sperm")[:, -1]))
        else:
            event = _event_for(cohort, row, stop_day)
            if event is None or np.isnan(row["day"]) or row["day"] > event.follow_up:
                continue
            if row["kind"] == "proportion" and row["value"] != 0.5:
                measure = f"share by day {row['day']:g}"
                model_value = event.probability_by(row["day"])
            elif row["kind"] in ("proportion", "curve_time"):
                measure, published = "median day", row["day"]
                model_value = event.median()
            elif row["kind"] == "mean_time":
                measure, published = "mean day (men with the event)", row["day"]
                model_value = float(np.mean(event.times[event.observed])) if event.n_events else None
        if measure is None:
            continue
        rows.append({"id": row["id"], "measure": measure, "published": published,
                     "model": model_value, "published_low": row["day_low"] if "day" in measure else row["value_low"],
                     "published_high": row["day_high"] if "day" in measure else row["value_high"],
                     "source": row["source"], "provenance": row["provenance"], "regimen": row["regimen"]})
    return pd.DataFrame(rows)
