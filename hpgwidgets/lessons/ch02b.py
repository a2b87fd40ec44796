"""Notebook 02b · protocols, monitoring and time: checks of understanding, sentences stating model
figures, and the claims its text makes about the model (see hpgwidgets/lessons/__init__.py)."""
from __future__ import annotations

from functools import lru_cache

import hpgwidgets as hpg
from hpgwidgets import charts, quiz, recovery, summary
from hpgwidgets.lessons import Bank, Prose
from hpgwidgets.lessons.measures import days_after_last_injection, last_injection_day, sperm_reading, story_week

BANK = Bank("02b")
SPERM_LIMIT = hpg.reference_range("sperm").low  # WHO lower reference limit, million/mL
WEEK = 7
RECOVERY_MARKERS = {"lh": "LH", "fsh": "FSH", "itt": "intratesticular testosterone", "sperm": "sperm concentration"}


# ---- 1 · A protocol in phases ----------------------------------------------------------------------

def _after_taper(protocol) -> tuple[float, float, float]:
    """(day of the last clomiphene tablet, T when the taper starts, T eight weeks after the last tablet)."""
    last_tablet = protocol.regimen.last_dose_day(protocol.days, "clomiphene")
    taper_start = min(dose.start_day for dose in protocol.regimen.doses_of("clomiphene") if dose.every_days > 1)
    return last_tablet, protocol.at(taper_start)["testosterone"], protocol.at(last_tablet + 8 * WEEK)["testosterone"]


@BANK.question("testosterone_after_taper")
def testosterone_after_taper(protocol):
    _, before, after = _after_taper(protocol)
    band = hpg.reference_range("testosterone")
    in_range, low = "Within the normal range, carried by his own axis", "Back down in the low range, as after stopping testosterone"
    return quiz.Predict(
        "Eight weeks after the last clomiphene tablet, where is this man's serum testosterone?",
        {
            low: "That would mean the axis depended on the medicines; the taper is there to find out.",
            in_range: "By then LH and FSH have had months to recover, so his own axis holds testosterone up without help.",
            "Higher than ever before": "Once the medicines are gone, nothing pushes the axis above its own set point.",
        },
        answer={"": in_range, "L": low}.get(band.flag(after), "Higher than ever before"),
        model_says=f"Model: {before:.0f} ng/dL when the taper starts, {after:.0f} ng/dL eight weeks after the last tablet "
                   f"(reference range {band.low:g}-{band.high:g} ng/dL).",
        reveal=lambda: charts.timeseries_chart(protocol, ["testosterone", "lh"], window_days=(last_injection_day(protocol), protocol.days)),
    )


@BANK.claim("taper")
def taper_claims(protocol):
    _, _, after = _after_taper(protocol)
    return {"after the taper the man's own axis holds testosterone in range": hpg.reference_range("testosterone").flag(after) == ""}


# ---- 3 · Time scales ---------------------------------------------------------------------------------

def _half_way(runs) -> dict[str, dict[str, float | None]]:
    """Days after the last testosterone injection until each marker is back to half of its untreated value."""
    return {name: {variable: days_after_last_injection(run, variable, 0.5, relative=True) for variable in RECOVERY_MARKERS}
            for name, run in runs.items()}


def _days(value: float | None) -> str:
    return "not within the run" if value is None else f"{value:.0f}"


@BANK.question("sperm_lag_days", evidence=("stop_only",))
def sperm_lag_days(stop_only, protocol):
    half_way = _half_way({"stop only": stop_only, "phased protocol": protocol})
    alone = half_way["stop only"]
    lag = alone["sperm"] - alone["lh"]
    table = ("| Back to half of the untreated value | Stop only (days after the last injection) | Phased protocol (days) |\n"
             "| --- | ---: | ---: |\n"
             + "".join(f"| {summary.as_label(label)} | {_days(alone[variable])} | {_days(half_way['phased protocol'][variable])} |\n"
                       for variable, label in RECOVERY_MARKERS.items()))
    sperm_shift = half_way["phased protocol"]["sperm"] - alone["sperm"]
    lh_shift = half_way["phased protocol"]["lh"] - alone["lh"]
    return quiz.Predict(
        "In the stop-only run, how many days after LH is half-way back does sperm concentration get half-way back?",
        answer=lag,
        tolerance=30,
        unit="days",
        prompt="Days between LH and sperm recovery",
        model_says=(f"The gap is set by the length of spermatogenesis and the time the testes need to rebuild. "
                    f"Compare the two columns of the table: the phased protocol moves LH by {abs(lh_shift):.0f} days "
                    f"({'sooner' if lh_shift < 0 else 'later'}) and sperm by {abs(sperm_shift):.0f} days "
                    f"({'sooner' if sperm_shift < 0 else 'later'})."),
        reveal=lambda: table,
    )


@BANK.claim("time_scales")
def time_scale_claims(stop_only, protocol):
    half_way = _half_way({"stop only": stop_only, "phased protocol": protocol})
    alone, phased = half_way["stop only"], half_way["phased protocol"]
    complete = None not in alone.values() and None not in phased.values()
    return {
        "every marker gets half-way back within the run": complete,
        "sperm recover at least one spermatogenic cycle (6 weeks) after LH": complete and alone["sperm"] - alone["lh"] > 42,
        "no medicine shortens the maturation of sperm: with the protocol too, sperm get half-way back at least "
        "six weeks after intratesticular testosterone (text after the question)":
            complete and phased["sperm"] - phased["itt"] > 42,
    }


# ---- 4 · Preserving or restoring ----------------------------------------------------------------------

MONTHS = (0, 6, 12, 15, 18, 24)
DAYS_PER_MONTH = 30.4


def _sperm_by_month(plan_runs) -> dict[str, dict[int, float]]:
    return {name: {month: run.at(month * DAYS_PER_MONTH)["sperm"] for month in MONTHS} for name, run in plan_runs.items()}


@BANK.say("sperm_by_plan")
def sperm_by_plan(plan_runs):
    sperm = _sperm_by_month(plan_runs)
    names = list(sperm)
    table = ("| Month | " + " | ".join(f"{summary.as_label(name)}: sperm (million/mL)" for name in names) + " |\n"
             + "| --- |" + " ---: |" * len(names) + "\n"
             + "".join(f"| {month} | " + " | ".join(summary.value_text("sperm", sperm[name][month]) for name in names) + " |\n" for month in MONTHS))
    preserve = sperm["preserve: testosterone + hCG"]
    below_from = next((month for month in MONTHS if preserve[month] < SPERM_LIMIT), None)
    if below_from is None:
        preserve_words = f"With hCG alongside, the count stays above the WHO limit of {SPERM_LIMIT:g} million/mL for the whole two years."
    else:
        preserve_words = (f"With hCG alongside, the count falls from {summary.number(preserve[0])} to "
                          f"{sperm_reading(preserve[MONTHS[-1]])} over two years and is below the WHO limit "
                          f"of {SPERM_LIMIT:g} million/mL from month {below_from} of the table: in the model, hCG slows the loss "
                          "(it keeps far more than testosterone alone) but does not stop it, because FSH stays suppressed.")
    return Prose(table + "\n" + preserve_words,
                 figures={f"{name}, month {month}": value for name, row in sperm.items() for month, value in row.items()},
                 claims={"the preserve plan keeps far more than testosterone alone at month 24 (the sentence under the table)":
                         preserve[24] > 10 * max(sperm["testosterone alone"][24], 0.1)})


@BANK.claim("preserve")
def preserve_claims(plan_runs):
    sperm = _sperm_by_month(plan_runs)
    preserve, alone = sperm["preserve: testosterone + hCG"], sperm["testosterone alone"]
    restore = sperm["restore: stop at 1 year, hCG + clomiphene"]
    return {
        "the preserve plan keeps far more sperm than testosterone alone (over 10 times at month 12)": preserve[12] > 10 * max(alone[12], 0.1),
        "the restore plan is back above the WHO limit by month 24": restore[24] > SPERM_LIMIT,
        "the restore plan needs months after stopping (still below the limit two months after stopping, month 14)":
            plan_runs["restore: stop at 1 year, hCG + clomiphene"].at(14 * DAYS_PER_MONTH)["sperm"] < SPERM_LIMIT,
    }


# ---- Exercises -------------------------------------------------------------------------------------------

@BANK.question("solution_when_to_test")
def solution_when_to_test(protocol):
    def write() -> str:
        first_day = days_after_last_injection(protocol, "sperm", SPERM_LIMIT)
        if first_day is None:
            return (f"Within the year followed, the model's sperm concentration never reaches {SPERM_LIMIT:g} million/mL, "
                    "so no three-monthly visit would see it.")
        _, stop = recovery.treatment_window(protocol.regimen)
        reached = last_injection_day(protocol) + first_day
        visit = next((week for week in (13, 26, 39, 52) if stop + week * WEEK >= reached), None)
        # the visit on the story's clock too: the charts and sheets count weeks from the first injection
        seen = (f"the clinic first sees it at the visit **{visit} weeks after stopping** ({story_week(protocol, stop + visit * WEEK)} "
                "as the charts and sheets count weeks)" if visit else "none of the four visits sees it yet")
        return (f"The model's sperm concentration first reaches {SPERM_LIMIT:g} million/mL **{first_day:.0f} days** "
                f"(about {first_day / WEEK:.0f} weeks) after the last testosterone injection. With visits every 13 weeks {seen}. "
                "Between visits nothing changes quickly enough to justify testing more often; that is the practical meaning "
                "of the months-long time scale of spermatogenesis.")

    return quiz.Solution("Exercise 1", write)


@lru_cache(maxsize=4)
def _without_anastrozole(phased, days):
    return hpg.simulate(hpg.Regimen([dose for dose in phased if dose.drug != "anastrozole"]), days=days)


def _drop_a_phase(phased, protocol):
    without = _without_anastrozole(phased, protocol.days)
    week_8 = last_injection_day(protocol) + 8 * WEEK
    estradiol = {"with anastrozole": protocol.at(week_8)["estradiol"], "without anastrozole": without.at(week_8)["estradiol"]}
    sperm_day = {"with anastrozole": days_after_last_injection(protocol, "sperm", SPERM_LIMIT),
                 "without anastrozole": days_after_last_injection(without, "sperm", SPERM_LIMIT)}
    return estradiol, sperm_day


def _sperm_days_compared(sperm_day: dict) -> str:
    """When sperm reach the WHO limit with and without anastrozole, as a sentence ('82 versus 82 days' reads as a slip)."""
    words = {key: "not within the run" if day is None else f"{day:.0f} days" for key, day in sperm_day.items()}
    if words["with anastrozole"] == words["without anastrozole"]:
        return f"Sperm reach {SPERM_LIMIT:g} million/mL after **{words['with anastrozole']}** with or without it."
    return (f"Sperm reach {SPERM_LIMIT:g} million/mL after **{words['with anastrozole']}** with it, "
            f"**{words['without anastrozole']}** without.")


@BANK.question("solution_drop_a_phase")
def solution_drop_a_phase(phased, protocol):
    def write() -> str:
        estradiol, sperm_day = _drop_a_phase(phased, protocol)
        band = hpg.reference_range("estradiol")
        gap = abs(sperm_day["with anastrozole"] - sperm_day["without anastrozole"])
        effect = "hardly moves" if gap <= 14 else "changes"
        week_8 = story_week(protocol, last_injection_day(protocol) + 8 * WEEK)
        return (f"Estradiol 8 weeks after the last testosterone injection ({week_8} on the charts): "
                f"**{estradiol['with anastrozole']:.0f} pg/mL** with anastrozole, "
                f"**{estradiol['without anastrozole']:.0f} pg/mL** without (reference {band.low:g}-{band.high:g} pg/mL). "
                f"{_sperm_days_compared(sperm_day)} "
                f"In the model the aromatase inhibitor lowers estradiol but {effect} the time to sperm recovery. "
                "If it hardly moves it, that supports the documents' own qualifier, adding it *if* estradiol is too high, and argues "
                "against giving it routinely, with its cost to bone and lipids, to every man.")

    return quiz.Solution("Exercise 2", write)


@BANK.claim("drop_a_phase")
def drop_a_phase_claims(phased, protocol):
    estradiol, sperm_day = _drop_a_phase(phased, protocol)
    return {
        "anastrozole lowers estradiol in the protocol": estradiol["with anastrozole"] < estradiol["without anastrozole"],
        "dropping anastrozole moves sperm recovery by two weeks at most":
            None not in sperm_day.values() and abs(sperm_day["with anastrozole"] - sperm_day["without anastrozole"]) <= 14,
    }


# the phase table of section 1, on the story's clock (weeks from the first testosterone injection)
PHASE_TABLE_WEEKS = {"hcg": [(52, 64)], "clomiphene": [(52, 68), (68, 76)], "anastrozole": [(56, 64)]}


@BANK.claim("phase_weeks")
def phase_weeks_claims(phased, protocol):
    start, _ = recovery.treatment_window(phased)
    weeks: dict[str, list] = {}
    for dose in phased:
        if dose.drug in PHASE_TABLE_WEEKS:
            weeks.setdefault(dose.drug, []).append((round((dose.start_day - start) / WEEK), round((dose.stop_day - start) / WEEK)))
    return {
        "the phase table's weeks are the regimen's, counted from the first injection (52-64, 52-68, 56-64, 68-76)":
            weeks == PHASE_TABLE_WEEKS,
        "testosterone stops at week 52 (section 1's text)": round(recovery.treatment_window(phased)[1] / WEEK) == 52,
        "eight weeks after the last injection is week 59 on the charts (Exercise 2's text)":
            story_week(protocol, last_injection_day(protocol) + 8 * WEEK) == "week 59",
    }


@BANK.claim("visit_weeks")
def visit_weeks_claims(protocol):
    _, stop = recovery.treatment_window(protocol.regimen)
    weeks = [story_week(protocol, stop + after * WEEK) for after in (13, 26, 39, 52)]
    return {"the three-monthly visits after stopping fall in weeks 65, 78, 91 and 104 of the charts (Exercise 1's text)":
            weeks == ["week 65", "week 78", "week 91", "week 104"]}
