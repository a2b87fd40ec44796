"""Print what a student's browser costs on the static JupyterLite site: time, bytes downloaded
and browser memory for a first visit (empty cache) that opens the site, starts the Python
kernel, installs the workbook, runs the setup cell and shows the Workbench.

Usage, from the project root, after `make lite`: python benchmarks/bench_lite.py [--site build/lite]
Serves the site on localhost with a counting file server; Chromium (/usr/bin/chromium) may ask
nothing else. Prints figures; asserts nothing. Memory is the sum of the proportional set size
(PSS) of every Chromium process, so shared pages are counted once.
"""
import argparse
import functools
import json
import os
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psutil
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "tests" / "browser" / "notebooks" / "lite_checks.ipynb"
MIB = 1024 * 1024
OPEN_JS = """
async ([path, content]) => {
  const app = window.jupyterapp;
  await app.serviceManager.contents.save(path, {type: 'notebook', format: 'json', content});
  const panel = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
  await panel.sessionContext.ready;
}
"""
KERNEL_IDLE_JS = """
() => { const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel;
        return Boolean(kernel) && kernel.status === 'idle'; }
"""
RUN_CELL_JS = """
async (index) => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  panel.content.activeCellIndex = index;
  await app.commands.execute('notebook:run-cell');
}
"""
CELL_DONE_JS = """
(index) => { const panel = window.jupyterapp.shell.currentWidget;
  return panel.sessionContext.session.kernel.status === 'idle'
      && panel.content.widgets[index].model.executionCount !== null; }
"""


class CountingServer(ThreadingHTTPServer):
    bytes_sent = 0
    requests = 0


class CountingHandler(SimpleHTTPRequestHandler):
    def copyfile(self, source, outputfile):
        before = source.tell()
        super().copyfile(source, outputfile)
        self.server.bytes_sent += source.tell() - before
        self.server.requests += 1

    def log_message(self, *args):
        pass


def browser_pss_mib() -> float:
    total = 0
    for process in psutil.Process(os.getpid()).children(recursive=True):
        try:
            if "chrom" in process.name():
                total += process.memory_full_info().pss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total / MIB


def main(site: Path) -> None:
    server = CountingServer(("127.0.0.1", 0), functools.partial(CountingHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    notebook = json.loads(NOTEBOOK.read_text())
    labels = {1: "install cell (%pip install hpgwidgets)", 2: "setup cell (imports, offline charts)",
              3: "two small charts", 4: "Workbench()"}
    rows = []
    outside = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith((url, "data:", "blob:"))
                      else (outside.append(route.request.url), route.abort()))
        page = context.new_page()

        def step(name, action):
            started, sent = time.perf_counter(), server.bytes_sent
            action()
            rows.append((name, time.perf_counter() - started, (server.bytes_sent - sent) / MIB, browser_pss_mib()))

        step("open the site (JupyterLab UI)", lambda: (
            page.goto(f"{url}/lab/index.html"),
            page.locator(".jp-DirListing-item").first.wait_for(timeout=120_000)))
        step("start the Python kernel (Pyodide)", lambda: (
            page.evaluate(OPEN_JS, [NOTEBOOK.name, notebook]),
            page.wait_for_function(KERNEL_IDLE_JS, timeout=300_000, polling=250)))
        for index, name in labels.items():
            step(name, lambda index=index: (
                page.evaluate(RUN_CELL_JS, index),
                page.wait_for_function(CELL_DONE_JS, arg=index, timeout=300_000, polling=250)))
        page.locator(".hpg-chart svg .mark-line path").first.wait_for(state="attached", timeout=60_000)
        page.wait_for_timeout(2000)
        rows.append(("Workbench drawn (2 s later)", 0.0, 0.0, browser_pss_mib()))
        browser.close()
    server.shutdown()
    print(f"first visit, empty browser cache, site served from {site}")
    print(f"{'step':42s} {'seconds':>8s} {'MiB down':>9s} {'browser MiB':>12s}")
    for name, seconds, downloaded, memory in rows:
        print(f"{name:42s} {seconds:8.1f} {downloaded:9.1f} {memory:12.0f}")
    print(f"total downloaded: {server.bytes_sent / MIB:.1f} MiB in {server.requests} files; "
          f"site on disk: {sum(p.stat().st_size for p in site.rglob('*') if p.is_file()) / MIB:.0f} MiB")
    print(f"requests off localhost: {len(outside)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "build" / "lite")
    main(parser.parse_args().site)
