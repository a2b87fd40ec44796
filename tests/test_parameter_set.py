"""ParameterSet.replace: a variant of the committed set, every change checked against data/."""
import numpy as np
import pytest

import hpgwidgets as hpg
from hpgwidgets.parameters import fitted_drug_columns, load_parameters
from test_validation import raises

DEFAULT = hpg.ParameterSet.default()
CLOMIPHENE = hpg.Regimen([hpg.Dose("clomiphene", 25, every_days=1)])


@pytest.mark.parametrize("changes, error, message", [
    ("feedback_hill=2", TypeError, "changes must be a mapping of parameter name (or 'drug_id.column') to value, "
                                   "got str 'feedback_hill=2'"),
    ([("feedback_hill", 2)], TypeError, "changes must be a mapping"),
    ({3: 1.0}, TypeError, "changes: each key must be a parameter name (text), got int 3"),
    ({"feedback_hil": 2}, ValueError, "changes: 'feedback_hil' is not a parameter of data/parameters.csv (nor a "
                                      "drug column 'drug_id.column': testosterone_cypionate.elimination_half_life"),
    ({"nope.ec50": 100}, ValueError, "changes: 'nope.ec50' names no known drug ('nope'); known drugs: "
                                     "testosterone_cypionate, "),
    # hCG has a half-life, but the fit does not estimate it: data/drugs.csv gives it no bounds
    ({"hcg.elimination_half_life": 3}, ValueError, "changes: 'elimination_half_life' of hcg is not a drug column "
                                                   "a parameter set may change; allowed: "),
    ({"clomiphene.colour": 1}, ValueError, "changes: 'colour' of clomiphene is not a drug column"),
    ({"feedback_hill": "2"}, TypeError, "feedback_hill must be a number, got str '2'"),
    ({"feedback_hill": True}, TypeError, "feedback_hill must be a number, got bool True"),
    ({"feedback_hill": None}, TypeError, "feedback_hill must be a number, got NoneType None"),
    ({"feedback_hill": float("nan")}, ValueError, "feedback_hill must be a finite number, got nan"),
    ({"feedback_hill": float("inf")}, ValueError, "feedback_hill must be a finite number, got inf"),
    ({"feedback_hill": 10 ** 400}, ValueError, "feedback_hill must be a finite number, got a number with 401 digits"),
    ({"feedback_hill": 4.5}, ValueError, "feedback_hill = 4.5 is outside the allowed range (0.5 to 4)"),
    ({"spermatogenesis_duration": 30}, ValueError,
     "spermatogenesis_duration = 30 is outside the allowed range (42 to 90 days)"),
    ({"clomiphene.ec50": 5000}, ValueError, "clomiphene.ec50 = 5000 is outside the allowed range (20 to 3000)"),
    ({"clomiphene.emax": "0.5"}, TypeError, "clomiphene.emax must be a number, got str '0.5'"),
])
def test_a_change_that_names_nothing_changeable_or_is_out_of_bounds_is_refused_by_name(changes, error, message):
    with raises(error, message):
        DEFAULT.replace(changes)


def test_the_bounds_are_those_of_the_data_files_and_a_bound_itself_is_allowed():
    hill = load_parameters()["feedback_hill"]
    assert DEFAULT.replace({"feedback_hill": hill.lower})["feedback_hill"] == hill.lower
    assert DEFAULT.replace({"feedback_hill": np.float64(hill.upper)})["feedback_hill"] == hill.upper
    assert dict(fitted_drug_columns())["clomiphene.ec50"] == (20.0, 3000.0)   # "ec50:20..3000" in drugs.csv
    assert DEFAULT.replace({"clomiphene.ec50": 20}).drug_values["clomiphene.ec50"] == 20.0


def test_a_replaced_value_changes_the_simulation_and_leaves_the_committed_set_alone():
    """A SERM that needs ten times the concentration for half its effect blocks less estrogen
    feedback at the same dose, so LH rises less; the committed set still gives the old answer."""
    committed_ec50 = hpg.DRUGS["clomiphene"].ec50
    insensitive = DEFAULT.replace({"clomiphene.ec50": committed_ec50 * 10})
    rise = {label: run.relative("lh")[-1] for label, run in
            (("committed", hpg.simulate(CLOMIPHENE, days=56)),
             ("insensitive", hpg.simulate(CLOMIPHENE, days=56, parameters=insensitive)))}
    assert rise["committed"] > 1.3                        # clomiphene raises LH clearly
    assert rise["insensitive"] < rise["committed"] - 0.3
    assert DEFAULT.drug_values == {} and insensitive.drug_values == {"clomiphene.ec50": committed_ec50 * 10}
    assert hpg.simulate(CLOMIPHENE, days=56).relative("lh")[-1] == pytest.approx(rise["committed"])


def test_an_empty_change_is_the_same_values():
    assert dict(DEFAULT.replace({})) == dict(DEFAULT)


@pytest.mark.parametrize("values_change, drug_values, error, message", [
    ({"feedback_hill": -1}, None, ValueError, "feedback_hill = -1 is outside the allowed range (0.5 to 4)"),
    ({}, {"nope.ec50": 1}, ValueError, "drug_values: 'nope.ec50' names no known drug ('nope')"),
    ({}, {"clomiphene.ec50": 1e9}, ValueError, "clomiphene.ec50 = 1000000000 is outside the allowed range (20 to 3000)"),
    ({}, [("clomiphene.ec50", 100)], TypeError, "drug_values must be a mapping of 'drug_id.column' to value"),
])
def test_a_new_set_is_checked_as_replace_checks_a_change(values_change, drug_values, error, message):
    """The constructor holds its values to the same bounds as replace: no set outside data/'s bounds."""
    with raises(error, message):
        hpg.ParameterSet(dict(DEFAULT) | values_change, drug_values)
