"""`make lab`: JupyterLab without a news pop-up, every cell kept in the page, and saved widgets that
say they need a kernel instead of "Error displaying widget: model not found" next session."""
import json
from pathlib import Path

import nbformat
from jupyter_server.services.contents.filemanager import FileContentsManager
from traitlets.config.loader import PyFileConfigLoader

from hpgwidgets.saving import NEEDS_A_KERNEL, WIDGET_VIEW, widget_views_as_text

LAB_DIR = Path(__file__).resolve().parent.parent / "lab"


def lab_config():
    return PyFileConfigLoader("jupyter_lab_config.py", path=str(LAB_DIR)).load_config()


def test_make_lab_loads_the_workbook_configuration():
    makefile = (LAB_DIR.parent / "Makefile").read_text()
    assert "--config=lab/jupyter_lab_config.py" in makefile.split("\nlab:", 1)[1].split("\n\n", 1)[0]


def test_no_news_pop_up_and_windowing_off():
    config = lab_config()
    assert config.LabApp.news_url is None, "no news feed: Lab then never asks whether to fetch news"
    overrides = json.loads((Path(config.LabApp.app_settings_dir) / "overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false", "checkForUpdates": False}
    assert overrides["@jupyterlab/notebook-extension:tracker"]["windowingMode"] == "none"


def notebook_with_a_widget_output():
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("quiz")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={WIDGET_VIEW: {"model_id": "abc", "version_major": 2, "version_minor": 0},
                                                     "text/plain": "MultipleChoice(...)"}),
        nbformat.v4.new_output("stream", name="stdout", text="kept\n"),
    ]
    notebook.cells = [cell]
    notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return notebook


def test_a_saved_notebook_keeps_a_note_instead_of_a_dangling_widget(tmp_path):
    """Saved through Jupyter's own contents manager with the hook `make lab` configures."""
    config = lab_config()
    manager = FileContentsManager(root_dir=str(tmp_path))
    manager.pre_save_hook = config.FileContentsManager.pre_save_hook
    manager.save({"type": "notebook", "format": "json", "content": json.loads(nbformat.writes(notebook_with_a_widget_output()))},
                 "lesson.ipynb")
    saved = nbformat.read(tmp_path / "lesson.ipynb", as_version=4)
    first, second = saved.cells[0].outputs
    assert first.data == {"text/plain": NEEDS_A_KERNEL}
    assert "needs a running kernel" in NEEDS_A_KERNEL and "Run this cell" in NEEDS_A_KERNEL
    assert second.text == "kept\n", "other outputs are kept"
    assert "widgets" not in saved.metadata
    nbformat.validate(saved)


def test_the_hook_leaves_other_files_alone():
    model = {"type": "file", "content": "print('hello')"}
    widget_views_as_text(model)
    assert model == {"type": "file", "content": "print('hello')"}
