"""Write hpgwidgets/js/jupyterchart.js: Altair's JupyterChart front end with Vega, Vega-Lite and
vega-embed bundled in, so charts draw with no internet and no kernel has to build it.

Usage, from the project root: python tools/build_vega_bundle.py   (or `make vega-bundle`)
Run it after upgrading altair: tests/test_offline.py fails while the shipped bundle was made
from another altair's JupyterChart source.

This is what ``alt.JupyterChart.enable_offline()`` does in every kernel (starting vl-convert's
JavaScript engine, 78 MiB and about 2 s), done once here and shipped in the wheel instead. The
first line records where the bundle came from; hpgwidgets.offline checks it.
"""
import hashlib
import sys
from pathlib import Path

import altair
import vl_convert
from altair.jupyter.jupyter_chart import load_js_src
from altair.utils._importers import vl_version_for_vl_convert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from hpgwidgets.offline import BUNDLE_PATH, bundle_header  # noqa: E402  (the one place the header is spelled)


def strip_imports(source: str) -> str:
    """Altair's JupyterChart source without its leading CDN imports, as enable_offline() does."""
    lines = source.split("\n")
    while lines and (not lines[0].strip() or lines[0].startswith(("import", "//"))):
        lines.pop(0)
    return "\n".join(lines)


def main() -> None:
    source = load_js_src()
    bundle = vl_convert.javascript_bundle(strip_imports(source), vl_version=vl_version_for_vl_convert())
    header = bundle_header(
        altair_version=altair.__version__,
        source_sha256=hashlib.sha256(source.encode()).hexdigest(),
        vl_convert_version=vl_convert.__version__,
        vega=vl_convert.get_vega_version(),
        vega_lite=vl_version_for_vl_convert(),
        vega_embed=vl_convert.get_vega_embed_version(),
    )
    BUNDLE_PATH.write_text(header + "\n" + bundle)
    print(f"wrote {BUNDLE_PATH.relative_to(ROOT)} ({BUNDLE_PATH.stat().st_size / 1024:.0f} KiB): {header}")


if __name__ == "__main__":
    main()
