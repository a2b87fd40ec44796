"""Slider-to-chart latency of the Workbench in real JupyterLab + Chromium.

    .venv/bin/python benchmarks/bench_browser_latency.py [--moves 25] [--json out.json] [--parts 8]

One notebook page holds the Workbench and, for comparison, a trivial JupyterChart (two
points) whose slider reassigns its chart. For each move the script focuses a slider
handle and presses an arrow key; the page records the keydown time and watches the
chart's DOM with a MutationObserver. A redraw counts as finished at the last DOM change
before the chart has been quiet for QUIET_MS. Moves alternate trivial / workbench (and
right / left, so the dose stays in range) so both see the same conditions. The first
WARM_UP_MOVES of each are not counted.

--parts N then splits the Workbench chart's redraw, N times each: kernel code changes one part of
the chart's params (all six series; the treatments alone; the day's cursor alone) and the page
times the message's arrival to the chart's last DOM change; then the same with the invisible hover
targets (the per-day points that carry the tooltips) taken out of the chart's spec.

Target (issue 17): workbench p50 within 1.3x the trivial redraw's p50, and under 150 ms.
Uses the JupyterLab/Chromium harness of tests/browser/conftest.py.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
QUIET_MS = 250
MOVE_TIMEOUT_MS = 15_000
PAUSE_BETWEEN_MOVES_S = 0.4
WARM_UP_MOVES = 2
TARGET_RATIO = 1.3
TARGET_P50_MS = 150.0


def load_harness():
    """The shared browser-test harness, imported as a plain module (no pytest fixtures used)."""
    spec = importlib.util.spec_from_file_location("browser_harness", ROOT / "tests" / "browser" / "conftest.py")
    harness = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = harness  # dataclasses look their module up here
    spec.loader.exec_module(harness)
    return harness


BENCH_CELL = '''
import altair as alt
import ipywidgets as widgets
import pandas as pd
import hpgwidgets as hpg

wb = hpg.Workbench()

def trivial_chart(value):
    points = pd.DataFrame({"x": [0, 1], "y": [0, value]})
    return alt.Chart(points).mark_line().encode(x="x:Q", y="y:Q").properties(width=200, height=120)

trivial = alt.JupyterChart(trivial_chart(1))
trivial.add_class("bench-trivial-chart")
trivial_slider = widgets.IntSlider(value=50, min=0, max=100, continuous_update=False, description="trivial")
trivial_slider.add_class("bench-trivial-slider")
trivial_slider.observe(lambda change: setattr(trivial, "chart", trivial_chart(change["new"])), names="value")
widgets.VBox([widgets.HBox([trivial_slider, trivial]), wb])
'''

# Arms a MutationObserver on `selector` and a keydown timer; window.__redraw resolves with
# the milliseconds from keydown to the last DOM change of the redraw.
ARM_JS = """
([selector, quietMs, timeoutMs]) => {
  const target = document.querySelector(selector);
  window.__keydownAt = null;
  document.addEventListener('keydown', () => { window.__keydownAt = performance.now(); },
                            {capture: true, once: true});
  window.__redraw = new Promise((resolve, reject) => {
    let lastChange = null, quietTimer = null;
    const finish = () => { observer.disconnect(); resolve(lastChange - window.__keydownAt); };
    const observer = new MutationObserver(() => {
      if (window.__keydownAt === null) { return; }
      lastChange = performance.now();
      clearTimeout(quietTimer);
      quietTimer = setTimeout(finish, quietMs);
    });
    observer.observe(target, {subtree: true, childList: true, attributes: true, characterData: true});
    setTimeout(() => { observer.disconnect(); reject(new Error('no redraw of ' + selector)); }, timeoutMs);
  });
  return true;
}
"""


# Records when the page handles each widget message from the kernel (performance.now(), the clock of
# the keydown time).
FRAMES_JS = """
(() => {
  window.__hpgFrames = [];
  const decoder = new TextDecoder();
  const Socket = window.WebSocket;
  window.WebSocket = function (...args) {
    const socket = new Socket(...args);
    socket.addEventListener('message', event => {
      const text = typeof event.data === 'string' ? event.data : decoder.decode(new Uint8Array(event.data));
      if (/"msg_type":\\s*"comm_msg"/.test(text)) window.__hpgFrames.push(performance.now());
    });
    return socket;
  };
  window.WebSocket.prototype = Socket.prototype;
  Object.assign(window.WebSocket, Socket);
})();
"""
# Kernel code for --parts: each changes one part of the Workbench chart's params (k alternates it).
PARTS = {
    "all six series": "s = dict(wb.chart_widget._params['series']); f = 1.1 if k % 2 else 1 / 1.1; k += 1\n"
                      "for v in ('testosterone', 'lh', 'fsh', 'estradiol', 'itt', 'sperm'): s[v] = [x * f for x in s[v]]\n"
                      "set_params(wb.chart_widget, {'series': s})",
    "treatments alone": "t = dict(wb.chart_widget._params['treatments']); k += 1\n"
                        "t['schedule'] = [x.rstrip() + (' ' if k % 2 else '') for x in t['schedule']]\n"
                        "set_params(wb.chart_widget, {'treatments': t})",
    "day cursor alone": "k += 1\nset_params(wb.chart_widget, {'cursor_day': 100.0 + k % 2})",
}
WITHOUT_HOVER_TARGETS = """
import copy
spec = copy.deepcopy(wb.chart_widget.spec)
def without_hover(part):
    if isinstance(part, dict):
        if 'layer' in part:
            part['layer'] = [layer for layer in part['layer']
                             if not any('hover_every_days' in str(step) for step in layer.get('transform', []))]
        for value in part.values():
            without_hover(value)
    elif isinstance(part, list):
        for value in part:
            without_hover(value)
without_hover(spec)
show_spec(wb.chart_widget, spec)
"""


def time_parts(page, harness, repeats: int) -> dict:
    """Median ms from the message's arrival to the chart's last DOM change, per part, with and without hover targets."""
    def execute(code):
        page.evaluate("code => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"
                      ".requestExecute({code}).done.then(() => true)", code)
        page.wait_for_function(harness.KERNEL_IDLE_JS, timeout=60_000, polling=100)

    execute("from hpgwidgets.chart_widget import set_params, show_spec\nk = 0")
    figures = {}
    for label, setup in (("with hover targets", None), ("hover targets taken out", WITHOUT_HOVER_TARGETS)):
        if setup:
            execute(setup)
            page.locator(".hpg-chart svg .mark-line path").first.wait_for(state="attached", timeout=60_000)
        for name, code in PARTS.items():
            times = []
            for repeat in range(repeats + 1):
                page.evaluate(ARM_JS, [".hpg-chart", QUIET_MS, MOVE_TIMEOUT_MS])
                page.evaluate("() => { window.__keydownAt = performance.now(); window.__hpgFrames = []; }")
                start = page.evaluate("() => window.__keydownAt")
                execute(code)
                try:
                    until_dom = page.evaluate("() => window.__redraw")   # ms from start to the last DOM change
                except Exception as error:   # no DOM change within MOVE_TIMEOUT_MS: say so, go on
                    print(f"  ({label}, {name}: {str(error).splitlines()[0]})")
                    continue
                arrivals = [t - start for t in page.evaluate("() => window.__hpgFrames")]
                if repeat and arrivals:   # the one widget message: the chart's new params
                    times.append(until_dom - arrivals[0])
            figures[(label, name)] = statistics.median(times) if times else float("nan")
    return figures


def write_bench_notebook(path: Path) -> Path:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell(BENCH_CELL)]
    nbformat.write(notebook, path)
    return path


def start_lab(harness, base: Path):
    root_dir, settings_dir, workspaces_dir = base / "root", base / "settings", base / "workspaces"
    for folder in (root_dir, settings_dir, workspaces_dir):
        folder.mkdir()
    harness.write_lab_user_settings(settings_dir)
    env = harness.isolated_jupyter_env(base)
    env["JUPYTERLAB_SETTINGS_DIR"] = str(settings_dir)
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(workspaces_dir)
    token = uuid.uuid4().hex
    port = harness.free_port()
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--ServerApp.token={token}", f"--ServerApp.root_dir={root_dir}",
        f"--LabApp.user_settings_dir={settings_dir}", f"--LabApp.workspaces_dir={workspaces_dir}",
        "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=", "--LabApp.extension_manager=readonly",
    ]
    if hasattr(harness, "lab_extensions_without_lite"):
        command.append(f"--LabApp.labextensions_path={harness.lab_extensions_without_lite(base / 'labextensions')}")
    import subprocess

    log_path = base / "lab.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=root_dir, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    server = harness.ServerProcess(process, f"http://127.0.0.1:{port}", log_path)
    harness.wait_until_serving(server, f"{server.url}/api/status?token={token}", harness.SERVER_START_TIMEOUT_S)
    return server, token, root_dir


def measure_move(page, chart_selector: str, handle_selector: str, key: str) -> float:
    page.locator(handle_selector).focus()
    page.evaluate(ARM_JS, [chart_selector, QUIET_MS, MOVE_TIMEOUT_MS])
    page.keyboard.press(key)
    milliseconds = page.evaluate("() => window.__redraw")
    time.sleep(PAUSE_BETWEEN_MOVES_S)
    return milliseconds


def percentile(values, fraction):
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = int(position), min(int(position) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def describe(values):
    return {"p50": statistics.median(values), "p95": percentile(values, 0.95), "min": min(values),
            "max": max(values), "n": len(values)}


def run(moves: int, parts: int = 0) -> dict:
    harness = load_harness()
    if not harness.CHROMIUM.exists():
        raise SystemExit(harness.chromium_missing_message())
    from playwright.sync_api import sync_playwright

    base = Path(tempfile.mkdtemp(prefix="hpg-bench-"))
    server, token, root_dir = start_lab(harness, base)
    try:
        write_bench_notebook(root_dir / "bench.ipynb")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(harness.CHROMIUM), args=harness.CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            if parts:
                page.add_init_script(FRAMES_JS)
            console_errors = []
            page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
            page.goto(f"{server.url}/lab/tree/bench.ipynb?token={token}&reset")
            page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                                   " && window.jupyterapp.shell.currentWidget.sessionContext", timeout=60_000)
            page.evaluate(harness.OPEN_NOTEBOOK_JS)
            page.evaluate(harness.RUN_ALL_JS)
            page.wait_for_function(harness.KERNEL_IDLE_JS, timeout=180_000, polling=250)
            page.locator(".hpg-chart svg .mark-line path").first.wait_for(state="attached", timeout=60_000)
            page.locator(".bench-trivial-chart svg").first.wait_for(state="attached", timeout=60_000)
            cases = {
                "trivial JupyterChart (chart reassigned)": (".bench-trivial-chart", ".bench-trivial-slider .noUi-handle"),
                "Workbench trt_dose -> simulate -> chart": (".hpg-chart", ".hpg-trt_dose .noUi-handle"),
            }
            samples = {name: [] for name in cases}
            for move in range(moves + WARM_UP_MOVES):
                key = "ArrowRight" if move % 2 == 0 else "ArrowLeft"
                for name, (chart_selector, handle_selector) in cases.items():
                    milliseconds = measure_move(page, chart_selector, handle_selector, key)
                    if move >= WARM_UP_MOVES:
                        samples[name].append(milliseconds)
            split = time_parts(page, harness, parts) if parts else {}
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)
    return {"moves": moves, "quiet_ms": QUIET_MS, "console_errors": console_errors,
            "cases": {name: describe(values) for name, values in samples.items()},
            "samples": samples, "parts": {f"{label}: {name}": ms for (label, name), ms in split.items()}}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=25, help="counted moves per case (default 25)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--parts", type=int, default=0, metavar="N",
                        help="also time N redraws of each part of the chart's params, with and without hover targets")
    arguments = parser.parse_args()
    if arguments.moves < 20:
        parser.error("use at least 20 moves so p95 means something")
    figures = run(arguments.moves, arguments.parts)
    print(f"Slider-to-chart latency in JupyterLab + Chromium, {arguments.moves} moves per case "
          f"(keydown -> last DOM change of the chart, quiet {QUIET_MS} ms), interleaved:")
    print(f"{'case':45s} {'p50 ms':>8s} {'p95 ms':>8s} {'min':>7s} {'max':>7s}")
    for name, stats in figures["cases"].items():
        print(f"{name:45s} {stats['p50']:8.1f} {stats['p95']:8.1f} {stats['min']:7.1f} {stats['max']:7.1f}")
    trivial, workbench = figures["cases"].values()
    ratio = workbench["p50"] / trivial["p50"]
    print(f"p50 ratio workbench / trivial: {ratio:.2f} (target <= {TARGET_RATIO:g}: "
          f"{'met' if ratio <= TARGET_RATIO else 'NOT met'}); workbench p50 {workbench['p50']:.1f} ms "
          f"(target < {TARGET_P50_MS:g} ms: {'met' if workbench['p50'] < TARGET_P50_MS else 'NOT met'})")
    if figures["parts"]:
        print(f"The Workbench chart's redraw by part, message handled -> last DOM change, median of {arguments.parts}:")
        for name, milliseconds in figures["parts"].items():
            print(f"  {name:45s} {milliseconds:7.1f} ms")
    if figures["console_errors"]:
        print(f"JavaScript console errors during the run: {figures['console_errors']}")
    if arguments.json:
        arguments.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
