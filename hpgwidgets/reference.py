"""A tight reference solution of the same model, to measure the integrator's error.

``reference_solve(regimen, days, patient)`` integrates the continuous-time
right-hand side (:func:`hpgwidgets.model.rhs`) with scipy's LSODA at rtol 1e-9,
restarted at every step boundary of a fine exposure grid (a quarter hour), so the
kinks of the drug exposures after each dose never straddle a solver step. It is
slow (seconds) and exists for tests and benchmarks only.
"""
from __future__ import annotations

import numpy as np
from scipy.integrate import solve_ivp

from . import model
from .parameters import parameter_values
from .simulation import clinical_series, exposures, time_grid

FINE_STEP_DAYS = 1 / 96


def reference_solve(regimen, days: float, patient, sample_every: float = 1.0, rtol: float = 1e-9) -> dict:
    """Clinical series (as in a Result) sampled every ``sample_every`` days, from LSODA."""
    values = parameter_values()
    constants, steady = model.patient_constants(patient.traits(), values)
    c = constants[0].tolist()
    t = time_grid(days, FINE_STEP_DAYS)
    inputs, midpoints, hcg = exposures(regimen, t, steady["serm_sensitivity"], values)
    at_points, between = inputs[0], midpoints[0]
    y = model.initial_state(steady)[0]
    stride = int(round(sample_every / FINE_STEP_DAYS))
    hormone_rows, state_rows = [], []
    for i in range(len(t)):
        if i % stride == 0:
            hormone_rows.append(model.hormones(list(y), at_points[i].tolist(), c))
            state_rows.append(y.copy())
        if i == len(t) - 1:
            break
        start, middle, end = at_points[i], between[i], at_points[i + 1]
        # exposures vary smoothly within a quarter hour: quadratic through start, middle and end
        # (gonadorelin's pulse pattern is constant over the interval)

        def u_at(time, t0=t[i], start=start, middle=middle, end=end):
            s = (time - t0) / FINE_STEP_DAYS
            u = start * (1 - s) * (1 - 2 * s) + middle * 4 * s * (1 - s) + end * s * (2 * s - 1)
            u[4:] = start[4:]
            return u.tolist()

        solution = solve_ivp(lambda time, state: model.rhs(list(state), u_at(time), c), (t[i], t[i + 1]), y,
                             method="LSODA", rtol=rtol, atol=1e-12)
        y = solution.y[:, -1]
    h = {name: np.array([[row[j]] for row in hormone_rows]) for j, name in enumerate(model.HORMONES)}
    states = {name: np.array([[row[j]] for row in state_rows]) for j, name in enumerate(model.STATES)}
    series = clinical_series(h, states, at_points[::stride, 0], hcg[::stride], steady, values, sample_every)
    return {name: np.asarray(value)[:, 0] for name, value in series.items()}
