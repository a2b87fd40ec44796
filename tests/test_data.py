"""The data tables: units, bounds and sources present; every source key in the bibliography."""
import pytest

import hpgwidgets as hpg
from hpgwidgets.references import bibliography
from hpgwidgets.tables import read_table


def test_every_parameter_has_unit_bounds_and_a_source():
    parameters = hpg.load_parameters()
    assert len(parameters) > 40
    for parameter in parameters.values():
        assert parameter.unit and parameter.description
        assert parameter.lower <= parameter.value <= parameter.upper
        assert parameter.source in bibliography()


def test_assumptions_say_why():
    for parameter in hpg.load_parameters().values():
        if parameter.is_assumption:
            assert len(parameter.description) > 30, parameter.name


@pytest.mark.parametrize("table, column", [("drugs", "source"), ("reference_ranges", "source"),
                                           ("evidence", "source_key")])
def test_every_source_key_is_in_the_bibliography(table, column):
    for row in read_table(table):
        assert row[column] in bibliography(), row


def test_drug_catalogue_matches_the_api_contract():
    units = {drug: hpg.DRUGS[drug].amount_unit for drug in hpg.drug_ids()}
    assert units == {
        "testosterone_cypionate": "mg", "testosterone_enanthate": "mg", "testosterone_undecanoate": "mg",
        "testosterone_gel": "mg", "hcg": "IU", "fsh": "IU", "clomiphene": "mg", "tamoxifen": "mg", "anastrozole": "mg",
        "gonadorelin": "µg",
    }
    table = hpg.drug_table()
    assert list(table.index) == list(units) and "mechanism" in table.columns


def test_off_label_status_is_recorded():
    for drug in ("clomiphene", "tamoxifen", "anastrozole"):
        assert "off-label" in hpg.DRUGS[drug].licensed_use_in_men


def test_citations_print_what_was_used(capsys):
    hpg.simulate(hpg.Regimen([hpg.Dose("hcg", 500, every_days=2)]), days=10)
    hpg.print_citations()
    printed = capsys.readouterr().out
    assert "Coviello" in printed and "Wehmann" in printed
    with pytest.raises(ValueError, match="unknown reference key"):
        hpg.cite("nobody2099")
