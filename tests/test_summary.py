"""summary: the chart's key names the bands the chart draws, without importing the charts."""
import subprocess
import sys

import pytest

from hpgwidgets import charts, summary
from hpgwidgets.simulation import LABELS


@pytest.mark.parametrize("variable", sorted(LABELS))
def test_the_key_names_the_band_the_chart_draws_for_each_variable(variable):
    band = charts.reference_band_frame(variable)
    key = " ".join(summary.chart_key([variable]))
    assert ("grey band: reference range" in key) == (len(band) == 1 and band["high"].notna().all())
    assert ("dotted line: lower reference limit" in key) == (len(band) == 1 and band["high"].isna().all())


def test_summary_does_not_import_the_charts():
    code = "import sys, hpgwidgets.summary; print('hpgwidgets.charts' in sys.modules)"
    imported = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert imported == "False"


def test_a_column_of_sperm_counts_with_none_seen_is_right_aligned_like_the_numbers():
    import pandas as pd

    frame = pd.DataFrame({"Sperm (million/mL)": [summary.value_text("sperm", 45.0), summary.value_text("sperm", 0.0)],
                          "Plan": ["stop", "hCG"]}, index=pd.Index(["before", "after"], name="Visit"))
    assert frame.iloc[1, 0] == "none seen"
    rule = summary.Table(frame)._repr_markdown_().splitlines()[1]
    assert rule == "| --- | ---: | --- |"  # sperm column right-aligned, the words column left


def test_the_summary_and_the_chart_key_give_the_day_on_one_clock_in_weeks():
    import hpgwidgets as hpg

    regimen = hpg.Regimen([hpg.Dose("testosterone_enanthate", 200, every_days=7)])
    result = hpg.simulate(regimen, days=1200)
    text = summary.summary_text(result, 1179)
    assert text.startswith("Week 168, on testosterone enanthate:")  # a name mid-sentence in lower case
    assert "day" not in text.split(":")[0].lower()  # no second clock beside the week
    key = summary.chart_key(["lh"], cursor_day=1179)
    assert "dashed vertical line: week 168, described in words" in key


def test_drug_names_read_in_lower_case_inside_the_sentence_but_abbreviations_keep_their_capitals():
    import hpgwidgets as hpg

    regimen = hpg.Regimen([hpg.Dose("testosterone_enanthate", 200, every_days=7), hpg.Dose("hcg", 500, every_days=2),
                           hpg.Dose("fsh", 150, every_days=7 / 3)])
    text = summary.summary_text(hpg.simulate(regimen, days=60), 30)
    on = text.split(":")[0]
    assert "testosterone enanthate" in on and "human chorionic gonadotropin (hCG)" in on
    assert "recombinant FSH (follitropin alfa)" in on


def test_a_summary_read_between_injections_says_where_in_the_interval_it_reads():
    # 01: 'serum testosterone 895 ng/dL' read on an injection day, beside a chart whose peaks reach about 1,500
    import hpgwidgets as hpg
    from hpgwidgets import summary

    weekly = hpg.simulate(hpg.Regimen([hpg.Dose("testosterone_enanthate", amount=200, every_days=7)]), days=182)
    last_week = weekly["testosterone"][(weekly.t >= 175) & (weekly.t <= 182)]
    on_the_day = summary.summary_text(weekly, 182)
    assert f"at its low point just before an injection (peak after the previous one: {last_week.max():,.0f} ng/dL)" in on_the_day
    mid_week = summary.summary_text(weekly, 179)
    assert f"4 days after an injection (from {last_week.min():,.0f} to {last_week.max():,.0f} ng/dL between injections)" in mid_week
    gel = hpg.simulate(hpg.Regimen([hpg.Dose("testosterone_gel", amount=50, every_days=1)]), days=60)
    assert "injection" not in summary.summary_text(gel, 40)
