"""The first-order filters behind drug depots, lags and the spermatogenic delay give the exact
recursion (the closed form on a step and an impulse, scipy.signal on a chain of stages), both as
numba compiles it and as JupyterLite, without numba, computes it with numpy."""
import math

import numpy as np
import pytest
from scipy.signal import lfilter

from hpgwidgets import filters
from hpgwidgets.simulation import _first_order_hold

DECAY = math.exp(-0.3)
STEPS = 400


@pytest.fixture(params=["compiled", "numpy"])
def kernel(request, monkeypatch):
    """Run each test with the numba-compiled loop and with numpy's version (Pyodide)."""
    if request.param == "numpy":
        monkeypatch.setattr(filters, "_kernel", lambda: (filters._cascade_numpy, False))
    return request.param


def test_a_dose_decays_as_a_power_of_the_step(kernel):
    impulse = np.zeros(STEPS)
    impulse[5] = 2.0
    expected = np.where(np.arange(STEPS) >= 5, 2.0 * DECAY ** (np.arange(STEPS) - 5.0), 0.0)
    np.testing.assert_allclose(filters.first_order(impulse, DECAY), expected, rtol=1e-10, atol=1e-300)


def test_a_steady_input_fills_to_its_closed_form(kernel):
    step = np.ones(STEPS)
    n = np.arange(STEPS)
    np.testing.assert_allclose(filters.first_order(step, DECAY), (1 - DECAY ** (n + 1)) / (1 - DECAY), rtol=1e-10)


def test_a_lag_follows_a_step_of_its_input_as_the_exact_exponential(kernel):
    rate, dt = 1 / 30, 0.5
    b0, b1, decay = _first_order_hold(rate, dt)
    support = np.where(np.arange(STEPS) < 10, 1.0, 0.25)      # steady at 1, then a step down at point 10
    lagged = filters.first_order(support, decay, b0, b1, start=support[0])
    np.testing.assert_array_equal(lagged[:10], 1.0)
    # between points 9 and 10 the input falls linearly (the hold's assumption), then stays; solving
    # dx/dt = rate (u - x) over that step by hand: x = 1 - 0.75 (1 - (1 - exp(-rate dt)) / (rate dt))
    at_ten = 1 - 0.75 * (1 - (1 - math.exp(-rate * dt)) / (rate * dt))
    later = np.arange(10, STEPS)
    np.testing.assert_allclose(lagged[10:], 0.25 + (at_ten - 0.25) * np.exp(-rate * dt * (later - 10)), rtol=1e-10)


def test_a_chain_of_stages_matches_scipy_columns_apart(kernel):
    b0, b1, decay = _first_order_hold(20 / 72, 1.0)
    production = np.random.default_rng(0).uniform(0.2, 1.5, size=(STEPS, 3))
    production[:, 2] = np.where(np.arange(STEPS) < 50, 1.0, 0.0)      # a step down, as when support is lost
    expected = production.copy()
    for _ in range(20):
        expected = lfilter([b0, b1], [1, -decay], expected, axis=0, zi=(1 - b0) * expected[:1])[0]
    chained = filters.first_order(production, decay, b0, b1, stages=20, start=production[0])
    np.testing.assert_allclose(chained, expected, rtol=1e-10, atol=1e-12)
    assert chained.shape == production.shape


def test_a_depot_series_matches_scipy(kernel):
    doses = np.zeros(STEPS)
    doses[::28] = 100.0
    np.testing.assert_allclose(filters.first_order(doses, DECAY), lfilter([1.0], [1.0, -DECAY], doses), rtol=1e-10)
