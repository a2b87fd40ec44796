"""Presentation mode: `make present-serve` (what `make present` runs) serves the classroom
dashboard in Voila (preset scenarios, then the full Workbench) only to who has the token it
prints; in Chromium it renders with no internet, shows no code, uses projector type, switches
presets with one click and redraws the charts when a slider moves."""
import json
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from hpgwidgets.classroom import preset_label

ROOT = Path(__file__).resolve().parents[2]
CLASSROOM = ROOT / "notebooks" / "classroom.ipynb"
LOAD_TIMEOUT_MS = 120_000


# The chart on screen has been drawn for the width of its column (the first one, drawn before the
# page reported its width, is replaced once it has): its panels span most of the column.
FITTED_TO_ITS_COLUMN_JS = """
() => {
  const column = document.querySelector('.hpg-classroom-chart-column');
  const panels = Array.from(document.querySelectorAll('.hpg-classroom-chart g.mark-group.role-scope'))
    .filter(group => /(^| )panel_[a-z_]+_group/.test(group.getAttribute('class')))
    .map(group => group.getBoundingClientRect());
  if (!column || panels.length === 0) return false;
  const span = Math.max(...panels.map(box => box.right)) - Math.min(...panels.map(box => box.left));
  return span >= 0.75 * column.getBoundingClientRect().width;
}
"""


@pytest.fixture
def dashboard(page, present_server):
    page.goto(present_server.link, timeout=LOAD_TIMEOUT_MS)
    page.locator(".hpg-classroom-presets .widget-toggle-button").first.wait_for(timeout=LOAD_TIMEOUT_MS)
    chart_drawing(page).wait_for(timeout=LOAD_TIMEOUT_MS)
    page.wait_for_function(FITTED_TO_ITS_COLUMN_JS, timeout=LOAD_TIMEOUT_MS, polling=250)
    page.locator(".hpg-workbench .hpg-chart svg .mark-line path").first.wait_for(
        state="attached", timeout=LOAD_TIMEOUT_MS)
    return page


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def status_without_token(url):
    """HTTP status of ``url`` fetched with no token and no cookie, redirects not followed."""
    try:
        with urllib.request.build_opener(NoRedirect).open(url, timeout=60) as response:
            return response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as refusal:
        return refusal.code, refusal.headers.get("Location", "")


def test_the_dashboard_and_its_kernels_need_the_printed_token(present_server):
    # `make present-serve` makes a token by itself: anyone else on the lecture computer who
    # finds the port gets a login page, not the Workbench whose file boxes write as the lecturer.
    token = parse_qs(urlsplit(present_server.link).query)["token"][0]
    assert len(token) >= 16
    for path in ("/", "/voila/render/classroom.ipynb", "/api/kernels", "/voila/files/README.md"):
        status, location = status_without_token(present_server.url + path)
        assert status in (302, 403), f"{path} answered {status} without the token"
        if status == 302:
            assert urlsplit(location).path == "/login", f"{path} redirected to {location!r}"


def chart_drawing(page):
    # Vega draws into a canvas or an SVG, depending on the renderer.
    # the preset on screen: the other presets' charts wait hidden in the same box
    return page.locator(".hpg-classroom-chart canvas.marks, .hpg-classroom-chart svg.marks").first


def chart_pixels(page):
    return chart_drawing(page).screenshot()


def wait_for_new_drawing(page, before, timeout_s=60):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        page.wait_for_timeout(300)
        try:
            drawing = chart_pixels(page)
        except PlaywrightError as error:
            if "not attached to the DOM" not in str(error):
                raise
            continue    # caught mid-redraw: the old drawing was just replaced; look again
        if drawing != before:
            return
    raise AssertionError("the chart was not redrawn")


# Every curve of the Workbench's time-series chart, joined: changes when any curve moves.
WORKBENCH_CURVES_JS = """
el => Array.from(el.querySelectorAll('svg .mark-line path')).map(path => path.getAttribute('d')).join('|')
"""


def code_sources():
    notebook = json.loads(CLASSROOM.read_text())
    return ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]


def font_size_px(locator):
    return float(locator.evaluate("element => getComputedStyle(element).fontSize").removesuffix("px"))


def test_dashboard_renders_offline_with_large_type_and_no_code(dashboard, console_errors, external_requests):
    page = dashboard
    buttons = page.locator(".hpg-classroom-presets .widget-toggle-button")
    labels = buttons.all_inner_texts()
    assert labels[:3] == [preset_label(name) for name in ("untreated_baseline", "trt_alone", "trt_plus_hcg")]
    assert len(labels) == 7

    text = page.locator("body").inner_text()
    assert "Classroom: the HPG axis under treatment" in text
    for source in code_sources():
        first_line = source.splitlines()[0]
        assert first_line not in text, f"code is visible on the dashboard: {first_line!r}"

    # Readable from the back of a lecture hall: bigger than JupyterLab's 13-14 px.
    assert font_size_px(buttons.first) >= 18
    assert font_size_px(page.locator(".jp-RenderedMarkdown p").first) >= 20
    assert font_size_px(page.locator(".hpg-classroom-notes p").first) >= 20

    assert external_requests == [], "the dashboard asked the internet for something"
    assert console_errors == []


def test_one_click_switches_preset_and_the_slider_redraws_the_chart(dashboard, console_errors, external_requests):
    page = dashboard
    readout = page.locator(".hpg-classroom .widget-readout")
    assert readout.inner_text() == "365"
    before = chart_pixels(page)

    page.locator(".hpg-classroom-presets .widget-toggle-button", has_text="TRT alone").click()
    # The heading is drawn inside the chart, so it changes with the curves, never before them.
    page.locator(".hpg-classroom-chart .role-title-text", has_text="TRT alone").wait_for(timeout=30_000)
    page.wait_for_function("el => el.innerText === '730'", arg=readout.element_handle(), timeout=30_000)
    wait_for_new_drawing(page, before)

    before = chart_pixels(page)
    page.locator(".hpg-classroom .noUi-handle").focus()
    page.keyboard.press("End")  # the slider's longest view
    page.wait_for_function("el => el.innerText !== '730'", arg=readout.element_handle(), timeout=30_000)
    wait_for_new_drawing(page, before)

    # One click overlays the preset the notes compare with: dashed orange curves and its name.
    page.locator(".hpg-classroom-presets .widget-toggle-button", has_text="TRT plus hCG").click()
    page.locator(".hpg-classroom-chart .role-title-text", has_text="TRT with hCG").wait_for(timeout=30_000)
    page.locator(".hpg-classroom-overlay", has_text="Overlay TRT alone").click()
    page.wait_for_function(  # the chart on screen changes box: look it up afresh each time
        "() => Array.from(document.querySelectorAll('.hpg-classroom-chart svg .mark-line path'))"
        ".some(path => (path.getAttribute('stroke') || '').toUpperCase() === '#E69F00')", timeout=30_000)
    legend = page.locator(".hpg-classroom-chart").evaluate(
        "el => Array.from(el.querySelectorAll('.role-legend text')).map(text => text.textContent)")
    assert "TRT alone" in legend and "TRT plus hCG" in legend

    # The Workbench below: a longer course of TRT redraws its curves in place.
    workbench_chart = page.locator(".hpg-workbench .hpg-chart")
    curves_before = workbench_chart.evaluate(WORKBENCH_CURVES_JS)
    weeks = page.locator(".hpg-workbench .hpg-trt_weeks")
    weeks_before = weeks.locator(".widget-readout").inner_text()
    weeks.locator(".noUi-handle").focus()
    page.keyboard.press("End")
    page.wait_for_function(
        "([el, before]) => el.innerText !== before",
        arg=[weeks.locator(".widget-readout").element_handle(), weeks_before], timeout=30_000,
    )
    page.wait_for_function(
        f"([el, before]) => ({WORKBENCH_CURVES_JS.strip()})(el) !== before",
        arg=[workbench_chart.element_handle(), curves_before], timeout=30_000,
    )

    assert external_requests == []
    assert console_errors == []
