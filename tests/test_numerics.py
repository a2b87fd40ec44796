"""The integrator against a tight reference solver (LSODA, rtol 1e-9, restarted every
quarter hour of the exposure grid): every clinical series within 1% of its peak at
every sample, including the first hours and days of treatment."""
import numpy as np
import pytest

import hpgwidgets as hpg
from hpgwidgets.reference import reference_solve

SAMPLE = 0.25      # days: every sample a chart could show, six-hourly


@pytest.fixture(scope="module")
def busy_regimen():
    return hpg.Regimen([
        hpg.Dose("testosterone_enanthate", 200, every_days=7, stop_day=35),
        hpg.Dose("hcg", 500, every_days=2, start_day=14, stop_day=49),
        hpg.Dose("clomiphene", 25, every_days=1, start_day=35, stop_day=60),
        hpg.Dose("anastrozole", 1, every_days=3.5, start_day=40, stop_day=60),
    ])


@pytest.mark.parametrize("patient", [hpg.Patient(), hpg.Patient(age=60, baseline_testosterone=280)],
                         ids=["default man", "older low-T man"])
def test_default_step_is_within_one_percent_of_a_reference_solution(busy_regimen, patient):
    reference = reference_solve(busy_regimen, 60, patient, sample_every=SAMPLE)
    result = hpg.simulate(busy_regimen, days=60, patient=patient, sample_every=SAMPLE)
    for name in hpg.CLINICAL:
        error = np.abs(result[name] - reference[name]) / np.max(np.abs(reference[name]))
        worst = int(np.argmax(error))
        assert error[worst] < 0.01, f"{name}: {error[worst]:.2%} of its peak at day {result.t[worst]:g}"


def test_the_plain_python_kernel_gives_the_same_numbers_as_the_compiled_one(busy_regimen, monkeypatch):
    """JupyterLite runs the kernel uncompiled: it must compute the same model."""
    from hpgwidgets import model

    compiled = hpg.simulate(busy_regimen, days=30)
    monkeypatch.setattr(model, "_KERNELS", (model.integrate, model.integrate_cohort, False))
    plain = hpg.simulate(busy_regimen, days=30)
    for name in hpg.CLINICAL:
        assert np.allclose(plain[name], compiled[name], rtol=1e-9, atol=1e-9), name
