"""The classroom dashboard's widget state: one click loads a preset (heading, notes, days and
chart together), one click overlays the preset its notes compare it with, and the chart is
redrawn in place (the same JupyterChart; params when the panels stay, else a new spec)."""
import numpy as np
import pandas as pd
import pytest

from hpgwidgets import charts
from hpgwidgets.classroom import LEAD_IN_DAYS, Classroom, compared_preset, lead_in_days, preset_label
from hpgwidgets.scenario import list_scenarios, load_scenario
from hpgwidgets.summary import reference_range


def shown_series(classroom, scenario=charts.CURRENT_LABEL):
    series = pd.DataFrame(classroom.chart.params.series)
    return series[series["scenario"] == scenario]


def heading(classroom):
    return " ".join(classroom.chart.params.heading)


def test_default_classroom_offers_every_preset_and_opens_on_the_first():
    classroom = Classroom()
    assert [value for _, value in classroom.picker.options] == list_scenarios()
    first = load_scenario(list_scenarios()[0])
    assert classroom.days.value == first.days
    assert heading(classroom) == first.title  # the heading is part of the chart
    assert shown_series(classroom)["day"].max() == first.days + lead_in_days(first)  # after its untreated weeks


def test_button_labels_read_as_words():
    assert preset_label("trt_plus_hcg") == "TRT plus hCG"
    assert preset_label("recovery_with_clomiphene") == "Recovery with clomiphene"


def test_one_click_loads_the_preset_and_redraws_the_same_chart():
    classroom = Classroom(["untreated_baseline", "trt_alone"])
    chart_widget = classroom.chart
    untreated_lh = shown_series(classroom)["lh"]
    assert untreated_lh.max() / untreated_lh.min() < 1.01  # no treatment: flat

    classroom.picker.value = "trt_alone"

    trt = load_scenario("trt_alone")
    # Its own chart in the same box, the first one hidden (kept: switching back redraws nothing).
    first_box, trt_box = classroom.chart_box.children
    assert classroom.chart is not chart_widget and chart_widget is first_box.children[0]
    assert first_box.layout.display == "none" and trt_box.layout.display is None
    assert "hpg-classroom-chart" in trt_box._dom_classes and "hpg-classroom-chart" not in first_box._dom_classes
    classroom.picker.value = "untreated_baseline"
    assert classroom.chart is chart_widget and first_box.layout.display is None
    classroom.picker.value = "trt_alone"
    assert classroom.days.value == trt.days
    assert heading(classroom) == trt.title and trt.notes[:40] in classroom.notes.value
    series = shown_series(classroom)
    assert series["day"].max() == trt.days
    on_trt = series[(series["day"] > 90) & (series["day"] < 365)]
    assert on_trt["lh"].max() < 0.5 * untreated_lh.min()  # the axis is suppressed
    assert [panel["title"]["text"] for row in classroom.chart.spec["vconcat"][:-1] for panel in row["hconcat"]] == [
        charts.variable_title(variable) for variable in trt.variables]


def test_switching_back_to_a_preset_shows_its_chart_again_and_the_slider_sends_params_only():
    classroom = Classroom(["trt_alone", "trt_plus_hcg"])
    trt_alone = classroom.chart
    classroom.picker.value = "trt_plus_hcg"
    assert heading(classroom) == load_scenario("trt_plus_hcg").title
    assert "Human chorionic gonadotropin (hCG)" in classroom.chart.params.treatments["drug_name"]
    classroom.picker.value = "trt_alone"
    assert classroom.chart is trt_alone
    assert {key[:2] for key in classroom.charts} == {("trt_alone", None), ("trt_plus_hcg", None), ("trt_plus_hcg", "trt_alone")}
    spec = trt_alone.spec
    classroom.days.value = 400
    assert trt_alone.spec is spec and max(trt_alone.params.series["day"]) == 400


def test_one_click_overlays_the_preset_the_notes_compare_with():
    classroom = Classroom(["trt_plus_hcg", "trt_alone", "untreated_baseline"])
    assert compared_preset(load_scenario("trt_plus_hcg"), classroom.scenarios) == "trt_alone"
    assert classroom.overlay.description == "Overlay TRT alone"
    classroom.overlay.value = True
    alone = shown_series(classroom, charts.PINNED_LABEL)
    with_hcg = shown_series(classroom)
    assert len(alone) == len(with_hcg) > 0
    on_trt = (with_hcg["day"] > 60).to_numpy() & (with_hcg["day"] < 300).to_numpy()
    assert with_hcg["itt"].to_numpy()[on_trt].mean() > 5 * alone["itt"].to_numpy()[on_trt].mean()
    assert classroom.chart.params.scenario_labels == ["TRT plus hCG", "TRT alone"]
    # A preset whose notes compare with nothing on offer has no overlay button; the overlay goes.
    classroom.picker.value = "untreated_baseline"
    assert classroom.overlay.layout.display == "none" and not classroom.overlay.value
    assert set(classroom.chart.params.series["scenario"]) == {charts.CURRENT_LABEL}


@pytest.mark.parametrize("name", ["gonadorelin_pump", "gonadorelin_continuous"])
def test_gonadorelin_presets_open_on_the_man_untreated(name):
    """The pump's man has no GnRH drive: the chart opened on the pump, and never showed what it
    switches on. Both gonadorelin presets now open on LEAD_IN_DAYS of him untreated, their clock starting
    at the first pulse (weeks -4 to 0, as the pump's notes say); the scenario files are unchanged."""
    classroom = Classroom([name])
    scenario = load_scenario(name)
    assert lead_in_days(scenario) == LEAD_IN_DAYS == 28 and "weeks −4 to 0" in load_scenario("gonadorelin_pump").notes
    assert scenario.regimen.doses[0].start_day == 0  # the file's regimen: the lead-in is the dashboard's
    series = shown_series(classroom)
    assert series["day"].min() == 0 and classroom.chart.params.window_weeks[0] == -4
    assert classroom.chart.params.origin_day == LEAD_IN_DAYS
    assert classroom.chart.params.treatments["start_week"] == [0.0]
    days, lh = series["day"].to_numpy(), series["lh"].to_numpy()
    untreated = lh[days < LEAD_IN_DAYS]
    assert np.ptp(untreated) < 0.01 * max(lh.max(), 1)  # flat: his own (absent) drive
    if name == "gonadorelin_pump":
        assert lh[days == LEAD_IN_DAYS + 14][0] > 10 * untreated.mean()
    else:      # continuous exposure: the flare of the first week, then the desensitised pituitary
        assert LEAD_IN_DAYS <= days[np.argmax(lh)] <= LEAD_IN_DAYS + 10 and lh[-1] < 0.2 * lh.max()
    # what follows the first dose is the preset's own run, moved
    moved = classroom.result(name, scenario.days)
    np.testing.assert_allclose(moved["lh"][LEAD_IN_DAYS:], scenario.simulate()["lh"], rtol=1e-6, atol=1e-9)
    assert lead_in_days(load_scenario("trt_alone")) == 0


def test_an_overlaid_preset_moves_with_the_shown_one():
    classroom = Classroom(["gonadorelin_pump", "gonadorelin_continuous"])
    classroom.overlay.value = True
    series = pd.DataFrame(classroom.chart.params.series)
    first_days = {label: frame.loc[frame["lh"] > 1, "day"].min() for label, frame in series.groupby("scenario")}
    assert first_days == {charts.CURRENT_LABEL: LEAD_IN_DAYS, charts.PINNED_LABEL: LEAD_IN_DAYS}


def test_slider_sets_the_days_simulated_and_shown():
    classroom = Classroom(["trt_alone"])
    classroom.days.value = 120
    assert shown_series(classroom)["day"].max() == 120
    assert classroom.scenario.days == 120
    assert classroom.scenario.regimen == load_scenario("trt_alone").regimen


def test_every_preset_fits_the_slider_and_is_simulated_once():
    classroom = Classroom()
    for name, scenario in classroom.scenarios.items():
        assert classroom.days.min <= scenario.days <= classroom.days.max, name
        assert classroom.result(name, scenario.days) is classroom.result(name, scenario.days)


def test_the_chart_fills_the_width_the_browser_reports():
    classroom = Classroom(["trt_alone", "untreated_baseline"])
    classroom.chart_width.width = 1800  # what the browser reports for a 1920-px projector
    size = classroom.size_for("trt_alone")
    assert size.font_scale > 1 and size.columns >= 3
    first_row = classroom.chart.spec["vconcat"][0]["hconcat"]
    assert first_row[0]["width"] == size.panel_width and len(first_row) == size.columns
    # every preset's chart is made at this width, hidden, so a first switch is as quick as a return
    assert {key[0] for key in classroom.charts} == {"trt_alone", "untreated_baseline"}
    classroom.chart_width.width = 700  # a laptop with the file browser open
    narrow = classroom.size_for("trt_alone")
    first_row = classroom.chart.spec["vconcat"][0]["hconcat"]
    assert len(first_row) == narrow.columns < size.columns
    assert narrow.columns * (first_row[0]["width"] + charts.Y_AXIS_ROOM) <= 700


@pytest.mark.parametrize("presets, message", [
    ([], "at least one preset"),
    (["trt_alone", "trt_for_ever"], r"unknown scenario 'trt_for_ever'; presets are \["),
])
def test_bad_preset_lists_are_refused(presets, message):
    with pytest.raises(ValueError, match=message):
        Classroom(presets)


def test_the_pump_presets_notes_say_what_its_run_shows():
    """The pump's man has no GnRH drive of his own (hypogonadotropic hypogonadism): his LH, FSH and
    testosterone rise on the pump; sperm come three to four months later and are still under a million
    per mL when the pump stops; and men like him differ widely (docs/model.md, sixth round)."""
    pump = load_scenario("gonadorelin_pump")
    assert pump.patient.low_testosterone_origin == "no_gnrh" and "no GnRH drive" in pump.notes
    assert "three to four months" in pump.notes and "under a million" in pump.notes and "never make sperm" in pump.notes
    run = pump.simulate()
    for name in ("lh", "fsh", "testosterone"):
        assert run.at(120)[name] > run.baseline[name], name
    # The sperm curve leaves the chart's lowest grid line (0.01 million/mL) and passes the next (0.1):
    # 'about four months' stood beside a curve visibly climbing from week 12.
    leaves_floor, passes_tenth = (run.t[run["sperm"] > level][0] for level in (0.01, 0.1))
    assert 2.5 * 30 < leaves_floor < 3.5 * 30 and 3.5 * 30 < passes_tenth < 4.5 * 30
    assert run.at(max(dose.stop_day for dose in pump.regimen))["sperm"] < 1


def test_the_pump_presets_notes_say_the_pulses_restore_an_unused_pituitary():
    """Seventh round of the model: a pituitary without GnRH drive starts under-primed and the pump's
    pulses restore it. The notes said 'his pituitary stays responsive' beside a receptor curve that
    starts at half and climbs to 1 in the first two weeks (the chart starts on day 1)."""
    pump = load_scenario("gonadorelin_pump")
    assert "starts at half its responsiveness" in pump.notes and "restore it in two weeks" in pump.notes
    receptor = pump.simulate()["gnrh_receptor"]
    assert 0.4 < receptor[1] < 0.6 and receptor[14] > 0.95


def test_the_continuous_presets_notes_say_lh_jumps_then_falls():
    continuous = load_scenario("gonadorelin_continuous")
    assert "LH and FSH jump on the first day (the flare), then fall within weeks" in continuous.notes
    run = continuous.simulate()
    assert run.at(1)["lh"] > 3 * run.baseline["lh"] and run.at(42)["lh"] < run.baseline["lh"]


def test_the_hcg_presets_notes_say_what_its_run_shows():
    """hCG keeps sperm production going on TRT, but the count still drifts down: to about a third of
    the man's own after a year, above the lower reference limit (the chart shows both)."""
    with_hcg = load_scenario("trt_plus_hcg")
    assert "about a third of his own over the year" in with_hcg.notes
    run = with_hcg.simulate()
    share = run.at(365)["sperm"] / run.baseline["sperm"]
    assert 0.25 < share < 0.42
    assert run.at(365)["sperm"] > reference_range("sperm").low
