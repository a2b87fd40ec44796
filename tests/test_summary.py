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
