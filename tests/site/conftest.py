"""The course site, built once per test session and served on a local port.

``site_dir`` builds it the way `make site-build` does (site/build.py, then the Makefile's
lite-build into its lite/ folder), into a temporary folder, with no network: it needs only
build/lite-pyodide from `make lite-fetch` (which `make test` and `make test-site` run first).
The browser fixtures (``browser``, ``page``, ``start_server`` ...) are the ones of
tests/browser/conftest.py: pages there and here refuse every request that leaves the machine.
"""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LITE_PYODIDE = ROOT / "build" / "lite-pyodide"
BUILD_TIMEOUT_S = 1800


def _browser_harness():
    """tests/browser/conftest.py as a module of its own (its hooks are not registered twice)."""
    spec = importlib.util.spec_from_file_location("hpg_browser_harness", ROOT / "tests" / "browser" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


_harness = _browser_harness()
browser = _harness.browser
start_server = _harness.start_server
page_record = _harness.page_record
page = _harness.page
console_errors = _harness.console_errors
external_requests = _harness.external_requests
record_errors = _harness.record_errors


def pytest_collection_modifyitems(config, items):
    site_dir = Path(__file__).resolve().parent
    for item in items:
        if site_dir in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


def _run(command, what):
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S)
    assert completed.returncode == 0, f"{what} failed:\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}"


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory):
    assert (LITE_PYODIDE / "wheels").is_dir(), (
        f"{LITE_PYODIDE} is missing: run `make lite-fetch` (make test and make test-site do) first")
    out = tmp_path_factory.mktemp("course-site")
    site = out / "site"
    _run([sys.executable, str(ROOT / "site" / "build.py"), "--out", str(site)], "site/build.py")
    _run(["make", "--no-print-directory", "lite-build", f"LITE_OUT={site / 'lite'}",
          f"LITE_WHEELS={out / 'wheels'}", f"LITE_CACHE={out / 'cache'}"], "make lite-build")
    return site


@pytest.fixture(scope="session")
def site_server(site_dir, start_server):
    return _harness.serve_folder(start_server, site_dir, "/index.html")
