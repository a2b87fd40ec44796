"""Times to thresholds, Kaplan-Meier curves and physiological directions in cohorts."""
import re
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hpgwidgets as hpg
from hpgwidgets import recovery
from hpgwidgets.cohort import simulate_cohort

N, SEED = 80, 11


def enanthate(stop_day, amount=200):
    return hpg.Regimen([hpg.Dose("testosterone_enanthate", amount, every_days=7, stop_day=stop_day)])


@pytest.fixture(scope="module")
def six_months():
    return simulate_cohort(enanthate(182), n=N, days=182 + 540, seed=SEED)


@pytest.fixture(scope="module")
def eighteen_months():
    return simulate_cohort(enanthate(546), n=N, days=546 + 540, seed=SEED)


def test_kaplan_meier_on_a_hand_worked_example():
    # 4 men; the second is censored at day 2: S = 3/4 after day 1, x 1/2 after day 3, 0 after day 4
    event = recovery.TimeToEvent("demo", np.array([1.0, 2.0, 3.0, 4.0]), np.array([True, False, True, True]),
                                 0.0, "treatment_stop", "sperm_at_least", follow_up=5.0, threshold=20.0)
    curve = event.curve()
    assert list(curve["day"]) == [0, 1, 3, 4, 5]
    np.testing.assert_allclose(curve["probability"], [0, 0.25, 0.625, 1.0, 1.0])
    assert event.median() == 3.0
    assert event.probability_by(2.5) == 0.25


def test_curves_are_monotone_probabilities(six_months):
    for event in (recovery.sperm_recovery(six_months, 20), recovery.suppression(six_months, 1.0),
                  recovery.azoospermia(six_months), recovery.testosterone_recovery(six_months)):
        probability = event.curve()["probability"].to_numpy()
        assert probability[0] >= 0 and probability[-1] <= 1
        assert np.all(np.diff(probability) >= 0), event.label


def test_suppression_then_recovery(six_months):
    below_one = recovery.suppression(six_months, 1.0)
    assert below_one.probability_by(180) > 0.8              # most men fall below 1 million/mL on TE
    back = recovery.sperm_recovery(six_months, 16)
    assert back.probability_by(540) > 0.7                   # most are back above the WHO limit
    assert np.all(back.times >= 0) and np.all(back.times <= 540)
    assert back.median() > 42                               # sperm lag: not before a spermatogenic wave


def test_untreated_men_are_never_suppressed():
    untreated = simulate_cohort(None, n=20, days=200, seed=SEED)
    event = recovery.time_to_threshold(untreated, "sperm", 1.0, below=True)
    assert event.n_events == 0 and event.probability_by(200) == 0


def test_longer_trt_slows_recovery(six_months, eighteen_months):
    short = recovery.sperm_recovery(six_months, 20)
    long = recovery.sperm_recovery(eighteen_months, 20)
    assert long.probability_by(240) < short.probability_by(240)   # earlier in recovery, where the curves part
    assert np.median(long.times) > np.median(short.times)


def test_older_men_recover_more_slowly():
    young = simulate_cohort(enanthate(182), n=N, days=182 + 540, seed=SEED, fixed={"age": 25})
    old = simulate_cohort(enanthate(182), n=N, days=182 + 540, seed=SEED, fixed={"age": 55})
    assert np.median(recovery.sperm_recovery(old, 20).times) > np.median(recovery.sperm_recovery(young, 20).times)


def test_lower_baseline_sperm_recovers_later_to_20(six_months):
    event = recovery.sperm_recovery(six_months, 20)
    baseline = six_months.patients["baseline_sperm"].to_numpy()
    groups = recovery.split_by(event, baseline, bins=[16, 40, 300], labels=["16-40", "40-300"])
    assert groups["16-40"].probability_by(200) < groups["40-300"].probability_by(200)
    assert len(groups["16-40"]) + len(groups["40-300"]) == len(event)


def test_faster_capacity_recovery_trait_recovers_sooner(six_months):
    event = recovery.sperm_recovery(six_months, 20)
    speed = six_months.patients["recovery_speed"].to_numpy()
    slow, fast = speed < np.median(speed), speed >= np.median(speed)
    assert np.median(event.times[fast]) < np.median(event.times[slow])


def test_recovery_needs_a_stop(six_months):
    never_stops = simulate_cohort(enanthate(None), n=5, days=60, seed=0)
    with pytest.raises(ValueError, match="never stop"):
        recovery.sperm_recovery(never_stops)
    untreated = simulate_cohort(None, n=5, days=60, seed=0)
    with pytest.raises(ValueError, match="no testosterone"):
        recovery.suppression(untreated)
    with pytest.raises(ValueError, match="unknown variable"):
        recovery.time_to_threshold(six_months, "prolactin", 1.0, below=True)


def test_chart_shows_groups_and_published_points(six_months, eighteen_months):
    events = {"6 months of TE": recovery.sperm_recovery(six_months, 20),
              "18 months of TE": recovery.sperm_recovery(eighteen_months, 20)}
    spec = recovery.recovery_chart(events).to_dict()
    layers = spec["layer"]
    curve_groups = {row["group"] for row in spec["datasets"][layers[0]["data"]["name"]]}
    assert curve_groups == set(events)
    published = spec["datasets"][layers[1]["data"]["name"]]
    assert {row["source"] for row in published} >= {"liu2006"}
    assert all(row["threshold"] == 20 for row in published)


def test_split_charts_name_the_event_on_the_axis_and_the_groups_in_the_legend(six_months):
    event = recovery.sperm_recovery(six_months, 20)
    groups = recovery.split_by(event, six_months.patients["baseline_sperm"].to_numpy(), bins=[16, 40, 300],
                               labels=["16-40 million/mL", "40-300"])
    spec = recovery.recovery_chart(groups, published=False).to_dict()
    assert spec["encoding"]["y"]["title"] == "share of men with sperm ≥ 20 million/mL"
    assert spec["title"]["text"] == "sperm ≥ 20 million/mL after stopping testosterone"
    assert {row["group"] for row in spec["datasets"][spec["data"]["name"]]} == set(groups)
    below = recovery.suppression(six_months, 3)
    assert recovery.recovery_chart(below).to_dict()["layer"][0]["encoding"]["y"]["title"] == (
        "share of men with sperm < 3 million/mL")


def test_recovery_charts_use_type_the_back_row_can_read(six_months):
    """Vega's default 10-11 px tick labels, legends and axis titles could not be read from the back of a
    lecture hall; every text the drawn chart holds is now at least 13 px, alone or concatenated (03b)."""
    import re

    import vl_convert

    event = recovery.sperm_recovery(six_months, 20)
    groups = recovery.split_by(event, six_months.patients["baseline_sperm"].to_numpy(), bins=[16, 40, 300],
                               labels=["16-40 million/mL", "40-300"])
    for chart in (recovery.recovery_chart(event),
                  recovery.recovery_chart(groups, published=False) & recovery.recovery_chart(event, published=False)):
        svg = vl_convert.vegalite_to_svg(chart.to_dict())
        sizes = [float(size) for size in re.findall(r'font-size="([0-9.]+)px"', svg)]
        assert sizes and min(sizes) >= recovery.CHART_LABEL_PX == 13
    # a chart too short for its y title in one line (03b's split charts, 200 px) sets it on two
    assert recovery.recovery_chart(groups, height=200).to_dict()["layer"][0]["encoding"]["y"]["title"] == [
        "share of men with", "sperm ≥ 20 million/mL"]
    assert recovery.recovery_chart(groups, height=400).to_dict()["layer"][0]["encoding"]["y"]["title"] == \
        "share of men with sperm ≥ 20 million/mL"


def test_published_points_are_named_by_author_and_year_as_a_reader_cites_them(six_months):
    spec = recovery.recovery_chart(recovery.sperm_recovery(six_months, 20)).to_dict()
    published = spec["datasets"][spec["layer"][1]["data"]["name"]]
    assert {row["study"] for row in published} == {"Liu et al. 2006", "WHO Task Force 1990"}
    assert {row["provenance"] for row in published} == {"abstract"}  # kept for the tooltip, not the legend


def test_comparison_with_published_measures_the_same_quantities(six_months):
    table = recovery.compare_with_published(six_months, sources=["liu2006"])
    row = table.set_index("id").loc["liu2006_recovery_20_6mo"]
    assert row["published"] == 0.67
    assert row["model"] == pytest.approx(recovery.sperm_recovery(six_months, 20).probability_by(183))
    with pytest.raises(ValueError, match="unknown sources"):
        recovery.compare_with_published(six_months, sources=["nobody2020"])


def kaplan_meier_by_definition(times, observed):
    """The product-limit estimate written straight from its definition (quadratic, for checking)."""
    survival, shares = 1.0, {}
    for day in sorted(set(times[observed])):
        at_risk = np.count_nonzero(times >= day)
        survival *= 1 - np.count_nonzero((times == day) & observed) / at_risk
        shares[day] = 1 - survival
    return shares


@pytest.mark.parametrize("seed", range(5))
def test_kaplan_meier_matches_its_definition_with_ties_and_day_zero_events(seed):
    rng = np.random.default_rng(seed)
    times = rng.integers(0, 30, 300).astype(float)  # many ties, some events on day 0
    observed = rng.random(300) < 0.6
    event = recovery.TimeToEvent("random", times, observed, 0.0, "treatment_stop", "sperm_at_least", follow_up=40.0)
    curve = event.curve()
    expected = kaplan_meier_by_definition(times, observed)
    events = curve[curve["events"] > 0]
    assert dict(zip(events["day"], events["probability"])) == pytest.approx(expected)
    assert curve["day"].iloc[0] == 0 and curve["day"].iloc[-1] == 40.0
    assert np.all(np.diff(curve["probability"]) >= 0)


def test_split_by_refuses_missing_values_instead_of_returning_no_groups():
    event = recovery.TimeToEvent("demo", np.array([1.0, 2.0, 3.0]), np.array([True, True, False]), 0.0,
                                 "treatment_stop", "sperm_at_least", follow_up=5.0)
    with pytest.raises(ValueError, match="values must be finite numbers, one per patient; 1 of 3 are NaN"):
        recovery.split_by(event, [30.0, np.nan, 50.0])


# ---- inputs: a bad argument is named (issue 15's sweep) ------------------------------------

@cache
def small():
    """Six men, for the input checks (built on first use, not when tests are collected)."""
    return simulate_cohort(enanthate(56), n=6, days=120, seed=SEED, progress=False)

NOT_A_FLAG = st.one_of(st.none(), st.integers(), st.floats(), st.text(max_size=3), st.lists(st.booleans(), max_size=2))


@settings(max_examples=60, deadline=None)
@given(NOT_A_FLAG, st.sampled_from(["below", "sustained", "relative"]))
def test_a_yes_or_no_argument_that_is_not_true_or_false_is_named(value, flag):
    arguments = {"below": True, flag: value}
    with pytest.raises(TypeError, match=f"{flag} must be True or False"):
        recovery.time_to_threshold(small(), "lh", 1.0, **arguments)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.booleans(), max_size=12))
def test_a_subset_mask_needs_one_true_or_false_per_patient(mask):
    event = recovery.suppression(small())
    if len(mask) == small().n:
        assert len(event.subset(mask, "some")) == sum(mask)
    else:
        with pytest.raises(ValueError, match=f"mask must hold one True/False per patient \\({small().n}\\)"):
            event.subset(mask, "some")


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.lists(st.one_of(st.floats(0, 100), st.text(max_size=2), st.none()), min_size=6, max_size=6),
                 st.integers(), st.text(max_size=3)))
def test_split_by_takes_one_number_per_patient_and_names_anything_else(values):
    event = recovery.suppression(small())
    numbers = isinstance(values, list) and all(isinstance(value, float) for value in values)
    if numbers and len(set(values)) > 3:
        groups = recovery.split_by(event, values)
        assert sum(len(group) for group in groups.values()) == small().n
    elif not numbers:
        with pytest.raises(TypeError, match="values must hold one number per patient"):
            recovery.split_by(event, values)


def test_split_by_tied_values_gives_each_man_one_group_and_equal_values_are_named():
    event = recovery.suppression(small())
    n = small().n
    tied = [0.0] * (n // 2) + [float(i) for i in range(1, n - n // 2 + 1)]  # tertile edges 0, 0, ...
    groups = recovery.split_by(event, tied)
    assert sum(len(group) for group in groups.values()) == n
    with pytest.raises(ValueError, match=re.escape("values are all 5: there is nothing to split by")):
        recovery.split_by(event, [5.0] * n)


@pytest.mark.parametrize("call, error, message", [
    (lambda e: recovery.split_by("x", [1] * small().n), TypeError, "event must be a TimeToEvent"),
    (lambda e: recovery.recovery_chart("x"), TypeError, "events must be a TimeToEvent or a dict"),
    (lambda e: recovery.recovery_chart({"a": "x"}), TypeError, "events['a'] must be a TimeToEvent"),
    (lambda e: recovery.recovery_chart(e, width=0), ValueError, "width must be a whole number (100 to 4000 px)"),
    (lambda e: recovery.recovery_chart(e, title=5), TypeError, "title must be text"),
    (lambda e: recovery.recovery_chart(e, published="no"), TypeError, "published must be True or False"),
    (lambda e: recovery.compare_with_published(small(), 5), TypeError, "sources must be a list of sources"),
    (lambda e: recovery.compare_with_published(small(), []), ValueError, "sources must name at least one source"),
    (lambda e: recovery.published_points("x"), TypeError, "event must be a TimeToEvent"),
    (lambda e: recovery.treatment_window("x"), TypeError, "regimen must be an hpg.Regimen, got str 'x'"),
    (lambda e: recovery.split_by(e, list(range(small().n)), bins=[10, 20]), ValueError,
     "no value falls within the bins 10 to 20; the values span 0 to 5"),
    (lambda e: recovery.sperm_recovery(small(), stop_day=1000), ValueError,
     "stop_day = 1000 is outside the allowed range (0 to 120 days, inside the simulation)"),
])
def test_charts_and_tables_of_events_name_a_bad_argument(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call(recovery.suppression(small()))
