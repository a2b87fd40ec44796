"""The workbook in a real browser: a chapter runs offline in JupyterLab and its checks answer clicks.

What only a browser shows: the quiz widgets render, a click on an option and on Check puts the
feedback *text* on the page (not just a colour), predict-then-run reveals a live chart only after
the commit, the Mermaid diagram of the axis renders, and nothing is fetched from the internet.
"""
import os
from pathlib import Path

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "01_fundamentals.ipynb"
SCREENSHOT_DIR = os.environ.get("HPG_SCREENSHOT_DIR")  # set it to keep screenshots for a human look


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
    shoot(page, "multiple_choice")

    # Predict-then-run on LH after three weeks: no chart before the commit, a live chart after it.
    predict = quizzes.filter(has_text="After three weekly injections (day 21)")
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
