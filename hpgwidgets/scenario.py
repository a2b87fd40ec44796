"""Scenarios: a regimen, a patient and how to look at them, saved as a small JSON file.

A lecturer prepares a scenario once (in code or in the Workbench), saves it, and brings it
back in class. The file is human-readable and versioned::

    {
      "format": "hpgwidgets-scenario",
      "version": 1,
      "title": "TRT alone",
      "notes": "What to look for ...",
      "regimen": {... Regimen.to_dict() ...},
      "patient": {... Patient.to_dict() ...},
      "view": {"days": 365, "variables": ["testosterone", "lh", "fsh", "sperm"]}
    }

Saving writes a temporary file in the same folder and renames it over the target, so a
crash or a full disk never leaves a half-written file where a good one was. Loading a
corrupt, truncated or hand-edited file raises ValueError naming the file, the field and
what is allowed. Preset teaching scenarios ship in ``data/scenarios/``:
``list_scenarios()`` names them, ``load_scenario(name)`` opens one.
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

from . import markup
from .patient import Patient
from .pharmacology import DRUGS
from .regimen import Regimen
from .simulation import VARIABLES, simulate
from .tables import data_dir

FORMAT = "hpgwidgets-scenario"
VERSION = 1
TOP_LEVEL_FIELDS = ("format", "version", "title", "notes", "regimen", "patient", "view")
REQUIRED_FIELDS = ("format", "version", "regimen")

# View settings are display choices, not model parameters. The longest view is ten years:
# the slowest recoveries the workbook discusses take two to three, and a longer window only
# makes the Workbench slow without teaching anything more.
DEFAULT_VIEW = {"days": 365, "variables": ("testosterone", "lh", "fsh", "sperm")}
MAX_VIEW_DAYS = 3650
VIEW_FIELDS = ("days", "variables")


class _ScenarioProblem(ValueError):
    """A problem in one field; ``Scenario.load`` adds the file name to the message."""


def _check_view(view: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(view, Mapping):
        raise _ScenarioProblem(
            f"field 'view' must be an object with keys {list(VIEW_FIELDS)}, got {type(view).__name__}"
        )
    unknown = sorted(set(view) - set(VIEW_FIELDS))
    if unknown:
        raise _ScenarioProblem(f"field 'view' has unknown keys {unknown}; allowed keys are {list(VIEW_FIELDS)}")
    checked = {**DEFAULT_VIEW, **view}

    days = checked["days"]
    # bool is an int in Python, but `"days": true` in a file is a mistake, not one day.
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_VIEW_DAYS:
        raise _ScenarioProblem(
            f"field 'view.days' must be a whole number of days from 1 to {MAX_VIEW_DAYS}, got {days!r}"
        )

    variables = checked["variables"]
    if isinstance(variables, str) or not isinstance(variables, (list, tuple)) or not variables:
        raise _ScenarioProblem(
            f"field 'view.variables' must be a non-empty list of variable names, got {variables!r}"
        )
    allowed = VARIABLES
    unknown_variables = [name for name in variables if name not in allowed]
    if unknown_variables:
        raise _ScenarioProblem(
            f"field 'view.variables' has unknown variables {unknown_variables}; allowed: {list(allowed)}"
        )
    checked["variables"] = tuple(variables)
    return checked


def _check_text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise _ScenarioProblem(f"field '{name}' must be text, got {type(value).__name__} {value!r}")
    return value


@dataclass(frozen=True)
class Scenario:
    """A regimen given to a patient, plus view settings, a title and teaching notes.

    ``view`` keys: ``days`` (whole days to simulate and show, 1..3650, default 365) and
    ``variables`` (names from the model's Result, default testosterone, LH, FSH, sperm).
    """

    regimen: Regimen
    patient: Patient = field(default_factory=Patient)
    view: Mapping[str, Any] = field(default_factory=dict)
    title: str = ""
    notes: str = ""

    def __post_init__(self):
        if not isinstance(self.regimen, Regimen):
            raise ValueError(f"regimen must be an hpgwidgets.Regimen, got {type(self.regimen).__name__}")
        if not isinstance(self.patient, Patient):
            raise ValueError(f"patient must be an hpgwidgets.Patient, got {type(self.patient).__name__}")
        _check_text("title", self.title)
        _check_text("notes", self.notes)
        # Frozen dataclass: store the checked, completed copy of the view.
        object.__setattr__(self, "view", _check_view(self.view))

    @property
    def days(self) -> int:
        return self.view["days"]

    @property
    def variables(self) -> tuple[str, ...]:
        return self.view["variables"]

    def simulate(self):
        """Run the model for this scenario: a Result over ``view['days']`` days."""
        return simulate(self.regimen, days=self.days, patient=self.patient)

    def replace(self, **changes) -> "Scenario":
        """A copy with some fields changed, e.g. ``scenario.replace(title="Week 3")``."""
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "title": self.title,
            "notes": self.notes,
            "regimen": self.regimen.to_dict(),
            "patient": self.patient.to_dict(),
            "view": {"days": self.days, "variables": list(self.variables)},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Scenario":
        """Build a Scenario from the dict form of a file; ValueError names any bad field."""
        if not isinstance(data, Mapping):
            raise _ScenarioProblem(
                f"a scenario must be a JSON object with fields {list(TOP_LEVEL_FIELDS)}, "
                f"got {type(data).__name__}"
            )
        missing = [name for name in REQUIRED_FIELDS if name not in data]
        if missing:
            raise _ScenarioProblem(f"missing fields {missing}; a scenario needs {list(REQUIRED_FIELDS)}")
        if data["format"] != FORMAT:
            raise _ScenarioProblem(f"field 'format' must be {FORMAT!r}, got {data['format']!r}")
        version = data["version"]
        if isinstance(version, bool) or not isinstance(version, int):
            raise _ScenarioProblem(f"field 'version' must be the whole number {VERSION}, got {version!r}")
        if version != VERSION:
            newer = " (written by a newer hpgwidgets; upgrade to read it)" if version > VERSION else ""
            raise _ScenarioProblem(f"field 'version' is {version}{newer}; this hpgwidgets reads version {VERSION}")
        unknown = sorted(set(data) - set(TOP_LEVEL_FIELDS))
        if unknown:
            raise _ScenarioProblem(f"unknown fields {unknown}; allowed fields are {list(TOP_LEVEL_FIELDS)}")

        regimen = _from_part("regimen", Regimen, data["regimen"])
        patient = _from_part("patient", Patient, data.get("patient", {}))
        return cls(
            regimen=regimen,
            patient=patient,
            view=data.get("view", {}),
            title=_check_text("title", data.get("title", "")),
            notes=_check_text("notes", data.get("notes", "")),
        )

    def _repr_html_(self) -> str:
        """The scenario in a notebook: title, notes and doses, all shown as literal text
        (a shared file's title or notes may hold markup; it must never run)."""
        doses = "".join(f"<li>{markup.text(_dose_words(dose))}</li>" for dose in self.regimen) or "<li>no treatment</li>"
        return (f"<div class='hpg-scenario'><h3>{markup.text(self.title or 'Untitled scenario')}</h3>"
                f"<p style='white-space:pre-wrap'>{markup.text(self.notes)}</p><ul>{doses}</ul>"
                f"<p>{self.days} days shown; patient aged {self.patient.age:g}</p></div>")

    def to_json(self) -> str:
        # allow_nan=False: a NaN or infinity must never reach a file (JSON has no such numbers).
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"

    def save(self, path: str | os.PathLike) -> Path:
        """Write the scenario to ``path`` atomically (temporary file, then rename); returns the path."""
        path = Path(path)
        text = self.to_json()  # serialise first: a failure here must not touch any file
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return path

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Scenario":
        """Read a scenario file; ValueError names the file, the field and what is allowed."""
        path = Path(path)
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as problem:
            raise ValueError(f"{path}: not a scenario file (not UTF-8 text: {problem})") from None
        if not text.strip():
            raise ValueError(f"{path}: the file is empty; expected a {FORMAT} JSON object")
        try:
            data = json.loads(text, object_pairs_hook=_reject_duplicate_keys, parse_constant=_reject_constant)
        except json.JSONDecodeError as problem:
            # A file cut short (interrupted copy, full disk) stops before its closing brace.
            looks_truncated = problem.pos >= len(text.rstrip()) or not text.rstrip().endswith("}")
            hint = " (the file looks truncated)" if looks_truncated and text.lstrip().startswith("{") else ""
            raise ValueError(
                f"{path}: not valid JSON at line {problem.lineno}, column {problem.colno}: {problem.msg}{hint}"
            ) from None
        except _ScenarioProblem as problem:
            raise ValueError(f"{path}: {problem}") from None
        try:
            return cls.from_dict(data)
        except _ScenarioProblem as problem:
            raise ValueError(f"{path}: {problem}") from None


def _dose_words(dose) -> str:
    drug = DRUGS[dose.drug]
    until = "the end" if dose.stop_day is None else f"day {dose.stop_day:g}"
    return (f"{drug.name} {dose.amount:g} {drug.amount_unit} every {dose.every_days:g} days, "
            f"from day {dose.start_day:g} to {until}")


def _from_part(name: str, kind, value):
    if not isinstance(value, Mapping):
        raise _ScenarioProblem(f"field '{name}' must be an object, got {type(value).__name__} {value!r}")
    try:
        return kind.from_dict(value)
    except (ValueError, TypeError, KeyError) as problem:
        # The model's own message says what is allowed (drug ids, dose limits, ...).
        raise _ScenarioProblem(f"field '{name}': {problem}") from None


def _reject_duplicate_keys(pairs):
    keys = [key for key, _ in pairs]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise _ScenarioProblem(f"keys {duplicates} appear more than once in the same object")
    return dict(pairs)


def _reject_constant(name):
    raise _ScenarioProblem(f"{name} is not a number a scenario may hold (use finite numbers only)")


def scenarios_dir() -> Path:
    return data_dir() / "scenarios"


def list_scenarios() -> list[str]:
    """Names of the preset teaching scenarios shipped in data/scenarios/ (sorted)."""
    return sorted(path.stem for path in scenarios_dir().glob("*.json"))


def load_scenario(name: str) -> Scenario:
    """A preset teaching scenario by name, e.g. ``load_scenario("trt_alone")``."""
    names = list_scenarios()
    if name not in names:
        raise ValueError(f"unknown scenario {name!r}; presets are {names}")
    return Scenario.load(scenarios_dir() / f"{name}.json")


__all__ = ["Scenario", "list_scenarios", "load_scenario", "FORMAT", "VERSION"]
