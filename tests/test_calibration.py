"""Every published observation in data/evidence.csv, measured by one evaluator from a
real simulation of the man the study enrolled."""
import numpy as np
import pytest
from scipy.optimize import brentq

import hpgwidgets as hpg
from hpgwidgets import fit
from dataclasses import replace

from hpgwidgets.parameters import ParameterSet

from hpgwidgets.calibration import STATISTICS, evaluate, load_observations, measure
from hpgwidgets.references import bibliography

OBSERVATIONS = load_observations()


def test_the_evidence_table_is_declarative_and_sourced():
    keys = set(bibliography())
    assert len(OBSERVATIONS) >= 50
    for observation in OBSERVATIONS:
        assert observation.source_key in keys, observation.id
        assert observation.statistic in STATISTICS
        assert observation.low <= observation.high
        assert observation.provenance in ("primary", "abstract", "secondary", "weak")
    assert {o.role for o in OBSERVATIONS} == {"fit", "check"}
    assert sum(o.role == "check" for o in OBSERVATIONS) >= 15      # held out from the fit


@pytest.mark.parametrize("observation", [o for o in OBSERVATIONS if o.status == "reproduced"],
                         ids=lambda o: o.id)
def test_published_figure_is_reproduced(observation):
    measured = measure(observation)
    assert observation.within(measured), (
        f"{observation.id}: model {measured!r}, accepted {observation.low}..{observation.high} {observation.unit}")


@pytest.mark.parametrize("observation", [o for o in OBSERVATIONS if o.status != "reproduced"],
                         ids=lambda o: o.id)
def test_a_named_disagreement_still_disagrees(observation):
    """Rows the model does not reproduce say so, and why, in their status; if the model
    comes to agree, the status (and what 03b says about it) must be updated."""
    assert observation.status.startswith("disagrees: ") and len(observation.status) > 30
    assert not observation.within(measure(observation))


def test_every_fitted_parameter_is_inside_its_bounds_and_documented():
    chosen = fit.fitted_parameters()
    assert len(chosen) >= 15
    for name, (value, lower, upper) in chosen.items():
        assert lower <= value <= upper, name


def test_untreated_default_patient_is_at_steady_state():
    result = hpg.simulate(hpg.Regimen(), days=365)
    for name in hpg.CLINICAL:
        drift = np.max(np.abs(result[name] / result.baseline[name] - 1))
        assert drift < 1e-6, f"{name} drifts by {drift:.3%} over a year"


@pytest.mark.parametrize("patient", [
    hpg.Patient(age=68, baseline_testosterone=340),
    hpg.Patient(age=25, baseline_testosterone=800, baseline_sperm=120),
    hpg.Patient(age=45, baseline_testosterone=200, low_testosterone_origin="central"),
    hpg.Patient(age=45, baseline_testosterone=200, low_testosterone_origin="testicular"),
    hpg.Patient(age=30, low_testosterone_origin="no_gnrh"),
    hpg.Patient(age=90, baseline_testosterone=120, baseline_sperm=3),
    hpg.Patient(age=35, baseline_sperm=0.0),
])
def test_patients_described_by_their_labs_are_at_steady_state(patient):
    result = hpg.simulate(None, days=365, patient=patient)
    if patient.baseline_testosterone:
        assert result["testosterone"][0] == pytest.approx(patient.baseline_testosterone)
    if patient.baseline_sperm:
        assert result["sperm"][0] == pytest.approx(patient.baseline_sperm)
    for name in hpg.CLINICAL:
        assert np.allclose(result[name], result.baseline[name], rtol=1e-3, atol=1e-9), name


# ---- the statistics, one by one, on a hand-made curve ------------------------------------

class Curve:
    """A stand-in for a Result: one variable on a known grid, and its untreated value."""

    def __init__(self, t, values, baseline):
        self.t, self._values, self.baseline = np.asarray(t, float), np.asarray(values, float), baseline

    def __getitem__(self, name):
        return self._values


def row(statistic, **fields):
    """An observation of ``statistic`` on variable "lh" with only the fields it declares."""
    template = OBSERVATIONS[0]
    blank = dict(day=None, window=None, threshold=None, threshold_unit="", reference_patient=None,
                 reference_regimen=None)
    return replace(template, statistic=statistic, variable="lh", **{**blank, **fields})


DECAY = Curve(np.arange(0, 11.0), 8.0 * 0.5 ** (np.arange(0, 11.0) / 2), {"lh": 4.0})  # halves every 2 days


@pytest.mark.parametrize("statistic, fields, expected", [
    ("baseline", {}, 4.0),
    ("value_at", {"day": 2.0}, 4.0),
    ("value_at", {"day": 2.5}, (4.0 + 8 * 0.5 ** 1.5) / 2),  # linear between samples
    ("ratio_at", {"day": 4.0}, 2.0 / 4.0),
    ("mean_over", {"window": (0.0, 2.0)}, np.mean([8.0, 8 * 0.5 ** 0.5, 4.0])),
    ("peak_ratio", {"window": (1.0, 10.0)}, 8 * 0.5 ** 0.5 / 4.0),
    ("peak_day", {"window": (1.0, 10.0)}, 1.0),
    ("half_life", {"window": (0.0, 10.0)}, 2.0),
    ("return_day", {"threshold": 0.5, "threshold_unit": "ratio"}, 4.0),   # back to 2 = 0.5 x baseline on day 4
    ("first_day_below", {"day": 1.0, "threshold": 1.0, "threshold_unit": "IU/L"}, 5.0),  # 1 IU/L on day 6
    ("first_day_above", {"day": 0.0, "threshold": 100.0, "threshold_unit": "IU/L"}, np.inf),
])
def test_each_statistic_on_a_curve_worked_by_hand(statistic, fields, expected):
    assert STATISTICS[statistic].compute(row(statistic, **fields), DECAY, ParameterSet.default()) == pytest.approx(expected)


# the statistics read from the parameter set alone, or from a baseline and a parameter: each
# one is given a set with a value changed and must answer from that value
CHANGED = ParameterSet.default().replace({"aromatized_fraction": 0.01, "testosterone_cypionate.elimination_half_life": 5.0,
                                          "spermatogenesis_stages": 2, "spermatogenesis_duration": 50.0,
                                          "testosterone_molar_mass": 289.0, "estradiol_clearance": 2000.0})
BASELINE = Curve([0.0], [0.0], {"testosterone": 500.0, "itt": 4.0, "estradiol": 30.0})


@pytest.mark.parametrize("statistic, fields, expected", [
    ("parameter", {"variable": "aromatized_fraction"}, 0.01),
    ("drug_half_life", {"variable": "testosterone_cypionate"}, 5.0),
    # two stages of 25 days each: the delay's distribution function is 1 - exp(-y)(1 + y) at
    # y = days / 25, so its 5% quantile is 25 y where exp(-y)(1 + y) = 0.95
    ("spermatogenic_delay_quantile", {"variable": "sperm", "threshold": 0.05},
     25.0 * brentq(lambda y: np.exp(-y) * (1 + y) - 0.95, 0.01, 5.0)),
    # 500 ng/dL = 5000 ng/L = 5000/289 nmol/L at 289 g/mol, over 4 nmol/L in the testis
    ("baseline_quotient", {"variable": "testosterone"}, 5000.0 / 289.0 / 4.0),
    # 30 pg/mL x 2000 L/day = 60,000 ng/day = 60 µg/day
    ("production_rate", {"variable": "estradiol"}, 60.0),
])
def test_each_statistic_of_a_parameter_or_a_baseline_reads_the_set_it_is_given(statistic, fields, expected):
    observation = replace(row(statistic), **fields)
    computed = STATISTICS[statistic].compute(observation, BASELINE if STATISTICS[statistic].simulated else None,
                                             CHANGED)
    assert computed == pytest.approx(expected)


def test_the_statistics_against_a_reference_run_compare_two_simulations_of_the_row():
    older = next(o for o in OBSERVATIONS if o.statistic == "baseline_ratio")
    runs = [hpg.simulate(o.make_regimen(reference), days=o.days, patient=o.make_patient(reference))
            for o, reference in ((older, False), (older, True))]
    assert measure(older) == pytest.approx(runs[0].baseline[older.variable] / runs[1].baseline[older.variable])

    esters = next(o for o in OBSERVATIONS if o.statistic == "largest_gap")
    first, last = esters.window
    curves = []
    for reference in (False, True):
        run = hpg.simulate(esters.make_regimen(reference), days=esters.days, patient=esters.make_patient(reference),
                           step_days=1 / 24, sample_every=1 / 24)
        inside = (run.t >= first - 1e-9) & (run.t <= last + 1e-9)
        curves.append(run[esters.variable][inside])
    assert measure(esters) == pytest.approx(np.max(np.abs(curves[0] - curves[1])) / np.max(curves[1]))


def test_every_statistic_is_tested_one_by_one():
    tested = {"baseline", "value_at", "ratio_at", "mean_over", "peak_ratio", "peak_day", "half_life", "return_day",
              "first_day_below", "first_day_above", "parameter", "drug_half_life", "spermatogenic_delay_quantile",
              "baseline_quotient", "production_rate", "baseline_ratio", "largest_gap"}
    assert set(STATISTICS) == tested, "a new statistic needs its own test above"


def test_every_statistic_declares_what_it_reads_and_the_table_gives_it():
    for observation in OBSERVATIONS:
        for name in STATISTICS[observation.statistic].arguments:
            assert getattr(observation, name) is not None, (observation.id, name)


def test_a_row_is_measured_by_its_id_and_an_unknown_id_or_empty_list_is_refused():
    first = OBSERVATIONS[0]
    assert measure(first.id) == measure(first)
    with pytest.raises(ValueError, match="no observation 'nope' in data/evidence.csv; ids are: " + first.id):
        measure("nope")
    with pytest.raises(ValueError, match="at least one row"):
        evaluate([])
    with pytest.raises(TypeError, match="observations must be a list"):
        evaluate(first.id)
    assert evaluate([first.id]) == [(first, measure(first))]


def test_every_entry_point_takes_a_row_or_its_id_and_names_anything_else():
    from hpgwidgets.calibration import shortfall

    timed = next(row for row in OBSERVATIONS if row.statistic in ("first_day_below", "first_day_above"))
    assert shortfall(timed.id) == shortfall(timed)
    for call in (shortfall, measure, lambda row: evaluate([row])):
        with pytest.raises(TypeError, match="observation must be a row of load_observations"):
            call(5)
        with pytest.raises(ValueError, match="no observation 'nope'"):
            call("nope")


def test_the_fits_sensitivity_at_an_upper_bound_steps_back_inside_the_bounds():
    """ParameterSet.replace refuses a value past its bound, so the one-sided difference at
    feedback_hill's upper bound (4) steps down; the residual is linear in log(hill) there."""
    observation = replace(row("parameter"), variable="feedback_hill", value=2.0, low=1.0, high=3.0, scale="log")
    at_bound = np.array([np.log(4.0) - 1e-12])
    jacobian = fit._jacobian(at_bound, ["feedback_hill"], [observation], upper=at_bound)
    assert jacobian.shape == (1, 1)
    assert jacobian[0, 0] == pytest.approx(1 / np.log(1.5))     # (log h - log 2) / (log 3 - log 2)
