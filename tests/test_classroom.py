"""The classroom dashboard's widget state: one click loads a preset, the slider sets the days,
and the chart is redrawn in place (the same JupyterChart, a new simulation)."""
import pytest

from hpgwidgets.charts import chart_series
from hpgwidgets.classroom import Classroom, preset_label
from hpgwidgets.scenario import list_scenarios, load_scenario


def shown_series(classroom):
    return chart_series(classroom.chart.chart.to_dict())


def test_default_classroom_offers_every_preset_and_opens_on_the_first():
    classroom = Classroom()
    assert [value for _, value in classroom.picker.options] == list_scenarios()
    first = load_scenario(list_scenarios()[0])
    assert classroom.days.value == first.days
    assert first.title in classroom.notes.value
    assert shown_series(classroom)["day"].max() == first.days


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
    assert classroom.chart is chart_widget  # updated in place, not a new output
    assert classroom.days.value == trt.days == 730
    assert "TRT alone" in classroom.notes.value
    series = shown_series(classroom)
    assert series["day"].max() == 730
    on_trt = series[(series["day"] > 90) & (series["day"] < 365)]
    assert on_trt["lh"].max() < 0.5 * untreated_lh.min()  # the axis is suppressed
    assert set(series.columns) >= set(trt.variables)


def test_slider_sets_the_days_simulated_and_shown():
    classroom = Classroom(["trt_alone"])
    classroom.days.value = 120
    assert shown_series(classroom)["day"].max() == 120
    assert classroom.scenario.days == 120
    assert classroom.scenario.regimen == load_scenario("trt_alone").regimen


def test_every_preset_fits_the_slider():
    classroom = Classroom()
    for name, scenario in classroom.scenarios.items():
        assert classroom.days.min <= scenario.days <= classroom.days.max, name


@pytest.mark.parametrize("presets, message", [
    ([], "at least one preset"),
    (["trt_alone", "trt_for_ever"], r"unknown scenario 'trt_for_ever'; presets are \["),
])
def test_bad_preset_lists_are_refused(presets, message):
    with pytest.raises(ValueError, match=message):
        Classroom(presets)
