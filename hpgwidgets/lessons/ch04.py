"""Notebook 04 · case studies: the decisions (their text is in ch04.toml; the model's answer for every
option is revealed only after the learner commits), sentences stating model figures, and the claims
the cases make about the model (see hpgwidgets/lessons/__init__.py)."""
from __future__ import annotations

from functools import lru_cache

import hpgwidgets as hpg
from hpgwidgets import charts, quiz, summary
from hpgwidgets.cohort import draw_patients
from hpgwidgets.lessons import Bank, Prose
from hpgwidgets.lessons.measures import as_on_sheet, sheet_reading, sperm_reading

BANK = Bank("04")
MONTH, WEEK, YEAR = 30, 7, 365
SPERM_LIMIT = hpg.reference_range("sperm").low  # WHO lower reference limit, million/mL
T_RANGE = hpg.reference_range("testosterone")


def _decision(name: str, *, reveal, model_says: str = "") -> quiz.Predict:
    """A case decision: commit to a plan, then see what the model does with every plan."""
    text = BANK.texts[name]
    return quiz.Predict(text["question"], text["options"], answer=text["answer"], reveal=reveal, model_says=model_says)


def _course_table(runs, columns, index_name: str) -> summary.Table:
    """One row per plan, one column per reading (label -> function of the run), values rounded for reading."""
    import pandas as pd

    frame = pd.DataFrame({name: {label: read(run) for label, read in columns.items()} for name, run in runs.items()}).T
    frame = frame.apply(lambda column: column.map(lambda value: value if isinstance(value, str) else summary.number(value)))
    frame.index.name = index_name
    return summary.Table(frame)


def _sperm(run, day: float) -> str | float:
    value = run.at(day)["sperm"]
    return summary.value_text("sperm", value) if value < summary.azoospermia_reading() else value


# ---- Case A · Daniel ------------------------------------------------------------------------------------

@BANK.claim("daniel_today")
def daniel_today_claims(daniel_today):
    return {"LH and FSH are flagged low on TRT ('suppressed')": daniel_today.flags["lh"] == "L" and daniel_today.flags["fsh"] == "L",
            "the semen shows no sperm (under 1 million/mL)": daniel_today["sperm_concentration"].value < 1}


def _daniel_readings(daniel_runs, visit_day):
    def first_three_months(run):
        window = (run.t >= visit_day) & (run.t <= visit_day + 3 * MONTH)
        return run.t[window], run["testosterone"][window]

    readings = {}
    for name, run in daniel_runs.items():
        days, testosterone = first_three_months(run)
        step = float(days[1] - days[0]) if len(days) > 1 else 1.0
        readings[name] = {"lowest_t": float(testosterone.min()),
                          "days_low": float((testosterone < T_RANGE.low).sum() * step),
                          "fsh_3": run.at(visit_day + 3 * MONTH)["fsh"],
                          **{f"sperm_{m}": run.at(visit_day + m * MONTH)["sperm"] for m in (3, 6, 12)}}
    return readings


def _daniel_key(readings) -> str:
    """The plan the question asks for, read off the runs: sperm above the WHO limit by 12 months, then the fewest
    weeks of testosterone below the range in the first three months, then the higher count at 6 months."""
    fertile = {name: r for name, r in readings.items() if r["sperm_12"] >= SPERM_LIMIT}
    if not fertile:
        raise ValueError("no plan for Daniel reaches the WHO limit within a year: the question's premise no longer holds")
    return min(fertile, key=lambda name: (round(fertile[name]["days_low"] / 7), -fertile[name]["sperm_6"]))


def _key_is_clear(readings) -> bool:
    key = _daniel_key(readings)
    rivals = [r for name, r in readings.items() if name != key and r["sperm_12"] >= SPERM_LIMIT]
    return all(r["days_low"] - readings[key]["days_low"] >= 7 or readings[key]["sperm_6"] > 1.1 * r["sperm_6"] for r in rivals)


def _daniel_line(reading) -> str:
    low = (f"about {reading['days_low']:.0f} days below the reference range in the first three months (lowest "
           f"{summary.number(reading['lowest_t'], 'ng/dL')})" if reading["days_low"] > 0 else
           f"never below the reference range in the first three months (lowest {summary.number(reading['lowest_t'], 'ng/dL')})")
    return (f"Model: testosterone {low}; sperm {sperm_reading(reading['sperm_6'])} at 6 months and "
            f"{sperm_reading(reading['sperm_12'])} at 12 months.")


@BANK.question("daniel_plan", evidence=("daniel_runs",))
def daniel_plan(daniel_runs, visit_day):
    readings = _daniel_readings(daniel_runs, visit_day)
    key = _daniel_key(readings)
    table = _course_table(daniel_runs, {
        "days with T below range, months 0-3": lambda run: readings[_name_of(daniel_runs, run)]["days_low"],
        "lowest T, months 0-3 (ng/dL)": lambda run: readings[_name_of(daniel_runs, run)]["lowest_t"],
        "FSH at 3 months (IU/L)": lambda run: run.at(visit_day + 3 * MONTH)["fsh"],
        **{f"sperm at {m} months (million/mL)": (lambda run, m=m: _sperm(run, visit_day + m * MONTH)) for m in (3, 6, 12)},
    }, index_name="Daniel's plan")
    text = BANK.texts["daniel_plan"]
    options = {name: f"{why} {_daniel_line(readings[name])}" for name, why in text["options"].items()}
    others = sorted((name for name, r in readings.items() if r["sperm_12"] >= SPERM_LIMIT and name != key),
                    key=lambda name: readings[name]["days_low"])
    no_sperm = [name for name, r in readings.items() if r["sperm_12"] < SPERM_LIMIT]
    said = (f"**What the model says.** Only {len(readings) - len(no_sperm)} of the plans bring his count above "
            f"{SPERM_LIMIT:g} million/mL within a year (not: " + "; ".join(f"'{name}'" for name in no_sperm) + "). "
            f"Of those, **{key}** leaves him {readings[key]['days_low']:.0f} days below the testosterone range in the first "
            "three months"
            + ("; " + "; ".join(f"'{name}' {readings[name]['days_low']:.0f} days, with {sperm_reading(readings[name]['sperm_6'])} "
                                f"at 6 months against {sperm_reading(readings[key]['sperm_6'])}" for name in others)
               if others else "")
            + ". No plan in the model both restores his count within a year and spares him the low-testosterone spell entirely: "
            "his own axis needs weeks to restart after three years of injections. hCG alone keeps testosterone up but holds FSH "
            "near zero, the old observation that FSH is needed for *quantitatively* normal spermatogenesis (Matsumoto 1986), "
            "while hCG alone can restart sperm production at a reduced level (Bremner 1981). In every option the first sperm "
            "take two to three months, the spermatogenic clock of 03a.\n\n"
            "What the model does not include: **recombinant FSH**, which clinics add when counts stay low, and the couple's other "
            "factors (the partner's age matters as much as his count).")
    clomiphene, hcg = "stop TRT, start clomiphene 25 mg daily", "stop TRT, start hCG alone (2000 IU three times a week)"
    window = (visit_day - 8 * WEEK, visit_day + 18 * MONTH)
    return quiz.Predict(text["question"], options, answer=key, reveal=lambda: [
        table,
        charts.timeseries_chart(daniel_runs[clomiphene], ["testosterone", "lh", "fsh", "sperm"], compare=daniel_runs[hcg], window_days=window,
                                names=("clomiphene", "hCG alone"), cursor_day=visit_day + 6 * MONTH),
        summary.summary_text(daniel_runs[clomiphene], visit_day + 6 * MONTH, compare=daniel_runs[hcg],
                             names=("clomiphene", "with hCG alone")),  # the sentence starts with this name: not "HCG alone"
        said])


def _name_of(runs, run) -> str:
    return next(name for name, candidate in runs.items() if candidate is run)


@BANK.claim("daniel_plans")
def daniel_plan_claims(daniel_runs, visit_day):
    r = _daniel_readings(daniel_runs, visit_day)
    cont, wait, clom, hcg, ai = (r[name] for name in daniel_runs)
    return {
        "continuing TRT, with or without anastrozole, keeps him azoospermic": cont["sperm_12"] < 1 and ai["sperm_12"] < 1,
        "some plan brings his count above the WHO limit within a year (the question's premise)":
            any(reading["sperm_12"] >= SPERM_LIMIT for reading in r.values()),
        "no plan restores his count within a year without a low-testosterone spell (the reveal's sentence)":
            all(reading["days_low"] > 0 for reading in r.values() if reading["sperm_12"] >= SPERM_LIMIT),
        "hCG alone holds FSH near zero and restarts sperm only partially (below waiting at 12 months)":
            hcg["fsh_3"] < 0.5 and hcg["sperm_12"] < wait["sperm_12"],
        "the key of decision A1 is not a near-tie (a week less below range, or a count at 6 months over 10% higher)":
            _key_is_clear(r),
        "the first sperm take two to three months (none above the limit at month 1)":
            all(run.at(visit_day + MONTH)["sperm"] < SPERM_LIMIT for run in daniel_runs.values()),
    }


def _months_to_limit(run, visit_day) -> float | None:
    reached = run.t[(run.t > visit_day) & (run["sperm"] >= SPERM_LIMIT)]
    return float(reached[0] - visit_day) / MONTH if len(reached) else None


@BANK.question("daniel_months_to_16", evidence=("daniel_runs",))
def daniel_months_to_16(daniel_runs, visit_day):
    waiting = daniel_runs["stop TRT and wait"]
    return quiz.Predict(
        "If Daniel simply stopped his injections today, after how many months would his sperm concentration "
        f"first reach the WHO lower limit of {SPERM_LIMIT:g} million/mL in the model?",
        answer=_months_to_limit(waiting, visit_day),
        tolerance=1.5,
        unit="months",
        reveal=lambda: charts.timeseries_chart(waiting, ["testosterone", "lh", "fsh", "sperm"], window_days=(visit_day - 8 * WEEK, visit_day + 18 * MONTH)),
        model_says="Hormones return within weeks; the count needs the spermatogenic cycle plus tissue repair.",
    )


@BANK.claim("daniel_waiting")
def daniel_waiting_claims(daniel_runs, visit_day):
    months = _months_to_limit(daniel_runs["stop TRT and wait"], visit_day)
    return {"waiting brings sperm back within the 18 months followed, after at least 2 (the question has an answer)":
            months is not None and 2 < months < 18}


def _lab_words(run, day: float) -> str:
    """'his testosterone is 187 ng/dL (below the reference range), his LH 3.2 IU/L (inside it), and no sperm are seen yet.',
    every figure and flag as the lab sheet of that day prints it (the sheet sits above the question)."""
    sheet = hpg.lab_report(run, day)

    def where(item):
        return {"": "inside the reference range", "L": "below the reference range", "H": "above the reference range"}[sheet.flags[item]]

    sperm = sheet["sperm_concentration"]
    sperm_words = ("no sperm are seen yet" if sperm.text == summary.value_text("sperm", 0.0) else
                   f"sperm are back at {as_on_sheet(run, day, 'sperm_concentration')}, "
                   + ("below" if sperm.flag == "L" else "at or above") + " the WHO lower limit")
    return (f"his testosterone is {as_on_sheet(run, day, 'testosterone')} ({where('testosterone')}), his LH "
            f"{as_on_sheet(run, day, 'lh')} ({where('lh')}), and {sperm_words}.")


@BANK.question("daniel_impatient", evidence=())
def daniel_impatient(daniel_clomiphene, visit_day):
    text = BANK.texts["daniel_impatient"]
    return quiz.MultipleChoice(text["question"].format(labs=_lab_words(daniel_clomiphene, visit_day + 3 * MONTH)),
                               text["options"], answer=text["answer"])


@BANK.question("mark_estradiol_high", evidence=())
def mark_estradiol_high(mark_clomiphene, mark_history, gel_days):
    """The premise (where his estradiol now sits) is read from the run, so it cannot contradict the sheet above it."""
    band = hpg.reference_range("estradiol")
    now = sheet_reading(mark_clomiphene, gel_days + VISIT_B2_MONTHS * MONTH, "estradiol")  # as the sheet above prints it
    where = {"H": "above the reference range", "L": "below the reference range"}.get(
        band.flag(now), f"inside the reference range of {band.low:g}-{band.high:g} pg/mL, in its "
        + ("upper" if now > (band.low + band.high) / 2 else "lower") + " half")
    text = BANK.texts["mark_estradiol_high"]
    question = text["question"].format(before=as_on_sheet(mark_history, gel_days - 1, "estradiol"),
                                       now=as_on_sheet(mark_clomiphene, gel_days + VISIT_B2_MONTHS * MONTH, "estradiol"), where=where)
    return quiz.MultipleChoice(question, text["options"], answer=text["answer"])


@BANK.claim("daniel_visits")
def daniel_visit_claims(daniel_clomiphene, visit_day):
    counts = [daniel_clomiphene.at(visit_day + m * MONTH)["sperm"] for m in (3, 6, 9, 12)]
    return {"on clomiphene the count keeps rising over months (3, 6, 9)": counts[0] <= counts[1] < counts[2],
            "back at the WHO limit within a year ('once counts allow')": max(counts) >= SPERM_LIMIT,
            "not yet at the limit at month 3 (he is 'impatient')": counts[0] < SPERM_LIMIT}


# ---- Case B · Mark ------------------------------------------------------------------------------------------

@BANK.claim("mark_today")
def mark_today_claims(mark_history, gel_days):
    today = mark_history.at(gel_days - 1)
    return {"the gel suppresses LH (under half)": today["lh"] < 0.5 * mark_history.baseline["lh"],
            "his untreated testes made tens of millions per mL": mark_history.baseline["sperm"] >= 20,
            "the semen now shows no sperm (the sheet's 'none seen')": today["sperm"] < summary.azoospermia_reading()}


@BANK.question("mark_plan", evidence=("mark_runs",))
def mark_plan(mark_runs, gel_days):
    table = _course_table(mark_runs, {
        "T at 1 month (ng/dL)": lambda run: run.at(gel_days + MONTH)["testosterone"],
        "T at 6 months (ng/dL)": lambda run: run.at(gel_days + 6 * MONTH)["testosterone"],
        "estradiol at 6 months (pg/mL)": lambda run: run.at(gel_days + 6 * MONTH)["estradiol"],
        **{f"sperm at {m} months (million/mL)": (lambda run, m=m: _sperm(run, gel_days + m * MONTH)) for m in (3, 6, 12)},
    }, index_name="Mark's plan")
    return _decision("mark_plan", reveal=lambda: [
        table,
        charts.timeseries_chart(mark_runs["switch the gel for clomiphene 25 mg daily"], ["testosterone", "lh", "estradiol", "sperm"],
                                compare=mark_runs["continue the gel"], window_days=(gel_days - 8 * WEEK, gel_days + YEAR),
                                names=("clomiphene", "the gel")),
        _mark_says(mark_runs, gel_days)])


def _overtakes_gel(run, gel_run, gel_days) -> int | None:
    """The first whole month after the switch at which ``run``'s testosterone is above the gel's (None within the year)."""
    return next((month for month in range(1, 13)
                 if run.at(gel_days + month * MONTH)["testosterone"] > gel_run.at(gel_days + month * MONTH)["testosterone"]), None)


def _mark_says(mark_runs, gel_days) -> str:
    gel, stop, clomiphene, gel_ai = mark_runs.values()

    def at(run, month, variable):
        return run.at(gel_days + month * MONTH)[variable]

    overtakes = _overtakes_gel(clomiphene, gel, gel_days)
    when = f"by month {overtakes}" if overtakes else "not within the year"
    below = [at(run, 1, "testosterone") < T_RANGE.low for run in (stop, clomiphene)]
    where = {(True, True): f", both below the range from {T_RANGE.low:g}",
             (True, False): f", below the range from {T_RANGE.low:g} only without clomiphene",
             (False, True): f", below the range from {T_RANGE.low:g} only on clomiphene",
             (False, False): f", both within the range from {T_RANGE.low:g}"}[tuple(below)]
    return (
        f"**What the model says.** On the gel his semen analysis at month 6 reads {sperm_reading(at(gel, 6, 'sperm'))}. "
        f"Off the gel, his testosterone first dips to about "
        f"{summary.number(at(stop, 1, 'testosterone'))} (stopping) and {summary.number(at(clomiphene, 1, 'testosterone'))} ng/dL "
        f"(clomiphene) at one month{where}, while his own axis restarts. On clomiphene his own "
        f"testosterone passes what the gel gave him {when}, and his count reaches "
        f"{sperm_reading(at(clomiphene, 6, 'sperm'))} at 6 months; stopping alone recovers the count "
        f"too ({sperm_reading(at(stop, 6, 'sperm'))} at 6 months), at a lower testosterone "
        f"({summary.number(at(stop, 12, 'testosterone'))} against {summary.number(at(clomiphene, 12, 'testosterone'))} ng/dL at "
        f"12 months). With anastrozole added to the gel, month 6 reads {sperm_reading(at(gel_ai, 6, 'sperm'))}.")


def _clomiphene_is_key(mark_runs, gel_days) -> bool:
    fertile = {name: run for name, run in mark_runs.items() if run.at(gel_days + 12 * MONTH)["sperm"] >= SPERM_LIMIT}
    best = max(fertile, key=lambda name: fertile[name].at(gel_days + 12 * MONTH)["testosterone"], default=None)
    return best == BANK.texts["mark_plan"]["answer"]


@BANK.claim("mark_plans")
def mark_plan_claims(mark_runs, gel_days):
    at = {name: {"t_1": run.at(gel_days + MONTH)["testosterone"], "t_6": run.at(gel_days + 6 * MONTH)["testosterone"],
                 "t_9": run.at(gel_days + 9 * MONTH)["testosterone"], "sperm_6": run.at(gel_days + 6 * MONTH)["sperm"]}
          for name, run in mark_runs.items()}
    gel, stop, clomiphene, gel_ai = (at[name] for name in mark_runs)
    return {
        "off the gel his testosterone first dips (below what the gel gave, with or without clomiphene)":
            max(stop["t_1"], clomiphene["t_1"]) < gel["t_1"],
        "the key: clomiphene gives the most testosterone of the plans that bring his count above the WHO limit by 12 months":
            _clomiphene_is_key(mark_runs, gel_days),
        "stopping gives his own lower testosterone than the gel": stop["t_6"] < gel["t_6"],
        "clomiphene lets sperm recover (over 3 times the gel at 6 months)": clomiphene["sperm_6"] > 3 * gel["sperm_6"],
        "stopping alone recovers the count too (above the gel at 6 months)": stop["sperm_6"] > 3 * gel["sperm_6"],
        "anastrozole with the gel helps little (below clomiphene)": gel_ai["sperm_6"] < clomiphene["sperm_6"],
    }


@BANK.say("mark_anastrozole")
def mark_anastrozole(mark_clomiphene, mark_with_ai, gel_days):
    day = gel_days + 12 * MONTH
    plain, with_ai = mark_clomiphene.at(day), mark_with_ai.at(day)
    change = with_ai["sperm"] / plain["sperm"] - 1
    table = ("| At 12 months | Estradiol (pg/mL) | Testosterone (ng/dL) | Sperm (million/mL) |\n| --- | ---: | ---: | ---: |\n"
             + "".join(f"| {name} | {summary.number(values['estradiol'])} | {summary.number(values['testosterone'])} | "
                       f"{summary.value_text('sperm', values['sperm'])} |\n"
                       for name, values in (("clomiphene", plain), ("clomiphene + anastrozole", with_ai))))
    return Prose(
        table + f"\n**What the model says.** Anastrozole lowers his estradiol, as expected, and "
        + ("leaves his count as it was" if abs(change) < 0.01 else
           f"moves his count {'up' if change > 0 else 'down'} by {summary.percent(abs(change))}, hardly at all")
        + ". Whether lowering it is *useful* is a "
        "question the model cannot answer: it has no bone, lipid or mood compartment, so it cannot show the cost of driving "
        "estradiol too low. It can show that the estradiol rise did not stop his recovery.",
        figures={"estradiol": plain["estradiol"], "estradiol_with_ai": with_ai["estradiol"], "sperm_change": change},
        claims={"anastrozole lowers his estradiol": with_ai["estradiol"] < plain["estradiol"],
                "and changes his count hardly at all (under 10%)": abs(change) < 0.1},
    )


VISIT_B2_MONTHS = 9  # Mark's second visit (notebook: Visit B2)


@BANK.claim("mark_on_clomiphene")
def mark_on_clomiphene_claims(mark_clomiphene, mark_history, gel_days):
    on_gel = mark_history.at(gel_days - 1)["estradiol"]
    at_visit = mark_clomiphene.at(gel_days + VISIT_B2_MONTHS * MONTH)["estradiol"]
    return {"his estradiol has risen on clomiphene by visit B2 (the key's 'the rise follows his own testosterone')": at_visit > on_gel}


# ---- Case C · Alex --------------------------------------------------------------------------------------------

@BANK.claim("alex_recovery_speed")
def alex_recovery_speed_claims(alex):
    share = float((draw_patients(20_000, seed=0)["recovery_speed"] <= alex.recovery_speed).mean())
    # the text said 'among the slowest few percent'; the population draws about 1 in 1,000 this slow
    return {"slower than all but about 1 in 1,000 men of the virtual population (between 1 in 3,000 and 1 in 300)":
                1 / 3000 < share < 1 / 300}


@BANK.question("alex_one_more_cycle", evidence=("alex_runs",))
def alex_one_more_cycle(alex_runs, alex_visit):
    table = _course_table(alex_runs, {f"sperm at {m} months (million/mL)": (lambda run, m=m: _sperm(run, alex_visit + m * MONTH))
                                      for m in (3, 6, 9, 12)}, index_name="Alex's choice")
    return _decision("alex_one_more_cycle", reveal=lambda: [
        table,
        charts.timeseries_chart(alex_runs["one more cycle"], ["testosterone", "lh", "sperm"], compare=alex_runs["no further cycle"], names=("one more cycle", "no further cycle"),
                                window_days=(alex_visit - 8 * WEEK, alex_visit + YEAR))])


def _model_sees_central_suppression(sheet, untreated_lh: float) -> bool:
    """The model's sheet shows what clinics often see: low testosterone with LH still well below the man's own
    untreated value (his pituitary has not restarted). LH back near or above that value means it has."""
    return sheet.flags["testosterone"] == "L" and sheet["lh"].value < 0.5 * untreated_lh


@BANK.say("alex_model_versus_clinic")
def alex_model_versus_clinic(alex_model_sheet, alex_history):
    t, lh = alex_model_sheet["testosterone"], alex_model_sheet["lh"]
    picture = (f"The model's sheet above shows Alex eight weeks out: testosterone {t.text} {t.unit}"
               f" ({'below' if alex_model_sheet.flags['testosterone'] == 'L' else 'inside'} the reference range), LH {lh.text} {lh.unit}"
               f" ({ {'H': 'high', 'L': 'low', '': 'inside the range'}[alex_model_sheet.flags['lh']] }).")
    untreated_lh = alex_history.baseline["lh"]
    picture += f" His untreated LH in the model was {summary.number(untreated_lh, 'IU/L')}."
    return Prose(
        f"{picture} In a Danish case-control study, men who had stopped anabolic steroids on average two and a half "
        "years earlier still had lower testosterone than controls, and about a quarter were below the reference limit, with "
        "more low libido, erectile problems and low mood (Rasmussen and colleagues, 2016). Prolonged hypogonadism after "
        "withdrawal is well described (Kanayama and colleagues, 2015).",
        figures={"testosterone": t.value, "lh": lh.value})


@BANK.say("alex_clinic_verdict")
def alex_clinic_verdict(alex_model_sheet, alex_history):
    """Whether the model's sheet looks like the clinic's: the key to the question before it, so shown after it."""
    if _model_sees_central_suppression(alex_model_sheet, alex_history.baseline["lh"]):
        return Prose("Here the model and the clinic agree: a typical result after repeated high-dose cycles is **low "
                     "testosterone (say 190 ng/dL) with low or low-normal LH and FSH**: the hypothalamus and pituitary "
                     "themselves have not restarted.")
    return Prose("Many real men at this point look different from the model. A typical result after repeated high-dose "
                 "cycles is **low testosterone (say 190 ng/dL) with low or low-normal LH and FSH**: the hypothalamus and "
                 "pituitary themselves have not restarted. The model's pituitary, by contrast, is already back at work.")


@BANK.question("alex_real_blood_test", evidence=())
def alex_real_blood_test(alex_model_sheet, alex_history):
    variant = "agrees" if _model_sees_central_suppression(alex_model_sheet, alex_history.baseline["lh"]) else "disagrees"
    text = BANK.texts[f"alex_real_blood_test_{variant}"]
    return quiz.MultipleChoice(text["question"], text["options"], answer=text["answer"])


@BANK.claim("alex")
def alex_claims(alex_runs, alex_visit):
    no_cycle = alex_runs["no further cycle"].at(alex_visit + 6 * MONTH)["sperm"]
    return {f"'{name}' sets the count back at 6 months": run.at(alex_visit + 6 * MONTH)["sperm"] < no_cycle
            for name, run in alex_runs.items() if name != "no further cycle"}


# ---- Case D · Sam ---------------------------------------------------------------------------------------------

def _sam_readings(sam_runs):
    return {name: {"t_6": run.at(6 * MONTH)["testosterone"], "e2_6": run.at(6 * MONTH)["estradiol"],
                   "sperm_12": run.at(12 * MONTH)["sperm"] / run.baseline["sperm"], "sperm_24": run.relative("sperm")[-1]}
            for name, run in sam_runs.items()}


@BANK.question("sam_plan", evidence=("sam_runs",))
def sam_plan(sam_runs):
    readings = _sam_readings(sam_runs)
    lines = ["| Sam's plan | T at 6 months (ng/dL) | estradiol at 6 months (pg/mL) | sperm at 12 months (% of own baseline) | "
             "sperm at 24 months (% of own baseline) |", "| --- | ---: | ---: | ---: | ---: |"]
    lines += [f"| {name} | {summary.number(r['t_6'])} | {summary.number(r['e2_6'])} | {summary.percent(r['sperm_12'])} | "
              f"{summary.percent(r['sperm_24'])} |" for name, r in readings.items()]
    return _decision("sam_plan", reveal=lambda: [
        "\n".join(lines),
        charts.timeseries_chart(sam_runs["TRT plus hCG 500 IU every other day"], ["testosterone", "itt", "sperm"],
                                compare=sam_runs["TRT alone (enanthate 125 mg weekly)"], names=("TRT plus hCG", "TRT alone")),
        f"**What the model says.** TRT alone suppresses his count to almost nothing; adding low-dose hCG keeps "
        f"{_share_words(readings['TRT plus hCG 500 IU every other day']['sperm_24'])} of it; clomiphene "
        + ("raises it above his own untreated level" if readings["clomiphene 25 mg daily instead of TRT"]["sperm_24"] > 1.05
           else "keeps more")
        + " and brings his testosterone into the range from his own testes. Note the price of TRT plus hCG "
        "in the model: testosterone and estradiol well above the range, because both the injection and his own stimulated "
        "testes add to them."])


def _share_words(share: float) -> str:
    return "most" if share >= 0.5 else "part" if share >= 0.2 else "little"


@BANK.claim("sam")
def sam_claims(sam_runs):
    readings = _sam_readings(sam_runs)
    alone, with_hcg, clomiphene = readings.values()
    in_range = [name for name, r in readings.items() if T_RANGE.low <= r["t_6"] <= T_RANGE.high]
    return {
        "the key: of the plans that bring testosterone into the range, clomiphene leaves the highest count at 24 months":
            max(in_range, key=lambda name: readings[name]["sperm_24"]) == BANK.texts["sam_plan"]["answer"],
        "TRT alone suppresses his count to almost nothing (under 5%)": alone["sperm_24"] < 0.05,
        "hCG keeps some of it, clomiphene more": clomiphene["sperm_24"] > with_hcg["sperm_24"] > 0.05,
        "both lift his testosterone to at least the range's lower limit": min(with_hcg["t_6"], clomiphene["t_6"]) > T_RANGE.low,
        "TRT plus hCG: testosterone and estradiol above the range":
            with_hcg["t_6"] > T_RANGE.high and with_hcg["e2_6"] > hpg.reference_range("estradiol").high,
    }


@lru_cache(maxsize=1)
def _hcg_gap(sam):
    return hpg.simulate(hpg.Regimen([hpg.Dose("testosterone_enanthate", amount=125, every_days=7),
                                     hpg.Dose("hcg", amount=500, every_days=2, stop_day=YEAR)]), days=2 * YEAR, patient=sam)


@BANK.question("solution_hcg_stops")
def solution_hcg_stops(sam):
    def write() -> str:
        gap = _hcg_gap(sam)
        counts = ", ".join(f"month {m}: {summary.value_text('sperm', gap.at(m * MONTH)['sperm'])}" for m in (12, 13, 15, 18))
        return ("```python\n"
                "trt = hpg.Dose('testosterone_enanthate', amount=125, every_days=7)\n"
                "hcg = hpg.Dose('hcg', amount=500, every_days=2, stop_day=year)\n"
                "hcg_gap = hpg.simulate(hpg.Regimen([trt, hcg]), days=2 * year, patient=sam)\n"
                "[hcg_gap.at(m * month)['sperm'] for m in (12, 13, 15, 18)]\n"
                "```\n\n"
                f"Sperm concentration (million/mL): {counts}. Without hCG, the testosterone injections leave nothing to drive his Leydig "
                "cells: intratesticular testosterone collapses within days, and the count follows over the next two to three months as "
                "the cells already in development are ejaculated and no new ones follow. By 18 months he is back to the picture of TRT "
                "alone. The protection lasts only as long as the hCG does.")

    return quiz.Solution("what if the hCG stops", write)


@BANK.claim("hcg_stops")
def hcg_stops_claims(sam):
    gap = _hcg_gap(sam)
    counts = {m: gap.at(m * MONTH)["sperm"] for m in (12, 15, 18)}
    return {"the count falls after hCG stops and is near zero by month 18 (worked solution)": counts[12] > counts[15] > counts[18] and counts[18] < 1}
