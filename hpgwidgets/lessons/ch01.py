"""Notebook 01 · Fundamentals: its checks of understanding, the sentences that state model figures,
and the claims its text makes about the model (see hpgwidgets/lessons/__init__.py)."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

import hpgwidgets as hpg
from hpgwidgets import charts, quiz, summary
from hpgwidgets.lessons import Bank, Prose
from hpgwidgets.lessons.measures import days_after_last_injection, share_list
from hpgwidgets.tables import read_table

BANK = Bank("01")
SPERM_LIMIT = hpg.reference_range("sperm").low  # WHO lower reference limit, million/mL
pct = summary.percent


# ---- 4 · Negative feedback -------------------------------------------------------------------

@BANK.question("lh_with_weak_testes")
def lh_with_weak_testes(average_man, weak_testes):
    lh_ratio = weak_testes.baseline["lh"] / average_man.baseline["lh"]
    answer = "Higher" if lh_ratio > 1.05 else "Lower" if lh_ratio < 0.95 else "The same"
    # from the LH figures the table in the reveal prints (28 and 4.5 give 6.2; the unrounded values gave 6.3)
    shown_ratio = float(summary.number(weak_testes.baseline["lh"])) / float(summary.number(average_man.baseline["lh"]))
    return quiz.Predict(
        "Compared with an average man, what is the LH level of a man whose testes make only half the usual testosterone?",
        {
            "Lower": "The thermostat works the other way: less testosterone coming back means less brake.",
            "The same": "If the brain ignored testosterone, LH would not change; but it does sense it.",
            "Higher": "The pituitary senses too little testosterone and turns LH up, trying to push the weak testes harder.",
        },
        answer=answer,
        model_says=f"Model: his LH is {shown_ratio:.1f} times the average man's.",
        reveal=lambda: [summary.readable_table(
            {"average man": average_man.baseline, "weak testes": weak_testes.baseline},
            ["testosterone", "lh", "fsh"], index_name="untreated"),
            # after the commit only: read before it, this would answer the question
            "A high LH together with a low testosterone is the laboratory signature of a problem **in the testes** "
            "(primary hypogonadism). A low testosterone with a low or \"normal\" LH points instead to the brain "
            "(secondary hypogonadism). As you will see next, testosterone therapy produces exactly that second pattern."],
    )


@BANK.claim("feedback")
def feedback_claims(average_man, weak_testes):
    return {"weak testes raise LH (the text's 'turns LH up')":
            weak_testes.baseline["lh"] > 1.2 * average_man.baseline["lh"],
            "the average man's untreated testosterone is about 530 ng/dL, the weak testes' about half (the text)":
            abs(average_man.baseline["testosterone"] - 530) < 15
            and 0.4 < weak_testes.baseline["testosterone"] / average_man.baseline["testosterone"] < 0.6}


# ---- 5 · Testosterone therapy ------------------------------------------------------------------

@BANK.question("lh_after_three_weeks")
def lh_after_three_weeks(three_weeks):
    on_day_21 = {name: three_weeks.relative(name)[21] for name in ("lh", "fsh", "testosterone")}
    lh = on_day_21["lh"]
    answer = ("Below 10% of where it started" if lh < 0.1 else "Down to about half" if lh < 0.75
              else "About the same" if lh < 1.1 else "Higher than before")
    return quiz.Predict(
        "After three weekly injections (week 3), where is this man's LH compared with before treatment?",
        {
            "Higher than before": "More testosterone does not call for more LH: the feedback runs the other way.",
            "About the same": "The loop reacts within days; LH does not hold steady under a large dose.",
            "Down to about half": "A reasonable guess, but the brake is much stronger than that at this dose.",
            "Below 10% of where it started": "The brake is nearly complete: the pituitary has almost stopped sending LH.",
        },
        answer=answer,
        model_says=(f"Model, week 3: LH {pct(lh)}, FSH {pct(on_day_21['fsh'])} and serum testosterone "
                    f"{pct(on_day_21['testosterone'])} of their starting values. "
                    "Published (Coviello 2005, the same regimen): LH about 5% and FSH about 3% of baseline."),
        reveal=lambda: charts.timeseries_chart(three_weeks, ["testosterone", "lh", "fsh"]),
    )


@BANK.question("itt_after_three_weeks")
def itt_after_three_weeks(three_weeks):
    itt = three_weeks.relative("itt")[21]
    answer = ("It has fallen by more than 80%" if itt < 0.2
              else "It is high too, like the blood level" if itt > 1.2 else "It is unchanged: the testis makes its own regardless")
    return quiz.Predict(
        "Serum testosterone is above its starting value in week 3. What has happened to the testosterone level *inside* the testis?",
        {
            "It is high too, like the blood level": "Injected testosterone does reach the testis, but only at blood-level concentrations, far below the testis's own.",
            "It has fallen by more than 80%": "Without LH the Leydig cells stop, and the local level, normally about a hundred times the blood level, collapses.",
            "It is unchanged: the testis makes its own regardless": "The testis makes its own only when LH tells it to, and LH is almost gone.",
        },
        answer=answer,
        model_says=(f"Model: testosterone inside the testis in week 3 is {pct(itt)} of its starting value "
                    "(published: about 6%)."),
        reveal=lambda: charts.timeseries_chart(three_weeks, ["testosterone", "itt"]),
    )


@BANK.claim("three_weeks")
def three_weeks_claims(three_weeks):
    return {
        "serum testosterone is above its starting value in week 3 (question text)": three_weeks.relative("testosterone")[21] > 1,
        "LH is almost gone in week 3 (question text)": three_weeks.relative("lh")[21] < 0.1,
    }


@BANK.say("sperm_lag")
def sperm_lag(six_months):
    sperm, lh = six_months.relative("sperm"), six_months.relative("lh")
    week_2, month_1, month_6, lh_week_2 = sperm[14], sperm[30], sperm[182], lh[14]
    return Prose(
        f"In the model, two weeks into weekly injections LH is down to **{pct(lh_week_2)}** of its starting value, "
        f"but sperm concentration is still at **{pct(week_2)}**. It is at **{pct(month_1)}** after one month "
        f"and **{pct(month_6)}** after six months.",
        figures={"week_2": week_2, "month_1": month_1, "month_6": month_6, "lh_week_2": lh_week_2},
        claims={"LH falls within two weeks (under a fifth left)": lh_week_2 < 0.2,
                "sperm lag behind at two weeks (more than half left)": week_2 > 0.5,
                "deep suppression by month 6 (under a tenth left)": month_6 < 0.1},
    )


# ---- 6 · Dose and people ---------------------------------------------------------------------

@BANK.claim("dose")
def dose_claims(by_dose):
    doses = sorted(by_dose)
    lh = [by_dose[dose].at(182)["lh"] for dose in doses]
    sperm = [by_dose[dose].at(182)["sperm"] for dose in doses]
    return {"a larger dose presses the brake harder: LH falls with dose": all(a >= b for a, b in zip(lh, lh[1:])),
            "sperm fall with dose": all(a >= b for a, b in zip(sperm, sperm[1:]))}


@BANK.say("people_differ")
def people_differ(by_person, people_day):
    """What the people table shows, in words chosen from its printed figures: which columns tell the men apart."""
    at_day = {name: run.at(people_day) for name, run in by_person.items()}
    week = round(people_day / 7)
    units = {"testosterone": "ng/dL", "lh": "IU/L", "sperm": "million/mL"}
    names = {"testosterone": "serum testosterone", "lh": "LH", "sperm": "sperm concentration"}

    def printed(variable, name):
        return summary.value_text(variable, at_day[name][variable])

    def reading(variable, name):
        shown = printed(variable, name)
        return shown if shown == summary.NO_SPERM_SEEN else f"{shown} {units[variable]}"

    parts, spreads = [], {}
    for variable in ("testosterone", "lh", "sperm"):
        values = {name: at_day[name][variable] for name in at_day}
        low, high = min(values, key=values.get), max(values, key=values.get)
        spreads[variable] = values[high] / max(values[low], 1e-6)
        if len({printed(variable, name) for name in at_day}) == 1:
            parts.append(f"{names[variable]} reads {reading(variable, low)} in all of them")
        else:
            def who(end):  # several men can print the same figure: then the sentence does not single one out
                sharing = [name for name in at_day if printed(variable, name) == printed(variable, end)]
                return sharing[0] if len(sharing) == 1 else f"{len(sharing)} of the men"
            parts.append(f"{names[variable]} runs from {reading(variable, low)} ({who(low)}) to {reading(variable, high)} "
                         f"({who(high)})")
    widest = max(spreads, key=spreads.get)
    return Prose(f"**Model:** on the same injections, at week {week} {'; '.join(parts)}. The widest spread is in "
                 f"{names[widest]}: the same dose leaves these men at different points on the way down.",
                 figures={f"{variable} spread": value for variable, value in spreads.items()},
                 claims={"the table's men differ in what it prints (the text above says people differ)":
                         any(len({printed(variable, name) for name in at_day}) > 1 for variable in units),
                         "every man's count is still falling at the table's week ('on the way down')":
                         all(run["sperm"][-1] < run.at(people_day)["sperm"] for run in by_person.values())})


def _split_week(no_sperm) -> tuple[int, float]:
    """The whole week at which the cohort is most evenly split between men with and without sperm."""
    last_day = no_sperm.curve()["day"].iloc[-1]
    shares = {week: no_sperm.probability_by(week * 7) for week in range(1, 27) if week * 7 <= last_day}
    week = min(shares, key=lambda w: abs(shares[w] - 0.5))
    return week, shares[week]


@BANK.question("two_friends", evidence=())
def two_friends(no_sperm):
    """The premise (one friend has none, the other some) is set at the week the virtual cohort splits most evenly."""
    text = BANK.texts["two_friends"]
    week, _ = _split_week(no_sperm)
    return quiz.MultipleChoice(text["question"].format(weeks=week), text["options"], answer=text["answer"])


@BANK.claim("two_friends_premise")
def two_friends_claims(no_sperm):
    week, share = _split_week(no_sperm)
    return {f"at week {week} some virtual men have no sperm and others still have some (the question's premise)": 0.1 < share < 0.9}


def _published(row_id: str) -> dict:
    return next(row for row in read_table("published_population") if row["id"] == row_id)


@BANK.say("cohort_vs_who")
def cohort_vs_who(same_dose, no_sperm):
    who = _published("who1990_azoospermic_6mo")
    published, n_published = float(who["value"]), who["n"]
    share = no_sperm.probability_by(182)
    low, median, high = (float(v) for v in np.quantile(same_dose["sperm"][:, 91], [0.1, 0.5, 0.9]))
    curve = no_sperm.curve()
    first = curve.loc[curve["probability"] > 0, "day"]
    first_month = float(first.iloc[0]) / 30.4 if len(first) else None
    side = summary.relation(share, published, tolerance=0.1, words=("below", "close to", "above"))
    reason = {
        "below": "fewer virtual men lose all sperm than real ones did",
        "above": "more virtual men lose all sperm than real ones did",
        "close to": "the virtual cohort and the real one agree",
    }[side]
    return Prose(
        f"**Model:** {pct(share)} of the {same_dose['sperm'].shape[0]} virtual men have no sperm at six months; "
        f"the WHO study of {n_published} men found about {pct(published)}. "
        f"At three months the spread is wide: the most suppressed tenth of the virtual men are below "
        f"{summary.number(low)} million/mL, half are below {summary.number(median)}, and the least suppressed tenth "
        f"are above {summary.number(high)}.\n\n"
        f"So the model lands **{side}** the published share: {reason}. The model is calibrated to average hormone "
        "changes, not to this figure, and virtual men are simpler than real ones. Comparisons like this one, "
        "against data the model was not tuned to, are how a teaching model shows its limits honestly.",
        figures={"model_share": share, "published_share": published, "p10": low, "p50": median, "p90": high},
        claims={"identical doses, very different men: the least suppressed tenth is over 4 times the most suppressed":
                high > 4 * max(low, 1e-3)},
    )


# ---- 8 · Recovery ------------------------------------------------------------------------------

@BANK.question("weeks_to_sperm_recovery")
def weeks_to_sperm_recovery(stopped):
    sperm_days = days_after_last_injection(stopped, "sperm", SPERM_LIMIT)
    lh_days = days_after_last_injection(stopped, "lh", 0.5, relative=True)
    return quiz.Predict(
        f"How many weeks after the last injection does the model's sperm concentration climb back above "
        f"{SPERM_LIMIT:g} million/mL (the lower reference limit)?",
        answer=sperm_days / 7,
        tolerance=6,
        unit="weeks",
        prompt="Weeks after the last injection",
        model_says=(f"LH is back at half of its starting value {lh_days:.0f} days after the last injection; "
                    f"sperm pass {SPERM_LIMIT:g} million/mL after {sperm_days / 7:.0f} weeks."),
        reveal=lambda: charts.timeseries_chart(stopped, ["testosterone", "lh", "sperm"]),
    )


@BANK.claim("recovery")
def recovery_claims(stopped):
    sperm_days = days_after_last_injection(stopped, "sperm", SPERM_LIMIT)
    lh_days = days_after_last_injection(stopped, "lh", 0.5, relative=True)
    return {
        "sperm come back within the year followed": sperm_days is not None,
        "hormones come back first, sperm later (LH half-way before sperm pass the limit)":
            sperm_days is not None and lh_days is not None and lh_days < sperm_days,
        "sperm recovery takes months, not days (6 to 52 weeks)": sperm_days is not None and 6 * 7 < sperm_days < 52 * 7,
    }


# ---- Exercises ---------------------------------------------------------------------------------

@BANK.question("solution_find_the_dose")
def solution_find_the_dose():
    def write() -> str:
        lh_by_dose = {dose: hpg.simulate(hpg.Regimen([hpg.Dose("testosterone_enanthate", amount=dose, every_days=7)]), days=182).relative("lh")[182]
                      for dose in range(25, 225, 25)}
        halving = [dose for dose, value in lh_by_dose.items() if value < 0.5]
        verdict = (f"The smallest dose that halves LH in the model is **{halving[0]} mg per week**. "
                   if halving else "No dose up to 200 mg per week halves LH in the model. ")
        return ("One way is to simulate every dose from 25 to 200 mg and read LH in week 26 as a share of baseline:\n\n"
                + share_list(lh_by_dose, lambda dose: f"{dose} mg per week, LH")
                + f"\n\n{verdict}"
                "Note how steeply LH falls over a small range of doses: the brake works on the total amount of testosterone "
                "the brain senses, and the man's own production already supplies most of what it needs.")

    return quiz.Solution("Exercise 1", write)


@lru_cache(maxsize=1)
def _two_years_then_stop():
    return hpg.simulate(hpg.Regimen([hpg.Dose("testosterone_enanthate", amount=200, every_days=7, stop_day=730)]), days=730 + 540)


@BANK.question("solution_short_versus_long")
def solution_short_versus_long(stopped):
    def write() -> str:
        short = days_after_last_injection(stopped, "sperm", SPERM_LIMIT) / 7
        long = days_after_last_injection(_two_years_then_stop(), "sperm", SPERM_LIMIT) / 7
        return (f"After six months of treatment the model's sperm concentration is back above {SPERM_LIMIT:g} million/mL "
                f"**{short:.0f} weeks** after the last injection; after two years, after **{long:.0f} weeks**. "
                "Longer suppression lets the Leydig cells and the sperm-making tissue shrink, and rebuilding them takes extra time. "
                "Studies of men after hormonal contraception found the same direction: longer treatment, slower recovery. "
                "The Academic tier looks at this and at the other predictors of recovery (age, dose, the testes' starting state).")

    return quiz.Solution("Exercise 2", write)


@BANK.claim("short_versus_long")
def short_versus_long_claims(stopped):
    short = days_after_last_injection(stopped, "sperm", SPERM_LIMIT)
    long = days_after_last_injection(_two_years_then_stop(), "sperm", SPERM_LIMIT)
    return {"longer suppression does not make recovery faster (worked solution)":
            None not in (short, long) and long >= short}
