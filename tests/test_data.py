"""The data tables: units, bounds and sources present; every source key in the bibliography."""
import pytest

import hpgwidgets as hpg
from hpgwidgets import pharmacology
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


# ---- law L16: the drug limits keep serum testosterone within physical bounds --------------

SERUM_TESTOSTERONE_BOUND = 5000  # ng/dL (../shared/clinical/laws.md, L16)
MEN = [hpg.Patient(), hpg.Patient(age=18, baseline_testosterone=1200, baseline_sperm=200),
       hpg.Patient(age=90, baseline_testosterone=120, baseline_sperm=3)]


def largest_series(drug_id, share=1.0):
    """``share`` of the largest single dose, as often as the weekly limit allows: the highest peaks."""
    drug = hpg.DRUGS[drug_id]
    amount = share * drug.max_amount
    return hpg.Dose(drug_id, amount, every_days=amount * 7 / (share * drug.max_amount_per_week))


@pytest.mark.parametrize("doses", [
    *[[largest_series(drug)] for drug in pharmacology.testosterone_drugs()],
    [largest_series("testosterone_enanthate", 0.5), largest_series("testosterone_undecanoate", 0.5)],
    [largest_series("testosterone_cypionate", 0.75), largest_series("testosterone_gel", 0.25)],
], ids=lambda doses: "+".join(dose.drug for dose in doses))
def test_the_largest_legal_testosterone_regimen_keeps_serum_testosterone_within_bounds(doses):
    for man in MEN:
        peak = hpg.simulate(hpg.Regimen(doses), days=3 * 365, patient=man)["testosterone"].max()
        assert peak <= SERUM_TESTOSTERONE_BOUND, (man, peak)
