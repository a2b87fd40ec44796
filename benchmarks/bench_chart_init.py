"""How long anywidget takes to initialise each chart of a Workbench, against its 2 s limit.

    .venv/bin/python benchmarks/bench_chart_init.py [--loads 2] [--rates 1 4 6]

anywidget 0.11 starts a 2 s clock when it makes a model (``AbortSignal.timeout(2000)``) and then
imports the widget's module from a Blob URL, revoking the URL once the import is done; a model
whose module is not in by then is given up (every later kernel message dropped). The page here
records both moments for every anywidget model, so "initialise" is from the model made to its
module loaded. The Workbench notebook (tests/browser/notebooks/workbench.ipynb) is opened and run
``--loads`` times in a fresh page for each CPU slowdown (CDP Emulation.setCPUThrottlingRate), and
the script prints, per slowdown: each model's time, how many passed 2 s, how many widgets said they
were given up and heard the kernel again (hpgwidgets.chart_widget), and the Vega bundle's import.
Uses the JupyterLab/Chromium harness of tests/browser/conftest.py (through bench_browser_latency).
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_browser_latency import ROOT, load_harness, start_lab  # noqa: E402

NOTEBOOK = ROOT / "tests" / "browser" / "notebooks" / "workbench.ipynb"
LIMIT_MS = 2000
BUNDLE_MIN_BYTES = 100_000  # the Vega bundle; the widgets' own modules are a few KB
RECORD_JS = """
(() => {
  const record = window.__hpgInit = {models: [], bundles: []};
  const timeout = AbortSignal.timeout.bind(AbortSignal);
  let madeAt = null;
  AbortSignal.timeout = ms => { if (ms === %(limit)d) madeAt = performance.now(); return timeout(ms); };
  const blobs = new Map();
  const create = URL.createObjectURL.bind(URL), revoke = URL.revokeObjectURL.bind(URL);
  URL.createObjectURL = blob => {
    const url = create(blob);
    if (blob instanceof Blob && blob.type === "text/javascript") {
      const big = blob.size >= %(bundle)d;
      blobs.set(url, {big, start: big ? performance.now() : madeAt});
      if (!big) madeAt = null;
    }
    return url;
  };
  URL.revokeObjectURL = url => {
    const blob = blobs.get(url);
    if (blob && blob.start !== null) (blob.big ? record.bundles : record.models).push(performance.now() - blob.start);
    return revoke(url);
  };
})();
""" % {"limit": LIMIT_MS, "bundle": BUNDLE_MIN_BYTES}
GIVEN_UP_WARNING = "[hpgwidgets] anywidget gave up on a widget's model"


def one_load(harness, browser, server, token, root_dir, rate):
    record = harness.PageRecord()
    context, page = harness.open_page(browser, record, {"width": 1400, "height": 900})
    warnings = []
    page.on("console", lambda message: warnings.append(message.text) if message.type == "warning" else None)
    page.add_init_script(RECORD_JS)
    page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": rate})
    lab = harness.LabServer(server.url, token, root_dir, server)
    try:
        harness.run_in_lab(lab, page, record, NOTEBOOK, timeout_ms=600_000)
        page.locator(".hpg-chart svg .mark-line path").first.wait_for(state="attached", timeout=300_000)
        page.locator(".hpg-diagram svg .mark-line path").first.wait_for(state="attached", timeout=300_000)
        init = page.evaluate("window.__hpgInit")
    finally:
        context.close()
    return init["models"], init["bundles"], sum(GIVEN_UP_WARNING in text for text in warnings)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loads", type=int, default=2)
    parser.add_argument("--rates", type=float, nargs="+", default=[1, 4, 6])
    args = parser.parse_args()
    harness = load_harness()
    from playwright.sync_api import sync_playwright

    base = Path(tempfile.mkdtemp(prefix="bench-chart-init-"))
    server, token, root_dir = start_lab(harness, base)
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(harness.CHROMIUM), args=harness.CHROMIUM_ARGS)
    try:
        print(f"limit {LIMIT_MS} ms; {args.loads} loads per CPU slowdown")
        for rate in args.rates:
            models, bundles, given_up = [], [], 0
            for _ in range(args.loads):
                load_models, load_bundles, load_given_up = one_load(harness, browser, server, token, root_dir, rate)
                models += load_models
                bundles += load_bundles
                given_up += load_given_up
            print(f"CPU /{rate:g}: anywidget models {len(models)}, initialised in median "
                  f"{statistics.median(models):.0f} ms, max {max(models):.0f} ms, over {LIMIT_MS} ms: "
                  f"{sum(ms > LIMIT_MS for ms in models)}; widgets given up that heard the kernel again: {given_up}; "
                  f"Vega bundle import {', '.join(f'{ms:.0f}' for ms in bundles)} ms", flush=True)
    finally:
        browser.close()
        playwright.stop()
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
