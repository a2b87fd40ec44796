"""Print what a student waits for on the JupyterLite site: notebook 01's Run All, and slider redraws.

Usage, from the project root, after `make lite` (or `make lite-build`):
    python benchmarks/bench_lite_notebook.py [--site build/lite] [--moves 5]

In Chromium (/usr/bin/chromium, every request off localhost refused), with the site served
from localhost:
- notebook 01 (notebooks/01_fundamentals.ipynb): opening it until the Python kernel (Pyodide)
  is ready, then Run All until every cell ran and every chart has drawn (goals of issue 17:
  kernel ready <= 20 s, Run All <= 90 s, no cell error, no console error);
- the Workbench of tests/browser/notebooks/lite_checks.ipynb: a drag of the dose slider until
  the chart's curves change (a new simulation in Pyodide, goal <= 1 s), and a drag of the
  diagram-day slider until the chart's day rule moves (no simulation), --moves times each.
Wall-clock times in the browser, with the load average beside them; prints figures, asserts nothing.
"""
from __future__ import annotations

import argparse
import functools
import importlib.util
import json
import os
import statistics
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
FIRST_NOTEBOOK = ROOT / "notebooks" / "01_fundamentals.ipynb"
SLIDER_NOTEBOOK = ROOT / "tests" / "browser" / "notebooks" / "lite_checks.ipynb"
# What the day rule of the chart looks like: changes when it moves.
RULES_JS = """
el => Array.from(el.querySelectorAll('svg .mark-rule line, svg .mark-rule path'))
  .map(rule => [rule.getAttribute('transform'), rule.getAttribute('x1'), rule.getAttribute('d')].join(' ')).join('|')
"""


def lite_checks():
    """(tests/browser/test_lite.py, the browser tests' harness conftest.py): the page scripts the
    JupyterLite tests drive the site with, and how they open a page in Chromium."""
    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    spec = importlib.util.spec_from_file_location("lite_checks", ROOT / "tests" / "browser" / "test_lite.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, sys.modules["conftest"]


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def open_notebook(page, lite, url: str, path: Path, upload: bool) -> float:
    """Open ``path`` in the site (uploaded first if asked); seconds until its kernel is ready."""
    page.goto(f"{url}/lab/index.html")
    page.locator(".jp-DirListing-item").first.wait_for(timeout=lite.DRAW_TIMEOUT_MS)
    content = json.loads(path.read_text()) if upload else None
    return timed(lambda: (page.evaluate(lite.OPEN_IN_LITE_JS, [path.name, content]),
                          page.wait_for_function(lite.KERNEL_READY_JS, timeout=lite.KERNEL_START_TIMEOUT_MS,
                                                 polling=250)))


def run_all(page, lite) -> float:
    return timed(lambda: (page.evaluate(lite.RUN_ALL_JS),
                          page.wait_for_function(lite.RUN_FINISHED_JS, timeout=lite.RUN_TIMEOUT_MS, polling=250),
                          page.wait_for_function(lite.CHARTS_DRAWN_JS, timeout=lite.DRAW_TIMEOUT_MS, polling=250)))


def errors_in(page, lite) -> list[str]:
    return [f"{output.get('ename')}: {output.get('evalue')}" for outputs in page.evaluate(lite.OUTPUTS_JS)
            for output in outputs if output.get("output_type") == "error"]


def drag(page, control: str, pixels: float, watched: str, lite) -> float:
    """Drag ``control``'s slider handle by ``pixels``; seconds from the release (the Workbench's
    sliders send their value then) until ``watched`` (a script over the chart's element) gives
    something new. JupyterLite keeps the arrow keys for the notebook, so the handle is dragged
    as a mouse would."""
    chart = page.locator(".hpg-chart")
    before = chart.evaluate(watched)
    handle = page.locator(f".hpg-{control} .noUi-handle")
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + pixels, y, steps=5)
    return timed(lambda: (page.mouse.up(),
                          page.wait_for_function(f"([el, old]) => ({watched})(el) !== old",
                                                 arg=[chart.element_handle(), before],
                                                 timeout=lite.REDRAW_TIMEOUT_MS, polling="raf")))


def main(site: Path, moves: int) -> None:
    lite, harness = lite_checks()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    record = harness.PageRecord()
    print(f"JupyterLite site {site}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(harness.CHROMIUM), args=harness.CHROMIUM_ARGS,
                                             headless=True)
        _context, page = harness.open_page(browser, record, {"width": 1440, "height": 900})
        kernel = open_notebook(page, lite, url, FIRST_NOTEBOOK, upload=False)
        whole = run_all(page, lite)
        print(f"notebook 01: kernel ready {kernel:.1f} s (goal 20), Run All {whole:.1f} s (goal 90); "
              f"cell errors: {errors_in(page, lite) or 'none'}")
        open_notebook(page, lite, url, SLIDER_NOTEBOOK, upload=True)
        run_all(page, lite)
        page.locator(".hpg-chart svg .mark-line path").first.wait_for(state="attached", timeout=lite.DRAW_TIMEOUT_MS)
        for control, watched, what in (("trt_dose", lite.CURVES_JS, "curves redrawn (new simulation)"),
                                       ("cursor_day", RULES_JS, "day rule moved (no simulation)")):
            seconds = [drag(page, control, 25 if move % 2 == 0 else -25, watched, lite) for move in range(moves)]
            print(f"Workbench {control} drag -> {what}: median {1000 * statistics.median(seconds):.0f} ms, "
                  f"worst {1000 * max(seconds):.0f} ms of {moves} (goal 1000)")
        browser.close()
    server.shutdown()
    print(f"console errors: {record.console_errors or 'none'}; "
          f"requests off localhost: {len(record.external_requests)}; load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "build" / "lite")
    parser.add_argument("--moves", type=int, default=5, help="drags of each slider (default 5)")
    arguments = parser.parse_args()
    main(arguments.site, arguments.moves)
