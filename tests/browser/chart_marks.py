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
