"""What `import hpgwidgets` costs: a simulation never loads the chart or widget libraries.

Each check runs in a fresh interpreter (a subprocess), because this test session has long
since imported Altair and ipywidgets. The time it takes is a benchmark, not a test:
benchmarks/bench_import.py prints it.
"""
import json
import subprocess
import sys

import pytest

HEAVY = ("altair", "ipywidgets", "anywidget", "vl_convert", "traitlets")


def modules_after(code: str) -> dict:
    """Run ``code`` in a fresh Python; return which of HEAVY it left in sys.modules."""
    probe = code + f"\nimport json, sys\nprint(json.dumps({{name: name in sys.modules for name in {HEAVY!r}}}))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_import_and_simulate_load_neither_altair_nor_ipywidgets():
    loaded = modules_after(
        "import hpgwidgets as hpg\n"
        "regimen = hpg.Regimen([hpg.Dose('testosterone_enanthate', 200, every_days=7, stop_day=84)])\n"
        "result = hpg.simulate(regimen, days=120)\n"
        "assert result.at(60)['lh'] < result.baseline['lh']\n"
        "hpg.load_scenario('trt_alone').simulate()\n"
        "hpg.simulate_cohort(regimen, n=3, days=60, seed=0)\n"
    )
    assert not any(loaded.values()), f"a simulation loaded {[name for name, on in loaded.items() if on]}"


@pytest.mark.parametrize("name, module", [("charts", "altair"), ("Workbench", "ipywidgets"),
                                          ("quiz", "ipywidgets"), ("recovery", "altair")])
def test_charts_and_widgets_load_on_first_use(name, module):
    loaded = modules_after(f"import hpgwidgets as hpg\nhpg.{name}")
    assert loaded[module]


def test_lazy_names_are_the_real_objects_and_listed():
    import hpgwidgets as hpg
    from hpgwidgets import charts, workbench

    assert hpg.charts is charts and hpg.Workbench is workbench.Workbench
    assert {"charts", "Workbench", "quiz", "recovery", "diagram", "summary"} <= set(dir(hpg))
    with pytest.raises(AttributeError, match="no attribute 'Workbnch'"):
        hpg.Workbnch
