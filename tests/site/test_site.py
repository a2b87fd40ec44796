"""The course site in Chromium, offline: every page, every chart, every question, every launch button.

The site is built once (tests/site/conftest.py) and served on a local port; every request that
leaves that server is refused and recorded.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import nbformat
import pytest

from hpgwidgets import lessons

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(path.stem for path in (ROOT / "notebooks").glob("*.ipynb"))
OTHER_PAGES = ["index", "lecturers_guide", "model", "glossary", "references", "search", "genindex"]
PAGES = OTHER_PAGES + [f"notebooks/{name}" for name in NOTEBOOKS]
DRAW_TIMEOUT_MS = 60_000
LITE_TIMEOUT_MS = 120_000

# Items drawn in each chart's Vega marks (data marks, axes and legends alike), per chart holder.
MARKS_PER_CHART_JS = """
() => Array.from(document.querySelectorAll('.hpg-chart')).map(chart =>
  chart.querySelectorAll('svg.marks g.role-mark > *, canvas.marks').length)
"""


def chapter(notebook: str) -> str:
    return notebook.split("_")[0]


def open_page(page, site_server, path):
    """Open a page and wait until its script has drawn every chart on it."""
    response = page.goto(f"{site_server.url}/{path}.html")
    assert response.status == 200, f"{path}.html: HTTP {response.status}"
    page.wait_for_function("() => document.documentElement.dataset.hpgChartsDrawn === 'true'",
                           timeout=DRAW_TIMEOUT_MS)


def visible_text(page) -> str:
    return page.evaluate("() => document.body.innerText")


def test_the_site_has_exactly_the_pages_the_tests_open(site_dir):
    built = {str(path.relative_to(site_dir).with_suffix("")) for path in site_dir.rglob("*.html")
             if not path.relative_to(site_dir).parts[0] in {"lite", "_static"}}
    assert built == set(PAGES)


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_offline_with_every_chart_drawn(path, page, site_server, console_errors, external_requests):
    open_page(page, site_server, path)
    marks = page.evaluate(MARKS_PER_CHART_JS)
    assert all(count > 0 for count in marks), f"{path}: charts with nothing drawn: {marks}"
    assert console_errors == []
    assert external_requests == []


# The middle of the first line drawn in a chart, in page coordinates (scrolled into view).
LINE_MIDPOINT_JS = """
() => {
  const path = document.querySelector('.hpg-chart svg.marks g.mark-line path');
  path.scrollIntoView({block: 'center'});
  const point = path.getPointAtLength(path.getTotalLength() / 2);
  const screen = new DOMPoint(point.x, point.y).matrixTransform(path.getScreenCTM());
  return [screen.x, screen.y];
}
"""


def test_hovering_a_line_shows_its_values(page, site_server):
    open_page(page, site_server, "notebooks/00_start_here")
    x, y = page.evaluate(LINE_MIDPOINT_JS)
    page.mouse.move(x, y)
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=DRAW_TIMEOUT_MS)
    assert "Week" in tooltip.inner_text() and "Serum total testosterone" in tooltip.inner_text()


def test_notebook_pages_come_in_tier_order_and_keep_their_titles(page, site_server):
    open_page(page, site_server, "index")
    links = page.eval_on_selector_all(".bd-sidebar-primary nav a.reference.internal",
                                      "links => links.map(link => link.getAttribute('href'))")
    notebook_links = [link for link in links if link.startswith("notebooks/")]
    order = ["00", "01", "02a", "02b", "03a", "03b", "04", "classroom"]
    assert [link.split("/")[1].split("_")[0].removesuffix(".html") for link in notebook_links] == order
    for name in NOTEBOOKS:
        notebook = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
        heading = re.search(r"^# (.+)$", notebook.cells[0].source, re.M)[1]
        open_page(page, site_server, f"notebooks/{name}")
        assert page.locator("article h1").first.inner_text().rstrip("#¶ \n") == heading


FIRST_UNANSWERED_JS = "() => [...document.querySelectorAll('.hpg-static-quiz')].findIndex(q => !q.dataset.answered)"


def answer(quiz, explanations, where):
    """Choose the first option (or type 1) and press the quiz's button; check the feedback."""
    number = quiz.locator(".hpg-quiz-number input")
    if number.count():
        number.fill("1")
    else:
        quiz.locator("input[type=radio]").first.check()
    quiz.locator(".hpg-quiz-button").click()
    text = quiz.locator(".hpg-quiz-feedback").inner_text()
    assert text.startswith(("Correct.", "Not quite.")), f"{where}: {text!r}"
    if quiz.get_attribute("data-quiz") == "choice":
        # lessons.explanations lists every multiple choice's explanations (not every prediction's)
        assert any(explanation in text for explanation in explanations), (
            f"{where}: the feedback is not the lesson bank's: {text!r}")
    else:
        assert "You predicted" in text and "the model" in text, f"{where}: {text!r}"
    assert quiz.get_attribute("data-answered") == "true"


@pytest.mark.parametrize("name", [name for name in NOTEBOOKS if name != "classroom"])
def test_questions_say_nothing_until_the_reader_chooses(name, page, site_server, console_errors, external_requests):
    explanations = lessons.explanations(chapter(name))
    open_page(page, site_server, f"notebooks/{name}")
    before = visible_text(page)
    shown = [text for text in explanations if text in before]
    assert shown == [], f"{name}: answers in view before any choice: {shown[:3]}"
    closed = page.locator(".hpg-static-after .hpg-after-content")
    assert all(part.inner_html() == "" for part in closed.all()), f"{name}: a part opened before its question"
    answered = 0
    # Answering one question can open a part holding another (further down the page): answer the
    # first unanswered one until none is left. (By position: a ":not([data-answered])" locator
    # would move on to the next question as soon as this one is answered.)
    while (index := page.evaluate(FIRST_UNANSWERED_JS)) >= 0:
        quiz = page.locator(".hpg-static-quiz").nth(index)
        quiz.scroll_into_view_if_needed()
        answered += 1
        answer(quiz, explanations, f"{name}, question {answered}")
    assert answered > 0
    assert page.locator(".hpg-static-after:not([data-open])").count() == 0
    assert all(part.inner_html() != "" for part in closed.all())
    page.wait_for_function("() => [...document.querySelectorAll('.hpg-chart')].every(c => c.dataset.drawn === 'true')",
                           timeout=DRAW_TIMEOUT_MS)
    marks = page.evaluate(MARKS_PER_CHART_JS)
    assert marks and all(count > 0 for count in marks), f"{name}: charts once every question is answered: {marks}"
    solutions = page.locator(".hpg-static-solution")
    for index in range(solutions.count()):
        body = solutions.nth(index).locator(".hpg-solution-body")
        assert body.inner_text() == ""
        solutions.nth(index).locator(".hpg-solution-button").click()
        assert body.inner_text().strip()
    assert console_errors == []
    assert external_requests == []


def test_a_part_waiting_for_two_questions_opens_after_both(page, site_server):
    open_page(page, site_server, "notebooks/01_fundamentals")
    part = page.locator(".hpg-static-after[data-keys='01.lh_after_three_weeks 01.itt_after_three_weeks']").first
    explanations = lessons.explanations("01")
    answer(page.locator(".hpg-static-quiz[data-key='01.lh_after_three_weeks']"), explanations, "01, LH")
    assert part.locator(".hpg-after-content").inner_html() == ""
    answer(page.locator(".hpg-static-quiz[data-key='01.itt_after_three_weeks']"), explanations, "01, ITT")
    part.locator(".hpg-after-content .hpg-chart[data-drawn='true']").first.wait_for(timeout=DRAW_TIMEOUT_MS)


def test_options_come_in_the_order_the_notebook_offers_them(page, site_server):
    from hpgwidgets.lessons import ask

    question = ask("01.receptor_decides")
    open_page(page, site_server, "notebooks/01_fundamentals")
    shown = page.locator(".hpg-static-quiz[data-key='01.receptor_decides'] label").all_inner_texts()
    assert [text.strip() for text in shown] == list(question.choice.options)


def test_a_prediction_locks_once_made(page, site_server):
    open_page(page, site_server, "notebooks/01_fundamentals")
    quiz = page.locator(".hpg-static-quiz[data-quiz=predict]").first
    quiz.locator("input[type=radio]").first.check()
    quiz.locator(".hpg-quiz-button").click()
    assert quiz.locator(".hpg-quiz-button").is_disabled()
    assert all(radio.is_disabled() for radio in quiz.locator("input[type=radio]").all())
    assert quiz.locator(".hpg-quiz-reveal").inner_text().strip() or quiz.locator(".hpg-quiz-reveal .hpg-chart").count()


def test_a_typed_prediction_is_judged_against_the_models_figure(page, site_server):
    for name in NOTEBOOKS:
        open_page(page, site_server, f"notebooks/{name}")
        numeric = page.locator(".hpg-static-quiz:has(.hpg-quiz-number)")
        if numeric.count():
            break
    else:
        pytest.fail("no notebook asks for a typed prediction")
    quiz = numeric.first
    quiz.locator(".hpg-quiz-button").click()
    assert "Type a number" in quiz.locator(".hpg-quiz-feedback").inner_text()
    quiz.locator(".hpg-quiz-number input").fill("<b>12</b>")
    quiz.locator(".hpg-quiz-button").click()
    assert quiz.locator(".hpg-quiz-feedback b").count() == 0
    quiz.locator(".hpg-quiz-number input").fill("12")
    quiz.locator(".hpg-quiz-button").click()
    feedback = quiz.locator(".hpg-quiz-feedback").inner_text()
    assert "You predicted 12" in feedback and "the model gives" in feedback


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_launch_buttons_open_the_same_notebook(name, page, site_server, external_requests):
    open_page(page, site_server, f"notebooks/{name}")
    binder = page.locator("a.hpg-launch-binder").get_attribute("href")
    assert binder.startswith("https://mybinder.org/v2/gh/") and binder.endswith(f"/notebooks/{name}.ipynb")
    lite = page.locator("a.hpg-launch-lite")
    assert parse_qs(urlsplit(lite.get_attribute("href")).query)["path"] == [f"{name}.ipynb"]
    lite.click()
    notebook = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    heading = re.search(r"^# (.+)$", notebook.cells[0].source, re.M)[1]
    shown = page.locator(".jp-Notebook .jp-RenderedMarkdown h1").first
    shown.wait_for(timeout=LITE_TIMEOUT_MS)
    assert shown.inner_text().rstrip("¶ \n") == heading
    assert page.evaluate("() => window.jupyterapp.shell.currentWidget.context.path") == f"{name}.ipynb"
    assert external_requests == []


def test_search_finds_the_chapters_offline(page, site_server, external_requests):
    page.goto(f"{site_server.url}/search.html?q=gonadorelin")
    results = page.locator("#search-results ul.search li a")
    results.first.wait_for(timeout=DRAW_TIMEOUT_MS)
    found = {link.get_attribute("href").split("?")[0].split("#")[0] for link in results.all()}
    assert "notebooks/02a_intermediate_agents.html" in found
    assert external_requests == []


def test_references_link_to_each_citing_notebook(page, site_server):
    open_page(page, site_server, "references")
    linked = page.eval_on_selector_all("article a.reference.internal",
                                       "links => links.map(link => link.getAttribute('href'))")
    for name in ["01_fundamentals", "03b_academic_recovery"]:
        assert any(link.startswith(f"notebooks/{name}.html") for link in linked)
    assert "Coviello" in visible_text(page)


def test_glossary_is_the_table_of_notebook_00(page, site_server):
    open_page(page, site_server, "glossary")
    terms = page.eval_on_selector_all("article table tbody tr td:first-child", "cells => cells.map(c => c.innerText)")
    assert "HPG axis" in terms and "azoospermia" in terms


def test_model_page_includes_the_model_notes_and_the_evidence_table(page, site_server):
    open_page(page, site_server, "model")
    model_md = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    title = re.search(r"^# (.+)$", model_md, re.M)[1]
    assert page.locator("article h1").first.inner_text().rstrip("#¶ \n") == title
    rows = page.locator("table.hpg-evidence tbody tr").count()
    evidence_rows = len((ROOT / "data" / "evidence.csv").read_text(encoding="utf-8").strip().splitlines()) - 1
    assert rows == evidence_rows
    sources = set(page.eval_on_selector_all("table.hpg-evidence a", "links => links.map(link => link.hash)"))
    open_page(page, site_server, "references")
    missing = [anchor for anchor in sources if page.locator(f"[id='{anchor[1:]}']").count() == 0]
    assert sources and missing == [], f"evidence sources with no entry on the references page: {missing}"


@pytest.mark.parametrize("width", [375, 1366, 1920])
def test_pages_fit_the_screen_width(width, browser, site_server):
    """Text never runs off the side: only a wide chart or table scrolls, inside its own box."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(site_server.url)
                  else route.abort())
    page = context.new_page()
    try:
        for path in ["index", "notebooks/01_fundamentals", "notebooks/04_case_studies", "model"]:
            open_page(page, site_server, path)
            assert page.evaluate("() => document.documentElement.scrollWidth") <= width, path
    finally:
        context.close()


A4_WIDTH_PX = 718  # the printable width of an A4 page with Chromium's default margins, at 96 px/inch


def test_print_leaves_out_navigation_and_buttons_and_fits_the_paper(page, site_server):
    open_page(page, site_server, "notebooks/01_fundamentals")
    page.set_viewport_size({"width": A4_WIDTH_PX, "height": 1000})
    page.emulate_media(media="print")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= A4_WIDTH_PX
    for selector in [".hpg-launch", ".bd-sidebar-primary", ".hpg-quiz-button", ".bd-header"]:
        assert not page.locator(selector).first.is_visible(), selector
    assert page.locator(".hpg-chart svg").first.is_visible()
    assert page.locator(".hpg-static-quiz input[type=radio]").first.is_visible()
