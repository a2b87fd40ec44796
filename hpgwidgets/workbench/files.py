"""The Workbench's file actions: figures for slides (PNG/SVG) and scenarios saved and loaded as JSON.

Every path and title shown back to the user goes through ``markup`` (a file may come from
anyone). A failed action says why under the charts and changes nothing on screen.

In presentation mode (``make present`` sets ``HPG_FILES_FOLDER``) every path typed into
the boxes is taken inside that one folder: an absolute path, ``~`` or a ``..`` leading out
of it is refused, so a dashboard served to a room cannot write or read anywhere else.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

import ipywidgets as widgets

from .. import charts, markup, validation
from ..scenario import Scenario, list_scenarios, load_scenario

DEFAULT_EXPORT_FOLDER = "hpg-figures"
DEFAULT_SCENARIO_FILE = "my-scenario.json"
FILES_FOLDER_VARIABLE = "HPG_FILES_FOLDER"


class Owner(Protocol):
    """What the file actions use of the widget that holds them (the Workbench's public API)."""

    errors: widgets.Output  # where an unexpected error of a button is shown
    cursor_day: float       # names the exported figures

    def figures(self) -> dict: ...

    def to_scenario(self) -> Scenario: ...

    def apply_scenario(self, scenario: Scenario) -> None: ...

    def show_problem(self, problem: Exception, what: str) -> None: ...


def confined_path(text: str, folder: str | os.PathLike | None) -> Path:
    """The path the user typed; with a ``folder`` (presentation mode), inside that folder only."""
    validation.file_path("the file name", text)
    if folder is None:
        return Path(text).expanduser()
    root = Path(folder).resolve()
    if Path(text).is_absolute() or text.startswith("~"):
        raise ValueError(f"{text!r} is outside the presentation folder; give a name inside it, "
                         f"e.g. {DEFAULT_SCENARIO_FILE!r} (files stay in {str(root)!r})")
    path = (root / text).resolve()
    if not path.is_relative_to(root):
        raise ValueError(f"{text!r} leads outside the presentation folder; files stay in {str(root)!r}")
    return path


def free_stem(folder: Path, stem: str, formats) -> str:
    """``stem``, or ``stem-2``, ``stem-3``... so an export never overwrites an earlier one."""
    candidate, number = stem, 1
    while any((folder / f"{candidate}-{kind}.{fmt}").exists() for kind in ("chart", "diagram") for fmt in formats):
        number += 1
        candidate = f"{stem}-{number}"
    return candidate


def open_scenario(name: str, folder: str | os.PathLike | None = None) -> Scenario:
    """A preset by its name, or a scenario file by its path (inside ``folder`` when given)."""
    return load_scenario(name) if name in list_scenarios() else Scenario.load(confined_path(name, folder))


class FileActions:
    """Export and scenario buttons of one Workbench.

    ``owner`` is used only through ``Owner``; ``folder`` (default: ``HPG_FILES_FOLDER``, set
    by ``make present``) keeps every file inside one folder.
    """

    def __init__(self, owner: Owner, folder: str | os.PathLike | None = None):
        self.owner = owner
        self.folder = os.environ.get(FILES_FOLDER_VARIABLE) or None if folder is None else folder
        text_style = {"description_width": "11.5em"}
        wide = widgets.Layout(width="98%")
        auto = widgets.Layout(width="auto")
        self.widgets = {
            "export_folder": widgets.Text(value=DEFAULT_EXPORT_FOLDER, description="Save into folder",
                                          style=text_style, layout=wide, continuous_update=False),
            "export_png": widgets.Button(description="Save PNG", icon="download", layout=auto),
            "export_svg": widgets.Button(description="Save SVG", icon="download", layout=auto),
            "scenario_file": widgets.Text(value=DEFAULT_SCENARIO_FILE, description="Scenario file or preset",
                                          placeholder=f"a .json path, or a preset: {', '.join(list_scenarios())}",
                                          style=text_style, layout=wide, continuous_update=False),
            "save_scenario": widgets.Button(description="Save scenario", icon="save", layout=auto),
            "load_scenario": widgets.Button(description="Load scenario", icon="folder-open", layout=auto),
        }
        for name, control in self.widgets.items():
            control.add_class(f"hpg-{name}")
        self.status = widgets.HTML()
        self.status.add_class("hpg-export-status")
        actions = {"export_png": lambda: self._export_clicked("png"), "export_svg": lambda: self._export_clicked("svg"),
                   "save_scenario": self._save_clicked, "load_scenario": self._load_clicked}
        for name, action in actions.items():
            self.widgets[name].on_click(self._reported(action))

    def _reported(self, action):
        """A button callback whose unexpected errors show under the charts, not in a hidden log."""
        def clicked(_button):
            with self.owner.errors:
                action()
        return clicked

    def tab_page(self) -> list[widgets.Widget]:
        w = self.widgets
        return [w["export_folder"], widgets.HBox([w["export_png"], w["export_svg"]]), w["scenario_file"],
                widgets.HBox([w["save_scenario"], w["load_scenario"]]), self.status]

    def export(self, formats=("png", "svg")) -> list[Path]:
        """Save the time-series chart and the diagram into the chosen folder; returns the paths."""
        formats = validation.export_formats(formats)  # checked before any figure is drawn
        folder = confined_path(self.widgets["export_folder"].value.strip() or ".", self.folder).resolve()
        stem = free_stem(folder, f"hpg-week{self.owner.cursor_day / 7:.0f}", formats)
        written = []
        for kind, figure in self.owner.figures().items():
            written += charts.export_chart(figure, folder, f"{stem}-{kind}", formats).values()
        return written

    def _export_clicked(self, fmt: str):
        try:
            paths = self.export((fmt,))
        except (ValueError, OSError) as problem:
            self.status.value = ""
            self.owner.show_problem(problem, "The figure could not be saved")
            return
        self.status.value = "Saved: " + ", ".join(markup.code(path) for path in paths)

    def _scenario_path(self) -> str:
        return self.widgets["scenario_file"].value.strip()

    def _save_clicked(self):
        try:
            path = self.owner.to_scenario().save(confined_path(self._scenario_path() or DEFAULT_SCENARIO_FILE,
                                                               self.folder))
        except (ValueError, OSError) as problem:
            self.owner.show_problem(problem, "The scenario could not be saved")
            return
        self.status.value = f"Scenario saved: {markup.code(path)}"

    def _load_clicked(self):
        name = self._scenario_path()
        try:
            scenario = open_scenario(name, self.folder)
            self.owner.apply_scenario(scenario)
        except (ValueError, OSError) as problem:
            self.owner.show_problem(problem, f"The scenario {name!r} could not be loaded")
            return
        self.status.value = f"Scenario loaded: {markup.text(scenario.title or name)}"
