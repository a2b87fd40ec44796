"""Say in words what the chart shows on one day.

One or two sentences for the back row of a lecture hall and for screen-reader users:
where LH, testosterone, intratesticular testosterone and sperm stand against this
patient's untreated values and against the laboratory reference limits.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping

from . import validation
from .pharmacology import DRUGS
from .ranges import azoospermia_threshold, reference_range, reference_variables

azoospermia_reading = azoospermia_threshold  # the one threshold, read in ranges.py
NO_SPERM_SEEN = "none seen"  # how a table cell, a sentence and a lab sheet give sperm below that reading


def percent(ratio: float, *, compact: bool = False) -> str:
    """The workbook's one way to print a share: 0.004 -> 'under 1%', 0.045 -> '4.5%', 1.5 -> '150%'.

    Small shares keep a decimal so 4% and 4.5% stay apart; below 1% the model's exact figure
    means nothing to a reader, and a rounded '1%' or '0%' would mislead. ``compact`` writes
    '<1%' for labels inside a drawing.
    """
    ratio = validation.number("ratio", ratio, low=0)
    if not math.isfinite(100 * ratio):
        raise ValueError(f"ratio = {validation.figure(ratio)} is too large to print as a percent")
    if ratio < 0.01:
        return "<1%" if compact else "under 1%"
    if ratio < 0.095:
        return f"{100 * ratio:.1f}%".replace(".0%", "%")
    return f"{100 * ratio:.0f}%"


percent_of_baseline = percent


def number(value: float, unit: str = "") -> str:
    """A model value rounded for reading: three significant figures at most, no trailing zeros."""
    value = validation.number("value", value)
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


def value_text(variable: str, value: float) -> str:
    """A model value as a table cell: rounded for reading; sperm below the 'none seen' reading say so."""
    validation.text("variable", variable)
    if variable == "sperm" and validation.number("value", value) < azoospermia_threshold():
        return NO_SPERM_SEEN
    return number(value)


def relation(value: float, reference: float, *, tolerance: float = 0.05,
             words: tuple[str, str, str] = ("below", "about the same as", "above")) -> str:
    """'below' / 'about the same as' / 'above': how ``value`` compares with ``reference``.

    Within ``tolerance`` (a fraction of the reference) counts as the same, so prose never calls
    a difference of a rounding error a finding.
    """
    value = validation.number("value", value)
    reference = validation.number("reference", reference)
    tolerance = validation.number("tolerance", tolerance, low=0)
    lower, same, higher = words
    if abs(value - reference) <= tolerance * abs(reference):
        return same
    return lower if value < reference else higher


def as_label(text) -> str:
    """``text`` as a table heading or row label: first letter a capital ('Untreated man', 'Day 14'),
    unless its first word has capitals of its own ('hCG + clomiphene' stays)."""
    text = str(text)
    first = text.split(" ")[0]
    if not text or not text[0].islower() or any(letter.isupper() for letter in first):
        return text
    return text[0].upper() + text[1:]


_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def labelled_tables(markdown: str) -> str:
    """``markdown`` with every table's headings and first-column labels shown as labels (``as_label``): a table a
    lesson writes out by hand ('| Sam's plan | estradiol at 6 months ...', rows named after dict keys) reads like
    the ones ``Table`` prints."""
    lines = markdown.split("\n")
    for index, line in enumerate(lines):
        if not line.startswith("|") or line.startswith("| ---") or line.startswith("|---"):
            continue
        cells = _CELL_SPLIT.split(line)
        if len(cells) < 3:
            continue
        is_header = index + 1 < len(lines) and lines[index + 1].replace(" ", "").startswith("|---")
        labelled = range(1, len(cells) - 1) if is_header else range(1, 2)
        for cell in labelled:
            text = cells[cell].strip()
            if text:
                cells[cell] = cells[cell].replace(text, as_label(text), 1)
        lines[index] = "|".join(cells)
    return "\n".join(lines)


class Table:
    """A small results table shown as Markdown: full cell text (no '...' cut), wrapped to the page,
    numbers right-aligned ('none seen' too: it stands for a sperm count below the reading). ``frame`` is the same table as a pandas DataFrame for code."""

    def __init__(self, frame):
        self.frame = frame

    def _repr_markdown_(self) -> str:
        def cell(value) -> str:
            return str(value).replace("|", "\\|").replace("\n", " ")

        frame = self.frame
        numeric = [all(_looks_numeric(value) for value in frame[column]) for column in frame.columns]
        # headings and row labels read as labels (the frame keeps the names code uses)
        header = "| " + " | ".join([cell(as_label(frame.index.name or ""))]
                                   + [cell(as_label(column)) for column in frame.columns]) + " |"
        rule = "| --- | " + " | ".join("---:" if is_number else "---" for is_number in numeric) + " |"
        rows = ["| " + " | ".join([cell(as_label(label))] + [cell(value) for value in row]) + " |"
                for label, row in zip(frame.index, frame.itertuples(index=False))]
        return "\n".join([header, rule, *rows])

    def __repr__(self) -> str:
        return self.frame.to_string()


def _looks_numeric(value) -> bool:
    if str(value) == NO_SPERM_SEEN:
        return True
    try:
        float(str(value).split(" ")[0])
    except ValueError:
        return False
    return True


def readable_table(values, variables, *, index_name: str, flag: str | None = None) -> Table:
    """A table of model values with names and units in the headers and rounding fit for reading.

    ``values`` maps a row label to a dict of variable values (``Result.at(day)``, a baseline ...).
    ``flag`` names a variable whose value is also placed against its laboratory reference range.
    """
    import pandas as pd

    from .simulation import LABELS, UNITS

    validation.instance("values", values, Mapping, "a mapping of row label -> {variable: value}")
    variables = validation.text_list("variables", variables, "variables of the rows")
    for label, row in values.items():
        validation.instance(f"values[{label!r}]", row, Mapping, "a mapping of variable -> value")
        missing = [variable for variable in variables + ([flag] if flag else []) if variable not in row]
        if missing:
            raise ValueError(f"values[{label!r}] has no value for {missing}")
    columns = {}
    for variable in variables:
        header = f"{LABELS.get(variable, variable)} ({UNITS[variable]})" if UNITS.get(variable) else LABELS.get(variable, variable)
        columns[header] = {label: value_text(variable, row[variable]) for label, row in values.items()}
    if flag is not None:
        band = reference_range(flag)
        columns[f"{LABELS.get(flag, flag)} against the reference range ({band.low:g}-{band.high:g} {band.unit})"] = {
            label: {"": "in range", "L": "below", "H": "above"}.get(band.flag(row[flag]), band.flag(row[flag]))
            for label, row in values.items()}
    table = pd.DataFrame(columns)
    table.index.name = index_name
    return Table(table)


def duration(days: float) -> str:
    """A duration in the unit a reader would use: '2 min', '24 h', '4.5 days', '12 weeks'."""
    days = validation.number("days", days, low=0, unit="days")
    minutes = days * 24 * 60
    if minutes < 90:
        return f"{minutes:.0f} min"
    if days < 2:
        return f"{days * 24:.0f} h"
    if days < 28:
        return f"{days:.1f} days".replace(".0 days", " days")
    return f"{days / 7:.0f} weeks"


def short_reference(key: str) -> str:
    """'Coviello et al. 2005' for a key of data/references.bib (the key itself if it has no author).

    An entry's ``shortauthor`` field (BibLaTeX's) stands for a long corporate author:
    'WHO Task Force 1990' in a legend, not the task force's full name."""
    from .references import bibliography

    entry = bibliography().get(validation.text("key", key))
    if entry is None:
        return key
    if entry.get("shortauthor"):
        return f"{entry['shortauthor']} {entry.get('year', 'n.d.')}"
    names = [name.strip() for name in entry.get("author", "").split(" and ") if name.strip()]
    if not names:
        return f"{entry.get('title', key)} ({entry.get('year', 'n.d.')})"
    first = names[0].split(",")[0].strip()
    many = len(names) > 2 or names[-1] == "others"
    who = f"{first} et al." if many else " and ".join(name.split(",")[0].strip() for name in names)
    return f"{who} {entry.get('year', 'n.d.')}"


def reference_table(variables) -> Table:
    """The laboratory reference ranges of ``variables``: limits with units, who they describe, and the source by name."""
    import pandas as pd

    from .simulation import LABELS

    rows = {}
    for variable in validation.text_list("variables", variables, "variables with a reference range"):
        band = reference_range(variable)
        rows[LABELS.get(variable, variable)] = {
            "Lower limit": f"{band.low:g} {band.unit}",
            "Upper limit": f"{band.high:g} {band.unit}" if band.high != float("inf") else "none",
            "Population": band.population,
            "Source": short_reference(band.source),
        }
    table = pd.DataFrame(rows).T
    table.index.name = "Quantity"
    return Table(table)


def _drug_table(agents, columns):
    """``agents`` if it is a drug table (``hpg.drug_table()``, or rows of it) with ``columns``."""
    import pandas as pd

    validation.instance("agents", agents, pd.DataFrame, "the drug table (hpg.drug_table(), or some of its rows)")
    missing = [column for column in columns if column not in agents.columns]
    if missing:
        raise ValueError(f"agents has no column {missing}: pass hpg.drug_table() (or some of its rows)")
    return agents


def catalogue_table(agents):
    """The drug catalogue (``hpg.drug_table()``) as a reader sees it: names, not ids; plain headers."""
    shown = ["drug_class", "acts_on", "mechanism", "route", "licensed_use_in_men"]
    table = _drug_table(agents, ["name", *shown]).set_index("name")[shown]
    table.columns = ["Class", "Acts on", "Mechanism", "Given as", "Licensed use in men"]
    table.index.name = "Agent"
    return Table(table)


def kinetics_table(agents):
    """Half-life and typical dosing of each agent, with units, and its source by author and year."""
    import pandas as pd

    rows = {}
    agents = _drug_table(agents, ["name", "elimination_half_life_days", "typical_amount", "amount_unit",
                                  "typical_every_days", "source"])
    for _, agent in agents.iterrows():
        rows[agent["name"]] = {
            "Elimination half-life": duration(agent["elimination_half_life_days"]),
            "Typical amount": f"{agent['typical_amount']:g} {agent['amount_unit']}",
            "Typically every": duration(agent["typical_every_days"]),
            "Source": short_reference(agent["source"]),
        }
    table = pd.DataFrame(rows).T
    table.index.name = "Agent"
    return Table(table)


def sperm_phrase(concentration: float) -> str:
    """Sperm concentration in words, against the WHO lower reference limit."""
    concentration = validation.number("sperm concentration", concentration, low=0, unit="million/mL")
    limit = reference_range("sperm").low
    floor = azoospermia_threshold()
    if concentration < floor:
        return f"sperm below {floor:g} million/mL (no sperm seen, model reading)"
    shown = f"{concentration:.0f}" if concentration >= 10 else f"{concentration:.2g}"
    side = "below" if concentration < limit else "at or above"
    return f"sperm {shown} million/mL, {side} the WHO lower limit of {limit:g}"


def testosterone_phrase(value: float) -> str:
    """Serum testosterone in words, against the reference range."""
    value = validation.number("testosterone value", value, low=0, unit="ng/dL")
    band = reference_range("testosterone")
    if value < band.low:
        where = f"below the reference range ({band.low:g}-{band.high:g})"
    elif value > band.high:
        where = f"above the reference range ({band.low:g}-{band.high:g})"
    else:
        where = "inside the reference range"
    return f"serum testosterone {value:,.0f} {band.unit}, {where}"  # 1,298 as the lab sheets print it


def citations():
    """The papers behind what this session ran, as a numbered Markdown list (wraps between words,
    unlike ``print_citations``' plain text in a notebook)."""
    from IPython.display import Markdown

    from .references import citations_text

    lines = citations_text().splitlines()
    if not lines or not lines[0].startswith("["):
        return Markdown(lines[0] if lines else "")
    return Markdown("\n".join(f"{number}. {line.split('] ', 1)[1]}" for number, line in enumerate(lines, start=1)))


def chart_key(variables, *, names=None, cursor_day: float | None = 0.0, log_variables=()) -> list[str]:
    """The key of a time-series chart, one short line per kind of mark it draws.

    ``names`` = (solid line, dashed line) when two runs are compared; ``cursor_day`` is where the
    chart draws its dashed vertical line (the day a summary sentence describes; None: a line a
    widget moves, so the key names no day).
    """
    from .simulation import LABELS

    variables = validation.known_keys("variables", variables, LABELS, "model variables")
    log_variables = validation.known_keys("log_variables", log_variables, LABELS, "model variables")
    names = validation.run_names(names)
    if cursor_day is not None:
        cursor_day = validation.number("cursor_day", cursor_day, low=0, unit="days")
    bands = [variable for variable in variables if variable in reference_variables()]
    two_sided = [variable for variable in bands if math.isfinite(reference_range(variable).high)]
    limits = (["grey band: reference range"] if two_sided else []) + (
        ["dotted line: lower reference limit"] if len(two_sided) < len(bands) else [])
    lines = [" · ".join(limits)] if limits else []
    lines.append("tinted background, bars and ticks: when a medicine is given")
    if names is not None:
        solid, dashed = names
        lines.append(f"solid line: {solid} · dashed line: {dashed}")
    if cursor_day is None:
        lines.append("dashed vertical line: the week described in words")
    elif cursor_day > 0:  # at day 0 the line sits on the axis
        from .labs import week_on_clock  # the week summary_text names, so key and sentence agree

        lines.append(f"dashed vertical line: week {week_on_clock(cursor_day)}, described in words")
    if any(variable in log_variables for variable in variables):
        lines.append("log scale: each grid line is 10 times the one below")
    return lines


def drugs_on_day(regimen, day: float, days: float) -> list[str]:
    """Names of the drugs whose dose lines cover ``day``."""
    from .regimen import Regimen

    validation.instance("regimen", regimen, Regimen, "an hpg.Regimen")
    days = validation.number("days", days, low=0, unit="days")
    day = validation.number("day", day, low=0, high=days, unit="days")
    ids = dict.fromkeys(dose.drug for dose in regimen if dose_running(dose, day, days))
    return [DRUGS[drug_id].name for drug_id in ids]


def dose_running(dose, day: float, days: float) -> bool:
    """Whether ``dose``'s line covers ``day`` of a ``days``-day simulation: from its start to its stop, and on
    the simulation's last day too when it goes on beyond it (a man still on weekly injections at week 26 of a
    26-week run is on testosterone, not off it)."""
    end = dose.end(days)
    return dose.start_day <= day < end or (day == end == days and (dose.stop_day is None or dose.stop_day > days))


def off_treatment(result, day: float, *, untreated: str, not_yet: str, since: str) -> str:
    """Where a day with no dose line running stands, in the caller's words: ``untreated`` (no regimen),
    ``not_yet`` (before the first dose), or ``since`` with ``{time}`` and ``{drug}`` filled in (how long after
    the last dose, and of what: 12 weeks of weekly injections end on day 84, but the injection of day 77 still
    acts, and 'no drug given that day' read as if he had none)."""
    if not len(result.regimen):
        return untreated
    given = [(float(time), dose.drug) for dose in result.regimen for time in dose.times(result.days) if time <= day]
    if not given:
        return not_yet
    last_day, drug = max(given)
    return since.format(time=duration(day - last_day), drug=in_sentence(DRUGS[drug].name))


def in_sentence(label: str) -> str:
    """A name or chart label as it reads inside a sentence: 'Testosterone enanthate' -> 'testosterone
    enanthate', while abbreviations keep their capitals ('FSH', 'human chorionic gonadotropin (hCG)',
    'Pituitary GnRH-receptor responsiveness' -> 'pituitary GnRH-receptor responsiveness')."""
    return " ".join(word if any(letter.isupper() for letter in word[1:]) or word.isupper() else word.lower()
                    for word in label.split(" "))


# An injection interval whose serum testosterone swings by less than this share of its peak (a daily gel) reads as
# one level; a wider swing says where in the interval the reading falls.
SWING_WORTH_SAYING = 0.15


def injection_cycle_phrase(result, day: float) -> str:
    """Where ``day``'s serum testosterone falls between injections, when an injected testosterone swings: ', at its
    low point just before an injection (peak after the previous one: 1,480 ng/dL)' or ', 3 days after an injection
    (from 895 to 1,480 ng/dL between injections)'; '' off injections or for a steady product. 01's summary gave
    '895 ng/dL' read on an injection day beside a chart whose peaks reach 1,500."""
    from .pharmacology import testosterone_drugs

    injected = [dose for dose in result.regimen if dose.drug in testosterone_drugs() and dose.every_days >= 2
                and dose_running(dose, day, result.days)]
    if not injected:
        return ""
    dose = max(injected, key=lambda line: line.every_days)
    before = [float(time) for time in dose.times(result.days) if time < day - 1e-9]
    if not before:
        return ""
    previous = before[-1]
    following = previous + dose.every_days
    window = (result.t >= previous) & (result.t <= min(following, result.t[-1]))
    series = result["testosterone"][window]
    low, peak = float(series.min()), float(series.max())
    if peak - low < SWING_WORTH_SAYING * peak:
        return ""
    value = float(result.at(day)["testosterone"])
    unit = reference_range("testosterone").unit
    if following - day < 0.25 and value <= 1.05 * low:
        return f", at its low point just before an injection (peak after the previous one: {peak:,.0f} {unit})"
    return f", {duration(day - previous)} after an injection (from {low:,.0f} to {peak:,.0f} {unit} between injections)"


def scenario_phrase(result, day: float) -> str:
    """LH, FSH and intratesticular testosterone against baseline, serum testosterone and sperm on ``day``."""
    values = validation.simulation_result("result", result).at(day)
    ratio = {name: values[name] / result.baseline[name] for name in ("lh", "fsh", "itt")}
    return (f"LH at {percent_of_baseline(ratio['lh'])} of baseline, FSH at {percent_of_baseline(ratio['fsh'])}; "
            f"{testosterone_phrase(values['testosterone'])}{injection_cycle_phrase(result, day)}; intratesticular testosterone at "
            f"{percent_of_baseline(ratio['itt'])} of baseline; {sperm_phrase(values['sperm'])}")


def summary_text(result, day: float, *, compare=None, names: tuple[str, str] | None = None) -> str:
    """E.g. 'Week 12, on Testosterone enanthate: LH at 4% of baseline, ...'.

    The day is given in weeks only, the clock of the charts and lab sheets (``labs.week_on_clock``):
    one clock per story.

    With ``compare`` (a pinned Result) a second sentence gives the same figures for it,
    when the pinned simulation reaches that day; ``names`` = (this run, the compared run) names
    it outside the Workbench (default "Pinned scenario").
    """
    validation.simulation_result("result", result)
    validation.simulation_result("compare", compare, allow_none=True)
    names = validation.run_names(names)
    day = validation.number("day", day, low=float(result.t[0]), high=float(result.t[-1]), unit="days")
    given = drugs_on_day(result.regimen, day, result.days)
    on = f", on {' + '.join(in_sentence(name) for name in given)}" if given else off_treatment(
        result, day, untreated=", untreated", not_yet=", before the treatment starts",
        since=", {time} after the last dose of {drug}")
    from .labs import week_on_clock

    text = f"Week {week_on_clock(day)}{on}: {scenario_phrase(result, day)}."
    if compare is not None and compare.t[0] <= day <= compare.t[-1]:
        text += f" {names[1][:1].upper() + names[1][1:] if names else 'Pinned scenario'}: {scenario_phrase(compare, day)}."
    return text
