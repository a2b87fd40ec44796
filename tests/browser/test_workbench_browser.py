"""The Workbench in real JupyterLab and Chromium: what only a browser can show.

Uses the shared harness in conftest.py (JupyterLab on localhost, windowing off,
off-localhost requests blocked, console errors recorded). The notebook is
tests/browser/notebooks/workbench.ipynb: `wb = hpg.Workbench(); wb`.
"""
from pathlib import Path

NOTEBOOK = Path(__file__).parent / "notebooks" / "workbench.ipynb"
RENDER_TIMEOUT_MS = 60_000
REDRAW_TIMEOUT_MS = 20_000

# Every curve's path, joined: changes when any curve of the time-series chart moves.
CURVES_JS = """
el => Array.from(el.querySelectorAll('svg .mark-line path')).map(path => path.getAttribute('d')).join('|')
"""
TEXTS_JS = "el => Array.from(el.querySelectorAll('svg text')).map(text => text.textContent)"
STROKES_JS = """
el => Array.from(el.querySelectorAll('svg .mark-line path')).map(path => (path.getAttribute('stroke') || '').toUpperCase())
"""


def open_workbench(run_notebook):
    run = run_notebook(NOTEBOOK)
    assert run.errors == []
    page = run.page
    page.locator(".hpg-chart svg .mark-line path").first.wait_for(state="attached", timeout=RENDER_TIMEOUT_MS)
    page.locator(".hpg-diagram svg .mark-line path").first.wait_for(state="attached", timeout=RENDER_TIMEOUT_MS)
    page.locator(".hpg-summary [aria-live='polite']").wait_for(state="attached", timeout=RENDER_TIMEOUT_MS)
    return page


def curves(page):
    return page.locator(".hpg-chart").evaluate(CURVES_JS)


def test_workbench_renders_offline_with_marks_summary_and_diagram(run_notebook, console_errors, external_requests):
    page = open_workbench(run_notebook)
    chart = page.locator(".hpg-chart")
    # One chart view in the chart area, six clinical panels with curves, the treatment timeline.
    assert chart.locator("svg.marks").count() == 1
    assert chart.locator("svg .mark-line path").count() >= 6
    titles = chart.evaluate(TEXTS_JS)
    for title in ("LH", "FSH", "Estradiol", "Sperm concentration", "Intratesticular testosterone", "Treatment"):
        assert title in titles, f"{title!r} missing from the chart"
    # The live summary is an aria-live region with words, not just a picture.
    summary = page.locator(".hpg-summary [aria-live='polite']")
    assert summary.count() == 1
    assert "LH at" in summary.inner_text() and "million/mL" in summary.inner_text()
    # The diagram names the three levels of the axis.
    diagram_texts = page.locator(".hpg-diagram").evaluate(TEXTS_JS)
    for node in ("Hypothalamus", "Pituitary", "Leydig cells", "Sertoli cells"):
        assert node in diagram_texts
    assert "GnRH drive" in page.locator(".hpg-diagram-text").inner_text()
    assert console_errors == []
    assert external_requests == []


def test_keyboard_move_of_dose_slider_redraws_the_same_chart(run_notebook, console_errors, external_requests):
    page = open_workbench(run_notebook)
    before = curves(page)
    readout = page.locator(".hpg-trt_dose .widget-readout")
    start_readout = readout.inner_text()
    summary_before = page.locator(".hpg-summary").inner_text()

    page.locator(".hpg-trt_dose .noUi-handle").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("([el, old]) => el.innerText !== old", arg=[readout.element_handle(), start_readout],
                           timeout=REDRAW_TIMEOUT_MS)
    page.wait_for_function(f"([el, old]) => ({CURVES_JS})(el) !== old",
                           arg=[page.locator(".hpg-chart").element_handle(), before], timeout=REDRAW_TIMEOUT_MS)
    assert float(readout.inner_text()) > float(start_readout)
    page.wait_for_function("([el, old]) => el.innerText !== old",
                           arg=[page.locator(".hpg-summary").element_handle(), summary_before],
                           timeout=REDRAW_TIMEOUT_MS)
    # Redrawn in place: still one chart view, and the cell still has a single output.
    assert page.locator(".hpg-chart svg.marks").count() == 1
    assert page.locator(".jp-Cell .jp-OutputArea-output").count() == 1
    assert page.locator(".hpg-errors").inner_text().strip() == ""
    assert console_errors == []
    assert external_requests == []


def test_pin_overlays_the_pinned_scenario(run_notebook, console_errors, external_requests):
    page = open_workbench(run_notebook)
    chart = page.locator(".hpg-chart")
    assert "#E69F00" not in chart.evaluate(STROKES_JS)

    page.locator(".hpg-pin").click()
    page.wait_for_function(f"el => ({STROKES_JS})(el).includes('#E69F00')", arg=chart.element_handle(),
                           timeout=REDRAW_TIMEOUT_MS)
    assert "Pinned" in chart.evaluate(TEXTS_JS)

    # The next scenario (TRT + hCG) is drawn beside the pinned one, in both colours.
    before = curves(page)
    page.locator(".hpg-controls .lm-TabBar-tab, .hpg-controls .p-TabBar-tab").filter(has_text="Recovery").click()
    page.locator(".hpg-hcg input[type=checkbox]").check()
    page.wait_for_function(f"([el, old]) => ({CURVES_JS})(el) !== old", arg=[chart.element_handle(), before],
                           timeout=REDRAW_TIMEOUT_MS)
    strokes = chart.evaluate(STROKES_JS)
    assert "#E69F00" in strokes and "#0072B2" in strokes
    assert page.locator(".hpg-chart svg.marks").count() == 1
    assert console_errors == []
    assert external_requests == []
