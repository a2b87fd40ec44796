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
- inhibin: Sertoli-cell inhibin B output relative to the untreated state.

Each state obeys dx/dt = rate * (target - x) with target and rate depending on
the present hormones; :func:`integrate` advances it exactly for piecewise-constant
inputs (exponential Euler), :func:`rhs` gives the same system in continuous time
for reference solvers. The same code runs on floats (one patient) or on numpy
arrays (a cohort of patients).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

STATES = ("sensed_testosterone", "sensed_estradiol", "gnrh_receptor", "leydig_capacity",
          "germinal_capacity", "germinal_damage", "inhibin")
ALGEBRAIC = ("testosterone", "lh", "fsh", "estradiol", "itt", "support", "leydig_output", "gnrh")
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


def spermatogenic_support(itt, fsh, values: dict):
    """Hormonal support of spermatogenesis (1 = reference man): intratesticular T is
    required; FSH adds to it, but high ITT alone (hCG) carries part of the way."""
    fsh_independent = values["sperm_fsh_independent_share"]
    return (_hill(itt, values["sperm_itt_half_saturation"], values["sperm_itt_hill"])
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
    if np.any(central & (t_star * response_at_reference >= 1)):
        limit = values["testosterone_reference"] / response_at_reference
        raise ValueError(f"a baseline testosterone above {limit:.0f} ng/dL cannot have a central origin: "
                         "normal testes cannot make that much; use low_testosterone_origin='testicular'")
    lh_star = np.where(central, lh_central, lh_testicular)
    drive = np.where(central, lh_central / (drive_shape * pituitary_lh), 1.0)
    leydig_reserve = np.where(central, 1.0, reserve_testicular)

    pituitary_fsh = (1 + gain_fsh) / (1 + gain_fsh * e_star ** steepness)
    fsh_star = (drive * drive_shape) ** values["fsh_gnrh_exponent"] * pituitary_fsh
    itt_star = t_star  # at steady state Leydig output equals serum T (relative units)
    support_reference = spermatogenic_support(1.0, 1.0, values)
    support_star = spermatogenic_support(itt_star, fsh_star, values)
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
        "recovery": recovery, "itt_serum_share": itt_serum_share,
        "hcg_sensitivity": np.asarray(traits["hcg_sensitivity"], dtype=float),
        "serm_sensitivity": np.asarray(traits["serm_sensitivity"], dtype=float),
    }
    scalar = all(np.ndim(value) == 0 for value in constants.values())
    for key, value in constants.items():
        constants[key] = float(value) if scalar else np.broadcast_to(value, np.broadcast_shapes(
            *(np.shape(v) for v in constants.values()))).astype(float)
    for name in ("leydig_lh_half_saturation", "leydig_hill", "fsh_gnrh_exponent", "inhibin_gain_fsh",
                 "inhibin_hill", "testicular_estradiol_share", "sperm_itt_half_saturation", "sperm_itt_hill",
                 "sperm_fsh_half_saturation", "sperm_fsh_hill", "sperm_fsh_independent_share", "gonadorelin_flare_gain",
                 "gnrh_receptor_desensitisation_rate", "gnrh_receptor_resensitisation_rate",
                 "leydig_capacity_floor", "leydig_capacity_ceiling", "leydig_trophic_exponent",
                 "germinal_floor", "germinal_trophic_exponent", "germinal_damage_max",
                 "inhibin_fsh_exponent", "inhibin_germ_share"):
        constants[name] = values[name]
    constants["response_at_reference"] = response_at_reference
    constants["itt_local_share"] = 1.0 - itt_serum_share
    constants["feedback_rate"] = 1.0 / values["feedback_lag"]
    constants["inhibin_rate"] = 1.0 / values["inhibin_lag"]
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
    return (c["t_star"], c["e_star"], ones, ones, ones, ones * 0, ones)


def hormones(y, u, c):
    """Fast hormones from slow state ``y`` and drug exposures ``u`` (relative units).

    Returns (testosterone, lh, fsh, estradiol, itt, support ratio, Leydig output, GnRH drive).
    """
    sensed_t, sensed_e, receptor, leydig, germinal, damage, inhibin = y
    exogenous_t, hcg_lh, block, aromatase_block, pulsatile, desensitising = u
    n = c["steepness"]
    felt_e = sensed_e * (1.0 - block)            # SERMs hide estradiol from its receptors
    felt_e_n = felt_e ** n
    hypothalamus = c["drive"] * (1 + c["gain_t"] + c["gain_e"]) / (
        1 + c["gain_t"] * sensed_t ** n + c["gain_e"] * felt_e_n)
    pituitary_signal = receptor * (hypothalamus + pulsatile + c["gonadorelin_flare_gain"] * desensitising)
    lh = pituitary_signal * (1 + c["gain_lh"]) / (1 + c["gain_lh"] * felt_e_n)
    fsh = (pituitary_signal ** c["fsh_gnrh_exponent"] * (1 + c["gain_fsh"]) / (1 + c["gain_fsh"] * felt_e_n)
           * (1 + c["inhibin_gain_fsh"]) / (1 + c["inhibin_gain_fsh"] * inhibin ** c["inhibin_hill"]))
    lh_like = lh + hcg_lh * c["hcg_sensitivity"]
    leydig_output = (c["leydig_reserve"] * leydig * _hill(lh_like, c["leydig_lh_half_saturation"], c["leydig_hill"])
                     / c["response_at_reference"])
    testosterone = leydig_output + exogenous_t
    share = c["testicular_estradiol_share"]
    estradiol = c["aromatase"] * (1.0 - aromatase_block) * ((1 - share) * testosterone + share * leydig_output)
    itt = c["itt_local_share"] * leydig_output + c["itt_serum_share"] * testosterone
    support = spermatogenic_support(itt, fsh, c) / c["support_star"]
    return testosterone, lh, fsh, estradiol, itt, support, leydig_output, (hypothalamus + pulsatile) / c["drive"]


def targets_and_rates(y, u, h, c, ops: Ops):
    """For each slow state, the value it relaxes to and the rate (1/day) it does so."""
    sensed_t, sensed_e, receptor, leydig, germinal, damage, inhibin = y
    desensitising = u[5]
    testosterone, lh, fsh, estradiol, itt, support, leydig_output, gnrh = h
    feedback = c["feedback_rate"]
    # GnRH receptor: resensitises at a constant rate, desensitises under continuous exposure
    receptor_rate = c["gnrh_receptor_resensitisation_rate"] + c["gnrh_receptor_desensitisation_rate"] * desensitising
    receptor_target = c["gnrh_receptor_resensitisation_rate"] / receptor_rate
    # Leydig capacity follows LH-like stimulation relative to the patient's own baseline
    lh_like = lh + u[1] * c["hcg_sensitivity"]
    leydig_target = ops.minimum(ops.maximum((lh_like / c["lh_star"]) ** c["leydig_trophic_exponent"],
                                            c["leydig_capacity_floor"]), c["leydig_capacity_ceiling"])
    shrinking = leydig_target < leydig
    leydig_rate = shrinking * c["leydig_atrophy_rate"] + (1 - shrinking) * c["leydig_recovery_rate"]
    # germinal epithelium follows hormonal support, capped by lasting damage
    germinal_target = ops.minimum(ops.maximum(support ** c["germinal_trophic_exponent"], c["germinal_floor"]),
                                  1.0 - damage)
    regressing = germinal_target < germinal
    germinal_rate = regressing * c["germinal_regression_rate"] + (1 - regressing) * c["germinal_recovery_rate"]
    deficit = ops.minimum(ops.maximum(1.0 - support, 0.0), 1.0)
    damage_rate = deficit * c["damage_rate"] + (1.0 - deficit) * c["damage_recovery_rate"]
    damage_target = deficit * c["germinal_damage_max"] * c["damage_rate"] / damage_rate
    germ_share = c["inhibin_germ_share"]
    inhibin_target = ((fsh / c["fsh_star"]) ** c["inhibin_fsh_exponent"]
                      * ((1 - germ_share) + germ_share * germinal * ops.minimum(support, 2.0)))
    return (
        (testosterone, feedback), (estradiol, feedback), (receptor_target, receptor_rate),
        (leydig_target, leydig_rate), (germinal_target, germinal_rate), (damage_target, damage_rate),
        (inhibin_target, c["inhibin_rate"]),
    )


def integrate(inputs, c: dict, dt: float, ops: Ops = FLOAT_OPS):
    """Advance the slow state over ``len(inputs[0])`` grid points ``dt`` days apart.

    ``inputs`` is a sequence of the six INPUTS series (lists of floats for one
    patient, arrays of shape (steps, patients) for a cohort). Returns (hormone
    series, state series), each a list over grid points of tuples.

    Every state relaxes exactly for piecewise-constant inputs (exponential Euler).
    The two sensed-steroid states close a high-gain loop (sensed T -> LH -> T),
    which an explicit step would turn into a spurious oscillation; for them the step
    uses the loop's local slope, estimated by a 1% perturbation (an exponential
    Rosenbrock step), which is stable at any step length.
    """
    y = initial_state(c)
    exp, minimum = ops.exp, ops.minimum
    steps = len(inputs[0])
    hormone_rows, state_rows = [], []
    nudge = 0.01
    for step, u in enumerate(zip(*inputs)):
        h = hormones(y, u, c)
        hormone_rows.append(h)
        state_rows.append(y)
        if step == steps - 1:
            break
        nudged = hormones((y[0] * (1 + nudge), y[1] * (1 + nudge)) + y[2:], u, c)
        # d(target)/d(state) along the direction in which both sensed levels move together (<= 0)
        slope_t = minimum((nudged[0] - h[0]) / (nudge * y[0]), 0.0)
        slope_e = minimum((nudged[3] - h[3]) / (nudge * y[1]), 0.0)
        updated = []
        for index, (x, (target, rate)) in enumerate(zip(y, targets_and_rates(y, u, h, c, ops))):
            if index < 2:
                slope = slope_t if index == 0 else slope_e
                rate, target = rate * (1 - slope), x + (target - x) / (1 - slope)
            updated.append(target + (x - target) * exp(-rate * dt))
        y = tuple(updated)
    return hormone_rows, state_rows


def rhs(y, u, c: dict, ops: Ops = FLOAT_OPS):
    """dy/dt of the slow state (continuous time, for reference solvers such as solve_ivp)."""
    h = hormones(y, u, c)
    return [rate * (target - x) for x, (target, rate) in zip(y, targets_and_rates(y, u, h, c, ops))]
