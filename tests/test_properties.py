"""Property-based checks over random regimens and patients (hypothesis)."""
import numpy as np
from hypothesis import assume, given, settings
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
    baseline_testosterone=st.one_of(st.none(), st.floats(40, 1400)),   # above every age's castrate level (15-31 ng/dL)
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
    # both doses inside the workbook's legal range (data/drugs.csv)
    higher = min(dose * factor, hpg.DRUGS["testosterone_enanthate"].max_amount)

    def lh(amount):
        regimen = hpg.Regimen([hpg.Dose("testosterone_enanthate", amount, every_days=7)])
        return hpg.simulate(regimen, days=63, patient=patient)["lh"][56:63].mean()
    assert lh(higher) < lh(dose)


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
def test_stopping_trt_lets_the_axis_recover(dose, days_on, patient):
    """After the last injection LH climbs back from its suppressed level, never below it
    again; how fast depends on dose, duration, age and the man (so no fixed deadline)."""
    stop = float(days_on)
    regimen = hpg.Regimen([hpg.Dose("testosterone_enanthate", dose, every_days=7, stop_day=stop)])
    result = hpg.simulate(regimen, days=stop + 730, patient=patient)
    on = result["lh"][int(stop) - 7:int(stop)].mean()
    after = result["lh"][int(stop) + 60:]
    assert after.min() > on
    base = result.baseline["lh"]
    assert abs(result["lh"][-1] - base) < abs(on - base)     # closer to untreated than on treatment


every_origin = st.sampled_from(hpg.patient.ORIGINS)


@st.composite
def regimens_with_every_agent(draw):
    """One to four agents from the whole catalogue, at typical amounts and intervals."""
    chosen = draw(st.lists(drugs, min_size=1, max_size=4, unique=True))
    doses_ = []
    for drug_id in chosen:
        drug = hpg.DRUGS[drug_id]
        factor = draw(st.sampled_from([0.5, 1.0, 2.0]))
        start = draw(st.sampled_from([0, 30, 90]))
        doses_.append(hpg.Dose(drug_id, drug.typical_amount * factor, every_days=drug.typical_every_days,
                               start_day=start, stop_day=start + draw(st.sampled_from([30, 120]))))
    try:
        return hpg.Regimen(doses_)
    except ValueError:      # agents with one action together above the legal weekly maximum: not a regimen
        assume(False)


@settings(max_examples=15, deadline=None)
@given(regimens_with_every_agent(), every_origin, st.integers(0, 2**16))
def test_cohorts_run_every_agent_and_every_origin_like_single_men(regimen, origin, seed):
    """Any mix of agents, in men of any origin of their testosterone level, gives a cohort
    of finite, non-negative curves, and each man in it is the man simulate() gives."""
    patients = hpg.cohort.draw_patients(6, seed, {"age": 40})
    patients["low_testosterone_origin"] = origin
    if origin in ("central", "no_gnrh"):      # their level follows from the origin, not from the draw
        patients = patients.drop(columns=["baseline_testosterone"])
    cohort = hpg.simulate_cohort(regimen, days=200, patients=patients, progress=False)
    for name in cohort.variables:
        assert np.all(np.isfinite(cohort[name])) and np.all(cohort[name] >= 0), name
    alone = hpg.simulate(regimen, days=200, patient=cohort.patient(3))
    for name in hpg.CLINICAL:
        assert np.allclose(cohort[name][3], alone[name], rtol=1e-9, atol=1e-12), name
