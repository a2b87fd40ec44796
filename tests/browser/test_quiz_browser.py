"""The workbook in a real browser: a chapter runs offline in JupyterLab and its checks answer clicks.

What only a browser shows: the quiz widgets render, a click on an option and on Check puts the
feedback *text* on the page (not just a colour), predict-then-run reveals a live chart only after
the commit, the Mermaid diagram of the axis renders, and nothing is fetched from the internet.
"""
import os
import shutil
import uuid
from pathlib import Path

from hpgwidgets import lessons

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "01_fundamentals.ipynb"
SCREENSHOT_DIR = os.environ.get("HPG_SCREENSHOT_DIR")  # set it to keep screenshots for a human look


# What a reveal or a check writes: none of it may be on the page before the learner commits.
ANSWER_MARKERS = ("Correct.", "Not quite.", "Model: his LH", "Model, week 3", "Model: testosterone inside", "Published (Coviello",
                  "sperm pass 16 million/mL after", "Hide worked solution")


def visible_text(page) -> str:
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").inner_text()


def shoot(page, name):
    if SCREENSHOT_DIR:
        page.screenshot(path=str(Path(SCREENSHOT_DIR) / f"{name}.png"), full_page=False)


def test_fundamentals_runs_offline_and_its_checks_answer_clicks(run_notebook, external_requests, console_errors):
    run = run_notebook(NOTEBOOK)
    page = run.page
    assert run.errors == []
    assert external_requests == [], "the notebook must render without the internet"

    # Mermaid flowchart of the axis renders as a drawing with its text alternative beside it.
    mermaid = page.locator(".jp-RenderedMermaid").first
    mermaid.scroll_into_view_if_needed()
    mermaid.locator("img[src^='data:image/svg+xml']").first.wait_for(timeout=30_000)
    shoot(page, "axis_flowchart")

    quizzes = page.locator(".hpg-quiz")
    assert quizzes.count() >= 6

    # After Run All, before any click: no explanation, verdict or model answer anywhere in the notebook.
    before = visible_text(page)
    shown_early = [text[:60] for text in lessons.explanations("01") if text[:60] in before]
    assert shown_early == [], f"explanations visible before the learner committed: {shown_early}"
    assert [marker for marker in ANSWER_MARKERS if marker in before] == []

    # First multiple choice (hormones and receptors): a wrong option, then the right one.
    first = quizzes.nth(0)
    first.scroll_into_view_if_needed()
    first.get_by_text("Whether a nerve connects the cell to the gland", exact=True).click()
    first.get_by_role("button", name="Check").click()
    status = first.locator("[role=status]")
    status.wait_for(timeout=10_000)
    assert status.inner_text().startswith("Not quite.")
    first.get_by_text("Whether the cell carries a receptor for that hormone", exact=True).click()
    first.get_by_role("button", name="Check").click()
    page.wait_for_function(
        "el => el.innerText.startsWith('Correct.')", arg=first.locator("[role=status]").element_handle(),
        timeout=10_000)
    # ... and after the click, the explanation of the chosen option is on the page.
    assert "Only cells with the matching receptor can read the message" in first.inner_text()
    shoot(page, "multiple_choice")

    # Predict-then-run on LH after three weeks: no chart before the commit, a live chart after it.
    predict = quizzes.filter(has_text="After three weekly injections (week 3)")
    assert predict.count() == 1
    predict.scroll_into_view_if_needed()
    assert predict.locator(".vega-embed").count() == 0
    predict.get_by_role("button", name="Commit and run the model").click()
    assert "Make a prediction first" in predict.locator("[role=status]").inner_text()
    predict.get_by_text("About the same", exact=True).click()
    predict.get_by_role("button", name="Commit and run the model").click()
    predict.locator(".vega-embed").first.wait_for(timeout=30_000)
    feedback = predict.locator("[role=status]").inner_text()
    assert feedback.startswith("Not quite.") and "the model shows" in feedback
    assert "Model, week 3: LH" in feedback and "Published (Coviello 2005" in feedback, "the model's figures come with the answer"
    shoot(page, "predict")

    # Worked solution stays hidden until asked for.
    # (the filter must not depend on the button text, which changes from Show to Hide)
    solution = quizzes.filter(has_text="worked solution: Exercise 1")
    solution.scroll_into_view_if_needed()
    assert solution.get_by_text("The smallest dose that halves LH in the model").count() == 0
    solution.get_by_role("button", name="Show worked solution: Exercise 1").click()
    solution.get_by_text("The smallest dose that halves LH in the model").wait_for(timeout=10_000)
    assert solution.get_by_role("button", name="Hide worked solution: Exercise 1").count() == 1
    shoot(page, "solution")

    assert external_requests == []
    assert console_errors == []


NOTEBOOK_DIRTY_JS = """
async () => {
  const panel = window.jupyterapp.shell.currentWidget;
  await panel.context.ready;
  await panel.sessionContext.ready;
  return panel.context.model.dirty;
}
"""


def test_a_chapter_opens_unmodified_and_its_collapsed_cells_show_no_answer(lab_server, page):
    """Opening a notebook does not mark it changed (so nothing is autosaved), and before anything
    runs, the collapsed question cells show neither code nor text a student could take an answer from."""
    folder = lab_server.root_dir / uuid.uuid4().hex[:8]
    folder.mkdir()
    shutil.copy(NOTEBOOK, folder / NOTEBOOK.name)
    page.goto(lab_server.lab_url(f"{folder.name}/{NOTEBOOK.name}"))
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.sessionContext", timeout=60_000)
    assert page.evaluate(NOTEBOOK_DIRTY_JS) is False
    # the kernel starting and reporting its language must not change the file either: wait until it is idle
    page.wait_for_function("() => { const session = window.jupyterapp.shell.currentWidget.sessionContext;"
                           " return session.session && session.session.kernel"
                           " && session.kernelDisplayStatus === 'idle'; }", timeout=120_000)
    assert page.evaluate("() => window.jupyterapp.shell.currentWidget.context.model.dirty") is False
    text = visible_text(page)
    # A collapsed cell shows at most its first line, the lesson key: never an answer or an explanation.
    assert "answer=" not in text and "quiz.MultipleChoice(" not in text
    assert page.locator(".jp-InputPlaceholder").count() >= 12, "question cells are stored collapsed"
    assert [marker for marker in ANSWER_MARKERS if marker in text] == []
    assert page.locator(".jp-InputArea-editor:visible").count() > 0, "the story's own code stays visible"
    shoot(page, "opened_unrun")
