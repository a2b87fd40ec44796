"""The HPG feedback system: one right-hand side, its integrator and its steady state; no I/O.

Quantities inside the model are relative to the reference man of
``data/parameters.csv`` (1 = his untreated level); :mod:`hpgwidgets.simulation`
turns them into clinical units. ``docs/model.md`` gives every equation with its
reason and source.

Hormones (GnRH drive, LH, FSH, testosterone, estradiol, intratesticular T) settle
within hours, so they are algebraic functions of the state and of the drug
exposures (:func:`hormones`). The state (``STATES``) carries what takes a day to years:

- sensed_testosterone, sensed_estradiol: the steroid levels as hypothalamus,
  pituitary and Leydig cells register them (a lag of about a day);
- gnrh_receptor: pituitary GnRH-receptor responsiveness, lost under continuous
  GnRH exposure (agonist castration), regained under pulses;
- androgen_memory: central adaptation to LH being held down by feedback; it builds
  with depth x duration of suppression, holds GnRH drive down after the androgen is
  gone and fades over months (the low-gonadotropin phase after TRT or steroids);
- leydig_capacity: Leydig-cell mass relative to a normal adult testis, following LH;
- leydig_receptor: Leydig LH-receptor availability, down-regulated by strong LH/hCG;
- germinal_capacity: spermatogonia and Sertoli support relative to a normal adult
  testis; regresses under suppression, regrows by proliferation;
- germinal_damage: capacity that years of suppression remove for years;
- inhibin: Sertoli-cell inhibin B, which follows FSH and the germ cells and brakes FSH;
- leydig_output: testosterone secretion, following LH/hCG with a lag of a day or two;
- maturity: pubertal maturation of the testis (Sertoli and Leydig cells); 1 in a man
  who went through puberty, 0 in a man who never had GnRH drive, rising over months
  under gonadotropin stimulation. An immature testis makes little testosterone and
  cannot expand its germ cells.

Each state obeys dx/dt = rate * (target - x) (:func:`targets_and_rates`, the one
definition of the dynamics). :func:`integrate` advances it in exponential midpoint
steps; :func:`settle` finds the untreated steady state with the same functions, while
solving the constants that make it match a man's measured baselines. Constants reach
the kernel as one flat sequence in the order of ``CONSTANTS``, addressed by the index
names below. The kernel is plain Python on floats; where numba is installed it is
compiled, and under Pyodide (JupyterLite) the same code runs uncompiled.
"""
from __future__ import annotations

import math

import numpy as np

from .patient import DEFAULT_AGE as REFERENCE_AGE, ORIGINS
from .units import testosterone_ng_dl_to_nmol_l

try:   # numba compiles the kernel where it is installed; Pyodide (JupyterLite) runs it as plain Python
    import numba
    from numba import prange
    from numba.extending import register_jitable as _jitable
except ImportError:
    numba = None
    prange = range

    def _jitable(function):
        return function

STATES = ("sensed_testosterone", "sensed_estradiol", "gnrh_receptor", "androgen_memory", "leydig_capacity",
          "leydig_receptor", "germinal_capacity", "germinal_damage", "inhibin", "leydig_output", "maturity")
(SENSED_T, SENSED_E, GNRH_RECEPTOR, MEMORY, LEYDIG, LEYDIG_RECEPTOR, GERMINAL, DAMAGE, INHIBIN,
 LEYDIG_OUTPUT, MATURITY) = range(len(STATES))
HORMONES = ("testosterone", "lh", "fsh", "estradiol", "itt", "support", "leydig_drive", "gnrh",
            "central_suppression", "release_support")
(H_T, H_LH, H_FSH, H_E2, H_ITT, H_SUPPORT, H_LEYDIG_DRIVE, H_GNRH, H_CENTRAL, H_RELEASE) = range(len(HORMONES))
INPUTS = ("exogenous_testosterone", "hcg_lh_equivalent", "estrogen_block", "aromatase_inhibition",
          "gonadorelin_pulsatile", "gonadorelin_desensitising", "exogenous_fsh")
(U_TESTOSTERONE, U_HCG, U_ESTROGEN_BLOCK, U_AROMATASE_BLOCK, U_PULSATILE, U_DESENSITISING,
 U_FSH) = range(len(INPUTS))
# Per-patient constants, in the order the kernel reads them (index names right below).
CONSTANTS = (
    "drive", "gain_t", "gain_e", "steepness", "estrogen_steepness", "memory_gain", "memory_exponent", "lh_at_rest",
    "gain_lh", "gain_fsh", "fsh_gnrh_exponent", "inhibin_gain", "inhibin_hill", "flare_gain",
    "receptor_resensitise", "receptor_desensitise", "receptor_half", "receptor_hill", "receptor_priming_rate",
    "receptor_priming_drive",
    "feedback_rate",
    "memory_build_rate", "memory_fade_rate", "memory_fade_depth",
    "adrenal", "leydig_scale", "leydig_half", "leydig_hill", "leydig_trophic_exponent", "leydig_floor",
    "leydig_ceiling", "leydig_atrophy_rate", "leydig_regrowth_rate", "leydig_steroid_brake",
    "immature_leydig_share", "maturation_rate",
    "lh_receptor_downregulation", "lh_receptor_rate", "hcg_sensitivity",
    "aromatase", "testicular_estradiol_share", "itt_local_share", "itt_serum_share",
    "itt_half", "itt_hill", "fsh_half", "fsh_hill", "fsh_independent_share", "support_scale",
    "germinal_exponent", "germinal_floor", "germinal_reserve", "germinal_regression_rate",
    "germinal_growth_rate", "germinal_growth_fsh_share", "damage_build_rate", "damage_fade_rate", "damage_max",
    "inhibin_fsh_exponent", "inhibin_germ_share", "inhibin_rate", "steroidogenic_rate", "support_at_rest",
    "release_need", "release_hill", "shbg_bound_share", "shbg_occupancy",
)
(DRIVE, GAIN_T, GAIN_E, STEEPNESS, ESTROGEN_STEEPNESS, MEMORY_GAIN, MEMORY_EXPONENT, LH_AT_REST,
 GAIN_LH, GAIN_FSH, FSH_GNRH_EXPONENT, INHIBIN_GAIN, INHIBIN_HILL, FLARE_GAIN,
 RECEPTOR_RESENSITISE, RECEPTOR_DESENSITISE, RECEPTOR_HALF, RECEPTOR_HILL, RECEPTOR_PRIMING_RATE,
 RECEPTOR_PRIMING_DRIVE,
 FEEDBACK_RATE,
 MEMORY_BUILD_RATE, MEMORY_FADE_RATE, MEMORY_FADE_DEPTH,
 ADRENAL, LEYDIG_SCALE, LEYDIG_HALF, LEYDIG_HILL, LEYDIG_TROPHIC_EXPONENT, LEYDIG_FLOOR,
 LEYDIG_CEILING, LEYDIG_ATROPHY_RATE, LEYDIG_REGROWTH_RATE, LEYDIG_STEROID_BRAKE,
 IMMATURE_LEYDIG_SHARE, MATURATION_RATE,
 LH_RECEPTOR_DOWNREGULATION, LH_RECEPTOR_RATE, HCG_SENSITIVITY,
 AROMATASE, TESTICULAR_ESTRADIOL_SHARE, ITT_LOCAL_SHARE, ITT_SERUM_SHARE,
 ITT_HALF, ITT_HILL, FSH_HALF, FSH_HILL, FSH_INDEPENDENT_SHARE, SUPPORT_SCALE,
 GERMINAL_EXPONENT, GERMINAL_FLOOR, GERMINAL_RESERVE, GERMINAL_REGRESSION_RATE,
 GERMINAL_GROWTH_RATE, GERMINAL_GROWTH_FSH_SHARE, DAMAGE_BUILD_RATE, DAMAGE_FADE_RATE, DAMAGE_MAX,
 INHIBIN_FSH_EXPONENT, INHIBIN_GERM_SHARE, INHIBIN_RATE, STEROIDOGENIC_RATE, SUPPORT_AT_REST,
 RELEASE_NEED, RELEASE_HILL, SHBG_BOUND_SHARE, SHBG_OCCUPANCY) = range(len(CONSTANTS))
N_STATES, N_HORMONES, N_INPUTS = len(STATES), len(HORMONES), len(INPUTS)


@_jitable
def _power(x, p):
    """x ** p, with the exponents the data use written as multiplications (pow is most of
    the kernel's cost; the branch is nearly free in compiled code)."""
    if p == 1.0:
        return x
    if p == 2.0:
        return x * x
    if p == 3.0:
        return x * x * x
    if p == 4.0:
        squared = x * x
        return squared * squared
    if p == 0.5:
        return math.sqrt(x)
    if p == 1.5:
        return x * math.sqrt(x)
    return x ** p


@_jitable
def _hill(x, half, steepness):
    """x^h / (x^h + half^h) for x >= 0, as 1 / (1 + (half / x)^h): one power, not two."""
    if x <= 0.0:
        return 0.0
    return 1.0 / (1.0 + _power(half / x, steepness))


@_jitable
def unbound_testosterone(y, u, c):
    """Testosterone not bound to SHBG (free and albumin-bound, relative to the reference man): what
    the adrenals, the Leydig cells and a medicine put in over the clearance at the reference level;
    what the brain and aromatase see."""
    return c[ADRENAL] + y[LEYDIG_OUTPUT] + u[U_TESTOSTERONE]


@_jitable
def total_testosterone(unbound, c):
    """Serum total testosterone (relative) for an unbound level: SHBG carries a share of it
    (``shbg_bound_share`` at the reference) on binding sites that are ``shbg_occupancy`` full
    there, so the bound part saturates: low levels read higher, supraphysiological ones lower,
    than clearance alone would give (1 at the reference man)."""
    share, occupancy = c[SHBG_BOUND_SHARE], c[SHBG_OCCUPANCY]
    return (1.0 - share) * unbound + share * unbound / ((1.0 - occupancy) + occupancy * unbound)


@_jitable
def unbound_for_total(total, c):
    """The inverse of :func:`total_testosterone`: the unbound level that reads ``total``."""
    share, occupancy = c[SHBG_BOUND_SHARE], c[SHBG_OCCUPANCY]
    free_share, empty = 1.0 - share, 1.0 - occupancy
    if occupancy == 0.0:
        return total
    # free_share * occupancy * x^2 + (free_share * empty + share - total * occupancy) x - total * empty = 0
    a = free_share * occupancy
    b = free_share * empty + share - total * occupancy
    return (-b + np.sqrt(b * b + 4.0 * a * total * empty)) / (2.0 * a)    # (works on arrays too)


@_jitable
def hormones(y, u, c):
    """Hormones (order of ``HORMONES``, relative units) from state ``y``, exposures ``u``
    and constants ``c`` (sequences in the orders of STATES, INPUTS and CONSTANTS)."""
    # androgen and estrogen receptors brake with their own steepness: steep for testosterone (TRT
    # suppresses LH deeply), shallower for estradiol (it brakes even at the low levels of a low-T man,
    # which is why a SERM lifts his LH)
    felt_e = _power(y[SENSED_E] * (1.0 - u[U_ESTROGEN_BLOCK]), c[ESTROGEN_STEEPNESS])  # SERMs hide estradiol
    androgen = _power(y[SENSED_T], c[STEEPNESS])
    # the adaptation to long suppression (0 in an untreated man) holds GnRH drive down
    memory_brake = 1.0 / (1.0 + c[MEMORY_GAIN] * y[MEMORY])
    hypothalamus = (c[DRIVE] * (1.0 + c[GAIN_T] + c[GAIN_E]) / (1.0 + c[GAIN_T] * androgen + c[GAIN_E] * felt_e)
                    * memory_brake)
    signal = y[GNRH_RECEPTOR] * (hypothalamus + u[U_PULSATILE] + c[FLARE_GAIN] * u[U_DESENSITISING])
    lh = signal * (1.0 + c[GAIN_LH]) / (1.0 + c[GAIN_LH] * felt_e)
    fsh = (_power(signal, c[FSH_GNRH_EXPONENT]) * (1.0 + c[GAIN_FSH]) / (1.0 + c[GAIN_FSH] * felt_e)
           * (1.0 + c[INHIBIN_GAIN]) / (1.0 + c[INHIBIN_GAIN] * _power(y[INHIBIN], c[INHIBIN_HILL]))) + u[U_FSH]
    stimulus = (lh + u[U_HCG] * c[HCG_SENSITIVITY]) * y[LEYDIG_RECEPTOR]
    # serum testosterone above the man's own level slows steroidogenesis in the Leydig cells
    # (the steroidogenic block after hCG): hCG cannot push serum T far above the normal range
    excess = y[SENSED_T] - 1.0
    brake = 1.0 / (1.0 + c[LEYDIG_STEROID_BRAKE] * (excess if excess > 0.0 else 0.0))
    leydig_drive = c[LEYDIG_SCALE] * y[LEYDIG] * _hill(stimulus, c[LEYDIG_HALF], c[LEYDIG_HILL]) * brake
    # serum total testosterone is read from the unbound level through SHBG binding
    unbound = unbound_testosterone(y, u, c)
    testosterone = total_testosterone(unbound, c)
    share = c[TESTICULAR_ESTRADIOL_SHARE]
    estradiol = (c[AROMATASE] * (1.0 - u[U_AROMATASE_BLOCK])
                 * ((1.0 - share) * unbound + share * y[LEYDIG_OUTPUT]))
    # intratesticular T as measured in testicular fluid: the Leydig cells' own secretion plus
    # serum testosterone, which equilibrates into the interstitium ...
    tubular = c[ITT_LOCAL_SHARE] * y[LEYDIG_OUTPUT]
    itt = tubular + c[ITT_SERUM_SHARE] * testosterone
    # ... but the germinal epithelium behind the blood-testis barrier is supplied by the Leydig
    # cells beside it: testosterone from the medicine, at any dose, does not keep sperm made
    # (contraceptive trials; azoospermia in heavy steroid users), so more of it never means more sperm
    # immature Sertoli cells (a man who never went through puberty) cannot carry germ cells
    # through meiosis whatever the hormones: support grows with maturity
    fsh_share = c[FSH_INDEPENDENT_SHARE]
    fsh_support = fsh_share + (1.0 - fsh_share) * _hill(fsh, c[FSH_HALF], c[FSH_HILL])
    support = c[SUPPORT_SCALE] * y[MATURITY] * _hill(tubular, c[ITT_HALF], c[ITT_HILL]) * fsh_support
    # the last steps (meiosis, spermiation) turn germ cells into sperm; a man whose germ cells are
    # there (normal inhibin B and FSH) but whose count is low needs more stimulation for them
    # (release_need > 1: a hormonal component, which a SERM or an aromatase inhibitor can help)
    release = support
    if c[RELEASE_NEED] != 1.0:
        release = (c[SUPPORT_SCALE] * y[MATURITY] * fsh_support
                   * _hill(tubular, c[ITT_HALF] * c[RELEASE_NEED], c[RELEASE_HILL]) / _hill(1.0, c[ITT_HALF], c[RELEASE_HILL]))
    # central suppression: the share of GnRH drive the adaptation holds back
    return (testosterone, lh, fsh, estradiol, itt, support, leydig_drive, hypothalamus + u[U_PULSATILE],
            1.0 - memory_brake, release)


@_jitable
def targets_and_rates(y, u, h, c, target, rate):
    """Write, for each state (order of STATES), the value it relaxes to and the rate (1/day)
    into ``target`` and ``rate``: the one definition of the model's dynamics."""
    lh, fsh, support = h[H_LH], h[H_FSH], h[H_SUPPORT]
    # the brain senses unbound testosterone (SHBG-bound hormone does not enter cells; see hormones)
    target[SENSED_T], rate[SENSED_T] = unbound_testosterone(y, u, c), c[FEEDBACK_RATE]
    target[SENSED_E], rate[SENSED_E] = h[H_E2], c[FEEDBACK_RATE]
    # GnRH keeps its own receptors: a pituitary that has had almost no GnRH (a man who never had
    # GnRH drive) has few, and pulses prime it over days (self-priming); a fraction of the normal
    # drive keeps them all. Continuous exposure removes them once it passes a threshold, steeply
    # (receptor loss and post-receptor uncoupling compound): pulses an hour or more apart keep the
    # response, and an agonist removes it however strong the man's own drive; the loss takes
    # days, the return (priming) about a week
    continuous = u[U_DESENSITISING]
    primed = min(h[H_GNRH] / c[RECEPTOR_PRIMING_DRIVE], 1.0)
    target[GNRH_RECEPTOR] = primed / (1.0 + _power(continuous / c[RECEPTOR_HALF], c[RECEPTOR_HILL]))
    if target[GNRH_RECEPTOR] > y[GNRH_RECEPTOR]:
        rate[GNRH_RECEPTOR] = c[RECEPTOR_PRIMING_RATE]
    else:
        rate[GNRH_RECEPTOR] = c[RECEPTOR_RESENSITISE] + c[RECEPTOR_DESENSITISE] * continuous
    # depth of suppression: e-folds by which feedback (not the adaptation itself) holds LH below
    # the man's untreated level; 0 when LH is at or above it, as under a SERM or after castration
    # (measured from a normal man's LH at most: a man with failing testes, whose LH runs high,
    # is not "suppressed" when replacement brings his LH down towards normal)
    held_by_feedback = lh / (1.0 - h[H_CENTRAL])
    depth = math.log(min(c[LH_AT_REST], 1.0) / max(held_by_feedback, 1e-300))
    depth = depth if depth > 0.0 else 0.0
    # dM/dt = build depth^p - fade w M: accumulates with dose x duration while LH is held down,
    # fades once it is not (w -> 1 as depth -> 0)
    relative_depth = depth / c[MEMORY_FADE_DEPTH]
    memory_rate = c[MEMORY_FADE_RATE] / (1.0 + relative_depth * relative_depth)
    target[MEMORY] = c[MEMORY_BUILD_RATE] * _power(depth, c[MEMORY_EXPONENT]) / memory_rate
    rate[MEMORY] = memory_rate
    # pubertal maturation advances under LH-like stimulation beyond what the man has untreated,
    # and never reverses
    stimulus = lh + u[U_HCG] * c[HCG_SENSITIVITY]
    target[MATURITY] = 1.0
    rate[MATURITY] = c[MATURATION_RATE] * max(min(stimulus, 1.0) - min(c[LH_AT_REST], 1.0), 0.0)
    maturity = y[MATURITY]
    leydig_target = min(max(_power(stimulus, c[LEYDIG_TROPHIC_EXPONENT]), c[LEYDIG_FLOOR]), c[LEYDIG_CEILING])
    target[LEYDIG] = leydig_target * (c[IMMATURE_LEYDIG_SHARE] + (1.0 - c[IMMATURE_LEYDIG_SHARE]) * maturity)
    rate[LEYDIG] = c[LEYDIG_ATROPHY_RATE] if target[LEYDIG] < y[LEYDIG] else c[LEYDIG_REGROWTH_RATE]
    target[LEYDIG_RECEPTOR] = 1.0 / (1.0 + c[LH_RECEPTOR_DOWNREGULATION] * max(stimulus - 1.0, 0.0))
    rate[LEYDIG_RECEPTOR] = c[LH_RECEPTOR_RATE]
    # germ cells: regress towards what hormones support (never below the stem-cell floor);
    # regrow by proliferation, at a rate proportional to the cells present (logistic)
    germinal = y[GERMINAL]
    germinal_target = min(_power(support, c[GERMINAL_EXPONENT]), c[GERMINAL_RESERVE] * (1.0 - y[DAMAGE]))
    if germinal_target >= germinal:
        growth_share = c[GERMINAL_GROWTH_FSH_SHARE]
        growth = (c[GERMINAL_GROWTH_RATE] * support
                  * ((1.0 - growth_share) + growth_share * _hill(fsh, c[FSH_HALF], c[FSH_HILL])))
        target[GERMINAL], rate[GERMINAL] = germinal_target, growth * germinal / max(germinal_target, 1e-12)
    else:
        # (a man born with fewer germ cells than the stem-cell floor keeps what he has)
        floor = max(germinal_target, min(c[GERMINAL_FLOOR], c[GERMINAL_RESERVE]))
        if germinal > floor:
            target[GERMINAL], rate[GERMINAL] = floor, c[GERMINAL_REGRESSION_RATE]
        else:       # at or below the stem-cell floor already: no change without support
            target[GERMINAL], rate[GERMINAL] = germinal, 0.0
    # lasting damage accrues only with support below the man's own untreated level
    deficit = min(max(1.0 - support / c[SUPPORT_AT_REST], 0.0), 1.0)
    damage_rate = deficit * c[DAMAGE_BUILD_RATE] + (1.0 - deficit) * c[DAMAGE_FADE_RATE]
    target[DAMAGE] = deficit * c[DAMAGE_MAX] * c[DAMAGE_BUILD_RATE] / damage_rate
    rate[DAMAGE] = damage_rate
    # inhibin B comes from Sertoli cells in proportion to the germ cells they hold: it falls as
    # germ cells are lost (weeks to months), not at once when hormones drop
    # (in an adult testis; immature Sertoli cells, as before puberty, make it without germ cells)
    germ_share = c[INHIBIN_GERM_SHARE] * maturity
    target[INHIBIN] = _power(fsh, c[INHIBIN_FSH_EXPONENT]) * ((1.0 - germ_share) + germ_share * germinal)
    rate[INHIBIN] = c[INHIBIN_RATE]
    target[LEYDIG_OUTPUT], rate[LEYDIG_OUTPUT] = h[H_LEYDIG_DRIVE], c[STEROIDOGENIC_RATE]


@_jitable
def _relax(start, anchor, u, c, dt, out, target, rate, decay):
    """Exponential step of length dt from ``start`` into ``out``, with targets and rates taken at
    ``anchor``. ``target`` and ``rate`` are work buffers; ``decay`` holds exp(-rate dt) of the
    previous call with this dt, with that rate in ``decay[N_STATES + i]``: many rates are
    constants, so their exponential is computed once."""
    targets_and_rates(anchor, u, hormones(anchor, u, c), c, target, rate)
    for i in range(N_STATES):
        if rate[i] != decay[N_STATES + i]:
            decay[N_STATES + i] = rate[i]
            decay[i] = math.exp(-rate[i] * dt)
        out[i] = target[i] + (start[i] - target[i]) * decay[i]


@_jitable
def _decay_buffer(like):
    """Work buffer for _relax's cached exponentials (2 x N_STATES, rates not yet seen: -1),
    of the kind of ``like`` (a numpy array when compiled, a list in plain Python)."""
    buffer = like + like if isinstance(like, list) else np.empty(2 * N_STATES)
    for i in range(2 * N_STATES):
        buffer[i] = -1.0
    return buffer


@_jitable
def integrate(inputs, midpoints, y0, c, dt, stride, plan, hormone_out, state_out):
    """Advance the state over the grid rows of ``inputs`` (steps x INPUTS), ``dt`` days
    apart, writing every ``stride``-th row of hormones and states into the flat
    output sequences (row-major). ``midpoints`` holds the exposures halfway between
    rows. Exponential midpoint steps: a half step to the midpoint, then the full step
    with targets and rates taken there (second order, stable for stiff relaxation).

    The step from row i spans ``plan[i]`` grid steps, 1, 2, 3 or 6 (``simulation.step_plan``
    chooses them from the regimen before the run, so that every stored row is landed on and the
    steps are the same compiled or not); a longer step takes the exposures at its centre from the
    grid (row i + 1 for 2 steps, the midpoint after row i + 1 for 3, row i + 3 for 6)."""
    y, half, target, rate = y0.copy(), y0.copy(), y0.copy(), y0.copy()
    # one pair of cached exponentials per step length (a cache holds exp(-rate dt) for one dt)
    half_decay, full_decay = _decay_buffer(y0), _decay_buffer(y0)
    half_decay_2, full_decay_2 = _decay_buffer(y0), _decay_buffer(y0)
    half_decay_3, full_decay_3 = _decay_buffer(y0), _decay_buffer(y0)
    half_decay_6, full_decay_6 = _decay_buffer(y0), _decay_buffer(y0)
    last = len(inputs) - 1
    row = 0
    step = 0
    while True:
        u = inputs[step]
        if step % stride == 0:
            h = hormones(y, u, c)
            for j in range(N_HORMONES):
                hormone_out[row * N_HORMONES + j] = h[j]
            for j in range(N_STATES):
                state_out[row * N_STATES + j] = y[j]
            row += 1
        if step == last:
            break
        length = plan[step]
        # each length written out: its centre exposure and step are then constants to the compiler
        # (one generic step, length x dt and a chosen centre row, measured 7-9% slower compiled)
        if length == 6:
            _relax(y, y, u, c, 3.0 * dt, half, target, rate, half_decay_6)
            _relax(y, half, inputs[step + 3], c, 6.0 * dt, y, target, rate, full_decay_6)
            step += 6
        elif length == 3:
            _relax(y, y, u, c, 1.5 * dt, half, target, rate, half_decay_3)
            _relax(y, half, midpoints[step + 1], c, 3.0 * dt, y, target, rate, full_decay_3)
            step += 3
        elif length == 2:
            _relax(y, y, u, c, dt, half, target, rate, half_decay_2)
            _relax(y, half, inputs[step + 1], c, 2.0 * dt, y, target, rate, full_decay_2)
            step += 2
        else:
            _relax(y, y, u, c, dt / 2, half, target, rate, half_decay)
            _relax(y, half, midpoints[step], c, dt, y, target, rate, full_decay)
            step += 1


def integrate_cohort(inputs, midpoints, y0, c, dt, stride, plan, hormone_out, state_out):
    """``integrate`` for each patient p: inputs[p], y0[p], c[p] -> hormone_out[p], state_out[p]
    (shared exposures arrive as a broadcast view, one copy for all; every man takes the steps of
    one plan). Compiled, patients run in parallel on every core (prange)."""
    for p in prange(len(c)):
        integrate(inputs[p], midpoints[p], y0[p], c[p], dt, stride, plan, hormone_out[p], state_out[p])


# What the steady-state solver adjusts so that the untreated man matches his baselines.
SOLVE_DRIVE, SOLVE_LEYDIG, SOLVE_SUPPORT_SCALE, SOLVE_DRIVE_FOR_LH = 1, 2, 4, 8
_SETTLE_STEP = 40.0          # days of pseudo-time per iteration
_SETTLE_ITERATIONS = 5000


@_jitable
def settle(y, c, testosterone, lh, how):
    """Relax ``y`` (one man's state, changed in place) to the untreated steady state of the
    dynamics above while solving the constants in ``c`` (changed in place) that make it match
    his baselines: ``testosterone`` and ``lh`` (relative) with ``how`` = SOLVE_* flags:
    DRIVE and LEYDIG together match both; LEYDIG alone (normal drive, failing testes) or
    DRIVE alone (normal testes, weak drive) match testosterone; DRIVE_FOR_LH matches LH
    alone (a man without GnRH drive: his testosterone is what his immature testes make);
    SUPPORT_SCALE makes this man's spermatogenic support 1 (the reference man). Maturity is a trait of the man
    (it is not relaxed). Returns the iterations used, or -1 if it did not converge."""
    u = np.zeros(N_INPUTS)
    out, target, rate = y.copy(), y.copy(), y.copy()
    decay = _decay_buffer(y)
    unbound = unbound_for_total(testosterone, c)
    wanted_output = unbound - c[ADRENAL]
    for iteration in range(_SETTLE_ITERATIONS):
        # the fast states held at the goal (testosterone as secreted and as sensed, estradiol as
        # sensed): drive and Leydig scale are then solved without a feedback loop (LH is
        # proportional to drive, secretion to the scale), while the slow states relax
        if not how & SOLVE_DRIVE_FOR_LH:
            y[SENSED_T], y[LEYDIG_OUTPUT] = unbound, wanted_output
            y[SENSED_E] = hormones(y, u, c)[H_E2]
        h = hormones(y, u, c)
        if how & SOLVE_DRIVE_FOR_LH:
            c[DRIVE] *= lh / max(h[H_LH], 1e-300)
        elif how & SOLVE_LEYDIG:
            c[LEYDIG_SCALE] *= wanted_output / max(h[H_LEYDIG_DRIVE], 1e-300)
            if how & SOLVE_DRIVE:
                c[DRIVE] *= lh / max(h[H_LH], 1e-300)
        elif how & SOLVE_DRIVE:
            c[DRIVE] *= (wanted_output / max(h[H_LEYDIG_DRIVE], 1e-300)) ** 0.5
        if how & SOLVE_SUPPORT_SCALE:
            c[SUPPORT_SCALE] /= h[H_SUPPORT]
        h = hormones(y, u, c)
        c[LH_AT_REST] = h[H_LH]
        c[SUPPORT_AT_REST] = max(h[H_SUPPORT], 1e-12)
        _relax(y, y, u, c, _SETTLE_STEP, out, target, rate, decay)
        change = 0.0
        for i in range(N_STATES):
            if i != MATURITY:
                change = max(change, abs(out[i] - y[i]) / max(abs(y[i]), 1e-9))
                y[i] = out[i]
        h = hormones(y, u, c)
        if how & SOLVE_DRIVE_FOR_LH:
            mismatch = abs(h[H_LH] / lh - 1.0)
        else:
            mismatch = abs(h[H_T] / testosterone - 1.0)
        if how & SOLVE_DRIVE and how & SOLVE_LEYDIG:
            mismatch = max(mismatch, abs(h[H_LH] / lh - 1.0))
        if iteration > 5 and change < 1e-12 and mismatch < 1e-10:
            return iteration
    return -1


def _hormones_each(y, c):
    """Untreated hormones (patients x HORMONES) of each man's state y[p] and constants c[p]."""
    u = np.zeros(N_INPUTS)
    out = np.empty((len(c), N_HORMONES))
    for p in range(len(c)):
        h = hormones(y[p], u, c[p])
        for j in range(N_HORMONES):
            out[p, j] = h[j]
    return out


def hormones_each(y, c):
    """:func:`_hormones_each`, compiled where numba is installed."""
    return (_COMPILED_HORMONES_EACH if kernels()[2] else _hormones_each)(y, c)


def _settle_each(y, c, testosterone, lh, how, iterations):
    """:func:`settle` for each patient p (rows of y and c), its iterations into iterations[p];
    compiled, the men settle in parallel on every core (prange)."""
    for p in prange(len(c)):
        iterations[p] = settle(y[p], c[p], testosterone[p], lh[p], how[p])


def settle_all(y, c, testosterone, lh, how):
    """:func:`settle` for each patient (rows of y and c; one goal and flag each); raises if one
    does not settle."""
    iterations = np.empty(len(c), dtype=np.int64)
    function = _COMPILED_SETTLE_EACH if kernels()[2] else _settle_each
    function(y, c, np.asarray(testosterone, dtype=float), np.asarray(lh, dtype=float),
             np.asarray(how, dtype=np.int64), iterations)
    if np.any(iterations < 0):
        p = int(np.flatnonzero(iterations < 0)[0])
        raise ValueError(f"the untreated steady state of this man could not be found "
                         f"(testosterone {testosterone[p]:.3g} x reference, LH {lh[p]:.3g} x reference)")


_COMPILED_SETTLE_EACH = _COMPILED_HORMONES_EACH = None


def kernels():
    """(integrate, integrate_cohort, compiled): compiled with numba where available.

    Compiled functions take numpy arrays; the plain ones are fastest on lists of floats."""
    global _KERNELS, _COMPILED_SETTLE_EACH, _COMPILED_HORMONES_EACH
    if _KERNELS is None:
        if numba is None:
            _KERNELS = (integrate, integrate_cohort, False)
        else:
            # error_model="numpy" drops the zero-division checks (no divisor can be zero with inputs in
            # their bounds) and these fastmath flags let LLVM fuse and reorder; never 'nnan'/'ninf', as
            # _hill counts on 1 / (1 + inf) = 0 (review and figures: docs/performance.md)
            options = dict(cache=True, nogil=True, error_model="numpy", fastmath={"nsz", "arcp", "contract", "reassoc"})
            jit = numba.njit(**options)
            _COMPILED_SETTLE_EACH = numba.njit(parallel=True, **options)(_settle_each)
            _COMPILED_HORMONES_EACH = jit(_hormones_each)
            _KERNELS = (jit(integrate), numba.njit(parallel=True, **options)(integrate_cohort), True)
    return _KERNELS


_KERNELS = None


def rhs(y, u, c):
    """dy/dt of the state in continuous time (for reference solvers such as solve_ivp)."""
    target, rate = list(y), list(y)
    targets_and_rates(y, u, hormones(y, u, c), c, target, rate)
    return [r * (goal - x) for x, goal, r in zip(y, target, rate)]


def spermiation_survival(recent_support, values):
    """Share of finished sperm released into the ejaculate, given the hormonal support
    of the last weeks: spermiation fails early when support collapses, before the
    spermatogenic pipeline empties."""
    early_loss = values["spermiation_share"]
    return (1 - early_loss) + early_loss * np.minimum(recent_support, 1.0)



def binding_constants(values) -> np.ndarray:
    """A constant row holding only SHBG binding (for :func:`total_testosterone` and its inverse outside the kernel)."""
    binding = np.zeros(len(CONSTANTS))
    binding[SHBG_BOUND_SHARE], binding[SHBG_OCCUPANCY] = values["shbg_bound_share"], values["shbg_occupancy"]
    return binding


def adrenal_testosterone(age, values):
    """Serum total testosterone (ng/dL) that does not come from the testes, at ``age`` (years;
    a scalar or an array): the castrate level, higher in young men than in old because the
    adrenal precursors fall with age; linear between the two ages of data/parameters.csv."""
    young, old = values["adrenal_age_young"], values["adrenal_age_old"]
    past_young = np.clip((np.asarray(age, dtype=float) - young) / (old - young), 0.0, 1.0)
    return (values["adrenal_testosterone_young"]
            + past_young * (values["adrenal_testosterone_old"] - values["adrenal_testosterone_young"]))


def adrenal_unbound(age, values):
    """:func:`adrenal_testosterone` on the model's relative unbound scale (the castrate level is a
    serum total; the model adds unbound levels)."""
    return unbound_for_total(adrenal_testosterone(age, values) / values["testosterone_reference"],
                             binding_constants(values))


def _constant_row(values) -> np.ndarray:
    """The constants of the reference man before his steady state is solved (patients vary them)."""
    adrenal = float(adrenal_unbound(REFERENCE_AGE, values))
    share = values["testicular_estradiol_share"]
    itt_serum = (values["itt_serum_equilibration"]
                 * testosterone_ng_dl_to_nmol_l(values["testosterone_reference"], values["testosterone_molar_mass"])
                 / values["itt_reference"])
    row = {
        "drive": 1.0, "gain_t": values["hypothalamic_androgen_gain"], "gain_e": values["hypothalamic_estrogen_gain"],
        "steepness": values["feedback_hill"], "estrogen_steepness": values["estrogen_feedback_hill"],
        "memory_gain": values["androgen_memory_gain"],
        "memory_exponent": values["androgen_memory_exponent"], "lh_at_rest": 1.0,
        "gain_lh": values["pituitary_estrogen_gain_lh"], "gain_fsh": values["pituitary_estrogen_gain_fsh"],
        "fsh_gnrh_exponent": values["fsh_gnrh_exponent"], "inhibin_gain": values["inhibin_gain_fsh"],
        "inhibin_hill": values["inhibin_hill"], "flare_gain": values["gonadorelin_flare_gain"],
        "receptor_resensitise": values["gnrh_receptor_resensitisation_rate"],
        "receptor_desensitise": values["gnrh_receptor_desensitisation_rate"],
        "receptor_half": values["gnrh_receptor_desensitisation_half"],
        "receptor_hill": values["gnrh_receptor_desensitisation_hill"],
        "receptor_priming_rate": 1.0 / values["gnrh_receptor_priming_time"],
        "receptor_priming_drive": values["gnrh_receptor_priming_drive"],
        "feedback_rate": 1.0 / values["feedback_lag"],
        "memory_build_rate": 1.0 / values["androgen_memory_build_time"],
        "memory_fade_rate": 1.0 / values["androgen_memory_fade_time"],
        "memory_fade_depth": values["androgen_memory_fade_depth"],
        "adrenal": adrenal, "leydig_scale": 1.0,
        "leydig_half": values["leydig_lh_half_saturation"], "leydig_hill": values["leydig_hill"],
        "leydig_trophic_exponent": values["leydig_trophic_exponent"], "leydig_floor": values["leydig_capacity_floor"],
        "leydig_ceiling": values["leydig_capacity_ceiling"],
        "leydig_atrophy_rate": 1.0 / values["leydig_atrophy_time"],
        "leydig_regrowth_rate": 1.0 / values["leydig_recovery_time"],
        "leydig_steroid_brake": values["leydig_steroid_brake"],
        "immature_leydig_share": values["immature_leydig_share"],
        "maturation_rate": 1.0 / values["testis_maturation_time"],
        "lh_receptor_downregulation": values["lh_receptor_downregulation"],
        "lh_receptor_rate": 1.0 / values["lh_receptor_time"], "hcg_sensitivity": 1.0,
        "aromatase": 1.0 / ((1 - share) + share * (1 - adrenal)), "testicular_estradiol_share": share,
        "itt_local_share": (1 - itt_serum) / (1 - adrenal), "itt_serum_share": itt_serum,
        "itt_half": values["sperm_itt_half_saturation"], "itt_hill": values["sperm_itt_hill"],
        "fsh_half": values["sperm_fsh_half_saturation"], "fsh_hill": values["sperm_fsh_hill"],
        "fsh_independent_share": values["sperm_fsh_independent_share"], "support_scale": 1.0,
        "germinal_exponent": values["germinal_trophic_exponent"], "germinal_floor": values["germinal_floor"],
        "germinal_reserve": 1.0, "germinal_regression_rate": 1.0 / values["germinal_regression_time"],
        "germinal_growth_rate": values["germinal_growth_rate"],
        "germinal_growth_fsh_share": values["germinal_growth_fsh_share"],
        "damage_build_rate": 1.0 / values["germinal_damage_time"],
        "damage_fade_rate": 1.0 / values["germinal_damage_recovery_time"],
        "damage_max": values["germinal_damage_max"], "inhibin_fsh_exponent": values["inhibin_fsh_exponent"],
        "inhibin_germ_share": values["inhibin_germ_share"], "inhibin_rate": 1.0 / values["inhibin_lag"],
        "steroidogenic_rate": 1.0 / values["leydig_response_time"], "support_at_rest": 1.0, "release_need": 1.0,
        "release_hill": values["sperm_release_hill"],
        "shbg_bound_share": values["shbg_bound_share"], "shbg_occupancy": values["shbg_occupancy"],
    }
    return np.array([row[name] for name in CONSTANTS], dtype=float)


def reference_man(values) -> tuple[np.ndarray, np.ndarray]:
    """(constants, state) of the reference man of data/parameters.csv: T, LH, E2, ITT and
    spermatogenic support all 1 by construction, solved by :func:`settle`."""
    c = _constant_row(values)[None, :]
    y = np.ones((1, N_STATES))
    y[0, MEMORY] = y[0, DAMAGE] = 0.0          # no past suppression
    settle_all(y, c, np.ones(1), np.ones(1), np.array([SOLVE_DRIVE | SOLVE_LEYDIG | SOLVE_SUPPORT_SCALE]))
    return c[0], y[0]


def patient_constants(traits: dict, values) -> tuple[np.ndarray, dict]:
    """Per-patient constants (patients x CONSTANTS) and the untreated steady state.

    ``traits`` are Patient fields, each a scalar or an array with one entry per virtual
    patient (NaN in a baseline array means "typical"). The steady state is the fixed point
    of the model's own dynamics (:func:`settle`), with the constants solved so that it
    matches the given baselines. Returns (constants, steady) where steady maps every name
    of STATES and HORMONES, plus "sperm", "sperm_scale" and "serm_sensitivity", to one
    value per patient.
    """
    def trait(name, default=np.nan):
        value = traits.get(name)
        return np.atleast_1d(np.asarray(default if value is None else value, dtype=float))

    age = trait("age")
    patients = len(age)
    origin = np.broadcast_to(np.atleast_1d(np.asarray(traits.get("low_testosterone_origin", "mixed"))), (patients,))
    unknown = set(origin.tolist()) - set(ORIGINS)
    if unknown:
        raise ValueError(f"low_testosterone_origin must be one of {ORIGINS}, got {sorted(unknown)}")
    no_gnrh, central, testicular = origin == "no_gnrh", origin == "central", origin == "testicular"
    reference_c, reference_y = values.reference_man()
    c = np.tile(reference_c, (patients, 1))
    y = np.tile(reference_y, (patients, 1))
    column = {name: index for index, name in enumerate(CONSTANTS)}

    def scale(name, factor):
        c[:, column[name]] *= factor

    sensitivity = trait("feedback_sensitivity", 1.0)
    for name in ("gain_t", "gain_e", "gain_lh", "gain_fsh"):
        scale(name, sensitivity)
    scale("aromatase", trait("aromatase_activity", 1.0))
    scale("hcg_sensitivity", trait("hcg_sensitivity", 1.0))
    scale("itt_half", trait("itt_requirement", 1.0))
    decades_above_reference = np.maximum(0.0, age - REFERENCE_AGE) / 10.0
    recovery = trait("recovery_speed", 1.0) / (1 + values["age_recovery_slowing"] * decades_above_reference)
    for name in ("memory_fade_rate", "leydig_regrowth_rate", "germinal_growth_rate", "damage_fade_rate"):
        scale(name, recovery)
    c[:, ADRENAL] = adrenal_unbound(age, values)      # the castrate level falls with age

    reference_t = values["testosterone_reference"]
    years_past_onset = np.maximum(0.0, age - values["age_decline_onset"])
    typical_t = (reference_t - values["age_testosterone_decline"] * years_past_onset) / reference_t
    given_t = trait("baseline_testosterone") / reference_t
    t_star = np.where(np.isnan(given_t), typical_t, given_t)
    unbound_star = unbound_for_total(t_star, binding_constants(values))     # SHBG binding is the same in every man
    if np.any(unbound_star <= c[:, ADRENAL]):
        worst = int(np.argmax(c[:, ADRENAL] - unbound_star))
        raise ValueError(f"a baseline testosterone must exceed the adrenal share, "
                         f"{adrenal_testosterone(age[worst], values):.0f} ng/dL at age {age[worst]:g} "
                         f"(what castration leaves); got {t_star[worst] * reference_t:.0f} ng/dL")
    given_lh = trait("baseline_lh") / values["lh_reference"]
    typical_lh = 1.0 + values["age_lh_rise"] * years_past_onset       # LH rises with age (Wu 2008)
    lh_star = np.where(np.isnan(given_lh), np.where(no_gnrh, values["hh_lh"] / values["lh_reference"], typical_lh),
                       given_lh)
    # who is solved how: measured LH, or a "mixed" man, match both; failing testes keep the normal
    # drive; weak or absent drive keeps normal testes
    how = np.where(testicular, SOLVE_LEYDIG, np.where(central | no_gnrh, SOLVE_DRIVE, SOLVE_DRIVE | SOLVE_LEYDIG))
    how = np.where(np.isnan(given_lh), how, SOLVE_DRIVE | SOLVE_LEYDIG)
    # a man without GnRH drive: his LH is what little drive is left; his testosterone follows
    # (unless measured, then his drive is solved for it)
    how = np.where(no_gnrh & np.isnan(given_t) & np.isnan(given_lh), SOLVE_DRIVE_FOR_LH, how)
    # a man who never had GnRH drive: immature testes, a small germ-cell pool (Rastrelli 2014)
    y[no_gnrh, MATURITY] = 0.0
    y[no_gnrh, LEYDIG] = values["immature_leydig_share"]
    # the germ cells his testes can hold: a small pool in a man without GnRH drive, each man's
    # own multiple of his kind's pool; a measured count says it instead (solved below)
    given_sperm = trait("baseline_sperm")
    reserve = np.where(no_gnrh, values["hh_germinal_reserve"], 1.0) * trait("germ_cell_reserve", 1.0)
    c[:, GERMINAL_RESERVE] = np.where(np.isnan(given_sperm) | no_gnrh, np.minimum(reserve, 1.0), 1.0)
    y[:, GERMINAL] = np.minimum(y[:, GERMINAL], c[:, GERMINAL_RESERVE])
    y[no_gnrh, GERMINAL] = np.minimum(values["germinal_floor"], c[no_gnrh, GERMINAL_RESERVE])
    # a man whose testes fail keeps the GnRH drive he would have with normal testes, and a man
    # whose drive fails keeps the testes he would have with a normal drive: each is first solved
    # as that man (the typical T and LH of his age, with his traits), then only the failing part
    # moves to his baselines (so failing testes leave LH above a normal man's, on TRT too)
    one_sided = np.flatnonzero(np.isnan(given_lh) & (testicular | central))
    if len(one_sided):
        y_part, c_part = y[one_sided], c[one_sided]
        settle_all(y_part, c_part, typical_t[one_sided], typical_lh[one_sided],
                   np.full(len(one_sided), SOLVE_DRIVE | SOLVE_LEYDIG))
        y[one_sided], c[one_sided] = y_part, c_part
    settle_all(y, c, t_star, lh_star, how)
    if np.any(central | no_gnrh):
        most = _leydig_most(values)
        if np.any((central | no_gnrh) & (unbound_star - c[:, ADRENAL] >= most)):
            highest = total_testosterone(most + reference_c[ADRENAL], reference_c)
            raise ValueError(f"a baseline testosterone above {highest * reference_t:.0f} ng/dL "
                             "cannot come from normal testes; use low_testosterone_origin='testicular' or 'mixed'")

    # sperm: a man with fewer sperm than his hormones support has fewer germ cells (a lower
    # reserve), or, when his FSH is measured and not raised, germ cells that need more
    # stimulation than usual (a hormonal component)
    given_fsh = trait("baseline_fsh") / values["fsh_reference"]
    sperm_scale = np.full(patients, values["sperm_reference"])

    def resettle(rows):
        """Settle these men again after a change of their constants, and update their hormones."""
        y_part, c_part = y[rows], c[rows]
        settle_all(y_part, c_part, t_star[rows], lh_star[rows], how[rows])
        y[rows], c[rows] = y_part, c_part
        h[rows] = hormones_each(y_part, c_part)

    def produced(rows):
        return y[rows, GERMINAL] * h[rows, H_RELEASE] * spermiation_survival(h[rows, H_SUPPORT], values)

    everyone = np.arange(patients)
    h = hormones_each(y, c)
    low = ~np.isnan(given_sperm) & ~no_gnrh & (given_sperm < sperm_scale * produced(everyone))
    rows = np.flatnonzero(low)
    fsh_given = ~np.isnan(given_fsh)
    active = rows          # each man iterates until he has converged, alone (a cohort gives his single run)
    for _ in range(300):
        if not len(active):
            break
        measured = fsh_given[active]
        made, wanted = produced(active), given_sperm[active] / sperm_scale[active]
        fsh_off = np.abs(h[active, H_FSH] / np.where(measured, given_fsh[active], h[active, H_FSH]) - 1)
        converged = (np.abs(made / np.maximum(wanted, 1e-300) - 1) < 1e-10) & (fsh_off < 1e-10)
        active, measured, made, wanted = active[~converged], measured[~converged], made[~converged], wanted[~converged]
        if not len(active):
            break
        # germ cells from FSH where it is measured (more germ cells, more inhibin B, lower FSH),
        # else from the count; the count's remaining shortfall is a need for more stimulation
        from_count = c[active, GERMINAL_RESERVE] * (made / np.maximum(wanted, 1e-300)) ** -1.0
        from_fsh = c[active, GERMINAL_RESERVE] * (h[active, H_FSH] / np.where(measured, given_fsh[active], 1.0)) ** 2.0
        c[active, GERMINAL_RESERVE] = np.minimum(np.where(measured, from_fsh, from_count), 1.0)
        y[active, GERMINAL] = np.minimum(y[active, GERMINAL], c[active, GERMINAL_RESERVE])
        resettle(active)
        need = c[active, RELEASE_NEED] * np.clip(produced(active) / np.maximum(wanted, 1e-300), 0.2, 5.0) ** 0.25
        c[active, RELEASE_NEED] = np.where(measured, np.maximum(need, 1.0), 1.0)
        h[active] = hormones_each(y[active], c[active])
    # more sperm than his hormones give a typical man: his testes need less stimulation (a lower
    # threshold, so hormones he does not have could not multiply his count), and only beyond a
    # fully supported testis are they larger (a larger scale)
    made = produced(everyone)
    active = np.flatnonzero(~np.isnan(given_sperm) & ~no_gnrh & (given_sperm > sperm_scale * made * (1 + 1e-9)))
    most = spermiation_survival(1.0, values)            # output of a fully supported, full testis
    # secant steps on the logarithms of threshold and count (the count is a steep, smooth function
    # of the threshold: Hill x germinal exponent), each at most a halving or doubling
    last_x, last_f = np.full(patients, np.nan), np.full(patients, np.nan)
    for _ in range(300):
        wanted = np.minimum(given_sperm[active] / sperm_scale[active], most * c[active, GERMINAL_RESERVE])
        made_here = produced(active)
        off = np.abs(made_here / wanted - 1) > 1e-10
        active, made_here, wanted = active[off], made_here[off], wanted[off]
        if not len(active):
            break
        x, f = np.log(c[active, ITT_HALF]), np.log(made_here / wanted)
        slope = (f - last_f[active]) / (x - last_x[active])
        usable = np.isfinite(slope) & (slope < 0)
        step = np.where(usable, -f / np.where(usable, slope, -1.0), 0.2 * f)
        last_x[active], last_f[active] = x, f
        c[active, ITT_HALF] = np.exp(x + np.clip(step, -math.log(2.0), math.log(2.0)))
        # germ cells held at the stem-cell floor stay where they are (model.targets_and_rates), so
        # each trial starts from a full testis: the count then rises steadily as the threshold falls
        y[active, GERMINAL] = c[active, GERMINAL_RESERVE]
        resettle(active)
    if np.any(fsh_given):
        checked = np.flatnonzero(fsh_given)
        off = np.abs(np.log(h[checked, H_FSH] / given_fsh[checked]))
        if np.max(off) > 1e-4:
            worst = checked[np.argmax(off)]
            raise ValueError(f"baseline_fsh = {given_fsh[worst] * values['fsh_reference']:.4g} IU/L does not fit this "
                             f"man's other baselines in this model (the closest it comes is FSH "
                             f"{h[worst, H_FSH] * values['fsh_reference']:.3g} IU/L); give a baseline_fsh nearer that, "
                             f"or leave it out")
    made = produced(everyone)
    more = ~np.isnan(given_sperm) & (given_sperm > sperm_scale * made) & (made > 0)
    sperm_scale = np.where(more, given_sperm / np.maximum(made, 1e-300), sperm_scale)
    steady = {name: y[:, i] for i, name in enumerate(STATES)}
    steady.update({name: h[:, i] for i, name in enumerate(HORMONES)})
    steady.update(sperm=sperm_scale * made, sperm_scale=sperm_scale,
                  serm_sensitivity=trait("serm_sensitivity", 1.0) * np.ones(patients))
    return c, steady


def _leydig_most(values) -> float:
    """The most testosterone (relative, without the adrenal share) normal, mature testes make
    under the strongest LH stimulation, before the steroid brake."""
    reference_c, _ = values.reference_man()
    return reference_c[LEYDIG_SCALE] * reference_c[LEYDIG_CEILING]


def initial_state(steady: dict) -> np.ndarray:
    """The untreated steady state (patients x STATES) from :func:`patient_constants` output."""
    return np.stack([steady[name] for name in STATES], axis=-1)
