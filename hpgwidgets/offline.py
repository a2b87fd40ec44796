"""Charts that draw with no internet, in JupyterLab, Voila and JupyterLite alike.

Altair's ``JupyterChart`` widget loads Vega from a CDN unless ``enable_offline()`` is called,
which starts vl-convert's JavaScript engine in the kernel to bundle it (78 MiB of every
student's kernel and about 2 s of every notebook's start, and impossible in Pyodide).
The same bundle is made once instead (``tools/build_vega_bundle.py``) and shipped in the wheel
as ``hpgwidgets/js/jupyterchart.js``; ``use_bundled_vega()`` hands it to the widget class.
vl-convert is then needed only to export PNG/SVG files.

Under Pyodide (JupyterLite) ``use_bundled_vega()`` also fixes how the kernel sends widget
messages: pyodide-kernel converts them with ``PyProxy.toJs()``, which turns Python ``None``
into JavaScript ``undefined``, so a chart's ``axis=None``, ``legend=None`` and ``scale=None``
vanish and Vega draws default axes and legends. Sending the content as parsed JSON keeps
``None`` as ``null``, exactly what a JupyterLab kernel sends.

``chart_from_valid_spec(spec)`` is for a renderer (a plain chart shown as a cell's output,
drawn as a widget): Altair's own "jupyter" renderer rebuilds the chart with
``Chart.from_dict(spec)``, validating against the whole Vega-Lite schema a spec that
``to_dict()`` validated a moment before, and tries each kind of chart until one validates.
Rebuilt by its kind and without validating, a two-year time series takes 0.96 s of CPU instead
of 2.1 s; the chart is the same (tests/test_offline.py).
"""
from __future__ import annotations

import json
import numbers
import re
import sys
from functools import lru_cache
from pathlib import Path

import altair as alt
from altair.utils.schemapi import debug_mode

BUNDLE_PATH = Path(__file__).resolve().parent / "js" / "jupyterchart.js"
_HEADER_PATTERN = re.compile(r"^// hpgwidgets offline JupyterChart: (?P<fields>.*)$")


def bundle_header(**fields: str) -> str:
    """The bundle's first line: where it came from (``name=value`` pairs, space separated)."""
    return "// hpgwidgets offline JupyterChart: " + " ".join(f"{name}={value}" for name, value in fields.items())


def bundle_provenance(bundle: str) -> dict[str, str]:
    """The ``name=value`` fields of a bundle's first line (altair_version, source_sha256, vega, ...)."""
    match = _HEADER_PATTERN.match(bundle.split("\n", 1)[0])
    if match is None:
        raise ValueError(f"{BUNDLE_PATH} has no provenance line; rebuild it with `make vega-bundle`")
    return dict(field.split("=", 1) for field in match["fields"].split())


@lru_cache(maxsize=1)
def bundled_vega() -> str:
    """The JupyterChart front end with Vega, Vega-Lite and vega-embed inside (an ES module).

    Its few non-ASCII characters (an ellipsis, a dash, a micro sign, in string literals) are
    written as JavaScript escapes: a Python string with one of them takes 2 bytes a character,
    1.8 MB instead of 0.9 in every kernel."""
    return BUNDLE_PATH.read_text(encoding="utf-8").encode("ascii", "backslashreplace").decode("ascii")


def use_bundled_vega() -> None:
    """Make every ``alt.JupyterChart`` (and the "jupyter" renderer) draw from the shipped bundle.

    Idempotent. Altair's own ``enable_offline()`` then finds the class already offline and
    returns without starting vl-convert.
    """
    alt.JupyterChart._esm = bundled_vega()
    alt.JupyterChart._is_offline = True
    if sys.platform == "emscripten":
        send_comm_content_as_json()


# The top-level key that says which kind of chart a Vega-Lite spec is (a single view has none).
_CHART_KIND_BY_KEY = {"layer": "LayerChart", "vconcat": "VConcatChart", "hconcat": "HConcatChart",
                      "concat": "ConcatChart", "facet": "FacetChart", "repeat": "RepeatChart"}


def chart_from_valid_spec(spec: dict) -> alt.TopLevelMixin:
    """The Altair chart of a spec already validated (made by ``Chart.to_dict()``), rebuilt without
    validating it again: its kind read from its top-level key instead of tried one by one, and
    its parts not checked as they are made (Altair's "debug mode")."""
    kind = next((name for key, name in _CHART_KIND_BY_KEY.items() if key in spec), "Chart")
    with debug_mode(False):
        return getattr(alt, kind).from_dict(spec, validate=False)


def _json_default(value):
    # numpy integers and floats are not json-serialisable; a JupyterLab kernel's session
    # packer converts them the same way.
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def send_comm_content_as_json(shell=None) -> None:
    """Pyodide only: send widget message content as parsed JSON, so ``None`` arrives as ``null``.

    Wraps the ``send_comm`` that pyodide-kernel's JavaScript puts on the IPython shell. Content
    that JSON cannot carry (NaN, bytes) goes through the kernel's own conversion as before.
    """
    import js  # Pyodide's view of the browser's JavaScript globals

    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    send = getattr(shell, "send_comm", None)
    if send is None or getattr(send, "sends_json", False):
        return

    def send_comm(msg_type, content, metadata, ident, buffers):
        try:
            text = json.dumps(content, allow_nan=False, default=_json_default)
        except (TypeError, ValueError):
            return send(msg_type, content, metadata, ident, buffers)
        return send(msg_type, js.JSON.parse(text), metadata, ident, buffers)

    send_comm.sends_json = True
    shell.send_comm = send_comm
