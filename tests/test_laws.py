"""The 16 clinical laws of ../shared/clinical/laws.md, each a property over men drawn by Hypothesis.

The laws themselves (who is simulated, what is compared, the slack) live in
tools/check_laws.py, which also prints them all for a report; here Hypothesis draws the
men (kind, age 18-80, low testosterone, population traits through a seed for
``hpg.cohort.draw_patients``) and, where a law gives a dose range, the dose. A failing
test prints the law's report: which man, which regimen, measured against which bound.

Each example simulates a whole panel of men at once, so examples are few and Hypothesis
does not shrink (a shrunk seed would name a different, not a simpler, man; the report
already names him).
"""
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import check_laws as laws  # noqa: E402  (tools/ is not a package)

# drawn men per example; more where a law counts a share or a median of a cohort
MEN = {"L1": 20, "L2": 20, "L3": 30, "L4": 30}
MEN_PER_EXAMPLE = 6
law_settings = settings(max_examples=3, deadline=None, phases=(Phase.explicit, Phase.reuse, Phase.generate),
                        suppress_health_check=[HealthCheck.too_slow])


@st.composite
def men(draw, law: laws.Law, size: int):
    specs = [(draw(st.sampled_from(law.kinds)), draw(st.floats(*law.ages)), draw(st.floats(*laws.LOW_T_RANGE)))
             for _ in range(size)]
    return laws.Men.drawn(specs, draw(st.integers(0, 2**32 - 1)), law.kinds, laws.typical_age(law.ages))


def dose_strategy(allowed):
    """Hypothesis draws a dose anywhere the law allows it (tools/check_laws.py checks the ends)."""
    if isinstance(allowed, laws.Between):
        return st.floats(allowed.low, allowed.high)
    if isinstance(allowed, laws.OneOf):
        return st.sampled_from(allowed.values)
    return st.integers(0, 2**32 - 1)          # laws.Seed: any seed of random legal regimens


def laws_not_held_yet() -> dict[str, str]:
    """Law id -> what fails, from the table in docs/model.md ("## The clinical laws"): a law the
    model cannot hold yet is named there with what fails, never loosened or left out."""
    table = (Path(__file__).resolve().parents[1] / "docs" / "model.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (L\d+) [^|]*\| does not hold yet \| ([^|]+)\|", table, flags=re.M)
    return {law_id: why.strip() for law_id, why in rows}


NOT_HELD = laws_not_held_yet()


def law_case(law_id):
    """A law the docs name as not held runs too, as an expected failure with the docs' reason."""
    if law_id in NOT_HELD:
        return pytest.param(law_id, marks=pytest.mark.xfail(reason=f"docs/model.md: {NOT_HELD[law_id]}", strict=False),
                            id=laws.BY_ID[law_id].title)
    return pytest.param(law_id, id=laws.BY_ID[law_id].title)


def test_the_docs_name_exactly_the_laws_a_fixed_panel_of_men_breaks():
    """docs/model.md says which laws hold: a fixed panel of drawn men (tools/check_laws.py's, seed 0)
    must agree, so the table cannot go stale when the model changes, in either direction."""
    broken = {law.id for law in laws.LAWS if not laws.run_law(law, laws.Men.panel(8, law.kinds, law.ages, 0)).holds}
    assert broken == set(NOT_HELD), (f"laws broken by the panel: {sorted(broken)}; "
                                     f"named in docs/model.md as not held yet: {sorted(NOT_HELD)}")


@pytest.mark.parametrize("law_id", [law_case(law_id) for law_id in laws.BY_ID])
@law_settings
@given(data=st.data())
def test_law_holds_for_drawn_men(law_id, data):
    law = laws.BY_ID[law_id]
    drawn = data.draw(men(law, MEN.get(law.id, MEN_PER_EXAMPLE)), label="men")
    dose = {name: data.draw(dose_strategy(allowed), label=name) for name, allowed in law.doses.items()}
    verdict = laws.run_law(law, drawn, [dose])
    if not verdict.holds:
        pytest.fail(verdict.report())


# The harness itself: a law must fail because of the model, never because of how it is read.

class Series:
    """A stand-in for hpg.Cohort: days t and one array (men x days) per variable."""

    def __init__(self, t, **series):
        self.t, self.series = np.asarray(t, float), {name: np.asarray(v, float) for name, v in series.items()}

    def __getitem__(self, name):
        return self.series[name]


def test_recovery_day_is_the_day_from_which_a_man_stays_above_the_threshold():
    cohort = Series(range(6), sperm=[[30, 5, 25, 10, 21, 22],     # dips again on day 3: recovered on day 4
                                     [30, 25, 26, 27, 28, 29],    # never below: recovered at once
                                     [30, 5, 5, 5, 5, 5]])        # not by the end: never
    assert list(laws.recovered_day(cohort, "sperm", 20, after=1)) == [3, 0, np.inf]


def test_level_at_a_month_is_the_mean_of_the_week_ending_that_day():
    cohort = Series(range(10), lh=[np.arange(10.0)])
    assert laws.level(cohort, "lh", 9)[0] == np.mean([3, 4, 5, 6, 7, 8, 9])


def test_a_law_fails_on_the_worst_man_and_names_him():
    drawn = laws.Men.panel(3, kinds=("healthy",), seed=1)
    tally = laws.Tally(drawn)
    tally.at_most([1.0, 2.0, 9.0, 3.0], 5.0, "LH at month 1")
    tally.at_least([1.0, 1.0, 1.0, 1.0], 1.0 + 1e-12, "equal within rounding")
    tally.at_least([1.0, 1.0, 1.0, 1.0], 1.0, "strictly above", strict=True)
    verdict = tally.verdict
    assert [c.holds for c in verdict.comparisons] == [False, True, False]
    assert verdict.comparisons[0].text.startswith(drawn.name(2)) and "9 (bound <= 5)" in verdict.comparisons[0].text
