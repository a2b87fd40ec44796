"""No script runs from a scenario file, in real JupyterLab and Chromium.

tests/browser/notebooks/markup.ipynb saves a scenario whose title, notes and file name
carry ``<img src=x onerror=...>``, shows it (``Scenario._repr_html_``) and loads it into the
Workbench by clicking its Load button, then saves it again. If any of these strings reached
the page as markup, Chromium would try to load the image ``x`` and run ``onerror``, which sets
``window.hpgInjected`` in the notebook's page.
"""
from pathlib import Path

NOTEBOOK = Path(__file__).parent / "notebooks" / "markup.ipynb"
ATTACK = '<img src=x onerror="window.hpgInjected = (window.hpgInjected || 0) + 1">'
STATUS_TIMEOUT_MS = 60_000


def injected(page):
    return page.evaluate("() => window.hpgInjected === undefined ? 0 : window.hpgInjected")


def test_markup_in_title_notes_and_file_name_shows_as_text_and_never_runs(run_notebook, console_errors):
    run = run_notebook(NOTEBOOK)
    assert run.errors == []
    page = run.page

    shown = page.locator(".hpg-scenario")
    shown.wait_for(state="attached", timeout=STATUS_TIMEOUT_MS)
    assert f"Title {ATTACK}" in shown.locator("h3").inner_text()
    assert f"Notes {ATTACK}" in shown.inner_text()
    assert shown.locator("img").count() == 0

    page.locator(".hpg-controls .lm-TabBar-tab", has_text="View").click()  # the file controls' tab
    status = page.locator(".hpg-export-status")
    page.locator(".hpg-load_scenario").click()
    page.wait_for_function("el => el.innerText.includes('Scenario loaded')", arg=status.element_handle(),
                           timeout=STATUS_TIMEOUT_MS)
    assert f"Scenario loaded: Title {ATTACK}" in status.inner_text()
    assert status.locator("img").count() == 0

    page.locator(".hpg-save_scenario").click()
    page.wait_for_function("el => el.innerText.includes('Scenario saved')", arg=status.element_handle(),
                           timeout=STATUS_TIMEOUT_MS)
    assert f"markup {ATTACK}.json" in status.locator("code").inner_text()

    assert page.locator(".jp-NotebookPanel img[src='x']").count() == 0
    assert injected(page) == 0
    assert page.locator(".hpg-errors").inner_text().strip() == ""
    assert console_errors == []
