"""Print pyproject.toml's requirements without their upper bounds, one per line (for `make test-latest`).

Runtime dependencies and the ``test``, ``lab`` and ``present`` extras, each with its
minimum but not its ``<next-major`` bound, so pip picks the newest release. Exact pins
(``==``) stay: they are chosen on purpose (the JupyterLite builder).
"""
import re
import tomllib
from pathlib import Path

EXTRAS = ("test", "lab", "present")


def unbounded(requirement: str) -> str:
    """``"pandas>=2.1,<4"`` -> ``"pandas>=2.1"`` (an environment marker after ``;`` is kept)."""
    spec, _, marker = requirement.partition(";")
    spec = re.sub(r",?\s*<\s*[^,;]+", "", spec).strip()
    return f"{spec}; {marker.strip()}" if marker else spec


def main():
    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + [text for extra in EXTRAS for text in project["optional-dependencies"][extra]]
    for requirement in requirements:
        if not requirement.startswith(project["name"]):  # the package's own extras
            print(unbounded(requirement))


if __name__ == "__main__":
    main()
