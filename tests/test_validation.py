"""What a student may type: clear errors for nonsense, finite answers for legal extremes.

One policy (hpgwidgets/validation.py): TypeError for a wrong type, ValueError for a bad value,
a message naming the argument and what is allowed; numpy scalars and whole floats work
wherever a whole number does; nothing is clamped, cut or turned into NaN.
"""
import math
import re
import warnings
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hpgwidgets as hpg
from hpgwidgets import calibration, charts, summary, units, validation
from hpgwidgets.patient import LIMITS, OPTIONAL, ORIGINS

TRT = hpg.Regimen([hpg.Dose("testosterone_enanthate", 200, every_days=7, stop_day=56)])


def raises(error, message):
    """pytest.raises for exactly ``error`` (a TypeError must not pass as a ValueError or back)."""
    return pytest.raises(error, match=re.escape(message))


# ---- doses -------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, error, message", [
    (dict(drug="testosterone", amount=100, every_days=7), ValueError,
     "drug must be one of 'testosterone_cypionate'"),
    (dict(drug=["hcg"], amount=100, every_days=7), TypeError, "drug must be one of 'testosterone_cypionate'"),
    (dict(drug=None, amount=100, every_days=7), TypeError, "drug must be one of"),
    (dict(drug="hcg", amount=-500, every_days=2), ValueError, "amount of hcg = -500 is outside the allowed range (0 to"),
    (dict(drug="hcg", amount=math.nan, every_days=2), ValueError, "amount of hcg must be a finite number"),
    (dict(drug="hcg", amount=math.inf, every_days=2), ValueError, "amount of hcg must be a finite number"),
    (dict(drug="hcg", amount="500", every_days=2), TypeError, "amount of hcg must be a number, got str '500'"),
    (dict(drug="hcg", amount=True, every_days=2), TypeError, "amount of hcg must be a number, got bool"),
    (dict(drug="hcg", amount=None, every_days=2), TypeError, "amount of hcg must be a number"),
    (dict(drug="testosterone_enanthate", amount=100000, every_days=7), ValueError,
     "amount of testosterone_enanthate = 100000 is outside the allowed range (0 to"),
    (dict(drug="anastrozole", amount=10, every_days=0.1), ValueError, "per week"),
    (dict(drug="hcg", amount=500, every_days=0), ValueError, "every_days (days between doses) must be greater than 0"),
    (dict(drug="hcg", amount=500, every_days=-2), ValueError, "must be greater than 0"),
    (dict(drug="hcg", amount=0, every_days=1e-9), ValueError, "every_days (days between doses) must be at least one minute"),
    (dict(drug="testosterone_gel", amount=1e-5, every_days=1e-5), ValueError, "at least one minute"),
    (dict(drug="hcg", amount=500, every_days="2"), TypeError, "every_days (days between doses) must be a number"),
    (dict(drug="hcg", amount=500, every_days=2, start_day=10, stop_day=5), ValueError, "must not be before start_day"),
    (dict(drug="hcg", amount=500, every_days=2, start_day=-1), ValueError, "start_day = -1 is outside the allowed range"),
    (dict(drug="hcg", amount=500, every_days=2, stop_day="never"), TypeError, "stop_day must be a number or None"),
])
def test_bad_doses_are_refused_with_a_helpful_message(kwargs, error, message):
    with raises(error, message):
        hpg.Dose(**kwargs)


def test_doses_accept_numpy_numbers():
    dose = hpg.Dose("hcg", np.float32(500), every_days=np.int64(2), start_day=np.int8(0), stop_day=np.float64(90))
    assert (dose.amount, dose.every_days, dose.stop_day) == (500.0, 2.0, 90.0)
    assert all(type(value) is float for value in (dose.amount, dose.every_days, dose.start_day, dose.stop_day))


# ---- regimens: limits per kind of action -------------------------------------------------

def test_a_hundred_copies_of_the_highest_weekly_dose_are_refused_naming_the_limit():
    dose = hpg.Dose("testosterone_enanthate", 700, every_days=7)
    with raises(ValueError, "acting on the same target, bloodstream (adds serum testosterone), at once") as error:
        hpg.Regimen([dose] * 100)
    assert "10000% of the weekly maximum" in str(error.value) and "at most 100%" in str(error.value)
    assert "100 x testosterone_enanthate 700 mg every 7 days (100% of its limits: 700 mg a dose, 700 mg a week)" in str(error.value)


def test_two_of_the_largest_single_doses_at_once_are_refused_even_when_spread_over_weeks():
    # each 4000 mg undecanoate every 16 weeks is 36% of the weekly limit, but 100% of the largest dose:
    # two depots injected together peak like 8000 mg
    depot = hpg.Dose("testosterone_undecanoate", 4000, every_days=112)
    assert hpg.Regimen([depot])
    with raises(ValueError, "together 200% of the weekly maximum"):
        hpg.Regimen([depot, depot])


def share_of_weekly_maximum(drug, share, every_days=1, **timing):
    """Doses of ``drug`` every ``every_days`` days adding up to ``share`` of its weekly maximum."""
    return hpg.Dose(drug, share * hpg.DRUGS[drug].max_amount_per_week * every_days / 7, every_days=every_days,
                    **timing)


def test_drugs_with_the_same_action_share_one_weekly_maximum():
    half = share_of_weekly_maximum("testosterone_enanthate", 0.5)
    assert len(hpg.Regimen([half, share_of_weekly_maximum("testosterone_cypionate", 0.5)])) == 2  # 100%: fine
    with raises(ValueError, "together 110% of the weekly maximum"):
        hpg.Regimen([half, share_of_weekly_maximum("testosterone_cypionate", 0.6)])
    with raises(ValueError, "acting on the same target, hypothalamus and pituitary (estrogen receptor)"):
        hpg.Regimen([share_of_weekly_maximum("clomiphene", 0.7, 1), share_of_weekly_maximum("tamoxifen", 0.7, 1)])
    with raises(ValueError, "at once"):
        hpg.Regimen([half]) + hpg.Regimen([half, half])
    # different actions do not add up
    assert len(hpg.Regimen([share_of_weekly_maximum(drug, 1.0, 1) for drug in ("hcg", "clomiphene", "anastrozole")])) == 3


def test_courses_that_follow_each_other_do_not_add_up():
    first = share_of_weekly_maximum("testosterone_enanthate", 1.0, stop_day=70)
    second = share_of_weekly_maximum("testosterone_cypionate", 1.0, start_day=70)
    assert len(hpg.Regimen([first, second])) == 2
    with raises(ValueError, "from day 70"):
        hpg.Regimen([share_of_weekly_maximum("testosterone_enanthate", 1.0, stop_day=71), second])


def test_a_regimen_of_many_series_is_checked_in_one_sweep_and_capped():
    daily = [hpg.Dose("hcg", 100, every_days=7, start_day=day, stop_day=day + 1) for day in range(1000)]
    assert len(hpg.Regimen(daily)) == validation.MAX_DOSE_SERIES   # one injection per Dose: allowed, and quick
    with raises(ValueError, f"the number of dose series would be 1,001; the limit is {validation.MAX_DOSE_SERIES:,}"):
        hpg.Regimen(daily + daily[:1])


def test_dose_events_and_grid_points_are_capped_before_anything_is_allocated():
    pump = hpg.Regimen([hpg.Dose("gonadorelin", 0, every_days=1 / 1440), hpg.Dose("gonadorelin", 0, every_days=1 / 1440)])
    with raises(ValueError, f"dose events in 730 days would be 2,102,400; the limit is {validation.MAX_DOSE_EVENTS:,}"):
        hpg.simulate(pump, days=730)
    with raises(ValueError, f"the limit is {validation.MAX_GRID_POINTS:,}"):
        hpg.simulate(None, days=3650, step_days=1 / 96)
    with raises(ValueError, f"patients x stored days (5000 x 3651) would be 18,255,000; the limit is "
                            f"{validation.MAX_COHORT_VALUES:,}"):
        hpg.simulate_cohort(None, n=5000, days=3650, progress=False)


# ---- time --------------------------------------------------------------------------------

@pytest.mark.parametrize("days, error", [
    (-5, ValueError), (0, ValueError), (math.nan, ValueError), (math.inf, ValueError), (365 * 31, ValueError),
    ("365", TypeError), (None, TypeError), (True, TypeError),
])
def test_bad_durations_are_refused(days, error):
    with raises(error, "days"):
        hpg.simulate(hpg.Regimen(), days=days)


def test_fractional_days_are_refused_not_cut():
    with raises(ValueError, "days must be a whole multiple of sample_every (1 day), e.g. 10 or 11; got 10.3"):
        hpg.simulate(None, days=10.3)
    with raises(ValueError, "days must be a whole multiple of sample_every (1 day), e.g. 10 or 11; got 10.5"):
        hpg.simulate_cohort(None, n=2, days=10.5)
    assert hpg.simulate(None, days=10.5, sample_every=0.5).t[-1] == 10.5
    assert hpg.simulate(None, days=np.int64(30)).t[-1] == 30


def test_sample_every_replaces_every_days_which_still_works_with_a_warning():
    new = hpg.simulate(TRT, days=28, sample_every=7)
    with pytest.warns(DeprecationWarning, match="sample_every"):
        old = hpg.simulate(TRT, days=28, every_days=7)
    np.testing.assert_array_equal(new.t, [0, 7, 14, 21, 28])
    np.testing.assert_array_equal(new["lh"], old["lh"])
    with pytest.warns(DeprecationWarning, match="sample_every"):
        cohort = hpg.simulate_cohort(TRT, n=2, days=28, every_days=7, progress=False)
    np.testing.assert_array_equal(cohort.t, new.t)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hpg.simulate_cohort(TRT, n=2, days=28, sample_every=7, progress=False)
    with raises(ValueError, "sample_every must be a whole multiple of step_days (0.5 days), e.g. 0.5 or 1; got 0.75"):
        hpg.simulate(TRT, days=28, step_days=0.5, sample_every=0.75)


@pytest.mark.parametrize("sample_every", [1, 7])
def test_the_sampling_interval_given_twice_is_refused_even_when_the_two_agree(sample_every):
    """every_days= used to win silently over sample_every=; two answers are now an error."""
    with raises(ValueError, f"give the days between samples once: sample_every={sample_every} or its deprecated "
                            "old name every_days=7, not both"):
        hpg.simulate(TRT, days=28, sample_every=sample_every, every_days=7)
    np.testing.assert_array_equal(hpg.simulate(TRT, days=3).t, [0, 1, 2, 3])   # still daily by default


def test_result_at_names_the_allowed_days():
    result = hpg.simulate(None, days=30)
    assert result.at(np.int64(10))["lh"] == pytest.approx(result["lh"][10])
    with raises(ValueError, "day = 31 is outside the allowed range (0 to 30 days)"):
        result.at(31)
    with raises(TypeError, "day must be a number"):
        result.at("10")


# ---- regimens and patients as arguments ---------------------------------------------------

def test_regimen_holds_only_doses():
    with raises(TypeError, "Regimen dose 0 must be an hpg.Dose, got tuple"):
        hpg.Regimen([("hcg", 500)])
    with raises(TypeError, "Regimen needs a list of hpg.Dose"):
        hpg.Regimen(None)
    with raises(TypeError, "Regimen needs a list of hpg.Dose"):
        hpg.Regimen("hcg")
    with raises(TypeError, "regimen must be an hpg.Regimen"):
        hpg.simulate("hcg 500", days=10)
    with raises(TypeError, "patient must be an hpg.Patient, got dict"):
        hpg.simulate(None, days=10, patient={"age": 40})


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(age=5), ValueError, "Patient age = 5 is outside the allowed range (18 to 100)"),
    (dict(age=150), ValueError, "outside the allowed range"),
    (dict(age=math.nan), ValueError, "Patient age must be a finite number"),
    (dict(age="40"), TypeError, "Patient age must be a number, got str"),
    (dict(baseline_testosterone=-100), ValueError, "baseline_testosterone"),
    (dict(baseline_testosterone=5000), ValueError, "outside"),
    (dict(baseline_sperm=-1), ValueError, "baseline_sperm"),
    (dict(low_testosterone_origin="brain"), ValueError, "Patient low_testosterone_origin must be one of"),
    (dict(low_testosterone_origin=None), TypeError, "Patient low_testosterone_origin must be one of"),
])
def test_nonsense_patients_are_refused(kwargs, error, message):
    with raises(error, message):
        hpg.Patient(**kwargs)


def test_patients_accept_numpy_numbers():
    patient = hpg.Patient(age=np.int64(40), baseline_testosterone=np.float32(400))
    assert (patient.age, patient.baseline_testosterone) == (40.0, 400.0)


# ---- cohorts -----------------------------------------------------------------------------

def test_counts_and_seeds_accept_numpy_integers_and_whole_floats():
    for n in (5.0, np.int64(5), np.float64(5.0)):
        assert hpg.simulate_cohort(TRT, n=n, days=30, seed=np.int64(3), progress=False).n == 5
    with raises(ValueError, "n must be a whole number (1 to 100000 patients), got 5.5"):
        hpg.simulate_cohort(TRT, n=5.5, days=30)
    with raises(TypeError, "n must be a whole number (1 to 100000 patients), got str '5'"):
        hpg.simulate_cohort(TRT, n="5", days=30)


def test_seed_none_draws_a_fresh_seed_that_repeats_the_run():
    first = hpg.simulate_cohort(TRT, n=4, days=30, seed=None, progress=False)
    second = hpg.simulate_cohort(TRT, n=4, days=30, seed=None, progress=False)
    assert isinstance(first.seed, int) and first.seed != second.seed
    again = hpg.simulate_cohort(TRT, n=4, days=30, seed=first.seed, progress=False)
    pd.testing.assert_frame_equal(again.patients, first.patients)


def test_cohort_patient_index_accepts_numpy_integers():
    cohort = hpg.simulate_cohort(TRT, n=3, days=30, progress=False)
    assert cohort.patient(np.int64(2)) == cohort.patient(2)
    with raises(ValueError, "patient index must be a whole number (0 to 2)"):
        cohort.patient(3)


def patients_table(**columns):
    base = {"age": [30.0, 45.0, 60.0]}
    return pd.DataFrame(base | columns)


@pytest.mark.parametrize("columns, error, message", [
    (dict(age=[30.0, math.nan, 60.0]), ValueError, "patients row 1: Patient age must be a finite number"),
    (dict(age=[30.0, -4.0, 60.0]), ValueError, "patients row 1: Patient age = -4 is outside the allowed range"),
    (dict(recovery_speed=[1.0, 1.0, 0.0]), ValueError, "patients row 2: Patient recovery_speed = 0 is outside"),
    (dict(baseline_testosterone=[300.0, -1.0, 300.0]), ValueError, "patients row 1: Patient baseline_testosterone"),
    (dict(age=["30", "45", "60"]), TypeError, "patients row 0: Patient age must be a number, got str '30'"),
    (dict(low_testosterone_origin=["central", "brain", "testicular"]), ValueError,
     "patients row 1: Patient low_testosterone_origin must be one of"),
    (dict(height=[180, 170, 175]), ValueError, "unknown patient columns ['height']"),
    (dict(semen_volume=[2.0, 0.0, 3.0]), ValueError, "patients row 1: semen_volume must be greater than 0"),
])
def test_a_table_of_patients_is_checked_with_the_same_rules_and_messages_as_patient(columns, error, message):
    with raises(error, message):
        hpg.simulate_cohort(TRT, days=30, patients=patients_table(**columns), progress=False)


def test_a_table_of_patients_must_have_each_column_once():
    table = pd.concat([patients_table(), patients_table()], axis=1)
    with raises(ValueError, "patients has columns ['age'] more than once"):
        hpg.simulate_cohort(TRT, days=30, patients=table)


def test_a_table_of_patients_must_be_a_non_empty_dataframe():
    with raises(TypeError, "patients must be a pandas DataFrame"):
        hpg.simulate_cohort(TRT, days=30, patients=[{"age": 40}])
    with raises(ValueError, "patients must have at least one row"):
        hpg.simulate_cohort(TRT, days=30, patients=pd.DataFrame({"age": []}))


def test_a_table_of_patients_accepts_every_patient_field():
    table = pd.DataFrame({
        "age": [40, 60], "baseline_testosterone": [250.0, math.nan], "baseline_sperm": [None, 30.0],
        "baseline_lh": [math.nan, 4.0], "baseline_fsh": [math.nan, 6.0], "low_testosterone_origin": [ORIGINS[-1], ORIGINS[0]],
        "feedback_sensitivity": [1.0, 1.2], "recovery_speed": [0.8, 1.0], "aromatase_activity": [1.0, 1.0],
        "serm_sensitivity": [1.0, 2.0], "hcg_sensitivity": [1.0, 1.0], "itt_requirement": [1.0, 0.5],
        "germ_cell_reserve": [0.3, 1.0],
    })
    assert set(table.columns) == {name for name in hpg.Patient().to_dict()}
    cohort = hpg.simulate_cohort(TRT, days=60, patients=table, progress=False)
    for index in range(2):
        alone = hpg.simulate(TRT, days=60, patient=cohort.patient(index))
        np.testing.assert_allclose(cohort["lh"][index], alone["lh"], rtol=1e-6)
        assert np.all(np.isfinite(cohort["sperm"][index]))
    # a missing baseline (NaN or None) means "typical", as None does for Patient
    assert cohort.patient(1).baseline_testosterone is None and cohort.patient(0).baseline_sperm is None


# ---- lab reports -------------------------------------------------------------------------

def test_lab_report_of_a_cohort_says_how_to_pick_one_patient():
    cohort = hpg.simulate_cohort(TRT, n=3, days=100, progress=False)
    with raises(TypeError, "use cohort.result(index)"):
        hpg.lab_report(cohort, 90)
    assert hpg.lab_report(cohort.result(np.int64(1)), np.int64(90)).day == 90


def test_lab_report_day_and_volume_name_what_is_allowed():
    result = hpg.simulate(TRT, days=100)
    with raises(ValueError, "= 120 is outside the allowed range (0 to 100 days"):
        hpg.lab_report(result, 120)
    with raises(TypeError, "must be a number, got str '90'"):
        hpg.lab_report(result, "90")
    with raises(ValueError, "semen_volume must be greater than 0 mL"):
        hpg.lab_report(result, 90, semen_volume=0)


# ---- legal extremes ----------------------------------------------------------------------

def test_round_trip_of_regimen_and_patient_through_dicts():
    regimen = hpg.Regimen([hpg.Dose("hcg", 500, every_days=2, stop_day=90), hpg.Dose("clomiphene", 25, 1, 30)])
    assert hpg.Regimen.from_dict(regimen.to_dict()) == regimen
    patient = hpg.Patient(age=50, baseline_testosterone=300)
    assert hpg.Patient.from_dict(patient.to_dict()) == patient
    with raises(ValueError, "unknown patient fields"):
        hpg.Patient.from_dict({"age": 40, "weight": 80})
    with raises(ValueError, "missing keys"):
        hpg.Regimen.from_dict({"doses": [{"drug": "hcg"}]})
    with raises(TypeError, "a dose must be a mapping"):
        hpg.Regimen.from_dict({"doses": ["hcg"]})


def every_drug_at_once():
    """Every agent at its weekly maximum (one product per kind of action), a pump every 5 minutes."""
    return hpg.Regimen([
        share_of_weekly_maximum("testosterone_enanthate", 1.0),
        share_of_weekly_maximum("hcg", 1.0, every_days=1),
        share_of_weekly_maximum("clomiphene", 1.0, every_days=1),
        share_of_weekly_maximum("anastrozole", 1.0, every_days=1),
        share_of_weekly_maximum("gonadorelin", 1.0, every_days=5 / 1440),
    ])


@pytest.mark.parametrize("regimen, days, patient", [
    (hpg.Regimen([hpg.Dose("testosterone_enanthate", 500, every_days=7)]), 365 * 3, hpg.Patient()),
    (every_drug_at_once(), 730, hpg.Patient()),
    (hpg.Regimen([hpg.Dose("gonadorelin", 10, every_days=1 / 1440)]), 365, hpg.Patient()),
    (hpg.Regimen([hpg.Dose("testosterone_cypionate", 200, every_days=7)]), 365,
     hpg.Patient(age=90, baseline_testosterone=60, baseline_sperm=0.5)),
    (hpg.Regimen([hpg.Dose("testosterone_cypionate", 200, every_days=7, stop_day=3650)]), 3650 + 730, hpg.Patient()),
    (hpg.Regimen([hpg.Dose("hcg", 500, every_days=2)]), 365, hpg.Patient(baseline_sperm=0)),
])
def test_legal_extremes_give_finite_non_negative_results(regimen, days, patient):
    result = hpg.simulate(regimen, days=days, patient=patient)
    for name in result.variables:
        assert np.all(np.isfinite(result[name])), name
        assert np.all(result[name] >= 0), name


# ---- Hypothesis over types: every value of every type gets a clear answer ------------------

# integers a float cannot hold (10**400) and fractions are numbers too: a clear ValueError, never an OverflowError
HUGE_INTEGERS = st.integers(309, 600).flatmap(lambda digits: st.sampled_from([10 ** digits, -(10 ** digits)]))
ANY_VALUE = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True),
    HUGE_INTEGERS, st.fractions(max_denominator=7),
    st.text(max_size=5), st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
    st.builds(np.int64, st.integers(-10**6, 10**6)), st.builds(np.float64, st.floats(-1e6, 1e6)),
    st.builds(np.bool_, st.booleans()), st.just(object()), st.just(b"365"), st.just(1j),
)
NUMBER_TYPES = (int, float, Fraction, np.integer, np.floating)


def answered(call):
    """Run ``call``: a result, or the exception it raised (which must be TypeError or ValueError)."""
    try:
        return call()
    except (TypeError, ValueError) as problem:
        assert str(problem), "an error must say what went wrong"
        return problem


def is_real_number(value):
    return isinstance(value, NUMBER_TYPES) and not isinstance(value, (bool, np.bool_))


def is_finite(value):
    """math.isfinite, also for integers a float cannot hold (math.isfinite(10**400) overflows)."""
    return isinstance(value, (int, np.integer, Fraction)) or math.isfinite(value)


@settings(max_examples=300, deadline=None)
@given(ANY_VALUE, st.sampled_from(["amount", "every_days", "start_day", "stop_day"]))
def test_any_value_for_a_dose_field_gets_a_clear_answer_and_the_right_kind_of_error(value, field):
    arguments = {"drug": "hcg", "amount": 500, "every_days": 2, "start_day": 0, "stop_day": None} | {field: value}
    outcome = answered(lambda: hpg.Dose(**arguments))
    allowed_none = field == "stop_day" and value is None
    if not (is_real_number(value) or allowed_none):
        assert isinstance(outcome, TypeError), (value, outcome)
    elif isinstance(outcome, hpg.Dose):
        assert all(math.isfinite(getattr(outcome, name)) for name in ("amount", "every_days", "start_day"))
    else:
        assert isinstance(outcome, ValueError), (value, outcome)
        assert field in str(outcome) or "per week" in str(outcome) or "stop_day" in str(outcome)


@settings(max_examples=300, deadline=None)
@given(ANY_VALUE, st.sampled_from(sorted(LIMITS) + ["low_testosterone_origin"]))
def test_any_value_for_a_patient_field_gets_a_clear_answer_and_the_right_kind_of_error(value, field):
    outcome = answered(lambda: hpg.Patient(**{field: value}))
    if field == "low_testosterone_origin":
        expected_type_error = not isinstance(value, str)
    else:
        expected_type_error = not (is_real_number(value) or (value is None and field in OPTIONAL))
    if expected_type_error:
        assert isinstance(outcome, TypeError), (value, outcome)
    elif isinstance(outcome, hpg.Patient):
        number = getattr(outcome, field)
        assert number is None or number in ORIGINS or LIMITS[field][0] <= number <= LIMITS[field][1]
    else:
        assert isinstance(outcome, ValueError) and field in str(outcome), (value, outcome)


@settings(max_examples=300, deadline=None)
@given(ANY_VALUE)
def test_any_value_for_a_count_is_a_whole_number_or_a_clear_error(value):
    outcome = answered(lambda: validation.whole_number("n", value, low=1, high=100))
    if not is_real_number(value):
        assert isinstance(outcome, TypeError) and "n must be a whole number" in str(outcome)
    elif isinstance(outcome, int):
        assert outcome == value and 1 <= outcome <= 100
    else:
        assert isinstance(outcome, ValueError) and "n must be a whole number (1 to 100)" in str(outcome)
        assert not (is_finite(value) and value == int(value) and 1 <= value <= 100)


@settings(max_examples=200, deadline=None)
@given(st.one_of(ANY_VALUE, st.integers(1, 40), st.floats(1, 40).map(lambda days: round(days * 2) / 2),
                 st.builds(np.int64, st.integers(1, 40))))
def test_any_value_for_days_simulates_or_gets_a_clear_error(value):
    legal = (is_real_number(value) and is_finite(value) and 1 <= value <= validation.MAX_DAYS
             and value == int(value))
    if legal:
        if value <= 40:  # longer legal runs are covered by the legal-extremes tests
            assert hpg.simulate(None, days=value).t[-1] == float(value)
        return
    outcome = answered(lambda: hpg.simulate(None, days=value))
    assert isinstance(outcome, TypeError if not is_real_number(value) else ValueError), (value, outcome)
    assert "days" in str(outcome)


# ---- the rest of the public API: a bad argument is named, never a raw traceback --------------

@pytest.fixture(scope="module")
def cohort():
    return hpg.simulate_cohort(TRT, n=4, days=120, progress=False)


@pytest.mark.parametrize("call, error, message", [
    (lambda c: c.quantiles("lh", q={}), TypeError, "q must be a list of numbers"),
    (lambda c: c.quantiles("lh", q=[0.5, 1.5]), ValueError, "q[1] = 1.5 is outside the allowed range (0 to 1)"),
    (lambda c: c.share("lh", below="x"), TypeError, "below must be a number"),
    (lambda c: c.result(0)[["lh"]], TypeError, "variable name must be text"),
    (lambda c: c.result(0).relative(["lh"]), TypeError, "variable name must be text"),
    (lambda c: hpg.recovery.suppression(None), TypeError, "cohort must be an hpg.simulate_cohort Cohort"),
    (lambda c: hpg.recovery.suppression(c, threshold="1"), TypeError, "threshold must be a number"),
    (lambda c: hpg.recovery.sperm_recovery(c, stop_day="x"), TypeError, "stop_day must be a number"),
    (lambda c: hpg.reference_range(["lh"]), TypeError, "variable must be text"),
    (lambda c: hpg.cite(["hsieh2013"]), TypeError, "reference key must be text"),
    (lambda c: hpg.Scenario.load(None), TypeError, "path must be a file path"),
    (lambda c: hpg.load_scenario(None), TypeError, "preset name must be text"),
])
def test_other_entry_points_name_the_bad_argument(cohort, call, error, message):
    with raises(error, message):
        call(cohort)


# ---- entry points an outside sweep found unclear -----------------------------------------

def test_a_number_in_a_message_is_the_number_given_not_a_rounded_one():
    with raises(ValueError, "Patient age = 100.0001 is outside the allowed range (18 to 100"):
        hpg.Patient(age=100.0001)
    assert validation.figure(1e308) == "1e+308" and validation.figure(200.0) == "200"


def test_dose_count_refuses_a_horizon_that_is_not_a_number():
    dose = hpg.Dose("hcg", 500, every_days=2)
    with raises(ValueError, "days must be a finite number, got nan"):
        dose.count(math.nan)
    with raises(TypeError, "days must be a number"):
        dose.count("30")
    assert dose.count(30) == 15


def test_a_regimen_from_a_mapping_refuses_unknown_keys_like_every_other_level():
    with raises(ValueError, "a regimen: unknown keys ['dosage']; allowed keys: ['doses']"):
        hpg.Regimen.from_dict({"doses": [], "dosage": 5})
    with raises(ValueError, "missing keys ['doses']"):
        hpg.Regimen.from_dict({})


@pytest.mark.parametrize("shown, compare, cursor_day, error, message", [
    ("cohort", None, 0.0, TypeError, "result must be one simulation's Result (from hpg.simulate); this is a Cohort"),
    ("x", None, 0.0, TypeError, "result must be a Result from hpg.simulate(), got str 'x'"),
    ("result", "x", 0.0, TypeError, "compare must be a Result from hpg.simulate() or None, got str 'x'"),
    ("result", None, math.nan, ValueError, "cursor_day must be a finite number, got nan"),
])
def test_a_time_series_chart_of_something_else_says_what_it_needs(shown, compare, cursor_day, error, message):
    result = {"cohort": hpg.simulate_cohort(None, n=2, days=10, progress=False),
              "result": hpg.simulate(None, days=10)}.get(shown, shown)
    with raises(error, message):
        charts.timeseries_chart(result, compare=compare, cursor_day=cursor_day)


def test_citations_of_unknown_keys_name_them_and_the_known_ones():
    from hpgwidgets.references import citations_text

    with raises(ValueError, "keys: unknown reference keys of data/references.bib ['nope']; known: "):
        citations_text(["nope"])
    with raises(TypeError, "keys must be a list of reference keys"):
        citations_text("travison2017")
    assert citations_text(["travison2017"]).startswith("[1] Travison")


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["testosterone_enanthate", "testosterone_undecanoate", "hcg", "clomiphene"]),
       st.floats(0.01, 1.0), st.floats(1.0001, 50.0))
def test_a_dose_over_the_weekly_maximum_names_both_arguments_and_the_numbers_given(drug, share, over):
    # the amount is legal alone; the interval is chosen so the week holds ``over`` times the maximum
    limits = hpg.DRUGS[drug]
    amount = share * limits.max_amount
    every_days = amount * 7.0 / (limits.max_amount_per_week * over)
    if every_days < validation.MIN_DOSE_INTERVAL_DAYS:
        return
    with pytest.raises(ValueError) as refused:
        hpg.Dose(drug, amount, every_days=every_days)
    message = str(refused.value)
    assert message.startswith(f"amount and every_days of {drug}: {validation.figure(amount)} ")
    assert f"every {validation.figure(every_days)} days" in message
    shortest = amount * 7.0 / limits.max_amount_per_week
    assert f"every_days of at least {validation.figure(shortest)}" in message
    assert hpg.Dose(drug, amount, every_days=shortest * (1 + 1e-9)).every_days > every_days


@settings(max_examples=200, deadline=None)
@given(ANY_VALUE, st.sampled_from(["percent", "duration", "sperm_phrase", "testosterone_phrase"]))
def test_any_value_for_a_sentence_helper_is_words_without_nan_or_a_clear_error(value, helper):
    from hpgwidgets import summary

    outcome = answered(lambda: getattr(summary, helper)(value))
    if not is_real_number(value):
        assert isinstance(outcome, TypeError) and "must be a number" in str(outcome), (value, outcome)
    elif isinstance(outcome, str):
        assert is_finite(value) and value >= 0
        assert not re.search(r"\b(nan|inf)\b", outcome, re.IGNORECASE), outcome
    else:
        assert isinstance(outcome, ValueError), (value, outcome)
        # a share whose percent overflows a float (100 x 1e307) is refused too
        assert not (is_finite(value) and value >= 0 and abs(value) < 1e306), (value, outcome)


@settings(max_examples=200, deadline=None)
@given(ANY_VALUE, st.sampled_from(["value", "reference", "tolerance"]))
def test_any_value_compared_in_words_is_a_word_or_a_clear_error(value, argument):
    from hpgwidgets import summary

    outcome = answered(lambda: summary.relation(**{"value": 1.0, "reference": 2.0, "tolerance": 0.05, argument: value}))
    if not is_real_number(value):
        assert isinstance(outcome, TypeError) and f"{argument} must be a number" in str(outcome), (value, outcome)
    elif isinstance(outcome, str):
        assert outcome in ("below", "about the same as", "above") and is_finite(value)
        assert argument != "tolerance" or value >= 0
    else:
        assert isinstance(outcome, ValueError) and str(outcome).startswith(argument), (value, outcome)
        # refused: NaN, infinity, a number too large for a float, a negative tolerance
        assert not is_finite(value) or abs(value) > 1e308 or (argument == "tolerance" and value < 0), (value, outcome)


def test_a_number_too_large_for_a_float_is_a_value_error_naming_the_argument():
    with raises(ValueError, "Patient age must be a finite number, got a number with 401 digits"):
        hpg.Patient(age=10 ** 400)
    with raises(ValueError, "days must be a finite number, got a number with 401 digits"):
        hpg.simulate(days=10 ** 400)
    with raises(ValueError, "n must be a whole number (1 to 100), got 1000000000"):
        validation.whole_number("n", 10 ** 400, low=1, high=100)


def test_doses_of_an_unknown_drug_is_refused_not_an_empty_answer():
    with raises(ValueError, "drug must be one of"):
        TRT.doses_of("testosterone")
    assert TRT.doses_of("hcg") == ()


@pytest.mark.parametrize("options, error, message", [
    (dict(variables=None), TypeError, "variables must be a list of variables of this Result"),
    (dict(variables=[]), ValueError, "variables must name at least one variable of this Result"),
    (dict(variables=["nope"]), ValueError, "variables: unknown variables of this Result ['nope']"),
    (dict(window_days=5), TypeError, "window_days must be None or (first day, last day), got int 5"),
    (dict(window_days=(1, 2, 3)), TypeError, "window_days must be None or (first day, last day)"),
    (dict(window_days=(math.nan, 10)), ValueError, "window_days first day must be a finite number"),
    (dict(window_days=(50, 10)), ValueError, "window_days must be (first day, last day) with first < last, got (50, 10)"),
    (dict(columns=0), ValueError, "columns must be a whole number (1 to 6 panels a row), got 0"),
    (dict(columns=2.5), ValueError, "columns must be a whole number (1 to 6 panels a row), got 2.5"),
    (dict(origin_day=-10), ValueError, "origin_day = -10 is outside the allowed range"),
    (dict(heading=5), TypeError, "heading must be text, got int 5"),
    (dict(names=("a",)), TypeError, "names must be None or (this run's name, the compared run's name)"),
])
def test_a_time_series_chart_layout_is_checked_naming_the_argument(options, error, message):
    result = hpg.simulate(None, days=10)
    with raises(error, message):
        charts.timeseries_chart(result, **{"variables": ["lh"], **options})
    with raises(error, message):
        charts.timeseries_spec(result, **{"variables": ["lh"], **options})
    # the legal edges draw: a window past the run, six panels a row, a later clock, texts
    chart = charts.timeseries_chart(result, ["lh", "sperm"], window_days=(0, 1000), columns=6, origin_day=5,
                                    heading="x", names=("a", "b"))
    assert len(chart.vconcat[0].hconcat) == 2


# ---- texts, tables and conversions (a second outside sweep) --------------------------------

RESULT = hpg.simulate(TRT, days=30)


@pytest.mark.parametrize("call, error, message", [
    (lambda: summary.relation(math.nan, 1), ValueError, "value must be a finite number, got nan"),
    (lambda: summary.relation(1, "x"), TypeError, "reference must be a number, got str 'x'"),
    (lambda: summary.relation(1, 1, tolerance=-1), ValueError, "tolerance = -1 is outside the allowed range"),
    (lambda: summary.percent(1e308), ValueError, "ratio = 1e+308 is too large to print as a percent"),
    (lambda: summary.value_text(5, 1.0), TypeError, "variable must be text, got int 5"),
    (lambda: summary.short_reference(5), TypeError, "key must be text, got int 5"),
    (lambda: summary.reference_table("lh"), TypeError, "variables must be a list of variables with a reference range"),
    (lambda: summary.reference_table(None), TypeError, "variables must be a list of variables with a reference range"),
    (lambda: summary.catalogue_table("hcg"), TypeError, "agents must be the drug table (hpg.drug_table()"),
    (lambda: summary.kinetics_table(hpg.drug_table()[["name"]]), ValueError, "agents has no column"),
    (lambda: summary.readable_table(5, ["lh"], index_name="x"), TypeError, "values must be a mapping"),
    (lambda: summary.readable_table({"a": {"lh": 1.0}}, ["fsh"], index_name="x"), ValueError,
     "values['a'] has no value for ['fsh']"),
    (lambda: summary.chart_key("lh"), TypeError, "variables must be a list of model variables, got str 'lh'"),
    (lambda: summary.chart_key(["nope"]), ValueError, "variables: unknown model variables ['nope']"),
    (lambda: summary.chart_key(["lh"], names=("a",)), TypeError, "names must be None or (this run's name"),
    (lambda: summary.chart_key(["lh"], cursor_day=math.nan), ValueError, "cursor_day must be a finite number"),
    (lambda: summary.drugs_on_day("x", 1, 30), TypeError, "regimen must be an hpg.Regimen, got str 'x'"),
    (lambda: summary.drugs_on_day(TRT, math.nan, 30), ValueError, "day must be a finite number, got nan"),
    (lambda: summary.summary_text("x", 10), TypeError, "result must be a Result from hpg.simulate()"),
    (lambda: summary.summary_text(RESULT, 10, compare="x"), TypeError, "compare must be a Result from hpg.simulate()"),
    (lambda: summary.summary_text(RESULT, 10, names=5), TypeError, "names must be None or (this run's name"),
    (lambda: units.testosterone_ng_dl_to_nmol_l(math.nan), ValueError, "ng_per_dl must be a finite number, got nan"),
    (lambda: units.testosterone_ng_dl_to_nmol_l(np.array([1.0, -1.0])), ValueError, "ng_per_dl[1] = -1 is outside"),
    (lambda: units.testosterone_ng_dl_to_nmol_l("100"), TypeError, "ng_per_dl must be a number, got str '100'"),
    (lambda: units.testosterone_ng_dl_to_nmol_l(100, 0), ValueError, "molar_mass must be a positive number of g/mol"),
    (lambda: TRT.doses[0].end(math.nan), ValueError, "days must be a finite number, got nan"),
    (lambda: TRT.doses[0].end(-1), ValueError, "days = -1 is outside the allowed range (at least 0 days)"),
    (lambda: TRT.last_dose_day(90, drugs="x"), ValueError, "drugs must be one of"),
    (lambda: TRT.last_dose_day(90, drugs=[5]), TypeError, "drugs entry must be text, got int 5"),
    (lambda: calibration.shortfall("travison2017_t_median"), ValueError,
     "a shortfall is defined for time-to-threshold rows (first_day_above, first_day_below) only"),
    (lambda: hpg.Scenario(TRT).save("a\0b.json"), ValueError, "path must not contain a NUL character"),
    (lambda: hpg.Scenario.load("a\0b.json"), ValueError, "path must not contain a NUL character"),
    (lambda: validation.export_formats("png"), TypeError, "formats must be a list of image formats"),
    (lambda: validation.export_formats(["gif"]), ValueError, "formats entry must be one of 'png', 'svg'; got 'gif'"),
    (lambda: validation.export_options(".", "x", ["png"], 1e6), ValueError, "scale_factor = 1000000 is outside"),
    (lambda: validation.export_options(".", "../x", ["png"], 2), ValueError, "name must be a plain file name"),
])
def test_texts_tables_and_conversions_name_a_bad_argument(call, error, message):
    with raises(error, message):
        call()


def test_the_legal_edges_of_texts_and_conversions_still_answer():
    assert summary.relation(1.0, 1.04) == "about the same as"
    assert summary.percent(1e6) == "100000000%"
    assert summary.drugs_on_day(TRT, 0, 30) == ["Testosterone enanthate"]
    assert list(units.testosterone_ng_dl_to_nmol_l(np.array([288.4, 0.0]), 288.4)) == [10.0, 0.0]
    assert TRT.last_dose_day(365, drugs=["testosterone_enanthate"]) == TRT.last_dose_day(365)
    assert summary.chart_key(["lh", "sperm"], names=("a", "b"), cursor_day=None)[-1].startswith("dashed vertical")


def test_a_scenario_path_the_file_system_cannot_hold_names_the_users_path(tmp_path):
    path = tmp_path / ("x" * 300 + ".json")
    with pytest.raises(OSError, match=re.escape(str(path)[:40])):
        hpg.Scenario(TRT).save(path)


# ---- the fit's command line ----------------------------------------------------------------

def _fit_usage_error(capsys, *arguments) -> str:
    from hpgwidgets import fit

    with pytest.raises(SystemExit) as stopped:
        fit.main(list(arguments))
    assert stopped.value.code == 2          # argparse's usage error, before any refit starts
    return capsys.readouterr().err


def test_the_fit_refuses_more_cross_validation_folds_than_sources(capsys):
    sources = len({o.source_key for o in calibration.load_observations() if o.role == "fit"})
    message = _fit_usage_error(capsys, "--cross-validate", str(sources + 1))
    assert (f"--cross-validate K may be at most the number of sources of the fitting rows ({sources}): "
            f"a fold needs a source to leave out; got {sources + 1}") in message
    assert "--cross-validate needs at least 2 folds, got 1" in _fit_usage_error(capsys, "--cross-validate", "1")
