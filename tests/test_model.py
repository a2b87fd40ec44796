"""Physiological behaviour a student should see: directions and time scales."""
import numpy as np
import pytest

import hpgwidgets as hpg

WEEK = 7


def trt(amount=200, drug="testosterone_enanthate", every=7, stop=182, start=0):
    return hpg.Dose(drug, amount, every_days=every, start_day=start, stop_day=stop)


@pytest.fixture(scope="module")
def on_and_off_trt():
    return hpg.simulate(hpg.Regimen([trt(stop=365)]), days=900)


def test_trt_raises_serum_t_while_intratesticular_t_collapses(on_and_off_trt):
    r = on_and_off_trt
    assert r.relative("testosterone")[90] > 1.5
    assert r.relative("itt")[90] < 0.15


def first_day(t, condition, what: str) -> float:
    """The first day on which ``condition`` holds; a run in which it never does fails the test
    (np.argmax alone would report day 0)."""
    condition = np.asarray(condition)
    assert condition.any(), f"{what}: never within the simulated days"
    return float(t[np.argmax(condition)])


def test_sperm_lags_hormones_by_weeks(on_and_off_trt):
    r = on_and_off_trt
    assert r.relative("lh")[14] < 0.3            # hormones fall within two weeks
    assert r.relative("sperm")[14] > 0.7         # sperm has barely moved
    assert 45 < first_day(r.t, r["sperm"] < 1.0, "sperm below 1 million/mL") < 150     # months, not days


def test_stopping_trt_recovers_hormones_before_sperm(on_and_off_trt):
    r = on_and_off_trt
    after = r.t >= 365
    lh_back = first_day(r.t[after], r.relative("lh")[after] > 0.8, "LH back above 0.8 x untreated")
    sperm_back = first_day(r.t[after], r["sperm"][after] > 16, "sperm back above 16 million/mL")
    assert lh_back < sperm_back
    assert sperm_back - 365 > 60


def test_estradiol_rises_with_testosterone_on_trt(on_and_off_trt):
    assert on_and_off_trt.relative("estradiol")[90] > 1.3


def test_longer_trt_recovers_more_slowly():
    def days_to_16(years):
        stop = 365 * years
        r = hpg.simulate(hpg.Regimen([trt(stop=stop)]), days=stop + 1000)
        after = r.t >= stop
        return first_day(r.t[after], r["sperm"][after] >= 16, f"sperm back after {years} years") - stop
    assert days_to_16(1) < days_to_16(5)


def test_older_man_recovers_more_slowly_and_less_completely():
    def sperm_after(age):
        r = hpg.simulate(hpg.Regimen([trt(stop=730)]), days=730 + 365, patient=hpg.Patient(age=age, baseline_sperm=60))
        return r.relative("sperm")[730 + 180], r.relative("sperm")[-1]
    young, old = sperm_after(30), sperm_after(65)
    assert old[0] < young[0] and old[1] <= young[1]


def test_hcg_on_trt_keeps_intratesticular_t_and_sperm():
    alone = hpg.simulate(hpg.Regimen([trt(stop=365)]), days=365)
    with_hcg = hpg.simulate(hpg.Regimen([trt(stop=365), hpg.Dose("hcg", 500, every_days=2, stop_day=365)]), days=365)
    assert with_hcg.relative("itt")[180] > 5 * alone.relative("itt")[180]
    assert with_hcg["sperm"][300] > 3 * alone["sperm"][300]


def test_serm_raises_lh_fsh_testosterone_and_estradiol():
    r = hpg.simulate(hpg.Regimen([hpg.Dose("clomiphene", 25, every_days=1)]), days=90)
    assert r.relative("lh")[60] > 1.3
    assert r.relative("fsh")[60] > 1.3       # Wiehle 2014: FSH rises with LH
    assert r.relative("testosterone")[60] > 1.2
    assert r.relative("estradiol")[60] > 1.1   # more testosterone to aromatise


def test_tamoxifen_acts_like_clomiphene():
    r = hpg.simulate(hpg.Regimen([hpg.Dose("tamoxifen", 20, every_days=1)]), days=90)
    assert r.relative("lh")[60] > 1.3


def test_anastrozole_lowers_estradiol_and_raises_lh():
    r = hpg.simulate(hpg.Regimen([hpg.Dose("anastrozole", 1, every_days=1)]), days=90)
    assert r.relative("estradiol")[60] < 0.9
    assert r.relative("lh")[60] > 1.2
    assert r.relative("fsh")[60] > 1.2


def test_pulsatile_gonadorelin_beats_twice_weekly_and_continuous_suppresses():
    gnrh_deficient = hpg.Patient(low_testosterone_origin="no_gnrh")
    testosterone, sperm = {}, {}
    for label, amount, every in [("twice weekly", 100, 3.5), ("pump", 10, 1 / 16), ("continuous", 10 / 90, 1 / 1440)]:
        r = hpg.simulate(hpg.Regimen([hpg.Dose("gonadorelin", amount, every_days=every)]), days=240, patient=gnrh_deficient)
        # weeks 13-15: an immature testis (no puberty) makes adult testosterone only after months of drive
        testosterone[label] = r["testosterone"][91:105].mean()
        sperm[label] = r["sperm"][230]
        if label == "continuous":
            assert r["gnrh_receptor"][28] < 0.1
    assert testosterone["pump"] > 264 > testosterone["twice weekly"]     # into the reference range, or not
    assert testosterone["continuous"] < 0.5 * testosterone["pump"]
    assert sperm["pump"] > 1.3 * sperm["twice weekly"]


def test_higher_trt_dose_suppresses_more():
    lh = [hpg.simulate(hpg.Regimen([trt(amount=a)]), days=60).relative("lh")[56] for a in (50, 100, 200, 400)]
    assert all(later < earlier for earlier, later in zip(lh, lh[1:]))


def test_gel_gives_steadier_levels_than_injections():
    gel = hpg.simulate(hpg.Regimen([hpg.Dose("testosterone_gel", 50, every_days=1)]), days=90)
    shot = hpg.simulate(hpg.Regimen([hpg.Dose("testosterone_enanthate", 200, every_days=14)]), days=90)
    swing = lambda r: np.ptp(r["testosterone"][60:88]) / np.mean(r["testosterone"][60:88])
    assert swing(gel) < 0.5 * swing(shot)


def test_gel_is_steady_within_three_days_and_gone_within_five_as_its_label_says():
    """AndroGel's label: serum levels steady by the second or third day of daily use, back to
    pretreatment within about five days of stopping; over a day a trough stays near the mean."""
    gel = hpg.Dose("testosterone_gel", 50, every_days=1, stop_day=20)
    run = hpg.simulate(hpg.Regimen([gel]), days=30, sample_every=1 / 12)
    added, t = run["exogenous_testosterone"], run.t            # what the gel adds to serum T
    steady = added[(t >= 14) & (t < 20)].mean()
    assert added[(t >= 3) & (t < 4)].mean() > 0.9 * steady
    assert added[(t >= 1) & (t < 2)].mean() < 0.9 * steady        # not instant either
    assert added[(t >= 14) & (t < 20)].min() > 0.65 * steady       # the trough before the next dose
    assert added[np.searchsorted(t, 25)] < 0.1 * steady           # gone 5 days after the last dose


def test_result_api_contract():
    r = hpg.simulate(hpg.Regimen([trt(stop=14)]), days=30)
    assert r.t[0] == 0 and r.t[-1] == 30 and len(r.t) == 31
    frame = r.to_frame()
    assert set(frame.columns) == {"day", "variable", "value", "unit"}
    assert set(hpg.CLINICAL) <= set(frame.variable)
    assert frame.loc[frame.variable == "sperm", "unit"].iloc[0] == "million/mL"
    assert r.at(10.5)["lh"] == pytest.approx((r["lh"][10] + r["lh"][11]) / 2)
    with pytest.raises(ValueError, match="unknown variable 'ldl'"):
        r["ldl"]


def test_low_testosterone_patients_have_the_gonadotropins_of_their_kind():
    fsh_range, lh_range = hpg.reference_range("fsh"), hpg.reference_range("lh")

    def baseline(**fields):
        return hpg.simulate(None, days=2, patient=hpg.Patient(baseline_testosterone=250, **fields)).baseline
    secondary, primary, typical = baseline(low_testosterone_origin="central"), baseline(
        low_testosterone_origin="testicular"), baseline()
    assert secondary["lh"] < 4.5 and secondary["fsh"] < typical["fsh"]
    assert primary["lh"] > lh_range.high and primary["fsh"] > fsh_range.high
    # the typical older man with low T (Leder 2004, Ramasamy 2014) has LH in the normal range
    assert lh_range.low <= typical["lh"] <= lh_range.high
    older = hpg.simulate(None, days=2, patient=hpg.Patient(age=68, baseline_testosterone=250)).baseline
    assert lh_range.low <= older["lh"] <= lh_range.high
    described = hpg.Patient(age=68, baseline_testosterone=343, baseline_lh=5.1)
    assert hpg.simulate(None, days=2, patient=described).baseline["lh"] == pytest.approx(5.1)


def test_after_years_of_trt_the_axis_passes_through_a_low_phase():
    stop = 3 * 365
    r = hpg.simulate(hpg.Regimen([trt(amount=150, drug="testosterone_cypionate", stop=stop)]), days=stop + 540)
    after = r.t >= stop
    assert r["testosterone"][after].min() < 0.85 * r.baseline["testosterone"]
    assert r["central_suppression"][stop + 30] > 0.2      # GnRH drive still held back a month later
    assert r["central_suppression"][stop + 540] < 0.3 * r["central_suppression"][stop + 30]     # and fades
    # no rebound: a month after the last injection LH is not above its untreated level
    assert r.relative("lh")[stop + 37] < 1.1


def test_hcg_alongside_trt_preserves_a_fertile_count():
    regimen = hpg.Regimen([trt(stop=365), hpg.Dose("hcg", 500, every_days=2, stop_day=365)])
    r = hpg.simulate(regimen, days=365)
    assert r["sperm"][360] > hpg.reference_range("sperm").low     # Hsieh 2013: no man became azoospermic


@pytest.mark.parametrize("amount", [200, 500])
def test_trt_at_and_above_200_mg_weekly_ends_in_azoospermia_or_severe_oligozoospermia(amount):
    r = hpg.simulate(hpg.Regimen([trt(amount=amount, stop=365)]), days=365)
    assert r["sperm"][364] < 5


def _ratio(regimen, variable, day, patient=None, days=None):
    r = hpg.simulate(hpg.Regimen(regimen), days=days or day + 1, patient=patient or hpg.Patient())
    return r.relative(variable)[day]


@pytest.mark.parametrize("drug, low, high", [("clomiphene", 12.5, 50), ("tamoxifen", 10, 40)])
def test_serm_effects_are_graded_with_dose_not_saturated(drug, low, high):
    small = _ratio([hpg.Dose(drug, low, every_days=1)], "lh", 56)
    large = _ratio([hpg.Dose(drug, high, every_days=1)], "lh", 56)
    assert large > 1.1 * small > 1.1


def test_anastrozole_dose_response():
    daily = _ratio([hpg.Dose("anastrozole", 1, every_days=1)], "estradiol", 28)
    half = _ratio([hpg.Dose("anastrozole", 0.5, every_days=1)], "estradiol", 28)
    twice_weekly = _ratio([hpg.Dose("anastrozole", 1, every_days=3.5)], "estradiol", 28)
    assert daily < 0.7 and half < 0.75                        # Mauras 2000: 0.5 mg gives a similar fall
    assert daily <= half + 1e-9 and twice_weekly < 0.8          # 1 mg twice a week moves it too


def test_hcg_has_a_physiological_ceiling():
    usual = hpg.simulate(hpg.Regimen([hpg.Dose("hcg", 2000, every_days=7 / 3)]), days=180)
    late = usual["testosterone"][120:180]
    assert late.max() < 1500                                   # high, but not 2000 ng/dL
    assert late.mean() < 1.15 * usual["testosterone"][30:60].mean()     # and not still rising
    assert np.ptp(late) < 0.5 * late.mean()                    # no wild swings between injections
    trt_alone = [hpg.Dose("testosterone_enanthate", 200, every_days=7)]
    with_hcg = trt_alone + [hpg.Dose("hcg", 500, every_days=2)]
    # hCG on TRT restores the testes' own output, which adds to the injected testosterone: serum T
    # rises, but does not double
    assert _ratio(with_hcg, "testosterone", 84) < 2 * _ratio(trt_alone, "testosterone", 84)


def test_a_man_without_gnrh_drive_makes_no_sperm_until_months_of_treatment():
    man = hpg.Patient(age=30, low_testosterone_origin="no_gnrh")
    r = hpg.simulate(hpg.Regimen([hpg.Dose("hcg", 2000, every_days=7 / 3)]), days=540, patient=man)
    assert r.baseline["sperm"] < 0.1 and r.baseline["lh"] < 1.7 and r.baseline["testosterone"] < 150
    assert r["sperm"][90] < 1                                  # not within three months
    assert r["fsh"][180] < 1.5                                 # hCG gives no FSH
    assert r["sperm"][365] < 10                                # low counts in the first year
    assert r["sperm"][539] > r["sperm"][365]                   # still climbing


def test_fsh_reports_a_failing_germinal_epithelium():
    normal = hpg.simulate(None, days=2).baseline
    failing = hpg.simulate(None, days=2, patient=hpg.Patient(baseline_sperm=0.2)).baseline
    assert failing["testosterone"] == pytest.approx(normal["testosterone"])
    assert failing["fsh"] > 1.5 * normal["fsh"]                # Schoor 2002
    assert failing["inhibin_b"] < 0.6 * normal["inhibin_b"]
    assert failing["fsh"] / failing["lh"] > 1.4 * normal["fsh"] / normal["lh"]


def test_continuous_gnrh_flares_then_castrates():
    r = hpg.simulate(hpg.Regimen([hpg.Dose("gonadorelin", 5, every_days=1 / 288)]), days=42,
                     patient=hpg.Patient(age=65))
    assert r["testosterone"][1:5].max() > 1.1 * r.baseline["testosterone"]     # flare in the first days
    assert r["testosterone"][35] < 50                                           # castrate within five weeks


def test_cypionate_and_enanthate_give_nearly_the_same_curve():
    curves = [hpg.simulate(hpg.Regimen([hpg.Dose(drug, 200, every_days=7)]), days=56)["testosterone"]
              for drug in ("testosterone_cypionate", "testosterone_enanthate")]
    assert np.max(np.abs(curves[0] - curves[1])) < 0.2 * np.max(curves[1])


def test_heavier_and_longer_androgen_use_delays_recovery_of_lh():
    def days_until_lh_back(amount, years):
        stop = int(365 * years)
        r = hpg.simulate(hpg.Regimen([trt(amount=amount, stop=stop)]), days=stop + 900)
        after = r.t >= stop
        return first_day(r.t[after], r.relative("lh")[after] >= 0.75, f"LH back after {years} years of {amount} mg") - stop
    # 500 mg/week: the heaviest weekly enanthate the workbook accepts (data/drugs.csv)
    assert days_until_lh_back(200, 0.5) < days_until_lh_back(200, 5) < days_until_lh_back(500, 5)


def test_a_man_with_failing_testes_keeps_a_higher_lh_on_trt_than_with_normal_testes():
    # failing testes keep the GnRH drive the same man would have with normal testes (law L8)
    trt_100 = hpg.Regimen([trt(100, "testosterone_cypionate", stop=None)])
    man = dict(age=60, aromatase_activity=2.0, feedback_sensitivity=1.3)
    failing = hpg.simulate(trt_100, 180, hpg.Patient(baseline_testosterone=200, low_testosterone_origin="testicular", **man))
    normal = hpg.simulate(trt_100, 180, hpg.Patient(**man))
    assert np.all(failing["lh"][30:] > normal["lh"][30:])


def test_fewer_germ_cells_give_fewer_sperm_on_induction_and_a_count_overrides_the_trait():
    induction = hpg.Regimen([hpg.Dose("hcg", 1500, every_days=3.5), hpg.Dose("fsh", 150, every_days=7 / 3)])
    counts = [hpg.simulate(induction, 548, hpg.Patient(low_testosterone_origin="no_gnrh", germ_cell_reserve=g))["sperm"][-1]
              for g in (0.2, 1.0, 3.0)]
    assert counts[0] < counts[1] < counts[2]
    # a measured count says how many germ cells a man has: the trait then changes nothing
    given = [hpg.simulate(None, 1, hpg.Patient(baseline_sperm=30, germ_cell_reserve=g))["sperm"][0] for g in (0.2, 3.0)]
    np.testing.assert_allclose(given, 30, rtol=1e-6)


def test_a_pituitary_without_gnrh_is_primed_by_pulses_over_days():
    """A man who never had GnRH drive has an unprimed pituitary: the pump's first pulses release
    little LH, and the response builds over the first week; a normal man's pituitary is primed."""
    pump = hpg.Regimen([hpg.Dose("gonadorelin", 10, every_days=90 / 1440)])
    unprimed = hpg.simulate(pump, days=14, patient=hpg.Patient(low_testosterone_origin="no_gnrh"))
    assert unprimed.at(0)["gnrh_receptor"] < 0.5
    assert unprimed.at(0)["lh"] < 0.8 * unprimed.at(7)["lh"]      # its first pulses against a week on
    assert unprimed.at(14)["gnrh_receptor"] > 0.8
    assert hpg.simulate(hpg.Regimen([]), days=1).at(0)["gnrh_receptor"] == pytest.approx(1.0)


def test_hourly_pump_pulses_release_less_each_than_two_hourly_pulses():
    man = hpg.Patient(low_testosterone_origin="no_gnrh")
    lh = {minutes: hpg.simulate(hpg.Regimen([hpg.Dose("gonadorelin", 10, every_days=minutes / 1440)]), 30, man)["lh"][-1]
          for minutes in (60, 120)}
    assert lh[120] < lh[60] < 2 * lh[120]


@pytest.mark.parametrize("count", [0.1, 0.2, 0.5, 5.0])
def test_a_given_low_count_is_matched_even_below_what_a_low_t_man_makes(count):
    # a low-T man who needs much intratesticular T makes few sperm; every count given is still his count
    man = dict(age=59, baseline_testosterone=185, feedback_sensitivity=1.95, itt_requirement=1.73)
    assert hpg.simulate(None, 1, hpg.Patient(baseline_sperm=count, **man))["sperm"][0] == pytest.approx(count, rel=1e-6)


def test_shbg_binding_flattens_serum_testosterone_at_supraphysiological_doses():
    """SHBG's binding sites fill as testosterone rises (Dunn 1981; Vermeulen 1999): doubling a
    heavy enanthate dose less than doubles serum total testosterone, while at low doses total
    testosterone follows the dose more closely; the reading and its inverse agree."""
    castrate = hpg.Dose("gonadorelin", 5, every_days=5 / 1440)

    def nadir(mg):
        run = hpg.simulate(hpg.Regimen([castrate, hpg.Dose("testosterone_enanthate", mg, every_days=7)]), days=140)
        return run["testosterone"][-8:].min()

    low, high = nadir(50) / nadir(25), nadir(600) / nadir(300)
    assert high < 1.9 and high < low
    from hpgwidgets import model
    from hpgwidgets.parameters import as_parameter_set

    constants = model.binding_constants(as_parameter_set(None))
    levels = np.array([0.01, 0.3, 1.0, 4.0, 12.0])
    totals = model.total_testosterone(levels, constants)
    assert totals[2] == pytest.approx(1.0)                   # the reference man reads his own level
    assert np.all(np.diff(totals / levels) < 0)              # less total per unit the higher it goes
    np.testing.assert_allclose(model.unbound_for_total(totals, constants), levels, rtol=1e-12)


def test_castrate_level_falls_with_age():
    """What castration leaves is adrenal: about 31 ng/dL in men of 30 (Herbst 2004, GnRH antagonist)
    and 15 in men of 70 (Oefelein 2000, orchiectomy), because adrenal precursors fall with age."""
    castrate = hpg.Regimen([hpg.Dose("gonadorelin", 5, every_days=5 / 1440)])
    young, old = (hpg.simulate(castrate, days=120, patient=hpg.Patient(age=age))["testosterone"][-1] for age in (25, 75))
    assert 25 < young < 40
    assert 12 < old < 20                      # Oefelein's 95% CI of the median: 12-17 ng/dL
    assert young > old


def test_a_baseline_below_what_the_adrenals_give_is_a_clear_error():
    with pytest.raises(ValueError, match="31 ng/dL at age 18"):
        hpg.simulate(hpg.Regimen([]), days=10, patient=hpg.Patient(age=18, baseline_testosterone=30))
