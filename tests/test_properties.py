"""Property-based checks over random regimens and patients (hypothesis)."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import hpgwidgets as hpg
from hpgwidgets import validation

drugs = st.sampled_from(hpg.drug_ids())


@st.composite
def doses(draw):
    drug = hpg.DRUGS[draw(drugs)]
    every = draw(st.sampled_from([1 / 1440, 1 / 16, 0.5, 1, 2, 3.5, 7, 14, 84]))
    cap = min(drug.max_amount, drug.max_amount_per_week * every / 7)
    amount = draw(st.floats(0, cap, allow_nan=False))
    start = draw(st.floats(0, 300))
    stop = draw(st.one_of(st.none(), st.floats(start, 700)))
    return hpg.Dose(drug.id, amount, every_days=every, start_day=start, stop_day=stop)


patients = st.builds(
    hpg.Patient,
    age=st.floats(18, 100),
    baseline_testosterone=st.one_of(st.none(), st.floats(30, 1400)),
    baseline_sperm=st.one_of(st.none(), st.floats(0, 300)),
    feedback_sensitivity=st.floats(0.2, 5), recovery_speed=st.floats(0.1, 5),
)


def within_limits(dose_list):
    """Dose lists the model accepts together: drugs with the same action share one weekly
    maximum, and a run holds at most validation.MAX_DOSE_EVENTS dose events."""
    try:
        return hpg.Regimen(dose_list).count(400) <= validation.MAX_DOSE_EVENTS
    except ValueError:
        return False


@settings(max_examples=60, deadline=None)
@given(st.lists(doses(), max_size=4).filter(within_limits), patients)
def test_any_legal_regimen_gives_finite_non_negative_values(dose_list, patient):
    result = hpg.simulate(hpg.Regimen(dose_list), days=400, patient=patient)
    for name in result.variables:
        values = result[name]
        assert np.all(np.isfinite(values)) and np.all(values >= 0), name


@settings(max_examples=25, deadline=None)
@given(st.floats(20, 400), st.floats(1.2, 3), patients)
def test_more_trt_means_lower_lh(dose, factor, patient):
    def lh(amount):
        regimen = hpg.Regimen([hpg.Dose("testosterone_enanthate", amount, every_days=7)])
        return hpg.simulate(regimen, days=63, patient=patient)["lh"][56:63].mean()
    assert lh(dose * factor) < lh(dose)


@settings(max_examples=25, deadline=None)
@given(st.floats(100, 2000), patients)
def test_hcg_raises_intratesticular_t_on_trt(hcg_dose, patient):
    base = [hpg.Dose("testosterone_cypionate", 100, every_days=7)]
    alone = hpg.simulate(hpg.Regimen(base), days=60, patient=patient)
    with_hcg = hpg.simulate(hpg.Regimen(base + [hpg.Dose("hcg", hcg_dose, every_days=2)]), days=60, patient=patient)
    assert with_hcg["itt"][40:60].mean() > alone["itt"][40:60].mean()


@settings(max_examples=25, deadline=None)
@given(st.floats(0.25, 10), patients)
def test_anastrozole_lowers_estradiol(amount, patient):
    untreated = hpg.simulate(None, days=60, patient=patient)
    treated = hpg.simulate(hpg.Regimen([hpg.Dose("anastrozole", amount, every_days=1)]), days=60, patient=patient)
    assert treated["estradiol"][30] < untreated["estradiol"][30]


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(["clomiphene", "tamoxifen"]), st.floats(5, 100), patients)
def test_serm_raises_lh(drug, amount, patient):
    untreated = hpg.simulate(None, days=60, patient=patient)
    treated = hpg.simulate(hpg.Regimen([hpg.Dose(drug, amount, every_days=1)]), days=60, patient=patient)
    assert treated["lh"][30] > untreated["lh"][30]


@settings(max_examples=20, deadline=None)
@given(st.floats(50, 400), st.integers(60, 720), patients)
def test_stopping_trt_lets_the_axis_recover(dose, weeks_on_days, patient):
    stop = float(weeks_on_days)
    regimen = hpg.Regimen([hpg.Dose("testosterone_enanthate", dose, every_days=7, stop_day=stop)])
    result = hpg.simulate(regimen, days=stop + 730, patient=patient)
    on = result["lh"][int(stop) - 7:int(stop)].mean()
    assert result["lh"][-1] > on
    assert result.relative("lh")[-1] > 0.8
