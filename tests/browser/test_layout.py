"""Layouts that fit: the Workbench in JupyterLab (file browser open) and the classroom dashboard
in Voila, at 1366x768, 1440x900 and 1920x1080.

At each size, once the charts have been rebuilt for the new width, every chart panel, the
controls and the buttons lie inside the visible area (nothing off screen to the right, no
horizontal scrolling inside a chart), no control label is cut, and on a 1920-px projector the
chart uses most of the width with larger type. Screenshots go to build/screenshots/ (look at
them: this test cannot judge what a reader sees).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = Path(__file__).parent / "notebooks" / "workbench.ipynb"
SCREENSHOTS = ROOT / "build" / "screenshots"
SIZES = [(1366, 768), (1440, 900), (1920, 1080)]
# How long the page may take to redraw its charts for a new size. Long, because a loaded 2-core
# machine can take minutes; the wait ends as soon as the charts fit.
FIT_TIMEOUT_MS = 300_000
LOAD_TIMEOUT_MS = 300_000
# Share of the dashboard's side column the days slider's track spans at least: beside its label and
# readout a 240-px column left it 45 px, too short for a lecturer to drag.
SLIDER_SHARE = 0.6

# Width of the days slider's track, as a share of the side column it stands in.
SLIDER_SHARE_JS = """
(root) => document.querySelector(root + ' .hpg-classroom-days .slider-container').getBoundingClientRect().width /
  document.querySelector(root + ' .hpg-classroom-side').getBoundingClientRect().width
"""

# Boxes (page px) of every chart panel (Vega groups named panel_*), the widgets' boxes that must
# stay visible, and the area they must stay inside; plus every control label whose text is cut.
MEASURE_JS = """
([root, area]) => {
  const box = el => { const r = el.getBoundingClientRect(); return {left: r.left, right: r.right, width: r.width}; };
  const panels = [];
  for (const group of document.querySelectorAll(root + ' g.mark-group.role-scope')) {
    const name = Array.from(group.classList).find(c => c.startsWith('panel_') && c.endsWith('_group'));
    if (name && group.getBoundingClientRect().width > 0) panels.push({name, ...box(group)});  // shown charts
  }
  const widgets = Array.from(document.querySelectorAll(
      root + ' .hpg-controls, ' + root + ' .hpg-chart-column, ' + root + ' .widget-toggle-button, ' +
      root + ' .hpg-classroom-notes, ' + root + ' .widget-slider'))
    .filter(el => el.offsetParent !== null).map(el => ({name: el.className.split(' ').slice(-1)[0], ...box(el)}));
  const cut = Array.from(document.querySelectorAll(
      root + ' .widget-label, ' + root + ' .widget-toggle-button, ' + root + ' .widget-radio-box label, ' +
      root + ' .widget-button, ' + root + ' .lm-TabBar-tabLabel'))
    .filter(el => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1).map(el => el.textContent);
  const axisFonts = Array.from(document.querySelectorAll(root + ' svg .role-axis-label text'))
    .map(text => parseFloat(text.getAttribute('font-size')));
  const visible = box(document.querySelector(area));
  visible.right = Math.min(visible.right, window.innerWidth);
  const column = document.querySelector(root + ' .hpg-classroom-chart-column, ' + root + ' .hpg-chart-column');
  // how far apart (px, top to bottom) the dose slider and the sperm panel are: both fit one screen?
  const sperm = Array.from(document.querySelectorAll(root + ' g.panel_sperm_group')).find(g => g.getBoundingClientRect().width > 0);
  const dose = document.querySelector(root + ' .hpg-trt_dose');
  const span = sperm && dose && dose.offsetParent !== null ? Math.max(sperm.getBoundingClientRect().bottom,
    dose.getBoundingClientRect().bottom) - Math.min(sperm.getBoundingClientRect().top, dose.getBoundingClientRect().top) : null;
  const areaHeight = document.querySelector(area).getBoundingClientRect().height;
  return {panels, widgets, cut, visible, axisFont: Math.min(...axisFonts), column: column && box(column),
          doseToSperm: span, screenHeight: Math.min(areaHeight, window.innerHeight)};
}
"""
# Share of its column a chart drawn for the column's width spans at least (its panels, from the
# first y axis to the last plot's edge; the rest is the room for the actions menu).
FILLED_SHARE = 0.8
# The measurement, once the charts have been redrawn for the window and have stayed as they are for
# one poll (a rebuild under way is not measured half done): every panel shown, none off screen, and
# the chart as wide as its column (a chart drawn for the previous, smaller window is not); with
# ``oneScreen``, also flattened for the window's height (the dose slider and the sperm panel on one
# screen), which the Workbench does after it has fitted the width. False until then.
SETTLED_JS = f"""
([root, area, expected, oneScreen]) => {{
  const measured = ({MEASURE_JS})([root, area]);
  const visible = measured.visible, panels = measured.panels.filter(panel => panel.name.startsWith('panel_'));
  const previous = window.hpgLastPanels;
  window.hpgLastPanels = JSON.stringify(measured.panels);
  if (previous !== window.hpgLastPanels) return false;
  if (panels.length < expected || !measured.column) return false;
  if (oneScreen && !(measured.doseToSperm !== null && measured.doseToSperm <= measured.screenHeight)) return false;
  const span = Math.max(...panels.map(p => p.right)) - Math.min(...panels.map(p => p.left));
  const fits = span >= {FILLED_SHARE} * measured.column.width && [...panels, ...measured.widgets].every(
    item => item.left >= visible.left - 1 && item.right <= visible.right + 1);
  return fits && measured;
}}
"""


def off_screen(measured) -> list[str]:
    visible = measured["visible"]
    return [f"{item['name']} spans {item['left']:.0f}-{item['right']:.0f} px, visible {visible['left']:.0f}-"
            f"{visible['right']:.0f}" for item in measured["panels"] + measured["widgets"]
            if item["left"] < visible["left"] - 1 or item["right"] > visible["right"] + 1]


def settle_and_measure(page, root: str, area: str, expected_panels: int, one_screen: bool = False):
    """Wait until the charts have been rebuilt for this width (and, with ``one_screen``, this height)
    however long a busy machine takes, and return what was measured then. If they never fit, the
    assertions on a last measurement say what is off."""
    page.evaluate("() => { window.hpgLastPanels = undefined; }")  # stability is counted from this size on
    try:
        return page.wait_for_function(SETTLED_JS, arg=[root, area, expected_panels, one_screen],
                                      timeout=FIT_TIMEOUT_MS, polling=500).json_value()
    except PlaywrightTimeout:
        return page.evaluate(MEASURE_JS, [root, area])


def check_fits(page, name: str, root: str, area: str, expected_panels: int, width: int, one_screen: bool = False):
    measured = settle_and_measure(page, root, area, expected_panels, one_screen)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(root).first.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png")
    assert len(measured["panels"]) >= expected_panels
    assert off_screen(measured) == []
    assert measured["cut"] == [], f"labels cut at {width} px: {measured['cut']}"
    return measured


def chart_share(measured, prefix: str, within=None) -> float:
    """Width the chart's panels span, as a share of ``within`` (a measured box; default the visible width)."""
    panels = [panel for panel in measured["panels"] if panel["name"].startswith(prefix)]
    span = max(panel["right"] for panel in panels) - min(panel["left"] for panel in panels)
    within = within or measured["visible"]
    return span / (within["right"] - within["left"])


def open_with_the_file_browser(run_notebook, notebook=NOTEBOOK):
    """Run ``notebook`` in JupyterLab and open the file browser beside it (the Workbench gets narrower)."""
    run = run_notebook(notebook)
    assert run.errors == []
    page = run.page
    page.evaluate("() => window.jupyterapp.commands.execute('filebrowser:activate')")
    page.locator(".jp-FileBrowser").wait_for(state="visible", timeout=20_000)
    return page


def test_workbench_fits_jupyterlab_with_the_file_browser_open(run_notebook, console_errors):
    page = open_with_the_file_browser(run_notebook)
    measured = {}
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        measured[width] = check_fits(page, "workbench-lab", ".hpg-workbench", ".jp-NotebookPanel-notebook",
                                     7, width, one_screen=True)
        assert page.locator(".jp-FileBrowser").is_visible()
        # the dose slider and the sperm panel it acts on fit on one screen together
        assert measured[width]["doseToSperm"] <= measured[width]["screenHeight"], measured[width]
    assert min(measured[width]["axisFont"] for width in measured) >= 14
    assert chart_share(measured[1920], "panel_") > 0.5
    assert console_errors == []


@pytest.mark.parametrize("width, height", SIZES)
def test_classroom_dashboard_fits_and_fills_the_screen(browser, present_server, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.goto(present_server.link, timeout=LOAD_TIMEOUT_MS)
        page.locator(".hpg-classroom-chart svg .mark-line path").first.wait_for(state="attached",
                                                                              timeout=LOAD_TIMEOUT_MS)
        page.locator(".hpg-workbench .hpg-chart svg .mark-line path").first.wait_for(state="attached",
                                                                                     timeout=LOAD_TIMEOUT_MS)
        measured = check_fits(page, "classroom-voila", ".hpg-classroom", "#rendered_cells", 4, width)
        check_fits(page, "workbench-voila", ".hpg-workbench", "#rendered_cells", 7, width)
        # The preset chart spans most of its column beside the controls, with type that grows with it.
        assert chart_share(measured, "panel_", measured["column"]) > 0.75
        assert measured["axisFont"] >= (18 if width >= 1920 else 14)
        assert page.evaluate(SLIDER_SHARE_JS, ".hpg-classroom") >= SLIDER_SHARE
    finally:
        context.close()
