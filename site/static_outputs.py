"""Static HTML for what a notebook shows as a live widget, for the course site.

site/build.py runs this file in each notebook's kernel before the notebook's first cell. It
registers display formatters, so that the cell outputs saved in the executed notebook are
plain HTML a browser can show without a kernel:

* an Altair chart or ``JupyterChart``: its Vega-Lite spec and embed options, drawn in the page
  by the same bundled JupyterChart front end JupyterLab uses (site/_static/hpg-site.js);
* a check of understanding (``quiz.MultipleChoice``, ``quiz.Predict``, ``quiz.Solution``): the
  question and its options, with the feedback the package itself writes for each choice kept in
  a data block the page reveals only after a choice (never as text on the page or in the search
  index);
* a part a notebook keeps closed until the reader has answered (``lessons.after``): its note,
  with what it opens to kept in a data block until the page's questions it waits for are answered;
* the Workbench and the classroom dashboard: their text and charts as they first open, under a
  note that their controls need a running kernel.

The formatters take precedence over the widgets' own ``_repr_mimebundle_`` (a type registered
with IPython is looked up before the method), so the notebooks themselves are unchanged.
"""
from __future__ import annotations

import base64
import html
import itertools
import json

import altair as alt
import ipywidgets as widgets
from IPython import get_ipython
from ipywidgets.widgets.widget import _instances as widget_instances
from markdown_it import MarkdownIt

from hpgwidgets import lessons, quiz
from hpgwidgets.charts import enable_offline_charts
from hpgwidgets.workbench.view import ContainerWidth, LiveText

# html=False: Markdown written by the package or a notebook cannot inject raw HTML.
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")
_numbers = itertools.count(1)
# The width of the site's text column on a laptop (sphinx-book-theme with its page contents
# sidebar, 1366 px window): live tools lay their charts out for it, as JupyterLab does for the
# notebook's width. Narrower screens scroll a chart sideways inside its own box.
COLUMN_WIDTH_PX = 720
WINDOW_HEIGHT_PX = 900

LIVE_NOTE = (
    "<p class=\"hpg-live-note\"><strong>Live tool.</strong> This is how it first opens; its sliders and "
    "buttons need Python running. Use <em>Open in JupyterLite</em> or <em>Open on Binder</em> at the top "
    "of the page to work with it.</p>"
)


def data_block(kind: str, payload) -> str:
    """JSON in a ``<script>`` block: not shown, not indexed by Sphinx search, not in page text.

    Base64 keeps the feedback out of the page source's plain text too, so a reader scrolling the
    source does not meet an answer by accident.
    """
    encoded = base64.b64encode(json.dumps(payload).encode("utf-8")).decode("ascii")
    return f'<script type="application/json" class="hpg-data" data-kind="{kind}">"{encoded}"</script>'


def markdown_html(text: str) -> str:
    return _MARKDOWN.render(text)


def chart_html(jchart: alt.JupyterChart) -> str:
    """A JupyterChart's spec as the page draws it (the same front end and options as in JupyterLab)."""
    state = {"spec": jchart.spec, "embed_options": jchart.embed_options}
    return f'<div class="hpg-chart">{data_block("chart", state)}</div>'


def output_html(output: dict) -> str:
    """One display item of an Output widget."""
    data = output.get("data", {})
    if "application/vnd.jupyter.widget-view+json" in data:
        model_id = data["application/vnd.jupyter.widget-view+json"]["model_id"]
        return widget_html(widget_instances[model_id])
    if "text/html" in data:
        return data["text/html"]
    if "text/markdown" in data:
        return markdown_html(data["text/markdown"])
    if output.get("output_type") == "stream":
        return f"<pre>{html.escape(output.get('text', ''))}</pre>"
    return f"<pre>{html.escape(data.get('text/plain', ''))}</pre>"


def _options_html(name: str, options, legend: str) -> str:
    inputs = "".join(
        f'<label><input type="radio" name="{name}" value="{index}"> {html.escape(option)}</label>'
        for index, option in enumerate(options)
    )
    return f'<fieldset class="hpg-quiz-options"><legend>{html.escape(legend)}</legend>{inputs}</fieldset>'


def _key_of(question) -> str:
    """The lesson key a question was asked under (lessons.ask records it), or "" for one made directly."""
    return next((key for key, asked in lessons.ASKED.items() if asked is question), "")


def _quiz_html(kind: str, question, answer_input: str, button: str, payload) -> str:
    return (
        f'<div class="hpg-static-quiz" data-quiz="{kind}" data-key="{html.escape(_key_of(question))}">'
        f'<div class="hpg-quiz-question">{markdown_html(question.question)}</div>'
        f"{answer_input}"
        f'<button type="button" class="hpg-quiz-button">{html.escape(button)}</button>'
        '<div class="hpg-quiz-feedback" role="status" aria-live="polite"></div>'
        '<div class="hpg-quiz-reveal"></div>'
        f"{data_block(kind, payload)}</div>"
    )


def multiple_choice_html(question: quiz.MultipleChoice) -> str:
    """Each option, in the order the widget offers them, with the feedback it writes after Check.

    Judging every option commits the widget; it is put back to unanswered, so that a part kept
    closed until the reader answers (``lessons.after``) is not opened by the build.
    """
    offered = list(question.choice.options)
    feedback = []
    for option in offered:
        question.choice.value = option
        question.check()
        feedback.append(question.feedback_box.value)
    question.choice.value = None
    question.committed = False
    name = f"hpg-quiz-{next(_numbers)}"
    return _quiz_html("choice", question, _options_html(name, offered, "Your answer:"), "Check", {"feedback": feedback})


def predict_html(question: quiz.Predict) -> str:
    """A prediction question: the feedback for each option (or the numbers to judge a typed value
    by) and what the model shows, revealed after the reader commits."""
    if question.options is not None:
        offered = list(question.prediction_input.options)
        feedback = []
        for option in offered:
            question.revealed = None  # unlock: the same widget judges every option in turn
            question.prediction_input.value = option
            question.commit()
            feedback.append(question.feedback_box.value)
        payload = {"feedback": feedback, "reveal": widget_html(question.revealed)}
        name = f"hpg-quiz-{next(_numbers)}"
        answer_input = _options_html(name, offered, "My prediction:")
    else:
        question.prediction_input.value = str(float(question.answer))
        question.commit()
        payload = {
            "answer": question.answer, "tolerance": question.tolerance, "unit": question.unit,
            "model_says": question.model_says, "reveal": widget_html(question.revealed),
        }
        label = question.prediction_input.description
        answer_input = (f'<label class="hpg-quiz-number">{html.escape(label)} '
                        '<input type="text" inputmode="decimal" placeholder="type a number"></label>')
    question.revealed = None  # back to uncommitted, as for a multiple choice
    return _quiz_html("predict", question, answer_input, "Commit and see what the model does", payload)


def solution_html(solution: quiz.Solution) -> str:
    title = html.escape(solution.title)
    return (
        f'<div class="hpg-static-solution" data-title="{title}">'
        f'<button type="button" class="hpg-solution-button" aria-expanded="false">Show worked solution: {title}</button>'
        '<div class="hpg-solution-body"></div>'
        f'{data_block("solution", {"html": markdown_html(solution.markdown)})}</div>'
    )


def _fit_to_column(widget) -> None:
    """Tell every ContainerWidth in the tree the column's width; its owner re-lays its charts."""
    if isinstance(widget, ContainerWidth):
        widget.viewport_height = WINDOW_HEIGHT_PX
        widget.width = COLUMN_WIDTH_PX
    for child in getattr(widget, "children", ()):
        _fit_to_column(child)


def _after_with_its_parts(keys, build):
    """``lessons.after`` that also keeps, on the box it returns, the questions it waits for and
    what it opens to: the page opens it itself once the reader has answered them."""
    box = _after(keys, build)
    box.waits_for = (keys,) if isinstance(keys, str) else tuple(keys)
    box.opens_to = build
    return box


_after = lessons.after


def after_html(box) -> str:
    note = "".join(widget_html(child, outermost=False) for child in box.children[:1])
    content = widget_html(quiz._as_widget(box.opens_to()))
    keys = " ".join(box.waits_for)
    return (f'<div class="hpg-static-after" data-keys="{html.escape(keys)}">'
            f'<div class="hpg-after-note">{note}</div><div class="hpg-after-content"></div>'
            f'{data_block("after", {"html": content})}</div>')


def _has_controls(widget) -> bool:
    if isinstance(widget, (widgets.ValueWidget, widgets.Button)) and not isinstance(widget, widgets.HTML):
        return True
    return any(_has_controls(child) for child in getattr(widget, "children", ()))


def _shown_parts(widget) -> str:
    """What a widget shows without a kernel: text, tables and charts; controls are left out."""
    if isinstance(widget, alt.JupyterChart):
        return chart_html(widget)
    if isinstance(widget, LiveText):
        return f'<div class="hpg-live-text">{html.escape(widget.text)}</div>'
    if isinstance(widget, widgets.Output):
        return "".join(output_html(output) for output in widget.outputs)
    if isinstance(widget, (widgets.HTML, widgets.HTMLMath)):
        # <style> blocks style the widget's controls, and "-status" lines report on its buttons.
        is_status = any(name.endswith("-status") for name in widget._dom_classes)
        return "" if is_status or widget.value.lstrip().startswith("<style") else widget.value
    if isinstance(widget, widgets.Label):
        return f"<p>{html.escape(widget.value)}</p>"
    if isinstance(widget, widgets.Box):
        return "".join(widget_html(child, outermost=False) for child in widget.children)
    return ""  # a control, or ContainerWidth: nothing to see without a kernel


def widget_html(widget, outermost: bool = True) -> str:
    if isinstance(widget, quiz.MultipleChoice):
        return multiple_choice_html(widget)
    if isinstance(widget, quiz.Predict):
        return predict_html(widget)
    if isinstance(widget, quiz.Solution):
        return solution_html(widget)
    if hasattr(widget, "waits_for"):
        return after_html(widget)
    if isinstance(widget, ContainerWidth) or getattr(getattr(widget, "layout", None), "display", None) == "none":
        return ""  # nothing to see: a width probe, or a part the live view keeps hidden too
    if outermost:
        _fit_to_column(widget)
    parts = _shown_parts(widget)
    if outermost and isinstance(widget, widgets.Box) and _has_controls(widget):
        return f'<div class="hpg-live-tool">{LIVE_NOTE}{parts}</div>'
    return parts


def _widget_bundle(widget) -> dict:
    return {"text/html": widget_html(widget), "text/plain": f"<{type(widget).__name__}>"}


def _chart_bundle(chart) -> dict:
    return {"text/html": chart_html(alt.JupyterChart(chart)), "text/plain": "<Altair chart>"}


def register(shell=None) -> None:
    """Make widgets and charts display as static HTML in this kernel."""
    shell = shell or get_ipython()
    enable_offline_charts()
    formatter = shell.display_formatter.mimebundle_formatter
    formatter.for_type(widgets.Widget, _widget_bundle)
    formatter.for_type(alt.TopLevelMixin, _chart_bundle)
    lessons.after = _after_with_its_parts


register()
