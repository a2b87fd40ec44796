"""Simulated lab sheets: flags at the reference limits, semen analysis limits, visits."""
import math

import numpy as np
import pytest

import hpgwidgets as hpg
from hpgwidgets.labs import follow_up, lab_report

TRT = hpg.Regimen([hpg.Dose("testosterone_enanthate", 200, every_days=7, stop_day=182)])


def constant_result(days=10, **values):
    """A Result whose variables hold chosen constant values (to probe the limits)."""
    base = hpg.simulate(None, days=days)
    t = base.t
    series = {name: np.full(len(t), float(base.baseline[name])) for name in base.variables}
    for name, value in values.items():
        series[name] = np.full(len(t), float(value))
    return hpg.Result(t, series, dict(base.baseline), base.regimen, base.patient, base.days)


@pytest.fixture(scope="module")
def trt_result():
    return hpg.simulate(TRT, days=365)


@pytest.mark.parametrize("variable,value,flag", [
    ("testosterone", 264, ""), ("testosterone", 263, "L"), ("testosterone", 916, ""), ("testosterone", 917, "H"),
    ("lh", 1.7, ""), ("lh", 1.6, "L"), ("lh", 8.6, ""), ("lh", 8.7, "H"),
    ("fsh", 1.5, ""), ("fsh", 1.4, "L"), ("fsh", 12.4, ""), ("fsh", 12.5, "H"),
    ("estradiol", 3, ""), ("estradiol", 2, "L"), ("estradiol", 37, ""), ("estradiol", 38, "H"),
])
def test_serum_flags_are_inclusive_at_the_reference_limits(variable, value, flag):
    report = lab_report(constant_result(**{variable: value}), 5)
    assert report[variable].value == value
    assert report[variable].flag == flag
    limits = hpg.reference_range(variable)
    assert (report[variable].low, report[variable].high) == (limits.low, limits.high)


@pytest.mark.parametrize("concentration,flag", [(16.0, ""), (15.9, "L"), (200.0, "")])
def test_sperm_concentration_against_the_who_2021_lower_limit(concentration, flag):
    report = lab_report(constant_result(sperm=concentration), 5)
    line = report["sperm_concentration"]
    assert line.low == 16 and line.high is None
    assert line.flag == flag


@pytest.mark.parametrize("concentration,volume,flag", [(13.0, 3.0, ""), (12.6, 3.0, "L"), (39.0, 1.0, "")])
def test_total_sperm_number_is_concentration_times_volume_with_limit_39(concentration, volume, flag):
    report = lab_report(constant_result(sperm=concentration), 5, semen_volume=volume)
    line = report["total_sperm_number"]
    assert line.value == round(concentration * volume)
    assert line.low == 39
    assert line.flag == flag


def test_semen_volume_limit_is_inclusive():
    assert lab_report(constant_result(), 1, semen_volume=1.4)["semen_volume"].flag == ""
    assert lab_report(constant_result(), 1, semen_volume=1.3)["semen_volume"].flag == "L"


def test_flags_follow_the_printed_value():
    # 15.96 million/mL prints as 16.0: the sheet must not show "16.0 L"
    line = lab_report(constant_result(sperm=15.96), 5)["sperm_concentration"]
    assert line.text == "16.0" and line.flag == ""


def test_motility_and_morphology_are_not_invented():
    report = lab_report(constant_result(), 5)
    for item in ("progressive_motility", "total_motility", "normal_forms"):
        assert report[item].value is None
        assert report[item].text == "not modelled"
        assert report[item].flag == ""
        assert item not in report.flags
    assert (report["progressive_motility"].low, report["total_motility"].low, report["normal_forms"].low) == (30, 42, 4)
    frame = report.to_frame()
    assert frame.loc[frame["test"] == "Normal forms", "result"].item() == "not modelled"


def test_testosterone_in_si_units():
    report = lab_report(constant_result(testosterone=531), 5)
    molar_mass = hpg.load_parameters()["testosterone_molar_mass"].value
    assert report["testosterone_si"].value == pytest.approx(round(531 * 10 / molar_mass, 1))
    assert report["testosterone_si"].unit == "nmol/L"
    assert report["testosterone_si"].flag == ""


def test_azoospermia_reads_none_seen():
    report = lab_report(constant_result(sperm=0.01), 5)
    line = report["sperm_concentration"]
    assert line.text == "none seen" and line.flag == "L"
    assert "azoospermia" in line.comment


def test_untreated_default_patient_has_a_clean_sheet():
    result = hpg.simulate(None, days=30)
    assert all(flag == "" for flag in lab_report(result, 30).flags.values())


def test_trt_sheet_shows_suppressed_gonadotropins_and_sperm(trt_result):
    report = lab_report(trt_result, 150)
    assert report["lh"].flag == "L" and report["fsh"].flag == "L"
    assert report["sperm_concentration"].flag == "L"
    assert report["testosterone"].flag in ("", "H")   # serum T is kept up by the injections


@pytest.mark.parametrize("day, error", [
    (-1, ValueError), (366, ValueError), (math.nan, ValueError), (math.inf, ValueError),
    ("10", TypeError), (None, TypeError), (True, TypeError),
])
def test_day_outside_the_simulation_is_rejected(trt_result, day, error):
    with pytest.raises(error, match="day"):
        lab_report(trt_result, day)


def test_bad_semen_volume_is_rejected(trt_result):
    for volume in (0, -2, math.nan):
        with pytest.raises(ValueError, match="semen_volume"):
            lab_report(trt_result, 10, semen_volume=volume)
    # a volume no man produces would print a total count of "inf": refused with the ceiling
    with pytest.raises(ValueError, match=r"semen_volume = 1e\+308 is outside the allowed range \(at most 20 mL\)"):
        lab_report(trt_result, 10, semen_volume=1e308)
    assert lab_report(trt_result, 10, semen_volume=20)["total_sperm_number"].value is not None


def test_the_si_testosterone_line_is_the_ng_dl_line_converted_once():
    from hpgwidgets.units import testosterone_ng_dl_to_nmol_l

    assert testosterone_ng_dl_to_nmol_l(288.4) == pytest.approx(10.0)
    report = lab_report(constant_result(), 1)
    assert report["testosterone_si"].value == pytest.approx(
        testosterone_ng_dl_to_nmol_l(report["testosterone"].value), abs=0.1)


def test_follow_up_table_over_visits(trt_result):
    visits = follow_up(trt_result, days=[0, 90, 180, 365])
    assert visits.days == (0, 90, 180, 365)
    assert visits.weeks == (0, 13, 26, 52)  # the charts' clock: weeks since the first injection
    table = visits.table()
    assert [column for column in table.columns if column.startswith("Week ")] == ["Week 0", "Week 13", "Week 26",
                                                                                  "Week 52"]
    lh = table[table["test"] == "LH"].iloc[0]
    assert not lh["Week 0"].endswith("L") and lh["Week 13"].endswith("L")
    tidy = visits.to_frame()
    assert set(tidy["day"]) == {0, 90, 180, 365}
    assert len(tidy) == 4 * len(visits[0].lines)
    html = visits._repr_html_()
    assert "Week 26" in html and "Day " not in html
    # what the model does not simulate is said once per line, across the visits, not once per visit
    assert html.count("not modelled</td>") == 3 and "colspan='4'" in html


def test_a_sheet_is_dated_on_the_story_clock_not_in_days(trt_result):
    report = lab_report(trt_result, 150)
    assert report.week == 21
    assert "week 21" in report._repr_html_() and "day 150" not in report._repr_html_()
    assert repr(report).startswith("Simulated lab report, week 21")
    # a story whose treatment starts on day 10 counts from there, as a chart drawn with origin_day=10
    assert lab_report(trt_result, 150, clock_start_day=10).week == 20
    assert follow_up(trt_result, days=[10, 94], clock_start_day=10).weeks == (0, 12)


def test_the_story_clock_is_checked(trt_result):
    with pytest.raises(TypeError, match="clock_start_day"):
        lab_report(trt_result, 150, clock_start_day="0")
    with pytest.raises(ValueError, match="clock_start_day"):
        lab_report(trt_result, 150, clock_start_day=math.nan)
    # two visits the sheet would show as the same week
    with pytest.raises(ValueError, match="days 90, 92 fall in week 13"):
        follow_up(trt_result, days=[0, 90, 92])


@pytest.mark.parametrize("concentration, volume, shown_concentration, shown_total", [
    (0.14, 2.0, "0.14", "0.28"),    # a lab's usual precision would print the total as "0"
    (0.5, 3.0, "0.50", "1.5"),
    (4.2, 2.0, "4.2", "8.4"),
    (60.0, 3.0, "60.0", "180"),
])
def test_a_small_sperm_count_keeps_two_significant_digits(concentration, volume, shown_concentration, shown_total):
    report = lab_report(constant_result(sperm=concentration), 5, semen_volume=volume)
    assert report["sperm_concentration"].text == shown_concentration
    assert report["total_sperm_number"].text == shown_total
    assert report["total_sperm_number"].flag == ("L" if float(shown_total) < 39 else "")
    assert report["total_sperm_number"].reference == "≥ 39"  # the limit keeps the laboratory's precision


def test_follow_up_rejects_bad_visit_lists(trt_result):
    with pytest.raises(ValueError, match="days must name at least one visit"):
        follow_up(trt_result, days=[])
    for days in ("90", 90):
        with pytest.raises(TypeError, match="days must be a list of visit days"):
            follow_up(trt_result, days=days)
    with pytest.raises(ValueError, match="outside the allowed range"):
        follow_up(trt_result, days=[0, 400])


def test_report_renders_for_notebooks(trt_result):
    report = lab_report(trt_result, 120)
    html = report._repr_html_()
    assert "Testosterone" in html and "≥ 16" in html and "not modelled" in html
    assert "not dosing advice" in html
    frame = report.to_frame()
    assert list(frame.columns) == ["day", "week", "section", "test", "result", "value", "unit", "reference", "flag", "comment"]
    assert "LH" in repr(report)


def test_a_hormone_below_the_printed_precision_reads_as_less_than_it():
    # LH 0.02 IU/L on a sheet printing one decimal: "< 0.1", as a laboratory reports it, never "0.0"
    report = lab_report(constant_result(lh=0.02, testosterone=0.3), 5)
    assert report["lh"].text == "< 0.1" and report["lh"].flag == "L"
    assert report["testosterone"].text == "< 1"
    assert "< 0.1" in report._repr_html_().replace("&lt;", "<")
    assert report["fsh"].text == f"{report['fsh'].value:.1f}"  # a measurable value prints as before


def test_the_sheet_reads_its_words_from_the_left(trt_result):
    html = lab_report(trt_result, 150)._repr_html_()
    assert "<td style='text-align:left'>LH</td>" in html
    assert "<td style='text-align:left'>LH</td>" in follow_up(trt_result, days=[0, 150])._repr_html_()
