"""Marks of every Vega chart on a page, compared with the same spec drawn offline.

Shared by the browser tests of the notebooks and of the classroom dashboard:

- ``browser_svgs(page)``: every chart on the page as SVG markup, as Chromium drew it;
- ``EXPECTED_SVGS_CODE``: Python run where the charts live (the notebook's kernel, or this
  process for the dashboard), printing every JupyterChart's spec with its *current* params
  drawn by vl-convert, as JSON;
- ``marks(svg)``: {mark group name: items drawn} for the data marks (not axes, legends);
- ``clip_problems(page)``: clip paths whose ids repeat on the page or point outside their chart.
"""
from __future__ import annotations

import inspect
import re
import xml.etree.ElementTree as ET

# every chart a reader can see: the classroom also draws each preset's chart into a hidden box
# (display: none, no size) while the lecturer talks, so a switch shows it at once; on a busy
# machine those are on the page by the time the shown ones are complete
SVG_OF_EVERY_CHART_JS = """
() => Array.from(document.querySelectorAll('svg.marks'))
  .filter(svg => { const box = svg.getBoundingClientRect(); return box.width > 0 && box.height > 0; })
  .map(svg => new XMLSerializer().serializeToString(svg))
"""

CLIP_PROBLEMS_JS = """
() => {
  const problems = [];
  const ids = Array.from(document.querySelectorAll('clipPath')).map(clip => clip.id);
  const repeated = ids.filter((id, index) => ids.indexOf(id) !== index);
  if (repeated.length) problems.push('clip ids used twice: ' + [...new Set(repeated)].join(', '));
  for (const element of document.querySelectorAll('svg.marks [clip-path]')) {
    const match = /url\\(#([^)]+)\\)/.exec(element.getAttribute('clip-path'));
    const owner = element.closest('svg.marks');
    if (match && !owner.querySelector('clipPath[id="' + match[1] + '"]')) {
      problems.push('clip ' + match[1] + ' is defined outside the chart that uses it');
    }
  }
  return problems;
}
"""


def drawn_offline(jupyter_chart) -> str:
    """The chart's spec with its current params, drawn by vl-convert (SVG)."""
    import json

    import vl_convert

    spec = json.loads(json.dumps(jupyter_chart.spec))
    now = {name: getattr(jupyter_chart.params, name) for name in jupyter_chart.params.trait_names()}
    for param in spec.get("params", []):
        if "select" not in param and param["name"] in now:
            param["value"] = now[param["name"]]
    return vl_convert.vegalite_to_svg(spec)


# Run in a notebook's kernel: prints a JSON list of SVGs, one per JupyterChart with a spec.
EXPECTED_SVGS_CODE = inspect.getsource(drawn_offline) + """
import altair, ipywidgets, json
print(json.dumps([drawn_offline(widget) for widget in list(ipywidgets.Widget.widgets.values())
                  if isinstance(widget, altair.JupyterChart) and widget.spec]))
"""

SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"


def marks(svg: str) -> dict[str, int]:
    """Items drawn per data-mark group (Vega's ``role-mark`` groups), summed over facets."""
    counts: dict[str, int] = {}
    for group in ET.fromstring(svg).iter(f"{SVG_NAMESPACE}g"):
        classes = group.get("class", "").split()
        if "role-mark" in classes:
            name = next((c for c in classes if not c.startswith(("mark-", "role-"))), "?")
            counts[name] = counts.get(name, 0) + len(list(group))
    return counts


def panel_names(svg: str) -> list[str]:
    return sorted(set(re.findall(r'class="mark-group role-scope (panel_[a-z_]+)_group"', svg)))


DOSE_TICKS_GROUP = re.compile(r"panel_treatment(_\d+)?_layer_1_marks")
DOSE_OF = re.compile(r"Dose of: ([^;]+);")
PATH_START_X = re.compile(r"M\s*(-?[0-9.]+)")


def dose_tick_rows(svg: str) -> dict[tuple[str, str], list[float]]:
    """{(timeline, drug name): x of each dose tick drawn, in px} for every timeline of the chart."""
    rows: dict[tuple[str, str], list[float]] = {}
    for group in ET.fromstring(svg).iter(f"{SVG_NAMESPACE}g"):
        timeline = next((c for c in group.get("class", "").split() if DOSE_TICKS_GROUP.fullmatch(c)), None)
        if timeline is None:
            continue
        for path in group.iter(f"{SVG_NAMESPACE}path"):
            drug, start = DOSE_OF.search(path.get("aria-label", "")), PATH_START_X.match(path.get("d", ""))
            if drug and start:
                rows.setdefault((timeline, drug.group(1)), []).append(float(start.group(1)))
    return rows


def closest_dose_ticks(svg: str) -> float | None:
    """Px between the two closest dose ticks of one drug on one timeline (None: no drug has two)."""
    gaps = [min(b - a for a, b in zip(xs, xs[1:])) for xs in map(sorted, dose_tick_rows(svg).values()) if len(xs) > 1]
    return min(gaps, default=None)


TIMELINE_WIDTH = re.compile(r'panel_treatment_group"[^>]*><g transform="[^"]*"><path class="background"[^>]*d="M0,0h([0-9.]+)v')


def timeline_width(svg: str) -> float | None:
    """Px across which the chart's (first) treatment timeline is drawn; None for a chart without one."""
    found = TIMELINE_WIDTH.search(svg)
    return float(found.group(1)) if found else None
