"""What a notebook's charts cost to send and to draw: bytes from the kernel, and the page's time.

    .venv/bin/python benchmarks/bench_chart_bytes.py [--charts 1 12] [--tree ../other] [--browser] [--loads 2]
        [--throttle MBIT] [--draw-timeout S]

Without a browser (always printed): in a fresh interpreter per case, the setup cell of every
notebook (``charts.enable_offline_charts(renderer=True)``) and then N plain charts shown as a
cell's output (each becomes a chart widget through hpgwidgets' renderer), and a ``Workbench()``.
Counted: the bytes ipywidgets hands the kernel's comms (the state of each widget as it opens,
JSON and binary buffers, and every later update), by widget class.

With ``--browser``: a notebook of one setup cell and 12 chart cells (a two-year simulation's
panels, ``charts.timeseries_chart``) is opened in JupyterLab in Chromium (the harness of
tests/browser/conftest.py) and run ``--loads`` times in a fresh page. Printed per load: the bytes
the page received on the kernel's websocket from Run All until every chart had drawn its marks,
the time to that moment (wall, from Run All), the page's main-thread busy time over it (CDP
``Performance.getMetrics`` TaskDuration: the browser's own CPU, steadier than wall time on a
shared machine) and the JavaScript heap used at the end; then the same from a reload of the
saved notebook on the running kernel (a student reopening it: every chart's state is fetched
from the kernel again) until every chart has drawn again.

``--throttle MBIT`` slows the page's network (CDP Network.emulateNetworkConditions, both ways, 20 ms
latency), as a student's share of a classroom's network.

``--tree PATH`` runs every case on another checkout too (its ``hpgwidgets`` first on the kernel's
path), alternating case by case, so two versions are compared within one run.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BROWSER_CHARTS = 12

# Run in a fresh interpreter with the tree to measure first on sys.path.
KERNEL_SIDE = r'''
import json, sys
from collections import Counter
sys.path.insert(0, sys.argv[1])
charts_wanted = int(sys.argv[2])
import ipywidgets
from ipywidgets.widgets import widget as widget_module
import hpgwidgets as hpg
from hpgwidgets import charts
assert hpg.__file__.startswith(sys.argv[1]), hpg.__file__

sent, opened = Counter(), Counter()

def size(data, buffers):
    return len(json.dumps(data, default=str)) + sum(len(memoryview(b).cast("B")) for b in buffers or ())

class CountingComm:
    comm_id = None
    kernel = object()
    def __init__(self, **args):
        import uuid
        self.comm_id = uuid.uuid4().hex
        self.target = args.get("target_name")
        sent["(opening)"] += size(args.get("data"), args.get("buffers"))
        self.owner = args.get("data", {}).get("state", {}).get("_model_name", "?")
        opened[self.owner] += 1
    def on_msg(self, callback): pass
    def on_close(self, callback): pass
    def send(self, data=None, metadata=None, buffers=None):
        sent["(updates)"] += size(data, buffers)
    def close(self, *args, **kwargs): pass

widget_module.comm.create_comm = lambda **args: CountingComm(**args)
charts.enable_offline_charts(renderer=True)
result = hpg.simulate(hpg.Regimen([hpg.Dose("testosterone_enanthate", amount=200, every_days=7, stop_day=182)]),
                      days=730)
by_class = Counter()
original_open = ipywidgets.Widget.open
def counting_open(self):
    before = sent["(opening)"]
    original_open(self)
    by_class[type(self).__name__] += sent["(opening)"] - before
ipywidgets.Widget.open = counting_open
figures = {}
start = sum(sent.values())
for _ in range(charts_wanted):
    charts.timeseries_chart(result, variables=["testosterone", "lh"])._repr_mimebundle_()
figures["charts"] = sum(sent.values()) - start
start = sum(sent.values())
hpg.Workbench()
figures["workbench"] = sum(sent.values()) - start
figures["by_class"] = dict(by_class)
print(json.dumps(figures))
'''


def kernel_side(tree: Path, charts_wanted: int) -> dict:
    done = subprocess.run([sys.executable, "-c", KERNEL_SIDE, str(tree), str(charts_wanted)], capture_output=True,
                          text=True, check=True, cwd=tempfile.gettempdir())
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_notebook(path: Path, tree: Path) -> Path:
    import nbformat

    setup = (f"import sys\nsys.path.insert(0, {str(tree)!r})\n"
             "import hpgwidgets as hpg\nfrom hpgwidgets import charts\n"
             f"assert hpg.__file__.startswith({str(tree)!r}), hpg.__file__\n"
             "charts.enable_offline_charts(renderer=True)\n"
             "result = hpg.simulate(hpg.Regimen([hpg.Dose('testosterone_enanthate', amount=200, every_days=7,"
             " stop_day=182)]), days=730)")
    variables = ["testosterone", "lh", "fsh", "estradiol", "itt", "sperm"]
    cells = [nbformat.v4.new_code_cell(setup)] + [
        nbformat.v4.new_code_cell(f"charts.timeseries_chart(result, variables=[{variables[i % 6]!r}])")
        for i in range(BROWSER_CHARTS)]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)
    return path


ALL_DRAWN_JS = """
wanted => {
  const charts = Array.from(document.querySelectorAll('.jp-OutputArea .vega-embed'));
  return charts.length === wanted && charts.every(chart => chart.querySelector('svg.marks .role-mark') !== null);
}
"""


DRAWN_STATE_JS = """
() => {
  const charts = Array.from(document.querySelectorAll('.jp-OutputArea .vega-embed'));
  return {outputs: document.querySelectorAll('.jp-OutputArea-output').length, charts: charts.length,
          drawn: charts.filter(chart => chart.querySelector('svg.marks .role-mark') !== null).length};
}
"""


def one_load(harness, browser, lab, notebook: Path, throttle_mbit: float | None = None,
             draw_timeout_s: float = 600) -> dict:
    """Bytes, wall and busy time of Run All and of a reload; a phase that does not draw every chart
    within ``draw_timeout_s`` is recorded (``figures["stuck"]``: the phase, charts found and drawn,
    the page's warnings and errors) instead of ending the benchmark."""
    import time

    record = harness.PageRecord()
    context, page = harness.open_page(browser, record, {"width": 1400, "height": 900})
    received = [0]
    counting = [False]

    def on_frame(payload):
        if counting[0]:
            received[0] += len(payload.encode() if isinstance(payload, str) else payload)

    page.on("websocket", lambda socket: socket.on("framereceived", on_frame))
    warnings = []
    page.on("console", lambda message: warnings.append(message.text[:300])
            if message.type == "warning" and ("hpgwidgets" in message.text or "anywidget" in message.text) else None)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    try:
        folder = lab.root_dir / os.urandom(4).hex()
        folder.mkdir()
        shutil.copy(notebook, folder / notebook.name)
        page.goto(lab.lab_url(f"{folder.name}/{notebook.name}"))
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                               " && window.jupyterapp.shell.currentWidget.sessionContext", timeout=120_000)
        page.evaluate(harness.OPEN_NOTEBOOK_JS)
        if throttle_mbit:   # a classroom network's share per student (Chromium throttles the websocket too)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 20,
                                                          "downloadThroughput": throttle_mbit * 1e6 / 8,
                                                          "uploadThroughput": throttle_mbit * 1e6 / 8})
        def metrics():
            return {metric["name"]: metric["value"] for metric in cdp.send("Performance.getMetrics")["metrics"]}

        figures = {}
        for phase in ("run", "reopen"):
            received[0] = 0
            before = metrics()
            counting[0] = True
            start = time.perf_counter()
            if phase == "run":
                page.evaluate(harness.RUN_ALL_JS)
            else:   # the page opened again on the running kernel: every chart's state fetched from it
                page.reload()
            try:
                page.wait_for_function(ALL_DRAWN_JS, arg=BROWSER_CHARTS, timeout=draw_timeout_s * 1000, polling=50)
            except Exception as stuck:   # Playwright's TimeoutError: say where it stopped, then go on
                figures["stuck"] = {"phase": phase, "after_s": round(time.perf_counter() - start, 1),
                                    **page.evaluate(DRAWN_STATE_JS), "bytes": received[0],
                                    "warnings": list(warnings), "errors": list(record.console_errors),
                                    "timeout": type(stuck).__name__}
                break
            wall = time.perf_counter() - start
            counting[0] = False
            after = metrics()
            figures[phase] = {"bytes": received[0], "wall": wall, "busy": after["TaskDuration"] - (
                before["TaskDuration"] if after["TaskDuration"] >= before["TaskDuration"] else 0.0),
                              "heap": after["JSHeapUsedSize"]}
            if phase == "run":
                page.wait_for_function(harness.KERNEL_IDLE_JS, timeout=600_000, polling=250)
                page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
                page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty")
        figures["errors"] = list(record.console_errors)
        figures["warnings"] = list(warnings)
    finally:
        context.close()
    return figures


def browser_side(trees: dict, loads: int, throttle_mbit: float | None = None, draw_timeout_s: float = 600) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_browser_latency import load_harness, start_lab
    from playwright.sync_api import sync_playwright

    harness = load_harness()
    base = Path(tempfile.mkdtemp(prefix="bench-chart-bytes-"))
    server, token, root_dir = start_lab(harness, base)
    lab = harness.LabServer(server.url, token, root_dir, server)
    notebooks = {label: bench_notebook(base / f"charts_{index}.ipynb", tree)
                 for index, (label, tree) in enumerate(trees.items())}
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(harness.CHROMIUM), args=harness.CHROMIUM_ARGS)
    figures = {label: [] for label in trees}
    try:
        print(f"\nJupyterLab, a notebook of {BROWSER_CHARTS} charts: Run All until every chart drew its marks ('run'), then"
              " saved and the page reloaded on the same kernel until every chart drew again ('reopen')"
              + (f", network throttled to {throttle_mbit:g} Mbit/s:" if throttle_mbit else ":"))
        for load in range(loads):
            for label, notebook in notebooks.items():
                run = one_load(harness, browser, lab, notebook, throttle_mbit, draw_timeout_s)
                if "stuck" in run:
                    print(f"  load {load + 1} [{label}]: NOT every chart drawn: {run['stuck']}", flush=True)
                    continue
                figures[label].append(run)
                for phase in ("run", "reopen"):
                    one = run[phase]
                    print(f"  load {load + 1} {phase:6s} [{label}]: {one['bytes'] / 1e6:.2f} MB received, wall "
                          f"{one['wall']:.1f} s, page busy {one['busy']:.2f} s, JS heap {one['heap'] / 2**20:.0f} MiB",
                          flush=True)
                print(f"  load {load + 1} [{label}]: console errors {len(run['errors'])}, hpgwidgets/anywidget warnings "
                      f"{len(run['warnings'])}", flush=True)
        for label, runs in figures.items():
            for phase in ("run", "reopen") if runs else ():
                ones = [run[phase] for run in runs]
                print(f"  median {phase:6s} [{label}]: {statistics.median(o['bytes'] for o in ones) / 1e6:.2f} MB, wall "
                      f"{statistics.median(o['wall'] for o in ones):.1f} s, busy "
                      f"{statistics.median(o['busy'] for o in ones):.2f} s, heap "
                      f"{statistics.median(o['heap'] for o in ones) / 2**20:.0f} MiB")
    finally:
        browser.close()
        playwright.stop()
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--charts", type=int, nargs="+", default=[1, 12])
    parser.add_argument("--tree", type=Path, help="another checkout to measure alongside, case by case")
    parser.add_argument("--browser", action="store_true", help="also open a notebook of charts in JupyterLab")
    parser.add_argument("--loads", type=int, default=2)
    parser.add_argument("--throttle", type=float, metavar="MBIT",
                        help="with --browser: the page's network throttled to MBIT Mbit/s each way (CDP)")
    parser.add_argument("--draw-timeout", type=float, default=600, metavar="S",
                        help="with --browser: seconds a phase may take to draw every chart before the load is "
                             "recorded as stuck, with where it stopped (default 600)")
    arguments = parser.parse_args()
    trees = {"this tree": ROOT} | ({str(arguments.tree): arguments.tree.resolve()} if arguments.tree else {})
    print("bytes the kernel sends: N charts shown as cell outputs (after the setup cell), then a Workbench()")
    for wanted in arguments.charts:
        for label, tree in trees.items():
            figures = kernel_side(tree, wanted)
            largest = sorted(figures["by_class"].items(), key=lambda item: -item[1])[:3]
            classes = ", ".join(f"{name} {count / 1e3:.0f} KB" for name, count in largest)
            print(f"  {wanted:3d} charts [{label}]: {figures['charts'] / 1e6:.3f} MB "
                  f"({figures['charts'] / wanted / 1e3:.1f} KB a chart); Workbench {figures['workbench'] / 1e6:.3f} MB; "
                  f"largest opening states by class, all cases: {classes}", flush=True)
    if arguments.browser:
        browser_side(trees, arguments.loads, arguments.throttle, arguments.draw_timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
