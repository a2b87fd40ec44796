"""Refit the model to the published evidence: ``python -m hpgwidgets.fit``.

Every parameter marked ``fitted = yes`` in ``data/parameters.csv`` and every drug column
named in the ``fitted`` column of ``data/drugs.csv`` (with its bounds, e.g.
``ec50:10..2000``) is estimated together, by scipy's ``least_squares`` (trust-region
reflective, bounded, in log space), against every row of ``data/evidence.csv`` with
``role = fit``. Each residual is the distance from the published figure in units of
that row's accepted half-band (so a row's tolerance is its weight). Every fitted value
also has a prior in ``data/priors.csv`` (a physiological or published value and its
spread on the log scale, with a source): the fit is penalised least squares, so a value
the rows do not pin down stays near what physiology says instead of wandering to a bound. The command
prints the residual of every row, which parameters the data pin down (from the
Jacobian at the optimum), and writes the fitted values back to ``data/``.

Options: ``--check`` prints the residuals of the committed values without fitting;
``--max-evaluations N`` bounds the work (default 400); ``--cross-validate K`` refits K
times, each time with the rows of about 1/K of the sources left out (every row of a
source leaves together), and prints the share of left-out rows the refitted model
predicts within their band beside the in-sample share. Nothing is written back then.
"""
from __future__ import annotations

import argparse
import csv
import math
import sys
import time

import numpy as np

from . import calibration
from .parameters import ParameterSet, check_source, fitted_drug_columns, load_parameters
from .tables import data_dir, read_table

_SMALLEST = 1e-4    # a lower bound of 0 becomes this (the fit works on logarithms)


def fitted_parameters() -> dict[str, tuple[float, float, float]]:
    """name -> (value, lower, upper) of everything the fit estimates; drug columns
    are named ``drug_id.column``."""
    chosen = {name: (p.value, max(p.lower, _SMALLEST), p.upper)
              for name, p in load_parameters().items() if p.fitted}
    drugs = {row["id"]: row for row in read_table("drugs")}
    for name, (low, high) in fitted_drug_columns().items():
        drug_id, _, column = name.partition(".")
        chosen[name] = (float(drugs[drug_id][column]), max(low, _SMALLEST), high)
    return chosen


def priors(names) -> tuple[np.ndarray, np.ndarray]:
    """(log prior value, log spread) for each fitted name, from data/priors.csv; every fitted
    parameter must have exactly one prior and every prior a fitted parameter."""
    rows = {row["name"]: row for row in read_table("priors")}
    missing, extra = set(names) - set(rows), set(rows) - set(names)
    if missing or extra:
        raise ValueError(f"data/priors.csv must hold one row per fitted parameter: missing {sorted(missing)}, "
                         f"not fitted {sorted(extra)}")
    for name in names:
        check_source(rows[name]["source"], f"priors.csv: {name!r}")
    return (np.log([float(rows[name]["prior"]) for name in names]),
            np.array([float(rows[name]["log_sd"]) for name in names]))


def _residual(observation, parameters: ParameterSet) -> float:
    try:
        measured = calibration.measure(observation, parameters)
        if math.isinf(measured) and observation.statistic in calibration.TIME_TO_THRESHOLD:
            # never crossed: steer by how far the curve stays from the threshold
            return 3.0 + 10.0 * calibration.shortfall(observation, parameters)
        return observation.residual(measured)
    except ValueError:      # a trial value that makes the study's man impossible to describe
        return 10.0


def residuals(values: dict[str, float], observations) -> np.ndarray:
    """Residual of each observation with ``values`` (name or drug_id.column -> value) in place
    of the committed ones."""
    parameters = ParameterSet.default().replace(values)
    return np.array([_residual(observation, parameters) for observation in observations])


def _write_back(values: dict[str, float]) -> None:
    """Store fitted values in data/parameters.csv and data/drugs.csv (4 significant digits)."""
    for table, key in (("parameters", "name"), ("drugs", "id")):
        path = data_dir() / f"{table}.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
            fields = list(rows[0])
        for row in rows:
            for name, value in values.items():
                owner, _, column = name.rpartition(".")
                if table == "parameters" and not owner and row[key] == name:
                    row["value"] = f"{value:.4g}"
                elif table == "drugs" and owner == row[key]:
                    row[column] = f"{value:.4g}"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)


def identifiability(jacobian: np.ndarray, names: list[str]) -> list[tuple[str, float]]:
    """(name, standard error of log value) from the Jacobian of the residuals in log
    space: above about 0.7 (a factor of 2) the data do not pin the parameter down."""
    information = jacobian.T @ jacobian
    covariance = np.linalg.pinv(information, rcond=1e-10)
    return [(name, float(math.sqrt(max(covariance[i, i], 0.0)))) for i, name in enumerate(names)]


def _jacobian(x: np.ndarray, names: list[str], observations, upper: np.ndarray, step: float = 1e-3) -> np.ndarray:
    """d residual / d log(parameter) by one-sided differences (one extra run of every row per
    parameter): forward, or backward within ``step`` of the upper bound (beyond it
    ParameterSet.replace refuses the value)."""
    base = residuals(dict(zip(names, np.exp(x))), observations)
    columns = []
    for i in range(len(x)):
        nudged = x.copy()
        signed_step = -step if x[i] + step > upper[i] else step
        nudged[i] += signed_step
        columns.append((residuals(dict(zip(names, np.exp(nudged))), observations) - base) / signed_step)
    return np.array(columns).T


def _print_identifiability(jacobian, names, chosen, values) -> None:
    print("\nparameter                                    value      bounds            s.e. of log")
    for name, error in identifiability(jacobian, names):
        low, high = chosen[name][1:]
        at_bound = "  (at a bound)" if min(abs(math.log(values[name] / low)), abs(math.log(high / values[name]))) < 1e-2 else ""
        flag = "  <- not pinned down by the data" if error > 0.7 else ""
        print(f"  {name:44s} {values[name]:10.4g}  [{low:.3g}, {high:.3g}]  {error:8.2f}{flag}{at_bound}")


def _print_rows(observations, values) -> int:
    inside = 0
    parameters = ParameterSet.default().replace(values)
    for observation in observations:
        measured = calibration.measure(observation, parameters)
        ok = observation.within(measured)
        inside += ok
        print(f"  {'ok ' if ok else 'OUT'} {observation.id:38s} model {measured:10.4g}  accepted "
              f"{observation.low:.3g}..{observation.high:.3g} {observation.unit:10s} "
              f"residual {observation.residual(measured):+6.2f}  ({observation.role})")
    return inside


def _solve(names, start, lower, upper, observations, max_evaluations, verbose=2):
    from scipy.optimize import least_squares

    centre, spread = priors(names)

    def penalised(x):
        return np.concatenate([residuals(dict(zip(names, np.exp(x))), observations), (x - centre) / spread])

    return least_squares(penalised, start,
                         bounds=(lower, upper), x_scale=1.0, diff_step=1e-3, ftol=1e-4, xtol=1e-4,
                         max_nfev=max_evaluations, verbose=verbose)


def source_folds(observations, k: int) -> list[list]:
    """The fitting rows split into ``k`` folds by source (every row of a source in one fold),
    sources dealt out in a fixed order so the folds are reproducible."""
    sources = sorted({observation.source_key for observation in observations})
    return [[o for o in observations if sources.index(o.source_key) % k == fold] for fold in range(k)]


def cross_validate(k: int, max_evaluations: int, names, start, lower, upper, fitting) -> tuple[int, int]:
    """(left-out rows within band, left-out rows) over ``k`` refits, each without one fold."""
    inside = total = 0
    for fold, left_out in enumerate(source_folds(fitting, k)):
        kept = [o for o in fitting if o not in left_out]
        solution = _solve(names, start, lower, upper, kept, max_evaluations, verbose=0)
        parameters = ParameterSet.default().replace(dict(zip(names, np.exp(solution.x))))
        hits = [o.within(calibration.measure(o, parameters)) for o in left_out]
        inside, total = inside + sum(hits), total + len(hits)
        print(f"  fold {fold + 1}/{k}: {sum(hits)} of {len(hits)} left-out rows within band "
              f"(sources {', '.join(sorted({o.source_key for o in left_out}))})", flush=True)
    return inside, total


CROSS_VALIDATION = "cross_validation.csv"


def _write_cross_validation(folds, evaluations, inside, total, inside_sample, fitting) -> None:
    """Keep the last cross-validation's figures in data/ (docs and notebooks quote them; the
    command takes many minutes, so they are not recomputed when a notebook runs)."""
    path = data_dir() / CROSS_VALIDATION
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["folds", "evaluations_per_refit", "left_out_within", "left_out", "in_sample_within", "in_sample"])
        writer.writerow([folds, evaluations, inside, total, inside_sample, fitting])
    print(f"wrote {path}")


def cross_validation_figures() -> dict[str, int]:
    """The figures of the last ``--cross-validate`` run (data/cross_validation.csv)."""
    (row,) = read_table(CROSS_VALIDATION.removesuffix(".csv"))
    return {name: int(value) for name, value in row.items()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hpgwidgets.fit", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="print residuals of the committed values only")
    parser.add_argument("--max-evaluations", type=int, default=400)
    parser.add_argument("--cross-validate", type=int, metavar="K", default=0,
                        help="refit K times leaving out the rows of 1/K of the sources; report the share predicted")
    arguments = parser.parse_args(argv)
    if arguments.max_evaluations < 1:
        parser.error(f"--max-evaluations must be at least 1, got {arguments.max_evaluations}")
    if arguments.cross_validate == 1 or arguments.cross_validate < 0:
        parser.error(f"--cross-validate needs at least 2 folds, got {arguments.cross_validate}")
    every = calibration.load_observations()
    fitting = [observation for observation in every if observation.role == "fit"]
    sources = len({observation.source_key for observation in fitting})
    if arguments.cross_validate > sources:
        parser.error(f"--cross-validate K may be at most the number of sources of the fitting rows ({sources}): "
                     f"a fold needs a source to leave out; got {arguments.cross_validate}")
    chosen = fitted_parameters()
    names = list(chosen)
    start = np.log([chosen[name][0] for name in names])
    # a hair inside the bounds: exp(log(bound)) may round past the bound, which ParameterSet.replace refuses
    lower = np.log([chosen[name][1] for name in names]) + 1e-12
    upper = np.log([chosen[name][2] for name in names]) - 1e-12
    start = np.clip(start, lower + 1e-9, upper - 1e-9)
    if arguments.cross_validate:
        inside_sample = sum(o.within(calibration.measure(o)) for o in fitting)
        print(f"cross-validation by source, {arguments.cross_validate} folds, "
              f"at most {arguments.max_evaluations} evaluations per refit:", flush=True)
        inside, total = cross_validate(arguments.cross_validate, arguments.max_evaluations, names, start, lower,
                                       upper, fitting)
        print(f"\nout of sample: {inside} of {total} left-out rows within band ({inside / total:.0%}); "
              f"in sample: {inside_sample} of {len(fitting)} ({inside_sample / len(fitting):.0%})")
        _write_cross_validation(arguments.cross_validate, arguments.max_evaluations, inside, total, inside_sample,
                                len(fitting))
        return 0
    if not arguments.check:
        print(f"fitting {len(names)} parameters to {len(fitting)} observations "
              f"({len(every) - len(fitting)} more only check the result)")
        began = time.perf_counter()
        solution = _solve(names, start, lower, upper, fitting, arguments.max_evaluations)
        fitted = dict(zip(names, np.exp(solution.x)))
        print(f"  cost {solution.cost:.4g} after {solution.nfev} evaluations, "
              f"{time.perf_counter() - began:.0f} s ({solution.message})")
        _print_identifiability(solution.jac, names, chosen, fitted)
        _write_back(fitted)
        print(f"\nwrote fitted values to {data_dir() / 'parameters.csv'} and drugs.csv")
        values = fitted          # this process still holds the old tables: run on the fitted values
    else:
        values = {}
        print(f"{len(names)} fitted parameters, {len(fitting)} fitting observations; sensitivity at the committed values:")
        _print_identifiability(_jacobian(start, names, fitting, upper), names, chosen, dict(zip(names, np.exp(start))))
    print("\nevery observation (role fit is used by the fit; check is held out):")
    inside = _print_rows(every, values)
    print(f"\n{inside} of {len(every)} observations within their accepted band")
    return 0


if __name__ == "__main__":
    sys.exit(main())
