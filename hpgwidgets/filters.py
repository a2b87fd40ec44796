"""First-order linear filters along time: drug depots, lags and the spermatogenic delay chain.

Each filter is the recursion y[n] = decay * y[n-1] + b0 * u[n] + b1 * u[n-1], run along axis 0
(time) of a series with one column per man. A loop this small is what scipy.signal's lfilter and
sosfilt did for us; written here, it spares a kernel scipy.signal's import (0.8 s of CPU and
69 MiB, for these calls alone). Where numba is installed the loop is compiled (and cached on
disk, like the model). Under Pyodide (JupyterLite), where it is not, a loop in Python would cost
more than the model itself, so the same sums are taken with whole-array numpy operations.
"""
from __future__ import annotations

from functools import cache

import numpy as np


def _cascade(series, b0, b1, decay, stages, start, out, state, previous):
    """``series`` (rows of columns) through ``stages`` identical filters in a row, into ``out``
    (which may be ``series`` itself). Before the first row each filter's input and output are
    ``start`` (one value per column): its steady state for a steady input when b0 + b1 = 1 - decay,
    or rest when ``start`` is 0. ``state`` and ``previous`` are work rows of one value per column.
    Compiled by numba: elements indexed one by one (no array expressions or row views, which
    would allocate at every step), a single column (a drug's depot) in scalars."""
    rows, columns = series.shape
    for n in range(rows):
        for k in range(columns):
            out[n, k] = series[n, k]
    if columns == 1:
        for _ in range(stages):
            level = start[0]
            last = start[0]
            for n in range(rows):
                value = out[n, 0]
                level = decay * level + b0 * value + b1 * last
                last = value
                out[n, 0] = level
        return out
    for _ in range(stages):
        for k in range(columns):
            state[k] = start[k]
            previous[k] = start[k]
        for n in range(rows):
            for k in range(columns):
                value = out[n, k]
                state[k] = decay * state[k] + b0 * value + b1 * previous[k]
                previous[k] = value
                out[n, k] = state[k]
    return out


def _cascade_numpy(series, b0, b1, decay, stages, start):
    """What ``_cascade`` computes, with whole-array numpy operations for Python without numba.
    Each stage sums its inputs v[n] = b0 u[n] + b1 u[n-1] with weights decay^j by doubling: after
    the pass that adds the rows ``shift`` back with weight decay^shift, each row holds the weighted
    sum of its last 2 * shift inputs, so log2(rows) passes cover the series."""
    out = series
    for _ in range(stages):
        previous = np.concatenate([start[None], out[:-1]])
        out = b0 * out + b1 * previous
        out[0] += decay * start
        shift, weight = 1, decay
        while shift < len(out) and weight > 0.0:     # decay^shift underflows long before a long series ends
            out[shift:] += weight * out[:-shift]
            shift, weight = 2 * shift, weight * weight
    return out


@cache
def compiled(function):
    """``function`` compiled by numba (cached on disk), at its first use so that importing the drug
    catalogue does not load numba; None where numba is not installed (Pyodide)."""
    try:
        import numba
    except ImportError:
        return None
    return numba.njit(cache=True, nogil=True)(function)


def _kernel():
    """(the cascade, compiled): numba's compiled loop where numba is installed, else the numpy version."""
    loop = compiled(_cascade)
    return (_cascade_numpy, False) if loop is None else (loop, True)


def first_order(series, decay: float, b0: float = 1.0, b1: float = 0.0, stages: int = 1, start=0.0) -> np.ndarray:
    """``series`` (shape (rows,) or (rows, columns)) through ``stages`` filters
    y[n] = decay * y[n-1] + b0 * u[n] + b1 * u[n-1] in a row, each starting from input and output
    equal to ``start`` (a number or one per column) before the first row. Returns an array of
    the series' shape."""
    series = np.asarray(series, dtype=float)
    columns = series.reshape(len(series), -1)
    start = np.array(np.broadcast_to(np.asarray(start, dtype=float), columns.shape[1:]))
    cascade, compiled = _kernel()
    if compiled:    # writable C arrays only, so numba compiles one version (read-only is another type)
        out = cascade(np.require(columns, requirements=["C", "W"]), float(b0), float(b1), float(decay), int(stages),
                      start, np.empty(columns.shape), np.empty(columns.shape[1:]), np.empty(columns.shape[1:]))
    else:
        out = cascade(columns, b0, b1, decay, stages, start)
    return out.reshape(series.shape)
