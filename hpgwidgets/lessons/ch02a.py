"""Notebook 02a · the medicines that restart the axis: checks of understanding, sentences stating
model figures, and the claims its text makes about the model (see hpgwidgets/lessons/__init__.py)."""
from __future__ import annotations

from functools import lru_cache

import hpgwidgets as hpg
from hpgwidgets import charts, quiz, summary
from hpgwidgets.lessons import Bank, Prose
from hpgwidgets.lessons.measures import days_after_last_injection, mean_relative, share_list, sperm_reading

BANK = Bank("02a")
SPERM_LIMIT = hpg.reference_range("sperm").low  # WHO lower reference limit, million/mL
pct = summary.percent
PUMP, TWICE_WEEKLY, T_ONLY = "+ gonadorelin pump, every 90 min", "+ gonadorelin twice weekly", "testosterone only"


# ---- 2 · The agents as data --------------------------------------------------------------------

@BANK.claim("half_lives")
def half_life_claims(agents):
    half_life = agents["elimination_half_life_days"]
    return {
        "gonadorelin's half-life is minutes (under an hour)": half_life["gonadorelin"] * 24 * 60 < 60,
        "hCG lasts about a day, far longer than gonadorelin": half_life["hcg"] > 20 * half_life["gonadorelin"],
        "the tablets last days": half_life[["clomiphene", "tamoxifen", "anastrozole"]].min() > 1,
    }


# ---- 3 · Gonadorelin -------------------------------------------------------------------------------

def _lh_weeks_9_to_12(runs) -> dict[str, float]:
    return {name: mean_relative(run, "lh", 56) for name, run in runs.items()}


@BANK.question("highest_lh_schedule")
def highest_lh_schedule(gonadorelin_runs):
    lh = _lh_weeks_9_to_12(gonadorelin_runs)
    return quiz.Predict(
        "Over weeks 9 to 12, which schedule keeps this man's LH highest?",
        {
            T_ONLY: "Testosterone alone keeps the brake on; LH stays near zero.",
            TWICE_WEEKLY: "Each injection is cleared within the hour, so the pituitary gets a brief push twice a week and little in between.",
            PUMP: "A pulse every 90 minutes stands in for the hypothalamus day and night, the way the pump is used in GnRH deficiency.",
        },
        answer=max(lh, key=lh.get),
        model_says="Model, mean LH in weeks 9-12 as a share of the untreated baseline: "
                   + ", ".join(f"{name} {pct(value)}" for name, value in lh.items()) + ".",
        reveal=lambda: charts.timeseries_chart(gonadorelin_runs[PUMP], ["lh", "fsh", "itt"], compare=gonadorelin_runs[TWICE_WEEKLY],
                                               names=("pump, every 90 min", "twice weekly")),
    )


@BANK.claim("gonadorelin")
def gonadorelin_claims(gonadorelin_runs, pump, too_often):
    lh = _lh_weeks_9_to_12(gonadorelin_runs)
    return {
        "pulsatile delivery beats twice-weekly injections (LH over twice as high)": lh[PUMP] > 2 * lh[TWICE_WEEKLY],
        "two short pulses a week cannot stand in for the hypothalamus (LH under half)": lh[TWICE_WEEKLY] < 0.5,
        "near-continuous exposure desensitises the receptor": too_often["gnrh_receptor"][-1] < pump["gnrh_receptor"][-1],
        "near-continuous exposure gives less LH than the pump": mean_relative(too_often, "lh", 56) < mean_relative(pump, "lh", 56),
    }


@BANK.say("pump_versus_continuous")
def pump_versus_continuous(pump, too_often):
    rows = {"pump, every 90 min": pump, "every 15 min (near-continuous)": too_often}
    table = ("| Schedule | mean LH, weeks 9-12 (% of untreated) | GnRH-receptor responsiveness, week 12 (1 = fully sensitive) |\n"
             "| --- | --- | --- |\n"
             + "".join(f"| {name} | {pct(mean_relative(run, 'lh', 56))} | {run['gnrh_receptor'][-1]:.2f} |\n" for name, run in rows.items()))
    return Prose(table, figures={name: mean_relative(run, "lh", 56) for name, run in rows.items()})


@BANK.say("gonadorelin_verdict")
def gonadorelin_verdict(gonadorelin_runs, too_often):
    lh = _lh_weeks_9_to_12(gonadorelin_runs)
    pump_lh, twice_lh = lh[PUMP], lh[TWICE_WEEKLY]
    receptor = too_often["gnrh_receptor"][-1]
    if pump_lh >= 0.5:
        pump_words = f"the 90-minute pump keeps LH at {pct(pump_lh)} of an untreated man's, enough to keep the pituitary working"
    else:
        pump_words = (f"the 90-minute pump does better, but still brings LH only to {pct(pump_lh)} of an untreated man's: "
                      "against ongoing testosterone injections even a pump restores only part of the signal")
    return Prose(
        f"**What this shows, and what it does not.** In the model, twice-weekly gonadorelin barely moves LH "
        f"({pct(twice_lh)} of untreated), {pump_words}, and near-continuous exposure all but switches the receptor off "
        f"({receptor:.2f} of full responsiveness in week 12). "
        "That agrees with the physiology and with how the pump is used in GnRH deficiency. It does not prove what "
        "twice-weekly injections do in real men on or after testosterone therapy: no controlled trial of that schedule "
        "was found, and the documents cite none. One of them also has gonadorelin stimulating \"the pituitary and "
        "Leydig cells\"; Leydig cells have no GnRH receptors, and only LH (or hCG) acts on them.",
        figures={"pump_lh": pump_lh, "twice_weekly_lh": twice_lh},
        claims={"twice-weekly gonadorelin barely moves LH (under a fifth of untreated)": twice_lh < 0.2,
                "near-continuous exposure all but switches the receptor off (under a tenth)": receptor < 0.1},
    )


# ---- 4 · SERMs -----------------------------------------------------------------------------------

@BANK.question("testosterone_on_clomiphene")
def testosterone_on_clomiphene(on_clomiphene):
    return quiz.Predict(
        "After 12 weeks of clomiphene, what has happened to this man's serum testosterone? (type a percentage of his starting value, e.g. 100 for unchanged)",
        answer=100 * on_clomiphene.relative("testosterone")[84],
        tolerance=40,
        unit="% of start",
        prompt="Testosterone at week 12",
        model_says=f"LH rose to {pct(on_clomiphene.relative('lh')[84])}, FSH to {pct(on_clomiphene.relative('fsh')[84])} and estradiol to "
                   f"{pct(on_clomiphene.relative('estradiol')[84])} of their starting values"
                   + ("; FSH answers less than LH in the model: it has a second brake, inhibin B from the Sertoli cells, which a SERM does not lift"
                      if on_clomiphene.relative("fsh")[84] < on_clomiphene.relative("lh")[84] - 0.1 else "")
                   + ". A published series reported testosterone roughly doubling (247 to 504 ng/dL).",
        reveal=lambda: charts.timeseries_chart(on_clomiphene, ["testosterone", "lh", "fsh", "estradiol"]),
    )


@BANK.claim("clomiphene")
def clomiphene_claims(on_clomiphene):
    at_12_weeks = {name: on_clomiphene.relative(name)[84] for name in ("lh", "fsh", "testosterone", "estradiol")}
    return {
        "a SERM raises LH (by over a tenth) and FSH (the reveal says by how much)": at_12_weeks["lh"] > 1.1 and at_12_weeks["fsh"] > 1,
        "testosterone rises by roughly the published factor of 2 (1.3 to 2.7)": 1.3 < at_12_weeks["testosterone"] < 2.7,
        "estradiol in the blood rises too (the text after the question)": at_12_weeks["estradiol"] > 1,
    }


# ---- 5 · Anastrozole -------------------------------------------------------------------------------

@BANK.say("anastrozole_against_leder")
def anastrozole_against_leder(by_anastrozole):
    none, one_mg_daily = by_anastrozole[0].at(84), by_anastrozole[7].at(84)
    t_ratio = one_mg_daily["testosterone"] / none["testosterone"]
    e2_ratio = one_mg_daily["estradiol"] / none["estradiol"]
    t_words = summary.relation(t_ratio, 1.67, tolerance=0.15, words=("a smaller rise than in", "about the same rise as in", "a larger rise than in"))
    smallest, largest = min(dose for dose in by_anastrozole if dose), max(by_anastrozole)
    # from the estradiol figures the table above prints (15.5, 13.9, 7): a reader checks the share against them
    shown = {dose: float(summary.number(by_anastrozole[dose].at(84)["estradiol"])) for dose in (0, smallest, largest)}
    fall = {dose: shown[0] - shown[dose] for dose in (smallest, largest)}
    share_of_largest = fall[smallest] / fall[largest] if fall[largest] > 0 else 0.0
    if share_of_largest > 0.6:
        dose_words = (f"Notice the flat dose-response: {smallest:g} mg a week already lowers estradiol {pct(share_of_largest)} as much "
                      f"as {largest:g} mg does. The model's aromatase is almost fully blocked by small amounts, because the tablet "
                      "lasts days and the model's enzyme is very sensitive to it. The trials tested 1 mg a day and more, so the "
                      "model's answer for tiny amounts is an extrapolation, not evidence.")
    else:
        dose_words = (f"The dose matters: {smallest:g} mg a week lowers estradiol only {pct(share_of_largest)} as much as "
                      f"{largest:g} mg does.")
    return Prose(
        f"**1 mg daily for 12 weeks.** Model: testosterone ×{t_ratio:.2f}, estradiol ×{e2_ratio:.2f}. "
        f"Published (Leder 2004): ×1.67 and ×0.65. For testosterone the model gives {t_words} the trial.\n\n{dose_words}",
        figures={"t_ratio": t_ratio, "e2_ratio": e2_ratio, "smallest_dose_share_of_largest": share_of_largest},
    )


@BANK.claim("anastrozole")
def anastrozole_claims(by_anastrozole):
    weekly = sorted(by_anastrozole)
    estradiol = [by_anastrozole[dose].at(84)["estradiol"] for dose in weekly]
    testosterone = [by_anastrozole[dose].at(84)["testosterone"] for dose in weekly]
    return {
        "more aromatase inhibition, less estradiol": all(a > b for a, b in zip(estradiol, estradiol[1:])),
        "less estradiol brake, more testosterone": all(a < b for a, b in zip(testosterone, testosterone[1:])),
        "even at the highest amount, estradiol stays inside the reference interval (text below the table)":
            hpg.reference_range("estradiol").flag(estradiol[-1]) == "",
    }


# ---- 6 · hCG -----------------------------------------------------------------------------------------

def _itt_day_21(itt_runs) -> dict[int, float]:
    return {hcg_iu: run.relative("itt")[21] for hcg_iu, run in itt_runs.items()}


@BANK.question("itt_with_hcg")
def itt_with_hcg(itt_runs):
    itt = _itt_day_21(itt_runs)
    published = {0: 0.06, 250: 0.93, 500: 1.26}  # Coviello 2005, as in model_says below
    table = ("| hCG every other day (IU) | Intratesticular testosterone in week 3, model (% of baseline) | Measured (Coviello 2005) |\n"
             "| --- | --- | --- |\n"
             + "".join(f"| {'none' if iu == 0 else iu} | {pct(share)} | {pct(published[iu]) if iu in published else '-'} |\n"
                       for iu, share in itt.items()))
    near = [iu for iu, share in itt.items() if iu and abs(share - 1) <= 0.3]
    if 0.6 < itt[250] < 1.3:
        verdict = "With 250 IU the model, like the study, keeps the level near its start."
    else:
        verdict = (f"With 250 IU the model keeps only {pct(itt[250])}, less than the study measured"
                   + (f"; it needs {near[0]} IU to keep the level near its start. " if near else ". ")
                   + "The direction (more hCG, more testosterone inside the testis) is the same; the dose the model needs "
                   "for it is a limit of this teaching model.")
    table += "\n" + verdict
    return quiz.Predict(
        "With testosterone 200 mg weekly plus hCG 250 IU every other day, where is the testosterone inside the testis after three weeks? (percent of its starting value)",
        answer=100 * itt[250],
        tolerance=30,
        unit="% of start",
        prompt="Intratesticular testosterone in week 3",
        model_says="Published (Coviello 2005): about 6% with testosterone alone, about 93% with 250 IU and about 126% with 500 IU.",
        reveal=lambda: table,
    )


@BANK.claim("hcg")
def hcg_claims(itt_runs):
    itt = _itt_day_21(itt_runs)
    doses = sorted(itt)
    return {
        "testosterone alone collapses intratesticular T (published 6%)": itt[0] < 0.15,
        "some hCG dose in the table keeps it near baseline (within 30%) (the sentence under the table)":
            any(abs(itt[iu] - 1) <= 0.3 for iu in doses if iu),
        "more hCG, more intratesticular T": all(itt[a] <= itt[b] for a, b in zip(doses, doses[1:])),
    }


# ---- 7 · Combining agents --------------------------------------------------------------------------

def _weeks_to_sperm(protocol_runs) -> dict[str, float | None]:
    """Weeks from the last injection to the WHO limit, to the tenth of a week the feedback prints: the gain it
    states is then the difference of the figures beside it (15.7 - 11.9 read 'gains 3.9 weeks' unrounded)."""
    weeks = {}
    for name, run in protocol_runs.items():
        days = days_after_last_injection(run, "sperm", SPERM_LIMIT)
        weeks[name] = None if days is None else round(days / 7, 1)
    return weeks


def _itt_two_weeks_after(protocol_runs) -> dict[str, float]:
    from hpgwidgets.lessons.measures import last_injection_day

    return {name: run.relative("itt")[int(last_injection_day(run)) + 14] for name, run in protocol_runs.items()}


# How much sooner the fastest plan gets sperm back than stopping alone: bins that cannot overlap, so a
# learner who reads the numbers right is never marked wrong by a tie rule.
SOONER_BINS = (
    (None, 0.0, "No sooner: stopping alone is as fast or faster",
     "In the model the medicines bring the hormones back sooner, but sperm still pass through the whole of spermatogenesis."),
    (0.0, 2.0, "Less than two weeks sooner",
     "The medicines bring the testosterone inside the testis back at once, yet sperm still need the full weeks of "
     "spermatogenesis: a gain this small is lost between two semen analyses."),
    (2.0, 6.0, "Two to six weeks sooner",
     "The medicines bring the testosterone inside the testis back at once, so the germ cells restart a little earlier; "
     "but every sperm still needs the full weeks of spermatogenesis, which no medicine shortens: the gain stays well "
     "under one cycle."),
    (6.0, 13.0, "Six weeks to three months sooner",
     "That would mean the medicines shorten the wait by about one cycle of spermatogenesis."),
    (13.0, None, "More than three months sooner",
     "That would mean the medicines roughly halve the wait; spermatogenesis alone takes over two months whatever calls it."),
)


def _sooner(protocol_runs) -> tuple[float | None, str | None]:
    """(weeks by which the fastest medicine beats stopping alone, the bin's option text)."""
    weeks = _weeks_to_sperm(protocol_runs)
    with_medicine = [value for name, value in weeks.items() if name != "stop only" and value is not None]
    if weeks["stop only"] is None or not with_medicine:
        return None, None
    gain = weeks["stop only"] - min(with_medicine)
    label = next(text for low, high, text, _ in SOONER_BINS if (low is None or gain > low) and (high is None or gain <= high))
    return gain, label


def _combination_note(weeks) -> str:
    """A sentence for the case the model's combination is slower than stopping alone (its reading, not the series')."""
    combination, alone = weeks["hCG + clomiphene"], weeks["stop only"]
    if combination is None or alone is None or combination <= alone + 2:
        return ""
    return (f" In this model hCG + clomiphene is even slower for sperm ({combination:.1f} against {alone:.1f} weeks): the "
            "testosterone and estradiol that hCG drives keep FSH braked while it is given. The clinical series above saw "
            "no such delay; here the model's simplification shows.")


@BANK.question("fastest_sperm_recovery")
def fastest_sperm_recovery(protocol_runs):
    weeks = _weeks_to_sperm(protocol_runs)
    itt = _itt_two_weeks_after(protocol_runs)
    gain, answer = _sooner(protocol_runs)
    itt_words = ", ".join(f"{name} {pct(value)}" for name, value in itt.items())
    return quiz.Predict(
        f"Compared with stopping alone, how much sooner does the faster of the two protocols get sperm back above "
        f"{SPERM_LIMIT:g} million/mL?",
        {text: why for _, _, text, why in SOONER_BINS},
        answer=answer,
        model_says=(f"Model, weeks from the last injection until sperm reach {SPERM_LIMIT:g} million/mL: "
                    + ", ".join(f"{name} {'not within the run' if value is None else f'{value:.1f}'}" for name, value in weeks.items())
                    + f" (the faster protocol gains {gain:.1f} weeks). Intratesticular testosterone two weeks after the last "
                    f"injection, as a share of baseline: {itt_words}." + _combination_note(weeks)),
        reveal=lambda: charts.timeseries_chart(protocol_runs["hCG + clomiphene"], ["testosterone", "lh", "fsh", "itt", "sperm"],
                                               compare=protocol_runs["stop only"], names=("hCG + clomiphene", "stop only")),
    )


@BANK.claim("combining")
def combining_claims(protocol_runs):
    weeks = _weeks_to_sperm(protocol_runs)
    itt = _itt_two_weeks_after(protocol_runs)
    return {
        "hCG restores intratesticular testosterone sooner": itt["hCG + clomiphene"] > itt["stop only"],
        "sperm come back within the run for every protocol": None not in weeks.values(),
        "the key of 'how much sooner' is not decided by a rounding (the gain is over half a week from a bin's edge)":
            _sooner(protocol_runs)[0] is not None
            and all(abs(_sooner(protocol_runs)[0] - edge) > 0.5 for low, high, _, _ in SOONER_BINS for edge in (low, high) if edge is not None),
    }


# ---- Exercises -----------------------------------------------------------------------------------------

@BANK.question("solution_pulse_interval")
def solution_pulse_interval(on_testosterone):
    def write() -> str:
        lh_by_interval = {
            minutes: mean_relative(hpg.simulate(hpg.Regimen([on_testosterone, hpg.Dose("gonadorelin", amount=10, every_days=minutes / 1440)]), days=84), "lh", 56)
            for minutes in (15, 60, 90, 120, 240)
        }
        best = max(lh_by_interval, key=lh_by_interval.get)
        paragraphs = [
            "Mean LH in weeks 9-12 on testosterone plus gonadorelin, by pulse interval:",
            share_list(lh_by_interval, lambda minutes: f"every {minutes} min"),
            f"The model's best interval here is **{best} minutes**. Longer intervals give the pituitary fewer signals per day; "
            "much shorter ones approach a continuous infusion, which desensitises the GnRH receptor (the Belchetz experiment). "
            "The physiological window, one pulse every one to two hours, is where the pituitary answers best.",
        ]
        return "\n\n".join(paragraphs)

    return quiz.Solution("Exercise 1", write)


KEEP_GOING = {
    "testosterone alone": (),
    "testosterone + clomiphene 25 mg daily": (("clomiphene", 25, 1),),
    "testosterone + hCG 500 IU every other day": (("hcg", 500, 2),),
}


@lru_cache(maxsize=1)
def _keep_going() -> dict[str, dict[str, float]]:
    on_trt = hpg.Dose("testosterone_enanthate", amount=200, every_days=7)
    values = {}
    for name, added in KEEP_GOING.items():
        run = hpg.simulate(hpg.Regimen([on_trt, *(hpg.Dose(drug, amount=amount, every_days=every) for drug, amount, every in added)]), days=182)
        values[name] = {"sperm": run.at(182)["sperm"], "itt": run.relative("itt")[182], "fsh": run.relative("fsh")[182]}
    return values


@BANK.question("solution_keep_going")
def solution_keep_going():
    def write() -> str:
        return ("\n".join(f"* {name}: sperm **{sperm_reading(row['sperm'])}**, intratesticular T {pct(row['itt'])}, "
                          f"FSH {pct(row['fsh'])} of baseline" for name, row in _keep_going().items())
                + "\n\n**hCG** skips the brain and acts on the Leydig cells' LH receptor, so the testosterone inside the testis stays high whatever the brain does; "
                "FSH stays suppressed, which is why the count is kept but lower than before. "
                "**Clomiphene** works only on the part of the brake that estradiol applies. How much of the brake that part is "
                "in men on testosterone is not well known, so the model's result for clomiphene rests on a modelling assumption. "
                "The clinical evidence differs too: hCG alongside testosterone has a clinical series in which no man lost all sperm; clomiphene added to testosterone "
                "injections has essentially no published data. When model and evidence part ways, trust neither blindly: the Academic tier looks at the feedback in more detail.")

    return quiz.Solution("Exercise 2", write)


@BANK.claim("keep_going")
def keep_going_claims():
    runs = _keep_going()
    with_hcg, alone = runs["testosterone + hCG 500 IU every other day"], runs["testosterone alone"]
    return {
        "hCG keeps intratesticular T up (Coviello 2005)": with_hcg["itt"] > 0.6,
        "hCG keeps the count far above testosterone alone": with_hcg["sperm"] > 5 * max(alone["sperm"], 0.1),
        "FSH stays suppressed with hCG (worked solution)": with_hcg["fsh"] < 0.5,
    }
