"""The HPG feedback system: a pure right-hand side, no I/O.

Quantities inside the model are relative to the reference man of
``data/parameters.csv`` (1 = his untreated level); :mod:`hpgwidgets.simulation`
turns them into clinical units.

Fast hormones (GnRH drive, LH, FSH, testosterone, estradiol, intratesticular T)
settle within hours, so they are algebraic functions of the slow state and of
the drug exposures. The slow state carries what takes days to years:

- sensed_testosterone, sensed_estradiol: the sex-steroid levels as the
  hypothalamus and pituitary register them (first-order lag);
- gnrh_receptor: pituitary responsiveness, lost under continuous GnRH exposure;
- leydig_capacity, germinal_capacity: testicular capacities relative to the
  patient's untreated state, shrinking under suppression, regrowing slowly;
- germinal_damage: capacity that long suppression removes for years;
- inhibin: Sertoli-cell inhibin B output relative to the untreated state;
- gonadotroph_capacity: the pituitary's capacity to make LH and FSH, which dwindles
  under months of low GnRH stimulation and regrows over months after it returns.

Each state obeys dx/dt = rate * (target - x) with target and rate depending on
the present hormones; :func:`integrate` advances it in exponential midpoint steps
(see there), :func:`rhs` gives the same system in continuous time for reference
solvers. The same code runs on floats (one patient) or on numpy
arrays (a cohort of patients).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

STATES = ("sensed_testosterone", "sensed_estradiol", "gnrh_receptor", "leydig_capacity",
          "germinal_capacity", "germinal_damage", "inhibin", "gonadotroph_capacity")
HORMONES = ("testosterone", "lh", "fsh", "estradiol", "itt", "support", "leydig_output", "gnrh", "gnrh_at_receptors")
INPUTS = ("exogenous_testosterone", "hcg_lh_equivalent", "estrogen_block", "aromatase_inhibition",
          "gonadorelin_pulsatile", "gonadorelin_desensitising")


@dataclass(frozen=True)
class Ops:
    """Elementwise operations for floats (fast, one patient) or arrays (cohort)."""

    exp: object
    minimum: object
    maximum: object


FLOAT_OPS = Ops(math.exp, min, max)
ARRAY_OPS = Ops(np.exp, np.minimum, np.maximum)


def _hill(x, half, steepness):
    powered = x ** steepness
    return powered / (powered + half ** steepness)


def spermatogenic_support(itt, fsh, values: dict, itt_requirement=1.0):
    """Hormonal support of spermatogenesis (1 = reference man): intratesticular T is
    required; FSH adds to it, but high ITT alone (hCG) carries part of the way.
    ``itt_requirement`` scales the ITT a man's testes need (a patient trait)."""
    fsh_independent = values["sperm_fsh_independent_share"]
    return (_hill(itt, values["sperm_itt_half_saturation"] * itt_requirement, values["sperm_itt_hill"])
            * (fsh_independent + (1 - fsh_independent)
               * _hill(fsh, values["sperm_fsh_half_saturation"], values["sperm_fsh_hill"])))


def patient_constants(traits: dict, values: dict) -> dict:
    """Per-patient constants, solved so the untreated state is a steady state.

    ``traits`` are Patient fields; each may be a scalar or a numpy array (one
    entry per virtual patient; NaN in a baseline array means "typical for age").
    """
    age = np.asarray(traits["age"], dtype=float)
    sensitivity = np.asarray(traits["feedback_sensitivity"], dtype=float)
    steepness = values["feedback_hill"]
    gain_t = values["hypothalamic_androgen_gain"] * sensitivity
    gain_e = values["hypothalamic_estrogen_gain"] * sensitivity
    gain_lh = values["pituitary_estrogen_gain_lh"] * sensitivity
    gain_fsh = values["pituitary_estrogen_gain_fsh"] * sensitivity
    aromatase = np.asarray(traits["aromatase_activity"], dtype=float)

    typical_t = values["testosterone_reference"] - values["age_testosterone_decline"] * np.maximum(
        0.0, age - values["age_decline_onset"])
    given_t = traits.get("baseline_testosterone")
    given_t = np.nan if given_t is None else np.asarray(given_t, dtype=float)
    t_star = np.where(np.isnan(given_t), typical_t, given_t) / values["testosterone_reference"]
    e_star = aromatase * t_star

    drive_shape = (1 + gain_t + gain_e) / (1 + gain_t * t_star ** steepness + gain_e * e_star ** steepness)
    pituitary_lh = (1 + gain_lh) / (1 + gain_lh * e_star ** steepness)
    half, leydig_steepness = values["leydig_lh_half_saturation"], values["leydig_hill"]
    response_at_reference = _hill(1.0, half, leydig_steepness)
    central = np.asarray(traits["low_testosterone_origin"]) == "central"
    # testicular origin: normal GnRH drive, Leydig reserve absorbs the baseline
    lh_testicular = drive_shape * pituitary_lh
    reserve_testicular = t_star * response_at_reference / _hill(lh_testicular, half, leydig_steepness)
    # central origin: normal testes, GnRH drive absorbs the baseline
    output_fraction = np.minimum(t_star * response_at_reference, 1 - 1e-9)
    lh_central = half * (output_fraction / (1 - output_fraction)) ** (1 / leydig_steepness)
    given_lh = traits.get("baseline_lh")
    given_lh = np.nan if given_lh is None else np.asarray(given_lh, dtype=float) / values["lh_reference"]
    measured = ~np.isnan(given_lh)
    if np.any(central & ~measured & (t_star * response_at_reference >= 1)):
        limit = values["testosterone_reference"] / response_at_reference
        raise ValueError(f"a baseline testosterone above {limit:.0f} ng/dL cannot have a central origin: "
                         "normal testes cannot make that much; use low_testosterone_origin='testicular'")
    lh_star = np.where(central, lh_central, lh_testicular)
    drive = np.where(central, lh_central / (drive_shape * pituitary_lh), 1.0)
    leydig_reserve = np.where(central, 1.0, reserve_testicular)
    # measured LH as well: both the GnRH drive and the Leydig reserve follow from the pair
    if np.any(measured):
        lh_measured = np.where(measured, given_lh, 1.0)
        lh_star = np.where(measured, lh_measured, lh_star)
        drive = np.where(measured, lh_measured / (drive_shape * pituitary_lh), drive)
        leydig_reserve = np.where(measured, t_star * response_at_reference / _hill(lh_measured, half, leydig_steepness),
                                  leydig_reserve)

    pituitary_fsh = (1 + gain_fsh) / (1 + gain_fsh * e_star ** steepness)
    fsh_star = (drive * drive_shape) ** values["fsh_gnrh_exponent"] * pituitary_fsh
    itt_star = t_star  # at steady state Leydig output equals serum T (relative units)
    itt_requirement = np.asarray(traits.get("itt_requirement", 1.0), dtype=float)
    support_reference = spermatogenic_support(1.0, 1.0, values, itt_requirement)
    support_star = spermatogenic_support(itt_star, fsh_star, values, itt_requirement)
    given_sperm = traits.get("baseline_sperm")
    given_sperm = np.nan if given_sperm is None else np.asarray(given_sperm, dtype=float)
    typical_sperm = values["sperm_reference"] * support_star / support_reference
    sperm_star = np.where(np.isnan(given_sperm), typical_sperm, given_sperm)

    decades_above_35 = np.maximum(0.0, age - 35.0) / 10.0
    recovery = np.asarray(traits["recovery_speed"], dtype=float) / (1 + values["age_recovery_slowing"] * decades_above_35)
    itt_serum_share = (values["itt_serum_equilibration"] * values["testosterone_reference"] * 10
                       / values["testosterone_molar_mass"]) / values["itt_reference"]
    constants = {
        "gain_t": gain_t, "gain_e": gain_e, "gain_lh": gain_lh, "gain_fsh": gain_fsh,
        "steepness": steepness, "aromatase": aromatase, "drive": drive,
        "leydig_reserve": leydig_reserve, "t_star": t_star, "e_star": e_star, "lh_star": lh_star,
        "fsh_star": fsh_star, "support_star": support_star, "sperm_star": sperm_star,
        "signal_star": drive * drive_shape,
        "itt_half_n": (values["sperm_itt_half_saturation"] * itt_requirement) ** values["sperm_itt_hill"],
        "recovery": recovery, "itt_serum_share": itt_serum_share,
        "hcg_sensitivity": np.asarray(traits["hcg_sensitivity"], dtype=float),
        "serm_sensitivity": np.asarray(traits["serm_sensitivity"], dtype=float),
    }
    # one patient: plain floats (fast scalar arithmetic); a cohort: arrays of one common shape
    shape = np.broadcast_shapes(*(np.shape(value) for value in constants.values()))
    for key, value in constants.items():
        constants[key] = float(value) if shape == () else np.broadcast_to(value, shape).astype(float)
    for name in ("leydig_lh_half_saturation", "leydig_hill", "fsh_gnrh_exponent", "inhibin_gain_fsh",
                 "inhibin_hill", "testicular_estradiol_share", "sperm_itt_half_saturation", "sperm_itt_hill",
                 "sperm_fsh_half_saturation", "sperm_fsh_hill", "sperm_fsh_independent_share", "gonadorelin_flare_gain",
                 "gnrh_receptor_desensitisation_rate", "gnrh_receptor_resensitisation_rate",
                 "leydig_capacity_floor", "leydig_capacity_ceiling", "leydig_trophic_exponent",
                 "germinal_floor", "germinal_trophic_exponent", "germinal_damage_max",
                 "inhibin_fsh_exponent", "inhibin_germ_share", "gonadotroph_trophic_exponent",
                 "gonadotroph_capacity_floor"):
        constants[name] = values[name]
    constants["response_at_reference"] = response_at_reference
    constants["itt_local_share"] = 1.0 - itt_serum_share
    constants["feedback_rate"] = 1.0 / values["feedback_lag"]
    constants["inhibin_rate"] = 1.0 / values["inhibin_lag"]
    constants["gonadotroph_atrophy_rate"] = 1.0 / values["gonadotroph_atrophy_time"]
    constants["gonadotroph_recovery_rate"] = constants["recovery"] / values["gonadotroph_recovery_time"]
    constants["leydig_atrophy_rate"] = 1.0 / values["leydig_atrophy_time"]
    constants["leydig_recovery_rate"] = constants["recovery"] / values["leydig_recovery_time"]
    constants["germinal_regression_rate"] = 1.0 / values["germinal_regression_time"]
    constants["germinal_recovery_rate"] = constants["recovery"] / values["germinal_recovery_time"]
    constants["damage_rate"] = 1.0 / values["germinal_damage_time"]
    constants["damage_recovery_rate"] = constants["recovery"] / values["germinal_damage_recovery_time"]
    return constants


def initial_state(c: dict) -> tuple:
    """The untreated steady state (all capacities at the patient's own level)."""
    ones = c["t_star"] * 0 + 1.0    # a float for one patient, an array for a cohort
    return (c["t_star"], c["e_star"], ones, ones, ones, ones * 0, ones, ones)


def build_system(c: dict, ops: Ops = FLOAT_OPS):
    """The model's equations for one set of patient constants ``c``.

    Returns ``(hormones, targets_and_rates, axis)``:

    - ``hormones(y, u)``: the fast hormones from slow state ``y`` and drug exposures
      ``u`` (relative units), in the order of ``HORMONES``;
    - ``targets_and_rates(y, u, h)``: for each slow state, the value it relaxes to and
      the rate (1/day) at which it does so, given the hormones ``h``;
    - ``axis(sensed_t, sensed_e, receptor, leydig, gonadotrophs, u)``: hypothalamus to serum
      steroids only; its first two values (testosterone, estradiol) are what the
      sensed-steroid loop feeds back on.

    Constants are bound once as local variables: these functions run millions of
    times in a cohort, and a dictionary lookup per use would double their cost.
    """
    n = c["steepness"]
    drive, gain_t, gain_e = c["drive"], c["gain_t"], c["gain_e"]
    drive_norm = drive * (1 + gain_t + gain_e)
    gain_lh, gain_fsh = c["gain_lh"], c["gain_fsh"]
    lh_norm, fsh_norm = 1 + gain_lh, 1 + gain_fsh
    flare = c["gonadorelin_flare_gain"]
    fsh_exponent = c["fsh_gnrh_exponent"]
    inhibin_gain, inhibin_hill = c["inhibin_gain_fsh"], c["inhibin_hill"]
    hcg_sensitivity = c["hcg_sensitivity"]
    leydig_half, leydig_steepness = c["leydig_lh_half_saturation"], c["leydig_hill"]
    leydig_scale = c["leydig_reserve"] / c["response_at_reference"]
    share = c["testicular_estradiol_share"]
    aromatase = c["aromatase"]
    itt_local, itt_serum = c["itt_local_share"], c["itt_serum_share"]
    leydig_half_n = leydig_half ** leydig_steepness
    fsh_independent = c["sperm_fsh_independent_share"]
    itt_hill, fsh_hill = c["sperm_itt_hill"], c["sperm_fsh_hill"]
    itt_half_n, fsh_half_n = c["itt_half_n"], c["sperm_fsh_half_saturation"] ** fsh_hill
    support_scale = 1.0 / c["support_star"]
    feedback = c["feedback_rate"]
    resensitise, desensitise = c["gnrh_receptor_resensitisation_rate"], c["gnrh_receptor_desensitisation_rate"]
    lh_star, fsh_star = c["lh_star"], c["fsh_star"]
    leydig_exponent, leydig_floor, leydig_ceiling = (c["leydig_trophic_exponent"], c["leydig_capacity_floor"],
                                                     c["leydig_capacity_ceiling"])
    leydig_down, leydig_up = c["leydig_atrophy_rate"], c["leydig_recovery_rate"]
    germinal_exponent, germinal_floor = c["germinal_trophic_exponent"], c["germinal_floor"]
    germinal_down, germinal_up = c["germinal_regression_rate"], c["germinal_recovery_rate"]
    damage_rate_on, damage_rate_off, damage_max = c["damage_rate"], c["damage_recovery_rate"], c["germinal_damage_max"]
    inhibin_exponent, germ_share, inhibin_rate = c["inhibin_fsh_exponent"], c["inhibin_germ_share"], c["inhibin_rate"]
    signal_star = c["signal_star"]
    gonadotroph_exponent, gonadotroph_floor = c["gonadotroph_trophic_exponent"], c["gonadotroph_capacity_floor"]
    gonadotroph_down, gonadotroph_up = c["gonadotroph_atrophy_rate"], c["gonadotroph_recovery_rate"]
    minimum, maximum = ops.minimum, ops.maximum

    def axis(sensed_t, sensed_e, receptor, leydig, gonadotrophs, u):
        """Hypothalamus -> pituitary -> Leydig cells -> serum steroids."""
        exogenous_t, hcg_lh, block, aromatase_block, pulsatile, desensitising = u
        felt_e_n = (sensed_e * (1.0 - block)) ** n     # SERMs hide estradiol from its receptors
        hypothalamus = drive_norm / (1 + gain_t * sensed_t ** n + gain_e * felt_e_n)
        gnrh_at_receptors = receptor * (hypothalamus + pulsatile + flare * desensitising)
        pituitary_signal = gonadotrophs * gnrh_at_receptors
        lh = pituitary_signal * lh_norm / (1 + gain_lh * felt_e_n)
        stimulus_n = (lh + hcg_lh * hcg_sensitivity) ** leydig_steepness
        leydig_output = leydig_scale * leydig * stimulus_n / (stimulus_n + leydig_half_n)
        testosterone = leydig_output + exogenous_t
        estradiol = aromatase * (1.0 - aromatase_block) * ((1 - share) * testosterone + share * leydig_output)
        return (testosterone, estradiol, lh, leydig_output, pituitary_signal, felt_e_n, hypothalamus + pulsatile,
                gnrh_at_receptors)

    def hormones(y, u):
        (testosterone, estradiol, lh, leydig_output, pituitary_signal, felt_e_n, gnrh,
         gnrh_at_receptors) = axis(y[0], y[1], y[2], y[3], y[7], u)
        fsh = (pituitary_signal ** fsh_exponent * fsh_norm / (1 + gain_fsh * felt_e_n)
               * (1 + inhibin_gain) / (1 + inhibin_gain * y[6] ** inhibin_hill))
        itt = itt_local * leydig_output + itt_serum * testosterone
        # as spermatogenic_support(), inlined: this line runs millions of times in a cohort
        itt_n, fsh_n = itt ** itt_hill, fsh ** fsh_hill
        support = (support_scale * itt_n / (itt_n + itt_half_n)
                   * (fsh_independent + (1 - fsh_independent) * fsh_n / (fsh_n + fsh_half_n)))
        return testosterone, lh, fsh, estradiol, itt, support, leydig_output, gnrh / drive, gnrh_at_receptors

    def targets_and_rates(y, u, h):
        sensed_t, sensed_e, receptor, leydig, germinal, damage, inhibin, gonadotrophs = y
        testosterone, lh, fsh, estradiol, itt, support, leydig_output, gnrh, gnrh_at_receptors = h
        # GnRH receptor: resensitises at a constant rate, desensitises under continuous exposure
        receptor_rate = resensitise + desensitise * u[5]
        # Leydig capacity follows LH-like stimulation relative to the patient's own baseline
        leydig_target = minimum(maximum(((lh + u[1] * hcg_sensitivity) / lh_star) ** leydig_exponent,
                                        leydig_floor), leydig_ceiling)
        shrinking = leydig_target < leydig
        # germinal epithelium follows hormonal support, capped by lasting damage
        germinal_target = minimum(maximum(support ** germinal_exponent, germinal_floor), 1.0 - damage)
        regressing = germinal_target < germinal
        deficit = minimum(maximum(1.0 - support, 0.0), 1.0)
        damage_rate = deficit * damage_rate_on + (1.0 - deficit) * damage_rate_off
        # gonadotrophs follow the GnRH stimulation they receive, relative to the untreated state
        gonadotroph_target = minimum(maximum((gnrh_at_receptors / signal_star) ** gonadotroph_exponent,
                                             gonadotroph_floor), 1.0)
        dwindling = gonadotroph_target < gonadotrophs
        inhibin_target = ((fsh / fsh_star) ** inhibin_exponent
                          * ((1 - germ_share) + germ_share * germinal * minimum(support, 2.0)))
        return (
            (testosterone, feedback), (estradiol, feedback),
            (resensitise / receptor_rate, receptor_rate),
            (leydig_target, shrinking * leydig_down + (1 - shrinking) * leydig_up),
            (germinal_target, regressing * germinal_down + (1 - regressing) * germinal_up),
            (deficit * damage_max * damage_rate_on / damage_rate, damage_rate),
            (inhibin_target, inhibin_rate),
            (gonadotroph_target, dwindling * gonadotroph_down + (1 - dwindling) * gonadotroph_up),
        )

    return hormones, targets_and_rates, axis


def _relax(anchor, h, u, targets_and_rates, exp, gains, start, dt):
    """One exponential step of length ``dt`` from state ``start``, with targets and
    rates taken at state ``anchor`` (hormones ``h``, exposures ``u``).

    For the two sensed-steroid states the target and rate are corrected by the loop's
    local slope s (exponential Rosenbrock; ``gains`` holds 1 - s for each), which keeps
    the steep loop sensed T -> LH -> T stable at any step length. Written out state by
    state because it is the innermost loop of every simulation.
    """
    (t0, k0), (t1, k1), (t2, k2), (t3, k3), (t4, k4), (t5, k5), (t6, k6), (t7, k7) = targets_and_rates(anchor, u, h)
    gain_t, gain_e = gains
    t0 = anchor[0] + (t0 - anchor[0]) / gain_t
    t1 = anchor[1] + (t1 - anchor[1]) / gain_e
    x0, x1, x2, x3, x4, x5, x6, x7 = start
    return (t0 + (x0 - t0) * exp(-k0 * gain_t * dt), t1 + (x1 - t1) * exp(-k1 * gain_e * dt),
            t2 + (x2 - t2) * exp(-k2 * dt), t3 + (x3 - t3) * exp(-k3 * dt), t4 + (x4 - t4) * exp(-k4 * dt),
            t5 + (x5 - t5) * exp(-k5 * dt), t6 + (x6 - t6) * exp(-k6 * dt), t7 + (x7 - t7) * exp(-k7 * dt))


def integrate(inputs, midpoint_inputs, c: dict, dt: float, ops: Ops = FLOAT_OPS):
    """Advance the slow state over ``len(inputs[0])`` grid points ``dt`` days apart.

    ``inputs`` are the six INPUTS series at the grid points and ``midpoint_inputs``
    the same halfway between them (lists of floats for one patient; arrays of shape
    (steps, patients) for a cohort). Returns (hormone rows, state rows), lists over
    grid points of tuples.

    Each step is an exponential midpoint step (second order): a half step to the
    midpoint, then the full step with targets and rates taken there. The sensed
    steroids close a steep loop (sensed T -> LH -> T); their local slope, estimated
    by a 1% nudge, enters as an exponential Rosenbrock correction so that no step
    length can make the loop oscillate.
    """
    y = initial_state(c)
    hormones, targets_and_rates, axis = build_system(c, ops)
    minimum, exp = ops.minimum, ops.exp
    nudge = 0.01
    nudged_scale, half_step = 1 + nudge, dt / 2
    hormone_rows, state_rows = [], []
    grid_points = zip(*inputs)
    for u, u_mid in zip(grid_points, zip(*midpoint_inputs)):
        h = hormones(y, u)
        hormone_rows.append(h)
        state_rows.append(y)
        if len(state_rows) == len(inputs[0]):
            break
        nudged = axis(y[0] * nudged_scale, y[1] * nudged_scale, y[2], y[3], y[7], u)
        # 1 - d(target)/d(state) along the direction in which both sensed levels move together (>= 1)
        gains = (1 - minimum((nudged[0] - h[0]) / (nudge * y[0]), 0.0),
                 1 - minimum((nudged[1] - h[3]) / (nudge * y[1]), 0.0))
        y_mid = _relax(y, h, u, targets_and_rates, exp, gains, y, half_step)
        y = _relax(y_mid, hormones(y_mid, u_mid), u_mid, targets_and_rates, exp, gains, y, dt)
    return hormone_rows, state_rows


def rhs(y, u, c: dict, ops: Ops = FLOAT_OPS):
    """dy/dt of the slow state (continuous time, for reference solvers such as solve_ivp)."""
    hormones, targets_and_rates, _ = build_system(c, ops)
    return [rate * (target - x) for x, (target, rate) in zip(y, targets_and_rates(y, u, hormones(y, u)))]
