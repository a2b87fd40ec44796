"""The Workbench's file boxes: in presentation mode every path stays inside one folder.

``make present`` sets HPG_FILES_FOLDER; a path typed into the dashboard (absolute, ``~``
or ``..`` leading out) must neither write nor read outside it.
"""
import re

import ipywidgets as widgets
import pytest

import hpgwidgets as hpg
from hpgwidgets.workbench.files import FILES_FOLDER_VARIABLE, FileActions, confined_path


class Owner:
    """The least a FileActions needs of its owner (files.Owner): no Workbench, no model run."""

    cursor_day = 14.0

    def __init__(self):
        self.errors = widgets.Output()
        self.problems, self.applied = [], []
        self.scenario = hpg.Scenario(hpg.Regimen([hpg.Dose("hcg", 500, every_days=2)]), title="from the owner")

    def figures(self):
        return {}

    def to_scenario(self):
        return self.scenario

    def apply_scenario(self, scenario):
        self.applied.append(scenario)

    def show_problem(self, problem, what):
        self.problems.append(f"{what}: {problem}")


@pytest.mark.parametrize("typed", ["/tmp/escape.json", "~/escape.json", "../escape.json", "a/../../escape.json"])
def test_a_path_leading_out_of_the_presentation_folder_is_refused(tmp_path, typed):
    folder = tmp_path / "room"
    folder.mkdir()
    with pytest.raises(ValueError, match="presentation folder"):
        confined_path(typed, folder)
    owner = Owner()
    files = FileActions(owner, folder=folder)
    files.widgets["scenario_file"].value = typed
    files.widgets["save_scenario"].click()
    assert "could not be saved" in owner.problems[-1] and "presentation folder" in owner.problems[-1]
    files.widgets["load_scenario"].click()
    assert "could not be loaded" in owner.problems[-1] and not owner.applied
    assert not (tmp_path / "escape.json").exists()


def test_inside_the_presentation_folder_saving_and_loading_work(tmp_path):
    owner = Owner()
    files = FileActions(owner, folder=tmp_path)
    files.widgets["scenario_file"].value = "lesson/../week3.json"
    files.widgets["save_scenario"].click()
    assert (tmp_path / "week3.json").exists() and not owner.problems
    files.widgets["scenario_file"].value = "week3.json"
    files.widgets["load_scenario"].click()
    assert owner.applied == [owner.scenario]
    files.widgets["scenario_file"].value = "trt_alone"  # the presets stay available by name
    files.widgets["load_scenario"].click()
    assert owner.applied[-1] == hpg.load_scenario("trt_alone")


def test_the_workbench_takes_its_folder_from_make_present(tmp_path, monkeypatch):
    monkeypatch.setenv(FILES_FOLDER_VARIABLE, str(tmp_path))
    wb = hpg.Workbench()
    assert wb.files.folder == str(tmp_path)
    wb.controls["export_folder"].value = "/etc"
    wb.controls["export_svg"].click()
    assert "presentation folder" in wb.problem
    wb.controls["export_folder"].value = "slides"
    wb.controls["export_svg"].click()
    assert len(list((tmp_path / "slides").glob("*.svg"))) == 2
    monkeypatch.delenv(FILES_FOLDER_VARIABLE)
    assert hpg.Workbench().files.folder is None  # a notebook saves wherever its user says


@pytest.mark.parametrize("formats, error, message", [
    ("png", TypeError, "formats must be a list of image formats among ('png', 'svg'), such as ('png',), got str 'png'"),
    (None, TypeError, "formats must be a list of image formats"),
    ([], ValueError, "formats must name at least one of ('png', 'svg')"),
    (["gif"], ValueError, "formats entry must be one of 'png', 'svg'; got 'gif'"),
])
def test_export_formats_are_checked_before_any_figure_is_drawn(tmp_path, formats, error, message):
    owner = Owner()
    owner.figures = lambda: pytest.fail("a figure was drawn for formats that cannot be written")
    with pytest.raises(error, match=re.escape(message)):
        FileActions(owner, folder=tmp_path).export(formats)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("typed, words", [
    ("a\0b.json", "the file name must not contain a NUL character"),
    ("\ud800.json", "the file name must be text a file name can hold; character 0 ('\\ud800') is a lone surrogate"),
])
@pytest.mark.parametrize("folder", ["room", None])
def test_a_file_name_no_file_system_can_hold_is_named_in_words(tmp_path, monkeypatch, typed, words, folder):
    monkeypatch.chdir(tmp_path)
    owner = Owner()
    files = FileActions(owner, folder=tmp_path if folder else None)
    files.widgets["scenario_file"].value = typed
    files.widgets["save_scenario"].click()
    assert owner.problems[-1].startswith(f"The scenario could not be saved: {words}")
    files.widgets["load_scenario"].click()
    assert words in owner.problems[-1] and not owner.applied
    assert list(tmp_path.iterdir()) == []
