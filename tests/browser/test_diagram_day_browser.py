"""The Workbench's diagram day, moved in real JupyterLab and Chromium: the kernel sends only the
params that day changes (hpgwidgets.workbench.view.ChangedParams), and the page must still follow
them: the chart's dashed day rule and the diagram's labels move, the curves stay as drawn.
"""
import json

from test_workbench_browser import REDRAW_TIMEOUT_MS, TEXTS_JS, curves, open_workbench

# Where the chart's rules are drawn (the dashed day rule among them): changes when the day rule moves.
RULES_JS = """
el => Array.from(el.querySelectorAll('svg .mark-rule line, svg .mark-rule path'))
  .map(rule => [rule.getAttribute('transform'), rule.getAttribute('x1'), rule.getAttribute('x2'),
                rule.getAttribute('d')].join(' ')).join('|')
"""


def points(joined_paths: str) -> list[int]:
    """Points of each curve, from CURVES_JS's joined SVG paths."""
    return [path.count("L") + path.count("M") for path in joined_paths.split("|")]


def test_moving_the_diagram_day_moves_the_day_rule_and_the_diagram_not_the_curves(run_notebook, console_errors,
                                                                                  external_requests):
    page = open_workbench(run_notebook)
    chart, diagram = page.locator(".hpg-chart"), page.locator(".hpg-diagram")
    curves_before, rules_before = curves(page), chart.evaluate(RULES_JS)
    labels_before = diagram.evaluate(TEXTS_JS)
    readout = page.locator(".hpg-cursor_day .widget-readout")
    start_readout = readout.inner_text()

    page.locator(".hpg-cursor_day .noUi-handle").focus()
    page.keyboard.press("End")          # the last day of the window: LH far from its day-0 level
    page.wait_for_function("([el, old]) => el.innerText !== old", arg=[readout.element_handle(), start_readout],
                           timeout=REDRAW_TIMEOUT_MS)
    page.wait_for_function(f"([el, old]) => ({RULES_JS})(el) !== old", arg=[chart.element_handle(), rules_before],
                           timeout=REDRAW_TIMEOUT_MS)
    page.wait_for_function(f"([el, old]) => JSON.stringify(({TEXTS_JS})(el)) !== old",
                           arg=[diagram.element_handle(), json.dumps(labels_before)],
                           timeout=REDRAW_TIMEOUT_MS)
    assert int(readout.inner_text()) > int(start_readout)
    # the same data in every curve (the chart may have been resized to its box meanwhile)
    assert points(curves(page)) == points(curves_before)
    assert chart.locator("svg.marks").count() == 1 and diagram.locator("svg.marks").count() == 1
    assert "GnRH drive" in page.locator(".hpg-diagram-text").inner_text()
    assert page.locator(".hpg-errors").inner_text().strip() == ""
    assert console_errors == []
    assert external_requests == []
