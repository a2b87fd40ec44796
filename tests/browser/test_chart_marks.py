"""Every chart complete on every page: what Chromium draws equals the spec drawn offline.

Vega numbers its SVG clip paths per copy of its JavaScript (clip1, clip2...), and every
JupyterChart loads its own copy, so a clipped mark in one chart was cut to another chart's
area: the classroom Workbench's intratesticular-T panel came up empty, dose ticks stopped
at week 11 in 01. Here, on the busiest notebook and on the classroom dashboard, every
chart's data marks are counted in the browser and compared with the same spec (with its
current params) drawn by vl-convert, and no clip path may be shared between charts.
"""
from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import pytest

from hpgwidgets.charts import MIN_DOSE_TICK_GAP_PX

from chart_marks import (CLIP_PROBLEMS_JS, EXPECTED_SVGS_CODE, SVG_OF_EVERY_CHART_JS, closest_dose_ticks,
                          marks, panel_names)

ROOT = Path(__file__).resolve().parents[2]
BUSIEST_NOTEBOOK = ROOT / "notebooks" / "04_case_studies.ipynb"
DRAWN_TIMEOUT_MS = 60_000

KERNEL_EXECUTE_JS = """
async (code) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const future = kernel.requestExecute({code, store_history: false});
  let out = '';
  future.onIOPub = msg => {
    // stdout only: a warning the kernel writes to stderr meanwhile is not the answer
    if (msg.header.msg_type === 'stream' && msg.content.name === 'stdout') out += msg.content.text;
    if (msg.header.msg_type === 'error') out += 'ERROR ' + msg.content.ename + ': ' + msg.content.evalue;
  };
  await future.done;
  return out;
}
"""


def fingerprint(svg: str) -> str:
    return json.dumps(sorted(marks(svg).items()))


def assert_every_chart_complete(browser_svgs: list[str], expected_svgs: list[str]):
    assert browser_svgs, "no chart was drawn"
    expected = Counter(fingerprint(svg) for svg in expected_svgs)
    for svg in browser_svgs:
        drawn = fingerprint(svg)
        assert drawn in expected, (f"a chart drawn in the browser ({panel_names(svg) or 'no named panels'}) "
                                   f"has marks {drawn}, which no chart's spec gives offline")
        expected[drawn] -= 1
        if not expected[drawn]:
            del expected[drawn]


def drawn_when_complete(page, expected_svgs: list[str], timeout_ms: int = DRAWN_TIMEOUT_MS) -> list[str]:
    """The SVG of every chart on the page once each matches its offline spec. Charts draw, then
    redraw as the last params arrive (later on a busy machine): poll until they agree, and only
    when ``timeout_ms`` has passed report the difference still there."""
    page.wait_for_function(f"() => document.querySelectorAll('svg.marks').length >= {len(expected_svgs)}",
                           timeout=DRAWN_TIMEOUT_MS)
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        drawn = page.evaluate(SVG_OF_EVERY_CHART_JS)
        try:
            assert len(drawn) == len(expected_svgs)
            assert_every_chart_complete(drawn, expected_svgs)
            return drawn
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            page.wait_for_timeout(500)


# its run is shared with the other checks on this notebook (conftest's notebook_in_lab)
@pytest.mark.parametrize("notebook_in_lab", [BUSIEST_NOTEBOOK], ids=[BUSIEST_NOTEBOOK.stem], indirect=True)
def test_busiest_notebook_draws_every_mark_of_every_chart(notebook_in_lab):
    run = notebook_in_lab
    assert run.errors == []
    page = run.page
    expected = json.loads(page.evaluate(KERNEL_EXECUTE_JS, EXPECTED_SVGS_CODE).strip().splitlines()[-1])
    drawn = drawn_when_complete(page, expected)
    # the timelines' dose ticks are there (the marks the clip collision used to hide), and no two of one drug
    # closer than charts.MIN_DOSE_TICK_GAP_PX (Alex's weekly injections over 136 weeks painted his bars dark)
    assert sum(count for svg in drawn for name, count in marks(svg).items()
               if name.startswith("panel_treatment_layer_1")) > 10
    gaps = [gap for gap in map(closest_dose_ticks, drawn) if gap is not None]
    assert gaps and min(gaps) >= MIN_DOSE_TICK_GAP_PX - 0.5, gaps
    assert page.evaluate(CLIP_PROBLEMS_JS) == []
    assert run.console_errors == []


def displayed_objects(notebook: Path) -> list:
    """What each code cell of ``notebook`` shows (its last expression), built in this process."""
    import ast

    namespace, shown = {}, []
    for cell in json.loads(notebook.read_text())["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] != "code" or "%pip" in source:
            continue
        tree = ast.parse(source)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, str(notebook), "exec"), namespace)
        if last is not None:
            shown.append(eval(compile(ast.Expression(last.value), str(notebook), "eval"), namespace))
    return shown


def jupyter_charts(widget) -> list:
    import altair as alt

    if isinstance(widget, alt.JupyterChart):
        return [widget]
    return [chart for child in getattr(widget, "children", ()) for chart in jupyter_charts(child)]


def with_doses_for_width(chart, result, window_days, width_px: float | None):
    """``chart``'s current spec and params with its dose ticks thinned for a timeline ``width_px`` wide: the
    dashboard sizes its charts to the box the browser reports (charts.MIN_DOSE_TICK_GAP_PX)."""
    from hpgwidgets import charts

    if width_px is None or charts.DOSES_PARAM not in chart.params.trait_names():
        return chart
    doses = charts.dose_frame(result.regimen, result.days, 0.0, window_days, panel_width=width_px)
    chart.params.doses = {column: doses[column].tolist() for column in doses.columns}
    return chart


def test_classroom_dashboard_draws_every_mark_of_every_chart(page, present_server, console_errors):
    from chart_marks import drawn_offline, timeline_width

    shown = displayed_objects(ROOT / "notebooks" / "classroom.ipynb")
    classroom, workbench = shown[0], shown[1]
    charts_on_page = [chart for widget in shown for chart in jupyter_charts(widget)]
    assert len(charts_on_page) == 3  # the preset chart, the Workbench's chart and its diagram
    # what each chart shows, to thin its dose ticks for the width the browser draws it at
    inputs = classroom._chart_inputs()
    runs = [(inputs["result"], inputs["window_days"]), (workbench.result, (0.0, workbench.window_days)), (None, None)]
    page.goto(present_server.link, timeout=120_000)
    page.locator(".hpg-workbench .hpg-chart svg .mark-line path").first.wait_for(state="attached",
                                                                                 timeout=120_000)
    page.wait_for_function(f"() => document.querySelectorAll('svg.marks').length >= {len(charts_on_page)}",
                           timeout=DRAWN_TIMEOUT_MS)
    deadline = time.monotonic() + DRAWN_TIMEOUT_MS / 1000
    while True:  # the charts are redrawn for the box's width once the page has reported it
        widths = [timeline_width(svg) for svg in page.evaluate(SVG_OF_EVERY_CHART_JS)]
        try:
            assert len(widths) == len(charts_on_page)
            expected = [drawn_offline(with_doses_for_width(chart, result, window, width))
                        for chart, (result, window), width in zip(charts_on_page, runs, widths)]
            drawn = drawn_when_complete(page, expected, timeout_ms=2_000)
            break
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            page.wait_for_timeout(500)
    # The Workbench's intratesticular-T panel, empty at first load before the fix, has its curve.
    workbench_svg = next(svg for svg in drawn if "panel_itt_group" in svg and "panel_estradiol_group" in svg)
    assert marks(workbench_svg)["panel_itt_layer_1_marks"] >= 1
    # its weekly injections are drawn, none closer than charts.MIN_DOSE_TICK_GAP_PX to the next
    assert marks(workbench_svg)["panel_treatment_layer_1_marks"] >= 5
    assert closest_dose_ticks(workbench_svg) >= MIN_DOSE_TICK_GAP_PX - 0.5
    assert page.evaluate(CLIP_PROBLEMS_JS) == []
    assert console_errors == []
