"""What each notebook asks and says about the model, kept out of the student's path.

Every numbered notebook ``NN_*.ipynb`` has a module ``hpgwidgets.lessons.chNN`` (``ch01``, ``ch02a`` ...)
holding three kinds of entries, registered on that module's :class:`Bank`:

* **questions** (checks of understanding and worked solutions, with their answers and explanations).
  Questions that need no model (a multiple choice about anatomy) are data, in ``chNN.toml`` next to
  the module; questions whose answer or reveal comes from a simulation are functions. The notebook cell is only ``lessons.ask("01.lh_after_trt", three_weeks)``: the key and the
  simulation the notebook ran, nothing a reader could take an answer from;
* **prose**: sentences that state model figures, built from the simulation when the notebook runs
  (``lessons.say("01.cohort_vs_who", no_sperm)`` displays Markdown). Comparison words ("above",
  "below") are chosen from the numbers, so the text cannot contradict them;
* **claims**: what the notebook's fixed text asserts about the model ("hormones recover before
  sperm"). Each claim function takes notebook variables by name and returns ``{claim: holds}``.

Predict, then see. A question declares its **evidence**: the notebook variables (simulation runs)
whose charts or tables would give its answer away; by default, the runs it is asked with. The
notebook shows a chart or table built from that evidence only inside the question's reveal or in a
cell the question unlocks, ``lessons.after("02a.highest_lh_schedule", lambda: ...)``: that cell stays
closed until the learner commits. ``tests/test_questions.py`` walks every notebook and checks it.

Answer positions teach nothing: :func:`ask` offers each choice question's answer at a position the
bank spreads evenly over its questions (``Bank.slot``), the other options in a seeded shuffle.

``tests/test_notebooks.py`` runs every notebook and then calls :func:`verify` in its kernel: every
claim of the chapter, and every claim carried by the prose it displayed, must hold. When the model
is refitted, the figures in the text follow; a claim that stops holding fails the test.
docs/notebooks.md describes the design.
"""
from __future__ import annotations

import importlib
import inspect
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

__all__ = ["Bank", "Prose", "ask", "say", "after", "verify", "bank_of", "explanations"]


@dataclass(frozen=True)
class Prose:
    """Markdown that states model figures, with the figures and the claims it rests on."""

    markdown: str
    figures: Mapping[str, float] = field(default_factory=dict)
    claims: Mapping[str, bool] = field(default_factory=dict)

    def _repr_markdown_(self) -> str:
        from ..summary import labelled_tables

        return labelled_tables(self.markdown)

    def __repr__(self) -> str:  # the plain-text view a terminal shows
        return self.markdown


class Bank:
    """The questions, prose and claims of one notebook, each under a short name."""

    def __init__(self, chapter: str):
        self.chapter = chapter
        self.questions: dict[str, Callable] = {}
        self.prose: dict[str, Callable[..., Prose]] = {}
        self.claims: dict[str, Callable[..., Mapping[str, bool]]] = {}
        self.texts: dict[str, Mapping] = {}
        # question name -> notebook variables whose display would answer it (see the module docstring)
        self.evidence: dict[str, tuple[str, ...]] = {}
        # questions asked with runs that are their premise (a sheet shown on purpose), declared evidence=()
        self.premise_only: set[str] = set()
        self._load_static_questions(Path(__file__).with_name(f"ch{chapter}.toml"))

    def _load_static_questions(self, path: Path) -> None:
        """``[name]`` tables with question, answer and an ``options`` table {option: explanation}."""
        if not path.exists():
            return
        with path.open("rb") as handle:
            entries = tomllib.load(handle)
        for name, entry in entries.items():
            unknown = set(entry) - {"question", "answer", "options", "kind"}
            if unknown or "options" not in entry or "question" not in entry:
                raise ValueError(f"{path.name} [{name}]: a question has question, options and answer (or kind); got {sorted(entry)}")
            if entry.get("kind") == "predict":
                # The text of a predict-then-run question whose answer and reveal the module computes.
                self.texts[name] = entry
            elif "answer" in entry:
                self._register(self.questions, name)(partial(_static_multiple_choice, entry))
                self.evidence[name] = ()
            else:
                raise ValueError(f"{path.name} [{name}]: a multiple choice needs an answer; a model-read one has kind = \"predict\"")

    def _register(self, table: dict, name: str) -> Callable:
        def decorator(function: Callable) -> Callable:
            if name in self.questions or name in self.prose or name in self.claims:
                raise ValueError(f"{self.chapter}.{name} is registered twice")
            table[name] = function
            return function

        return decorator

    def question(self, name: str, *, evidence: tuple[str, ...] | None = None) -> Callable:
        """Register a function returning a quiz widget (MultipleChoice, Predict or Solution).

        ``evidence``: the notebook variables whose charts or tables would answer the question, so the
        notebook may show them only after the commitment. By default the function's parameters (the
        runs it is asked with); a worked solution (``solution_*``) commits nothing and has none. ``evidence=()``
        declares that the runs are the question's premise (the sheet it asks about), shown on purpose.
        """
        register = self._register(self.questions, name)

        def decorator(function: Callable) -> Callable:
            register(function)
            if name.startswith("solution_"):
                declared = ()
            elif evidence is None:
                declared = tuple(inspect.signature(function).parameters)
            else:
                declared = tuple(evidence)
                if not declared:
                    self.premise_only.add(name)
            unknown = set(declared) - set(inspect.signature(function).parameters)
            if unknown:
                raise ValueError(f"{self.chapter}.{name}: evidence {sorted(unknown)} is not among the runs it is asked with")
            self.evidence[name] = declared
            return function

        return decorator

    def slot(self, name: str) -> int:
        """The position (0 = first, modulo the number of options) at which question ``name`` offers its answer.

        Questions are taken in the bank's order (worked solutions left out) in blocks of four; each block
        uses every position once, in an order shuffled with a seed fixed by the chapter, so no position
        wins and no simple cycle can be learnt.
        """
        import random

        names = [question for question in self.questions if not question.startswith("solution_")]
        if name not in names:
            raise ValueError(f"notebook {self.chapter} has no choice question named {name!r}")
        index = names.index(name)
        block = list(range(4))
        random.Random(f"{self.chapter}/{index // 4}").shuffle(block)
        return block[index % 4]

    def say(self, name: str) -> Callable:
        """Register a function returning :class:`Prose` built from model results."""
        return self._register(self.prose, name)

    def claim(self, name: str) -> Callable:
        """Register a function of notebook variables (by parameter name) returning ``{claim: holds}``."""
        return self._register(self.claims, name)

    @property
    def keys(self) -> set[str]:
        return {f"{self.chapter}.{name}" for table in (self.questions, self.prose, self.claims) for name in table}


def _static_multiple_choice(entry: Mapping):
    from ..quiz import MultipleChoice

    return MultipleChoice(entry["question"], entry["options"], answer=entry["answer"])


def bank_of(chapter: str) -> Bank:
    """The Bank of notebook ``chapter`` ("00", "01", "02a" ...)."""
    if not isinstance(chapter, str) or not chapter.isalnum():
        raise ValueError(f"chapter must be a notebook number such as '01' or '02a', got {chapter!r}")
    try:
        module = importlib.import_module(f"{__name__}.ch{chapter}")
    except ModuleNotFoundError as error:
        if error.name != f"{__name__}.ch{chapter}":
            raise  # the bank exists but something it imports is missing: say that, not "no bank"
        raise ValueError(f"no lesson bank for notebook {chapter!r} (expected hpgwidgets/lessons/ch{chapter}.py)") from None
    return module.BANK


def _split(key: str) -> tuple[Bank, str]:
    if not isinstance(key, str) or key.count(".") != 1:
        raise ValueError(f"a lesson key is '<notebook>.<name>', such as '01.lh_after_trt'; got {key!r}")
    chapter, name = key.split(".")
    return bank_of(chapter), name


def _lookup(table: dict, key: str, kind: str, bank: Bank) -> Callable:
    name = key.split(".")[1]
    if name not in table:
        raise ValueError(f"notebook {bank.chapter} has no {kind} named {name!r}; it has: {sorted(table)}")
    return table[name]


# Prose displayed in this kernel, in order: verify() checks the claims each one carried.
SAID: list[tuple[str, Prose]] = []


# Questions asked in this kernel, by key: after() waits for their commitment.
ASKED: dict[str, object] = {}


def ask(key: str, *args, **kwargs):
    """The check of understanding or worked solution stored under ``key`` (e.g. "01.lh_after_trt")."""
    bank, name = _split(key)
    question = _lookup(bank.questions, key, "question", bank)(*args, **kwargs)
    if getattr(question, "options", None):
        question.place_answer(bank.slot(name))
    ASKED[key] = question
    return question


def after(keys, build: Callable[[], object]):
    """A cell that stays closed until the learner has committed to the question(s) ``keys``; then it
    shows what ``build()`` returns (a chart, a table, prose, or a list of them).

    Evidence that would answer a question goes here (or in the question's reveal), never in an open cell.
    """
    import ipywidgets as widgets

    from .. import quiz

    keys = (keys,) if isinstance(keys, str) else tuple(keys)
    if not keys:
        raise ValueError("after() needs the key of at least one question, such as '02a.highest_lh_schedule'")
    for key in keys:
        bank, _ = _split(key)
        _lookup(bank.questions, key, "question", bank)
        if key not in ASKED:
            raise ValueError(f"question {key} has not been asked in this session yet: run its cell first")
        if not hasattr(ASKED[key], "on_commit"):
            raise ValueError(f"{key} is a worked solution; after() waits for a question the learner commits to")
    if not callable(build):
        raise ValueError(f"build must be a callable with no arguments, got {build!r}")
    waiting = [ASKED[key] for key in keys]
    note = quiz._markdown_output("*This part opens once you have committed to your answer"
                                 + (" to the question above.*" if len(keys) == 1 else "s to the questions above.*"))
    box = widgets.VBox([note])
    box.add_class("hpg-locked")

    def open_when_all_committed() -> None:
        if all(question.committed for question in waiting) and note in box.children:
            box.children = [quiz._as_widget(build())]
            box.remove_class("hpg-locked")

    for question in waiting:
        question.on_commit(open_when_all_committed)
    return box


def say(key: str, *args, **kwargs) -> Prose:
    """The sentences stored under ``key``, built now from the results passed in; shown as Markdown."""
    bank, _ = _split(key)
    prose = _lookup(bank.prose, key, "prose", bank)(*args, **kwargs)
    if not isinstance(prose, Prose):
        raise TypeError(f"{key} must build a lessons.Prose, got {type(prose).__name__}")
    SAID.append((key, prose))
    return prose


def verify(chapter: str, namespace: Mapping[str, object]) -> dict[str, bool]:
    """Evaluate every claim of ``chapter`` against a notebook's variables, plus the claims of the
    prose it displayed; return ``{"<key>: <claim>": holds}``.

    Raises ValueError when the notebook no longer defines a variable a claim needs.
    """
    bank = bank_of(chapter)
    results: dict[str, bool] = {}
    for name, function in bank.claims.items():
        wanted = list(inspect.signature(function).parameters)
        missing = [variable for variable in wanted if variable not in namespace]
        if missing:
            raise ValueError(f"claim {chapter}.{name} needs notebook variables {missing}, which the notebook does not define")
        for text, holds in function(**{variable: namespace[variable] for variable in wanted}).items():
            results[f"{chapter}.{name}: {text}"] = bool(holds)
    for key, prose in SAID:
        if key.startswith(f"{chapter}."):
            for text, holds in prose.claims.items():
                results[f"{key}: {text}"] = bool(holds)
    return results


def explanations(chapter: str) -> list[str]:
    """Every option explanation the chapter's questions can reveal (from its TOML and its Python source).

    The tests use it to check that none of them is on the page, in any rendering of the notebook,
    before the learner commits.
    """
    import ast

    bank = bank_of(chapter)
    module = importlib.import_module(f"{__name__}.ch{chapter}")
    texts = []
    static = Path(module.__file__).with_suffix(".toml")
    if static.exists():
        with static.open("rb") as handle:
            texts += [text for entry in tomllib.load(handle).values() for text in entry["options"].values()]
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        is_question = isinstance(node, ast.Call) and ast.unparse(node.func).endswith(("Predict", "MultipleChoice"))
        if is_question and len(node.args) > 1 and isinstance(node.args[1], ast.Dict):
            texts += [value.value for value in node.args[1].values if isinstance(value, ast.Constant)]
    if not texts and bank.questions:
        raise ValueError(f"notebook {chapter} has questions but no explanation could be read from its bank")
    return texts
