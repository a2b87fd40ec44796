"""The workbook's notebooks: each runs clean top to bottom in a fresh kernel, and keeps the house rules.

Every notebook in notebooks/ is executed as "Restart and run all" would: a new python3 kernel,
cells in order, working directory notebooks/. Cells that make a claim assert it, so a notebook that
runs clean is a notebook whose text still agrees with the model.

The outputs policy (docs/notebooks.md): notebooks are committed without outputs, with stable cell
ids, so diffs show only what an author changed. Run `pytest tests/test_notebooks.py -k policy` for
the quick structural checks without executing anything.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(path for path in NOTEBOOK_DIR.glob("*.ipynb") if ".ipynb_checkpoints" not in path.parts)
# The numbered workbook chapters (00_..., 01_..., 02a_...) carry the teaching structure.
CHAPTERS = [path for path in NOTEBOOKS if re.match(r"\d\d", path.name)]
CELL_TIMEOUT_SECONDS = 300

# Run after a notebook, in its kernel: answer every check of understanding the way a learner who
# knows the answer would, so every predict-then-run question reveals (its chart or table really
# builds) and agrees with its own answer key, and every worked solution opens.
ANSWER_EVERY_QUESTION = """
import ipywidgets
from hpgwidgets.quiz import MultipleChoice, Predict, Solution
questions = [w for w in list(ipywidgets.widgets.widget._instances.values()) if isinstance(w, (MultipleChoice, Predict, Solution))]
for question in questions:
    if isinstance(question, Predict):
        question.prediction_input.value = question.answer if question.options is not None else repr(question.answer)
        assert question.commit() is True, question.question
        assert question.revealed is not None
    elif isinstance(question, MultipleChoice):
        question.choice.value = question.answer
        assert question.check() is True, question.question
    else:
        assert question.toggle() is True, question.title
print(f"answered {len(questions)} questions")
"""


def ids(paths):
    return [path.name for path in paths]


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def code_sources(notebook) -> list[str]:
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def markdown_text(notebook) -> str:
    return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")


def test_the_workbook_has_notebooks():
    assert CHAPTERS, f"no numbered notebooks found in {NOTEBOOK_DIR}"
    assert CHAPTERS[0].name.startswith("00_start_here"), "the workbook opens with 00_start_here"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_policy_valid_nbformat_4_with_kernel_metadata(path):
    notebook = read(path)
    nbformat.validate(notebook)
    assert notebook.nbformat == 4
    kernelspec = notebook.metadata.get("kernelspec", {})
    assert kernelspec.get("name") == "python3", "JupyterLab would ask which kernel to use"
    assert kernelspec.get("display_name") == "Python 3 (ipykernel)"
    assert notebook.metadata.get("language_info", {}).get("name") == "python"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_policy_outputs_are_stripped_and_cell_ids_stable(path):
    notebook = read(path)
    with_outputs = [index for index, cell in enumerate(notebook.cells)
                    if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)]
    assert not with_outputs, (
        f"cells {with_outputs} carry outputs or execution counts; the policy (docs/notebooks.md) is to commit "
        "notebooks stripped: `jupyter nbconvert --clear-output --inplace notebooks/<name>.ipynb`"
    )
    cell_ids = [cell.get("id") for cell in notebook.cells]
    assert all(cell_ids), "every cell needs an id (nbformat 4.5)"
    assert len(set(cell_ids)) == len(cell_ids), "cell ids must be unique"
    # One source line per list item in the JSON keeps diffs line-by-line.
    raw = path.read_text(encoding="utf-8")
    assert '"source": [' in raw or not notebook.cells, "sources should be stored as lists of lines"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_policy_notebooks_define_no_helpers(path):
    offenders = [source.splitlines()[0] for source in code_sources(read(path))
                 if re.search(r"^\s*(def|class)\s", source, re.MULTILINE)]
    assert not offenders, f"notebooks call the package; they define no functions or classes: {offenders}"


@pytest.mark.parametrize("path", CHAPTERS, ids=ids(CHAPTERS))
def test_policy_chapter_has_the_teaching_structure(path):
    notebook = read(path)
    text = markdown_text(notebook).lower()
    assert notebook.cells[0].source.startswith("# "), "a chapter opens with its title as the only level-1 heading"
    assert sum(line.startswith("# ") for line in text.splitlines()) == 1, "exactly one level-1 heading"
    assert "after this notebook you will be able to" in text or "learning objectives" in text
    flowing = re.sub(r"[\s>]+", " ", text)  # markdown line breaks and blockquote markers do not split a phrase
    assert "not medical advice" in flowing, "the educational-use note is missing"
    assert "## summary" in text
    assert "print_citations()" in code_sources(notebook)[-1], "the last code cell prints the references used"


@pytest.mark.parametrize("path", CHAPTERS[1:], ids=ids(CHAPTERS[1:]))
def test_policy_chapter_checks_understanding(path):
    code = "\n".join(code_sources(read(path)))
    assert "MultipleChoice(" in code, "a multiple-choice check with explanations"
    assert "Predict(" in code, "a predict-then-run question"
    assert "Solution(" in code, "an exercise with a worked solution"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_notebook_runs_clean_in_a_fresh_kernel(path):
    notebook = read(path)
    notebook.cells.append(nbformat.v4.new_code_cell(ANSWER_EVERY_QUESTION))
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_SECONDS,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    # A CellExecutionError names the failing cell and its traceback.
    client.execute()
    errors = [output for cell in notebook.cells if cell.cell_type == "code"
              for output in cell.outputs if output.output_type == "error"]
    assert not errors
    widget_cells = [cell for cell in notebook.cells if cell.cell_type == "code"
                    and any("application/vnd.jupyter.widget-view+json" in output.get("data", {}) for output in cell.outputs)]
    if "quiz." in "\n".join(code_sources(notebook)[:-1]):
        assert widget_cells, "quiz cells should display widgets"
        answered = notebook.cells[-1].outputs[0]["text"]
        assert answered != "answered 0 questions\n"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_policy_first_code_cell_installs_the_workbook_in_jupyterlite(path):
    """In JupyterLite (Pyodide) the kernel starts without hpgwidgets; the first code cell
    installs it there and does nothing elsewhere (docs/jupyterlite.md)."""
    first = code_sources(read(path))[0]
    assert 'if sys.platform == "emscripten"' in first and "%pip install -q hpgwidgets" in first
