"""The Workbench's rules without widgets: control values <-> Scenario (hpgwidgets.workbench.mapping).

No ipywidgets here: the mapping is plain functions over a dict of values.
"""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hpgwidgets as hpg
from hpgwidgets.workbench import mapping as m


def test_default_values_describe_half_a_year_of_weekly_enanthate_and_nothing_else():
    values = m.default_values()
    (trt,) = m.regimen_of(values)
    drug = hpg.DRUGS[m.DEFAULT_TRT_DRUG]
    assert (trt.drug, trt.amount, trt.every_days) == (drug.id, drug.typical_amount, drug.typical_every_days)
    assert (trt.start_day, trt.stop_day) == (0, m.DEFAULT_TRT_WEEKS * 7)
    assert m.patient_of(values) == hpg.Patient()
    assert m.scenario_of(values).days == m.DEFAULT_WINDOW_WEEKS * 7


def test_recovery_agents_follow_their_timing():
    values = {**m.default_values(), "hcg": True, "clomiphene": True, "clomiphene_timing": m.RECOVERY,
              "recovery_start": 30, "recovery_weeks": 8, "tamoxifen": True, "tamoxifen_timing": m.BOTH}
    regimen = m.regimen_of(values)
    (hcg,), (clomiphene,), (tamoxifen,) = (regimen.doses_of(agent) for agent in ("hcg", "clomiphene", "tamoxifen"))
    assert (hcg.start_day, hcg.stop_day) == (0, 26 * 7)
    assert (clomiphene.start_day, clomiphene.stop_day) == (30 * 7, 38 * 7)
    assert (tamoxifen.start_day, tamoxifen.stop_day) == (0, 38 * 7)


def test_gonadorelin_mode_sets_the_pulse_interval():
    values = {**m.default_values(), "trt_weeks": 0, "recovery_start": 0, "gonadorelin": True}
    every = {}
    for mode in (m.PUMP, m.CONTINUOUS, m.INJECTION):
        (dose,) = m.regimen_of({**values, "gonadorelin_mode": mode, "gonadorelin_every_days": 2.0})
        every[mode] = dose.every_days
    assert every == {m.PUMP: hpg.DRUGS["gonadorelin"].typical_every_days,
                     m.CONTINUOUS: m.GONADORELIN_CONTINUOUS_EVERY_DAYS, m.INJECTION: 2.0}


@pytest.mark.parametrize("name", hpg.list_scenarios())
def test_every_preset_maps_to_values_and_back_to_the_same_doses_and_patient(name):
    preset = hpg.load_scenario(name)
    values = m.values_for(preset)
    assert set(values) == set(m.default_values())
    assert m.mismatch(values, preset) is None
    for agent in m.AGENTS:  # every amount sits on the dose slider (a rung, or added for this value)
        assert values[f"{agent}_dose"] in m.dose_choices(agent, including=values[f"{agent}_dose"])


def test_scenarios_the_controls_cannot_hold_are_refused_with_the_reason():
    two_courses = hpg.Scenario(hpg.Regimen([hpg.Dose("testosterone_enanthate", 200, every_days=7, stop_day=84),
                                            hpg.Dose("testosterone_gel", 50, every_days=1, start_day=100,
                                                     stop_day=200)]))
    with pytest.raises(ValueError, match="more than one testosterone course"):
        m.values_for(two_courses)
    odd_days = hpg.Scenario(hpg.Regimen([hpg.Dose("testosterone_enanthate", 200, every_days=7, stop_day=100)]))
    assert m.mismatch(m.values_for(odd_days), odd_days) == "its doses"  # 100 days is not whole weeks
    with pytest.raises(TypeError, match="Scenario"):
        m.values_for({"regimen": []})


@settings(max_examples=60, deadline=None, derandomize=True)
@given(trt_drug=st.sampled_from(m.TRT_DRUGS), trt_weeks=st.integers(*m.TRT_WEEKS_RANGE),
       rung=st.integers(0, len(m.TRT_DOSE_LADDER) - 1), agents=st.sets(st.sampled_from(m.AGENTS)),
       timing=st.sampled_from([m.WITH_TRT, m.RECOVERY, m.BOTH]), recovery_start=st.integers(0, 60),
       recovery_weeks=st.integers(*m.RECOVERY_WEEKS_RANGE), window_weeks=st.integers(*m.WINDOW_WEEKS_RANGE))
def test_values_to_scenario_and_back_give_the_same_dose_events(trt_drug, trt_weeks, rung, agents, timing,
                                                                recovery_start, recovery_weeks, window_weeks):
    values = {**m.default_values(), **m.formulation_values(trt_drug), "trt_drug": trt_drug, "trt_weeks": trt_weeks,
              "recovery_start": recovery_start, "recovery_weeks": recovery_weeks, "window_weeks": window_weeks}
    values["trt_dose"] = m.dose_choices(trt_drug)[rung]
    for agent in agents:
        values.update({agent: True, f"{agent}_timing": timing})
    scenario = m.scenario_of(values)
    back = m.values_for(scenario)
    days = float(scenario.days)
    assert m.dose_events(m.regimen_of(back), days) == m.dose_events(scenario.regimen, days)
    assert m.patient_of(back) == scenario.patient


@pytest.mark.parametrize("drug_id", m.TRT_DRUGS)
def test_each_formulation_has_a_dose_scale_of_its_own(drug_id):
    drug = hpg.DRUGS[drug_id]
    choices = m.dose_choices(drug_id)
    assert drug.typical_amount in choices
    assert max(choices) <= min(drug.max_amount, 3 * drug.typical_amount)
    low, high = m.every_days_range(drug_id)
    assert low < drug.typical_every_days < high <= max(14, 2 * drug.typical_every_days)


def test_usual_enanthate_doses_use_most_of_the_track_and_a_gel_is_not_on_a_gram_scale():
    choices = m.dose_choices("testosterone_enanthate")
    usual = [amount for amount in choices if 50 <= amount <= 200]
    assert (len(usual) - 1) / (len(choices) - 1) > 0.5  # 50 to 200 mg spans over half the slider
    assert max(m.dose_choices("testosterone_gel")) < 200


@settings(max_examples=60, deadline=None)
@given(st.sets(st.sampled_from(sorted(m.default_values())), min_size=1, max_size=4))
def test_values_missing_a_control_are_refused_naming_the_missing_ones(missing):
    values = {name: value for name, value in m.default_values().items() if name not in missing}
    for build in (m.regimen_of, m.patient_of):
        with pytest.raises(ValueError, match="values: missing keys") as refused:
            build(values)
        assert all(repr(name) in str(refused.value) for name in missing)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(m.TRT_DRUGS), st.data())
def test_a_dose_and_interval_over_the_weekly_maximum_name_the_two_controls(drug_id, data):
    dose = data.draw(st.sampled_from(m.dose_choices(drug_id)))
    every_days = data.draw(st.floats(*m.every_days_range(drug_id)))
    values = {**m.default_values(), "trt_drug": drug_id, "trt_dose": dose, "trt_every_days": every_days}
    over = dose * 7 / every_days > hpg.DRUGS[drug_id].max_amount_per_week
    if over:
        with pytest.raises(ValueError, match=f"^trt_dose and trt_every_days: amount and every_days of {drug_id}"):
            m.regimen_of(values)
    else:
        (trt,) = m.regimen_of(values)
        assert (trt.amount, trt.every_days) == (dose, every_days)
