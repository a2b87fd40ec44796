"""Offline charts come from the Vega bundle shipped in the package, not from vl-convert in each
kernel; under Pyodide, widget messages keep Python None as JavaScript null."""
import hashlib
import json
import subprocess
import sys
import types

import altair as alt
import numpy as np
from altair.jupyter.jupyter_chart import load_js_src

from hpgwidgets import offline
from hpgwidgets.charts import enable_offline_charts


def test_shipped_bundle_was_made_from_the_installed_altairs_jupyterchart():
    provenance = offline.bundle_provenance(offline.bundled_vega())
    rebuild = "hpgwidgets/js/jupyterchart.js is stale: run `make vega-bundle`"
    assert provenance["altair_version"] == alt.__version__, rebuild
    assert provenance["source_sha256"] == hashlib.sha256(load_js_src().encode()).hexdigest(), rebuild
    # The bundle must be self-contained: no module is fetched from a CDN when it loads.
    assert "esm.sh" not in offline.bundled_vega()
    assert "vegaEmbed" in offline.bundled_vega() or "vega-embed" in offline.bundled_vega()


def test_the_bundle_is_held_as_ascii_with_each_other_character_as_its_javascript_escape(tmp_path):
    # ASCII text takes a byte a character in Python, other text 2 or 4: this halves its memory.
    text, held = offline.BUNDLE_PATH.read_text(encoding="utf-8"), offline.bundled_vega()
    others = {character for character in text if not character.isascii()}
    assert others and held.isascii()
    for character in others:
        code = ord(character)
        text = text.replace(character, f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
    assert held == text
    module = tmp_path / "jupyterchart.mjs"
    module.write_text(held)
    checked = subprocess.run(["node", "--check", str(module)], capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stderr[-2000:]


def test_charts_and_the_workbench_draw_offline_without_starting_vl_convert():
    # A fresh interpreter: another test may already have imported vl_convert for an export.
    script = (
        "import sys, altair as alt\n"
        "from hpgwidgets import charts, offline, Workbench\n"
        "charts.enable_offline_charts(renderer=True)\n"
        "Workbench()\n"
        "alt.Chart(alt.Data(values=[{'x': 1}])).mark_point().encode(x='x:Q')._repr_mimebundle_()\n"
        "assert alt.JupyterChart._esm == offline.bundled_vega()\n"
        "print('vl_convert' in sys.modules)\n"
    )
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert completed.stdout.strip().splitlines()[-1] == "False"


def test_enabling_twice_keeps_the_bundle():
    enable_offline_charts(renderer=True)
    enable_offline_charts(renderer=True)
    assert alt.JupyterChart._is_offline and alt.JupyterChart._esm == offline.bundled_vega()


class RecordingShell:
    """Stands in for pyodide-kernel's IPython shell, whose send_comm is a JavaScript function."""

    def __init__(self):
        self.sent = []
        self.send_comm = lambda *message: self.sent.append(message)


def test_pyodide_comm_content_is_sent_as_parsed_json_so_none_stays_null(monkeypatch):
    parsed = []
    fake_js = types.SimpleNamespace(JSON=types.SimpleNamespace(parse=lambda text: parsed.append(text) or text))
    monkeypatch.setitem(sys.modules, "js", fake_js)
    shell = RecordingShell()
    offline.send_comm_content_as_json(shell)
    offline.send_comm_content_as_json(shell)  # wrapping twice would parse twice

    content = {"data": {"state": {"spec": {"encoding": {"x": {"axis": None}}}, "count": np.int64(3)}}}
    shell.send_comm("comm_msg", content, {}, b"topic", [])
    assert len(parsed) == 1
    assert json.loads(parsed[0])["data"]["state"] == {"spec": {"encoding": {"x": {"axis": None}}}, "count": 3}
    assert shell.sent[0][1] == parsed[0]

    # NaN is not JSON: such content keeps the kernel's own conversion rather than failing.
    nan_content = {"data": {"value": float("nan")}}
    shell.send_comm("comm_msg", nan_content, {}, b"topic", [])
    assert shell.sent[1][1] is nan_content and len(parsed) == 1


def _kinds_of_chart():
    """A chart of each kind Altair has, with the parameters and selections a JupyterChart tracks."""
    import hpgwidgets as hpg
    from hpgwidgets import charts

    data = alt.Data(values=[{"x": x, "y": x * x, "g": "ab"[x % 2]} for x in range(6)])
    brush = alt.selection_interval(name="brush")
    pick = alt.selection_point(name="pick", fields=["g"])
    dose = alt.param(name="dose", value=3, bind=alt.binding_range(min=0, max=5))
    base = alt.Chart(data).mark_point().encode(x="x:Q", y="y:Q", color="g:N")
    result = hpg.simulate(hpg.Regimen([hpg.Dose("testosterone_enanthate", 200, every_days=7, stop_day=60)]), days=90)
    return {
        "single view": base.add_params(brush, dose).transform_filter(alt.datum.x <= dose),
        "layer": base + base.mark_line().add_params(pick),
        "vconcat": alt.vconcat(base.add_params(brush), base),
        "hconcat": alt.hconcat(base, base.add_params(pick)),
        "concat": alt.concat(base, base, columns=2),
        "facet": base.facet("g:N"),
        "repeat": alt.Chart(data).mark_point().encode(x=alt.X(alt.repeat("column"), type="quantitative"), y="y:Q")
        .repeat(column=["x", "y"]),
        "hpgwidgets time series": charts.timeseries_chart(result),
    }


def test_a_spec_rebuilt_without_validation_is_the_chart_altair_rebuilds():
    # A renderer rebuilds the chart of a spec already validated; skipping the second validation
    # must not change what a student's notebook draws: the chart, its parameters and selections.
    enable_offline_charts()
    for name, chart in _kinds_of_chart().items():
        spec = chart.to_dict(context={"pre_transform": False})
        ours, altairs = offline.chart_from_valid_spec(spec), alt.Chart.from_dict(spec)
        assert type(ours) is type(altairs), name
        assert ours.to_dict() == altairs.to_dict(), name
        ours_widget, altairs_widget = alt.JupyterChart(ours), alt.JupyterChart(altairs)
        assert ours_widget.spec == altairs_widget.spec, name
        assert (ours_widget._params, ours_widget._vl_selections, ours_widget._selection_types) == \
            (altairs_widget._params, altairs_widget._vl_selections, altairs_widget._selection_types), name


def test_enabling_charts_opens_one_give_up_catcher_per_kernel_before_any_chart():
    # anywidget's give-up error was caught only once a chart's module was on the page; the catcher,
    # opened with the charts, brings the catch first (tests/browser/test_chart_given_up.py)
    from ipywidgets import Widget
    from ipywidgets.widgets.widget import _instances

    from hpgwidgets.chart_widget import HEAR_KERNEL_AGAIN_JS, GiveUpCatcher

    def catchers():
        return [widget for widget in list(_instances.values()) if isinstance(widget, GiveUpCatcher)]

    Widget.close_all()
    enable_offline_charts()
    first = catchers()
    assert len(first) == 1 and HEAR_KERNEL_AGAIN_JS in first[0]._esm
    enable_offline_charts()
    assert catchers() == first
    Widget.close_all()   # closed with every widget, it is opened again by the next notebook's setup
    enable_offline_charts()
    assert len(catchers()) == 1 and catchers() != first


def test_every_chart_names_one_vega_bundle_sent_once_per_kernel_not_with_each_chart():
    # The 0.9 MB bundle crossed the wire with every chart (a notebook of 12 charts sent 12 MB).
    # Now each chart's state names the kernel's one VegaBundle widget, which holds the bundle.
    from hpgwidgets.chart_widget import ChartWidget, VegaBundle

    enable_offline_charts()
    chart = alt.Chart(alt.Data(values=[{"x": 1, "y": 2}])).mark_point().encode(x="x:Q", y="y:Q")
    first, second = ChartWidget(chart), ChartWidget(chart)
    assert isinstance(first._vega, VegaBundle) and first._vega is second._vega
    assert first._vega.source == offline.bundled_vega()
    state = first.get_state()
    assert state["_vega"] == f"IPY_MODEL_{first._vega.model_id}"
    assert len(json.dumps(state, default=str)) < len(offline.bundled_vega()) / 10
    # a bundle closed (as Widget.close_all() closes every widget) is made again for the next chart
    bundle = first._vega
    bundle.close()
    third = ChartWidget(chart)
    assert third._vega is not bundle and third._vega.comm is not None
    assert third._vega.source == offline.bundled_vega()
