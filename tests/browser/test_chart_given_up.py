"""Charts that anywidget gave up on still follow their controls (real JupyterLab and Chromium).

anywidget 0.11 allows a model 2 s, from the moment it is made, to load its module; if that takes
longer (the page busy drawing other charts, a slow machine, JupyterLite) it drops every later
message from the kernel and the chart freezes. hpgwidgets.chart_widget lets such a chart hear the
kernel again and has its state resent. Here every chart's module is made to take 3 s to load, so
anywidget gives up on every chart; and, separately, the whole page runs on a CPU slowed down 4x.
"""
from test_workbench_browser import CURVES_JS, REDRAW_TIMEOUT_MS, curves, open_workbench

# Runs before the page's own scripts: each module of hpgwidgets' charts, which anywidget turns into
# a Blob to import, waits 3 s before it finishes loading (without blocking the page).
SLOW_CHART_MODULES_JS = """
(() => {
  const PageBlob = window.Blob;
  window.__hpgSlowModules = 0;
  window.Blob = class extends PageBlob {
    constructor(parts, options) {
      if (typeof parts?.[0] === "string" && parts[0].includes("__hpgwidgetsVega") && parts[0].length < 100000) {
        window.__hpgSlowModules += 1;
        parts = ["await new Promise(resolve => setTimeout(resolve, 3000));\\n" + parts[0], ...parts.slice(1)];
      }
      super(parts, options);
    }
  };
})();
"""
# What the chart says in the console when it finds anywidget gave up on its model.
GIVEN_UP_WARNING = "[hpgwidgets] anywidget gave up on a chart's model"
CPU_SLOWDOWN = 4


def move_dose_slider_and_wait_for_the_chart(page):
    before = curves(page)
    page.locator(".hpg-trt_dose .noUi-handle").focus()
    page.keyboard.press("ArrowRight")
    # Waits for the curves to change (the chart drew the kernel's new params), not for any time.
    page.wait_for_function(f"([el, old]) => ({CURVES_JS})(el) !== old",
                           arg=[page.locator(".hpg-chart").element_handle(), before], timeout=REDRAW_TIMEOUT_MS)
    assert page.locator(".hpg-chart svg.marks").count() == 1


def test_charts_anywidget_gave_up_on_draw_the_workbench_and_follow_the_dose_slider(
        page, run_notebook, console_errors, external_requests):
    warnings = []
    page.on("console", lambda message: warnings.append(message.text) if message.type == "warning" else None)
    page.add_init_script(SLOW_CHART_MODULES_JS)
    # open_workbench waits for the curves: the chart drew the Workbench's spec, not the placeholder
    # it is made with (the spec comes in a message right after, which anywidget would have dropped).
    assert open_workbench(run_notebook) is page
    # The situation this test is about did happen: anywidget gave up on both charts.
    assert page.evaluate("window.__hpgSlowModules") >= 2
    assert sum(GIVEN_UP_WARNING in warning for warning in warnings) >= 2, warnings
    move_dose_slider_and_wait_for_the_chart(page)
    assert console_errors == []
    assert external_requests == []


def test_on_a_cpu_slowed_down_4x_the_workbench_chart_follows_the_dose_slider(
        page, run_notebook, console_errors, external_requests):
    page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    assert open_workbench(run_notebook) is page
    move_dose_slider_and_wait_for_the_chart(page)
    assert console_errors == []
    assert external_requests == []
