"""The quiz widgets, driven through their state the way a learner drives them through clicks."""

import re

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


def test_feedback_sets_backticked_names_as_code_and_escapes_the_rest():
    # 03a's feedback printed "the model's `gnrh_receptor` falls furthest" with its backticks.
    options = {"`gnrh_receptor` <b>falls</b>": "The model's `gnrh_receptor` falls; 1 < 2.", "it stays": "fine"}
    question = quiz.MultipleChoice("Which?", options, answer="it stays")
    question.choice.value = "`gnrh_receptor` <b>falls</b>"
    question.check_button.click()
    shown = question.feedback_box.value
    assert "The model&#x27;s <code>gnrh_receptor</code> falls; 1 &lt; 2." in shown
    assert "`" not in shown and "<b>" not in shown


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
    assert sorted(question.choice.options) == sorted(OPTIONS)
    assert question.choice.description == "Your answer:"
    assert markdown_of(question.children[0]) == "Which cells make **testosterone**?"


@pytest.mark.parametrize(
    "options, answer, message",
    [
        ({"only one": "x"}, "only one", "at least two"),
        (OPTIONS, "Kidney", "not one of the options"),
        ({"a": "fine", "b": ""}, "a", "explanation for option 'b'"),
        (["a", "b"], "a", "dict"),
        # feedback is plain text: 02b printed "Failing testes come with *high* LH" with its asterisks
        ({"a": "Failing testes come with *high* LH.", "b": "fine"}, "b", "Markdown emphasis"),
        ({"**a**": "fine", "b": "fine"}, "b", "Markdown emphasis"),
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
    assert "the model gives 4% of baseline" in near.feedback

    far = quiz.Predict("LH on day 21?", answer=4.0, tolerance=5, unit="% of baseline", reveal=lambda: "chart")
    far.prediction_input.value = "60"
    assert far.commit() is False
    assert far.feedback.startswith("Not quite.")
    # a gap between two percentages is in points (02a read '126% of start below; within 40% of start counts as right')
    assert "(56 points above; within 5 points counts as right)" in far.feedback


def test_predict_number_gap_is_the_gap_between_the_printed_figures():
    """01's sperm question printed 'You predicted 5 weeks; the model gives 12.9 weeks (7.86 weeks below ...)':
    a reader subtracting the two figures gets 7.9."""
    weeks = quiz.Predict("Weeks to 16 million/mL?", answer=12.86, tolerance=6, unit="weeks", reveal=lambda: "chart")
    weeks.prediction_input.value = "5"
    assert weeks.commit() is False
    assert "the model gives 12.9 weeks (7.9 weeks below;" in weeks.feedback


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
        (dict(answer="falls", tolerance=1, reveal=lambda: ""), "answer .* must be a number"),
        (dict(answer=4.0, tolerance=1, reveal="not callable"), "callable"),
    ],
)
def test_predict_rejects_bad_definitions(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
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


def test_a_computed_solution_is_written_only_when_opened():
    written = []

    def write():
        written.append(True)
        return "LH on day 21 is **6%** of baseline."

    solution = quiz.Solution("Exercise 1", write)
    assert written == [] and solution.content is None, "nothing of the answer exists before the learner asks"
    solution.toggle()
    assert markdown_of(solution.children[1]) == "LH on day 21 is **6%** of baseline."
    solution.toggle()
    solution.toggle()
    assert written == [True], "written once"


# ---- the lesson banks (hpgwidgets/lessons): questions, prose and claims kept out of the notebooks ----

from hpgwidgets import lessons  # noqa: E402


def test_ask_builds_the_stored_question_without_its_answer_in_the_call():
    question = lessons.ask("01.leydig_makes_t")
    assert isinstance(question, quiz.MultipleChoice)
    question.choice.value = question.answer
    assert question.check() is True


@pytest.mark.parametrize("key, message", [
    ("01.no_such_question", "no question named 'no_such_question'"),
    ("99.anything", "no lesson bank for notebook '99'"),
    ("lh_after_trt", "'<notebook>.<name>'"),
    (7, "'<notebook>.<name>'"),
])
def test_a_bad_lesson_key_names_what_exists(key, message):
    with pytest.raises(ValueError, match=message):
        lessons.ask(key)


def test_prose_shows_as_markdown_and_is_remembered_for_verify():
    import hpgwidgets as hpg

    run = hpg.simulate(hpg.Regimen([hpg.Dose("testosterone_enanthate", amount=200, every_days=7)]), days=182)
    prose = lessons.say("01.sperm_lag", run)
    assert prose._repr_markdown_() == prose.markdown
    assert "after six months" in prose.markdown
    assert set(prose.figures) == {"week_2", "month_1", "month_6", "lh_week_2"}
    cohort = hpg.simulate_cohort(run.regimen, n=10, days=182, seed=0, progress=False)
    checked = lessons.verify("01", {"three_weeks": run, "average_man": run, "weak_testes": run,
                                    "by_dose": {200: run}, "stopped": run, "no_sperm": hpg.recovery.azoospermia(cohort)})
    assert any(key.startswith("01.sperm_lag:") for key in checked)


def test_verify_names_the_notebook_variable_a_claim_needs():
    with pytest.raises(ValueError, match="needs notebook variables"):
        lessons.verify("01", {})


def test_readable_table_puts_units_in_headers_and_rounds_for_reading():
    from hpgwidgets import summary

    table = summary.readable_table({"200 mg weekly": {"lh": 0.08912, "testosterone": 875.6}}, ["testosterone", "lh"],
                                   index_name="Dose")
    assert list(table.frame.columns) == ["Serum total testosterone (ng/dL)", "LH (IU/L)"]
    assert table.frame.loc["200 mg weekly"].tolist() == ["876", "0.089"]
    assert table._repr_markdown_().splitlines() == [
        "| Dose | Serum total testosterone (ng/dL) | LH (IU/L) |", "| --- | ---: | ---: |", "| 200 mg weekly | 876 | 0.089 |"]


@pytest.mark.parametrize("ratio, text", [(0.004, "under 1%"), (0.007, "under 1%"), (0.045, "4.5%"), (0.05, "5%"), (0.89, "89%")])
def test_one_percent_formatter(ratio, text):
    from hpgwidgets import diagram, summary

    assert summary.percent(ratio) == text
    # The axis diagram's labels use the same rule, in short form.
    assert diagram._percent(ratio) == text.replace("under 1%", "<1%")


def test_citations_are_a_numbered_markdown_list_of_what_was_cited():
    import hpgwidgets as hpg
    from hpgwidgets import summary

    hpg.cite("coviello2005")
    lines = summary.citations().data.splitlines()
    assert lines and all(line.split(". ", 1)[0].isdigit() for line in lines)
    assert any("Coviello" in line for line in lines)



def _table_headers(markdown: str) -> list[str]:
    """Header cells of every Markdown table in ``markdown`` (the row above a '| --- |' rule)."""
    lines = markdown.splitlines()
    return [cell.strip() for above, line in zip(lines, lines[1:]) if line.startswith("| ---")
            for cell in above.strip("| ").split(" | ")]


def _starts_like_a_label(cell: str) -> bool:
    """A heading starts with a capital, a digit or code; a first word with its own capitals (hCG) stays."""
    first = cell.split(" ")[0]
    return not cell[0].islower() or any(letter.isupper() for letter in first)


def test_lesson_tables_start_every_column_heading_with_a_capital():
    # Headings read as labels: 'Germinal capacity ...' beside 'Leydig capacity ...', not a lower-case one.
    import hpgwidgets as hpg
    from hpgwidgets.lessons import ch03a, ch03b

    trt = hpg.Regimen([hpg.Dose("testosterone_cypionate", amount=150, every_days=7, stop_day=28)])
    run = hpg.simulate(trt, days=120)
    tables = [ch03a.capacity_at_stop(run, run)._repr_markdown_(),
              ch03b._predictor_table({"one year": {"days": None, "regained": 0.5, "germinal": 0.4}})]
    headers = [cell for table in tables for cell in _table_headers(table)]
    assert len(headers) == 8
    assert [cell for cell in headers if not _starts_like_a_label(cell)] == []


def test_every_table_row_a_lesson_writes_out_starts_with_a_capital():
    # Tables whose text is written in the lesson source (headings, fixed row labels), all chapters.
    from pathlib import Path

    import hpgwidgets.lessons

    first_cells = [(path.name, match.group(1).strip())
                   for path in Path(hpgwidgets.lessons.__file__).parent.glob("ch*.py")
                   for match in re.finditer(r'"\| ([^|{"]+) \|', path.read_text(encoding="utf-8"))]
    assert len(first_cells) >= 8
    assert [found for found in first_cells if not _starts_like_a_label(found[1])] == []


def test_a_results_table_shows_its_headings_and_row_labels_as_labels():
    # 00's 'day 0' rows, 01's 'untreated' / 'average man', 02b's 'intratesticular testosterone' read as labels;
    # the frame keeps the names the code uses, and 'hCG ...' keeps its own capitals.
    from hpgwidgets import summary

    table = summary.readable_table({"average man": {"lh": 4.5}, "hCG alone": {"lh": 0.1}}, ["lh"], index_name="untreated")
    assert list(table.frame.index) == ["average man", "hCG alone"]
    headers = _table_headers(table._repr_markdown_())
    rows = [line.split("|")[1].strip() for line in table._repr_markdown_().splitlines()[2:]]
    assert headers[0] == "Untreated" and rows == ["Average man", "hCG alone"]
    assert [cell for cell in headers + rows if not _starts_like_a_label(cell)] == []


def test_a_table_a_lesson_writes_by_hand_shows_its_headings_and_labels_as_labels():
    # 04's Sam: '| Sam's plan | T at 6 months (ng/dL) | estradiol at 6 months (pg/mL) |' with rows named after the
    # notebook's dict keys ('clomiphene 25 mg daily instead of TRT'); 04's Mark: rows 'clomiphene'.
    from hpgwidgets.lessons import Prose

    markdown = ("| Sam's plan | estradiol at 6 months (pg/mL) |\n| --- | ---: |\n| clomiphene 25 mg daily | 17.4 |\n"
                "| hCG alone | 62 |\n\nThe text | around it is left alone.")
    for shown in (Prose(markdown)._repr_markdown_(),
                  quiz._markdown_output(markdown).outputs[0]["data"]["text/markdown"]):
        lines = shown.splitlines()
        assert lines[0] == "| Sam's plan | Estradiol at 6 months (pg/mL) |"
        assert lines[2:4] == ["| Clomiphene 25 mg daily | 17.4 |", "| hCG alone | 62 |"]
        assert lines[-1] == "The text | around it is left alone."


def test_03b_monitoring_verdict_says_back_into_the_range_only_if_the_sheet_shows_it_left():
    """03b: the trough's lab sheet read 266 ng/dL (lower limit 264, unflagged) while the text said testosterone
    'rises back into the reference range': the words now follow the sheet's own reading of the trough."""
    import hpgwidgets as hpg
    from hpgwidgets.lessons import ch03b
    from hpgwidgets.lessons.measures import sheet_reading

    years = 3 * 365
    plan = hpg.Regimen([hpg.Dose("testosterone_cypionate", amount=150, every_days=7, stop_day=years),
                        hpg.Dose("clomiphene", amount=25, every_days=1, start_day=years, stop_day=years + 182)])
    monitored = hpg.simulate(plan, days=years + 365, patient=hpg.Patient(age=35))
    text = ch03b.monitoring_verdict(monitored).markdown
    trough = min(sheet_reading(monitored, years + 7 * week, "testosterone") for week in ch03b.WEEKS if week > 0)
    left_the_range = trough < hpg.reference_range("testosterone").low
    assert ("back into the reference range" in text) == left_the_range
    assert ("inside the reference range" in text) == (not left_the_range)


def test_worked_solutions_code_lines_fit_a_laptop_screen():
    """A worked solution's code shows in an output area that breaks long lines anywhere: at 1366x768 03a's
    'days=240' read 'day' / 's=240'. Lines of at most 90 characters stay whole there."""
    import ast
    from pathlib import Path

    lessons_dir = Path(lessons.__file__).parent
    blocks = 0
    for path in sorted(lessons_dir.glob("ch*.py")):
        source = path.read_text()
        for block in re.findall(r'"```python\\n"(.*?)"```\\n', source, re.S):
            code = "".join(ast.literal_eval(piece) for piece in re.findall(r'"(?:[^"\\]|\\.)*"', block))
            compile(code, path.name, "exec")
            blocks += 1
            for line in code.splitlines():
                assert len(line) <= 90, f"{path.name}: {line}"
    assert blocks >= 4
