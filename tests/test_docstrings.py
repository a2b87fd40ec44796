"""The examples in the public docstrings run and print what they claim."""
import doctest

import pytest

import hpgwidgets
from hpgwidgets import patient, regimen, simulation


@pytest.mark.parametrize("module", [hpgwidgets, regimen, patient, simulation], ids=lambda m: m.__name__)
def test_docstring_examples(module):
    failures, tried = doctest.testmod(module, verbose=False)
    assert tried > 0 and failures == 0
