"""What a student may type: clear errors for nonsense, finite answers for legal extremes."""
import math

import numpy as np
import pytest

import hpgwidgets as hpg


@pytest.mark.parametrize("kwargs, message", [
    (dict(drug="testosterone", amount=100, every_days=7), "unknown drug id 'testosterone'; known ids: testosterone_cypionate"),
    (dict(drug="hcg", amount=-500, every_days=2), "must be >= 0"),
    (dict(drug="hcg", amount=math.nan, every_days=2), "finite number"),
    (dict(drug="hcg", amount=math.inf, every_days=2), "finite number"),
    (dict(drug="hcg", amount="500", every_days=2), "must be a number"),
    (dict(drug="hcg", amount=True, every_days=2), "must be a number"),
    (dict(drug="testosterone_enanthate", amount=100000, every_days=7), "outside the range this teaching model accepts"),
    (dict(drug="anastrozole", amount=10, every_days=0.1), "per week"),
    (dict(drug="hcg", amount=500, every_days=0), "every_days must be > 0"),
    (dict(drug="hcg", amount=500, every_days=-2), "every_days must be > 0"),
    (dict(drug="hcg", amount=500, every_days=2, start_day=10, stop_day=5), "must not be before start_day"),
    (dict(drug="hcg", amount=500, every_days=2, start_day=-1), "start_day must be between 0"),
])
def test_bad_doses_are_refused_with_a_helpful_message(kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        hpg.Dose(**kwargs)


@pytest.mark.parametrize("days", [-5, 0, math.nan, math.inf, 365 * 31, "365"])
def test_bad_durations_are_refused(days):
    with pytest.raises(ValueError, match="days must be"):
        hpg.simulate(hpg.Regimen(), days=days)


@pytest.mark.parametrize("kwargs, message", [
    (dict(age=5), "age = 5"), (dict(age=150), "outside the range"), (dict(age=math.nan), "finite number"),
    (dict(baseline_testosterone=-100), "baseline_testosterone"), (dict(baseline_testosterone=5000), "outside"),
    (dict(baseline_sperm=-1), "baseline_sperm"), (dict(low_testosterone_origin="brain"), "must be one of"),
])
def test_nonsense_patients_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        hpg.simulate(None, days=10, patient=hpg.Patient(**kwargs))


def test_regimen_holds_only_doses():
    with pytest.raises(ValueError, match="holds hpg.Dose"):
        hpg.Regimen([("hcg", 500)])
    with pytest.raises(ValueError, match="regimen must be"):
        hpg.simulate("hcg 500", days=10)


def test_round_trip_of_regimen_and_patient_through_dicts():
    regimen = hpg.Regimen([hpg.Dose("hcg", 500, every_days=2, stop_day=90), hpg.Dose("clomiphene", 25, 1, 30)])
    assert hpg.Regimen.from_dict(regimen.to_dict()) == regimen
    patient = hpg.Patient(age=50, baseline_testosterone=300)
    assert hpg.Patient.from_dict(patient.to_dict()) == patient
    with pytest.raises(ValueError, match="unknown patient fields"):
        hpg.Patient.from_dict({"age": 40, "weight": 80})
    with pytest.raises(ValueError, match="missing keys"):
        hpg.Regimen.from_dict({"doses": [{"drug": "hcg"}]})


def every_drug_at_once(days):
    return hpg.Regimen([
        hpg.Dose("testosterone_enanthate", 1000, every_days=7),
        hpg.Dose("testosterone_cypionate", 1000, every_days=7),
        hpg.Dose("testosterone_undecanoate", 4000, every_days=28),
        hpg.Dose("testosterone_gel", 1000, every_days=1),
        hpg.Dose("hcg", 10000, every_days=1),
        hpg.Dose("clomiphene", 200, every_days=1),
        hpg.Dose("tamoxifen", 200, every_days=1),
        hpg.Dose("anastrozole", 10, every_days=1),
        hpg.Dose("gonadorelin", 20, every_days=1 / 1440),
    ])


@pytest.mark.parametrize("regimen, days, patient", [
    (hpg.Regimen([hpg.Dose("testosterone_enanthate", 1000, every_days=7)]), 365 * 3, hpg.Patient()),
    (every_drug_at_once(730), 730, hpg.Patient()),
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
