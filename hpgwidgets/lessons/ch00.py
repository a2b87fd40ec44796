"""Notebook 00 · Start here: its checks of understanding, the sentences stating model figures, and the
claims its text makes about the model (see hpgwidgets/lessons/__init__.py)."""
from __future__ import annotations

import hpgwidgets as hpg
from hpgwidgets import charts, quiz, summary
from hpgwidgets.lessons import Bank, Prose
from hpgwidgets.summary import in_sentence

BANK = Bank("00")
STEADY = 0.05  # "stays within 5% of its starting value"


@BANK.say("steady_state")
def steady_state(untreated):
    drift = {name: abs(untreated.relative(name)[-1] - 1) for name in ("testosterone", "lh", "fsh", "sperm")}
    largest = max(drift, key=drift.get)
    return Prose(
        f"In the model, after four weeks without treatment, the largest change is in {in_sentence(hpg.simulation.LABELS[largest])}: "
        f"{summary.percent(drift[largest])} away from its starting value. Left alone, a healthy hormone system holds its values "
        "steady: that stability is what its feedback loops are for.",
        figures=drift,
        claims={"testosterone, LH, FSH and sperm stay within 5% over four weeks": all(value < STEADY for value in drift.values())},
    )


@BANK.question("year_untreated")
def year_untreated(a_year_untreated):
    share = a_year_untreated.relative("sperm")[-1]
    steady, down, swings = "It stays close to where it started", "It drifts slowly downwards", "It swings up and down from week to week"
    return quiz.Predict(
        "A healthy man receives no medicine at all for a year. What does the model predict for his sperm concentration?",
        {
            down: "Nothing in an untreated, healthy adult pushes the system away from its set point, so there is no drift in the model.",
            steady: "The feedback loops hold the system at its set point; with no treatment nothing moves it.",
            swings: "Real semen analyses do vary from sample to sample, but this model follows an average man, not day-to-day noise.",
        },
        answer=steady if abs(share - 1) < STEADY else down if share < 1 else swings,
        model_says=f"Model: sperm concentration after a year is {summary.percent(share)} of its starting value.",
        reveal=lambda: charts.timeseries_chart(a_year_untreated, ["testosterone", "lh", "fsh", "sperm"]),
    )


@BANK.question("solution_find_a_value")
def solution_find_a_value(untreated):
    def write() -> str:
        band = hpg.reference_range("lh")
        value = untreated.at(14)["lh"]
        where = "inside" if band.flag(value) == "" else "outside"
        return (f"The model's LH on day 14 is **{summary.number(value, 'IU/L')}**. The reference range in the table of units is "
                f"{band.low:g}-{band.high:g} IU/L, so the value sits {where} it. Because the untreated man is at steady state, "
                "any other day gives the same value.")

    return quiz.Solution("find a value", write)


@BANK.claim("steady_lh")
def steady_lh_claims(untreated):
    values = [untreated.at(day)["lh"] for day in (0, 7, 14, 21, 28)]
    return {"LH is the same on every day (worked solution: 'any other day gives the same value')":
            max(values) - min(values) < 0.05 * max(values)}
