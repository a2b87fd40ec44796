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
crash or a full disk never leaves a half-written file where a good one was; the file keeps
its permissions, and a symbolic link stays a link (the file it points to is replaced).
A Scenario is deeply immutable: its regimen, patient and view cannot change after it is
built (``replace`` makes a changed copy). Loading a corrupt, truncated, oversized,
too deeply nested or hand-edited file raises ValueError naming the file, the field and
what is allowed. Preset teaching scenarios ship in ``data/scenarios/``:
``list_scenarios()`` names them, ``load_scenario(name)`` opens one.
"""
from __future__ import annotations

import json
import math
import os
import stat
import re
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from . import markup, validation
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
# A scenario file is about 1 kB; anything over this is not one, and is not read whole.
MAX_FILE_BYTES = 1_000_000
# A scenario nests four levels deep (scenario > regimen > doses > dose); refuse files nested
# far deeper before the JSON parser recurses into them.
MAX_NESTING = 32


class _ScenarioProblem(ValueError):
    """A problem in one field; ``Scenario.load`` adds the file name to the message."""


def _check_view(view: Mapping[str, Any]) -> Mapping[str, Any]:
    if not isinstance(view, Mapping):
        raise TypeError(f"field 'view' must be an object with keys {list(VIEW_FIELDS)}, got {type(view).__name__}")
    unknown = sorted(set(view) - set(VIEW_FIELDS))
    if unknown:
        raise ValueError(f"field 'view' has unknown keys {unknown}; allowed keys are {list(VIEW_FIELDS)}")
    checked = {**DEFAULT_VIEW, **view}
    # bool is an int in Python, but `"days": true` in a file is a mistake, not one day.
    checked["days"] = validation.whole_number("field 'view.days'", checked["days"], low=1, high=MAX_VIEW_DAYS,
                                              unit="days")
    variables = checked["variables"]
    if isinstance(variables, str) or not isinstance(variables, (list, tuple)):
        raise TypeError(f"field 'view.variables' must be a non-empty list of variable names, got {variables!r}")
    if not variables:
        raise ValueError("field 'view.variables' must be a non-empty list of variable names, got []")
    unknown_variables = [name for name in variables if name not in VARIABLES]
    if unknown_variables:
        raise ValueError(
            f"field 'view.variables' has unknown variables {unknown_variables}; allowed: {list(VARIABLES)}"
        )
    checked["variables"] = tuple(variables)
    return MappingProxyType(checked)


def _check_text(name: str, value: Any) -> str:
    value = validation.text(f"field '{name}'", value)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as problem:
        # a lone surrogate (e.g. from a broken copy-paste) cannot be written to a UTF-8 file
        raise ValueError(f"field '{name}' must be text that UTF-8 can store; character {problem.start} "
                         f"({value[problem.start]!r}) is a lone surrogate") from None
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
        validation.instance("regimen", self.regimen, Regimen, "an hpgwidgets.Regimen")
        validation.instance("patient", self.patient, Patient, "an hpgwidgets.Patient")
        _check_text("title", self.title)
        _check_text("notes", self.notes)
        # Frozen dataclass: store the checked, completed, read-only copy of the view.
        object.__setattr__(self, "view", _check_view(self.view))

    def __hash__(self):
        return hash((self.regimen, self.patient, tuple(self.view.items()), self.title, self.notes))

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
        # 1e400 parses as infinity: compare before any int() conversion can overflow
        if not validation.is_number(version) or not math.isfinite(version) or version != int(version):
            raise _ScenarioProblem(f"field 'version' must be the whole number {VERSION}, got {version!r}")
        if version != VERSION:
            newer = " (written by a newer hpgwidgets; upgrade to read it)" if version > VERSION else ""
            raise _ScenarioProblem(f"field 'version' is {version}{newer}; this hpgwidgets reads version {VERSION}")
        unknown = sorted(set(data) - set(TOP_LEVEL_FIELDS))
        if unknown:
            raise _ScenarioProblem(f"unknown fields {unknown}; allowed fields are {list(TOP_LEVEL_FIELDS)}")

        regimen = _from_part("regimen", Regimen, data["regimen"])
        patient = _from_part("patient", Patient, data.get("patient", {}))
        try:
            return cls(regimen=regimen, patient=patient, view=data.get("view", {}),
                       title=data.get("title", ""), notes=data.get("notes", ""))
        except (TypeError, ValueError) as problem:
            raise _ScenarioProblem(str(problem)) from None

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
        """Write the scenario to ``path`` atomically (temporary file, then rename); returns the path.

        An existing file keeps its permissions; when ``path`` is a symbolic link, the file it
        points to is replaced and the link stays.
        """
        path = validation.file_path("path", path)
        text = self.to_json()  # serialise first: a failure here must not touch any file
        data = text.encode("utf-8")
        validation.limit(f"{path}", len(data), MAX_FILE_BYTES, "the scenario file's size in bytes",
                         "shorten the notes")
        try:
            if not str(path).strip() or path.is_dir():
                raise IsADirectoryError(f"{str(path)!r} is a folder or empty; save to a file path such as "
                                        "'my-scenario.json'")
            target = Path(os.path.realpath(path))
        except IsADirectoryError:
            raise
        except OSError as problem:  # e.g. a name longer than the file system allows
            raise type(problem)(problem.errno, f"{path}: cannot save here ({problem.strerror})") from None
        if target.exists() and not target.is_file():
            # renaming over a named pipe or a device would silently replace it with a file
            raise ValueError(f"{path}: not a regular file (a pipe or device); save to a .json file path")
        if not target.parent.is_dir():
            raise FileNotFoundError(f"{path}: the folder {str(target.parent)!r} does not exist; create it first "
                                    "or save somewhere else")
        try:
            mode = target.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = None  # a new file: the user's umask decides, as for any file they create
        if mode is not None and not os.access(target, os.W_OK):
            # renaming over it would work (the folder is writable), but the owner made it read-only
            raise PermissionError(f"{path}: the file is read-only; save under another name or make it writable")
        temporary = target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp"
        try:
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except OSError as problem:
            # the temporary file's name means nothing to the user: name their path
            raise type(problem)(problem.errno, f"{path}: cannot write in {str(target.parent)!r} "
                                               f"({problem.strerror})") from None
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                if mode is not None:
                    os.fchmod(stream.fileno(), mode)
                os.fsync(stream.fileno())
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        return path

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Scenario":
        """Read a scenario file; ValueError names the file, the field and what is allowed."""
        path = validation.file_path("path", path)
        # A named pipe or a device would block or never end: look before opening, and open
        # without following a swap to a pipe in between (O_NONBLOCK), then check again.
        if path.exists() and not path.is_file():
            raise ValueError(f"{path}: not a regular file (a folder, pipe or device); a scenario is a .json file")
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(handle, "rb") as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                raise ValueError(f"{path}: not a regular file (a folder, pipe or device); a scenario is a .json file")
            raw = stream.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise ValueError(f"{path}: the file is larger than {MAX_FILE_BYTES:,} bytes; a scenario file is "
                             "a few kilobytes, so this is not one")
        try:
            text = raw.decode("utf-8-sig")  # a byte-order mark from a Windows editor is harmless
        except UnicodeDecodeError as problem:
            raise ValueError(f"{path}: not a scenario file (not UTF-8 text: {problem})") from None
        if not text.strip():
            raise ValueError(f"{path}: the file is empty; expected a {FORMAT} JSON object")
        try:
            _check_nesting(text)
            data = json.loads(text, object_pairs_hook=_reject_duplicate_keys, parse_constant=_reject_constant)
        except json.JSONDecodeError as problem:
            hint = " (the file looks truncated: it ends before the JSON does)" if _ends_early(text, problem) else ""
            raise ValueError(
                f"{path}: not valid JSON at line {problem.lineno}, column {problem.colno}: {problem.msg}{hint}"
            ) from None
        except _ScenarioProblem as problem:
            raise ValueError(f"{path}: {problem}") from None
        except ValueError as problem:  # e.g. an integer of thousands of digits
            raise ValueError(f"{path}: not a scenario file ({problem})") from None
        try:
            return cls.from_dict(data)
        except _ScenarioProblem as problem:
            raise ValueError(f"{path}: {problem}") from None


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")


def _check_nesting(text: str) -> None:
    """Refuse JSON nested deeper than MAX_NESTING before parsing it (the parser recurses)."""
    depth = 0
    for bracket in _BRACKETS.findall(_JSON_STRING.sub('""', text)):
        depth += 1 if bracket in "[{" else -1
        if depth > MAX_NESTING:
            raise _ScenarioProblem(f"the JSON is nested more than {MAX_NESTING} levels deep; a scenario nests four")


def _ends_early(text: str, problem: json.JSONDecodeError) -> bool:
    """True when the parser ran out of text: the file was cut short (interrupted copy, full
    disk), as opposed to holding something that is not JSON at all."""
    if not text.lstrip().startswith(("{", "[")):
        return False
    return problem.pos >= len(text.rstrip()) or problem.msg.startswith("Unterminated string")


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
    except (ValueError, TypeError) as problem:
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
    validation.text("preset name", name)
    if name not in names:
        raise ValueError(f"unknown scenario {name!r}; presets are {names}")
    return Scenario.load(scenarios_dir() / f"{name}.json")


__all__ = ["Scenario", "list_scenarios", "load_scenario", "FORMAT", "VERSION"]
