"""JupyterLite: `make lite-build` makes a static site with every notebook and our wheel,
and the site loads in Chromium without asking the internet for anything but Pyodide.

Running notebooks inside Pyodide needs the Pyodide CDN, so it cannot be tested offline;
docs/jupyterlite.md says what the site fetches.
"""
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(path.name for path in (ROOT / "notebooks").glob("*.ipynb"))
# The one host a kernel start may ask, as documented in docs/jupyterlite.md.
PYODIDE_CDN = "cdn.jsdelivr.net"


@pytest.fixture(scope="session")
def lite_site(tmp_path_factory):
    """Built once per test session into a temporary folder, with the Makefile's own recipe."""
    out = tmp_path_factory.mktemp("lite")
    site = out / "site"
    completed = subprocess.run(
        ["make", "--no-print-directory", "lite-build", f"LITE_OUT={site}", f"LITE_WHEELS={out / 'wheels'}"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert completed.returncode == 0, f"make lite-build failed:\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}"
    return site


@pytest.fixture(scope="session")
def lite_server(lite_site, start_server):
    return start_server(
        [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", str(lite_site), "{port}"],
        ready_path="/lab/index.html",
    )


def test_workbook_has_notebooks_to_publish():
    assert "00_start_here.ipynb" in NOTEBOOKS


def test_site_holds_every_notebook(lite_site):
    listed = {item["name"] for item in json.loads((lite_site / "api/contents/all.json").read_text())["content"]}
    for name in NOTEBOOKS:
        shipped = lite_site / "files" / name
        assert shipped.exists(), f"{name} missing from the JupyterLite site"
        assert json.loads(shipped.read_text()) == json.loads((ROOT / "notebooks" / name).read_text())
        assert name in listed, f"{name} missing from the site's contents index"


def test_site_holds_our_wheel_with_its_data_in_the_piplite_index(lite_site):
    wheels = sorted((lite_site / "pypi").glob("hpgwidgets-*-py3-none-any.whl"))
    assert len(wheels) == 1
    index = json.loads((lite_site / "pypi" / "all.json").read_text())
    assert wheels[0].name in json.dumps(index["hpgwidgets"])
    members = set(zipfile.ZipFile(wheels[0]).namelist())
    # In Pyodide the package reads its tables and presets from inside the wheel.
    for member in ("hpgwidgets/__init__.py", "hpgwidgets/scenario.py", "hpgwidgets/data/parameters.csv",
                   "hpgwidgets/data/drugs.csv", "hpgwidgets/data/references.bib",
                   "hpgwidgets/data/scenarios/trt_alone.json"):
        assert member in members, f"{member} missing from {wheels[0].name}"


def test_site_has_the_widget_extensions_and_classroom_settings(lite_site):
    config = json.loads((lite_site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    extensions = {extension["name"] for extension in config["federated_extensions"]}
    assert {"@jupyter-widgets/jupyterlab-manager", "anywidget", "@jupyterlite/pyodide-kernel-extension"} <= extensions
    overrides = config["settingsOverrides"]
    assert overrides["@jupyterlab/notebook-extension:tracker"]["windowingMode"] == "none"
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


def test_index_lists_the_notebooks_in_chromium_without_any_outside_request(
    page, lite_server, console_errors, external_requests
):
    page.goto(f"{lite_server.url}/lab/index.html")
    listing = page.locator(".jp-DirListing-item")
    listing.first.wait_for(timeout=60_000)
    shown = {text.split("\n")[0] for text in listing.all_inner_texts()}
    assert set(NOTEBOOKS) <= shown
    assert external_requests == []
    assert console_errors == []


def test_opening_a_notebook_renders_it_and_asks_only_for_pyodide(page, lite_server, external_requests):
    page.goto(f"{lite_server.url}/lab/index.html?path=00_start_here.ipynb")
    page.locator(".jp-Notebook .jp-MarkdownOutput h1").first.wait_for(timeout=60_000)
    cells = json.loads((ROOT / "notebooks" / "00_start_here.ipynb").read_text())["cells"]
    assert page.locator(".jp-Notebook .jp-Cell").count() == len(cells)
    # Starting the kernel fetches the Pyodide runtime (blocked here); nothing else leaves the site.
    for _ in range(150):
        if external_requests:
            break
        page.wait_for_timeout(200)
    assert external_requests, "the notebook's kernel never asked for the Pyodide runtime"
    for url in external_requests:
        parts = urlsplit(url)
        assert parts.hostname == PYODIDE_CDN and parts.path.startswith("/pyodide/"), url
