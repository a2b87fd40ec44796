"""Offline classroom: every notebook of the workbook runs in real JupyterLab in Chromium with
no request leaving the machine, every widget view renders, and the browser logs no error."""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
# Cell outputs (not the output areas nested inside Output widgets) that hold a widget view.
RENDERED_WIDGET_VIEWS_JS = """
() => Array.from(document.querySelectorAll(
    '.jp-CodeCell > .jp-Cell-outputWrapper > .jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output'))
  .filter(output => output.classList.contains('lm-Panel') && output.firstElementChild
          && output.firstElementChild.classList.contains('lm-Widget')).length
"""
RENDER_TIMEOUT_MS = 60_000

# Every Vega view (Altair JupyterChart, the diagram) has drawn its marks.
UNDRAWN_CHARTS_JS = """
() => Array.from(document.querySelectorAll('.jp-Notebook .vega-embed'))
  .filter(view => !view.querySelector('svg.marks, canvas.marks')).length
"""


# (each notebook's run is shared with the read-through's checks on it: conftest's notebook_in_lab)
@pytest.mark.parametrize("notebook_in_lab", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS], indirect=True)
def test_notebook_renders_offline_in_jupyterlab(notebook_in_lab):
    run = notebook_in_lab
    page = run.page
    assert run.errors == []

    widget_outputs = sum(WIDGET_MIME in output.get("data", {}) for cell in run.outputs for output in cell)
    page.wait_for_function(f"n => ({RENDERED_WIDGET_VIEWS_JS.strip()})() >= n", arg=widget_outputs,
                           timeout=RENDER_TIMEOUT_MS)
    assert page.evaluate(RENDERED_WIDGET_VIEWS_JS) == widget_outputs
    page.wait_for_function(f"() => ({UNDRAWN_CHARTS_JS.strip()})() === 0", timeout=RENDER_TIMEOUT_MS)
    notebook_text = page.locator(".jp-Notebook").inner_text()
    assert "Error displaying widget" not in notebook_text
    assert "Loading widget" not in notebook_text

    assert run.external_requests == [], "the notebook asked the internet for something"
    assert run.console_errors == []
