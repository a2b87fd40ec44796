"""Charts, the axis diagram and the text summary: what the spec says, checked against the model and data/.

Every chart here is built from real simulations of the model; the spec is read back
with ``chart.to_dict()`` and, where the drawing itself matters, rendered offline with
vl-convert.
"""
import csv
import json
import math
import re

import numpy as np
import pytest
import vl_convert

import hpgwidgets as hpg
from hpgwidgets import charts, diagram, summary
from hpgwidgets.tables import data_dir

TRT_WEEKS = 26
TRT = hpg.Dose("testosterone_enanthate", amount=200, every_days=7, start_day=0, stop_day=TRT_WEEKS * 7)
HCG = hpg.Dose("hcg", amount=500, every_days=2, start_day=0, stop_day=TRT_WEEKS * 7)
CLOMIPHENE = hpg.Dose("clomiphene", amount=25, every_days=1, start_day=TRT_WEEKS * 7, stop_day=TRT_WEEKS * 7 + 84)
DAYS = 546


@pytest.fixture(scope="module")
def trt_alone():
    return hpg.simulate(hpg.Regimen([TRT]), days=DAYS)


@pytest.fixture(scope="module")
def trt_hcg_clomiphene():
    return hpg.simulate(hpg.Regimen([TRT, HCG, CLOMIPHENE]), days=DAYS)


@pytest.fixture(scope="module")
def spec(trt_hcg_clomiphene):
    return charts.timeseries_chart(trt_hcg_clomiphene, cursor_day=84).to_dict()


def panels(spec):
    """The six variable panels (layer charts) in reading order, then the first column's treatment timeline."""
    rows = spec["vconcat"]
    found = [panel for row in rows[:-1] for panel in row["hconcat"]]
    return found, rows[-1]["hconcat"][0]


def panel_of(spec, variable):
    found, _ = panels(spec)
    for panel in found:
        if panel["title"]["text"] == charts.variable_title(variable):
            return panel
    raise AssertionError(f"no panel titled {charts.variable_title(variable)!r}")


def layers_with_mark(panel, mark):
    return [layer for layer in panel["layer"] if (layer["mark"]["type"] if isinstance(layer["mark"], dict)
                                                   else layer["mark"]) == mark]


def curve_layer(panel):
    (line,) = layers_with_mark(panel, "line")
    return line


def data_reference_ranges():
    with open(data_dir() / "reference_ranges.csv", newline="", encoding="utf-8") as handle:
        return {row["variable"]: row for row in csv.DictReader(handle)}


# --------------------------------------------------------------------------- layout and encodings

def test_six_clinical_panels_with_units_and_a_treatment_timeline(spec, trt_hcg_clomiphene):
    found, timeline = panels(spec)
    assert [panel["title"]["text"] for panel in found] == [charts.variable_title(v) for v in charts.CLINICAL_VARIABLES]
    for variable in charts.CLINICAL_VARIABLES:
        y = curve_layer(panel_of(spec, variable))["encoding"]["y"]
        assert trt_hcg_clomiphene.units[variable] in y["title"]
        assert y["field"] == charts.shown_field(variable)
        x = curve_layer(panel_of(spec, variable))["encoding"]["x"]
        assert x["field"] == "week" and x["title"] == "Week"
    assert timeline["title"]["text"] == "Treatment"
    # one timeline under each column of panels, as wide, so a dose lines up with what it did
    assert [part["width"] for part in spec["vconcat"][-1]["hconcat"]] == [found[0]["width"]] * 2


def test_log_scale_only_where_orders_of_magnitude_matter(spec):
    for variable in charts.CLINICAL_VARIABLES:
        scale = curve_layer(panel_of(spec, variable))["encoding"]["y"]["scale"]
        if variable in ("itt", "sperm"):
            assert scale["type"] == "log"
            assert "log scale" in curve_layer(panel_of(spec, variable))["encoding"]["y"]["title"]
        else:
            assert scale.get("type", "linear") == "linear" and scale["zero"] is True


def test_log_axis_labels_use_thousands_separators_like_the_linear_axes(spec):
    # Draw the log panels' own y axis over six decades and read its tick labels back.
    y_axis = curve_layer(panel_of(spec, "sperm"))["encoding"]["y"]["axis"]
    probe = {"data": {"values": [{"v": 1e-3}, {"v": 1e6}]}, "mark": "point",
             "encoding": {"y": {"field": "v", "type": "quantitative", "scale": {"type": "log"}, "axis": y_axis}}}
    labels = set(re.findall(r"<text[^>]*>([^<]*)</text>", vl_convert.vegalite_to_svg(probe)))
    assert {"0.001", "1", "1,000", "10,000", "1,000,000"} <= labels
    assert not labels & {"10000", "1000000", "1e+6", "1e+5"}


def test_reference_bands_come_from_data_reference_ranges(spec):
    ranges = data_reference_ranges()
    for variable in ("testosterone", "lh", "fsh", "estradiol"):
        (band,) = [layer for layer in layers_with_mark(panel_of(spec, variable), "rect")
                   if layer["encoding"].get("y", {}).get("field") == "low"]
        values = spec["datasets"][band["data"]["name"]]
        assert values[0]["low"] == pytest.approx(float(ranges[variable]["low"]))
        assert values[0]["high"] == pytest.approx(float(ranges[variable]["high"]))
        assert values[0]["source"] == ranges[variable]["source"]
    # Sperm has only a lower limit (WHO): a dotted line at it, not a band.
    (rule,) = layers_with_mark(panel_of(spec, "sperm"), "rule")[:1]
    assert spec["datasets"][rule["data"]["name"]][0]["low"] == pytest.approx(float(ranges["sperm"]["low"]))
    assert ranges["sperm"]["high"] == ""
    # Intratesticular testosterone has no laboratory reference interval to draw.
    assert all(layer["encoding"].get("y", {}).get("field") != "low" for layer in panel_of(spec, "itt")["layer"])


def test_palette_is_okabe_ito_and_pinned_is_dashed(trt_alone, trt_hcg_clomiphene):
    spec = charts.timeseries_chart(trt_hcg_clomiphene, compare=trt_alone).to_dict()
    encoding = curve_layer(panel_of(spec, "lh"))["encoding"]
    assert encoding["color"]["scale"]["domain"] == [charts.CURRENT_LABEL, charts.PINNED_LABEL]
    assert encoding["color"]["scale"]["range"] == ["#0072B2", "#E69F00"]
    assert set(encoding["color"]["scale"]["range"]) <= set(charts.OKABE_ITO.values())
    solid, dashed = encoding["strokeDash"]["scale"]["range"]
    assert solid != dashed
    drug_colours = set(charts.DRUG_COLOURS.values()) - {charts.TESTOSTERONE_COLOUR}
    assert drug_colours <= set(charts.OKABE_ITO.values())
    # Each recovery agent has its own colour.
    agents = ["hcg", "clomiphene", "tamoxifen", "anastrozole", "gonadorelin"]
    assert len({charts.DRUG_COLOURS[agent] for agent in agents}) == len(agents)


def test_fonts_are_large_enough_for_a_projector(spec):
    config = spec["config"]
    assert config["axis"]["labelFontSize"] >= 14 and config["axis"]["titleFontSize"] >= 14
    assert config["title"]["fontSize"] >= 18
    assert config["legend"]["labelFontSize"] >= 14


def test_tooltips_give_scenario_day_and_value_with_unit(spec):
    points = layers_with_mark(panel_of(spec, "lh"), "point")
    (hover,) = points
    titles = [tooltip["title"] for tooltip in hover["encoding"]["tooltip"]]
    assert titles == ["Scenario", "Week", "Day", "LH (IU/L)"]
    assert hover["encoding"]["tooltip"][3]["field"] == "lh"  # the true value, not the floored one


# --------------------------------------------------------------------------- data carried by the chart

def test_series_param_carries_the_simulation_rounded_to_four_digits(spec, trt_hcg_clomiphene):
    series = charts.chart_series(spec)
    assert set(series["scenario"]) == {charts.CURRENT_LABEL}
    np.testing.assert_array_equal(series["day"], trt_hcg_clomiphene.t)
    for variable in charts.CLINICAL_VARIABLES:
        np.testing.assert_allclose(series[variable], trt_hcg_clomiphene[variable], rtol=1e-3, atol=1e-12)


def test_compare_overlays_the_pinned_result(trt_alone, trt_hcg_clomiphene):
    spec = charts.timeseries_chart(trt_hcg_clomiphene, compare=trt_alone).to_dict()
    series = charts.chart_series(spec)
    pinned = series[series["scenario"] == charts.PINNED_LABEL]
    current = series[series["scenario"] == charts.CURRENT_LABEL]
    np.testing.assert_allclose(pinned["itt"], trt_alone["itt"], rtol=1e-3)
    # The comparison shows what hCG is for: intratesticular T kept up during TRT.
    on_trt = (current["day"] >= 21) & (current["day"] < TRT_WEEKS * 7)
    assert current["itt"][on_trt.values].mean() > 5 * pinned["itt"][on_trt.values].mean()
    assert curve_layer(panel_of(spec, "itt"))["encoding"]["color"]["legend"] is not None


def test_window_limits_the_days_carried_and_the_axis(trt_alone):
    spec = charts.timeseries_chart(trt_alone, window_days=(70, 210)).to_dict()
    series = charts.chart_series(spec)
    assert series["day"].min() == 70 and series["day"].max() == 210
    assert charts.chart_param(spec, charts.WINDOW_PARAM) == [10.0, 30.0]


def test_log_axes_floor_values_at_a_thousandth_of_baseline():
    year_of_trt = hpg.simulate(hpg.Regimen([hpg.Dose("testosterone_enanthate", 200, every_days=7, stop_day=364)]),
                               days=450)
    frame = charts.series_frame(year_of_trt)
    floor = year_of_trt.baseline["sperm"] / 1000
    assert charts.log_floors(year_of_trt)["sperm"] == pytest.approx(floor, rel=1e-3)
    below = frame["sperm"] < floor
    assert below.any(), "a year of TRT should drive sperm below the display floor"
    assert frame.loc[below, "sperm_shown"].to_numpy() == pytest.approx(floor, rel=1e-3)
    np.testing.assert_array_equal(frame.loc[~below, "sperm_shown"], frame.loc[~below, "sperm"])
    assert (frame["itt_shown"] >= charts.log_floors(year_of_trt)["itt"]).all()


def test_a_patient_without_sperm_still_gets_a_positive_log_floor():
    azoospermic = hpg.simulate(hpg.Regimen(), days=30, patient=hpg.Patient(baseline_sperm=0))
    floor = charts.log_floors(azoospermic)["sperm"]
    who_limit = float(data_reference_ranges()["sperm"]["low"])
    assert floor == pytest.approx(who_limit / 1000)
    assert charts.series_frame(azoospermic)["sperm_shown"].to_numpy() == pytest.approx(floor)


def inked_texts(svg: str) -> list[str]:
    """The texts of a drawn chart in ink, in drawing order (not the white outlines drawn under names)."""
    return re.findall(r'<text(?![^>]*fill="white")[^>]*>([^<]*)</text>', svg)


def test_a_drug_given_in_cycles_is_named_once_per_timeline():
    # Three cycles of one drug are three phases; its name must still be printed once, not over itself.
    cycles = [hpg.Dose("testosterone_enanthate", amount=200, every_days=7, start_day=start, stop_day=start + 56)
              for start in (0, 112, 224)]
    chart = charts.timeseries_chart(hpg.simulate(hpg.Regimen(cycles), days=300), ["testosterone", "lh"])
    texts = inked_texts(vl_convert.vegalite_to_svg(chart.to_dict()))
    timelines = texts.count("Treatment")
    assert timelines == 2
    assert texts.count("Testosterone enanthate") == timelines
    assert charts.NO_TREATMENT not in texts


def test_a_timeline_with_no_treatment_in_it_says_so(trt_alone):
    """An untreated man's chart (00, 01) says "No treatment" in each timeline instead of an empty box,
    and so does a window that starts after the last dose; a treated window does not."""
    untreated = hpg.simulate(hpg.Regimen(), days=28)
    texts = inked_texts(vl_convert.vegalite_to_svg(charts.timeseries_chart(untreated, ["testosterone", "lh"]).to_dict()))
    assert texts.count(charts.NO_TREATMENT) == texts.count("Treatment") == 2
    after = charts.timeseries_chart(trt_alone, ["lh"], window_days=(TRT_WEEKS * 7 + 14, DAYS))
    assert inked_texts(vl_convert.vegalite_to_svg(after.to_dict())).count(charts.NO_TREATMENT) == 1
    during = charts.timeseries_chart(trt_alone, ["lh"], window_days=(14, DAYS))
    assert charts.NO_TREATMENT not in inked_texts(vl_convert.vegalite_to_svg(during.to_dict()))


def test_the_dashed_day_line_never_runs_through_a_drug_name(trt_alone):
    """On the window's first day (where the names start) the day line is not drawn at all; elsewhere each
    name is drawn after the line, over a white outline of itself."""
    timeline_of = lambda chart: (lambda svg: svg[svg.index(f'{charts.panel_name("treatment")}_group'):])(
        vl_convert.vegalite_to_svg(chart.to_dict()))
    at_start = timeline_of(charts.timeseries_chart(trt_alone, ["lh"], cursor_day=0))
    assert 'aria-roledescription="rule mark"' not in at_start
    inside = timeline_of(charts.timeseries_chart(trt_alone, ["lh"], cursor_day=91))
    rule = inside.index('aria-roledescription="rule mark"')
    name = hpg.DRUGS["testosterone_enanthate"].name
    outline = re.search(rf'<text[^>]*fill="white" stroke="white"[^>]*>{name}</text>', inside)
    ink = re.search(rf'<text(?![^>]*fill="white")[^>]*>{name}</text>', inside)
    assert outline and ink and rule < outline.start() < ink.start()


def test_treatment_phases_and_dose_markers_follow_the_regimen(spec, trt_hcg_clomiphene):
    treatments = charts.chart_param(spec, charts.TREATMENTS_PARAM)
    assert treatments["drug_name"] == [hpg.DRUGS[d].name for d in ("testosterone_enanthate", "hcg", "clomiphene")]
    assert treatments["start_week"] == [0.0, 0.0, TRT_WEEKS]
    assert treatments["stop_week"] == [TRT_WEEKS, TRT_WEEKS, TRT_WEEKS + 12]
    doses = charts.chart_param(spec, charts.DOSES_PARAM)
    enanthate_days = [day for name, day in zip(doses["drug_name"], doses["day"])
                      if name == hpg.DRUGS["testosterone_enanthate"].name]
    # 78 weeks on a 340-px panel put weekly injections 4.4 px apart: every other one is drawn
    np.testing.assert_allclose(enanthate_days, TRT.times(DAYS)[::2])
    # Every panel shades the treatment phases.
    for variable in charts.CLINICAL_VARIABLES:
        shading = [layer for layer in layers_with_mark(panel_of(spec, variable), "rect")
                   if layer["encoding"].get("x", {}).get("field") == "bar_start"]
        assert len(shading) == 1


def test_a_pump_shows_as_a_bar_without_thousands_of_ticks():
    pump = hpg.Dose("gonadorelin", amount=10, every_days=1 / 16, start_day=0, stop_day=120)
    result = hpg.simulate(hpg.Regimen([pump]), days=180)
    params = charts.timeseries_params(result)
    assert params[charts.TREATMENTS_PARAM]["drug_name"] == [hpg.DRUGS["gonadorelin"].name]
    assert "90 minutes" in params[charts.TREATMENTS_PARAM]["schedule"][0]
    assert params[charts.DOSES_PARAM]["day"] == []


def test_params_of_a_new_result_replace_the_data_of_a_chart_in_place(trt_alone, trt_hcg_clomiphene):
    """What a widget does: the same spec with new params is the chart of the new result."""
    old = charts.timeseries_chart(trt_alone, series_capacity=2 * (DAYS + 1)).to_dict()
    new = charts.timeseries_chart(trt_hcg_clomiphene).to_dict()
    updated_params = charts.timeseries_params(trt_hcg_clomiphene)
    for param in old["params"]:
        if param["name"] in updated_params:
            param["value"] = updated_params[param["name"]]
    assert [p for p in old["params"] if p["name"] != charts.CURSOR_PARAM] == \
        [p for p in new["params"] if p["name"] != charts.CURSOR_PARAM]
    assert old["vconcat"] == new["vconcat"]


def test_bad_requests_raise_value_errors_that_say_what_is_allowed(trt_alone):
    with pytest.raises(ValueError, match="unknown variable"):
        charts.timeseries_chart(trt_alone, variables=("lh", "cortisol"))
    with pytest.raises(ValueError, match="window_days"):
        charts.timeseries_chart(trt_alone, window_days=(100, 50))
    with pytest.raises(ValueError, match="series_capacity"):
        charts.timeseries_chart(trt_alone, series_capacity=10)


# --------------------------------------------------------------------------- drawn offline

def test_chart_draws_both_scenarios_offline(trt_alone, trt_hcg_clomiphene):
    chart = charts.timeseries_chart(trt_hcg_clomiphene, compare=trt_alone)
    svg = vl_convert.vegalite_to_svg(chart.to_dict())
    blue_lines = re.findall(r'<path[^>]*stroke="#0072B2"', svg)
    orange_lines = re.findall(r'<path[^>]*stroke="#E69F00"', svg)
    assert len(blue_lines) >= 6 and len(orange_lines) >= 6
    for text in ("Sperm concentration", "Pinned", "Human chorionic gonadotropin (hCG)", "Week"):
        assert text in svg


def test_no_mark_is_clipped_so_charts_on_one_page_never_share_clip_ids(trt_hcg_clomiphene):
    """Vega numbers SVG clip paths per copy of its JavaScript (clip1, clip2...), and each
    JupyterChart loads its own copy: a clipped mark in one chart would be cut to another
    chart's area. No chart of ours asks for a clip."""
    spec = charts.timeseries_chart(trt_hcg_clomiphene, window_days=(28, 300), cursor_day=350).to_dict()
    assert '"clip"' not in json.dumps(vl_convert.vegalite_to_vega(spec))
    assert "clipPath" not in vl_convert.vegalite_to_svg(spec)
    assert "clipPath" not in vl_convert.vegalite_to_svg(diagram.axis_diagram(trt_hcg_clomiphene, 84).to_dict())


def test_a_window_keeps_ticks_bars_and_cursor_inside_it_without_clipping(trt_hcg_clomiphene):
    """Weeks 4 to 20 of 26 weeks of weekly TRT: 17 ticks (weeks 4..20), bars trimmed to the window,
    and a cursor beyond the window is not drawn."""
    window = (28, 140)
    chart = charts.timeseries_chart(trt_hcg_clomiphene, variables=("lh",), window_days=window, cursor_day=300)
    svg = vl_convert.vegalite_to_svg(chart.to_dict())
    timeline = svg[svg.index(f'{charts.panel_name("treatment")}_group'):]
    ticks = re.findall(r'aria-roledescription="tick"', timeline)
    expected_ticks = sum(window[0] <= day <= window[1] for dose in (TRT, HCG)
                         for day in dose.times(DAYS))
    assert len(ticks) == expected_ticks
    axis_width = charts.ChartSize(columns=1).panel_width
    for x, width in re.findall(r'aria-roledescription="bar"[^>]*d="M([-\d.]+),[-\d.]+h([-\d.]+)', timeline):
        assert float(x) >= 0 and float(x) + float(width) <= axis_width + 0.5
    cursor = re.search(rf'{charts.panel_name("treatment")}_layer_2_marks"[^>]*?(/?)>', timeline)
    assert cursor.group(1) == "/"  # an empty rule layer: no cursor outside the window


def test_export_writes_png_and_svg_for_slides(tmp_path, trt_alone):
    chart = charts.timeseries_chart(trt_alone)
    written = charts.export_chart(chart, tmp_path / "slides", "trt")
    assert written["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Serum total testosterone" in written["svg"].read_text()
    with pytest.raises(ValueError, match="formats"):
        charts.export_chart(chart, tmp_path, "trt", formats=("pdf",))
    with pytest.raises(ValueError, match="is a file"):
        charts.export_chart(chart, written["png"], "trt")


# --------------------------------------------------------------------------- the axis diagram

def test_diagram_shows_trt_switching_off_lh_and_hcg_switching_leydig_cells_back_on(trt_hcg_clomiphene):
    day = 84
    params = diagram.diagram_params(trt_hcg_clomiphene, day)
    values, baseline = trt_hcg_clomiphene.at(day), trt_hcg_clomiphene.baseline
    strength = params[diagram.STRENGTH_PARAM]
    assert strength["lh"] == pytest.approx(values["lh"] / baseline["lh"], rel=1e-3, abs=1e-4)
    assert strength["lh"] < 0.2  # TRT has cut the pituitary's LH signal
    assert strength["t_to_pituitary"] > 1  # because blood testosterone brakes it harder
    assert strength["itt"] > 0.5  # hCG keeps the Leydig cells making testosterone
    active = params[diagram.ACTIVE_PARAM]
    assert active["hcg"] == 1 and active["exogenous_t"] == 1 and active["serm"] == 0
    later = diagram.diagram_params(trt_hcg_clomiphene, TRT_WEEKS * 7 + 30)[diagram.ACTIVE_PARAM]
    assert later["serm"] == 1 and later["serm_hypothalamus"] == 1 and later["hcg"] == 0


def test_diagram_is_an_altair_chart_with_nodes_and_a_text_alternative(trt_alone):
    chart = diagram.axis_diagram(trt_alone, day=21)
    svg = vl_convert.vegalite_to_svg(chart.to_dict())
    for node in ("Hypothalamus", "Pituitary", "Leydig cells", "Sertoli cells", "Estradiol"):
        assert node in svg
    assert ">The axis in week 3<" in svg  # the clock of the charts and the week slider
    text = diagram.diagram_text(trt_alone, day=21)
    lh_percent = 100 * trt_alone.at(21)["lh"] / trt_alone.baseline["lh"]
    assert f"LH {summary.percent(lh_percent / 100, compact=True)}" in text  # the workbook's one percent formatter
    assert "testosterone enanthate, which adds testosterone to the blood" in text
    assert text.startswith("HPG axis in week 3, ") and "day" not in text  # one clock: the weeks of the chart beside it
    with pytest.raises(ValueError, match="day = .* is outside the allowed range"):
        diagram.axis_diagram(trt_alone, day=DAYS + 10)


# --------------------------------------------------------------------------- the summary in words

def test_summary_gives_lh_as_percent_of_baseline_and_sperm_against_the_who_limit(trt_alone):
    day = 84
    text = summary.summary_text(trt_alone, day)
    values = trt_alone.at(day)
    assert text.startswith("Week 12, on testosterone enanthate:")  # the charts' clock only, no second "(day 84)"
    lh_ratio = values["lh"] / trt_alone.baseline["lh"]
    assert f"LH at {summary.percent_of_baseline(lh_ratio)} of baseline" in text
    who_limit = float(data_reference_ranges()["sperm"]["low"])
    if values["sperm"] < summary.azoospermia_reading():
        assert "no sperm seen" in text
    else:
        assert f"below the WHO lower limit of {who_limit:g}" in text
    untreated = summary.summary_text(trt_alone, 0)
    assert f"at or above the WHO lower limit of {who_limit:g}" in untreated
    assert "LH at 100% of baseline" in untreated


def test_summary_with_a_pinned_scenario_compares_both(trt_alone, trt_hcg_clomiphene):
    text = summary.summary_text(trt_hcg_clomiphene, 84, compare=trt_alone)
    assert text.count("intratesticular testosterone at") == 2
    assert "Pinned scenario:" in text


def test_percentages_in_words_are_rounded_sensibly():
    assert summary.percent_of_baseline(0.04) == "4%"
    assert summary.percent_of_baseline(0.045) == "4.5%"
    assert summary.percent_of_baseline(0.004) == "under 1%"
    assert summary.percent_of_baseline(1.5) == "150%"
    assert math.isclose(summary.azoospermia_reading(), 0.1)


def test_a_scenario_view_can_chart_any_model_variable():
    """Preset scenarios choose their own variables (e.g. pituitary receptor responsiveness)."""
    pump = hpg.load_scenario("gonadorelin_pump")
    result = pump.simulate()
    spec = charts.timeseries_chart(result, variables=pump.variables).to_dict()
    found, _ = panels(spec)
    assert [panel["title"]["text"] for panel in found] == [charts.variable_title(v) for v in pump.variables]
    receptor = panel_of(spec, "gnrh_receptor")
    assert curve_layer(receptor)["encoding"]["y"]["title"] == result.units["gnrh_receptor"]
    assert charts.chart_series(spec)["gnrh_receptor"].to_numpy() == pytest.approx(result["gnrh_receptor"], rel=1e-3)


@pytest.mark.parametrize("options", [
    {},
    {"variables": ("testosterone", "lh", "itt"), "heading": "TRT with hCG alongside", "names": ("A", "B"),
     "size": charts.ChartSize.fitting(1800, 3), "window_days": (1, 300), "series_capacity": 4000},
])
def test_the_fast_spec_is_the_altair_chart_spec(trt_alone, trt_hcg_clomiphene, options):
    """timeseries_spec assembles cached parts; it must say exactly what timeseries_chart says."""
    for compare in (None, trt_alone):
        expected = charts.timeseries_chart(trt_hcg_clomiphene, compare=compare, **options).to_dict()
        assert charts.timeseries_spec(trt_hcg_clomiphene, compare=compare, **options) == expected


@pytest.mark.parametrize("width, panels, columns", [(560, 6, 1), (900, 6, 2), (1350, 6, 3), (1800, 4, 4),
                                                    (1800, 5, 3), (1800, 6, 3)])
def test_chart_size_fills_the_width_in_balanced_rows(width, panels, columns):
    size = charts.ChartSize.fitting(width, panels)
    assert size.columns == columns
    row = size.columns * (size.panel_width + charts.Y_AXIS_ROOM * size.font_scale) + \
        (size.columns - 1) * charts.PANEL_SPACING
    assert row <= width  # nothing beyond the box
    assert size.panel_width >= charts.MIN_PANEL_WIDTH or columns == 1
    assert (size.font_scale > 1) == (width >= charts.LARGE_SCREEN_PX)  # larger type on a projector
    with pytest.raises(ValueError, match="width_px"):
        charts.ChartSize.fitting(0, panels)


def test_a_window_height_flattens_the_panels_so_the_chart_fits_it():
    laptop = charts.ChartSize.fitting(1300, 4, height_px=768)
    assert laptop.panel_height < charts.ChartSize.fitting(1300, 4).panel_height
    rows = math.ceil(4 / laptop.columns)
    needed = rows * (laptop.panel_height + charts.PANEL_ROOM_Y) + charts.TIMELINE_ROOM_Y
    assert needed <= 768 * charts.SCREEN_HEIGHT_SHARE or laptop.panel_height == charts.MIN_PANEL_HEIGHT
    projector = charts.ChartSize.fitting(1850, 4, height_px=1080)
    assert projector.panel_height == charts.ChartSize.fitting(1850, 4).panel_height  # room enough already


def test_scenario_names_in_the_legend_come_from_a_param(trt_alone, trt_hcg_clomiphene):
    chart = charts.timeseries_chart(trt_hcg_clomiphene, compare=trt_alone, names=("With hCG", "TRT alone"))
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", vl_convert.vegalite_to_svg(chart.to_dict()))
    assert "With hCG" in texts and "TRT alone" in texts and charts.PINNED_LABEL not in texts


def test_a_story_clock_counts_weeks_from_the_start_of_its_treatment(trt_hcg_clomiphene):
    """03b tells a recovery: its chart counts weeks from the stop, on every axis and in the timeline."""
    stop = TRT_WEEKS * 7
    title = "Weeks since stopping testosterone"
    spec = charts.timeseries_spec(trt_hcg_clomiphene, window_days=(stop - 28, stop + 84), origin_day=stop,
                                  time_title=title)
    assert charts.chart_param(spec, charts.WINDOW_PARAM) == [-4.0, 12.0]
    treatments = charts.chart_param(spec, charts.TREATMENTS_PARAM)
    clomiphene = treatments["drug_name"].index(hpg.DRUGS["clomiphene"].name)
    assert treatments["start_week"][clomiphene] == 0.0
    svg = vl_convert.vegalite_to_svg(spec)
    assert svg.count(f">{title}</text>") == len(charts.CLINICAL_VARIABLES) + 2  # every panel, both timelines
    assert ">Week<" not in svg
    with pytest.raises(ValueError, match="time_title"):
        charts.timeseries_spec(trt_hcg_clomiphene, time_title=" ")
    with pytest.raises(ValueError, match="origin_day"):
        charts.timeseries_spec(trt_hcg_clomiphene, origin_day=float("nan"))
    with pytest.raises(TypeError, match="origin_day"):
        charts.timeseries_params(trt_hcg_clomiphene, origin_day="182")


def test_fitting_the_height_keeps_room_for_the_log_panels_subtitles():
    # five panels in three columns on a 1280x720 projector: the second row holds the log-scale
    # panels (ITT, sperm), whose two-line subtitle would otherwise push the treatment row off screen
    variables = ["testosterone", "lh", "fsh", "itt", "sperm"]
    by_count = charts.ChartSize.fitting(1100, len(variables), height_px=700, height_share=1.0)
    by_name = charts.ChartSize.fitting(1100, variables, height_px=700, height_share=1.0)
    lines = len(charts.log_subtitle(by_name))
    assert (by_name.columns, by_name.panel_width) == (by_count.columns, by_count.panel_width)
    assert by_count.panel_height - by_name.panel_height == pytest.approx(
        lines * charts.SUBTITLE_LINE_Y / 2, abs=1)  # one row of two has the subtitle: shared by both rows
    no_log = charts.ChartSize.fitting(1100, ["testosterone", "lh", "fsh", "estradiol"], height_px=700,
                                      height_share=1.0)
    assert no_log.panel_height == charts.ChartSize.fitting(1100, 4, height_px=700, height_share=1.0).panel_height
    with pytest.raises(TypeError, match="panels"):
        charts.ChartSize.fitting(1100, "sperm", height_px=700)


def test_the_diagram_names_each_drug_once_with_what_it_does(trt_hcg_clomiphene):
    # It read "acts like LH on the Leydig cells (Human chorionic gonadotropin (hCG))": brackets in brackets,
    # a capital mid-sentence, and clomiphene named twice (once per brake it blocks).
    on_trt = diagram.diagram_text(trt_hcg_clomiphene, day=21)
    assert "human chorionic gonadotropin (hCG), which acts like LH on the Leydig cells" in on_trt
    assert "((" not in on_trt and "))" not in on_trt
    after = diagram.diagram_text(trt_hcg_clomiphene, day=TRT_WEEKS * 7 + 30)
    assert after.count("clomiphene citrate") == 1
    assert "clomiphene citrate, which blocks estradiol's brake on the pituitary and on the hypothalamus" in after


def test_a_summary_off_treatment_says_how_long_since_the_last_dose(trt_alone):
    # 00's Workbench at week 12 of twelve weekly injections said "no drug given that day" beside a serum
    # testosterone of 991 ng/dL: the injection of day 77 was still acting.
    last = max(TRT.times(DAYS))
    assert summary.summary_text(trt_alone, last + 7).startswith(
        f"Week {(last + 7) // 7:.0f}, 7 days after the last dose of testosterone enanthate: ")
    assert ", 10 weeks after the last dose of testosterone enanthate: " in summary.summary_text(trt_alone, last + 70)
    assert ", on testosterone enanthate: " in summary.summary_text(trt_alone, 30)
    assert summary.summary_text(hpg.simulate(hpg.Regimen(), days=28), 28).startswith("Week 4, untreated: ")
    later = hpg.simulate(hpg.Regimen([hpg.Dose("hcg", amount=500, every_days=2, start_day=20)]), days=40)
    assert summary.summary_text(later, 10).startswith("Week 1, before the treatment starts: ")
    # 01's six months of weekly injections, read on the run's last day: he is still on them
    still_on = hpg.simulate(hpg.Regimen([hpg.Dose("testosterone_enanthate", amount=200, every_days=7)]), days=182)
    assert summary.summary_text(still_on, 182).startswith("Week 26, on testosterone enanthate: ")
    assert "testosterone enanthate, which adds testosterone to the blood" in diagram.diagram_text(still_on, 182)
    # the diagram's words beside it say the same
    assert diagram.diagram_text(trt_alone, last + 7).endswith(
        "No drug is being given then: the last dose, of testosterone enanthate, was 7 days earlier.")
    assert diagram.diagram_text(hpg.simulate(hpg.Regimen(), days=28), 14).endswith("the man is untreated.")


@pytest.mark.parametrize("box_px, weeks", [(934, 208), (934, 78), (700, 52), (1300, 208), (1850, 104)])
def test_each_timeline_sits_under_its_column_and_the_chart_fits_its_box(box_px, weeks):
    """04's Workbench (208 weeks in a 934 px box): the second and third timelines sat 4 and 8 px right of the
    panels above them, and the drawing came out 936 px wide in its 934 px box (a horizontal scroll bar)."""
    run = hpg.simulate(hpg.Regimen([hpg.Dose("testosterone_cypionate", amount=150, every_days=7, stop_day=1092)]),
                       days=1456)
    size = charts.ChartSize.fitting(box_px, list(charts.CLINICAL_VARIABLES), 768)
    svg = vl_convert.vegalite_to_svg(charts.timeseries_spec(run, window_days=(0, weeks * 7), size=size))
    x = {name: float(left) for name, left in re.findall(
        r'class="mark-group role-scope (panel_\w+?)_group".{0,300}?translate\(([-\d.]+),', svg)}
    for column, variable in enumerate(charts.CLINICAL_VARIABLES[:size.columns]):
        timeline = charts.panel_name("treatment" if column == 0 else f"treatment_{column + 1}")
        assert x[timeline] == x[charts.panel_name(variable)], timeline
    drawn = float(re.search(r'<svg[^>]*width="([\d.]+)"', svg).group(1))
    assert drawn + charts.VEGA_EMBED_ACTIONS_ROOM <= box_px


def test_a_long_panel_title_breaks_between_words_on_a_narrow_panel():
    """The classroom's gonadorelin presets at 1280x720: "Pituitary GnRH-receptor responsiveness" over a 190 px
    panel ran into the next panel's axis title. It breaks into lines there, and stays one line on a wide panel."""
    narrow, wide = charts.ChartSize(3, 190, 80), charts.ChartSize(2, 340, 170)
    assert charts.panel_title("gnrh_receptor", narrow) == ["Pituitary GnRH-receptor", "responsiveness"]
    assert charts.panel_title("gnrh_receptor", wide) == "Pituitary GnRH-receptor responsiveness"
    assert charts.panel_title("itt", narrow) == "Intratesticular testosterone"
    run = hpg.simulate(hpg.Regimen([hpg.Dose("gonadorelin", amount=10, every_days=1 / 16)]), days=60)
    spec = charts.timeseries_spec(run, ["testosterone", "gnrh_receptor"], size=narrow)
    assert spec == charts.timeseries_chart(run, ["testosterone", "gnrh_receptor"], size=narrow).to_dict()
    lines = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", vl_convert.vegalite_to_svg(spec))  # a title of two lines
    assert "Pituitary GnRH-receptor" in lines and "responsiveness" in lines


def drawn_dose_ticks(chart) -> dict[str, list[tuple[float, float]]]:
    """{drug name: [(day, x in px), ...]} of the dose ticks the first timeline of ``chart`` draws (vl-convert)."""
    svg = vl_convert.vegalite_to_svg(chart.to_dict())
    timeline = svg[svg.index(f'{charts.panel_name("treatment")}_group'):]
    ticks: dict[str, list] = {}
    for name, day, left in re.findall(r'aria-label="[^"]*Dose of: ([^;"]+); Day: ([0-9.]+)" role="graphics-symbol" '
                                      r'aria-roledescription="tick" d="M(-?[0-9.]+),', timeline):
        ticks.setdefault(name, []).append((float(day), float(left) + 1))  # a tick is 2 px wide
    return ticks


def test_dose_ticks_too_close_to_tell_apart_are_thinned_on_the_drawn_timeline(trt_hcg_clomiphene):
    """hCG every other day and weekly injections over 78 weeks drew ticks one or two pixels apart, which
    painted their bars dark (02b's protocol, 04's Alex). Drawn neighbours now lie at least
    MIN_DOSE_TICK_GAP_PX apart, each drawn tick is a dose of the regimen, the first dose of each drug is
    drawn, and a four-week window, where doses lie far apart, draws every one."""
    size = charts.ChartSize(columns=1)
    whole = drawn_dose_ticks(charts.timeseries_chart(trt_hcg_clomiphene, ["lh"], size=size))
    regimen_days = {hpg.DRUGS[dose.drug].name: set(np.round(dose.times(DAYS), 3)) for dose in (TRT, HCG, CLOMIPHENE)}
    assert set(whole) == set(regimen_days)
    for name, ticks in whole.items():
        days, xs = zip(*ticks)
        assert set(days) <= regimen_days[name]
        assert min(days) == min(regimen_days[name])
        assert min(np.diff(sorted(xs))) >= charts.MIN_DOSE_TICK_GAP_PX - 0.01, name
        assert len(days) < len(regimen_days[name])  # 78 weeks on 340 px: none of the three fits every dose
    four_weeks = drawn_dose_ticks(charts.timeseries_chart(trt_hcg_clomiphene, ["lh"], size=size, window_days=(28, 56)))
    for dose in (TRT, HCG):
        name = hpg.DRUGS[dose.drug].name
        assert [day for day, _ in four_weeks[name]] == [day for day in dose.times(DAYS) if 28 <= day <= 56]


def test_the_tick_spacing_follows_the_chart_size_and_its_params_agree(trt_hcg_clomiphene):
    """A wider panel draws more of the doses; the params a widget sends for that size are the spec's own."""
    narrow, wide = charts.ChartSize(columns=3, panel_width=200), charts.ChartSize(columns=1, panel_width=560)
    counts = {size: len(charts.timeseries_params(trt_hcg_clomiphene, size=size)[charts.DOSES_PARAM]["day"])
              for size in (narrow, wide)}
    assert counts[narrow] < counts[wide]
    spec = charts.timeseries_spec(trt_hcg_clomiphene, size=wide)
    assert charts.chart_param(spec, charts.DOSES_PARAM) == \
        charts.timeseries_params(trt_hcg_clomiphene, size=wide)[charts.DOSES_PARAM]
    with pytest.raises(ValueError, match="panel_width"):
        charts.dose_frame(trt_hcg_clomiphene.regimen, DAYS, panel_width=0)


def test_the_axis_diagram_of_a_man_without_gnrh_drive_shows_sperm_a_pump_brings_as_new():
    """He had no sperm untreated, so sperm on the pump are no percentage of it: the link says 'new'
    and is drawn at the display's widest, instead of the diagram failing to draw."""
    from hpgwidgets import diagram

    pump = hpg.Regimen([hpg.Dose("gonadorelin", 10, every_days=90 / 1440)])
    result = hpg.simulate(pump, days=200, patient=hpg.Patient(low_testosterone_origin="no_gnrh"))
    params = diagram.diagram_params(result, 150)
    assert params[diagram.LABEL_PARAM]["spermatogenesis"] == "sperm output new"
    assert params[diagram.STRENGTH_PARAM]["spermatogenesis"] == diagram.MAX_DISPLAY_RATIO
    untreated = diagram.diagram_params(result, 0)
    assert untreated[diagram.STRENGTH_PARAM]["spermatogenesis"] == 1.0      # absent before, and unchanged
    diagram.axis_diagram(result, 150).to_dict()
    assert "sperm output new" in diagram.diagram_text(result, 150)       # the text alternative says the same
