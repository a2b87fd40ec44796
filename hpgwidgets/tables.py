"""Read the project's data tables (CSV files in ``data/``).

The data directory is ``data/`` at the top of the repository; in an installed wheel
it ships inside the package as ``hpgwidgets/data``. Every other module reads its
numbers through here, so there is one place that knows where the files live.
"""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir() -> Path:
    """Folder holding parameters.csv, drugs.csv, references.bib, scenarios/ ..."""
    inside_wheel = _PACKAGE_DIR / "data"
    if (inside_wheel / "parameters.csv").exists():
        return inside_wheel
    return _PACKAGE_DIR.parent / "data"


@lru_cache(maxsize=None)
def read_table(name: str) -> tuple[dict[str, str], ...]:
    """Rows of ``data/<name>.csv`` as dicts of strings (cached; treat as read-only)."""
    path = data_dir() / f"{name}.csv"
    if not path.exists():
        raise FileNotFoundError(f"data table {path} is missing")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [
            {key.strip(): (value or "").strip() for key, value in row.items()}
            for row in csv.DictReader(line for line in handle if not line.startswith("#"))
        ]
    return tuple(rows)
