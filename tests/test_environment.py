"""environment.yml (Binder, conda users) must install what pyproject.toml declares.

A dependency added to pyproject.toml but forgotten in environment.yml breaks Binder for
every self-learner without any local test noticing; these tests notice.
"""
import json
import re
import stat
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
CONDA_SPEC = re.compile(r"^(?P<name>[A-Za-z0-9_.\-]+)\s*(?P<op>>=|==|=)?\s*(?P<version>[0-9][0-9A-Za-z.*]*)?"
                        r"(?:,<(?P<upper>[0-9][0-9A-Za-z.*]*))?$")


def normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject_minimums():
    """name -> minimum version for the runtime dependencies and the JupyterLab of the `lab` extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = [Requirement(text) for text in project["dependencies"]]
    requirements += [Requirement(text) for text in project["optional-dependencies"]["lab"]]
    minimums = {}
    for requirement in requirements:
        lower_bounds = [spec.version for spec in requirement.specifier if spec.operator == ">="]
        minimums[normalise(requirement.name)] = lower_bounds[0] if lower_bounds else None
    return minimums


def pyproject_requirements():
    """Every requirement of pyproject.toml: build system, dependencies and every extra."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    texts = pyproject["build-system"]["requires"] + pyproject["project"]["dependencies"]
    texts += [text for extra in pyproject["project"]["optional-dependencies"].values() for text in extra]
    return [Requirement(text) for text in texts]


def conda_specs():
    """name -> (operator, version) for every conda dependency in environment.yml."""
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    specs, uppers = {}, {}
    for entry in environment["dependencies"]:
        assert isinstance(entry, str), f"unexpected non-conda entry in environment.yml: {entry!r}"
        match = CONDA_SPEC.match(entry.strip())
        assert match, f"cannot read conda spec {entry!r}"
        specs[normalise(match["name"])] = (match["op"], match["version"])
        uppers[normalise(match["name"])] = match["upper"]
    environment["upper_bounds"] = uppers
    return environment, specs


def test_environment_uses_conda_forge_and_is_named_hpgwidgets():
    environment, _ = conda_specs()
    assert environment["name"] == "hpgwidgets"
    assert environment["channels"] == ["conda-forge"]


def test_python_is_pinned_to_312_which_current_altair_supports():
    _, specs = conda_specs()
    assert specs["python"] == ("=", "3.12")
    requires_python = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert Requirement(f"python{requires_python}").specifier.contains("3.12")


def test_every_pyproject_dependency_is_in_environment_with_the_same_minimum():
    _, specs = conda_specs()
    for name, minimum in pyproject_minimums().items():
        assert name in specs, f"{name} is a dependency in pyproject.toml but missing from environment.yml"
        operator, version = specs[name]
        if minimum is None:
            assert version is None, f"{name}: environment.yml pins {version} but pyproject.toml has no minimum"
        else:
            assert (operator, version) == (">=", minimum), (
                f"{name}: pyproject.toml requires >={minimum}, environment.yml has {operator}{version}"
            )


def test_environment_has_nothing_pyproject_does_not_declare():
    _, specs = conda_specs()
    tooling = {"python", "pip"}
    extra = set(specs) - set(pyproject_minimums()) - tooling
    assert not extra, f"environment.yml installs {sorted(extra)} which pyproject.toml does not declare"


def test_binder_postbuild_installs_the_package_itself():
    # repo2docker builds environment.yml before copying the repository, so it never installs
    # the package; postBuild must, or `import hpgwidgets` fails on Binder.
    post_build = ROOT / "postBuild"
    assert post_build.stat().st_mode & stat.S_IXUSR, "postBuild must be executable"
    assert re.search(r"pip install --no-deps \.(\s|$)", post_build.read_text())


# Packages with compiled code and no Pyodide (emscripten) build: JupyterLite's `%pip install
# hpgwidgets` would fail on them, so they must be marked `sys_platform != 'emscripten'`.
NO_PYODIDE_BUILD = {"vl-convert-python"}
PYODIDE_ENVIRONMENT = {"sys_platform": "emscripten", "platform_system": "Emscripten", "extra": ""}


def test_jupyterlite_install_skips_dependencies_pyodide_cannot_load():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted_in_pyodide = {
        normalise(requirement.name)
        for requirement in map(Requirement, project["dependencies"])
        if requirement.marker is None or requirement.marker.evaluate(PYODIDE_ENVIRONMENT)
    }
    assert not wanted_in_pyodide & NO_PYODIDE_BUILD
    assert {"numpy", "scipy", "altair", "ipywidgets", "anywidget"} <= wanted_in_pyodide


def test_every_requirement_stops_below_its_next_major_release():
    """A major release can break a classroom overnight: each bound moves on purpose, after
    `make test-latest` passes with the newest releases."""
    for requirement in pyproject_requirements():
        if normalise(requirement.name) == "hpgwidgets":
            continue  # the package's own extras
        uppers = [spec for spec in requirement.specifier if spec.operator in ("<", "==")]
        assert uppers, f"{requirement} in pyproject.toml has no upper bound"


def test_environment_has_the_same_upper_bounds_as_pyproject():
    environment, _ = conda_specs()
    for requirement in pyproject_requirements():
        name = normalise(requirement.name)
        if name in pyproject_minimums():
            upper = [spec.version for spec in requirement.specifier if spec.operator == "<"]
            assert environment["upper_bounds"][name] == upper[0], (name, environment["upper_bounds"][name], upper)


EDITABLE_BUILD = """
import json, sys, warnings
sys.path[:0] = json.loads(sys.argv[3])  # pyproject.toml's backend-path, as pip adds it
import importlib
backend = importlib.import_module(sys.argv[1])
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    wheel = backend.build_editable(sys.argv[2])
print(json.dumps({"wheel": wheel, "warnings": [f"{w.category.__name__}: {w.message}" for w in caught]}))
"""


def editable_build(backend, wheel_directory):
    """The wheel `pip install -e .` builds with ``backend``, and every warning it emits (pip shows each)."""
    backend_path = json.dumps(tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["backend-path"])
    done = subprocess.run([sys.executable, "-c", EDITABLE_BUILD, backend, str(wheel_directory), backend_path], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_an_editable_install_prints_no_warning_and_still_maps_the_data_folder(tmp_path):
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    ours = editable_build(pyproject["build-system"]["build-backend"], tmp_path / "ours")
    assert ours["warnings"] == []
    with zipfile.ZipFile(tmp_path / "ours" / ours["wheel"]) as wheel:
        finder = next(name for name in wheel.namelist() if name.endswith("_finder.py"))
        assert f"'hpgwidgets.data': {str(ROOT / 'data')!r}" in wheel.read(finder).decode()
    # setuptools alone prints its notice: the only warning our backend leaves out
    plain = editable_build("setuptools.build_meta", tmp_path / "plain")
    assert [text.split(".")[0] for text in plain["warnings"]] == ["InformationOnly: Editable installation"]
