"""Shared harness for browser tests: a real JupyterLab server and Debian's Chromium via Playwright.

Fixtures (use them from any test module under tests/browser/):

- ``browser``: session-scoped Playwright Chromium (/usr/bin/chromium, offline-friendly flags).
- ``lab_server``: session-scoped JupyterLab on a free localhost port, in a temporary root
  directory, notebook windowing mode "none" (every cell stays in the DOM), no news or
  extension-manager look-ups. ``lab_server.url``, ``.token``, ``.root_dir``.
- ``page``: a fresh browser page; every request that leaves localhost is blocked and
  recorded in ``external_requests``; console errors and uncaught page errors are recorded
  in ``console_errors``. Assert both are empty where offline rendering matters.
- ``run_notebook(path)``: copies a notebook into the Lab root, opens it in ``page``, runs
  all cells, waits for the kernel to go idle and returns a ``NotebookRun`` (``page``,
  ``outputs`` per cell as nbformat JSON, ``errors`` = error outputs).
- ``notebook_in_lab``: a notebook of notebooks/ (the test's indirect parameter) run once in
  JupyterLab on a 1366x768 laptop screen and shared by every test that asks for the same one
  (pytest runs those tests one after the other, so one such page is open at a time): a
  ``NotebookRun`` whose ``console_errors`` and ``external_requests`` are its page's.
- ``start_server(command, ready_path)``: starts any other localhost server (Voila, a
  static file server for JupyterLite) on a free port and stops it after the session.
- ``present_server``: the classroom dashboard (`make present-serve`, Voila), session-scoped;
  ``present_server.link`` is the link with the token it printed.

Outside CI, when /usr/bin/chromium is missing, every browser test is skipped with a message
saying how to install it; with CI=true they fail instead, so CI never passes by skipping.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BROWSER_DIR = Path(__file__).resolve().parent
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
SERVER_START_TIMEOUT_S = 90
NOTEBOOK_RUN_TIMEOUT_MS = 180_000

# JupyterLab user settings for tests and lecture machines: windowing mode "none" keeps
# off-screen cells (and their widgets) attached to the DOM; the other settings stop Lab from
# asking the internet for news, updates and extensions.
LAB_USER_SETTINGS = {
    # long code lines wrap instead of giving the cell a horizontal scroll bar (as lab/overrides.json)
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none",
                                                                   "codeCellConfig": {"lineWrap": True}},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/extensionmanager-extension/plugin.jupyterlab-settings": {"enabled": False},
}


def chromium_missing_message():
    return (
        f"{CHROMIUM} is missing: browser tests need Debian's Chromium "
        "(install it with `apt-get install -y chromium`)."
    )


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if BROWSER_DIR in Path(item.path).parents]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if not CHROMIUM.exists() and os.environ.get("CI") != "true":
        skip = pytest.mark.skip(reason=chromium_missing_message() + " Skipped outside CI only.")
        for item in browser_items:
            item.add_marker(skip)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def is_local_url(url):
    scheme = urlsplit(url).scheme
    if scheme in {"data", "blob", "about", "chrome-extension"}:
        return True
    return urlsplit(url).hostname in LOCAL_HOSTS


@dataclass
class ServerProcess:
    """A localhost server started for the test session, with its log kept for failures."""

    process: subprocess.Popen
    url: str
    log_path: Path

    def log_tail(self, characters=4000):
        return self.log_path.read_text(errors="replace")[-characters:]

    def stop(self):
        if self.process.poll() is None:
            # The server runs in its own process group so that its kernels stop with it.
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)


def wait_until_serving(server: ServerProcess, ready_url: str, timeout_s: float):
    deadline = time.monotonic() + timeout_s
    last_problem = "no answer yet"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"server exited with code {server.process.returncode} before serving {ready_url}:\n"
                f"{server.log_tail()}"
            )
        try:
            with urllib.request.urlopen(ready_url, timeout=5) as response:
                if response.status == 200:
                    return
                last_problem = f"HTTP {response.status}"
        except (urllib.error.URLError, ConnectionError, TimeoutError) as problem:
            last_problem = str(problem)
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(
        f"server did not serve {ready_url} within {timeout_s}s ({last_problem}):\n{server.log_tail()}"
    )


@pytest.fixture(scope="session")
def start_server(tmp_path_factory):
    """Factory: start_server(command_with_{port}, ready_path="/", cwd=None, env=None) -> ServerProcess.

    ``{port}`` in the command is replaced by a free localhost port; the server counts as up
    once ``http://127.0.0.1:{port}{ready_path}`` answers 200.
    """
    started = []

    def start(command, ready_path="/", cwd=None, env=None, timeout_s=SERVER_START_TIMEOUT_S):
        port = free_port()
        command = [part.replace("{port}", str(port)) for part in command]
        log_path = tmp_path_factory.mktemp("server-log") / "server.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                command,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = ServerProcess(process, f"http://127.0.0.1:{port}", log_path)
        started.append(server)
        wait_until_serving(server, server.url + ready_path.replace("{port}", str(port)), timeout_s)
        return server

    yield start
    for server in started:
        server.stop()


def serve_folder(start_server, folder, ready_path: str):
    """A static site (the JupyterLite site, the course site) served from ``folder`` on localhost."""
    return start_server([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", str(folder),
                         "{port}"], ready_path=ready_path)


def isolated_jupyter_env(base_dir: Path):
    """Environment for a Jupyter server that ignores the user's own config and state."""
    env = dict(os.environ)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR"):
        path = base_dir / name.lower()
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    # Kernels must find the same hpgwidgets as the tests, whatever the working directory.
    env["PYTHONUNBUFFERED"] = "1"
    return env


# Installed for `make lite` (the test extra pulls it in), the JupyterLite kernel's labextension
# only works inside JupyterLite: a real JupyterLab that loads it logs a console error, and
# disabling it in page_config does not stop the load. So the test Lab gets its own
# labextensions folder holding every installed extension but JupyterLite's.
LITE_ONLY_EXTENSION_SCOPE = "@jupyterlite"


def lab_extensions_without_lite(target: Path) -> Path:
    from jupyter_core.paths import jupyter_path

    target.mkdir(parents=True, exist_ok=True)
    for folder in map(Path, jupyter_path("labextensions")):
        for package_json in sorted(folder.glob("*/package.json")) + sorted(folder.glob("@*/*/package.json")):
            name = package_json.parent.relative_to(folder)
            link = target / name
            if name.parts[0] == LITE_ONLY_EXTENSION_SCOPE or link.exists():
                continue  # the first folder on the Jupyter path wins, as in JupyterLab
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(package_json.parent, target_is_directory=True)
    return target


def write_lab_user_settings(settings_dir: Path):
    for relative_path, settings in LAB_USER_SETTINGS.items():
        path = settings_dir / relative_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings, indent=2))


@dataclass
class LabServer:
    url: str
    token: str
    root_dir: Path
    server: ServerProcess

    def lab_url(self, relative_path=""):
        return f"{self.url}/lab/tree/{relative_path}?token={self.token}&reset"


@pytest.fixture(scope="session")
def lab_server(start_server, tmp_path_factory):
    base = tmp_path_factory.mktemp("jupyterlab")
    root_dir = base / "root"
    settings_dir = base / "user-settings"
    workspaces_dir = base / "workspaces"
    for directory in (root_dir, settings_dir, workspaces_dir):
        directory.mkdir()
    write_lab_user_settings(settings_dir)
    token = uuid.uuid4().hex
    env = isolated_jupyter_env(base)
    labextensions = lab_extensions_without_lite(base / "labextensions")
    env["JUPYTERLAB_SETTINGS_DIR"] = str(settings_dir)
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(workspaces_dir)
    command = [
        sys.executable, "-m", "jupyter", "lab",
        "--no-browser", "--allow-root",
        "--ServerApp.ip=127.0.0.1", "--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--ServerApp.token={token}", f"--ServerApp.root_dir={root_dir}",
        f"--LabApp.user_settings_dir={settings_dir}", f"--LabApp.workspaces_dir={workspaces_dir}",
        "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=",
        "--LabApp.extension_manager=readonly", f"--LabApp.labextensions_path={labextensions}",
    ]
    server = start_server(command, ready_path=f"/api/status?token={token}", cwd=root_dir, env=env)
    return LabServer(server.url, token, root_dir, server)


@dataclass
class PresentServer:
    """`make present-serve` as a lecturer starts it: ``link`` is the one it prints, with its token."""

    server: ServerProcess
    link: str

    @property
    def url(self):
        return self.server.url


PRESENT_LINK_PATTERN = re.compile(r"Presentation mode: open (http://127\.0\.0\.1:\d+/\?token=[\w-]+)")


def present_link(server: ServerProcess) -> str:
    """The link (with its token) `make present-serve` printed before starting Voila."""
    found = PRESENT_LINK_PATTERN.search(server.log_tail(characters=100_000))
    assert found, f"make present-serve printed no link with a token:\n{server.log_tail()}"
    return found.group(1)


@pytest.fixture(scope="session")
def present_server(start_server):
    """The classroom dashboard served by `make present-serve` (Voila) with the token it makes, once per session."""
    server = start_server(
        ["make", "--no-print-directory", "present-serve", "PRESENT_PORT={port}", "PRESENT_BROWSER=--no-browser"],
        ready_path="/voila/static/voila-style.js", cwd=BROWSER_DIR.parents[1],
    )
    return PresentServer(server, present_link(server))


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(chromium_missing_message() + " CI=true: browser tests must run, not skip.")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    yield chromium
    chromium.close()
    playwright.stop()


@dataclass
class PageRecord:
    console_errors: list = field(default_factory=list)
    external_requests: list = field(default_factory=list)


@pytest.fixture
def page_record():
    return PageRecord()


def open_page(browser, record: PageRecord, viewport: dict):
    """(context, page): a new page that blocks and records off-localhost requests and records JS
    errors in ``record``. Close the context when done."""
    context = browser.new_context(viewport=viewport)

    def block_external(route):
        url = route.request.url
        if is_local_url(url):
            route.continue_()
        else:
            record.external_requests.append(url)
            route.abort()

    context.route("**/*", block_external)
    new_page = context.new_page()
    record_errors(new_page, record)
    return context, new_page


@pytest.fixture
def page(browser, page_record):
    """A new page (1400x900) that blocks and records off-localhost requests and records JS errors."""
    context, new_page = open_page(browser, page_record, {"width": 1400, "height": 900})
    yield new_page
    context.close()


def record_errors(any_page, record: PageRecord):
    """Record ``any_page``'s console errors and uncaught page errors in ``record.console_errors``
    (for a second page opened in the ``page`` fixture's context, which blocks the same requests)."""
    any_page.on(
        "console",
        lambda message: record.console_errors.append(f"console.{message.type}: {message.text}")
        if message.type == "error"
        else None,
    )
    any_page.on("pageerror", lambda error: record.console_errors.append(f"pageerror: {error}"))


@pytest.fixture
def console_errors(page_record):
    """JS console errors and uncaught page errors seen by ``page`` (a live list)."""
    return page_record.console_errors


@pytest.fixture
def external_requests(page_record):
    """URLs ``page`` tried to fetch from anywhere but localhost (blocked; a live list)."""
    return page_record.external_requests


@dataclass
class NotebookRun:
    page: object
    outputs: list  # per cell: list of nbformat output dicts (empty for markdown cells)
    errors: list   # every output of type "error" as "ename: evalue"
    console_errors: list  # the page's JS console errors and uncaught errors (a live list)
    external_requests: list  # what the page tried to fetch from anywhere but localhost (blocked; live)
    notebook: Path  # the notebook that ran (a copy of it ran, in a folder of its own)


OPEN_NOTEBOOK_JS = """
async () => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  await panel.context.ready;
  await panel.sessionContext.ready;
  return panel.context.path;
}
"""

RUN_ALL_JS = """
async () => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  await app.commands.execute('notebook:run-all-cells');
  return panel.context.path;
}
"""

KERNEL_IDLE_JS = """
() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle') { return false; }
  const cells = panel.content.widgets;
  return cells.every(cell => cell.model.type !== 'code' || cell.model.executionCount !== null);
}
"""

OUTPUTS_JS = """
() => {
  const panel = window.jupyterapp.shell.currentWidget;
  return panel.content.widgets.map(cell =>
    cell.model.type === 'code' ? cell.model.outputs.toJSON() : []);
}
"""


def run_in_lab(lab_server, page, record: PageRecord, notebook_path, timeout_ms=NOTEBOOK_RUN_TIMEOUT_MS) -> NotebookRun:
    """Copy a notebook into the Lab root, open it in ``page``, run every cell and wait until the
    kernel is idle."""
    notebook_path = Path(notebook_path)
    folder = lab_server.root_dir / uuid.uuid4().hex[:8]
    folder.mkdir()
    shutil.copy(notebook_path, folder / notebook_path.name)
    relative = f"{folder.name}/{notebook_path.name}"
    page.goto(lab_server.lab_url(relative))
    page.wait_for_function(
        "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
        " && window.jupyterapp.shell.currentWidget.sessionContext",
        timeout=60_000,
    )
    opened = page.evaluate(OPEN_NOTEBOOK_JS)
    assert opened == relative, f"JupyterLab opened {opened!r}, expected {relative!r}"
    page.evaluate(RUN_ALL_JS)
    page.wait_for_function(KERNEL_IDLE_JS, timeout=timeout_ms, polling=250)
    outputs = page.evaluate(OUTPUTS_JS)
    errors = [
        f"{output.get('ename')}: {output.get('evalue')}"
        for cell_outputs in outputs
        for output in cell_outputs
        if output.get("output_type") == "error"
    ]
    return NotebookRun(page, outputs, errors, record.console_errors, record.external_requests, notebook_path)


@pytest.fixture
def run_notebook(lab_server, page, page_record):
    """run_notebook(path, timeout_ms=180000) -> NotebookRun, after every cell ran in JupyterLab."""

    def run(notebook_path, timeout_ms=NOTEBOOK_RUN_TIMEOUT_MS):
        return run_in_lab(lab_server, page, page_record, notebook_path, timeout_ms)

    return run


LAPTOP = {"width": 1366, "height": 768}
# Generous: on a loaded 2-core machine a notebook can take minutes; the wait ends when it is done.
SHARED_RUN_TIMEOUT_MS = 600_000


@pytest.fixture(scope="session")
def notebook_in_lab(request, browser, lab_server):
    """The notebook ``request.param`` run once in JupyterLab on a laptop screen (1366x768, from
    the start: its charts are drawn for it), for every test that asks for the same notebook
    (``@pytest.mark.parametrize("notebook_in_lab", paths, indirect=True)``). Each workbook
    notebook is the slowest thing a browser test does, and the checks on it only read the page."""
    record = PageRecord()
    context, new_page = open_page(browser, record, LAPTOP)
    yield run_in_lab(lab_server, new_page, record, request.param, SHARED_RUN_TIMEOUT_MS)
    context.close()
