"""A cohort runs a slice of its men at a time (to bound its memory): slices must not change
any man's curves, also under a SERM, where each man has his own exposures."""
import numpy as np
import pytest

import hpgwidgets as hpg
from hpgwidgets import cohort as cohort_module
from hpgwidgets import simulation

CLOMIPHENE = hpg.Regimen([hpg.Dose("clomiphene", 25, every_days=1, stop_day=90)])


def test_a_serm_cohort_in_slices_equals_each_man_alone(monkeypatch):
    monkeypatch.setattr(cohort_module, "WORKING_SHARE", 1e-6)    # the smallest slices there are
    cohort = hpg.simulate_cohort(CLOMIPHENE, n=9, days=120, seed=4, progress=False)
    assert len(cohort_module._chunks(9, 121, simulation.working_values(CLOMIPHENE, 1441, 121), 121)) > 1
    assert cohort.patients["serm_sensitivity"].nunique() == 9          # each man responds his own way
    for index in (0, 4, 8):
        alone = hpg.simulate(CLOMIPHENE, days=120, patient=cohort.patient(index))
        for name in hpg.CLINICAL:
            np.testing.assert_allclose(cohort[name][index], alone[name], rtol=1e-9, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("regimen", [CLOMIPHENE, hpg.Regimen([hpg.Dose("testosterone_enanthate", 200, every_days=7)])])
@pytest.mark.parametrize("men,days", [(100, 730), (1000, 730), (1000, 3650)])
def test_slices_cover_every_man_once_within_a_share_of_the_result(regimen, men, days):
    rows, points = days + 1, 12 * days + 1
    working = simulation.working_values(regimen, points, rows)
    slices = cohort_module._chunks(men, rows, working, rows)
    assert [part.start for part in slices] == list(range(0, men, slices[0].stop))
    assert slices[-1].stop == men and all(part.stop > part.start for part in slices)
    largest = max(part.stop - part.start for part in slices)
    result_values = men * rows * len(simulation.VARIABLES)
    assert largest * working <= max(cohort_module.WORKING_SHARE * result_values,
                                     cohort_module._kernel_threads() * working)
