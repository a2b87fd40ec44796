"""JupyterLite: the static site from `make lite-build` runs the workbook in the browser's Python
(Pyodide) with every request off localhost blocked.

The site is built once per session from what `make lite-fetch` left in build/lite-pyodide
(`make test` and .ci/run fetch it first; the build itself needs no network). Notebook 01 and
the Workbench run here; `make test-lite` (HPG_LITE_ALL_NOTEBOOKS=1) runs every other notebook.
Model numbers are not asserted: cells run, charts draw as they do in JupyterLab.
"""
import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import OUTPUTS_JS, RUN_ALL_JS, NotebookRun, record_errors, serve_folder

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(path.name for path in (ROOT / "notebooks").glob("*.ipynb"))
LITE_PYODIDE = ROOT / "build" / "lite-pyodide"
CHECKS_NOTEBOOK = Path(__file__).parent / "notebooks" / "lite_checks.ipynb"
FIRST_NOTEBOOK = "01_fundamentals.ipynb"
# Pyodide starts in 20-60 s; notebook 04 has taken 180 s to run in it on a 2-core machine.
KERNEL_START_TIMEOUT_MS = 180_000
RUN_TIMEOUT_MS = 600_000
DRAW_TIMEOUT_MS = 60_000
REDRAW_TIMEOUT_MS = 30_000

OPEN_IN_LITE_JS = """
async ([path, content]) => {
  const app = window.jupyterapp;
  if (content) {
    await app.serviceManager.contents.save(path, {type: 'notebook', format: 'json', content});
  }
  const panel = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
  await panel.context.ready;
  await panel.sessionContext.ready;
  return panel.context.path;
}
"""
KERNEL_READY_JS = """
() => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel;
  return Boolean(kernel) && kernel.status === 'idle';
}
"""
# Done when every code cell ran, or as soon as one failed (run-all then stops, leaving the rest unrun).
RUN_FINISHED_JS = """
() => {
  const panel = window.jupyterapp.shell.currentWidget;
  if (panel.sessionContext.session.kernel.status !== 'idle') { return false; }
  const cells = panel.content.widgets.filter(cell => cell.model.type === 'code');
  const failed = cells.some(cell => cell.model.outputs.toJSON().some(output => output.output_type === 'error'));
  return failed || cells.every(cell => cell.model.executionCount !== null);
}
"""
CHARTS_DRAWN_JS = """
() => Array.from(document.querySelectorAll('.jp-Notebook .vega-embed'))
  .every(chart => chart.querySelector('svg.marks .role-mark') !== null)
"""
# What a reader sees of each chart, independent of the model's numbers: axes, legends, kinds of marks.
CHART_SHAPES_JS = """
() => Array.from(document.querySelectorAll('.jp-Notebook .vega-embed')).map(chart => ({
  title: Array.from(chart.querySelectorAll('.role-title-text')).map(text => text.textContent).join(' / '),
  axes: chart.querySelectorAll('.role-axis').length,
  legends: chart.querySelectorAll('.role-legend').length,
  marks: Array.from(new Set(Array.from(chart.querySelectorAll('svg.marks .role-mark'))
    .map(group => group.getAttribute('class')))).sort(),
}))
"""
SVG_PATH = re.compile(r"^M\s*-?[\d.]")
CURVES_JS = """
el => Array.from(el.querySelectorAll('svg .mark-line path')).map(path => path.getAttribute('d')).join('|')
"""


@pytest.fixture(scope="session")
def lite_site(tmp_path_factory):
    """Built once per test session into a temporary folder, with the Makefile's own recipe."""
    assert (LITE_PYODIDE / "wheels").is_dir(), (
        f"{LITE_PYODIDE} is missing: run `make lite-fetch` (make test and .ci/run do) before these tests")
    out = tmp_path_factory.mktemp("lite")
    site = out / "site"
    completed = subprocess.run(
        ["make", "--no-print-directory", "lite-build", f"LITE_OUT={site}", f"LITE_WHEELS={out / 'wheels'}",
         f"LITE_CACHE={out / 'cache'}"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert completed.returncode == 0, f"make lite-build failed:\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}"
    return site


@pytest.fixture(scope="session")
def lite_server(lite_site, start_server):
    return serve_folder(start_server, lite_site, "/lab/index.html")


def run_in_lite(page, record, lite_server, path, content=None):
    """Open ``path`` in the site (uploading ``content`` there first if given), run every cell in
    the Pyodide kernel and wait until each chart has drawn. Returns a NotebookRun whose errors
    and requests are those ``record`` holds for ``page``."""
    page.goto(f"{lite_server.url}/lab/index.html")
    page.locator(".jp-DirListing-item").first.wait_for(timeout=DRAW_TIMEOUT_MS)
    assert page.evaluate(OPEN_IN_LITE_JS, [path, content]) == path
    page.wait_for_function(KERNEL_READY_JS, timeout=KERNEL_START_TIMEOUT_MS, polling=500)
    page.evaluate(RUN_ALL_JS)
    page.wait_for_function(RUN_FINISHED_JS, timeout=RUN_TIMEOUT_MS, polling=500)
    outputs = page.evaluate(OUTPUTS_JS)
    errors = [f"{output.get('ename')}: {output.get('evalue')}" for cell_outputs in outputs
              for output in cell_outputs if output.get("output_type") == "error"]
    if not errors:
        page.wait_for_function(CHARTS_DRAWN_JS, timeout=DRAW_TIMEOUT_MS, polling=500)
    return NotebookRun(page, outputs, errors, record.console_errors, record.external_requests, Path(path))


def settled_chart_shapes(page):
    """CHART_SHAPES_JS once every chart has drawn and the list has not changed for two seconds
    (widget views appear one by one after the kernel goes idle)."""
    page.wait_for_function(CHARTS_DRAWN_JS, timeout=DRAW_TIMEOUT_MS, polling=500)
    shapes = page.evaluate(CHART_SHAPES_JS)
    for _ in range(DRAW_TIMEOUT_MS // 2000):
        page.wait_for_timeout(2000)
        page.wait_for_function(CHARTS_DRAWN_JS, timeout=DRAW_TIMEOUT_MS, polling=500)
        latest = page.evaluate(CHART_SHAPES_JS)
        if latest == shapes:
            return shapes
        shapes = latest
    raise AssertionError(f"charts still changing after {DRAW_TIMEOUT_MS} ms: {shapes}")


def chart_shapes_in_jupyterlab(run_notebook, notebook):
    run = run_notebook(notebook)
    assert run.errors == [], f"{notebook.name} fails in JupyterLab itself: {run.errors}"
    return settled_chart_shapes(run.page)


def assert_runs_and_draws_as_in_jupyterlab(name, page, page_record, run_notebook, lite_server):
    """Run notebook ``name`` in JupyterLab (in ``page``), then in the JupyterLite site in a second
    page of the same context (same blocked requests, errors recorded in ``page_record``). The
    JupyterLab page stays open: navigating it away while widgets still load would log errors
    no reader sees. Returns the JupyterLite run."""
    expected = chart_shapes_in_jupyterlab(run_notebook, ROOT / "notebooks" / name)
    lite_page = page.context.new_page()
    record_errors(lite_page, page_record)
    run = run_in_lite(lite_page, page_record, lite_server, name)
    assert run.errors == [], f"{name} in JupyterLite: {run.errors}"
    unrun = lite_page.evaluate("() => window.jupyterapp.shell.currentWidget.content.widgets"
                               ".filter(cell => cell.model.type === 'code' && cell.model.executionCount === null).length")
    assert unrun == 0
    assert settled_chart_shapes(lite_page) == expected
    return run


# ----------------------------------------------------------------------------- the site's files

def test_site_holds_every_notebook(lite_site):
    listed = {item["name"] for item in json.loads((lite_site / "api/contents/all.json").read_text())["content"]}
    for name in NOTEBOOKS:
        shipped = lite_site / "files" / name
        assert shipped.exists(), f"{name} missing from the JupyterLite site"
        assert json.loads(shipped.read_text()) == json.loads((ROOT / "notebooks" / name).read_text())
        assert name in listed, f"{name} missing from the site's contents index"


def test_site_holds_our_wheel_with_its_data_and_vega_in_the_piplite_index(lite_site):
    wheels = sorted((lite_site / "pypi").glob("hpgwidgets-*-py3-none-any.whl"))
    assert len(wheels) == 1
    index = json.loads((lite_site / "pypi" / "all.json").read_text())
    assert wheels[0].name in json.dumps(index["hpgwidgets"])
    members = set(zipfile.ZipFile(wheels[0]).namelist())
    # In Pyodide the package reads its tables and presets, and the charts' Vega, from inside the wheel.
    for member in ("hpgwidgets/__init__.py", "hpgwidgets/scenario.py", "hpgwidgets/data/parameters.csv",
                   "hpgwidgets/data/drugs.csv", "hpgwidgets/data/references.bib",
                   "hpgwidgets/data/scenarios/trt_alone.json", "hpgwidgets/js/jupyterchart.js"):
        assert member in members, f"{member} missing from {wheels[0].name}"


def test_site_serves_pyodide_itself_with_packages_matching_the_lock_file(lite_site):
    config = json.loads((lite_site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = config["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["pyodideUrl"] == "./static/pyodide/pyodide.js"
    assert kernel["disablePyPIFallback"] is True
    pyodide = lite_site / "static" / "pyodide"
    lock = json.loads((pyodide / "pyodide-lock.json").read_text())
    assert {"numpy", "scipy", "pandas", "micropip", "ipython"} <= set(lock["packages"])
    # Every package Pyodide may load is in the site, byte for byte the file the lock describes.
    for entry in lock["packages"].values():
        shipped = pyodide / entry["file_name"]
        assert shipped.exists(), f"{entry['file_name']} missing from the site"
        assert hashlib.sha256(shipped.read_bytes()).hexdigest() == entry["sha256"], entry["file_name"]


def test_site_has_the_widget_extensions_and_classroom_settings(lite_site):
    config = json.loads((lite_site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    extensions = {extension["name"] for extension in config["federated_extensions"]}
    assert {"@jupyter-widgets/jupyterlab-manager", "anywidget", "@jupyterlite/pyodide-kernel-extension"} <= extensions
    overrides = config["settingsOverrides"]
    assert overrides["@jupyterlab/notebook-extension:tracker"]["windowingMode"] == "none"
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


def test_index_lists_the_notebooks_in_chromium_without_any_outside_request(
    page, lite_server, console_errors, external_requests
):
    page.goto(f"{lite_server.url}/lab/index.html")
    listing = page.locator(".jp-DirListing-item")
    listing.first.wait_for(timeout=60_000)
    shown = {text.split("\n")[0] for text in listing.all_inner_texts()}
    assert set(NOTEBOOKS) <= shown
    assert external_requests == []
    assert console_errors == []


# ------------------------------------------------------------------- running in the browser's Python

def chart_titled(page, title):
    chart = page.locator(".jp-Notebook .vega-embed").filter(has=page.locator(".role-title-text", has_text=title))
    assert chart.count() == 1, f"expected one chart titled {title!r}"
    return chart


def test_axis_none_draws_no_axis_and_the_workbench_redraws_in_pyodide(
    page, page_record, lite_server, console_errors, external_requests
):
    content = json.loads(CHECKS_NOTEBOOK.read_text())
    run = run_in_lite(page, page_record, lite_server, CHECKS_NOTEBOOK.name, content)
    assert run.errors == []
    # Python None must reach Vega as null: no axis, no legend; the same chart with defaults has both.
    bare = chart_titled(page, "Drawn with axis=None")
    assert bare.locator(".role-axis").count() == 0 and bare.locator(".role-legend").count() == 0
    assert bare.locator(".mark-line path").count() == 2
    framed = chart_titled(page, "Drawn with default axes")
    # (Vega draws an axis's grid as a separate axis group; each axis has one domain line.)
    assert framed.locator(".role-axis-domain").count() == 2 and framed.locator(".role-legend").count() == 1

    # The Workbench: every clinical panel has its curve; the diagram has no axes, and no legend
    # listing its literal colours and SVG shapes (scale=None), only the one for its kinds of link.
    chart = page.locator(".hpg-chart")
    assert chart.locator("svg .mark-line path").count() >= 6
    diagram = page.locator(".hpg-diagram")
    assert diagram.locator("svg .role-mark").count() > 0
    assert diagram.locator(".role-axis").count() == 0
    assert diagram.locator(".role-legend").count() <= 1
    assert not [label for label in diagram.locator(".role-legend-label text").all_text_contents()
                if SVG_PATH.match(label)]

    # A slider move reaches the kernel in the browser and the same chart is redrawn.
    before = chart.evaluate(CURVES_JS)
    readout = page.locator(".hpg-trt_dose .widget-readout")
    start_readout = readout.inner_text()
    # Dragged with the mouse: JupyterLite's notebook keeps arrow keys for itself, unlike JupyterLab's.
    handle = page.locator(".hpg-trt_dose .noUi-handle")
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 25, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()
    page.wait_for_function(f"([el, old]) => ({CURVES_JS})(el) !== old", arg=[chart.element_handle(), before],
                           timeout=REDRAW_TIMEOUT_MS)
    assert float(readout.inner_text()) > float(start_readout)
    assert page.locator(".hpg-chart svg.marks").count() == 1
    assert page.locator(".hpg-errors").inner_text().strip() == ""
    assert console_errors == []
    assert external_requests == []


def test_first_notebook_runs_in_pyodide_and_draws_every_chart_as_in_jupyterlab(
    page, page_record, run_notebook, lite_server, console_errors, external_requests
):
    run = assert_runs_and_draws_as_in_jupyterlab(FIRST_NOTEBOOK, page, page_record, run_notebook, lite_server)
    # The HPG diagram is drawn without axes, as in JupyterLab.
    diagrams = run.page.locator(".jp-Notebook .vega-embed").filter(has=run.page.locator("text", has_text="Hypothalamus"))
    assert diagrams.count() >= 1
    assert diagrams.locator(".role-axis").count() == 0
    # The time-series chart of the fertility dilemma draws its testosterone and sperm curves. (01's
    # Workbenches open only once their question is answered, so they are not on a Run All page;
    # test_axis_none_... drives one in Pyodide.)
    assert run.page.locator(".jp-Notebook .vega-embed svg .mark-line path").count() >= 2
    assert console_errors == []
    assert external_requests == []


if os.environ.get("HPG_LITE_ALL_NOTEBOOKS") == "1":  # `make test-lite`: the nightly-size run

    @pytest.mark.parametrize("name", [name for name in NOTEBOOKS if name != FIRST_NOTEBOOK])
    def test_every_other_notebook_runs_in_pyodide_and_draws_as_in_jupyterlab(
        name, page, page_record, run_notebook, lite_server, console_errors, external_requests
    ):
        assert_runs_and_draws_as_in_jupyterlab(name, page, page_record, run_notebook, lite_server)
        assert console_errors == []
        assert external_requests == []
