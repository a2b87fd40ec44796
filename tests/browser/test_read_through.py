"""A read-through as a student and a lecturer would do it: every notebook in JupyterLab on a
1366x768 laptop, and the classroom dashboard in Voila on a 1280x720 projector and a 1920x1080 screen.

Each notebook runs from top to bottom; once every chart has drawn, the page must show no error
(a JavaScript error, "[anywidget] Failed to initialize model", an error output), no chart text
cut by the edge of its chart or of a box around it ("illion/mL"), no horizontal scroll bar
anywhere in the notebook, and nothing opened before its question: no chart or table inside a
cell that waits for a commitment (``lessons.after``, class ``hpg-locked``).

On the dashboard every preset is clicked in turn; once the chart on screen is that preset's (its
heading and a curve in each of its panels), its panels and the controls beside them must all be on
the screen at once, without scrolling, with the same checks. Screenshots go to build/screenshots/.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from conftest import record_errors
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from hpgwidgets import lessons
from hpgwidgets.classroom import preset_label
from hpgwidgets.scenario import list_scenarios, load_scenario

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(path for path in (ROOT / "notebooks").glob("*.ipynb") if path.name != "classroom.ipynb")
SCREENSHOTS = ROOT / "build" / "screenshots"
# a lecture-hall projector, and a large classroom screen
SCREENS = [{"width": 1280, "height": 720}, {"width": 1920, "height": 1080}]
# Generous: on a loaded 2-core machine a notebook's charts can take minutes to draw. The waits
# end as soon as what they wait for is there.
DRAW_TIMEOUT_MS = 300_000
REFIT_TIMEOUT_MS = 120_000

# Every Vega view on the page has drawn its marks (hidden ones, such as the dashboard's other
# presets, do not count).
CHARTS_DRAWN_JS = """
(root) => Array.from(document.querySelectorAll(root + ' .vega-embed'))
  .filter(chart => chart.getClientRects().length > 0)
  .every(chart => chart.querySelector('svg.marks .role-mark') !== null)
"""

# What a reader would see as broken, as a list of sentences (empty: nothing).
PAGE_PROBLEMS_JS = """
(root) => {
  const problems = [];
  // an element as a reader of the test can find it: its own classes, else its parent's
  const name = el => {
    const own = typeof el.className === 'string' ? el.className.trim().split(/\\s+/) : [];
    const telling = own.filter(c => c.startsWith('hpg-') || c.startsWith('widget-') || c.startsWith('jp-') ||
                                    c.startsWith('cm-'));
    return el.tagName.toLowerCase() + (telling.length ? '.' + telling.join('.') : '') +
      (el.parentElement && !telling.some(c => c.startsWith('hpg-')) ? ' in ' + name(el.parentElement) : '');
  };
  // a box shown as its children alone (display: contents, the wide Workbench's rows) has no box and clips nothing
  const clips = el => getComputedStyle(el).display !== 'contents' &&
    ['hidden', 'auto', 'scroll', 'clip'].includes(getComputedStyle(el).overflowX);
  for (const svg of document.querySelectorAll(root + ' svg.marks')) {
    const chart = svg.getBoundingClientRect();
    if (chart.width === 0) continue;  // not shown
    // the visible part of the chart: cut by every box around it that clips
    let left = chart.left, right = chart.right;
    for (let el = svg.parentElement; el && el !== document.body; el = el.parentElement) {
      if (clips(el) && !el.classList.contains('jp-WindowedPanel-outer')) {  // not the notebook's scroller
        const box = el.getBoundingClientRect();
        left = Math.max(left, box.left); right = Math.min(right, box.right);
      }
    }
    const texts = svg.querySelectorAll(
      '.role-axis-title text, .role-axis-label text, .role-title text, .role-legend text');
    for (const text of texts) {
      const box = text.getBoundingClientRect();
      if (box.width === 0 || !text.textContent.trim()) continue;
      if (text.textContent.endsWith('\u2026')) problems.push(`"${text.textContent}" is cut short by Vega`);
      if (box.left < left - 1 || box.right > right + 1 || box.top < chart.top - 1 || box.bottom > chart.bottom + 1) {
        problems.push(`"${text.textContent}" is cut by the edge of its chart (x ${Math.round(box.left)}-` +
                      `${Math.round(box.right)}, y ${Math.round(box.top)}-${Math.round(box.bottom)}; visible x ` +
                      `${Math.round(left)}-${Math.round(right)}, y ${Math.round(chart.top)}-${Math.round(chart.bottom)})`);
      }
    }
  }
  for (const el of document.querySelectorAll(root + ', ' + root + ' *')) {
    const overflow = getComputedStyle(el).overflowX;
    if ((overflow === 'auto' || overflow === 'scroll') && el.scrollWidth > el.clientWidth + 1
        && el.clientHeight > 0) {
      problems.push(`horizontal scroll bar on ${name(el)}: ${el.scrollWidth} px of content in ${el.clientWidth}`);
    }
  }
  if (document.scrollingElement.scrollWidth > window.innerWidth + 1) {
    problems.push(`the page scrolls sideways: ${document.scrollingElement.scrollWidth} px in ${window.innerWidth}`);
  }
  // titles and axis titles of one chart that run into each other (a long panel title over the next
  // panel's axis title)
  for (const svg of document.querySelectorAll(root + ' svg.marks')) {
    const boxes = Array.from(svg.querySelectorAll('.role-title text, .role-axis-title text'))
      .map(text => [text.textContent, text.getBoundingClientRect()]).filter(([words, box]) => box.width > 0 && words.trim());
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, p] = boxes[i], [b, q] = boxes[j];
        if (Math.min(p.right, q.right) - Math.max(p.left, q.left) > 2 && Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top) > 2) {
          problems.push(`"${a}" runs into "${b}"`);
        }
      }
    }
  }
  for (const option of document.querySelectorAll(root + ' .widget-radio-box label')) {
    if (option.clientHeight > 0 && option.scrollHeight > option.clientHeight + 1) {
      problems.push(`an option runs over the next one: "${option.textContent.slice(0, 60)}" needs ` +
                    `${option.scrollHeight} px, has ${option.clientHeight}`);
    }
    const button = option.querySelector('input');
    if (button && option.clientHeight > 0 &&
        button.getBoundingClientRect().left > option.getBoundingClientRect().left + 8) {
      problems.push(`an option's button is not at its start: "${option.textContent.slice(0, 60)}"`);
    }
  }
  for (const locked of document.querySelectorAll(root + ' .hpg-locked')) {
    if (locked.querySelector('.vega-embed, table, svg.marks')) {
      problems.push(`a cell waiting for a commitment already shows evidence: ${locked.innerText.slice(0, 80)}`);
    }
  }
  return problems;
}
"""

# Panels of the chart on screen, and the controls a lecturer uses (preset buttons, overlay, days
# slider), that are not wholly inside the window.
OFF_SCREEN_JS = """
(root) => {
  const off = [];
  // the notes (their box: long notes scroll inside it) and the chart's key too: at 1280x720 both ended
  // 200 px below the window
  const controls = Array.from(document.querySelectorAll(
      root + ' .hpg-classroom-presets, ' + root + ' .hpg-classroom-overlay, ' + root + ' .hpg-classroom-days, ' +
      root + ' .hpg-classroom-notes, ' + root + ' .hpg-classroom-key'))
    .map(el => [el.className.split(' ').find(c => c.startsWith('hpg-')), el]);
  const panels = Array.from(document.querySelectorAll(root + ' g.mark-group.role-scope')).map(group =>
    [Array.from(group.classList).find(c => c.startsWith('panel_') && c.endsWith('_group')), group]);
  for (const [name, element] of [...panels, ...controls]) {
    const box = element.getBoundingClientRect();
    if (!name || box.width === 0) continue;
    if (box.top < -1 || box.bottom > window.innerHeight + 1 || box.left < -1 || box.right > window.innerWidth + 1) {
      off.push(`${name} at ${Math.round(box.left)},${Math.round(box.top)}-${Math.round(box.right)},` +
               `${Math.round(box.bottom)} in a ${window.innerWidth}x${window.innerHeight} window`);
    }
  }
  return off;
}
"""


# Text on the dashboard smaller than the back row of a lecture hall reads (the chart key was 11 px at
# 1280x720), and notes longer than their box (they scrolled: the last sentence, naming the preset to
# compare with, was out of sight).
BACK_ROW_PX = 13
SMALL_OR_HIDDEN_TEXT_JS = """
([root, smallest]) => {
  const problems = [];
  const walk = document.createTreeWalker(document.querySelector(root), NodeFilter.SHOW_TEXT);
  for (let node = walk.nextNode(); node; node = walk.nextNode()) {
    const el = node.parentElement;
    if (!el || !node.textContent.trim() || el.getClientRects().length === 0) continue;  // not shown
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < smallest - 0.05) problems.push(`${size.toFixed(1)} px: "${node.textContent.trim().slice(0, 50)}"`);
  }
  for (const notes of document.querySelectorAll(root + ' .hpg-classroom-notes')) {
    if (notes.clientHeight > 0 && notes.scrollHeight > notes.clientHeight + 1) {
      problems.push(`the notes scroll: ${notes.scrollHeight} px in a box of ${notes.clientHeight}`);
    }
  }
  return problems;
}
"""


# What a check writes once the learner commits (a verdict, an opened worked solution): after Run All,
# before any click, none of it may be on the page.
VERDICTS = ("Correct.", "Not quite.", "Hide worked solution")


def answers_on_view(text: str, chapter: str) -> list[str]:
    """The verdicts and option explanations of ``chapter``'s questions found in ``text`` (a page's
    visible text), each as its first 60 characters."""
    explanations = [explanation[:60] for explanation in lessons.explanations(chapter)]
    return [shown for shown in (*VERDICTS, *explanations) if shown in text]


def wait_for(page, expression: str, arg, timeout_ms: int = DRAW_TIMEOUT_MS):
    """Wait until ``expression`` holds (polling), at most ``timeout_ms``; the assertion that follows
    then says what is wrong if it never did."""
    try:
        page.wait_for_function(expression, arg=arg, timeout=timeout_ms, polling=500)
    except PlaywrightTimeout:
        pass


# the notebook runs on a laptop screen from the start (conftest's notebook_in_lab, shared with
# test_offline_notebooks), so its charts are drawn for this screen
@pytest.mark.parametrize("notebook_in_lab", [pytest.param(path, id=path.stem) for path in NOTEBOOKS], indirect=True)
def test_a_student_reads_the_notebook_on_a_laptop(notebook_in_lab):
    run = notebook_in_lab
    page = run.page
    assert run.errors == []
    page.wait_for_function(CHARTS_DRAWN_JS, arg=".jp-Notebook", timeout=DRAW_TIMEOUT_MS, polling=500)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # widgets redraw their charts for the width of their box once the kernel is free to
    wait_for(page, f"(root) => ({PAGE_PROBLEMS_JS})(root).length === 0", ".jp-Notebook", REFIT_TIMEOUT_MS)
    page.screenshot(path=SCREENSHOTS / f"read-through-{run.notebook.stem}-1366.png")
    assert page.evaluate(PAGE_PROBLEMS_JS, ".jp-Notebook") == []
    # nothing has been clicked: no question may show its answer yet
    shown = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").inner_text()
    assert answers_on_view(shown, run.notebook.stem.split("_")[0]) == []
    assert run.console_errors == []
    assert run.external_requests == []


# The chart on screen is this preset's: its heading, and a drawn curve in each of its panels (the
# switch happens in the kernel, after the button has already shown itself pressed).
SHOWS_PRESET_JS = """
([title, variables]) => {
  const chart = document.querySelector('.hpg-classroom-chart');
  if (!chart || !Array.from(chart.querySelectorAll('.role-title-text')).some(text => text.textContent === title)) {
    return false;
  }
  return variables.every(variable => {
    const panel = chart.querySelector(`g.panel_${variable}_group`);
    return panel !== null && Array.from(panel.querySelectorAll('.mark-line path'))
      .some(path => (path.getAttribute('d') || '').length > 20);
  });
}
"""


@pytest.mark.parametrize("screen", SCREENS, ids=lambda screen: f"{screen['width']}x{screen['height']}")
def test_a_lecturer_shows_every_preset_on_a_projector(browser, present_server, page_record, screen):
    presets = {preset_label(name): load_scenario(name) for name in list_scenarios()}
    context = browser.new_context(viewport=screen)
    try:
        page = context.new_page()
        record_errors(page, page_record)
        page.goto(present_server.link, timeout=DRAW_TIMEOUT_MS)
        page.locator(".hpg-classroom-chart svg .mark-line path").first.wait_for(state="attached",
                                                                              timeout=DRAW_TIMEOUT_MS)
        buttons = page.locator(".hpg-classroom-presets .widget-toggle-button")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for index in range(buttons.count()):
            button = buttons.nth(index)
            label = button.inner_text().strip()
            preset = presets[label]
            button.click()
            page.evaluate("() => window.scrollTo(0, 0)")
            shown = [preset.title, list(preset.variables)]
            wait_for(page, SHOWS_PRESET_JS, shown)
            assert page.evaluate(SHOWS_PRESET_JS, shown), f"the chart on screen is not {label}'s ({preset.title})"
            page.wait_for_function(CHARTS_DRAWN_JS, arg=".hpg-classroom", timeout=DRAW_TIMEOUT_MS, polling=250)
            # the first chart is redrawn once the page has reported its size
            wait_for(page, f"(root) => ({OFF_SCREEN_JS})(root).length === 0", ".hpg-classroom",
                     REFIT_TIMEOUT_MS)
            page.screenshot(path=SCREENSHOTS / f"read-through-classroom-{index}-{screen['width']}.png")
            assert page.evaluate(SHOWS_PRESET_JS, shown), f"the chart on screen is not {label}'s ({preset.title})"
            assert page.evaluate(OFF_SCREEN_JS, ".hpg-classroom") == [], label
            assert page.evaluate(PAGE_PROBLEMS_JS, ".hpg-classroom") == [], label
            assert page.evaluate(SMALL_OR_HIDDEN_TEXT_JS, [".hpg-classroom", BACK_ROW_PX]) == [], label
            notes = page.locator(".hpg-classroom-notes").inner_text()
            assert "_" not in notes, f"a raw preset id in the notes of {label}: {notes}"
        assert page_record.console_errors == []
    finally:
        context.close()


# A page as JupyterLab would show it, with the SVG structure Vega's renderer writes (svg.marks,
# g.role-axis-title > text). Each defect can be switched on alone.
CHART_TITLE = "share of men with sperm ≥ 20 million/mL"


PANEL_TITLE = "Pituitary GnRH-receptor"


def page_with(clipped_title=False, sideways=False, evidence_early=False, crowded_option=False,
              button_after_text=False, titles_collide=False) -> str:
    title_x = 260 if clipped_title else 40  # the chart is 300 px wide: from 260 the title runs past its edge
    panel_title_y = 186 if titles_collide else 20  # on the axis title's line, or well above it
    return f"""
<div class="jp-Notebook" style="width: 600px">
  <div class="vega-embed" style="width: 300px">
    <svg class="marks" width="300" height="200" style="font: 11px sans-serif">
      <g class="mark-group role-axis"><g class="mark-text role-axis-title">
        <text x="{title_x}" y="190">{CHART_TITLE}</text>
      </g></g>
      <g class="mark-group role-title"><g class="mark-text role-title-text">
        <text x="60" y="{panel_title_y}">{PANEL_TITLE}</text>
      </g></g>
    </svg>
  </div>
  <div class="jp-OutputArea-output" style="overflow-x: auto; width: 300px">
    <div style="width: {500 if sideways else 280}px; height: 20px">a wide code line</div>
  </div>
  <div class="widget-radio-box" style="width: 300px">
    <label style="display: block; height: {20 if crowded_option else 'auto'}{'px' if crowded_option else ''}">
      {"" if button_after_text else '<input type="radio">'}A long option that a narrow screen has to wrap onto a
      second and a third line{'<input type="radio">' if button_after_text else ""}</label>
  </div>
  <div class="hpg-locked">
    <p>This part opens once you have committed to your answer to the question above.</p>
    {"<table><tr><td>pump</td><td>16%</td></tr></table>" if evidence_early else ""}
  </div>
</div>"""


@pytest.mark.parametrize(("defect", "found"), [
    ("clipped_title", f'"{CHART_TITLE}" is cut by the edge of its chart'),
    ("sideways", "horizontal scroll bar on div.jp-OutputArea-output in div.jp-Notebook"),
    ("evidence_early", "a cell waiting for a commitment already shows evidence"),
    ("crowded_option", "an option runs over the next one"),
    ("button_after_text", "an option's button is not at its start"),
    ("titles_collide", f'"{CHART_TITLE}" runs into "{PANEL_TITLE}"'),
])
def test_the_read_through_fails_on_what_a_reader_would_call_broken(browser, defect, found):
    """The page checks of the read-through find each defect alone, and nothing on the same page without it."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        page = context.new_page()
        page.set_content(page_with())
        assert page.evaluate(PAGE_PROBLEMS_JS, ".jp-Notebook") == []
        page.set_content(page_with(**{defect: True}))
        problems = page.evaluate(PAGE_PROBLEMS_JS, ".jp-Notebook")
        assert len(problems) == 1 and problems[0].startswith(found), problems
    finally:
        context.close()


def test_the_dashboard_check_finds_small_type_and_scrolling_notes(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        page.set_content('<div class="hpg-classroom" style="font-size: 18px"><div class="hpg-classroom-notes" '
                         'style="height: 40px; overflow-y: auto">One line.</div><p>A key line.</p></div>')
        assert page.evaluate(SMALL_OR_HIDDEN_TEXT_JS, [".hpg-classroom", BACK_ROW_PX]) == []
        page.set_content('<div class="hpg-classroom" style="font-size: 18px"><div class="hpg-classroom-notes" '
                         'style="height: 40px; overflow-y: auto">' + "A long note. " * 40 + '</div>'
                         '<p style="font-size: 11px">A key line.</p></div>')
        problems = page.evaluate(SMALL_OR_HIDDEN_TEXT_JS, [".hpg-classroom", BACK_ROW_PX])
        assert len(problems) == 2 and problems[0] == '11.0 px: "A key line."' and \
            problems[1].startswith("the notes scroll")
    finally:
        context.close()


def test_the_read_through_fails_on_an_answer_shown_before_a_commitment():
    explanation = lessons.explanations("01")[0]
    page_text = "Which option?\nA\nB\nCheck"
    assert answers_on_view(page_text, "01") == []
    assert answers_on_view(page_text + "\nNot quite. " + explanation, "01") == ["Not quite.", explanation[:60]]


# A widget whose module takes longer to load than anywidget waits for a model (2 s): the same failure a
# busy machine gave the Workbench's chart in Voila, after which the chart stopped following its controls.
SLOW_TO_START = """import anywidget

class SlowToStart(anywidget.AnyWidget):
    _esm = "await new Promise(done => setTimeout(done, 4000)); export default { render({ el }) { el.textContent = 'late'; } };"

SlowToStart()
"""


def test_the_read_through_fails_on_a_widget_model_that_never_initialises(page, run_notebook, console_errors, tmp_path):
    """Each notebook's read-through asserts its page's error record is empty; a real
    "[anywidget] Failed to initialize model" lands in that record, so it fails the read-through."""
    path = tmp_path / "slow_widget.ipynb"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SLOW_TO_START)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)
    with page.expect_event("pageerror", predicate=lambda error: "[anywidget] Failed to initialize model" in str(error),
                           timeout=DRAW_TIMEOUT_MS):
        assert run_notebook(path).errors == []
    assert any("[anywidget] Failed to initialize model" in error for error in console_errors), console_errors
