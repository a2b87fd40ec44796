"""The HPG feedback system: a pure right-hand side and its integrator, no I/O.

Quantities inside the model are relative to the reference man of
``data/parameters.csv`` (1 = his untreated level); :mod:`hpgwidgets.simulation`
turns them into clinical units. ``docs/model.md`` gives every equation with its
reason and source.

Hormones (GnRH drive, LH, FSH, testosterone, estradiol, intratesticular T) settle
within hours, so they are algebraic functions of the state and of the drug
exposures. The state (``STATES``) carries what takes a day to years:

- sensed_testosterone, sensed_estradiol: the steroid levels as hypothalamus and
  pituitary register them (a lag of about a day);
- gnrh_receptor: pituitary GnRH-receptor responsiveness, lost under continuous
  GnRH exposure (agonist castration), regained under pulses;
- androgen_memory: central adaptation to LH being held down by feedback; it builds
  over months to years, more the deeper the suppression (heavy doses), holds GnRH
  drive down after the androgen is gone and fades over months (the low-gonadotropin
  phase after TRT or steroids). A SERM, which lifts LH, builds none;
- leydig_capacity: Leydig-cell mass relative to a normal adult testis, following LH;
- leydig_receptor: Leydig LH-receptor availability, down-regulated by strong LH/hCG
  stimulation (the physiological ceiling of the hCG response);
- germinal_capacity: spermatogonia and Sertoli support relative to a normal adult
  testis; it regresses under suppression and regrows by proliferation (slowly from
  a few cells, as in men who never had GnRH drive);
- germinal_damage: capacity that years of suppression remove for years;
- inhibin: Sertoli-cell inhibin B, which follows FSH and the germ cells and brakes FSH;
- leydig_output: testosterone secretion, which follows LH/hCG stimulation with a lag of
  a day or two (steroidogenic enzymes are induced over days: the testosterone response
  to a large hCG dose peaks after 2-4 days).

Each state obeys dx/dt = rate * (target - x); :func:`integrate` advances the system
in exponential midpoint steps. Constants reach the kernel as one flat sequence in the
order of ``CONSTANTS`` (``patient_constants`` builds it by name). The kernel is plain
Python on floats; where numba is installed it is compiled (a 2-year run in about a
millisecond), and under Pyodide (JupyterLite) the same code runs uncompiled.
"""
from __future__ import annotations

import math

import numpy as np

from .patient import ORIGINS

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
          "leydig_receptor", "germinal_capacity", "germinal_damage", "inhibin", "leydig_output")
HORMONES = ("testosterone", "lh", "fsh", "estradiol", "itt", "support", "leydig_drive", "gnrh",
            "central_suppression")
INPUTS = ("exogenous_testosterone", "hcg_lh_equivalent", "estrogen_block", "aromatase_inhibition",
          "gonadorelin_pulsatile", "gonadorelin_desensitising")
# Per-patient constants, in the order the kernel reads them.
CONSTANTS = (
    "drive", "gain_t", "gain_e", "steepness", "memory_gain", "memory_exponent", "lh_at_rest",
    "gain_lh", "gain_fsh", "fsh_gnrh_exponent", "inhibin_gain", "inhibin_hill", "flare_gain",
    "receptor_resensitise", "receptor_desensitise", "feedback_rate",
    "memory_build_rate", "memory_fade_rate", "memory_fade_depth",
    "adrenal", "leydig_scale", "leydig_half", "leydig_hill", "leydig_trophic_exponent", "leydig_floor",
    "leydig_ceiling", "leydig_atrophy_rate", "leydig_regrowth_rate",
    "lh_receptor_downregulation", "lh_receptor_rate", "hcg_sensitivity",
    "aromatase", "testicular_estradiol_share", "itt_local_share", "itt_serum_share",
    "itt_half", "itt_hill", "fsh_half", "fsh_hill", "fsh_independent_share", "support_scale",
    "germinal_exponent", "germinal_floor", "germinal_reserve", "germinal_regression_rate",
    "germinal_growth_rate", "germinal_growth_fsh_share", "damage_build_rate", "damage_fade_rate", "damage_max",
    "inhibin_fsh_exponent", "inhibin_germ_share", "inhibin_rate", "steroidogenic_rate", "support_at_rest",
)
N_STATES, N_HORMONES, N_INPUTS = len(STATES), len(HORMONES), len(INPUTS)
assert N_STATES == 10, "_relax and integrate write the ten states out one by one"
# Index of each constant, as a module-level int the kernel (and numba) reads: c[GAIN_T] ...
globals().update({name.upper(): index for index, name in enumerate(CONSTANTS)})


def _hill(x, half, steepness):
    """x^h / (x^h + half^h) for x >= 0 (floats or arrays)."""
    powered = x ** steepness
    return powered / (powered + half ** steepness)


@_jitable
def hormones(y, u, c):
    """Hormones (order of ``HORMONES``, relative units) from state ``y``, exposures ``u``
    and constants ``c`` (sequences in the orders of STATES, INPUTS and CONSTANTS)."""
    sensed_t, sensed_e, receptor, memory, leydig, leydig_receptor, inhibin, leydig_output = (
        y[0], y[1], y[2], y[3], y[4], y[5], y[8], y[9])
    exogenous, hcg, estrogen_block, aromatase_block, pulsatile, desensitising = u[0], u[1], u[2], u[3], u[4], u[5]
    n = c[STEEPNESS]
    felt_e = (sensed_e * (1.0 - estrogen_block)) ** n          # SERMs hide estradiol from its receptors
    androgen = sensed_t ** n
    # the adaptation to long suppression (0 in an untreated man) holds GnRH drive down
    memory_brake = 1.0 / (1.0 + c[MEMORY_GAIN] * memory)
    hypothalamus = (c[DRIVE] * (1.0 + c[GAIN_T] + c[GAIN_E]) / (1.0 + c[GAIN_T] * androgen + c[GAIN_E] * felt_e)
                    * memory_brake)
    signal = receptor * (hypothalamus + pulsatile + c[FLARE_GAIN] * desensitising)
    lh = signal * (1.0 + c[GAIN_LH]) / (1.0 + c[GAIN_LH] * felt_e)
    fsh = (signal ** c[FSH_GNRH_EXPONENT] * (1.0 + c[GAIN_FSH]) / (1.0 + c[GAIN_FSH] * felt_e)
           * (1.0 + c[INHIBIN_GAIN]) / (1.0 + c[INHIBIN_GAIN] * inhibin ** c[INHIBIN_HILL]))
    stimulus = (lh + hcg * c[HCG_SENSITIVITY]) * leydig_receptor
    powered = stimulus ** c[LEYDIG_HILL]
    leydig_drive = c[LEYDIG_SCALE] * leydig * powered / (powered + c[LEYDIG_HALF] ** c[LEYDIG_HILL])
    testosterone = c[ADRENAL] + leydig_output + exogenous
    estradiol = c[AROMATASE] * (1.0 - aromatase_block) * ((1.0 - c[TESTICULAR_ESTRADIOL_SHARE]) * testosterone + c[TESTICULAR_ESTRADIOL_SHARE] * leydig_output)
    itt = c[ITT_LOCAL_SHARE] * leydig_output + c[ITT_SERUM_SHARE] * testosterone
    itt_n = itt ** c[ITT_HILL]
    fsh_n = fsh ** c[FSH_HILL]
    support = (c[SUPPORT_SCALE] * itt_n / (itt_n + c[ITT_HALF] ** c[ITT_HILL])
               * (c[FSH_INDEPENDENT_SHARE] + (1.0 - c[FSH_INDEPENDENT_SHARE]) * fsh_n / (fsh_n + c[FSH_HALF] ** c[FSH_HILL])))
    # central suppression: the share of GnRH drive the adaptation holds back
    return (testosterone, lh, fsh, estradiol, itt, support, leydig_drive, hypothalamus + pulsatile,
            1.0 - memory_brake)


@_jitable
def targets_and_rates(y, u, h, c):
    """For each state (order of STATES): the value it relaxes to and the rate (1/day)."""
    sensed_t, receptor, memory, leydig, leydig_receptor, germinal, damage = y[0], y[2], y[3], y[4], y[5], y[6], y[7]
    testosterone, lh, fsh, estradiol, support, leydig_drive = h[0], h[1], h[2], h[3], h[5], h[6]
    receptor_rate = c[RECEPTOR_RESENSITISE] + c[RECEPTOR_DESENSITISE] * u[5]
    # depth of suppression: e-folds by which feedback (not the adaptation itself) holds LH below
    # the man's untreated level; 0 when LH is at or above it, as under a SERM or after castration
    held_by_feedback = lh / (1.0 - h[8])
    depth = max(math.log(c[LH_AT_REST] / max(held_by_feedback, 1e-300)), 0.0)
    # dM/dt = build depth^p - fade w M: accumulates with dose x duration while LH is held down,
    # fades once it is not (w -> 1 as depth -> 0; suppression beyond MEMORY_FADE_DEPTH stops fading)
    building = c[MEMORY_BUILD_RATE] * depth ** c[MEMORY_EXPONENT]
    memory_rate = c[MEMORY_FADE_RATE] / (1.0 + (depth / c[MEMORY_FADE_DEPTH]) ** 2)
    memory_target = building / memory_rate
    stimulus = lh + u[1] * c[HCG_SENSITIVITY]
    leydig_target = min(max(stimulus ** c[LEYDIG_TROPHIC_EXPONENT], c[LEYDIG_FLOOR]), c[LEYDIG_CEILING])
    leydig_rate = c[LEYDIG_ATROPHY_RATE] if leydig_target < leydig else c[LEYDIG_REGROWTH_RATE]
    receptor_target = 1.0 / (1.0 + c[LH_RECEPTOR_DOWNREGULATION] * max(stimulus - 1.0, 0.0))
    # germ cells: regress towards what hormones support (never below the stem-cell floor);
    # regrow by proliferation, at a rate proportional to the cells present (logistic)
    ceiling = c[GERMINAL_RESERVE] * (1.0 - damage)
    germinal_target = min(support ** c[GERMINAL_EXPONENT], ceiling)
    fsh_n = fsh ** c[FSH_HILL]
    if germinal_target >= germinal:
        growth = c[GERMINAL_GROWTH_RATE] * ((1.0 - c[GERMINAL_GROWTH_FSH_SHARE]) + c[GERMINAL_GROWTH_FSH_SHARE] * fsh_n / (fsh_n + c[FSH_HALF] ** c[FSH_HILL])) * support
        germinal_rate = growth * germinal / max(germinal_target, 1e-12)
    else:
        floor = max(germinal_target, c[GERMINAL_FLOOR])
        if germinal > floor:
            germinal_target, germinal_rate = floor, c[GERMINAL_REGRESSION_RATE]
        else:       # below the floor already (a testis that never matured): no change without support
            germinal_target, germinal_rate = germinal, 0.0
    # lasting damage accrues only with support below the man's own untreated level
    deficit = min(max(1.0 - support / c[SUPPORT_AT_REST], 0.0), 1.0)
    damage_rate = deficit * c[DAMAGE_BUILD_RATE] + (1.0 - deficit) * c[DAMAGE_FADE_RATE]
    inhibin_target = (fsh ** c[INHIBIN_FSH_EXPONENT]) * ((1.0 - c[INHIBIN_GERM_SHARE]) + c[INHIBIN_GERM_SHARE] * germinal * min(support, 1.0))
    return ((testosterone, c[FEEDBACK_RATE]), (estradiol, c[FEEDBACK_RATE]), (c[RECEPTOR_RESENSITISE] / receptor_rate, receptor_rate),
            (memory_target, memory_rate), (leydig_target, leydig_rate), (receptor_target, c[LH_RECEPTOR_RATE]),
            (germinal_target, germinal_rate), (deficit * c[DAMAGE_MAX] * c[DAMAGE_BUILD_RATE] / damage_rate, damage_rate),
            (inhibin_target, c[INHIBIN_RATE]), (leydig_drive, c[STEROIDOGENIC_RATE]))


@_jitable
def _toward(x, target_and_rate, dt):
    target, rate = target_and_rate
    return target + (x - target) * math.exp(-rate * dt)


@_jitable
def _relax(start, anchor, u, c, dt):
    """Exponential step of length dt from ``start`` with targets and rates taken at ``anchor``
    (written out state by state: a tuple, not a list, keeps the compiled step allocation-free)."""
    tr = targets_and_rates(anchor, u, hormones(anchor, u, c), c)
    return (_toward(start[0], tr[0], dt), _toward(start[1], tr[1], dt), _toward(start[2], tr[2], dt),
            _toward(start[3], tr[3], dt), _toward(start[4], tr[4], dt), _toward(start[5], tr[5], dt),
            _toward(start[6], tr[6], dt), _toward(start[7], tr[7], dt), _toward(start[8], tr[8], dt),
            _toward(start[9], tr[9], dt))


@_jitable
def integrate(inputs, midpoints, y0, c, dt, stride, hormone_out, state_out):
    """Advance the state over the grid rows of ``inputs`` (steps x INPUTS), ``dt`` days
    apart, writing every ``stride``-th row of hormones and states into the flat
    output sequences (row-major). ``midpoints`` holds the exposures halfway between
    rows. Exponential midpoint steps: a half step to the midpoint, then the full step
    with targets and rates taken there (second order, stable for stiff relaxation)."""
    y = (y0[0], y0[1], y0[2], y0[3], y0[4], y0[5], y0[6], y0[7], y0[8], y0[9])
    steps = len(inputs)
    row = 0
    for step in range(steps):
        u = inputs[step]
        if step % stride == 0:
            h = hormones(y, u, c)
            for j in range(N_HORMONES):
                hormone_out[row * N_HORMONES + j] = h[j]
            for j in range(N_STATES):
                state_out[row * N_STATES + j] = y[j]
            row += 1
        if step == steps - 1:
            break
        half = _relax(y, y, u, c, dt / 2)
        y = _relax(y, half, midpoints[step], c, dt)


def integrate_cohort(inputs, midpoints, y0, c, dt, stride, hormone_out, state_out):
    """``integrate`` for each patient p: inputs[p], y0[p], c[p] -> hormone_out[p], state_out[p]
    (shared exposures arrive as a broadcast view, one copy for all). Compiled, patients run in
    parallel on every core (prange)."""
    for p in prange(len(c)):
        integrate(inputs[p], midpoints[p], y0[p], c[p], dt, stride, hormone_out[p], state_out[p])


def kernels():
    """(integrate, integrate_cohort, compiled): compiled with numba where available.

    Compiled functions take numpy arrays; the plain ones are fastest on lists of floats."""
    global _KERNELS
    if _KERNELS is None:
        if numba is None:
            _KERNELS = (integrate, integrate_cohort, False)
        else:
            jit = numba.njit(cache=True, nogil=True)
            _KERNELS = (jit(integrate), numba.njit(cache=True, nogil=True, parallel=True)(integrate_cohort), True)
    return _KERNELS


_KERNELS = None


def rhs(y, u, c):
    """dy/dt of the state in continuous time (for reference solvers such as solve_ivp)."""
    h = hormones(y, u, c)
    return [rate * (target - x) for x, (target, rate) in zip(y, targets_and_rates(y, u, h, c))]


def initial_state(steady: dict) -> np.ndarray:
    """The untreated steady state (patients x STATES) from :func:`steady_state` output."""
    return np.stack([steady[name] for name in STATES], axis=-1)


def _leydig_steady(lh, values: dict):
    """Leydig capacity, LH-receptor availability and output per unit reserve at a
    constant LH (relative), as the state equations settle at it."""
    capacity = np.clip(lh ** values["leydig_trophic_exponent"], values["leydig_capacity_floor"],
                       values["leydig_capacity_ceiling"])
    receptor = 1.0 / (1.0 + values["lh_receptor_downregulation"] * np.maximum(lh - 1.0, 0.0))
    adrenal = values["adrenal_testosterone"] / values["testosterone_reference"]
    scale = (1.0 - adrenal) / _hill(1.0, values["leydig_lh_half_saturation"], values["leydig_hill"])
    output = capacity * scale * _hill(receptor * lh, values["leydig_lh_half_saturation"], values["leydig_hill"])
    return capacity, receptor, output, scale


def _lh_for_output(wanted, values: dict):
    """The constant LH (relative) at which normal testes (reserve 1) put out ``wanted``
    (bisection on log LH; the output rises monotonically with LH)."""
    low, high = np.full(np.shape(wanted), -12.0), np.full(np.shape(wanted), math.log(200.0))
    for _ in range(60):
        middle = (low + high) / 2
        too_little = _leydig_steady(np.exp(middle), values)[2] < wanted
        low, high = np.where(too_little, middle, low), np.where(too_little, high, middle)
    return np.exp((low + high) / 2)


def support_of(itt, fsh, values: dict, itt_requirement=1.0):
    """Hormonal support of spermatogenesis before normalisation: intratesticular T is
    required; FSH adds, but high ITT alone (hCG) carries part of the way."""
    independent = values["sperm_fsh_independent_share"]
    return (_hill(itt, values["sperm_itt_half_saturation"] * itt_requirement, values["sperm_itt_hill"])
            * (independent + (1 - independent)
               * _hill(fsh, values["sperm_fsh_half_saturation"], values["sperm_fsh_hill"])))


def spermiation_survival(recent_support, values: dict):
    """Share of finished sperm released into the ejaculate, given the hormonal support
    of the last weeks: spermiation fails early when support collapses, before the
    spermatogenic pipeline empties."""
    early_loss = values["spermiation_share"]
    return (1 - early_loss) + early_loss * np.minimum(recent_support, 1.0)


def patient_constants(traits: dict, values: dict) -> tuple[np.ndarray, dict]:
    """Per-patient constants (patients x CONSTANTS) and the untreated steady state.

    ``traits`` are Patient fields, each a scalar or an array with one entry per virtual
    patient (NaN in a baseline array means "typical"). The steady state is solved so
    that it matches the given baselines exactly and is a fixed point of the state
    equations. Returns (constants, steady) where steady maps every name of STATES and
    HORMONES, plus "sperm" and "germinal_reserve", to one value per patient.
    """
    def trait(name, default=np.nan):
        value = traits.get(name)
        return np.atleast_1d(np.asarray(default if value is None else value, dtype=float))

    age = trait("age")
    origin = np.atleast_1d(np.asarray(traits.get("low_testosterone_origin", "mixed")))
    unknown = set(origin.tolist()) - set(ORIGINS)
    if unknown:
        raise ValueError(f"low_testosterone_origin must be one of {ORIGINS}, got {sorted(unknown)}")
    no_gnrh, central, testicular = origin == "no_gnrh", origin == "central", origin == "testicular"
    sensitivity = trait("feedback_sensitivity", 1.0)
    n = values["feedback_hill"]
    gain_t = values["hypothalamic_androgen_gain"] * sensitivity
    gain_e = values["hypothalamic_estrogen_gain"] * sensitivity
    gain_lh = values["pituitary_estrogen_gain_lh"] * sensitivity
    gain_fsh = values["pituitary_estrogen_gain_fsh"] * sensitivity
    memory_gain, memory_exponent = values["androgen_memory_gain"], values["androgen_memory_exponent"]
    reference_t = values["testosterone_reference"]
    adrenal = values["adrenal_testosterone"] / reference_t

    typical_t = np.where(no_gnrh, values["hh_testosterone"],
                         reference_t - values["age_testosterone_decline"] * np.maximum(0.0, age - values["age_decline_onset"]))
    given_t = trait("baseline_testosterone")
    t_star = np.where(np.isnan(given_t), typical_t, given_t) / reference_t
    leydig_out = t_star - adrenal
    if np.any(leydig_out <= 0):
        raise ValueError(f"a baseline testosterone must exceed the adrenal share of "
                         f"{values['adrenal_testosterone']:g} ng/dL")
    share = values["testicular_estradiol_share"]
    aromatase = trait("aromatase_activity", 1.0) / ((1 - share) + share * (1 - adrenal))
    e_star = aromatase * ((1 - share) * t_star + share * leydig_out)
    shape = (1 + gain_t + gain_e) / (1 + gain_t * t_star ** n + gain_e * e_star ** n)
    pituitary_lh = (1 + gain_lh) / (1 + gain_lh * e_star ** n)

    given_lh = trait("baseline_lh") / values["lh_reference"]
    lh_star = np.where(testicular, shape * pituitary_lh, 1.0)             # normal drive / typical LH
    solved = (central | no_gnrh) & np.isnan(given_lh)
    if np.any(solved):
        most = _leydig_steady(np.array(200.0), values)[2]
        if np.any(solved & (leydig_out >= most)):
            raise ValueError(f"a baseline testosterone above {(most + adrenal) * reference_t:.0f} ng/dL cannot "
                             "come from normal testes; use low_testosterone_origin='testicular' or 'mixed'")
        lh_star = np.where(solved, _lh_for_output(np.where(solved, leydig_out, 1.0), values), lh_star)
    lh_star = np.where(np.isnan(given_lh), lh_star, given_lh)
    leydig_capacity, lh_receptor, output_per_reserve, leydig_scale = _leydig_steady(lh_star, values)
    leydig_reserve = np.where(solved, 1.0, leydig_out / output_per_reserve)
    drive = lh_star / (shape * pituitary_lh)

    # FSH, inhibin B and germ cells settle together: iterate to the fixed point
    itt_serum = (values["itt_serum_equilibration"] * reference_t * 10 / values["testosterone_molar_mass"]
                 / values["itt_reference"])
    itt_local = (1 - itt_serum) / (1 - adrenal)
    itt_star = itt_local * leydig_out + itt_serum * t_star
    itt_requirement = trait("itt_requirement", 1.0)
    support_scale = 1.0 / support_of(1.0, 1.0, values)
    signal = lh_star / pituitary_lh
    fsh_without_inhibin = signal ** values["fsh_gnrh_exponent"] * (1 + gain_fsh) / (1 + gain_fsh * e_star ** n)
    inhibin_gain, inhibin_hill = values["inhibin_gain_fsh"], values["inhibin_hill"]
    germ_share, exponent = values["inhibin_germ_share"], values["germinal_trophic_exponent"]
    given_sperm = trait("baseline_sperm")
    reserve = np.ones_like(t_star)
    sperm_scale = np.full_like(t_star, values["sperm_reference"])
    inhibin = np.ones_like(t_star)
    for _ in range(200):
        previous = inhibin
        fsh = fsh_without_inhibin * (1 + inhibin_gain) / (1 + inhibin_gain * inhibin ** inhibin_hill)
        support = support_scale * support_of(itt_star, fsh, values, itt_requirement)
        supported = support ** exponent
        survival = spermiation_survival(support, values)
        typical_sperm = values["sperm_reference"] * np.minimum(supported, 1.0) * support * survival
        # a man with fewer sperm than his hormones support has fewer germ cells (a lower reserve)
        reserve = np.where(np.isnan(given_sperm) | (given_sperm >= typical_sperm), 1.0,
                           given_sperm / np.maximum(values["sperm_reference"] * support * survival,
                                                                      1e-300))
        germinal = np.minimum(supported, reserve)
        sperm_scale = np.where(np.isnan(given_sperm) | (given_sperm < typical_sperm), values["sperm_reference"],
                               given_sperm / np.maximum(germinal * support * survival, 1e-300))
        inhibin = fsh ** values["inhibin_fsh_exponent"] * ((1 - germ_share) + germ_share * germinal * np.minimum(support, 1.0))
        if np.all(np.abs(inhibin - previous) <= 1e-13 * inhibin):
            break
    sperm_star = sperm_scale * germinal * support * survival

    decades_above_35 = np.maximum(0.0, age - 35.0) / 10.0
    recovery = trait("recovery_speed", 1.0) / (1 + values["age_recovery_slowing"] * decades_above_35)
    per_patient = {
        "drive": drive, "gain_t": gain_t, "gain_e": gain_e, "steepness": n, "memory_gain": memory_gain,
        "memory_exponent": memory_exponent, "lh_at_rest": lh_star,
        "gain_lh": gain_lh, "gain_fsh": gain_fsh, "fsh_gnrh_exponent": values["fsh_gnrh_exponent"],
        "inhibin_gain": inhibin_gain, "inhibin_hill": inhibin_hill, "flare_gain": values["gonadorelin_flare_gain"],
        "receptor_resensitise": values["gnrh_receptor_resensitisation_rate"],
        "receptor_desensitise": values["gnrh_receptor_desensitisation_rate"],
        "feedback_rate": 1.0 / values["feedback_lag"],
        "memory_build_rate": 1.0 / values["androgen_memory_build_time"],
        "memory_fade_rate": recovery / values["androgen_memory_fade_time"],
        "memory_fade_depth": values["androgen_memory_fade_depth"],
        "adrenal": adrenal, "leydig_scale": leydig_scale * leydig_reserve,
        "leydig_half": values["leydig_lh_half_saturation"], "leydig_hill": values["leydig_hill"],
        "leydig_trophic_exponent": values["leydig_trophic_exponent"], "leydig_floor": values["leydig_capacity_floor"],
        "leydig_ceiling": values["leydig_capacity_ceiling"],
        "leydig_atrophy_rate": 1.0 / values["leydig_atrophy_time"],
        "leydig_regrowth_rate": recovery / values["leydig_recovery_time"],
        "lh_receptor_downregulation": values["lh_receptor_downregulation"],
        "lh_receptor_rate": 1.0 / values["lh_receptor_time"], "hcg_sensitivity": trait("hcg_sensitivity", 1.0),
        "aromatase": aromatase, "testicular_estradiol_share": share, "itt_local_share": itt_local,
        "itt_serum_share": itt_serum, "itt_half": values["sperm_itt_half_saturation"] * itt_requirement,
        "itt_hill": values["sperm_itt_hill"], "fsh_half": values["sperm_fsh_half_saturation"],
        "fsh_hill": values["sperm_fsh_hill"], "fsh_independent_share": values["sperm_fsh_independent_share"],
        "support_scale": support_scale, "germinal_exponent": exponent, "germinal_floor": values["germinal_floor"],
        "germinal_reserve": reserve, "germinal_regression_rate": 1.0 / values["germinal_regression_time"],
        "germinal_growth_rate": recovery * values["germinal_growth_rate"],
        "germinal_growth_fsh_share": values["germinal_growth_fsh_share"],
        "damage_build_rate": 1.0 / values["germinal_damage_time"],
        "damage_fade_rate": recovery / values["germinal_damage_recovery_time"],
        "damage_max": values["germinal_damage_max"], "inhibin_fsh_exponent": values["inhibin_fsh_exponent"],
        "inhibin_germ_share": germ_share, "inhibin_rate": 1.0 / values["inhibin_lag"],
        "steroidogenic_rate": 1.0 / values["leydig_response_time"],
        "support_at_rest": np.maximum(support, 1e-12),
    }
    patients = len(t_star)
    constants = np.empty((patients, len(CONSTANTS)))
    for index, name in enumerate(CONSTANTS):
        constants[:, index] = per_patient[name]
    steady = {
        "sensed_testosterone": t_star, "sensed_estradiol": e_star, "gnrh_receptor": np.ones(patients),
        "androgen_memory": np.zeros(patients), "leydig_capacity": leydig_capacity, "leydig_receptor": lh_receptor,
        "germinal_capacity": germinal, "germinal_damage": np.zeros(patients), "inhibin": inhibin,
        "leydig_output": leydig_out, "leydig_drive": leydig_out,
        "testosterone": t_star, "lh": lh_star, "fsh": fsh, "estradiol": e_star, "itt": itt_star,
        "support": support, "gnrh": drive * shape, "central_suppression": np.zeros(patients),
        "sperm": sperm_star, "sperm_scale": sperm_scale, "serm_sensitivity": trait("serm_sensitivity", 1.0),
    }
    return constants, steady
