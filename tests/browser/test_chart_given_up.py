"""Charts that anywidget gave up on still follow their controls (real JupyterLab and Chromium).

anywidget 0.11 allows a model 2 s, from the moment it is made, to load its module; if that takes
longer (the page busy drawing other charts, a slow machine, JupyterLite) it drops every later
message from the kernel and the chart freezes. hpgwidgets.chart_widget lets such a chart hear the
kernel again and has its state resent, and so do the Workbench's other anywidgets (its live summary,
the message that moves the charts' day). Here every module of those widgets is made to take 3 s to
load, so anywidget gives up on every one; and, separately, the whole page runs on a CPU slowed 4x.
anywidget reports each give-up as an uncaught error ("[anywidget] Failed to initialize model.");
once a module of hpgwidgets is on the page, that error is caught and said as a warning, so a
recovered give-up leaves no error text for a student to find. The first such module is the kernel's
give-up catcher, which hpgwidgets opens before any chart (every widget's module slowed but its).
"""
from test_workbench_browser import CURVES_JS, NOTEBOOK, REDRAW_TIMEOUT_MS, curves, open_workbench

# What a widget says in the console when it finds anywidget gave up on its model.
GIVEN_UP_WARNING = "[hpgwidgets] anywidget gave up on a widget's model"
# Runs before the page's own scripts: each module of hpgwidgets' widgets, which anywidget turns into
# a Blob to import, waits 3 s before it finishes loading (without blocking the page), unless SPARED
# (a test of the module's text) says otherwise: SLOW_CHART_MODULES_JS spares none.
SLOW_MODULES_JS = """
(() => {
  const PageBlob = window.Blob;
  window.__hpgSlowModules = 0;
  window.__hpgHeardAgain = 0;  // the widgets' warnings that they hear the kernel again
  const warn = console.warn.bind(console);
  console.warn = (...args) => {
    if (String(args[0]).startsWith(%r)) window.__hpgHeardAgain += 1;
    warn(...args);
  };
  window.Blob = class extends PageBlob {
    constructor(parts, options) {
      if (typeof parts?.[0] === "string" && parts[0].includes("function hearKernelAgain") && parts[0].length < 100000
          && !(SPARED)) {
        window.__hpgSlowModules += 1;
        parts = ["await new Promise(resolve => setTimeout(resolve, 3000));\\n" + parts[0], ...parts.slice(1)];
      }
      super(parts, options);
    }
  };
})();
"""
SLOW_CHART_MODULES_JS = SLOW_MODULES_JS.replace("SPARED", "false") % GIVEN_UP_WARNING
# The same, but the give-up catcher's module (no view; opened before the Workbench's widgets) loads at
# once: the first chart and every other widget are given up with no other module of hpgwidgets on
# the page, as when a page is busy while a notebook's first chart is made.
SLOW_ALL_BUT_THE_CATCHER_JS = SLOW_MODULES_JS.replace(
    "SPARED", "parts[0].includes('hpgwidgets give-up catcher')") % GIVEN_UP_WARNING
ANYWIDGET_ERROR = "Failed to initialize model"
CPU_SLOWDOWN = 4


def move_dose_slider_and_wait_for_the_chart(page):
    before = curves(page)
    page.locator(".hpg-trt_dose .noUi-handle").focus()
    page.keyboard.press("ArrowRight")
    # Waits for the curves to change (the chart drew the kernel's new params), not for any time.
    page.wait_for_function(f"([el, old]) => ({CURVES_JS})(el) !== old",
                           arg=[page.locator(".hpg-chart").element_handle(), before], timeout=REDRAW_TIMEOUT_MS)
    assert page.locator(".hpg-chart svg.marks").count() == 1


def test_widgets_anywidget_gave_up_on_draw_the_workbench_and_follow_the_dose_slider(
        page, run_notebook, console_errors, external_requests):
    page.add_init_script(SLOW_CHART_MODULES_JS)
    # open_workbench waits for the curves: the chart drew the Workbench's spec, not the placeholder
    # it is made with (the spec comes in a message right after, which anywidget would have dropped).
    assert open_workbench(run_notebook) is page
    # The situation this test is about did happen: anywidget gave up on every widget (both charts too).
    slowed = page.evaluate("window.__hpgSlowModules")
    assert slowed >= 2
    page.wait_for_function("slowed => window.__hpgHeardAgain === slowed", arg=slowed, timeout=REDRAW_TIMEOUT_MS)
    summary = page.locator(".hpg-summary [aria-live='polite']")
    summary_before = summary.inner_text()
    move_dose_slider_and_wait_for_the_chart(page)
    page.wait_for_function("([el, old]) => el.innerText !== old", arg=[summary.element_handle(), summary_before],
                           timeout=REDRAW_TIMEOUT_MS)
    # anywidget reports each model it gave up on (here forced); nothing else went wrong
    assert [error for error in console_errors if "[anywidget] Failed to initialize model" not in error] == []
    assert external_requests == []


def test_on_a_cpu_slowed_down_4x_the_workbench_chart_follows_the_dose_slider(
        page, run_notebook, console_errors, external_requests):
    page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    assert open_workbench(run_notebook) is page
    move_dose_slider_and_wait_for_the_chart(page)
    assert console_errors == []
    assert external_requests == []


def test_a_recovered_give_up_shows_no_anywidget_error_on_the_page_or_its_console(
        page, run_notebook, console_errors, external_requests):
    page.add_init_script(SLOW_ALL_BUT_THE_CATCHER_JS)
    assert open_workbench(run_notebook) is page
    slowed = page.evaluate("window.__hpgSlowModules")
    assert slowed >= 2  # anywidget gave up on these (both charts among them): each heard the kernel again
    page.wait_for_function("slowed => window.__hpgHeardAgain === slowed", arg=slowed, timeout=REDRAW_TIMEOUT_MS)
    move_dose_slider_and_wait_for_the_chart(page)
    # anywidget's own error text is nowhere a student or a lecturer's tools would see it
    assert ANYWIDGET_ERROR not in page.locator("body").inner_text()
    assert console_errors == []
    assert external_requests == []


# Holds every module of hpgwidgets' widgets but the give-up catcher's until the test releases them,
# and counts anywidget's 2 s give-ups (its AbortSignal.timeout) and the warnings of hpgwidgets.
HELD_BUT_THE_CATCHER_JS = """
(() => {
  const PageBlob = window.Blob;
  window.__hpgHeld = 0;
  window.__hpgGaveUp = 0;
  window.__hpgHeardAgain = 0;
  window.__hpgCaught = 0;
  let release;
  window.__hpgReleased = new Promise(resolve => { release = resolve; });
  window.__hpgRelease = () => release();
  const warn = console.warn.bind(console);
  console.warn = (...args) => {
    const text = String(args[0]);
    if (text.startsWith(%r)) window.__hpgHeardAgain += 1;
    if (text.startsWith("[hpgwidgets] caught")) window.__hpgCaught += 1;
    warn(...args);
  };
  const timeout = AbortSignal.timeout.bind(AbortSignal);
  AbortSignal.timeout = ms => {
    const signal = timeout(ms);
    signal.addEventListener("abort", () => { window.__hpgGaveUp += 1; });
    return signal;
  };
  window.Blob = class extends PageBlob {
    constructor(parts, options) {
      if (typeof parts?.[0] === "string" && parts[0].includes("function hearKernelAgain") && parts[0].length < 100000
          && !parts[0].includes("hpgwidgets give-up catcher")) {
        window.__hpgHeld += 1;
        parts = ["await window.__hpgReleased;\\n" + parts[0], ...parts.slice(1)];
      }
      super(parts, options);
    }
  };
})();
""" % GIVEN_UP_WARNING


def test_a_give_up_before_any_chart_module_loaded_shows_no_anywidget_error(
        page, run_notebook, console_errors, external_requests):
    # No module of a chart or of any other widget of hpgwidgets is on the page: only the catcher's,
    # which the Workbench opened first. anywidget gives up on every held model, the kernel then
    # sends the chart new params (a dose move), and anywidget rejects with its error: caught.
    page.add_init_script(HELD_BUT_THE_CATCHER_JS)
    run = run_notebook(NOTEBOOK)
    assert run.errors == []
    held = page.evaluate("window.__hpgHeld")
    assert held >= 2
    page.wait_for_function("held => window.__hpgGaveUp >= held", arg=held, timeout=REDRAW_TIMEOUT_MS)
    page.locator(".hpg-trt_dose .noUi-handle").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => window.__hpgCaught >= 1", timeout=REDRAW_TIMEOUT_MS)
    page.evaluate("() => window.__hpgRelease()")
    # the widgets anywidget gave up on hear the kernel again once their modules are in: both charts
    # draw, and the time-series chart follows the next move
    page.locator(".hpg-chart svg .mark-line path").first.wait_for(state="attached", timeout=REDRAW_TIMEOUT_MS)
    page.locator(".hpg-diagram svg .mark-line path").first.wait_for(state="attached", timeout=REDRAW_TIMEOUT_MS)
    move_dose_slider_and_wait_for_the_chart(page)
    assert ANYWIDGET_ERROR not in page.locator("body").inner_text()
    assert console_errors == []
    assert external_requests == []
