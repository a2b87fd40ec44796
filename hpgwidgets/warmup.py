"""Compile the model kernel once, at install time, so no student waits for it.

    python -m hpgwidgets.warmup

numba compiles the kernel at its first call (5-9 s of CPU per kernel, 24-34 s on a busy
server) and caches the machine code on disk (``cache=True`` in model.py). ``make lab`` and
Binder's ``postBuild`` run this module after installing the package: it runs one simulation
and one small cohort, the two call paths the notebooks take, so the cache holds every
kernel before a student's first cell. Where numba is not installed (JupyterLite) there is
nothing to compile and it says so.

The cache sits next to ``model.py`` (``hpgwidgets/__pycache__``) when that folder is
writable, as in a user's own install, a virtual environment or Binder; numba checks each
entry against a hash of model.py's text, so a new version of the model is compiled afresh at
the next warm-up (and a reinstall of the same version keeps its cache). When the install is read-only for the user (a system-wide
JupyterHub image), numba writes to ``~/.cache/numba`` or ``NUMBA_CACHE_DIR`` instead: run
the warm-up as each user, or set ``NUMBA_CACHE_DIR`` to a folder the users can write and
warm it once (docs/performance.md).
"""
from __future__ import annotations

import sys
import time

from . import filters, model, pharmacology
from .cohort import simulate_cohort
from .regimen import Dose, Regimen
from .simulation import simulate

# Each call path the notebooks take: one man (the serial kernel), and a cohort (the parallel
# kernel) whose men share one drug exposure (testosterone alone) or each have their own (a SERM,
# whose effect depends on each man's sensitivity): numba compiles the two array layouts apart.
_TRT = Regimen([Dose("testosterone_enanthate", amount=200, every_days=7, stop_day=28)])
_TRT_THEN_SERM = Regimen([*_TRT.doses, Dose("clomiphene", amount=25, every_days=1, start_day=28)])


def compiled_kernels() -> list:
    """The numba dispatchers (empty where the kernel runs as plain Python): the model's kernels,
    any other function model.py compiles and keeps at module level, the filters' loop and the
    drug depots' pass."""
    *kernels, compiled = model.kernels()
    if not compiled:
        return []
    from numba.core.dispatcher import Dispatcher

    others = [value for value in vars(model).values() if isinstance(value, Dispatcher) and value not in kernels]
    return [*kernels, *others, filters._kernel()[0], pharmacology._depot_kernel()]


def cache_misses() -> int:
    """How many times a kernel has been compiled in this process instead of loaded from the cache."""
    return sum(sum(kernel.stats.cache_misses.values()) for kernel in compiled_kernels())


def warm_up() -> dict:
    """Run each call path once; returns {"compiled": kernels compiled now, "loaded": loaded from the cache,
    "seconds": CPU seconds spent}."""
    started = time.process_time()
    simulate(_TRT_THEN_SERM, days=56)
    for regimen in (_TRT, _TRT_THEN_SERM):
        simulate_cohort(regimen, n=2, days=56, seed=0, progress=False)
    kernels = compiled_kernels()
    return {
        "compiled": cache_misses(),
        "loaded": sum(sum(kernel.stats.cache_hits.values()) for kernel in kernels),
        "seconds": time.process_time() - started,
    }


def main() -> int:
    if not compiled_kernels():
        print("hpgwidgets warm-up: numba is not installed; the model runs as plain Python, nothing to compile")
        return 0
    done = warm_up()
    print(f"hpgwidgets warm-up: {done['compiled']} kernel(s) compiled and cached, {done['loaded']} already cached "
          f"({done['seconds']:.1f} s CPU)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
