"""Every published observation in data/evidence.csv, measured by one evaluator from a
real simulation of the man the study enrolled."""
import numpy as np
import pytest

import hpgwidgets as hpg
from hpgwidgets import fit
from hpgwidgets.calibration import STATISTICS, load_observations, measure
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
