"""What `import hpgwidgets` costs: a simulation never loads the chart or widget libraries, nor
scipy.signal (0.8 s and 69 MiB for what three small filters need; hpgwidgets.filters does it).

Each check runs in a fresh interpreter (a subprocess), because this test session has long
since imported Altair and ipywidgets. The time it takes is a benchmark, not a test:
benchmarks/bench_import.py prints it.
"""
import json
import os
import re
import subprocess
import sys

import pytest

HEAVY = ("altair", "ipywidgets", "anywidget", "vl_convert", "traitlets", "scipy.signal")


def modules_after(code: str, modules=HEAVY) -> dict:
    """Run ``code`` in a fresh Python; return which of ``modules`` it left in sys.modules."""
    probe = code + f"\nimport json, sys\nprint(json.dumps({{name: name in sys.modules for name in {tuple(modules)!r}}}))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_import_and_simulate_load_neither_altair_nor_ipywidgets_nor_scipy_signal():
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


def test_import_alone_loads_neither_the_model_nor_pandas():
    loaded = modules_after("import hpgwidgets as hpg\nhpg.Patient(age=60)\nhpg.cite('bhasin2018')",
                           ("scipy", "numba", "pandas", "altair", "ipywidgets"))
    assert not any(loaded.values()), f"import hpgwidgets loaded {[name for name, on in loaded.items() if on]}"


def test_lazy_names_are_the_real_objects_and_listed():
    import hpgwidgets as hpg
    from hpgwidgets import charts, cohort, regimen, simulation, workbench

    assert hpg.charts is charts and hpg.Workbench is workbench.Workbench
    assert hpg.simulate is simulation.simulate and hpg.Dose is regimen.Dose
    assert hpg.simulate_cohort is cohort.simulate_cohort and hpg.cohort is cohort
    assert set(hpg.__all__) <= set(dir(hpg))
    assert all(getattr(hpg, name) is not None for name in hpg.__all__)
    with pytest.raises(AttributeError, match="no attribute 'Workbnch'"):
        hpg.Workbnch


# Which string formats jsonschema's Draft 7 checker (the one Altair validates charts with) checks.
FORMATS_CHECKED = "import json, jsonschema\nprint(json.dumps(sorted(jsonschema.Draft7Validator.FORMAT_CHECKER.checkers)))"


def formats_checked(first: str = "") -> set:
    done = subprocess.run([sys.executable, "-c", first + FORMATS_CHECKED], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout))


def test_charts_load_without_the_iri_grammar_and_lose_no_check_vega_lite_needs():
    # rfc3987_syntax builds a grammar at import (about 1 s of CPU in every kernel) for jsonschema's
    # "iri" check; hpgwidgets imports jsonschema without it.
    loaded = modules_after("import hpgwidgets as hpg\nhpg.charts\nhpg.Workbench()", ("rfc3987_syntax", "jsonschema"))
    assert loaded == {"rfc3987_syntax": False, "jsonschema": True}
    import altair

    vega_lite_formats = set(re.findall(r'"format": "([^"]+)"', json.dumps(altair.vegalite.v6.schema.load_schema())))
    assert "uri" in vega_lite_formats  # the scan finds the formats the schema uses
    lost = formats_checked() - formats_checked("import hpgwidgets\n")
    assert lost <= {"iri", "iri-reference"} and not lost & vega_lite_formats


def test_the_kernel_loads_without_what_numba_would_import_for_features_it_never_uses():
    # scipy.linalg (numba's BLAS check), coverage (compiled-line reports) and cffi: 14 MiB of every
    # student's kernel together (benchmarks/bench_kernel_memory.py)
    loaded = modules_after("import hpgwidgets as hpg\nhpg.Workbench()", ("scipy.linalg", "coverage", "cffi", "numba"))
    assert loaded == {"scipy.linalg": False, "coverage": False, "cffi": False, "numba": True}


def test_a_workbench_does_not_load_the_cohort_module_to_ask_whether_it_was_given_a_cohort():
    # the cohort module brings scipy.special (about 8 MiB of a student's kernel); while it is not
    # loaded no Cohort can exist, so the type checks answer without it
    loaded = modules_after("import hpgwidgets as hpg\nhpg.Workbench()", ("hpgwidgets.cohort", "scipy.special"))
    assert loaded == {"hpgwidgets.cohort": False, "scipy.special": False}


def test_a_time_series_chart_and_its_update_are_built_without_pandas():
    # pandas is about 30 MiB of a student's kernel; the Workbench's charts are built from lists
    loaded = modules_after("import hpgwidgets as hpg\nfrom hpgwidgets import charts\n"
                           "r = hpg.simulate(hpg.Regimen([hpg.Dose('hcg', amount=500, every_days=2, stop_day=60)]), days=120)\n"
                           "charts.timeseries_spec(r, compare=r)\ncharts.timeseries_params(r)",
                           ("pandas", "altair"))
    assert loaded == {"pandas": False, "altair": True}


def test_a_notebook_setup_cell_and_a_workbench_load_no_pandas():
    # pandas is about 30 MiB of a student's kernel (benchmarks/bench_kernel_memory.py); it loads
    # when a table is asked for (lab_report(...).table(), a cohort), not for a Workbench
    loaded = modules_after("import hpgwidgets as hpg\nfrom hpgwidgets import charts, diagram, lessons, quiz, summary\n"
                           "b = hpg.Workbench()\nb.controls['trt_dose'].value *= 1.5", ("pandas", "hpgwidgets.labs"))
    assert loaded == {"pandas": False, "hpgwidgets.labs": True}


def test_what_was_refused_still_imports_and_works_after_hpgwidgets():
    done = subprocess.run([sys.executable, "-c", "import hpgwidgets as hpg, numba, numpy as np\n"
                           "hpg.simulate(hpg.Regimen([]), days=10)\n"
                           "import rfc3987_syntax, scipy.linalg, coverage, cffi\n"
                           "assert rfc3987_syntax.is_valid_syntax('iri', 'https://example.org/ü')\n"
                           "assert scipy.linalg.det(np.eye(2)) == 1 and cffi.FFI().sizeof('int') == 4\n"
                           "assert numba.njit(lambda a: np.dot(a, a))(np.ones(3)) == 3  # compiled BLAS\n"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.mark.parametrize("chosen, expected", [(None, "passive"), ("active", "active")])
def test_openmp_threads_sleep_between_parallel_regions_unless_the_user_chose(chosen, expected):
    # spinning threads made every single run cost 14 ms of CPU instead of 8 (benchmarks/bench_import.py)
    environment = {name: value for name, value in os.environ.items() if name != "OMP_WAIT_POLICY"}
    if chosen:
        environment["OMP_WAIT_POLICY"] = chosen
    done = subprocess.run([sys.executable, "-c", "import os, hpgwidgets; print(os.environ['OMP_WAIT_POLICY'])"],
                          capture_output=True, text=True, timeout=120, env=environment)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == expected
