"""What a reader sees lined up, measured in JupyterLab (file browser open) at 1366x768 and 1920x1080:

- the Workbench leaves no large blank under its controls beside a chart two rows of panels tall
  (at 1920 px it left about 430x400 px: the diagram's slider and sentence now stand there);
- the panel titles of one chart row start at one height (an axis label or a y-axis title sticking up,
  or a second subtitle line, lifted one title 5-35 px above its neighbours);
- the axis diagram's labels cross no signal line, no other label, no node box's or the testes box's
  edge, and each node's name lies inside its box.

Element boxes come from the page (getBoundingClientRect, points along each SVG path), not from
screenshot pixels.
"""
from __future__ import annotations

from test_layout import open_with_the_file_browser, settle_and_measure

PANELS = 7  # six clinical panels and the treatment row
# Largest blank (px high) allowed under the controls, beside the chart column: a margin's worth.
BLANK_UNDER_CONTROLS_PX = 120
TITLE_LEVEL_PX = 1.5

# Top of each panel's title's first line, by chart row (panels whose plots share a top).
TITLE_ROWS_JS = """
(root) => {
  const rows = {};
  for (const group of document.querySelectorAll(root + ' .hpg-chart g.mark-group.role-scope')) {
    const name = Array.from(group.classList).find(c => c.startsWith('panel_') && c.endsWith('_group'));
    if (!name || name.includes('_layer_') || group.getBoundingClientRect().width === 0) continue;
    const plot = group.querySelector('path.background');  // the group's own comes first
    const title = group.querySelector('.role-title-text text');
    if (!plot || !title) continue;
    const key = Math.round(plot.getBoundingClientRect().top);
    (rows[key] = rows[key] || []).push([name, title.getBoundingClientRect().top]);
  }
  return Object.values(rows);
}
"""

# The largest empty height in the controls' column beside the chart column, from the controls' bottom to
# the chart column's bottom: between the controls and what stands under them, or under the last of those.
BLANK_JS = """
(root) => {
  const box = el => el.getBoundingClientRect();
  const controls = box(document.querySelector(root + ' .hpg-controls'));
  const chart = box(document.querySelector(root + ' .hpg-chart-column'));
  if (chart.left < controls.right) return {beside: false};  // the chart wrapped under the controls
  const under = Array.from(document.querySelectorAll(root + ' .widget-vbox, ' + root + ' .widget-html, ' +
                                                     root + ' .widget-slider'))
    .map(box).filter(b => b.width > 0 && b.right <= chart.left && b.top >= controls.bottom - 1 && b.top < chart.bottom)
    .sort((a, b) => a.top - b.top);
  let blank = 0, reached = controls.bottom;
  for (const b of under) { blank = Math.max(blank, b.top - reached); reached = Math.max(reached, b.bottom); }
  blank = Math.max(blank, chart.bottom - reached);
  return {beside: true, blank, controlsWidth: controls.width, chartWidth: chart.width};
}
"""

# Everything in the diagram that overlaps: label on a signal line, label on label, node name out of its
# box, label across a box's edge (nodes: white rectangles; the testes: the grey one).
DIAGRAM_PROBLEMS_JS = """
(root) => {
  const svg = document.querySelector(root + ' svg.marks');
  const inset = (r, d) => ({left: r.left + d, right: r.right - d, top: r.top + d, bottom: r.bottom - d});
  const overlaps = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const inside = (a, b) => a.left >= b.left - 0.5 && a.right <= b.right + 0.5 && a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
  const labels = Array.from(svg.querySelectorAll('.role-mark text'))
    .filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0)
    .map(t => ({text: t.textContent, box: inset(t.getBoundingClientRect(), 1), el: t}));
  const rects = Array.from(svg.querySelectorAll('.mark-rect.role-mark path'));
  const fill = p => (p.getAttribute('fill') || '').toLowerCase();
  const nodes = rects.filter(p => ['white', '#fff', '#ffffff'].includes(fill(p))).map(p => p.getBoundingClientRect());
  const testes = rects.filter(p => fill(p) === '#f4f4f4').map(p => p.getBoundingClientRect());
  const problems = [];
  for (const line of svg.querySelectorAll('.mark-line path')) {
    const matrix = line.getScreenCTM(), length = line.getTotalLength();
    const points = [];
    for (let s = 0; s <= length; s += 2) {
      const p = line.getPointAtLength(s);
      points.push(new DOMPoint(p.x, p.y).matrixTransform(matrix));
    }
    for (const label of labels) {
      if (points.some(p => p.x > label.box.left && p.x < label.box.right && p.y > label.box.top && p.y < label.box.bottom))
        problems.push('"' + label.text + '" lies on a signal line');
    }
  }
  labels.forEach((a, i) => labels.slice(i + 1).forEach(b => {
    if (overlaps(a.box, b.box)) problems.push('"' + a.text + '" overlaps "' + b.text + '"');
  }));
  for (const label of labels) {
    for (const box of [...nodes, ...testes]) {
      if (overlaps(label.box, box) && !inside(label.box, box)) problems.push('"' + label.text + '" crosses a box edge');
    }
  }
  const names = labels.filter(l => l.el.getAttribute('font-weight') === 'bold' && nodes.some(n => overlaps(l.box, n)));
  return {problems, nodes: nodes.length, names: names.length, labels: labels.length};
}
"""


def test_workbench_titles_blank_and_diagram_labels(run_notebook, console_errors):
    page = open_with_the_file_browser(run_notebook)
    page.locator(".hpg-diagram svg .mark-line path").first.wait_for(state="attached", timeout=60_000)
    for width, height in [(1366, 768), (1920, 1080)]:
        page.set_viewport_size({"width": width, "height": height})
        measured = settle_and_measure(page, ".hpg-workbench", ".jp-NotebookPanel-notebook", PANELS, one_screen=True)
        assert len(measured["panels"]) >= PANELS, measured
        rows = page.evaluate(TITLE_ROWS_JS, ".hpg-workbench")
        assert sum(len(row) for row in rows) >= 6, rows
        for row in rows:
            tops = [top for _name, top in row]
            assert max(tops) - min(tops) <= TITLE_LEVEL_PX, f"titles of one row at different heights at {width} px: {row}"
        diagram = page.evaluate(DIAGRAM_PROBLEMS_JS, ".hpg-diagram")
        assert diagram["nodes"] == 7 and diagram["names"] == 7 and diagram["labels"] >= 20, diagram
        assert diagram["problems"] == [], f"at {width} px: {diagram['problems']}"
        blank = page.evaluate(BLANK_JS, ".hpg-workbench")
        if width == 1920:
            assert blank["beside"], blank  # the 1920-px case of the issue: controls beside the chart
        if blank["beside"]:
            assert blank["blank"] <= BLANK_UNDER_CONTROLS_PX, f"blank under the controls at {width} px: {blank}"
    assert console_errors == []
