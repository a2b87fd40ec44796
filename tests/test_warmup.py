"""`python -m hpgwidgets.warmup` (run by `make lab` and Binder's postBuild) leaves nothing to compile.

The package is copied to a temporary folder, as a user's own install would hold it (numba then
caches next to model.py), and each step runs in a fresh interpreter, as a kernel would.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What students' notebooks ask of the kernel: one man under each kind of drug, cohorts that
# share one exposure or each have their own, fixed traits, coarser sampling.
STUDENT_CALLS = """
import hpgwidgets as hpg
from hpgwidgets import warmup
trt = hpg.Dose("testosterone_cypionate", amount=150, every_days=7, stop_day=365)
for doses in ([trt], [trt, hpg.Dose("hcg", amount=500, every_days=2)],
              [hpg.Dose("gonadorelin", amount=5, every_days=1 / 16)], [hpg.Dose("anastrozole", amount=1, every_days=2)],
              [trt, hpg.Dose("clomiphene", amount=25, every_days=1, start_day=365)]):
    hpg.simulate(hpg.Regimen(doses), days=730, patient=hpg.Patient(age=60, baseline_sperm=30))
hpg.simulate_cohort(hpg.Regimen([trt]), n=20, days=500, seed=3, progress=False)
hpg.simulate_cohort(hpg.Regimen([trt, hpg.Dose("tamoxifen", amount=20, every_days=1)]), n=30, days=406, seed=1,
                    fixed={"age": 60}, sample_every=7, progress=False)
hpg.load_scenario("trt_alone").simulate()
print("compiled in a student's session:", warmup.cache_misses())
"""


@pytest.fixture(scope="module")
def user_install(tmp_path_factory):
    """A copy of the package in a writable folder, and the environment that imports it from there."""
    site = tmp_path_factory.mktemp("site")
    shutil.copytree(ROOT / "hpgwidgets", site / "hpgwidgets", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "data", site / "data")
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("NUMBA_CACHE_DIR", None)
    return site, env


def run(code_or_module: list[str], site: Path, env: dict) -> str:
    done = subprocess.run([sys.executable, *code_or_module], capture_output=True, text=True, cwd=site, env=env,
                          timeout=900)
    assert done.returncode == 0, done.stderr
    return done.stdout


def compiled_now(output: str) -> int:
    return int(re.search(r"(\d+) kernel\(s\) compiled", output)[1])


def test_warm_up_then_a_students_calls_compile_nothing(user_install):
    site, env = user_install
    first = run(["-m", "hpgwidgets.warmup"], site, env)
    assert compiled_now(first) >= 1, first
    assert list((site / "hpgwidgets" / "__pycache__").glob("model.*.nbi")), "the cache is not next to model.py"
    where = run(["-c", "import hpgwidgets; print(hpgwidgets.__file__)"], site, env)
    assert where.strip().startswith(str(site))
    assert "compiled in a student's session: 0" in run(["-c", STUDENT_CALLS], site, env)
    assert compiled_now(run(["-m", "hpgwidgets.warmup"], site, env)) == 0


def test_a_changed_model_is_compiled_afresh_by_the_next_warm_up(user_install):
    site, env = user_install
    run(["-m", "hpgwidgets.warmup"], site, env)
    model = site / "hpgwidgets" / "model.py"
    model.write_text(model.read_text() + "\n# edited\n")   # numba keys its cache on the source's content
    assert compiled_now(run(["-m", "hpgwidgets.warmup"], site, env)) >= 1
    assert compiled_now(run(["-m", "hpgwidgets.warmup"], site, env)) == 0
