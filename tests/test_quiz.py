"""The quiz widgets, driven through their state the way a learner drives them through clicks."""

import altair as alt
import ipywidgets as widgets
import pandas as pd
import pytest

from hpgwidgets import quiz

OPTIONS = {
    "Leydig cells": "LH acts on Leydig cells, which make testosterone.",
    "Sertoli cells": "Sertoli cells answer to FSH and nurse developing sperm.",
    "The pituitary": "The pituitary makes LH and FSH, not testosterone.",
}


def markdown_of(output: widgets.Output) -> str:
    return output.outputs[0]["data"]["text/markdown"]


def test_multiple_choice_starts_unanswered_and_asks_for_a_choice():
    question = quiz.MultipleChoice("Which cells make testosterone?", OPTIONS, answer="Leydig cells")
    assert question.selected is None
    assert question.is_correct is None
    assert question.feedback == ""
    question.check_button.click()
    assert question.is_correct is None
    assert "Choose one of the options" in question.feedback


def test_wrong_choice_explains_that_option_in_words():
    question = quiz.MultipleChoice("Which cells make testosterone?", OPTIONS, answer="Leydig cells")
    question.choice.value = "Sertoli cells"
    question.check_button.click()
    assert question.selected == "Sertoli cells"
    assert question.is_correct is False
    assert question.feedback.startswith("Not quite.")
    assert OPTIONS["Sertoli cells"] in question.feedback
    # The verdict is in the text itself, not only in a colour.
    assert "Not quite." in question.feedback_box.value
    assert 'aria-live="polite"' in question.feedback_box.value


def test_right_choice_explains_every_option():
    question = quiz.MultipleChoice("Which cells make testosterone?", OPTIONS, answer="Leydig cells")
    question.choice.value = "Leydig cells"
    assert question.check() is True
    assert question.is_correct is True
    assert question.feedback.startswith("Correct.")
    for explanation in OPTIONS.values():
        assert explanation in question.feedback
    # The other options are listed as a list a screen reader announces item by item.
    assert question.feedback_box.value.count("<li>") == len(OPTIONS) - 1


def test_changing_the_choice_clears_stale_feedback():
    question = quiz.MultipleChoice("Which cells make testosterone?", OPTIONS, answer="Leydig cells")
    question.choice.value = "Leydig cells"
    question.check()
    question.choice.value = "The pituitary"
    assert question.is_correct is None
    assert question.feedback == ""


def test_every_option_is_offered_and_labelled():
    question = quiz.MultipleChoice("Which cells make **testosterone**?", OPTIONS, answer="Leydig cells")
    assert list(question.choice.options) == list(OPTIONS)
    assert question.choice.description == "Your answer:"
    assert markdown_of(question.children[0]) == "Which cells make **testosterone**?"


@pytest.mark.parametrize(
    "options, answer, message",
    [
        ({"only one": "x"}, "only one", "at least two"),
        (OPTIONS, "Kidney", "not one of the options"),
        ({"a": "fine", "b": ""}, "a", "explanation for option 'b'"),
        (["a", "b"], "a", "dict"),
    ],
)
def test_multiple_choice_rejects_bad_definitions(options, answer, message):
    with pytest.raises(ValueError, match=message):
        quiz.MultipleChoice("Question?", options, answer=answer)


LH_OPTIONS = {
    "It rises": "Extra testosterone tells the brain there is plenty; it does not ask for more LH.",
    "It stays the same": "The feedback loop reacts within days, so LH does not stay put.",
    "It falls below 10% of baseline": "Negative feedback shuts LH down within weeks.",
}


def test_predict_reveals_nothing_until_the_learner_commits():
    calls = []
    predict = quiz.Predict(
        "What happens to LH?", LH_OPTIONS, answer="It falls below 10% of baseline",
        reveal=lambda: calls.append(1) or "LH falls.",
    )
    predict.commit_button.click()
    assert calls == []
    assert predict.revealed is None
    assert predict.result_box.children == ()
    assert "Make a prediction first" in predict.feedback


def test_predict_choice_locks_prediction_and_compares_with_model():
    predict = quiz.Predict(
        "What happens to LH?", LH_OPTIONS, answer="It falls below 10% of baseline",
        reveal=lambda: "The model: LH on day 21 is **4%** of baseline.",
        model_says="LH on day 21 is 4% of baseline.",
    )
    predict.prediction_input.value = "It rises"
    predict.commit_button.click()
    assert predict.committed
    assert predict.is_correct is False
    assert predict.prediction_input.disabled and predict.commit_button.disabled
    assert "You predicted 'It rises'" in predict.feedback
    assert "the model shows 'It falls below 10% of baseline'" in predict.feedback
    assert "4% of baseline" in predict.feedback
    assert LH_OPTIONS["It rises"] in predict.feedback
    assert markdown_of(predict.result_box.children[0]).startswith("The model: LH")
    # A second commit does not run the model again or change the verdict.
    predict.prediction_input.value = "It falls below 10% of baseline"
    assert predict.commit() is False


def test_predict_choice_right_answer():
    predict = quiz.Predict(
        "What happens to LH?", LH_OPTIONS, answer="It falls below 10% of baseline", reveal=lambda: "done"
    )
    predict.prediction_input.value = "It falls below 10% of baseline"
    assert predict.commit() is True
    assert predict.feedback.startswith("Correct.")


def test_predict_number_within_and_outside_tolerance():
    near = quiz.Predict("LH on day 21?", answer=4.0, tolerance=5, unit="% of baseline", reveal=lambda: "chart")
    near.prediction_input.value = "7"
    assert near.commit() is True
    assert near.prediction == 7.0
    assert "the model gives 4 % of baseline" in near.feedback

    far = quiz.Predict("LH on day 21?", answer=4.0, tolerance=5, unit="% of baseline", reveal=lambda: "chart")
    far.prediction_input.value = "60"
    assert far.commit() is False
    assert far.feedback.startswith("Not quite.")
    assert "56 % of baseline above" in far.feedback


def test_predict_number_refuses_text_that_is_not_a_number():
    predict = quiz.Predict("LH on day 21?", answer=4.0, tolerance=5, reveal=lambda: "chart")
    predict.prediction_input.value = "low"
    assert predict.commit() is None
    assert "'low' is not a number" in predict.feedback
    assert not predict.committed


def test_predict_shows_an_altair_chart_as_a_live_chart():
    chart = alt.Chart(pd.DataFrame({"day": [0, 1], "lh": [5.0, 1.0]})).mark_line().encode(x="day", y="lh")
    predict = quiz.Predict("LH?", LH_OPTIONS, answer="It rises", reveal=lambda: chart)
    predict.prediction_input.value = "It rises"
    predict.commit()
    shown = predict.result_box.children[0]
    assert isinstance(shown, alt.JupyterChart)
    assert shown.chart is chart


def test_predict_passes_widgets_through():
    slider = widgets.IntSlider()
    predict = quiz.Predict("LH?", LH_OPTIONS, answer="It rises", reveal=lambda: slider)
    predict.prediction_input.value = "It stays the same"
    predict.commit()
    assert predict.result_box.children == (slider,)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(answer=4.0, reveal=lambda: ""), "tolerance"),
        (dict(answer=4.0, tolerance=-1, reveal=lambda: ""), "tolerance"),
        (dict(answer=float("nan"), tolerance=1, reveal=lambda: ""), "finite number"),
        (dict(answer="falls", tolerance=1, reveal=lambda: ""), "finite number"),
        (dict(answer=4.0, tolerance=1, reveal="not callable"), "callable"),
    ],
)
def test_predict_rejects_bad_definitions(kwargs, message):
    with pytest.raises(ValueError, match=message):
        quiz.Predict("LH?", **kwargs)


def test_predict_shows_a_table_with_its_html_view():
    table = pd.DataFrame({"LH (IU/L)": [4.5, 0.3]}, index=["before", "day 21"])
    predict = quiz.Predict("LH?", LH_OPTIONS, answer="It rises", reveal=lambda: table)
    predict.prediction_input.value = "It rises"
    predict.commit()
    shown = predict.result_box.children[0].outputs[0]["data"]
    assert "<table" in shown["text/html"] and "day 21" in shown["text/html"]


def test_predict_rejects_a_reveal_result_it_cannot_show():
    predict = quiz.Predict("LH?", LH_OPTIONS, answer="It rises", reveal=lambda: 42)
    predict.prediction_input.value = "It rises"
    with pytest.raises(ValueError, match="Altair chart"):
        predict.commit()
    assert not predict.committed, "a failed reveal leaves the question open"


def test_solution_is_hidden_until_asked_for_and_can_be_hidden_again():
    solution = quiz.Solution("Exercise 1", "LH falls because **testosterone** feeds back.")
    assert not solution.revealed
    assert solution.children == (solution.toggle_button,)
    assert solution.toggle_button.description == "Show worked solution: Exercise 1"
    solution.toggle_button.click()
    assert solution.revealed
    assert markdown_of(solution.children[1]) == "LH falls because **testosterone** feeds back."
    assert solution.toggle_button.description == "Hide worked solution: Exercise 1"
    solution.toggle()
    assert not solution.revealed


def test_solution_needs_text():
    with pytest.raises(ValueError, match="markdown"):
        quiz.Solution("Exercise 1", "  ")
