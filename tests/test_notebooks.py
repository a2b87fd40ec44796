"""The workbook's notebooks: each runs clean top to bottom in a fresh kernel, and keeps the house rules.

Every notebook in notebooks/ is executed as "Restart and run all" would: a new python3 kernel,
cells in order, working directory notebooks/. Then, in the same kernel, every check of understanding
is answered and every claim the notebook's text makes about the model is evaluated
(``hpgwidgets.lessons.verify``): a notebook that passes is one whose text still agrees with the model.

The outputs policy (docs/notebooks.md): notebooks are committed without outputs, with stable cell
ids, so diffs show only what an author changed. Run `pytest tests/test_notebooks.py -k policy` for
the quick structural checks without executing anything.
"""

from __future__ import annotations

import html
import json
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
import json
import ipywidgets
from hpgwidgets.quiz import MultipleChoice, Predict, Solution
answered, positions = set(), []
while True:  # committing can open cells that hold further questions (lessons.after): answer those too
    questions = [w for w in list(ipywidgets.widgets.widget._instances.values())
                 if isinstance(w, (MultipleChoice, Predict, Solution)) and id(w) not in answered]
    if not questions:
        break
    for question in questions:
        answered.add(id(question))
        if isinstance(question, Predict):
            if question.options is not None:
                positions.append((len(question.options), question.answer_position))
            question.prediction_input.value = question.answer if question.options is not None else repr(question.answer)
            assert question.commit() is True, question.question
            assert question.revealed is not None
        elif isinstance(question, MultipleChoice):
            positions.append((len(question.options), question.answer_position))
            question.choice.value = question.answer
            assert question.check() is True, question.question
        else:
            assert question.toggle() is True, question.title
print(f"answered {len(answered)} questions")
print("key positions " + json.dumps(positions))
"""

# Then: what decides each question asked, for the paragraph check (tests/test_questions.py, stated_answer).
DESCRIBE_QUESTIONS = """
import json
from hpgwidgets import lessons
facts = {}
for key, question in lessons.ASKED.items():
    if hasattr(question, "answer"):
        numeric = question.options is None
        facts[key] = {"question": question.question, "answer": float(question.answer) if numeric else question.answer,
                      "tolerance": question.tolerance if numeric else None, "unit": question.unit if numeric else "",
                      "options": None if numeric else list(question.options)}
print(json.dumps(facts))
"""

# Then: every claim the chapter's text makes about the model must hold (hpgwidgets/lessons/).
VERIFY_CLAIMS = """
from hpgwidgets import lessons
claims = lessons.verify({chapter!r}, globals())
failed = [claim for claim, holds in claims.items() if not holds]
assert not failed, "the notebook's text no longer agrees with the model: " + "; ".join(failed)
print(f"{{len(claims)}} claims hold")
"""


def chapter_of(path: Path) -> str:
    """'01' for 01_fundamentals.ipynb: the key prefix of the notebook's lesson bank."""
    return path.name.split("_")[0]


def bank_of(path: Path):
    from hpgwidgets import lessons

    return lessons.bank_of(chapter_of(path))


# Chapters whose questions, figures in prose and model checks live in hpgwidgets/lessons/chNN.py.
BANKED = [path for path in CHAPTERS if (NOTEBOOK_DIR.parent / "hpgwidgets" / "lessons" / f"ch{chapter_of(path)}.py").exists()]


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
    # JupyterLab writes the kernel's language_info into the notebook when the kernel starts; stored
    # as the kernel reports it, the notebook opens unmodified (nothing to autosave).
    import platform

    assert notebook.metadata["language_info"].get("version") == platform.python_version(), (
        "store language_info as the workbook's kernel reports it, or JupyterLab marks the notebook modified on open")


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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_policy_a_cell_shows_only_its_last_line(path):
    # Jupyter displays a cell's last expression only: a bare name above it shows nothing, yet reads
    # as if it did (02b's 'visits' line looked like the lab sheets before the commitment opens them).
    import ast

    def python_of(source):  # IPython's %magic and !shell lines are no Python: read them as 'pass'
        return re.sub(r"^(\s*)[%!].*$", r"\1pass", source, flags=re.MULTILINE)

    def shows_only_when_last(value):  # lessons.say returns prose that Jupyter shows as a cell's result, not before it
        return isinstance(value, ast.Call) and ast.unparse(value.func) == "lessons.say"

    dead = [f"{source.splitlines()[0]} ... {ast.unparse(statement)}" for source in code_sources(read(path))
            for statement in ast.parse(python_of(source)).body[:-1]
            if isinstance(statement, ast.Expr) and (isinstance(statement.value, (ast.Name, ast.Attribute, ast.Constant))
                                                    or shows_only_when_last(statement.value))]
    assert not dead, f"a bare value above a cell's last line is never shown: {dead}"


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
    assert "summary.citations()" in code_sources(notebook)[-1], "the last code cell lists the references used (Markdown)"


@pytest.mark.parametrize("path", CHAPTERS[1:], ids=ids(CHAPTERS[1:]))
def test_policy_chapter_checks_understanding(path):
    import inspect

    code = "\n".join(code_sources(read(path)))
    if path in BANKED:
        module = __import__(f"hpgwidgets.lessons.ch{chapter_of(path)}", fromlist=["BANK"])
        static = Path(module.__file__).with_suffix(".toml")
        code = inspect.getsource(module) + ("MultipleChoice(" if static.exists() else "")
    assert "MultipleChoice(" in code, "a multiple-choice check with explanations"
    assert "Predict(" in code, "a predict-then-run question"
    assert "Solution(" in code, "an exercise with a worked solution"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_notebook_runs_clean_in_a_fresh_kernel(path):
    notebook = read(path)
    notebook.cells.append(nbformat.v4.new_code_cell(ANSWER_EVERY_QUESTION))
    if path in BANKED:
        notebook.cells.append(nbformat.v4.new_code_cell(DESCRIBE_QUESTIONS))
        notebook.cells.append(nbformat.v4.new_code_cell(VERIFY_CLAIMS.format(chapter=chapter_of(path))))
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_SECONDS,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    # A CellExecutionError names the failing cell and its traceback (a claim that no longer holds included).
    client.execute()
    errors = [output for cell in notebook.cells if cell.cell_type == "code"
              for output in cell.outputs if output.output_type == "error"]
    assert not errors
    widget_cells = [cell for cell in notebook.cells if cell.cell_type == "code"
                    and any("application/vnd.jupyter.widget-view+json" in output.get("data", {}) for output in cell.outputs)]
    sources = "\n".join(code_sources(read(path)))
    if "quiz." in sources or "lessons.ask(" in sources:
        assert widget_cells, "quiz cells should display widgets"
        answered, positions = next(cell for cell in notebook.cells if cell.source == ANSWER_EVERY_QUESTION).outputs[0]["text"].splitlines()
        assert answered != "answered 0 questions"
        # Issue 16: a learner who always picks the same position must not beat guessing (tests/test_questions.py).
        from test_questions import favoured_positions

        keys = [tuple(pair) for pair in json.loads(positions.removeprefix("key positions "))]
        assert favoured_positions(keys) == {}, f"answers (options, position) favour a position: {keys}"
    if path in BANKED:
        # Predict, then see (issue 16), on the rendered notebook: no cell with output shows a question's evidence
        # unless the question unlocks it (tests/test_questions.py walks the same rule on the source alone).
        from test_questions import spoilers

        original = read(path)
        rendered = notebook.cells[:len(original.cells)]
        assert spoilers(original, shows=lambda index, _source: bool(rendered[index].outputs)) == []
        # ...and no paragraph beside a question (its Markdown, or prose a cell displayed) states the answer.
        from test_questions import paragraph_leaks

        asked = json.loads(next(cell for cell in notebook.cells if cell.source == DESCRIBE_QUESTIONS).outputs[0]["text"])
        assert paragraph_leaks(original, rendered, asked) == []
        held = notebook.cells[-1].outputs[0]["text"]
        assert held != "0 claims hold\n", "a chapter's text makes claims about the model; none were checked"


@pytest.mark.parametrize("path", BANKED, ids=ids(BANKED))
def test_policy_no_answer_or_check_in_the_students_path(path):
    """Answers, explanations and checks of the model live in the lesson bank; what a reader of the
    notebook (in Lab, Voila or a static rendering) sees before committing holds none of them."""
    for source in code_sources(read(path)):
        assert not re.search(r"quiz\.(MultipleChoice|Predict|Solution)\(|answer=|model_says=", source), (
            f"a check of understanding is written out in the notebook; move it to the lesson bank: {source[:80]!r}")
        assert not re.search(r"^\s*assert\s", source, re.MULTILINE), (
            f"checks of the model belong to the lesson bank's claims, not the student's path: {source[:80]!r}")
        assert "print(" not in source, f"prose is Markdown, not print(): {source[:80]!r}"


@pytest.mark.parametrize("path", BANKED, ids=ids(BANKED))
def test_policy_a_static_rendering_shows_no_answer(path):
    """nbviewer / `jupyter nbconvert --to html` of the committed notebook: no explanation of any option."""
    from nbconvert import HTMLExporter

    from hpgwidgets import lessons

    page, _ = HTMLExporter().from_notebook_node(read(path))
    shown = [text[:60] for text in lessons.explanations(chapter_of(path)) if html.escape(text[:60], quote=False) in page]
    assert shown == [], f"a static rendering shows explanations before any commit: {shown}"


@pytest.mark.parametrize("path", BANKED, ids=ids(BANKED))
def test_policy_bank_and_notebook_agree(path):
    """Every question and prose the bank holds is used by its notebook, and every key the notebook
    uses exists; question and prose cells are stored with their source collapsed."""
    notebook = read(path)
    bank = bank_of(path)
    used = set()
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        keys = re.findall(r"lessons\.(?:ask|say)\(\"([^\"]+)\"", cell.source)
        used.update(keys)
        if keys:
            assert cell.metadata.get("jupyter", {}).get("source_hidden") is True, f"{keys}: collapse the cell's source"
    offered = {f"{bank.chapter}.{name}" for name in (*bank.questions, *bank.prose)}
    assert used == offered, f"unused in the notebook: {sorted(offered - used)}; missing from the bank: {sorted(used - offered)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_policy_first_code_cell_installs_the_workbook_in_jupyterlite(path):
    """In JupyterLite (Pyodide) the kernel starts without hpgwidgets; the first code cell
    installs it there and does nothing elsewhere (docs/jupyterlite.md)."""
    first = code_sources(read(path))[0]
    assert 'if sys.platform == "emscripten"' in first and "%pip install -q hpgwidgets" in first


# JupyterLab shows a folded cell (source hidden) as its first line on one line that never wraps:
# a longer line than this scrolls the whole notebook sideways on a 1366-px laptop with the file
# browser open (about 115 characters fit; tests/browser/test_read_through.py sees the scroll bar).
FOLDED_FIRST_LINE_MAX_CHARACTERS = 88


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_policy_a_folded_cell_fits_a_laptop(path):
    too_long = {cell.get("id"): cell.source.splitlines()[0] for cell in read(path).cells
                if cell.get("metadata", {}).get("jupyter", {}).get("source_hidden") and cell.source
                and len(cell.source.splitlines()[0]) > FOLDED_FIRST_LINE_MAX_CHARACTERS}
    assert too_long == {}
