"""The Workbench driven through its synced state, the way a student drives it with the mouse.

Set a control's value -> the simulation reruns -> the chart's params (what the browser
draws) move in the physiological direction. Browser-only behaviour (rendering, keyboard,
console errors) is in tests/browser/test_workbench_browser.py.
"""
import json

import altair as alt
import ipywidgets as widgets
import numpy as np
import pytest

import hpgwidgets as hpg
from hpgwidgets import charts, diagram, workbench

TRT_START_DAYS_SETTLED = 21  # LH is suppressed within three weeks of starting TRT


@pytest.fixture
def wb():
    return hpg.Workbench()


def series(wb, scenario=charts.CURRENT_LABEL):
    """The curves the browser is drawing, as {column: array}, for one scenario."""
    data = wb.chart_widget.params.series
    keep = np.array(data["scenario"]) == scenario
    return {column: np.array(values)[keep] for column, values in data.items() if column != "scenario"}


def on_trt(curves, wb):
    trt_end = wb.controls["trt_weeks"].value * 7
    return (curves["day"] >= TRT_START_DAYS_SETTLED) & (curves["day"] < trt_end)


def error_text(wb):
    return "".join(output.get("text", "") for output in wb.errors.outputs)


def test_workbench_is_one_widget_with_named_classed_controls_and_a_chart_area(wb):
    assert isinstance(wb, widgets.VBox)
    required = ["trt_drug", "trt_dose", "trt_every_days", "trt_weeks", "recovery_start", "recovery_weeks",
                "hcg", "hcg_dose", "clomiphene", "clomiphene_dose", "tamoxifen", "tamoxifen_dose",
                "anastrozole", "anastrozole_dose", "gonadorelin", "gonadorelin_dose", "gonadorelin_mode",
                "age", "baseline_testosterone", "baseline_sperm", "window_weeks", "cursor_day",
                "pin", "unpin", "export_folder", "export_png", "export_svg"]
    for name in required:
        assert f"hpg-{name}" in wb.controls[name]._dom_classes, name
    assert "hpg-chart" in wb.chart_area._dom_classes
    assert wb.chart_area.children == (wb.chart_widget,)
    assert isinstance(wb.chart_widget, alt.JupyterChart) and isinstance(wb.diagram_widget, alt.JupyterChart)
    assert alt.JupyterChart._is_offline  # renders without a CDN
    # Sliders report on release, not on every pixel of a drag.
    sliders = [control for control in wb.controls.values() if hasattr(control, "continuous_update")]
    assert {"trt_dose", "trt_weeks", "cursor_day", "baseline_sperm"} <= {
        name for name, control in wb.controls.items() if control in sliders}
    assert not any(slider.continuous_update for slider in sliders)


def test_unknown_start_value_is_refused_with_the_list_of_controls():
    with pytest.raises(ValueError, match="unknown control.*trt_dose"):
        hpg.Workbench(trt_dosage=100)


def test_higher_trt_dose_gives_a_lower_lh_nadir_in_the_same_chart(wb):
    chart_widget, spec_before = wb.chart_widget, wb.chart_widget.spec
    wb.controls["trt_dose"].value = 100
    low_dose = series(wb)
    wb.controls["trt_dose"].value = 200
    high_dose = series(wb)
    assert high_dose["lh"][on_trt(high_dose, wb)].min() < 0.5 * low_dose["lh"][on_trt(low_dose, wb)].min()
    # Redrawn in place: same widget, same spec, new params; nothing appended to the layout.
    assert wb.chart_widget is chart_widget and wb.chart_widget.spec == spec_before
    assert wb.chart_area.children == (chart_widget,)
    assert wb.result.regimen.doses[0].amount == 200


def test_hcg_with_trt_keeps_intratesticular_testosterone_up(wb):
    trt_alone = series(wb)
    wb.controls["hcg"].value = True
    assert wb.controls["hcg_timing"].value == workbench.WITH_TRT
    with_hcg = series(wb)
    window = on_trt(with_hcg, wb)
    assert with_hcg["itt"][window].mean() > 5 * trt_alone["itt"][window].mean()
    treatments = wb.chart_widget.params.treatments
    assert hpg.DRUGS["hcg"].name in treatments["drug_name"]


def test_clomiphene_in_the_recovery_phase_brings_lh_back_sooner(wb):
    recovery_start = wb.controls["recovery_start"].value * 7
    assert recovery_start == wb.controls["trt_weeks"].value * 7  # by default recovery starts when TRT stops
    stopping_alone = series(wb)
    wb.controls["clomiphene"].value = True
    with_clomiphene = series(wb)
    first_weeks = (stopping_alone["day"] >= recovery_start) & (stopping_alone["day"] < recovery_start + 28)
    assert with_clomiphene["lh"][first_weeks].mean() > stopping_alone["lh"][first_weeks].mean()
    (clomiphene_dose,) = wb.result.regimen.doses_of("clomiphene")
    assert clomiphene_dose.start_day == recovery_start
    assert clomiphene_dose.stop_day == recovery_start + 7 * wb.controls["recovery_weeks"].value


def test_recovery_start_moves_the_agents(wb):
    wb.controls["tamoxifen"].value = True
    wb.controls["recovery_start"].value = 30
    (tamoxifen,) = wb.result.regimen.doses_of("tamoxifen")
    assert tamoxifen.start_day == 30 * 7
    treatments = wb.chart_widget.params.treatments
    row = treatments["drug_name"].index(hpg.DRUGS["tamoxifen"].name)
    assert treatments["start_week"][row] == 30


def test_gonadorelin_pump_pulses_every_90_minutes_and_injections_follow_the_interval(wb):
    wb.controls["gonadorelin"].value = True
    assert wb.controls["gonadorelin_mode"].value == workbench.PUMP
    assert wb.controls["gonadorelin_every_days"].disabled
    (pump,) = wb.result.regimen.doses_of("gonadorelin")
    assert pump.every_days == pytest.approx(1 / 16)
    wb.controls["gonadorelin_mode"].value = workbench.INJECTION
    wb.controls["gonadorelin_every_days"].value = 2
    (injection,) = wb.result.regimen.doses_of("gonadorelin")
    assert injection.every_days == 2 and not wb.controls["gonadorelin_every_days"].disabled


def test_switched_off_agents_grey_out_their_settings(wb):
    assert wb.controls["anastrozole_dose"].disabled
    wb.controls["anastrozole"].value = True
    assert not wb.controls["anastrozole_dose"].disabled
    wb.controls["anastrozole_dose"].value = 2
    assert wb.result.regimen.doses_of("anastrozole")[0].amount == 2
    wb.controls["trt_weeks"].value = 0
    assert wb.controls["trt_dose"].disabled
    assert "testosterone_enanthate" not in wb.result.regimen.drugs


def test_changing_the_formulation_starts_from_its_catalogue_schedule(wb):
    wb.controls["trt_drug"].value = "testosterone_undecanoate"
    drug = hpg.DRUGS["testosterone_undecanoate"]
    assert wb.controls["trt_dose"].value == drug.typical_amount
    assert wb.controls["trt_every_days"].value == drug.typical_every_days
    assert drug.amount_unit in wb.controls["trt_dose"].description
    assert wb.result.regimen.doses[0].drug == "testosterone_undecanoate"
    assert wb.chart_widget.params.treatments["drug_name"][0] == drug.name
    assert error_text(wb) == ""


def test_patient_controls_reach_the_model(wb):
    wb.controls["age"].value = 68
    wb.controls["baseline_testosterone"].value = 300
    assert wb.result.patient.age == 68
    assert wb.result.baseline["testosterone"] == pytest.approx(300, rel=0.02)
    untreated = series(wb)["testosterone"][0]
    assert untreated == pytest.approx(300, rel=0.02)
    wb.controls["baseline_testosterone"].value = workbench.TYPICAL
    assert wb.result.patient.baseline_testosterone is None


def test_window_sets_the_simulated_and_shown_days(wb):
    wb.controls["window_weeks"].value = 104
    assert wb.result.days == 104 * 7
    assert series(wb)["day"].max() == 104 * 7
    assert wb.chart_widget.params.window_weeks == [0.0, 104.0]
    assert wb.controls["cursor_day"].max == 104 * 7
    wb.controls["cursor_day"].value = 700
    wb.controls["window_weeks"].value = 52
    assert wb.cursor_day == 52 * 7


def test_moving_the_diagram_day_reruns_nothing(wb, monkeypatch):
    runs = []
    real_simulate = workbench.widget.simulate
    monkeypatch.setattr(workbench.widget, "simulate",
                        lambda *args, **kwargs: runs.append(1) or real_simulate(*args, **kwargs))
    result, series_before = wb.result, wb.chart_widget.params.series
    wb.controls["cursor_day"].value = 21
    assert runs == [] and wb.result is result
    assert wb.chart_widget.params.cursor_day == 21
    assert wb.chart_widget.params.series is series_before
    assert wb.diagram_widget.params.diagram_day == 21
    lh_ratio = result.at(21)["lh"] / result.baseline["lh"]
    assert wb.diagram_widget.params.link_strength["lh"] == pytest.approx(min(lh_ratio, 3), abs=1e-4)
    assert wb.summary.text.startswith("Week 3, ")
    assert "GnRH drive" in wb.diagram_text.value
    wb.controls["trt_dose"].value = 150
    assert runs == [1]


def test_the_diagram_slider_moves_and_reads_in_weeks_on_the_charts_clock(wb):
    """One clock per story (issue 16): the student moves the diagram a week at a time and reads the week, as the
    summary and the chart's axis give it; ``cursor_day`` keeps its value in days for code and scenario files."""
    cursor = wb.controls["cursor_day"]
    assert cursor.step == 7 and not cursor.readout  # the label is the readout
    assert (cursor.description, wb.cursor_day) == ("Diagram at week 13", 91)
    cursor.value = 84
    assert cursor.description == "Diagram at week 12" and wb.summary.text.startswith("Week 12, ")
    rules = [layer for panel in wb.chart_widget.spec["vconcat"][0]["hconcat"] for layer in panel["layer"]
             if layer["mark"].get("type") == "rule" and layer["mark"].get("strokeDash")]
    assert rules and all(rule["encoding"]["tooltip"] == [{"field": "week", "type": "quantitative",
                                                          "title": "Diagram at week", "format": ".0f"}] for rule in rules)
    assert "dashed vertical line: the week described in words" in json.dumps(wb.chart_widget.spec["title"])
    assert hpg.Workbench(cursor_day=10).controls["cursor_day"].description == "Diagram at week 1"


def test_summary_follows_the_scenario(wb):
    wb.controls["cursor_day"].value = 84
    on_trt_text = wb.summary.text
    assert "on testosterone enanthate" in on_trt_text
    wb.controls["trt_weeks"].value = 0
    assert "Week 12, untreated:" in wb.summary.text and "LH at 100% of baseline" in wb.summary.text


def test_pin_overlays_the_pinned_scenario_and_keeps_it_while_controls_move(wb):
    pinned_result = wb.result
    wb.controls["pin"].click()
    assert wb.pinned is pinned_result and not wb.controls["unpin"].disabled
    pinned_before = series(wb, charts.PINNED_LABEL)
    np.testing.assert_allclose(pinned_before["lh"], pinned_result["lh"], rtol=1e-3)
    first_panel = wb.chart_widget.spec["vconcat"][0]["hconcat"][0]
    (curves,) = [layer for layer in first_panel["layer"] if layer["mark"]["type"] == "line"]
    assert curves["encoding"]["color"]["scale"]["domain"] == [charts.CURRENT_LABEL, charts.PINNED_LABEL]
    wb.controls["hcg"].value = True
    np.testing.assert_array_equal(series(wb, charts.PINNED_LABEL)["itt"], pinned_before["itt"])
    assert series(wb)["itt"].mean() > pinned_before["itt"].mean()
    assert "Pinned scenario:" in wb.summary.text
    wb.controls["unpin"].click()
    assert wb.pinned is None
    assert set(wb.chart_widget.params.series["scenario"]) == {charts.CURRENT_LABEL}


def test_a_setting_the_model_rejects_is_explained_and_the_last_chart_stays(wb):
    wb.controls["trt_every_days"].value = 3.5  # 200 mg twice a week: still accepted
    series_before, result_before = wb.chart_widget.params.series, wb.result
    wb.controls["trt_dose"].value = wb.controls["trt_dose"].options[-1][1]  # the top rung, twice a week: 1 g a week
    message = error_text(wb)
    assert "cannot be simulated" in message and "per week" in message
    assert "still show the last scenario" in message
    assert wb.result is result_before
    assert wb.chart_widget.params.series == series_before
    wb.controls["trt_dose"].value = 200
    assert error_text(wb) == ""
    assert wb.result is not result_before


def test_export_buttons_write_png_and_svg_into_the_chosen_folder(wb, tmp_path):
    wb.controls["export_folder"].value = str(tmp_path / "slides")
    wb.controls["export_png"].click()
    pngs = sorted((tmp_path / "slides").glob("*.png"))
    assert [path.name for path in pngs] == ["hpg-week13-chart.png", "hpg-week13-diagram.png"]
    assert all(path.read_bytes()[:4] == b"\x89PNG" for path in pngs)
    assert str(pngs[0]) in wb.export_status.value
    wb.controls["export_svg"].click()
    assert sorted(path.name for path in (tmp_path / "slides").glob("*.svg")) == [
        "hpg-week13-chart.svg", "hpg-week13-diagram.svg"]
    wb.controls["export_png"].click()  # a second export never overwrites the first
    assert (tmp_path / "slides" / "hpg-week13-2-chart.png").exists()
    (tmp_path / "a-file").write_text("not a folder")
    wb.controls["export_folder"].value = str(tmp_path / "a-file")
    wb.controls["export_png"].click()
    assert "The figure could not be saved" in error_text(wb)


def test_diagram_widget_shows_the_same_scenario_as_the_chart(wb):
    wb.controls["hcg"].value = True
    wb.controls["cursor_day"].value = 60
    expected = diagram.diagram_params(wb.result, 60)
    assert wb.diagram_widget.params.link_strength == expected[diagram.STRENGTH_PARAM]
    assert wb.diagram_widget.params.drug_active["hcg"] == 1


def test_a_scenario_saved_from_the_workbench_comes_back_in_another(wb, tmp_path):
    wb.controls["trt_dose"].value = 150
    wb.controls["hcg"].value = True
    wb.controls["clomiphene"].value = True
    wb.controls["baseline_testosterone"].value = 340
    wb.controls["low_testosterone_origin"].value = "central"
    path = tmp_path / "lecture.json"
    wb.controls["scenario_file"].value = str(path)
    wb.controls["save_scenario"].click()
    assert path.exists() and "Scenario saved" in wb.export_status.value

    other = hpg.Workbench()
    other.controls["scenario_file"].value = str(path)
    other.controls["load_scenario"].click()
    assert error_text(other) == ""
    assert other.regimen() == wb.regimen() and other.patient() == wb.patient()
    assert np.allclose(series(other)["lh"], series(wb)["lh"])   # the chart shows the same curves


@pytest.mark.parametrize("name", hpg.list_scenarios())
def test_every_preset_loads_into_the_controls_by_name(wb, name):
    preset = hpg.load_scenario(name)
    wb.controls["scenario_file"].value = name
    wb.controls["load_scenario"].click()
    assert error_text(wb) == ""
    assert wb.patient() == preset.patient
    days = float(preset.days)
    assert workbench.dose_events(wb.regimen(), days) == workbench.dose_events(preset.regimen, days)


def test_a_scenario_the_controls_cannot_show_is_refused_and_nothing_changes(wb):
    two_courses = hpg.Scenario(hpg.Regimen([
        hpg.Dose("testosterone_enanthate", 200, every_days=7, stop_day=84),
        hpg.Dose("testosterone_cypionate", 100, every_days=7, start_day=200, stop_day=300),
    ]), hpg.Patient())
    before = wb.regimen()
    with pytest.raises(ValueError, match="more than one testosterone course"):
        wb.apply_scenario(two_courses)
    assert wb.regimen() == before
    odd_weeks = hpg.Scenario(hpg.Regimen([hpg.Dose("testosterone_enanthate", 200, every_days=7, stop_day=100),
                                          hpg.Dose("hcg", 500, every_days=2, start_day=3, stop_day=50)]),
                             hpg.Patient())
    with pytest.raises(ValueError, match="cannot show this scenario exactly"):
        wb.apply_scenario(odd_weeks)
    assert wb.regimen() == before


def test_loading_a_missing_file_says_so_and_keeps_the_chart(wb, tmp_path):
    shown = series(wb)["lh"]
    wb.controls["scenario_file"].value = str(tmp_path / "nowhere.json")
    wb.controls["load_scenario"].click()
    assert "could not be loaded" in error_text(wb)
    assert np.array_equal(series(wb)["lh"], shown)


def test_near_continuous_gonadorelin_desensitises_where_the_pump_does_not(wb):
    wb.controls["trt_weeks"].value = 0
    wb.controls["recovery_start"].value = 0
    wb.controls["recovery_weeks"].value = 12
    wb.controls["gonadorelin"].value = True
    receptor = {}
    for mode in ("pump", "continuous"):
        wb.controls["gonadorelin_mode"].value = mode
        receptor[mode] = wb.result["gnrh_receptor"][56]
    assert receptor["continuous"] < 0.5 * receptor["pump"]


def test_a_formulation_given_at_start_opens_on_its_own_dose_and_interval():
    drug = hpg.DRUGS["testosterone_undecanoate"]
    wb = hpg.Workbench(trt_drug=drug.id)
    assert wb.controls["trt_dose"].value == drug.typical_amount
    assert wb.controls["trt_every_days"].value == drug.typical_every_days
    assert drug.amount_unit in wb.controls["trt_dose"].description
    assert [value for _, value in wb.controls["trt_dose"].options] == list(workbench.mapping.dose_choices(drug.id))
    (dose,) = wb.result.regimen.doses
    assert (dose.drug, dose.amount, dose.every_days) == (drug.id, drug.typical_amount, drug.typical_every_days)
    # Values given beside the formulation win over its catalogue schedule, even off the ladder.
    wb = hpg.Workbench(trt_drug="testosterone_cypionate", trt_dose=160, trt_every_days=10)
    (dose,) = wb.result.regimen.doses
    assert (dose.drug, dose.amount, dose.every_days) == ("testosterone_cypionate", 160, 10)


def test_state_is_declared_and_one_control_move_reruns_once(wb, monkeypatch):
    assert {"result", "pinned", "problem"} <= set(wb.traits())
    assert "values" in wb.settings.traits()
    reruns = []
    real_simulate = workbench.widget.simulate
    monkeypatch.setattr(workbench.widget, "simulate",
                        lambda *args, **kwargs: reruns.append(1) or real_simulate(*args, **kwargs))
    shown = []
    wb.observe(lambda change: shown.append(change["new"]), names="result")
    wb.controls["trt_drug"].value = "testosterone_gel"  # moves drug, dose and interval: one rerun
    assert reruns == [1] and len(shown) == 1 and shown[0] is wb.result
    assert wb.settings.values["trt_dose"] == hpg.DRUGS["testosterone_gel"].typical_amount
    assert max(value for _, value in wb.controls["trt_dose"].options) < 200  # a gel is not on a gram scale
    wb.pinned = wb.result
    assert wb.chart_widget.params.series["scenario"].count(charts.PINNED_LABEL) > 0


def test_a_dose_move_after_the_chart_was_fit_to_its_box_spaces_the_dose_ticks_for_that_width(wb):
    # the timeline thins crowded dose ticks for the width it is drawn at; a chart rebuilt for a
    # narrow box must keep that spacing when a dose move sends new params, not the default width's
    wb.chart_width.width = 300   # a narrow column (a phone, a side panel): the chart is rebuilt at that size
    narrow = wb.view.size
    assert narrow.panel_width < charts.ChartSize().panel_width
    wb.controls["trt_dose"].index += 1
    expected = charts.timeseries_params(wb.result, window_days=(0.0, wb.window_days), size=narrow)["doses"]
    assert wb.chart_widget.params.doses == expected
    at_default_width = charts.timeseries_params(wb.result, window_days=(0.0, wb.window_days))["doses"]
    assert len(expected["day"]) < len(at_default_width["day"])
