"""Virtual cohorts: real spread, reproducible, physical, and the same as single runs."""
import math

import numpy as np
import pytest

import hpgwidgets as hpg
from hpgwidgets import cohort as cohort_module
from hpgwidgets.cohort import draw_patients, population_table, simulate_cohort
from hpgwidgets.labs import lab_report
from hpgwidgets.references import bibliography

TRT = hpg.Regimen([hpg.Dose("testosterone_enanthate", 200, every_days=7, stop_day=120)])


@pytest.fixture(scope="module")
def cohort():
    return simulate_cohort(TRT, n=60, days=300, seed=3)


def test_population_rows_are_documented():
    table = population_table()
    keys = set(bibliography())
    for name, row in table.iterrows():
        assert row["unit"], name
        assert row["source"] in keys, f"{name}: source {row['source']!r} is not in references.bib"
        assert row["provenance"] in ("primary", "abstract", "secondary", "weak", "assumption"), name
        assert (row["source"] == "assumption") == (row["provenance"] == "assumption"), name
    assert {"age", "baseline_sperm", "baseline_testosterone", "feedback_sensitivity", "recovery_speed",
            "hcg_sensitivity", "serm_sensitivity"} <= set(table.index)


def test_drawn_traits_follow_the_documented_distributions():
    patients = draw_patients(4000, seed=1)
    table = population_table()
    for name, row in table.iterrows():
        values = patients[name]
        assert values.min() >= row["low"] and values.max() <= row["high"], name
    # baseline sperm: the WHO 2021 fertile-men lower limit is the truncation point; median near 64
    assert patients["baseline_sperm"].min() >= 16
    expected_median = cohort_module._traits()[[t.parameter for t in cohort_module._traits()].index("baseline_sperm")].quantile(0.5)
    assert patients["baseline_sperm"].median() == pytest.approx(expected_median, rel=0.06)
    # baseline testosterone: median of healthy young men (Travison 2017) within 5%
    assert patients["baseline_testosterone"].median() == pytest.approx(531, rel=0.05)


def test_variability_is_real(cohort):
    sperm = cohort["sperm"]
    assert sperm.shape == (60, len(cohort.t))
    assert len(np.unique(np.round(sperm[:, 0], 6))) == 60           # not n copies
    day = int(np.searchsorted(cohort.t, 240))
    spread = np.std(np.log(sperm[:, day])) if np.all(sperm[:, day] > 0) else np.std(sperm[:, day])
    assert spread > 0.2
    assert np.ptp(cohort["testosterone"][:, 0]) > 100                # ng/dL between men at baseline
    assert cohort.patients["age"].nunique() == 60


def test_same_seed_same_cohort_other_seed_other_cohort(cohort):
    again = simulate_cohort(TRT, n=60, days=300, seed=3)
    other = simulate_cohort(TRT, n=60, days=300, seed=4)
    np.testing.assert_array_equal(again["sperm"], cohort["sperm"])
    assert again.patients.equals(cohort.patients)
    assert not np.allclose(other["sperm"], cohort["sperm"])


def test_every_patient_finite_and_non_negative(cohort):
    for name in cohort.variables:
        values = cohort[name]
        assert np.all(np.isfinite(values)), name
        assert np.all(values >= 0), name


def test_cohort_matches_single_runs_of_the_same_patients(cohort):
    for index in (0, 17, 59):
        single = hpg.simulate(TRT, days=300, patient=cohort.patient(index))
        for name in hpg.CLINICAL:
            np.testing.assert_allclose(cohort[name][index], single[name], rtol=1e-9, atol=1e-12, err_msg=name)
        assert cohort.baseline["sperm"][index] == pytest.approx(single.baseline["sperm"])


def test_chunked_run_equals_single_chunk(monkeypatch, cohort):
    monkeypatch.setattr(cohort_module, "CHUNK_PATIENT_STEPS", 7 * 601)   # 7 patients per chunk
    chunked = simulate_cohort(TRT, n=60, days=300, seed=3)
    np.testing.assert_allclose(chunked["sperm"], cohort["sperm"], rtol=1e-12)


def test_fixing_a_trait_leaves_the_others(cohort):
    older = simulate_cohort(TRT, n=60, days=300, seed=3, fixed={"age": 60})
    assert np.all(older.patients["age"] == 60)
    others = [name for name in cohort.patients.columns if name != "age"]
    assert older.patients[others].equals(cohort.patients[others])


def test_cohort_api(cohort):
    assert cohort.t[0] == 0 and cohort.t[-1] == 300
    assert cohort.units["sperm"] == "million/mL"
    assert cohort.variables[:6] == hpg.CLINICAL
    assert len(cohort) == cohort.n == 60
    centiles = cohort.quantiles("lh")
    assert list(centiles.columns) == ["day", "q05", "q25", "q50", "q75", "q95"]
    assert np.all(centiles["q05"] <= centiles["q95"])
    lh_day_60 = cohort.share("lh", below=hpg.reference_range("lh").low)[60]
    assert lh_day_60 > 0.9                                    # LH suppressed below range on TRT
    relative = cohort.relative("sperm")
    np.testing.assert_allclose(relative[:, 0], 1.0, rtol=1e-6)
    with pytest.raises(ValueError, match="unknown variable"):
        cohort["prolactin"]


def test_a_cohort_patient_gets_a_lab_report(cohort):
    report = lab_report(cohort.result(5), 100)
    volume = cohort.patients["semen_volume"].iloc[5]
    assert report.semen_volume == pytest.approx(volume)
    assert report["lh"].flag == "L"


@pytest.mark.parametrize("kwargs,message", [
    ({"n": 0}, "n must be"), ({"n": 2.5}, "n must be"), ({"seed": -1}, "seed"), ({"seed": 1.5}, "seed"),
    ({"fixed": {"height": 180}}, "unknown trait"), ({"fixed": {"age": 150}}, "outside"),
    ({"fixed": {"age": math.nan}}, "finite"), ({"days": -5}, "days"),
])
def test_bad_input_is_rejected(kwargs, message):
    arguments = {"regimen": TRT, "n": 5, "days": 30, "seed": 0} | kwargs
    with pytest.raises(ValueError, match=message):
        simulate_cohort(**arguments)


def test_no_progress_bar_outside_a_notebook(monkeypatch):
    monkeypatch.setattr(cohort_module, "CHUNK_PATIENT_STEPS", 3 * 61)
    bars = []
    original = cohort_module._ProgressBar.__init__

    def spy(self, total, show):
        original(self, total, show)
        bars.append((show, self.bar))

    monkeypatch.setattr(cohort_module._ProgressBar, "__init__", spy)
    simulate_cohort(TRT, n=9, days=30, seed=0)
    assert bars == [(True, None)]    # asked for (several chunks) but no kernel here: nothing displayed


def test_a_cohort_given_both_sample_intervals_refuses_them_as_simulate_does():
    """sample_every and its old name every_days are two answers to one question: neither wins silently."""
    with pytest.raises(ValueError, match="not both"):
        hpg.simulate_cohort(n=2, days=10, sample_every=1, every_days=2, progress=False)


def test_men_without_gnrh_drive_differ_as_muir_found_and_some_never_make_sperm():
    """The spread of germ-cell reserve was chosen from Muir's distribution of counts after 18
    months of hCG and FSH (data/population_evidence.csv): each share within its band, and the
    men whose testes hold almost no germ cells make no sperm at all, as about a fifth of induction
    cycles bring none (Gialouris 2025: 82% reached any sperm)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
    import check_unseen

    path = Path(__file__).resolve().parents[1] / "data" / "population_evidence.csv"
    runs = check_unseen.Runs()
    for row in check_unseen.read_observations(path).itertuples(index=False):
        assert row.low <= check_unseen.measure(row, runs) <= row.high, row.id
    induction = hpg.Regimen([hpg.Dose("hcg", 1500, every_days=3.5), hpg.Dose("fsh", 150, every_days=7 / 3)])
    men = draw_patients(200, seed=5).assign(low_testosterone_origin="no_gnrh", baseline_testosterone=np.nan,
                                            baseline_sperm=np.nan)
    cohort = simulate_cohort(induction, days=548, patients=men, progress=False)
    never = cohort["sperm"].max(axis=1) < 0.1
    assert 0.1 <= never.mean() <= 0.3
    assert cohort.patients["germ_cell_reserve"][never].max() < cohort.patients["germ_cell_reserve"].median()


def test_a_group_at_the_lower_bound_is_drawn_in_its_share_and_a_share_outside_0_1_is_refused():
    """data/population.csv's share_at_low puts that share of men at the trait's lower bound (men
    without GnRH drive whose testes hold almost no germ cells); the rest keep the spread."""
    from hpgwidgets.cohort import _check_trait, population_table

    reserve = population_table().loc["germ_cell_reserve"]
    drawn = draw_patients(4000, seed=3)["germ_cell_reserve"]
    assert abs((drawn == reserve["low"]).mean() - reserve["share_at_low"]) < 0.02
    assert (drawn[drawn > reserve["low"]] > reserve["low"]).all() and drawn.max() <= reserve["high"]
    row = {"parameter": "germ_cell_reserve", "distribution": "lognormal", "median": "1", "spread": "2",
           "low": "0.001", "high": "10", "unit": "x", "source": "assumption", "provenance": "assumption",
           "note": "", "share_at_low": "1.2"}
    with pytest.raises(ValueError, match="share_at_low"):
        _check_trait(row)
