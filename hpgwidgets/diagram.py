"""The HPG axis as a live diagram: who signals whom, and how strongly, on one day.

Hypothalamus -> pituitary -> testes, with the feedback loops back up. Each link is
drawn with a width proportional to its signal on the chosen day, relative to this
patient's untreated value (the label gives the percentage), so a student sees which
link testosterone therapy switches off and which one each drug switches back on.
Drug entry points light up while a drug is being given and stay faint otherwise.

``axis_diagram`` is an ordinary Altair chart (it exports like the other charts); its
day-dependent values are chart params, so a widget moves the day without a redraw
(``diagram_params``). ``diagram_text`` says the same in words for screen readers.
"""
from __future__ import annotations

import math

import altair as alt

from . import validation
from .charts import OKABE_ITO, PINNED_COLOUR, drug_label
from .labs import week_on_clock
from .pharmacology import DRUGS, testosterone_drugs
from .summary import in_sentence

STIMULATES = "stimulates"
INHIBITS = "inhibits"
LINK_COLOURS = {STIMULATES: OKABE_ITO["blue"], INHIBITS: OKABE_ITO["vermillion"]}
LINK_DASH = {STIMULATES: [1, 0], INHIBITS: [6, 4]}
# Arrowhead for a drive, a flat bar (an SVG path) for a brake.
ARROW_ENDS = {STIMULATES: "triangle-up", INHIBITS: "M-1,-0.25H1V0.25H-1Z"}

# Drawing frame: x and y run 0..100 (y upwards); boxes are centre, width, height.
FRAME = (0, 100)
NODES = {
    "hypothalamus": ("Hypothalamus", 50, 90, 30, 8),
    "pituitary": ("Pituitary", 50, 66, 24, 8),
    "leydig": ("Leydig cells", 32, 34, 18, 8),
    "sertoli": ("Sertoli cells", 64, 34, 18, 8),
    "serum_t": ("Testosterone\n(blood)", 13, 52, 22, 11),  # two lines: one ran past its box
    "estradiol": ("Estradiol", 88, 52, 18, 8),
    "sperm": ("Sperm", 87, 20, 12, 7),
}
TESTES_BOX = (48, 34, 60, 20)



def _relative(value: float, untreated: float) -> float:
    """value / untreated; a signal the man did not have untreated (a man without GnRH drive has no
    GnRH and no sperm) is 1 while it stays absent and infinite once a treatment brings it."""
    if untreated > 0:
        return value / untreated
    return 1.0 if value <= 0 else math.inf


def _ratio_of(variable: str):
    def ratio(values: dict, baseline: dict) -> float:
        return _relative(values[variable], baseline[variable])
    return ratio


def _own_testosterone_ratio(values: dict, baseline: dict) -> float:
    """Testosterone the testes themselves release (serum T minus the medicine's share)."""
    return _relative(values["testosterone"] - values["exogenous_testosterone"], baseline["testosterone"])


# link id -> (signal name, signal as ratio to untreated, kind, polyline points, label point)
LINKS = {
    "gnrh": ("GnRH", _ratio_of("gnrh"), STIMULATES, [(50, 86), (50, 70)], (57, 78)),
    "lh": ("LH", _ratio_of("lh"), STIMULATES, [(46, 62), (35, 38)], (34, 50)),
    "fsh": ("FSH", _ratio_of("fsh"), STIMULATES, [(53, 62), (59, 38)], (49.5, 47)),
    "inhibin": ("Inhibin B", _ratio_of("inhibin_b"), INHIBITS, [(67, 38), (59, 62)], (72, 49)),
    "itt": ("Testicular T", _ratio_of("itt"), STIMULATES, [(41, 34), (55, 34)], (48, 39.5)),
    "secretion": ("own T", _own_testosterone_ratio, STIMULATES, [(24, 36), (16, 46.5)], (11.5, 40.5)),
    "t_to_hypothalamus": ("T brake", _ratio_of("testosterone"), INHIBITS, [(6, 57.5), (6, 90), (35, 90)], (15, 93)),
    "t_to_pituitary": ("T brake", _ratio_of("testosterone"), INHIBITS, [(22, 57.5), (38, 65)], (33, 57)),
    "aromatase": ("aromatase to E2", _ratio_of("estradiol"), STIMULATES,
                  [(4, 46.5), (4, 6), (96, 6), (96, 48)], (40, 9.5)),
    "e2_to_hypothalamus": ("E2 brake", _ratio_of("estradiol"), INHIBITS, [(88, 56), (88, 90), (65, 90)], (82, 93)),
    "e2_to_pituitary": ("E2 brake", _ratio_of("estradiol"), INHIBITS, [(80, 56), (62, 65)], (76, 65)),
    "spermatogenesis": ("sperm output", _ratio_of("sperm"), STIMULATES, [(73, 31), (83, 23.5)], (70, 19.5)),
}

# Drug entry points: marker id -> (drug ids, where it acts in words, symbol point, label, label point, shape)
DRUG_MARKERS = {
    "gonadorelin": (("gonadorelin",), "replaces GnRH at the pituitary", (31, 72), "Gonadorelin", (31, 76.5),
                    "triangle-down"),
    "hcg": (("hcg",), "acts like LH on the Leydig cells", (32, 27), "hCG", (25.5, 27), "triangle-up"),
    "serm": (("clomiphene", "tamoxifen"), "blocks estradiol's brake on the pituitary", (71, 60.5), "SERM",
             (69, 55.5), "cross"),
    "serm_hypothalamus": (("clomiphene", "tamoxifen"), "blocks estradiol's brake on the hypothalamus",
                          (88, 76), "SERM", (82, 76), "cross"),
    "anastrozole": (("anastrozole",), "blocks aromatase (less T becomes E2)", (70, 6), "Anastrozole",
                    (70, 1.5), "cross"),
    "exogenous_t": (testosterone_drugs(), "adds testosterone to the blood", (14, 61.5), "T medicine", (14, 66),
                    "triangle-down"),
}

# Display width of a link carrying its untreated signal, and the ratio beyond which
# wider lines would only hide the labels (the label still gives the true percentage).
WIDTH_AT_BASELINE = 5.0
MIN_WIDTH = 0.6
MAX_DISPLAY_RATIO = 3.0
DIAGRAM_WIDTH = 620
DIAGRAM_HEIGHT = 440
NODE_FONT_PX = 15
NODE_LINE_PX = NODE_FONT_PX + 2  # Vega's line height

STRENGTH_PARAM = "link_strength"
LABEL_PARAM = "link_label"
ACTIVE_PARAM = "drug_active"
DAY_PARAM = "diagram_day"


def _percent(ratio: float) -> str:
    # The workbook's one percent formatter (the sentence beside the chart prints the same figures).
    from .summary import percent

    return percent(ratio, compact=True)


def _shown(ratio: float) -> str:
    """A ratio as the diagram prints it: a percentage, or "new" for a signal the man did not have untreated."""
    return _percent(ratio) if math.isfinite(ratio) else "new"


def signal_ratios(result, day: float) -> dict[str, float]:
    """Each link's signal on ``day`` as a ratio to the patient's untreated value."""
    values = result.at(day)
    return {link: signal(values, result.baseline) for link, (_, signal, _, _, _) in LINKS.items()}


def drugs_given(regimen, day: float, days: float) -> dict[str, tuple[str, ...]]:
    """Per drug entry point, the drugs being given on ``day`` (a dose line covers the day)."""
    from .summary import dose_running

    on_day = {dose.drug for dose in regimen if dose_running(dose, day, days)}
    return {marker: tuple(drug for drug in drugs if drug in on_day)
            for marker, (drugs, *_rest) in DRUG_MARKERS.items()}


def _no_drug_sentence(result, day: float) -> str:
    """What the summary beside the diagram says too: untreated, not yet treated, or how long since the last dose."""
    from .summary import off_treatment

    return off_treatment(result, day, untreated="No drug is being given: the man is untreated.",
                         not_yet="No drug is being given yet: the treatment starts later.",
                         since="No drug is being given then: the last dose, of {drug}, was {time} earlier.")


def drug_actions(given: dict[str, tuple[str, ...]]) -> dict[str, list[str]]:
    """Per drug being given (``drugs_given``), what it does in words, in the order of DRUG_MARKERS."""
    actions: dict[str, list[str]] = {}
    for marker, drugs in given.items():
        for drug in drugs:
            actions.setdefault(drug, []).append(DRUG_MARKERS[marker][1])
    return actions


def _joined(actions: list[str]) -> str:
    """'blocks estradiol's brake on the pituitary and on the hypothalamus': actions that differ only in where."""
    if len(actions) == 2 and all(" on the " in action for action in actions):
        first, second = (action.rsplit(" on the ", 1) for action in actions)
        if first[0] == second[0]:
            return f"{first[0]} on the {first[1]} and on the {second[1]}"
    return " and ".join(actions)


def diagram_params(result, day: float) -> dict:
    """Values of the day-dependent params of ``axis_diagram`` (for an in-place update)."""
    ratios = signal_ratios(result, day)
    given = drugs_given(result.regimen, day, result.days)
    return {
        DAY_PARAM: float(day),
        STRENGTH_PARAM: {link: round(min(ratio, MAX_DISPLAY_RATIO), 4) for link, ratio in ratios.items()},
        LABEL_PARAM: {link: f"{LINKS[link][0]} {_shown(ratio)}" for link, ratio in ratios.items()},
        ACTIVE_PARAM: {marker: int(bool(drugs)) for marker, drugs in given.items()},
    }


def _frame_scale() -> alt.Scale:
    return alt.Scale(domain=list(FRAME), nice=False, zero=False)


def _xy(x_field="x", y_field="y"):
    axis = None
    return {
        "x": alt.X(f"{x_field}:Q", scale=_frame_scale(), axis=axis),
        "y": alt.Y(f"{y_field}:Q", scale=_frame_scale(), axis=axis),
    }


def _inline(rows: list[dict]) -> alt.InlineData:
    """Rows as a chart's inline data, without pandas (30 MiB a kernel): a column holding any float
    holds only floats, as in the DataFrame that carried them before, so specs are unchanged."""
    floats = {key for row in rows for key, value in row.items() if isinstance(value, float)}
    return alt.InlineData(values=[{key: float(value) if key in floats else value for key, value in row.items()}
                                  for row in rows])


def _node_frame() -> alt.InlineData:
    # a name of two lines: Vega puts its first line where one line would be, so it starts half a line higher
    rows = [{"node": node, "label": label, "x": x - w / 2, "x2": x + w / 2, "y": y - h / 2, "y2": y + h / 2,
             "cx": x, "cy": y + label.count("\n") * NODE_LINE_PX / 2 * (FRAME[1] - FRAME[0]) / DIAGRAM_HEIGHT}
            for node, (label, x, y, w, h) in NODES.items()]
    return _inline(rows)


def _link_frame() -> alt.InlineData:
    rows = []
    for link, (_, _, kind, points, _) in LINKS.items():
        for order, (x, y) in enumerate(points):
            rows.append({"link": link, "kind": kind, "order": order, "x": x, "y": y})
    return _inline(rows)


def _arrowhead_frame() -> alt.InlineData:
    """Arrowheads (stimulation) or bars (inhibition) at each link's last point, turned along it."""
    import math

    rows = []
    for link, (_, _, kind, points, _) in LINKS.items():
        (x0, y0), (x1, y1) = points[-2], points[-1]
        # Vega angles run clockwise from "up"; the frame's y axis points up.
        angle = math.degrees(math.atan2(x1 - x0, y1 - y0)) % 360
        rows.append({"link": link, "colour": LINK_COLOURS[kind], "end": ARROW_ENDS[kind], "x": x1, "y": y1,
                     "angle": round(angle, 1)})
    return _inline(rows)


def _label_frame() -> alt.InlineData:
    return _inline([{"link": link, "x": point[0], "y": point[1]}
                    for link, (*_, point) in LINKS.items()])


def _marker_frame() -> alt.InlineData:
    rows = []
    for marker, (drugs, action, (x, y), short, (lx, ly), shape) in DRUG_MARKERS.items():
        rows.append({"marker": marker, "drugs": " / ".join(drug_label(drug) for drug in drugs), "action": action,
                     "short": short, "shape": shape, "x": x, "y": y, "lx": lx, "ly": ly})
    return _inline(rows)


def axis_diagram(result, day: float = 0.0) -> alt.LayerChart:
    """The HPG axis on ``day``: nodes, signal links (width = strength), drug entry points."""
    validation.simulation_result("result", result)
    day = validation.number("day", day, low=float(result.t[0]), high=float(result.t[-1]), unit="days")
    params = diagram_params(result, day)
    # Colour and dash share one legend (same field), so the legend shows both.
    kind_legend = alt.Legend(title=None, orient="bottom", symbolType="stroke", symbolStrokeWidth=3,
                             labelExpr="datum.label == 'stimulates' ? 'drives (arrow)' : 'brakes (bar)'")
    kind_colour = alt.Color("kind:N", legend=kind_legend,
                            scale=alt.Scale(domain=list(LINK_COLOURS), range=list(LINK_COLOURS.values())))
    kind_dash = alt.StrokeDash("kind:N", legend=kind_legend,
                               scale=alt.Scale(domain=list(LINK_DASH), range=list(LINK_DASH.values())))
    strength = f"{STRENGTH_PARAM}[datum.link]"
    testes = alt.Chart(_inline([{"x": TESTES_BOX[0] - TESTES_BOX[2] / 2, "x2": TESTES_BOX[0] + TESTES_BOX[2] / 2,
                                "y": TESTES_BOX[1] - TESTES_BOX[3] / 2, "y2": TESTES_BOX[1] + TESTES_BOX[3] / 2,
                                "label": "Testes"}])).mark_rect(
        fill="#F4F4F4", stroke="#999999", strokeDash=[3, 3], cornerRadius=10).encode(
        **_xy(), x2="x2:Q", y2="y2:Q")
    testes_label = alt.Chart(_inline([{"x": TESTES_BOX[0] + TESTES_BOX[2] / 2 - 1,
                                      "y": TESTES_BOX[1] + TESTES_BOX[3] / 2 - 1, "label": "Testes"}])
                             ).mark_text(align="right", baseline="top", fontSize=14, color="#666666",
                                         fontStyle="italic").encode(**_xy(), text="label:N")
    links = alt.Chart(_link_frame()).mark_line(strokeCap="round", strokeJoin="round").encode(
        **_xy(), detail="link:N", order="order:Q", color=kind_colour, strokeDash=kind_dash,
        strokeWidth=alt.StrokeWidth("width:Q", scale=None),
        tooltip=[alt.Tooltip("label:N", title="Signal")],
    ).transform_calculate(
        width=f"max({MIN_WIDTH}, {WIDTH_AT_BASELINE} * {strength})",
        label=f"{LABEL_PARAM}[datum.link] + ' of untreated'",
    )
    # Literal colours and shapes (scale=None): the links' legend already explains them.
    arrow_ends = alt.Chart(_arrowhead_frame()).mark_point(filled=True, opacity=1).encode(
        **_xy(), color=alt.Color("colour:N", scale=None), shape=alt.Shape("end:N", scale=None),
        angle=alt.Angle("angle:Q", scale=None),
        size=alt.Size("size:Q", scale=None),
    ).transform_calculate(size=f"60 + 40 * max({MIN_WIDTH}, {WIDTH_AT_BASELINE} * {strength})")
    nodes = alt.Chart(_node_frame()).mark_rect(fill="white", stroke="#333333", strokeWidth=1.5,
                                               cornerRadius=6).encode(**_xy(), x2="x2:Q", y2="y2:Q")
    node_labels = alt.Chart(_node_frame()).mark_text(fontSize=NODE_FONT_PX, fontWeight="bold", lineBreak="\n").encode(
        **_xy("cx", "cy"), text="label:N")
    link_labels = alt.Chart(_label_frame()).mark_text(fontSize=13, color="#222222").encode(
        **_xy(), text="text:N",
    ).transform_calculate(text=f"{LABEL_PARAM}[datum.link]")
    marker_opacity = alt.Opacity("on:Q", scale=alt.Scale(domain=[0, 1], range=[0.18, 1]), legend=None)
    markers = alt.Chart(_marker_frame()).mark_point(filled=True, size=320, color=PINNED_COLOUR,
                                                    stroke="#000000", strokeWidth=1).encode(
        **_xy(), shape=alt.Shape("shape:N", scale=None), opacity=marker_opacity,
        tooltip=[alt.Tooltip("drugs:N", title="Drug"), alt.Tooltip("action:N", title="Acts here"),
                 alt.Tooltip("state:N", title="On this day")],
    ).transform_calculate(on=f"{ACTIVE_PARAM}[datum.marker]",
                          state=f"{ACTIVE_PARAM}[datum.marker] ? 'being given' : 'not given'")
    marker_labels = alt.Chart(_marker_frame()).mark_text(fontSize=13, fontWeight="bold", color="#7A4A00").encode(
        **_xy("lx", "ly"), text="short:N", opacity=marker_opacity,
    ).transform_calculate(on=f"{ACTIVE_PARAM}[datum.marker]")
    layers = [testes, testes_label, links, arrow_ends, nodes, node_labels, link_labels, markers, marker_labels]
    return alt.LayerChart(
        layer=layers,
        params=[alt.VariableParameter(name=name, value=value) for name, value in params.items()],
        width=DIAGRAM_WIDTH, height=DIAGRAM_HEIGHT,
        # the week as labs.week_on_clock gives it (a whole day is never half way between two weeks)
        title=alt.Title(text=alt.ExprRef(expr=f"'The axis in week ' + format(round({DAY_PARAM} / 7), 'd')"),
                        subtitle=["line width and labels: signal as % of this patient's untreated level"],
                        fontSize=18, subtitleFontSize=14, anchor="start"),
        config=alt.Config(view=alt.ViewConfig(stroke=None), font="sans-serif",
                          legend=alt.LegendConfig(labelFontSize=14)),
    )


def diagram_text(result, day: float) -> str:
    """The diagram in words (its text alternative), for screen readers and note-takers."""
    ratios = signal_ratios(result, day)
    sentences = [
        f"HPG axis in week {week_on_clock(day)}, each signal as a share of this patient's untreated level.",
        f"Hypothalamus to pituitary: GnRH drive {_shown(ratios['gnrh'])}.",
        f"Pituitary to testes: LH {_shown(ratios['lh'])} (to the Leydig cells), "
        f"FSH {_shown(ratios['fsh'])} (to the Sertoli cells).",
        f"Inside the testes: own testosterone output {_shown(ratios['secretion'])}, intratesticular "
        f"testosterone {_shown(ratios['itt'])}, sperm output {_shown(ratios['spermatogenesis'])}.",
        f"Feedback brakes: blood testosterone {_shown(ratios['t_to_hypothalamus'])} and estradiol "
        f"{_shown(ratios['e2_to_hypothalamus'])} act on hypothalamus and pituitary; inhibin B "
        f"{_shown(ratios['inhibin'])} acts on the pituitary.",
    ]
    actions = drug_actions(drugs_given(result.regimen, day, result.days))
    if actions:
        sentences.append("Drugs being given then: " + "; ".join(
            f"{in_sentence(drug_label(drug))}, which {_joined(what)}" for drug, what in actions.items()) + ".")
    else:
        sentences.append(_no_drug_sentence(result, day))
    return " ".join(sentences)
