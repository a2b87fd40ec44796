"""The classroom dashboard in a lecture hall: first load, preset switches and overlays, in Voila + Chromium.

    .venv/bin/python benchmarks/bench_classroom.py [--rounds 2] [--width 1920 --height 1080]

Serves notebooks/classroom.ipynb as `make present-serve` does, opens it in Chromium and prints:

- first load: from navigation until the preset chart and the Workbench chart are both drawn;
- each preset switch: from the click until the heading shows the new preset *and* the chart's
  curves have changed (the later of the two), and how far apart the two changes were
  (targets: switch within 300 ms; heading and chart together);
- the overlay button: from the click until the compared preset is drawn.

Round 1 visits every preset for the first time; later rounds revisit them.
Uses the harness of tests/browser/conftest.py (Debian Chromium, every off-localhost request blocked).
"""
from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOAD_TIMEOUT_MS = 120_000
# Classroom.PREPARE_AFTER_S after the first load the other presets are prepared; time clicks after that.
PREPARED_AFTER_MS = 10_000

# Curves of the preset chart, joined: changes whenever any curve is redrawn.
CURVES = ("() => Array.from(document.querySelectorAll('.hpg-classroom-chart svg .mark-line path'))"
          ".map(p => p.getAttribute('d')).join('|')")
# The heading is drawn inside the chart (its title); Vega names it in the title's aria-label.
HEADING = ("() => Array.from(document.querySelectorAll('.hpg-classroom-chart .role-title-text'))"
           ".map(t => t.getAttribute('aria-label') || '').join('|')")

# Clicks a button and resolves with [ms until the heading reads `title`, ms until the curves changed].
CLICK_AND_WATCH_JS = f"""
async ([selector, label, title]) => {{
  const curves = {CURVES}, heading = {HEADING};
  const button = Array.from(document.querySelectorAll(selector)).find(b => b.textContent.trim() === label);
  const before = curves();
  const start = performance.now();
  let headingAt = heading().includes(title) ? 0 : null, chartAt = null;
  button.click();
  return await new Promise((resolve, reject) => {{
    const timeout = setTimeout(() => reject(new Error('no redraw within 20 s')), 20000);
    const look = () => {{
      const now = performance.now() - start;
      if (headingAt === null && heading().includes(title)) headingAt = now;
      if (chartAt === null && curves() !== before) chartAt = now;
      if (headingAt !== null && chartAt !== null) {{ clearTimeout(timeout); resolve([headingAt, chartAt]); }}
      else requestAnimationFrame(look);
    }};
    requestAnimationFrame(look);
  }});
}}
"""


def load_harness():
    spec = importlib.util.spec_from_file_location("browser_harness", ROOT / "tests" / "browser" / "conftest.py")
    harness = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = harness
    spec.loader.exec_module(harness)
    return harness


def start_voila(harness, log_dir: Path):
    port = harness.free_port()
    log_path = log_dir / "voila.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "present-serve", f"PRESENT_PORT={port}", "PRESENT_BROWSER=--no-browser"],
            cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = harness.ServerProcess(process, f"http://127.0.0.1:{port}", log_path)
    harness.wait_until_serving(server, f"{server.url}/voila/static/voila-style.js", harness.SERVER_START_TIMEOUT_S)
    return server


def presets(page) -> list[tuple[str, str]]:
    """(button label, heading) of every preset, read from the page's own buttons and the package."""
    from hpgwidgets.classroom import preset_label
    from hpgwidgets.scenario import load_scenario, list_scenarios

    labels = page.locator(".hpg-classroom-presets .widget-toggle-button").all_inner_texts()
    by_label = {preset_label(name): load_scenario(name).title for name in list_scenarios()}
    return [(label.strip(), by_label[label.strip()]) for label in labels]


def run(rounds: int, width: int, height: int):
    harness = load_harness()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        server = start_voila(harness, Path(folder))
        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(executable_path=str(harness.CHROMIUM), args=harness.CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": width, "height": height})
            context.route("**/*", lambda route: route.continue_() if harness.is_local_url(route.request.url)
                          else route.abort())
            page = context.new_page()
            start = time.perf_counter()
            page.goto(harness.present_link(server), timeout=LOAD_TIMEOUT_MS)
            for selector in (".hpg-classroom-chart svg .mark-line path", ".hpg-workbench .hpg-chart svg .mark-line path"):
                page.locator(selector).first.wait_for(state="attached", timeout=LOAD_TIMEOUT_MS)
            print(f"first load at {width}x{height}: {time.perf_counter() - start:.1f} s (until both charts are drawn)")
            page.wait_for_timeout(PREPARED_AFTER_MS)  # the hidden charts of the other presets are made by then
            switches, gaps = [], []
            order = presets(page)
            for round_number in range(1, rounds + 1):
                print(f"round {round_number}: click -> heading and chart both new (ms), gap between the two")
                for label, title in order[1:] + order[:1]:
                    heading_ms, chart_ms = page.evaluate(CLICK_AND_WATCH_JS,
                                                         [".hpg-classroom-presets .widget-toggle-button", label, title])
                    switches.append(max(heading_ms, chart_ms))
                    gaps.append(abs(chart_ms - heading_ms))
                    print(f"  {label:32s} {max(heading_ms, chart_ms):7.0f}   gap {abs(chart_ms - heading_ms):5.0f}")
                    page.wait_for_timeout(400)
            print(f"preset switch: median {statistics.median(switches):.0f} ms, worst {max(switches):.0f} ms "
                  f"(target 300); heading/chart gap median {statistics.median(gaps):.0f} ms, "
                  f"worst {max(gaps):.0f} ms")
            overlay = page.locator(".hpg-classroom-overlay")
            if overlay.count():
                label, title = order[2]
                page.evaluate(CLICK_AND_WATCH_JS, [".hpg-classroom-presets .widget-toggle-button", label, title])
                page.wait_for_timeout(400)
                button_label = overlay.inner_text().strip()
                overlay_ms = page.evaluate(CLICK_AND_WATCH_JS, [".hpg-classroom-overlay", button_label, ""])[1]
                print(f"overlay ({button_label!r} on {label!r}): {overlay_ms:.0f} ms")
        finally:
            browser.close()
            playwright.stop()
            server.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--width", type=int, default=1920)
    parser.add_argument("--height", type=int, default=1080)
    arguments = parser.parse_args()
    run(arguments.rounds, arguments.width, arguments.height)


if __name__ == "__main__":
    main()
