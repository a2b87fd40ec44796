"""Checks of understanding for the workbook: multiple choice, predict-then-run, worked solutions.

Each class is an ipywidgets ``VBox`` so a notebook cell only has to build it and leave it
as the cell's last expression. The state a learner produces (what was chosen, whether it
was right, the feedback text) is readable from Python, which is how the tests drive them.

Feedback is always written out in words ("Correct." / "Not quite."), never colour alone,
and announced to screen readers through an ``aria-live`` region.

Example::

    from hpgwidgets import quiz
    quiz.MultipleChoice(
        "Which cells make testosterone?",
        {"Leydig cells": "LH acts on them, and they answer by making testosterone.",
         "Sertoli cells": "They nurse sperm under FSH; they do not make testosterone."},
        answer="Leydig cells",
    )
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections.abc import Callable, Mapping

import ipywidgets as widgets

from . import markup, validation

__all__ = ["MultipleChoice", "Predict", "Solution"]

_CORRECT = "Correct."
_WRONG = "Not quite."
# The widget states the verdict; an explanation that starts with one of its own would double it
# ("Correct. Correct: ...") or contradict it ("Not quite. ... Right: ..." after a wrong answer).
_VERDICT_OPENING = re.compile(r"^(Right|Correct|Yes|Exactly|Wrong|Incorrect|Not quite|No)\b\s*[.:,;!]", re.IGNORECASE)


# Options and their explanations are shown as plain text (a radio label, the feedback): "*high*" would
# print its asterisks.
_MARKDOWN_EMPHASIS = re.compile(r"\*{1,2}[^*\s][^*]*\*{1,2}")


def _require_text(value, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be a non-empty string, got {value!r}")
    return value


# ipywidgets gives every radio option one line's height and floats its button left, so a long option
# (a whole sentence, on a laptop) ran over the next one. Here an option is as tall as its text.
QUIZ_CSS = """<style>
.hpg-quiz .widget-radio-box label { height: auto; min-height: var(--jp-widgets-radio-item-height);
  line-height: 1.4; display: flex; align-items: flex-start; padding: 2px 0; }
.hpg-quiz .widget-radio-box input { float: none; flex: none; order: -1; }  /* the button comes after the text in the DOM */
</style>"""


def _style() -> widgets.HTML:
    style = widgets.HTML(QUIZ_CSS)
    style.add_class("hpg-quiz-style")
    return style


def _markdown_output(markdown: str) -> widgets.Output:
    """An Output widget holding one Markdown display item, so headings, lists and maths render.

    Setting ``outputs`` directly (instead of ``with output: display(...)``) keeps the content in
    the widget's synced state: it works outside a kernel and can be inspected in tests.
    """
    from .summary import labelled_tables

    markdown = labelled_tables(markdown)  # a table a reveal writes out reads like the package's tables
    output = widgets.Output()
    output.outputs = (
        {
            "output_type": "display_data",
            "data": {"text/markdown": markdown, "text/plain": markdown},
            "metadata": {},
        },
    )
    return output


# A variable name in backticks (03a's `gnrh_receptor`) is shown as code, as in the question above it,
# not with its backticks printed.
_CODE_SPAN = re.compile(r"`([^`\n]+)`")


def _feedback_text(text: str) -> str:
    """Escaped feedback text with `code` spans set as <code> (the escaping leaves backticks alone)."""
    return _CODE_SPAN.sub(r"<code>\1</code>", markup.text(text))


def _status_html(text: str) -> str:
    """Feedback announced by screen readers when it changes; '- ' lines become a list."""
    if not text:
        return ""
    paragraphs, items = [], []
    for line in text.split("\n"):
        if line.startswith("- "):
            items.append(f"<li>{_feedback_text(line[2:])}</li>")
            continue
        verdict = next((verdict for verdict in (_CORRECT, _WRONG) if line.startswith(verdict)), None)
        if verdict:
            rest = line[len(verdict):].lstrip()
            paragraphs.append(f"<p><strong>{markup.text(verdict)}</strong> {_feedback_text(rest)}</p>")
        else:
            paragraphs.append(f"<p>{_feedback_text(line)}</p>")
    body = "".join(paragraphs) + (f"<ul>{''.join(items)}</ul>" if items else "")
    return f'<div role="status" aria-live="polite" style="line-height: 1.45">{body}</div>'


def _check_options(options, answer) -> dict[str, str]:
    if not isinstance(options, Mapping) or len(options) < 2:
        raise ValueError(
            "options must be a dict of at least two {option text: explanation} entries, "
            f"got {options!r}"
        )
    checked = {}
    for option, explanation in options.items():
        _require_text(option, "each option")
        checked[option] = _require_text(explanation, f"the explanation for option {option!r}")
        for text, what in ((option, "option"), (explanation, f"explanation for option {option!r}")):
            if _MARKDOWN_EMPHASIS.search(text):
                raise ValueError(f"the {what} has Markdown emphasis ({_MARKDOWN_EMPHASIS.search(text).group()!r}); "
                                 "options and feedback show as plain text, so the asterisks would be printed")
        if _VERDICT_OPENING.match(explanation):
            raise ValueError(f"the explanation for option {option!r} opens with a verdict ({explanation[:20]!r}...); "
                             "the question states the verdict itself, so start with the reason")
    if answer not in checked:
        raise ValueError(f"answer {answer!r} is not one of the options {list(checked)}")
    return checked


def arrange(options, answer: str, question: str, slot: int | None = None) -> list[str]:
    """The order in which ``options`` are offered: the order they were written in teaches nothing.

    The distractors are shuffled with a seed taken from the question's text (the same order on every
    run, for every reader). The answer goes to position ``slot`` (modulo the number of options) when
    given: a lesson bank spreads its answers evenly over the positions that way. Without a slot the
    answer's position comes from the same seeded shuffle.
    """
    options = list(options)
    if answer not in options:
        raise ValueError(f"answer {answer!r} is not one of the options {options}")
    if slot is not None and (isinstance(slot, bool) or not isinstance(slot, int) or slot < 0):
        raise ValueError(f"slot must be a whole number of 0 or more (the answer's position), got {slot!r}")
    seed = int.from_bytes(hashlib.sha256(question.encode("utf-8")).digest()[:8], "big")
    shuffler = random.Random(seed)
    others = [option for option in options if option != answer]
    shuffler.shuffle(others)
    position = shuffler.randrange(len(options)) if slot is None else slot % len(options)
    return others[:position] + [answer] + others[position:]


def _as_widget(shown) -> widgets.Widget:
    """Turn what a reveal function returned into a widget that can sit inside the quiz."""
    if isinstance(shown, widgets.Widget):
        return shown
    if isinstance(shown, str):
        return _markdown_output(shown)
    if isinstance(shown, (list, tuple)):
        # Several things revealed together (a chart, the table behind it, how to read them).
        return widgets.VBox([_as_widget(item) for item in shown])
    import altair as alt

    if isinstance(shown, alt.TopLevelMixin):
        from .charts import enable_offline_charts

        # A live chart renders in JupyterLab, Voila and JupyterLite alike; ChartWidget loads its Vega
        # bundle outside anywidget's start-up time limit, so it also draws on a busy machine
        enable_offline_charts()
        from .chart_widget import ChartWidget

        return ChartWidget(shown)
    if callable(getattr(shown, "_repr_markdown_", None)):
        # Tables and prose of the workbook (summary.Table, lessons.Prose) render as Markdown.
        return _markdown_output(shown._repr_markdown_())
    if callable(getattr(shown, "_repr_html_", None)):
        # Tables (pandas DataFrame or Series.to_frame(), lab sheets) keep their HTML rendering.
        output = widgets.Output()
        output.outputs = (
            {
                "output_type": "display_data",
                "data": {"text/html": shown._repr_html_(), "text/plain": repr(shown)},
                "metadata": {},
            },
        )
        return output
    raise ValueError(
        "reveal must return an ipywidgets widget, an Altair chart, an object with an HTML view "
        f"(such as a pandas DataFrame) or a Markdown string, got {type(shown).__name__}"
    )


class MultipleChoice(widgets.VBox):
    """A question with radio-button options, a Check button and an explanation for every option.

    ``options`` maps each option's text to its explanation, shown when that option is checked,
    right or wrong. Once the learner finds the right answer, the explanations of all options are
    listed so the distractors teach too.
    """

    def __init__(self, question: str, options: Mapping[str, str], answer: str):
        self.question = _require_text(question, "question")
        self.options = _check_options(options, answer)
        self.answer = answer
        self.is_correct: bool | None = None
        self._feedback = ""
        self._on_commit: list[Callable[[], None]] = []
        self.committed = False

        self.choice = widgets.RadioButtons(
            options=arrange(self.options, answer, self.question),
            value=None,
            description="Your answer:",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="auto"),
        )
        self.check_button = widgets.Button(
            description="Check",
            tooltip="Check your answer",
            icon="check",
        )
        self.feedback_box = widgets.HTML()
        self.check_button.on_click(lambda _button: self.check())
        # A changed choice makes old feedback stale; clearing it avoids a "Correct." next to a
        # different option.
        self.choice.observe(self._on_choice_change, names="value")
        super().__init__(
            children=[_markdown_output(self.question), self.choice, self.check_button, self.feedback_box, _style()]
        )
        self.add_class("hpg-quiz")

    @property
    def answer_position(self) -> int:
        """Where the answer is offered among the options (0 = first)."""
        return list(self.choice.options).index(self.answer)

    def place_answer(self, slot: int) -> None:
        """Offer the answer at position ``slot`` (modulo the number of options); see :func:`arrange`."""
        self.choice.options = arrange(self.options, self.answer, self.question, slot)

    @property
    def selected(self) -> str | None:
        """The option the learner has selected (None before a choice)."""
        return self.choice.value

    @property
    def feedback(self) -> str:
        """The feedback text currently shown (empty before Check)."""
        return self._feedback

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the learner has checked a first answer (at once if already done)."""
        _add_callback(self, callback)

    def _on_choice_change(self, _change) -> None:
        self.is_correct = None
        self._set_feedback("")

    def _set_feedback(self, text: str) -> None:
        self._feedback = text
        self.feedback_box.value = _status_html(text)

    def check(self) -> bool | None:
        """Judge the current selection, show its explanation and return whether it is right."""
        if self.selected is None:
            self.is_correct = None
            self._set_feedback("Choose one of the options first, then press Check.")
            return None
        self.is_correct = self.selected == self.answer
        if not self.committed:
            self.committed = True
            _run_callbacks(self._on_commit)
        explanation = self.options[self.selected]
        if not self.is_correct:
            self._set_feedback(f"{_WRONG} {explanation} Try another option.")
            return False
        others = "\n".join(
            f"- {option}: {text}" for option, text in self.options.items() if option != self.answer
        )
        self._set_feedback(f"{_CORRECT} {explanation}\nThe other options:\n{others}")
        return True


class Predict(widgets.VBox):
    """Predict, then run: the learner commits to a prediction before the model's answer appears.

    Two forms:

    * choice: ``Predict(question, options={text: explanation}, answer=text, reveal=...)``;
    * number: ``Predict(question, answer=41.0, tolerance=10, unit="% of baseline",
      prompt="LH on day 21", reveal=...)``, where the learner types a number and is right
      within ``tolerance`` of the model's value.

    ``answer`` is data the notebook computed with the model (for a number) or read off it (for a
    choice); ``reveal`` is a zero-argument callable, typically a lambda around a package call,
    returning an Altair chart, a widget, a table (anything with an HTML or Markdown view), Markdown text, or a
    list of these. It runs only after the learner commits,
    and the prediction is then locked so the comparison stays honest.
    """

    def __init__(
        self,
        question: str,
        options: Mapping[str, str] | None = None,
        *,
        answer,
        reveal: Callable[[], object],
        tolerance: float | None = None,
        unit: str = "",
        prompt: str = "",
        model_says: str = "",
    ):
        self.question = _require_text(question, "question")
        if not callable(reveal):
            raise ValueError(f"reveal must be a callable with no arguments, got {reveal!r}")
        self.reveal_fn = reveal
        self.unit = unit
        self.model_says = model_says
        self.is_correct: bool | None = None
        self.revealed = None
        self._feedback = ""
        self._on_commit: list[Callable[[], None]] = []

        if options is not None:
            if tolerance is not None:
                raise ValueError("tolerance applies to a numeric prediction; leave it out when giving options")
            self.options = _check_options(options, answer)
            self.answer = answer
            self.tolerance = None
            self.prediction_input = widgets.RadioButtons(
                options=arrange(self.options, answer, self.question),
                value=None,
                description="My prediction:",
                style={"description_width": "initial"},
                layout=widgets.Layout(width="auto"),
            )
        else:
            self.options = None
            self.answer = validation.number("answer (without options, the model's value)", answer)
            self.tolerance = validation.number("tolerance (a numeric prediction needs one, in the answer's unit)",
                                               tolerance, above=0)
            label = prompt or "My prediction"
            label = f"{label} ({unit}):" if unit else f"{label}:"
            # A text box rather than FloatText: FloatText starts at 0, which would count as a
            # prediction nobody made.
            self.prediction_input = widgets.Text(
                value="",
                placeholder="type a number",
                description=label,
                style={"description_width": "initial"},
                layout=widgets.Layout(width="auto"),
            )

        self.commit_button = widgets.Button(
            description="Commit and run the model",
            tooltip="Lock in your prediction, then see what the model does",
            icon="play",
            layout=widgets.Layout(width="fit-content"),
        )
        self.feedback_box = widgets.HTML()
        self.result_box = widgets.VBox()
        self.commit_button.on_click(lambda _button: self.commit())
        super().__init__(
            children=[
                _markdown_output(self.question),
                self.prediction_input,
                self.commit_button,
                self.feedback_box,
                self.result_box,
                _style(),
            ]
        )
        self.add_class("hpg-quiz")

    @property
    def answer_position(self) -> int | None:
        """Where the answer is offered among the options (0 = first); None for a numeric prediction."""
        return None if self.options is None else list(self.prediction_input.options).index(self.answer)

    def place_answer(self, slot: int) -> None:
        """Offer the answer at position ``slot`` (modulo the number of options); see :func:`arrange`."""
        if self.options is None:
            raise ValueError("a numeric prediction has no options to place; place_answer applies to a choice")
        self.prediction_input.options = arrange(self.options, self.answer, self.question, slot)

    @property
    def prediction(self):
        """The learner's prediction: an option text, a number, or None before a valid one is made."""
        value = self.prediction_input.value
        if self.options is not None:
            return value
        try:
            number = float(value.strip().rstrip("%").replace(",", "."))
        except ValueError:
            return None
        return number if math.isfinite(number) else None

    @property
    def feedback(self) -> str:
        return self._feedback

    @property
    def committed(self) -> bool:
        return self.revealed is not None

    def _set_feedback(self, text: str) -> None:
        self._feedback = text
        self.feedback_box.value = _status_html(text)

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the learner has committed (at once if already done)."""
        _add_callback(self, callback)

    def commit(self) -> bool | None:
        """Lock the prediction, run ``reveal`` and compare. Returns whether the prediction was right."""
        if self.committed:
            return self.is_correct
        prediction = self.prediction
        if prediction is None:
            if self.options is None and self.prediction_input.value.strip():
                self._set_feedback(
                    f"'{self.prediction_input.value}' is not a number. Type a number such as 25, then commit."
                )
            else:
                self._set_feedback("Make a prediction first: the point is to commit before you see the answer.")
            return None
        self.revealed = _as_widget(self.reveal_fn())
        self.prediction_input.disabled = True
        self.commit_button.disabled = True
        self.result_box.children = [self.revealed]
        model_note = f" {self.model_says}" if self.model_says else ""
        if self.options is not None:
            self.is_correct = prediction == self.answer
            if self.is_correct:
                text = f"{_CORRECT} You predicted '{prediction}', and so does the model.{model_note} {self.options[prediction]}"
            else:
                text = (
                    f"{_WRONG} You predicted '{prediction}'; the model shows '{self.answer}'.{model_note} "
                    f"{self.options[self.answer]} (About your prediction: {self.options[prediction]})"
                )
        else:
            # '4% of baseline', as the model's figures print percentages; '125 days'
            unit = "" if not self.unit else self.unit if self.unit.startswith("%") else f" {self.unit}"
            difference = prediction - self.answer
            self.is_correct = abs(difference) <= self.tolerance
            verdict = _CORRECT if self.is_correct else _WRONG
            direction = "above" if difference > 0 else "below"
            # the gap between the two figures printed (5 and 12.9 read '7.9 below', not the unrounded 7.86)
            shown_gap = abs(prediction - float(f"{self.answer:.3g}"))
            # a gap between two percentages is in points: '126 points below', not '126% of start below'
            gap_unit = " points" if self.unit.startswith("%") else unit
            text = (
                f"{verdict} You predicted {prediction:g}{unit}; the model gives {self.answer:.3g}{unit}"
                f" ({shown_gap:.3g}{gap_unit} {direction}; within {self.tolerance:g}{gap_unit} counts as right)."
                f"{model_note}"
            )
        self._set_feedback(text)
        _run_callbacks(self._on_commit)
        return self.is_correct


def _add_callback(question, callback) -> None:
    if not callable(callback):
        raise TypeError(f"callback must be callable with no arguments, got {callback!r}")
    if question.committed:
        callback()
    else:
        question._on_commit.append(callback)


def _run_callbacks(callbacks: list) -> None:
    while callbacks:
        callbacks.pop(0)()


class Solution(widgets.VBox):
    """A worked solution hidden behind a button, so a learner tries first and checks after.

    ``markdown`` is the text, or a zero-argument callable that writes it: then the solution is
    computed only when the learner opens it, and nothing of it exists in the page before.
    """

    def __init__(self, title: str, markdown: str | Callable[[], str]):
        self.title = _require_text(title, "title")
        if callable(markdown):
            self._write = markdown
        else:
            _require_text(markdown, "markdown")
            self._write = lambda: markdown
        self.content: widgets.Output | None = None
        self.toggle_button = widgets.Button(
            tooltip=f"Show or hide the worked solution: {self.title}",
            icon="eye",
            layout=widgets.Layout(width="fit-content"),
        )
        self.toggle_button.on_click(lambda _button: self.toggle())
        super().__init__(children=[self.toggle_button])
        self.add_class("hpg-quiz")
        self._show(False)

    @property
    def markdown(self) -> str:
        """The solution's text (written now if it is computed)."""
        return self._content().outputs[0]["data"]["text/markdown"]

    def _content(self) -> widgets.Output:
        if self.content is None:
            self.content = _markdown_output(_require_text(self._write(), "markdown"))
        return self.content

    @property
    def revealed(self) -> bool:
        return self.content is not None and self.content in self.children

    def _show(self, shown: bool) -> None:
        verb = "Hide" if shown else "Show"
        self.toggle_button.description = f"{verb} worked solution: {self.title}"
        self.children = [self.toggle_button, self._content()] if shown else [self.toggle_button]

    def toggle(self) -> bool:
        """Show the solution if hidden, hide it if shown; return whether it is now shown."""
        self._show(not self.revealed)
        return self.revealed


Reveal = Solution
__all__.append("Reveal")
