"""Unit conversions of the model's clinical units, each written once.

Serum testosterone is reported in ng/dL (as in the US and in the model) and in nmol/L
(SI, as in Europe and in the model's intratesticular testosterone). The molar mass comes
from data/parameters.csv (``testosterone_molar_mass``, g/mol = ng/nmol).
"""
from __future__ import annotations

import numpy as np

from . import validation

DECILITRES_PER_LITRE = 10.0


def testosterone_molar_mass() -> float:
    """g/mol (= ng/nmol), from data/parameters.csv."""
    from .parameters import load_parameters  # parameters imports the data tables; units stays light

    return load_parameters()["testosterone_molar_mass"].value


def testosterone_ng_dl_to_nmol_l(ng_per_dl, molar_mass: float | None = None):
    """Testosterone ng/dL -> nmol/L: x 10 (per dL -> per L), / molar mass (ng -> nmol).

    ``molar_mass`` (g/mol) defaults to data/parameters.csv's; pass a parameter set's own
    value to convert with it. Works on numbers and numpy arrays; a negative, NaN or infinite
    concentration is refused (ValueError naming it).

    >>> round(testosterone_ng_dl_to_nmol_l(288.4), 6)
    10.0
    """
    if molar_mass is None:
        molar_mass = testosterone_molar_mass()
    elif not validation.number("molar_mass", molar_mass, unit="g/mol") > 0:
        raise ValueError(f"molar_mass must be a positive number of g/mol, got {validation.figure(molar_mass)}")
    if np.ndim(ng_per_dl) == 0:
        ng_per_dl = validation.number("ng_per_dl", ng_per_dl, low=0, unit="ng/dL")
    else:
        validation.number_list("ng_per_dl", np.ravel(ng_per_dl), low=0, unit="ng/dL")  # each entry, by index
        ng_per_dl = np.asarray(ng_per_dl, dtype=float)
    return ng_per_dl * DECILITRES_PER_LITRE / molar_mass


__all__ = ["testosterone_ng_dl_to_nmol_l", "testosterone_molar_mass", "DECILITRES_PER_LITRE"]
